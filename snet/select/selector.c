/* SPDX-License-Identifier: Apache-2.0 */
/* The selector handle (include/snet/select.h): the state machine of core.c fed by the daemon
 * (refreshes), a tick (probes, probe timeouts, hold-downs, expiry) and the conn's SCMP. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "snet/err.h"
#include "snet/path.h"

#define PROBE_SLOTS 32 /* probes in flight at once: a send request each */

struct snet__selector {
	snet_remote_source via; /* first: sends through it are re-pathed on a switch */
	snet_selector_t *s;
	snet_conn_t *conn;
	snet_daemon_t *daemon;
	uint64_t dst, local_ia;
	uint16_t ident; /* our port: the probes' identifier, as the routers deliver by it */
	snet_selector_opts opts;
	struct sel_core core;
	uv_timer_t refresh, tick;
	snet_daemon_req_t req, notify;
	bool req_pending, notify_pending, closing;
	int open; /* timers not yet closed */
	void (*close_cb)(snet_selector_t *s);
	uint16_t next_seq;
	snet_send_t probes[PROBE_SLOTS];
	bool probe_busy[PROBE_SLOTS];
};

const char *snet_switch_reason_name(snet_switch_reason r)
{
	static const char *const names[] = { "first", "scmp", "probe", "expiry",
					     "refresh", "recovered", "none-left" };
	return (unsigned)r < sizeof(names) / sizeof(names[0]) ? names[r] : "unknown";
}

void snet_selector_opts_init(snet_selector_opts *o, size_t size)
{
	snet_selector_opts d = { .size = size, .refresh_ms = 30000, .expiry_margin_ms = 10000,
				 .probe_misses = 3, .hold_down_ms = 10000 };
	memset(o, 0, size);
	memcpy(o, &d, size < sizeof(d) ? size : sizeof(d));
}

static uint64_t now_ms(const struct snet__selector *x)
{
	return uv_now(x->conn->net->loop);
}

/* After a close: the memory goes when nothing of ours is in flight any more (timers, the
 * daemon's requests, probe sends), since each of them ends in a callback into it. */
static void maybe_free(struct snet__selector *x)
{
	if (!x->closing || x->open || x->req_pending || x->notify_pending)
		return;
	for (int i = 0; i < PROBE_SLOTS; i++)
		if (x->probe_busy[i])
			return;
	snet_selector_t *s = x->s;
	void (*cb)(snet_selector_t *) = x->close_cb;
	sel_free(&x->core);
	free(x);
	s->priv_ = NULL;
	if (cb)
		cb(s);
}

/* After anything that may change the active path: choose, and tell the application. */
static void rechoose(struct snet__selector *x, snet_switch_reason why)
{
	if (!sel_choose(&x->core, now_ms(x), why))
		return;
	x->via.gen++; /* sends still queued take the new path before they leave */
	if (x->opts.switch_cb)
		x->opts.switch_cb(x->s, sel_active(&x->core), x->core.last_reason);
}

/* The remote source sends go through: the active path, applied to the destination IA. */
static int via_current(snet_remote_source *src, snet_udp_addr *out)
{
	struct snet__selector *x = (struct snet__selector *)(void *)src;
	const snet_path *p = sel_active(&x->core);
	if (!p)
		return SNET_E_NO_PATH;
	out->ia = x->dst;
	snet_path_apply(p, out);
	return 0;
}

/* Why the active path is no longer usable: the reason a switch away from it gets. */
static snet_switch_reason why_unusable(const struct sel_core *c, uint64_t now)
{
	if (c->active >= c->n)
		return SNET_SWITCH_FIRST;
	const struct sel_path *sp = &c->v[c->active];
	if (sp->p->expiry && (int64_t)((now + c->expiry_margin_ms) / 1000) >= sp->p->expiry)
		return SNET_SWITCH_EXPIRY;
	if (c->probe_misses && sp->misses >= c->probe_misses)
		return SNET_SWITCH_PROBE;
	return SNET_SWITCH_SCMP;
}

/* ---- Refresh ---- */

static void schedule_refresh(struct snet__selector *x);

static void on_paths(snet_daemon_req_t *req, int status, snet_path_set *set)
{
	struct snet__selector *x = req->data;
	x->req_pending = false;
	if (x->closing) {
		snet_path_set_free(set);
		maybe_free(x);
		return;
	}
	if (status < 0 || sel_set_paths(&x->core, set, now_ms(x)) < 0)
		x->core.stats.refresh_errors++;
	else
		rechoose(x, SNET_SWITCH_REFRESH);
	schedule_refresh(x);
}

static void refresh(uv_timer_t *t)
{
	struct snet__selector *x = t->data;
	if (!x->daemon || x->req_pending || x->closing)
		return;
	x->req.data = x;
	if (snet_daemon_paths(x->daemon, &x->req, 0, x->dst, 0, on_paths) == 0)
		x->req_pending = true;
	else
		x->core.stats.refresh_errors++;
	schedule_refresh(x);
}

/* Every refresh_ms, and before the active path comes within the expiry margin. */
static void schedule_refresh(struct snet__selector *x)
{
	uint64_t wait = x->opts.refresh_ms, now = now_ms(x);
	const snet_path *p = sel_active(&x->core);
	if (p && p->expiry) {
		int64_t until = p->expiry * 1000 - (int64_t)x->opts.expiry_margin_ms * 2 - (int64_t)now;
		if (until < (int64_t)wait)
			wait = until > 100 ? (uint64_t)until : 100;
	}
	if (!x->closing)
		uv_timer_start(&x->refresh, refresh, wait, 0);
}

/* ---- Probes and the tick ---- */

static void on_probe_sent(snet_send_t *r, int status)
{
	struct snet__selector *x = r->data;
	x->probe_busy[r - x->probes] = false;
	maybe_free(x);
}

static void send_probes(struct snet__selector *x, uint64_t now)
{
	uint8_t raw[SNET_PATH_MAX_LEN];
	for (size_t i = 0, slot = 0; i < x->core.n; i++) {
		const snet_path *p = x->core.v[i].p;
		if (p->type != SNET_PATH_SCION)
			continue;
		while (slot < PROBE_SLOTS && x->probe_busy[slot])
			slot++;
		if (slot == PROBE_SLOTS)
			return; /* the rest next tick */
		int n = snet_path_alert_last(p->raw, p->len, raw, sizeof(raw));
		if (n < 0)
			continue;
		snet_udp_addr dst = { .ia = x->dst, .path_type = SNET_PATH_SCION, .path = raw,
				      .path_len = (size_t)n, .next_hop = p->next_hop };
		dst.host.type = SNET_HOST_SVC;
		dst.host.svc = SNET_SVC_NONE;
		uint16_t seq = ++x->next_seq ? x->next_seq : ++x->next_seq;
		snet_scmp m = { .type = SNET_SCMP_TRACEROUTE_REQUEST, .identifier = x->ident,
				.seq = seq };
		x->probes[slot].data = x;
		if (snet_conn_send_scmp(&x->probes[slot], x->conn, &m, NULL, 0, &dst,
					on_probe_sent) == 0) {
			x->probe_busy[slot] = true;
			sel_probe_sent(&x->core, i, seq, now);
		}
	}
}

static void tick(uv_timer_t *t)
{
	struct snet__selector *x = t->data;
	uint64_t now = now_ms(x);
	if (x->opts.probe_interval_ms) {
		/* A probe not answered by the next one counts as missed. */
		sel_probe_timeouts(&x->core, x->opts.probe_interval_ms, now);
	}
	rechoose(x, why_unusable(&x->core, now));
	if (x->opts.probe_interval_ms && !x->closing)
		send_probes(x, now);
}

/* ---- SCMP ---- */

/* The quoted packet of an SCMP error, when it is one we sent to our destination on a SCION
 * path: its path bytes. */
static bool quoted_ours(const struct snet__selector *x, const snet_scmp_msg *m,
			const uint8_t **path, size_t *path_len)
{
	snet_scion_hdr h;
	int n = snet_scion_hdr_parse(m->data, m->len, &h, NULL);
	if (n < 0 || h.src_ia != x->local_ia || h.dst_ia != x->dst || h.path_type != SNET_PATH_SCION)
		return false;
	const uint8_t *l4 = m->data + n;
	size_t left = m->len - (size_t)n;
	uint16_t port;
	if (h.next_hdr == SNET_PROTO_UDP && left >= 2)
		port = (uint16_t)(l4[0] << 8 | l4[1]);       /* UDP source port */
	else if (h.next_hdr == SNET_PROTO_SCMP && left >= 6)
		port = (uint16_t)(l4[4] << 8 | l4[5]);       /* echo/traceroute identifier */
	else
		return false;
	if (port != x->ident)
		return false;
	*path = h.path;
	*path_len = h.path_len;
	return true;
}

static void on_notified(snet_daemon_req_t *req, int status)
{
	struct snet__selector *x = req->data;
	x->notify_pending = false;
	maybe_free(x);
}

bool snet_selector_scmp(snet_selector_t *s, const snet_scmp_msg *m)
{
	struct snet__selector *x = s->priv_;
	const snet_scmp *sc = m->scmp;
	if (!x || x->closing)
		return false;
	uint64_t now = now_ms(x);
	if (sc->type == SNET_SCMP_TRACEROUTE_REPLY && sc->identifier == x->ident)
		return sel_probe_answer(&x->core, sc->seq, now);
	if (sc->type != SNET_SCMP_EXT_IF_DOWN && sc->type != SNET_SCMP_INT_CONN_DOWN)
		return false;
	const uint8_t *path;
	size_t len, i;
	uint64_t a = sc->type == SNET_SCMP_EXT_IF_DOWN ? sc->interface : sc->ingress;
	uint64_t b = sc->type == SNET_SCMP_EXT_IF_DOWN ? sc->interface : sc->egress;
	/* Only for a packet we sent on one of our paths, naming an interface on that path. */
	if (!quoted_ours(x, m, &path, &len) ||
	    (i = sel_find_path(&x->core, path, len)) == SIZE_MAX ||
	    (!sel_crosses(&x->core, i, sc->ia, a) && !sel_crosses(&x->core, i, sc->ia, b))) {
		x->core.stats.scmp_rejected++;
		return false;
	}
	x->core.stats.scmp_accepted++;
	sel_if_down(&x->core, sc->ia, a, now);
	if (b != a)
		sel_if_down(&x->core, sc->ia, b, now);
	if (x->daemon && !x->opts.no_notify && !x->notify_pending) {
		x->notify.data = x;
		x->notify_pending = snet_daemon_notify_if_down(x->daemon, &x->notify, sc->ia, a,
							       on_notified) == 0;
	}
	rechoose(x, SNET_SWITCH_SCMP);
	return true;
}

/* ---- The handle ---- */

int snet_selector_init(snet_selector_t *s, snet_conn_t *conn, snet_daemon_t *daemon,
		       uint64_t dst, const snet_selector_opts *opts)
{
	if (opts && !opts->size)
		return UV_EINVAL;
	snet_udp_addr me;
	int rc = snet_conn_local(conn, &me);
	if (rc)
		return rc;
	struct snet__selector *x = calloc(1, sizeof(*x));
	if (!x)
		return -ENOMEM;
	snet_selector_opts_init(&x->opts, sizeof(x->opts));
	if (opts)
		memcpy(&x->opts, opts, opts->size < sizeof(x->opts) ? opts->size : sizeof(x->opts));
	x->opts.size = sizeof(x->opts);
	x->s = s;
	x->conn = conn;
	x->via.current = via_current;
	x->daemon = daemon;
	x->dst = dst;
	x->local_ia = me.ia;
	x->ident = me.port;
	sel_init(&x->core, x->opts.policy, x->opts.probe_interval_ms ? x->opts.probe_misses : 0,
		 x->opts.hold_down_ms, x->opts.expiry_margin_ms);
	x->core.dst = dst;
	x->core.src = me.ia;
	uv_loop_t *loop = conn->net->loop;
	uv_timer_init(loop, &x->refresh);
	uv_timer_init(loop, &x->tick);
	x->refresh.data = x->tick.data = x;
	x->open = 2;
	s->priv_ = x;
	uint64_t every = x->opts.probe_interval_ms ? x->opts.probe_interval_ms : 1000;
	uv_timer_start(&x->tick, tick, every, every);
	uv_timer_start(&x->refresh, refresh, 0, 0);
	return 0;
}

int snet_selector_set_paths(snet_selector_t *s, snet_path_set *set)
{
	struct snet__selector *x = s->priv_;
	int rc = sel_set_paths(&x->core, set, now_ms(x));
	if (rc == 0)
		rechoose(x, SNET_SWITCH_REFRESH);
	return rc;
}

const snet_path *snet_selector_path(const snet_selector_t *s)
{
	return s->priv_ ? sel_active(&s->priv_->core) : NULL;
}

int64_t snet_selector_rtt(const snet_selector_t *s)
{
	const struct sel_core *c = &s->priv_->core;
	return c->active < c->n ? c->v[c->active].rtt_ns : -1;
}

int snet_selector_send(snet_selector_t *s, snet_send_t *req, const uv_buf_t bufs[],
		       unsigned nbufs, const snet_host *host, uint16_t port, snet_send_cb cb)
{
	struct snet__selector *x = s->priv_;
	return snet_conn_send_via(req, x->conn, bufs, nbufs, &x->via, host, port, cb);
}

void snet_selector_get_stats_(const snet_selector_t *s, snet_selector_stats *st, size_t size)
{
	memset(st, 0, size);
	if (s->priv_)
		memcpy(st, &s->priv_->core.stats,
		       size < sizeof(s->priv_->core.stats) ? size : sizeof(s->priv_->core.stats));
}

static void on_timer_closed(uv_handle_t *h)
{
	struct snet__selector *x = h->data;
	x->open--;
	maybe_free(x);
}

void snet_selector_close(snet_selector_t *s, void (*cb)(snet_selector_t *s))
{
	struct snet__selector *x = s->priv_;
	if (!x || x->closing)
		return;
	x->closing = true;
	x->close_cb = cb;
	snet_conn_forget_source(x->conn, &x->via);
	/* Requests and probe sends in flight still end in our callbacks (the daemon's close
	 * cancels the former, the conn's close the latter): maybe_free waits for them. */
	uv_close((uv_handle_t *)&x->refresh, on_timer_closed);
	uv_close((uv_handle_t *)&x->tick, on_timer_closed);
}
