/* SPDX-License-Identifier: Apache-2.0 */
/* The local-address resolver: which source address the kernel would use towards a next hop.
 * A fixed-capacity cache (pure), RTM_GETROUTE by netlink with a connect()+getsockname()
 * fallback, and a netlink event socket whose every link/address/route/rule message flushes the
 * cache by bumping a generation. Linux only. */
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

/* ---- the resolver (I/O) ------------------------------------------------------------------ */

#define SNET_RESOLVER_NO_NETLINK 0x1 /* use only connect()+getsockname() */

typedef struct snet_resolver {
	snet_route_cache cache;
	struct mnl_socket *query;  /* RTM_GETROUTE; NULL when netlink is unavailable */
	struct mnl_socket *events; /* change notifications; NULL when unavailable */
	uint32_t seq;
	unsigned flags;
	uint64_t miss_netlink, miss_probe, errors;
	uint64_t events_seen; /* link/address/route/rule messages read */
	uint64_t overflows; /* times events were lost (ENOBUFS, an error on the socket) */
	uint64_t reopens;   /* times the event socket was replaced after a hard error */
} snet_resolver;

/* Opens the netlink sockets (falling back silently when netlink is unavailable) and sizes the
 * cache. Returns 0 or -errno. */
SNET_EXTERN int snet_resolver_init(snet_resolver *r, size_t cap, unsigned flags);
SNET_EXTERN void snet_resolver_close(snet_resolver *r);
/* The source the kernel would use towards k (port: the next hop's, for rules that match it).
 * Returns 0, or -errno (-ENETUNREACH when there is no route). */
SNET_EXTERN int snet_resolver_lookup(snet_resolver *r, const snet_route_key *k, uint16_t port,
				     uint8_t src[16]);
/* The event socket's fd to poll for reading, or -1. */
SNET_EXTERN int snet_resolver_events_fd(const snet_resolver *r);
/* Drains pending events; flushes the cache if any arrived or were lost (ENOBUFS, counted in
 * overflows). Returns the number of events seen (ENOBUFS counts as one), or -errno when the
 * socket is unusable (after flushing: the caller should reopen it). */
SNET_EXTERN int snet_resolver_events_process(snet_resolver *r);
/* Closes the event socket, for a caller that cannot watch it; lookups bypass the cache. */
SNET_EXTERN void snet_resolver_events_off(snet_resolver *r);
/* Replaces the event socket with a new, subscribed one and flushes the cache. Returns its fd,
 * or -errno (then there is no event socket, and lookups bypass the cache: without events it
 * could go stale unnoticed). */
SNET_EXTERN int snet_resolver_events_reopen(snet_resolver *r);

#ifdef __cplusplus
}
#endif
#endif
