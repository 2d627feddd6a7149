/* SPDX-License-Identifier: Apache-2.0 */
/* A path database loaded from JSON (written by snet-topogen): for each source and destination
 * IA, dataplane paths with the part of their metadata a file carries (snet.Path: Dataplane,
 * UnderlayNextHop, Metadata.Interfaces, MTU, Expiry); meta is NULL. For offline use and tests:
 * a real application asks the daemon (snet/daemon.h). */
#ifndef SNET_PATHDB_H
#define SNET_PATHDB_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "snet/pathset.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct snet_pathdb {
	snet_path *paths;
	size_t n;
	snet_path_set *priv_set; /* owns paths and what they point to */
} snet_pathdb;

/* Loads the JSON file. Returns 0, -errno, or SNET_E_BAD_JSON/SNET_E_BAD_FIELD with err naming
 * the entry and key. The paths are allocated once here; snet_pathdb_free releases them. */
SNET_EXTERN int snet_pathdb_load(const char *file, snet_pathdb *db, char *err, size_t errlen);
/* The same from JSON text in memory (errors say "paths" where load names the file). */
SNET_EXTERN int snet_pathdb_parse(const char *text, size_t len, snet_pathdb *db, char *err,
				  size_t errlen);
SNET_EXTERN void snet_pathdb_free(snet_pathdb *db);
/* Hands the paths over as a set (every pair's: a selector keeps those to its destination);
 * db is empty after. The caller frees the set with snet_path_set_free. */
SNET_EXTERN snet_path_set *snet_pathdb_release(snet_pathdb *db);
/* Up to max paths from src to dst that have not expired at now (Unix seconds), in file order.
 * Returns how many were written to out (pointers into db). */
SNET_EXTERN size_t snet_pathdb_query(const snet_pathdb *db, uint64_t src, uint64_t dst,
				     uint64_t now, const snet_path **out, size_t max);
#ifdef __cplusplus
}
#endif
#endif
