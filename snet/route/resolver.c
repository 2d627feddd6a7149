/* SPDX-License-Identifier: Apache-2.0 */
/* Cache first, then RTM_GETROUTE, then the connect() probe. */
#include <errno.h>
#include <libmnl/libmnl.h>
#include <string.h>

#include "netlink.h"

int snet__resolver_init(snet__resolver *r, size_t cap, unsigned flags)
{
	memset(r, 0, sizeof(*r));
	int err = snet_route_cache_init(&r->cache, cap);
	if (err)
		return err;
	r->flags = flags;
	if (!(flags & SNET__RESOLVER_NO_NETLINK))
		r->query = snet__nl_query_open();
	/* Events are wanted even when queries go by probe: they keep the cache honest. */
	r->events = snet__nl_events_open();
	return 0;
}

void snet__resolver_close(snet__resolver *r)
{
	if (r->query)
		mnl_socket_close(r->query);
	if (r->events)
		mnl_socket_close(r->events);
	r->query = r->events = NULL;
	snet_route_cache_free(&r->cache);
}

static int lookup_uncached(snet__resolver *r, const snet_route_key *k, uint16_t port,
			   uint8_t src[16])
{
	if (r->query) {
		int a = snet__nl_getroute(r->query, ++r->seq, k, src);
		if (a == 1) {
			r->miss_netlink++;
			return 0;
		}
		if (a < 0 && a != -EOPNOTSUPP && a != -EPROTO)
			return a; /* the kernel's own answer, e.g. -ENETUNREACH */
		/* No RTA_PREFSRC (or an odd answer): the probe asks the socket layer itself. */
	}
	r->miss_probe++;
	return snet__route_probe(k, port, src);
}

int snet__resolver_lookup(snet__resolver *r, const snet_route_key *k, uint16_t port, uint8_t src[16])
{
	/* Without an event socket nothing would tell the cache that it went stale. */
	bool cached = r->events != NULL;
	if (cached && snet_route_cache_get(&r->cache, k, src))
		return 0;
	int err = lookup_uncached(r, k, port, src);
	if (err) {
		r->errors++;
		return err;
	}
	if (cached)
		snet_route_cache_put(&r->cache, k, src);
	return 0;
}

int snet__resolver_events_fd(const snet__resolver *r)
{
	return r->events ? mnl_socket_get_fd(r->events) : -1;
}

int snet__resolver_events_process(snet__resolver *r)
{
	if (!r->events)
		return 0;
	return snet__nl_events_drain(r->events, &r->cache, &r->events_seen, &r->overflows);
}

void snet__resolver_events_off(snet__resolver *r)
{
	if (r->events)
		mnl_socket_close(r->events);
	r->events = NULL;
}

int snet__resolver_events_reopen(snet__resolver *r)
{
	snet_route_cache_flush(&r->cache);
	if (r->events)
		mnl_socket_close(r->events);
	r->events = snet__nl_events_open();
	if (!r->events)
		return errno ? -errno : -ENOTSOCK;
	r->reopens++;
	return mnl_socket_get_fd(r->events);
}
