/* SPDX-License-Identifier: Apache-2.0 */
/* Internal: the resolver a network owns. Cache first, then RTM_GETROUTE by netlink, then a
 * connect()+getsockname() probe; a netlink event socket whose every link/address/route/rule
 * message flushes the cache by bumping a generation. */
#ifndef SNET_ROUTE_RESOLVER_H
#define SNET_ROUTE_RESOLVER_H

#include "snet/route.h"

/* ---- the resolver (I/O) ------------------------------------------------------------------ */

#define SNET__RESOLVER_NO_NETLINK 0x1 /* use only connect()+getsockname() */

typedef struct snet__resolver {
	snet_route_cache cache;
	struct mnl_socket *query;  /* RTM_GETROUTE; NULL when netlink is unavailable */
	struct mnl_socket *events; /* change notifications; NULL when unavailable */
	uint32_t seq;
	unsigned flags;
	uint64_t miss_netlink, miss_probe, errors;
	uint64_t events_seen; /* link/address/route/rule messages read */
	uint64_t overflows; /* times events were lost (ENOBUFS, an error on the socket) */
	uint64_t reopens;   /* times the event socket was replaced after a hard error */
} snet__resolver;

/* Opens the netlink sockets (falling back silently when netlink is unavailable) and sizes the
 * cache. Returns 0 or -errno. */
int snet__resolver_init(snet__resolver *r, size_t cap, unsigned flags);
void snet__resolver_close(snet__resolver *r);
/* The source the kernel would use towards k (port: the next hop's, for rules that match it).
 * Returns 0, or -errno (-ENETUNREACH when there is no route). */
int snet__resolver_lookup(snet__resolver *r, const snet_route_key *k, uint16_t port,
				     uint8_t src[16]);
/* The event socket's fd to poll for reading, or -1. */
int snet__resolver_events_fd(const snet__resolver *r);
/* Drains pending events; flushes the cache if any arrived or were lost (ENOBUFS, counted in
 * overflows). Returns the number of events seen (ENOBUFS counts as one), or -errno when the
 * socket is unusable (after flushing: the caller should reopen it). */
int snet__resolver_events_process(snet__resolver *r);
/* Closes the event socket, for a caller that cannot watch it; lookups bypass the cache. */
void snet__resolver_events_off(snet__resolver *r);
/* Replaces the event socket with a new, subscribed one and flushes the cache. Returns its fd,
 * or -errno (then there is no event socket, and lookups bypass the cache: without events it
 * could go stale unnoticed). */
int snet__resolver_events_reopen(snet__resolver *r);

#endif
