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

static void on_events(uv_poll_t *h, int status, int events)
{
	snet_network_t *net = h->data;
	if (status < 0)
		return;
	int n = snet_resolver_events_process(&net->resolver);
	if (n < 0) {
		snet__usock_log(net, SNET_LOG_WARN, "netlink events: %s", strerror(-n));
		return;
	}
	if (n > 0) {
		snet__usock_log(net, SNET_LOG_DEBUG, "route generation %llu after %d events",
				(unsigned long long)net->resolver.cache.gen, n);
		if (net->opts.route_change_cb)
			net->opts.route_change_cb(net, net->resolver.cache.gen);
	}
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
	int fd = snet_resolver_events_fd(&net->resolver);
	if (fd < 0) {
		snet__usock_log(net, SNET_LOG_WARN, "no netlink events: the route cache is never "
						    "flushed by changes");
		return 0;
	}
	err = uv_poll_init(loop, &net->events_poll, fd);
	if (!err)
		err = uv_poll_start(&net->events_poll, UV_READABLE, on_events);
	if (err) {
		snet_resolver_close(&net->resolver);
		uv_close((uv_handle_t *)&net->closer, NULL);
		return err;
	}
	net->events_poll.data = net;
	/* The watcher alone should not keep a loop alive. */
	uv_unref((uv_handle_t *)&net->events_poll);
	net->events_on = 1;
	return 0;
}

static void on_net_closed(uv_handle_t *h)
{
	snet_network_t *net = h->data;
	snet_resolver_close(&net->resolver);
	if (net->close_cb)
		net->close_cb(net);
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
	if (net->events_on)
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
	s->route_events = r->cache.flushes;
	s->restamps = net->restamps;
}
