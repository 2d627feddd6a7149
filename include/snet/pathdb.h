/* SPDX-License-Identifier: Apache-2.0 */
/* A path database loaded from JSON (written by snet-topogen): for each source and destination
 * IA, dataplane paths with metadata, as Go's daemon returns them (snet.Path: Dataplane,
 * UnderlayNextHop, Metadata.Interfaces, MTU, Expiry). */
#ifndef SNET_PATHDB_H
#define SNET_PATHDB_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "snet/addr.h"
#include "snet/wire.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SNET_PATH_MAX_IFS 16
#define SNET_PATH_MAX_LEN (SNET_META_LEN + SNET_MAX_INFS * SNET_INFO_LEN + SNET_MAX_HOPS * SNET_HOP_LEN)

typedef struct snet_path_if {
	uint64_t ia;
	uint64_t id;
} snet_path_if;

typedef struct snet_path {
	uint64_t src, dst;
	uint8_t type;                     /* SNET_PATH_SCION (or EMPTY within an AS) */
	uint8_t raw[SNET_PATH_MAX_LEN];   /* CurrINF = CurrHF = 0 */
	size_t len;
	struct sockaddr_storage next_hop; /* the first router's internal address */
	size_t n_ifs;
	snet_path_if ifs[SNET_PATH_MAX_IFS];
	uint32_t mtu;
	uint64_t expiry;                  /* Unix seconds */
} snet_path;

typedef struct snet_pathdb {
	snet_path *paths;
	size_t n;
} snet_pathdb;

/* Loads the JSON file. Returns 0, -errno, or SNET_E_BAD_JSON/SNET_E_BAD_FIELD with err naming
 * the entry and key. The paths are allocated once here; snet_pathdb_free releases them. */
SNET_EXTERN int snet_pathdb_load(const char *file, snet_pathdb *db, char *err, size_t errlen);
/* The same from JSON text in memory (errors say "paths" where load names the file). */
SNET_EXTERN int snet_pathdb_parse(const char *text, size_t len, snet_pathdb *db, char *err,
				  size_t errlen);
SNET_EXTERN void snet_pathdb_free(snet_pathdb *db);
/* Up to max paths from src to dst that have not expired at now (Unix seconds), in file order.
 * Returns how many were written to out (pointers into db). */
SNET_EXTERN size_t snet_pathdb_query(const snet_pathdb *db, uint64_t src, uint64_t dst,
				     uint64_t now, const snet_path **out, size_t max);
/* Sets a destination's path and next hop from p (Go: UDPAddr.Path/NextHop from a snet.Path);
 * the address borrows p->raw. */
SNET_EXTERN void snet_path_apply(const snet_path *p, snet_udp_addr *dst);

#ifdef __cplusplus
}
#endif
#endif
