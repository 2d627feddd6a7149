/* SPDX-License-Identifier: Apache-2.0 */
/* Internal: the netlink and probe I/O behind the resolver. */
#ifndef SNET_ROUTE_NETLINK_H
#define SNET_ROUTE_NETLINK_H

#include "resolver.h"

struct mnl_socket *snet__nl_query_open(void);
struct mnl_socket *snet__nl_events_open(void);
/* One RTM_GETROUTE round trip: 1 (src set), 0 (no preferred source) or -errno. */
int snet__nl_getroute(struct mnl_socket *nl, uint32_t seq, const snet_route_key *k,
		      uint8_t src[16]);
/* Reads pending event messages into the cache; see snet__resolver_events_process. */
int snet__nl_events_drain(struct mnl_socket *nl, snet_route_cache *rc, uint64_t *events,
			  uint64_t *overflows);
/* connect()+getsockname() on a throw-away UDP socket with the key's mark and device. */
int snet__route_probe(const snet_route_key *k, uint16_t port, uint8_t src[16]);

#endif
