/* SPDX-License-Identifier: Apache-2.0 */
/* The pure parts of the local-address resolver (which source address the kernel would use
 * towards a next hop): a fixed-capacity cache flushed in O(1) by a generation, and the netlink
 * messages it sends and reads, built and parsed in caller buffers. The resolver itself (the
 * netlink sockets and the connect() probe) is internal to the library: a snet_network_t owns
 * one. Linux only. */
#ifndef SNET_ROUTE_H
#define SNET_ROUTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "snet/err.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What the kernel's answer depends on: the next hop, and the socket's mark and bound device. */
typedef struct snet_route_key {
	uint8_t family;   /* AF_INET or AF_INET6 */
	uint8_t addr[16]; /* IPv4 in the first 4 bytes */
	uint32_t mark;    /* SO_MARK, 0 if none */
	uint32_t oif;     /* bound device's ifindex, 0 if none */
} snet_route_key;

typedef struct snet_route_entry {
	snet_route_key key;
	uint8_t src[16];
	uint64_t gen; /* valid while equal to the cache's gen */
} snet_route_entry;

typedef struct snet_route_cache {
	uint64_t gen;            /* starts at 1; every flush does gen++: O(1) */
	size_t cap;              /* a power of two */
	snet_route_entry *slots; /* allocated once by init; get/put never allocate */
	uint64_t hits, misses, flushes;
} snet_route_cache;

/* cap is rounded up to a power of two. Returns 0 or -ENOMEM. */
SNET_EXTERN int snet_route_cache_init(snet_route_cache *rc, size_t cap);
SNET_EXTERN void snet_route_cache_free(snet_route_cache *rc);
SNET_EXTERN bool snet_route_cache_get(snet_route_cache *rc, const snet_route_key *k,
				      uint8_t src[16]);
SNET_EXTERN void snet_route_cache_put(snet_route_cache *rc, const snet_route_key *k,
				      const uint8_t src[16]);
SNET_EXTERN void snet_route_cache_flush(snet_route_cache *rc);
/* Feeds received netlink bytes (pure): flushes once if they hold any link, address, route or
 * rule message. Returns the number of such messages. */
SNET_EXTERN int snet_route_cache_feed(snet_route_cache *rc, const void *nlbuf, size_t len);

/* ---- netlink messages (pure) ------------------------------------------------------------- */

/* Builds an RTM_GETROUTE request for k (RTA_DST, and RTA_MARK/RTA_OIF when set). Returns the
 * length or SNET_E_NOBUF. */
SNET_EXTERN int snet_rtmsg_getroute(void *buf, size_t cap, uint32_t seq, const snet_route_key *k);
/* Parses the answer to request seq: 1 with src filled from RTA_PREFSRC, 0 when the route has
 * no preferred source, -errno for a netlink error (-ENETUNREACH, ...), or SNET_E_TRUNCATED. */
SNET_EXTERN int snet_rtmsg_route_src(const void *buf, size_t len, uint32_t seq, uint8_t family,
				     uint8_t src[16]);

#ifdef __cplusplus
}
#endif
#endif
