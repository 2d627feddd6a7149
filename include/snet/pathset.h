/* SPDX-License-Identifier: Apache-2.0 */
/* A path as an application holds it (Go: snet.Path and snet.PathMetadata): the dataplane path,
 * the next hop, the interfaces it crosses, MTU, expiry and the metadata the control plane
 * publishes. Paths come from the SCION daemon (snet/daemon.h) or a path database file
 * (snet/pathdb.h); both hand out a snet_path_set that owns every byte its paths point to. */
#ifndef SNET_PATHSET_H
#define SNET_PATHSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "snet/addr.h"
#include "snet/wire.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The bound on interfaces per path. A path has at most 64 hop fields, so it crosses at most 64
 * ASes and lists at most 2 * 63 interfaces (2 per link); a source that sends more is in error,
 * and the path is refused, never cut. */
#define SNET_PATH_MAX_IFS 128
#define SNET_PATH_MAX_LEN (SNET_META_LEN + SNET_MAX_INFS * SNET_INFO_LEN + SNET_MAX_HOPS * SNET_HOP_LEN)
/* Go: snet.LatencyUnset, a latency the AS did not announce. */
#define SNET_LATENCY_UNSET (-1)
/* SHA-256, Go: snet.PathFingerprint. */
#define SNET_PATH_FINGERPRINT_LEN 32

typedef struct snet_path_if {
	uint64_t ia;
	uint64_t id; /* Go: iface.ID */
} snet_path_if;

/* Go: snet.LinkType. Values the daemon sends that Go does not know become UNSET, as in Go. */
typedef enum snet_path_link {
	SNET_PATH_LINK_UNSET = 0,
	SNET_PATH_LINK_DIRECT = 1,
	SNET_PATH_LINK_MULTIHOP = 2,
	SNET_PATH_LINK_OPENNET = 3,
} snet_path_link;

/* Go: snet.GeoCoordinates. address is NUL-terminated UTF-8 (possibly ""). */
typedef struct snet_path_geo {
	float latitude, longitude;
	const char *address;
} snet_path_geo;

/* Go: snet.DiscoveryInformation for one AS on the path. */
typedef struct snet_path_discovery {
	uint64_t ia;
	size_t n_control, n_discovery;
	const struct sockaddr_storage *control;
	const struct sockaddr_storage *discovery;
} snet_path_discovery;

/* Go: the rest of snet.PathMetadata. Every list has the length the daemon sent (Go does not
 * check them against the interfaces either). Strings are NUL-terminated UTF-8 without NULs. */
typedef struct snet_path_metadata {
	size_t n_latency;             /* per link between interfaces i and i+1 */
	const int64_t *latency_ns;    /* SNET_LATENCY_UNSET (or any negative) when unknown */
	size_t n_bandwidth;
	const uint64_t *bandwidth_kbps; /* 0 when unknown */
	size_t n_geo;                 /* per interface */
	const snet_path_geo *geo;
	size_t n_link_types;          /* per inter-AS link */
	const uint8_t *link_types;    /* snet_path_link */
	size_t n_internal_hops;       /* per AS on the path but the first and last */
	const uint32_t *internal_hops;
	size_t n_notes;               /* per AS */
	const char *const *notes;
	bool epic;                    /* Go: EpicAuths present (SupportsEpic needs both 16 bytes) */
	size_t epic_phvf_len, epic_lhvf_len;
	const uint8_t *epic_phvf, *epic_lhvf;
	size_t n_discovery;           /* in the order the daemon sent them */
	const snet_path_discovery *discovery;
} snet_path_metadata;

typedef struct snet_path {
	uint64_t src, dst;
	uint8_t type;                     /* SNET_PATH_SCION, or SNET_PATH_EMPTY within an AS */
	uint8_t raw[SNET_PATH_MAX_LEN];   /* CurrINF = CurrHF = 0 */
	size_t len;
	struct sockaddr_storage next_hop; /* the first router's internal address; AF_UNSPEC when
					     the path is empty */
	size_t n_ifs;
	const snet_path_if *ifs;          /* 2 per inter-AS link; none within an AS */
	uint16_t mtu;                     /* Go: uint16(Mtu) */
	int64_t expiry;                   /* Unix seconds */
	int32_t expiry_nsec;              /* as sent: Go: time.Unix(seconds, nanos) normalises */
	const snet_path_metadata *meta;   /* NULL when the source has none (a path database) */
} snet_path;

/* Paths and all they point to, in one allocation owned by whoever received it. */
typedef struct snet_path_set {
	size_t n;
	snet_path *paths;
	void *priv_arena;
} snet_path_set;

SNET_EXTERN void snet_path_set_free(snet_path_set *set);

/* Go: snet.Fingerprint: SHA-256 over each interface's IA then ID, 8 bytes big-endian each.
 * Returns false (and leaves out alone) for a path without interfaces, where Go's is "". */
SNET_EXTERN bool snet_path_fingerprint(const snet_path *p, uint8_t out[SNET_PATH_FINGERPRINT_LEN]);

/* Go: pathpol.GetSequence: "IA#in,out" per AS, space-separated ("1-ff00:0:133#0,42
 * 1-ff00:0:120#2,1 1-ff00:0:110#21,0"), "" for an empty path. Returns the length written (NUL
 * not counted), -EINVAL for an odd number of interfaces (Go's error), -ENOSPC when buf is too
 * small. */
SNET_EXTERN int snet_path_sequence(const snet_path *p, char *buf, size_t cap);

/* Go: private/app/path.Sort, the order `scion showpaths` prints: fewer interfaces first, then
 * interface by interface (IA, then ID), then earlier expiry. Equal paths keep their order. */
SNET_EXTERN void snet_path_sort(const snet_path **paths, size_t n);

/* Sets a destination's path and next hop from p (Go: UDPAddr.Path/NextHop from a snet.Path);
 * the address borrows p->raw. */
SNET_EXTERN void snet_path_apply(const snet_path *p, snet_udp_addr *dst);

#ifdef __cplusplus
}
#endif
#endif
