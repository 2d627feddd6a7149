/* SPDX-License-Identifier: Apache-2.0 */
/* snet_network_t: the shared route cache and its netlink watcher on the loop. */
#include <errno.h>
#include <string.h>

#include "internal.h"

void snet_network_opts_default(snet_network_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->route_cache_cap = 256;
	o->recv_batch = 32;
}

enum { EV_OFF, EV_ON, EV_REOPENING };

static void watch_events(snet_network_t *net, int fd);

static void on_net_closed(uv_handle_t *h)
{
	snet_network_t *net = h->data;
	snet_resolver_close(&net->resolver);
	if (net->close_cb)
		net->close_cb(net);
}

static void on_reopen_closed(uv_handle_t *h)
{
	snet_network_t *net = h->data;
	net->events_state = EV_OFF;
	if (net->close_cb_pending) {
		uv_close((uv_handle_t *)&net->closer, on_net_closed);
		return;
	}
	watch_events(net, snet_resolver_events_reopen(&net->resolver));
}

/* The event socket broke for good: a new one, subscribed afresh, on a new poll handle. */
void snet__network_reopen_events(snet_network_t *net, int err)
{
	snet__usock_log(net, SNET_LOG_WARN, "netlink events: %s; reopening the socket",
			strerror(-err));
	net->events_state = EV_REOPENING;
	uv_close((uv_handle_t *)&net->events_poll, on_reopen_closed);
}

static void on_events(uv_poll_t *h, int status, int events)
{
	snet_network_t *net = h->data;
	snet_resolver *r = &net->resolver;
	uint64_t gen = r->cache.gen, overflows = r->overflows;
	int n = snet_resolver_events_process(r);
	/* After an error on the socket libuv stops watching it. An overflow is such an error
	 * (POLLERR), cleared by the read that reported ENOBUFS and flushed the cache: watch
	 * again. Any other error, or one that reading did not explain, gets a new socket (which
	 * flushes too), so that a stale source never outlives the next event. */
	if (n < 0 || (status < 0 && r->overflows == overflows))
		snet__network_reopen_events(net, n < 0 ? n : status);
	else if (status < 0)
		uv_poll_start(&net->events_poll, UV_READABLE, on_events);
	if (r->cache.gen != gen) {
		snet__usock_log(net, SNET_LOG_DEBUG, "route generation %llu after %d events",
				(unsigned long long)r->cache.gen, n);
		if (net->opts.route_change_cb)
			net->opts.route_change_cb(net, r->cache.gen);
	}
}

static void watch_events(snet_network_t *net, int fd)
{
	if (fd < 0) {
		snet__usock_log(net, SNET_LOG_WARN, "no netlink events: every route lookup asks "
						    "the kernel");
		return;
	}
	int err = uv_poll_init(net->loop, &net->events_poll, fd);
	if (err) {
		snet__usock_log(net, SNET_LOG_WARN, "netlink events: %s: every route lookup asks "
						    "the kernel", uv_strerror(err));
		snet_resolver_events_off(&net->resolver);
		return;
	}
	uv_poll_start(&net->events_poll, UV_READABLE, on_events);
	net->events_poll.data = net;
	/* The watcher alone should not keep a loop alive. */
	uv_unref((uv_handle_t *)&net->events_poll);
	net->events_state = EV_ON;
}

int snet_network_init(uv_loop_t *loop, snet_network_t *net, const snet_topology *topo,
		      const snet_network_opts *opts)
{
	memset(net, 0, sizeof(*net));
	net->loop = loop;
	net->topo = *topo;
	if (opts)
		net->opts = *opts;
	else
		snet_network_opts_default(&net->opts);
	if (!net->opts.route_cache_cap)
		net->opts.route_cache_cap = 256;
	if (!net->opts.recv_batch)
		net->opts.recv_batch = 32;
	int err = snet_resolver_init(&net->resolver, net->opts.route_cache_cap,
				     net->opts.resolver_flags);
	if (err)
		return err;
	uv_check_init(loop, &net->closer);
	net->closer.data = net;
	watch_events(net, snet_resolver_events_fd(&net->resolver));
	return 0;
}

static void on_events_closed(uv_handle_t *h)
{
	snet_network_t *net = h->data;
	uv_close((uv_handle_t *)&net->closer, on_net_closed);
}

int snet_network_close(snet_network_t *net, void (*cb)(snet_network_t *net))
{
	if (net->n_conns > 0)
		return UV_EBUSY;
	net->close_cb = cb;
	if (net->events_state == EV_REOPENING)
		net->close_cb_pending = 1; /* the reopen's close callback goes on from here */
	else if (net->events_state == EV_ON)
		uv_close((uv_handle_t *)&net->events_poll, on_events_closed);
	else
		uv_close((uv_handle_t *)&net->closer, on_net_closed);
	return 0;
}

void snet_network_get_stats(const snet_network_t *net, snet_network_stats *s)
{
	const snet_resolver *r = &net->resolver;
	memset(s, 0, sizeof(*s));
	s->route_hits = r->cache.hits;
	s->route_misses = r->cache.misses;
	s->route_flushes = r->cache.flushes;
	s->route_miss_netlink = r->miss_netlink;
	s->route_miss_probe = r->miss_probe;
	s->route_events = r->events_seen;
	s->route_overflows = r->overflows;
	s->route_reopens = r->reopens;
	s->restamps = net->restamps;
}
