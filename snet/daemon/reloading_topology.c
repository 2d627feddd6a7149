/* SPDX-License-Identifier: Apache-2.0 */
/* Go: daemon.ReloadingTopology: a network's interfaces kept as the daemon reports them, one
 * Interfaces request per period on the daemon's loop. */
#include <string.h>

#include "internal.h"

struct reloader {
	snet_topo_reloader_t *pub;
	uv_timer_t timer;
	snet_daemon_req_t req;
	snet_topo_reload_cb cb;
	snet_topo_reloader_close_cb close_cb;
	bool pending, closing, timer_closed;
	snet_topo_reloader_stats stats;
};

_Static_assert(sizeof(struct reloader) <= sizeof(((snet_topo_reloader_t *)0)->priv_),
	       "snet_topo_reloader_t private area too small");

static struct reloader *reloader_of(const snet_topo_reloader_t *r)
{
	return (struct reloader *)(void *)r->priv_.u8;
}

/* Closed once the timer is and no request is in flight, whichever comes last. */
static void maybe_closed(struct reloader *l)
{
	if (l->closing && l->timer_closed && !l->pending && l->close_cb)
		l->close_cb(l->pub);
}

/* The last thing each path does: the callback may close the reloader. */
static void report(struct reloader *l, int status, const char *message)
{
	if (status < 0)
		l->stats.failures++;
	if (l->cb)
		l->cb(l->pub, status, message);
}

static void on_interfaces(snet_daemon_req_t *req, int status, const snet_daemon_if *ifs,
			  size_t n)
{
	struct reloader *l = req->data;
	l->pending = false;
	if (l->closing) {
		maybe_closed(l);
		return;
	}
	if (status < 0) {
		report(l, status, snet_daemon_req_message(req));
		return;
	}
	snet_topology t;
	char why[SNET_DAEMON_MESSAGE_MAX] = "";
	snet_topology_init(&t, 0, 0, 0);
	int rc = snet__daemon_ifs_to_topology(&t, ifs, n, why, sizeof(why));
	if (rc == 0)
		rc = snet_network_set_interfaces(l->pub->net, t.ifs, t.n_ifs);
	if (rc >= 0) {
		l->stats.reloads++;
		l->stats.changes += (uint64_t)rc;
	}
	report(l, rc, why);
}

static int request(struct reloader *l)
{
	l->req.data = l;
	int rc = snet_daemon_interfaces(l->pub->daemon, &l->req, on_interfaces);
	l->pending = rc == 0;
	return rc;
}

static void on_tick(uv_timer_t *t)
{
	struct reloader *l = t->data;
	if (l->pending) {
		l->stats.skipped++;
		return;
	}
	int rc = request(l);
	if (rc < 0)
		report(l, rc, "the daemon handle is closing");
}

int snet_topo_reloader_start(snet_topo_reloader_t *r, snet_daemon_t *d, snet_network_t *net,
			     uint32_t period_ms, snet_topo_reload_cb cb)
{
	if (period_ms == 0 || d->loop != net->loop)
		return UV_EINVAL;
	struct reloader *l = reloader_of(r);
	memset(l, 0, sizeof(*l));
	r->daemon = d;
	r->net = net;
	l->pub = r;
	l->cb = cb;
	/* The first request now, as Go's constructor loads the interfaces before it returns. */
	int rc = request(l);
	if (rc < 0)
		return rc;
	uv_timer_init(d->loop, &l->timer);
	l->timer.data = l;
	uv_timer_start(&l->timer, on_tick, period_ms, period_ms);
	return 0;
}

static void on_timer_closed(uv_handle_t *h)
{
	struct reloader *l = h->data;
	l->timer_closed = true;
	maybe_closed(l);
}

void snet_topo_reloader_close(snet_topo_reloader_t *r, snet_topo_reloader_close_cb cb)
{
	struct reloader *l = reloader_of(r);
	if (l->closing)
		return;
	l->closing = true;
	l->close_cb = cb;
	uv_close((uv_handle_t *)&l->timer, on_timer_closed);
}

void snet_topo_reloader_get_stats_(const snet_topo_reloader_t *r, snet_topo_reloader_stats *s,
				   size_t size)
{
	const struct reloader *l = reloader_of(r);
	memset(s, 0, size);
	memcpy(s, &l->stats, size < sizeof(l->stats) ? size : sizeof(l->stats));
}
