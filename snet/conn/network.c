/* SPDX-License-Identifier: Apache-2.0 */
/* snet_network_t: the shared route cache and its netlink watcher on the loop, and the buffers
 * every socket of the network uses (receive ring, send batch, echo answers). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

void snet_network_opts_init(snet_network_opts *o, size_t size)
{
	memset(o, 0, size);
	snet_network_opts d = { .size = size, .route_cache_cap = 256, .recv_batch = 32 };
	memcpy(o, &d, size < sizeof(d) ? size : sizeof(d));
}

void snet__log(snet_network_t *net, snet_log_level lvl, const char *fmt, ...)
{
	const snet_network_opts *o = &NET(net)->opts;
	char msg[256];
	va_list ap;
	if (!o->log)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	o->log(o->log_ctx, lvl, "%s", msg);
}

/* ---- the netlink watcher ------------------------------------------------------------------ */

static void watch_events(struct snet__network *n, int fd);

static void on_net_closed(uv_handle_t *h)
{
	struct snet__network *n = h->data;
	snet_network_t *net = n->pub;
	void (*cb)(snet_network_t *) = n->close_cb;
	snet__resolver_close(&n->resolver);
	free(n->rx.bufs);
	free(n);
	net->priv_ = NULL;
	if (cb)
		cb(net);
}

static void on_reopen_closed(uv_handle_t *h)
{
	struct snet__network *n = h->data;
	n->events_state = EV_OFF;
	if (n->close_pending) {
		uv_close((uv_handle_t *)&n->closer, on_net_closed);
		return;
	}
	watch_events(n, snet__resolver_events_reopen(&n->resolver));
}

void snet__network_reopen_events(snet_network_t *net, int err)
{
	struct snet__network *n = NET(net);
	snet__log(net, SNET_LOG_WARN, "netlink events: %s; reopening the socket", strerror(-err));
	n->events_state = EV_REOPENING;
	uv_close((uv_handle_t *)&n->events_poll, on_reopen_closed);
}

static void on_events(uv_poll_t *h, int status, int events)
{
	struct snet__network *n = h->data;
	snet__resolver *r = &n->resolver;
	uint64_t gen = r->cache.gen, overflows = r->overflows;
	int k = snet__resolver_events_process(r);
	/* After an error on the socket libuv stops watching it. An overflow is such an error
	 * (POLLERR), cleared by the read that reported ENOBUFS and flushed the cache: watch
	 * again. Any other error, or one that reading did not explain, gets a new socket (which
	 * flushes too), so that a stale source never outlives the next event. */
	if (k < 0 || (status < 0 && r->overflows == overflows))
		snet__network_reopen_events(n->pub, k < 0 ? k : status);
	else if (status < 0)
		uv_poll_start(&n->events_poll, UV_READABLE, on_events);
	if (r->cache.gen != gen) {
		snet__log(n->pub, SNET_LOG_DEBUG, "route generation %llu after %d events",
			  (unsigned long long)r->cache.gen, k);
		if (n->opts.route_change_cb)
			n->opts.route_change_cb(n->pub, r->cache.gen);
	}
}

static void watch_events(struct snet__network *n, int fd)
{
	if (fd < 0) {
		snet__log(n->pub, SNET_LOG_WARN, "no netlink events: every route lookup asks the "
						 "kernel");
		return;
	}
	int err = uv_poll_init(n->pub->loop, &n->events_poll, fd);
	if (err) {
		snet__log(n->pub, SNET_LOG_WARN, "netlink events: %s: every route lookup asks the "
						 "kernel", uv_strerror(err));
		snet__resolver_events_off(&n->resolver);
		return;
	}
	n->events_poll.data = n;
	uv_poll_start(&n->events_poll, UV_READABLE, on_events);
	/* The watcher alone should not keep a loop alive. */
	uv_unref((uv_handle_t *)&n->events_poll);
	n->events_state = EV_ON;
}

/* ---- lifecycle ---------------------------------------------------------------------------- */

static int copy_opts(snet_network_opts *dst, const snet_network_opts *src)
{
	snet_network_opts_default(dst);
	if (!src)
		return 0;
	if (src->size == 0)
		return UV_EINVAL;
	memcpy(dst, src, src->size < sizeof(*dst) ? src->size : sizeof(*dst));
	dst->size = sizeof(*dst);
	if (!dst->route_cache_cap)
		dst->route_cache_cap = 256;
	if (dst->recv_batch < 1)
		dst->recv_batch = 32;
	if (dst->recv_batch > RECV_MAX_BATCH)
		dst->recv_batch = RECV_MAX_BATCH;
	return 0;
}

static int init_ring(struct rx_ring *rx, unsigned batch, unsigned flags)
{
	rx->batch = batch;
	rx->slot = flags & SNET_NETWORK_NO_GRO ? RECV_BUF : RECV_BUF_GRO;
	rx->bufs = malloc((size_t)batch * rx->slot);
	if (!rx->bufs)
		return -ENOMEM;
	for (unsigned i = 0; i < batch; i++) {
		rx->iov[i] = (struct iovec){ rx->bufs + (size_t)i * rx->slot, rx->slot };
		rx->msg[i].msg_hdr.msg_iov = &rx->iov[i];
		rx->msg[i].msg_hdr.msg_iovlen = 1;
		snet__rx_arm(rx, i);
	}
	return 0;
}

int snet_network_init(uv_loop_t *loop, snet_network_t *net, const snet_topology *topo,
		      const snet_network_opts *opts)
{
	struct snet__network *n = calloc(1, sizeof(*n));
	if (!n)
		return -ENOMEM;
	int err = copy_opts(&n->opts, opts);
	if (!err)
		err = init_ring(&n->rx, n->opts.recv_batch, n->opts.flags);
	unsigned rflags = n->opts.flags & SNET_NETWORK_NO_NETLINK ? SNET__RESOLVER_NO_NETLINK : 0;
	if (!err)
		err = snet__resolver_init(&n->resolver, n->opts.route_cache_cap, rflags);
	if (err) {
		free(n->rx.bufs);
		free(n);
		return err;
	}
	memset(net, 0, sizeof(*net));
	net->loop = loop;
	net->priv_ = n;
	n->pub = net;
	n->topo = *topo;
	uv_check_init(loop, &n->closer);
	n->closer.data = n;
	watch_events(n, snet__resolver_events_fd(&n->resolver));
	return 0;
}

static void on_events_closed(uv_handle_t *h)
{
	struct snet__network *n = h->data;
	uv_close((uv_handle_t *)&n->closer, on_net_closed);
}

/* The handles go once every conn has finished closing. */
static void close_handles(struct snet__network *n)
{
	n->close_pending = 1;
	if (n->events_state == EV_REOPENING)
		return; /* the reopen's close callback goes on from here */
	if (n->events_state == EV_ON)
		uv_close((uv_handle_t *)&n->events_poll, on_events_closed);
	else
		uv_close((uv_handle_t *)&n->closer, on_net_closed);
}

void snet__network_conn_gone(snet_network_t *net)
{
	struct snet__network *n = NET(net);
	if (n->close_requested && !n->close_pending && n->n_conns == 0)
		close_handles(n);
}

int snet_network_close(snet_network_t *net, void (*cb)(snet_network_t *net))
{
	struct snet__network *n = NET(net);
	if (n->n_conns > n->n_closing)
		return UV_EBUSY;
	if (n->close_requested)
		return UV_EALREADY;
	n->close_cb = cb;
	n->close_requested = 1;
	snet__network_conn_gone(net);
	return 0;
}

size_t snet_network_ring_bytes(const snet_network_t *net)
{
	const struct snet__network *n = NET(net);
	return sizeof(n->rx) + (size_t)n->rx.batch * n->rx.slot + sizeof(n->tx) + sizeof(n->echo);
}

const snet_topology *snet_network_topology(const snet_network_t *net)
{
	return &NET(net)->topo;
}

/* The same address, port and (IPv6) scope, whatever padding the sockaddrs carry. */
static int same_router(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	uint8_t x[16], y[16];
	uint16_t px, py;
	if (a->ss_family != b->ss_family)
		return 0;
	snet__sa_plain((const struct sockaddr *)a, x, &px);
	snet__sa_plain((const struct sockaddr *)b, y, &py);
	return px == py && memcmp(x, y, 16) == 0 &&
	       (a->ss_family != AF_INET6 || ((const struct sockaddr_in6 *)a)->sin6_scope_id ==
						   ((const struct sockaddr_in6 *)b)->sin6_scope_id);
}

/* Whether a and b map the same interfaces to the same routers, in any order. */
static int same_interfaces(const snet_topology *a, const snet_topology *b)
{
	if (a->n_ifs != b->n_ifs)
		return 0;
	for (size_t i = 0; i < a->n_ifs; i++) {
		const struct sockaddr_storage *br = snet_topology_if(b, a->ifs[i].ifid);
		if (!br || !same_router(br, &a->ifs[i].br))
			return 0;
	}
	return 1;
}

int snet_network_set_interfaces(snet_network_t *net, const snet_topo_if *ifs, size_t n)
{
	snet_topology *cur = &NET(net)->topo, t;
	snet_topology_init(&t, cur->local_ia, cur->port_start, cur->port_end);
	for (size_t i = 0; i < n; i++) {
		int err = snet_topology_add_if(&t, ifs[i].ifid, (const struct sockaddr *)&ifs[i].br);
		if (err)
			return err;
	}
	if (same_interfaces(cur, &t))
		return 0;
	*cur = t;
	return 1;
}

void snet_network_stats_get(const snet_network_t *net, snet_network_stats *out, size_t size)
{
	const struct snet__network *n = NET(net);
	const snet__resolver *r = &n->resolver;
	snet_network_stats s = {
		.route_hits = r->cache.hits,
		.route_misses = r->cache.misses,
		.route_flushes = r->cache.flushes,
		.route_miss_netlink = r->miss_netlink,
		.route_miss_probe = r->miss_probe,
		.route_events = r->events_seen,
		.route_overflows = r->overflows,
		.route_reopens = r->reopens,
		.restamps = n->restamps,
		.echo_pool_full = n->echo.full,
		.gso_sends = n->offload.gso_sends,
		.gso_segments = n->offload.gso_segments,
		.gso_fallbacks = n->offload.gso_fallbacks,
		.gro_receives = n->offload.gro_receives,
		.gro_segments = n->offload.gro_segments,
	};
	memset(out, 0, size);
	memcpy(out, &s, size < sizeof(s) ? size : sizeof(s));
}
