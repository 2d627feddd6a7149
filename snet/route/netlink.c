/* SPDX-License-Identifier: Apache-2.0 */
/* Netlink sockets: one for RTM_GETROUTE queries, one for change events, kept apart so that
 * answers never interleave with events. */
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <sys/socket.h>

#include "netlink.h"

#define EVENT_RCVBUF (4 << 20)

struct mnl_socket *snet__nl_query_open(void)
{
	struct mnl_socket *nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (!nl)
		return NULL;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		mnl_socket_close(nl);
		return NULL;
	}
	return nl;
}

static const unsigned event_groups[] = {
	RTNLGRP_LINK,        RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR, RTNLGRP_IPV4_ROUTE,
	RTNLGRP_IPV6_ROUTE,  RTNLGRP_IPV4_RULE,   RTNLGRP_IPV6_RULE,
};

struct mnl_socket *snet__nl_events_open(void)
{
	struct mnl_socket *nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (!nl)
		return NULL;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0)
		goto fail;
	/* Membership by setsockopt reaches groups above 32 too (IPv6 rules are 19). */
	for (size_t i = 0; i < sizeof(event_groups) / sizeof(event_groups[0]); i++) {
		int g = (int)event_groups[i];
		if (mnl_socket_setsockopt(nl, NETLINK_ADD_MEMBERSHIP, &g, sizeof(g)) < 0)
			goto fail;
	}
	int sz = EVENT_RCVBUF;
	/* A larger queue makes ENOBUFS rarer; without CAP_NET_ADMIN the plain option applies. */
	if (setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz)) < 0)
		setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	return nl;
fail:
	mnl_socket_close(nl);
	return NULL;
}

int snet__nl_getroute(struct mnl_socket *nl, uint32_t seq, const snet_route_key *k,
		      uint8_t src[16])
{
	uint8_t buf[MNL_SOCKET_BUFFER_SIZE];
	int n = snet_rtmsg_getroute(buf, sizeof(buf), seq, k);
	if (n < 0)
		return n;
	if (mnl_socket_sendto(nl, buf, (size_t)n) < 0)
		return -errno;
	for (;;) {
		ssize_t r = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (r < 0)
			return errno == EINTR ? -EINTR : -errno;
		int a = snet_rtmsg_route_src(buf, (size_t)r, seq, k->family, src);
		/* A stale answer to an older request (seq mismatch) reads as -EPROTO: skip it. */
		if (a != -EPROTO)
			return a;
	}
}

int snet__nl_events_drain(struct mnl_socket *nl, snet_route_cache *rc, uint64_t *events,
			  uint64_t *overflows)
{
	uint8_t buf[16384];
	int seen = 0;
	for (;;) {
		ssize_t r = recv(mnl_socket_get_fd(nl), buf, sizeof(buf), MSG_DONTWAIT);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return seen;
			/* Events were lost (ENOBUFS), or the socket broke: whatever they said, the
			 * cache may be stale. */
			snet_route_cache_flush(rc);
			if (errno != ENOBUFS)
				return -errno;
			(*overflows)++;
			seen++;
			continue;
		}
		int n = snet_route_cache_feed(rc, buf, (size_t)r);
		*events += (uint64_t)n;
		seen += n;
	}
}
