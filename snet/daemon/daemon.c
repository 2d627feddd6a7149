/* SPDX-License-Identifier: Apache-2.0 */
/* The daemon handle: its connections (TCP + an HTTP/2 session each), the deadline timer, and
 * reconnecting with backoff. Requests themselves are in request.c. */
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "request.h"
#include "snet/err.h"
#include "snet/topo_file.h"

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wformat-truncation"
#endif

void snet_daemon_opts_init(snet_daemon_opts *o, size_t size)
{
	snet_daemon_opts d = { .size = size, .timeout_ms = 10000, .max_reply = 4u << 20,
			       .backoff_min_ms = 100, .backoff_max_ms = 5000 };
	memset(o, 0, size);
	memcpy(o, &d, size < sizeof(d) ? size : sizeof(d));
}

static void conn_flush(struct dconn *c);
static void conn_close(struct dconn *c, int status, const char *msg);

/* ---- Connections ---- */

static void on_reply(void *ctx, void *call, const struct snet__h2c_reply *r)
{
	struct dconn *c = ctx;
	snet__dreq_reply(c->dm, call, r);
}

static void on_goaway(void *ctx)
{
	struct dconn *c = ctx;
	c->dm->stats.goaways++;
	/* Streams it covers finish here; new ones go to a new connection. */
	if (c->dm->cur == c)
		c->dm->cur = NULL;
	snet__daemon_kick(c->dm);
}

static const struct snet__h2c_callbacks h2c_cbs = { on_reply, on_goaway };

static void maybe_finished(struct snet__daemon *dm)
{
	if (!dm->closing || dm->handles)
		return;
	/* Requests that never reached a connection. */
	while (dm->active)
		snet__dreq_complete(dm, dm->active, UV_ECANCELED, "daemon handle closed");
	snet_daemon_t *d = dm->d;
	snet_daemon_close_cb cb = dm->close_cb;
	free(dm);
	d->priv_ = NULL;
	if (cb)
		cb(d);
}

static void on_conn_closed(uv_handle_t *h)
{
	struct dconn *c = h->data;
	struct snet__daemon *dm = c->dm;
	/* Reports every stream still open: their requests fail with the reason. */
	snet__h2c_free(&c->h2, c->close_status, c->close_msg);
	free(c->wbuf);
	free(c);
	dm->handles--;
	snet__daemon_kick(dm);
	maybe_finished(dm);
}

static void conn_close(struct dconn *c, int status, const char *msg)
{
	if (c->closing)
		return;
	struct snet__daemon *dm = c->dm;
	c->closing = true;
	c->close_status = status;
	snprintf(c->close_msg, sizeof(c->close_msg), "%s", msg);
	snet__h2c_stop(&c->h2);
	if (dm->cur == c)
		dm->cur = NULL;
	for (struct dconn **p = &dm->conns; *p; p = &(*p)->next)
		if (*p == c) {
			*p = c->next;
			break;
		}
	uv_close((uv_handle_t *)&c->tcp, on_conn_closed);
}

static void conn_check(struct dconn *c)
{
	if (c->closing)
		return;
	int err = c->h2.error;
	if (err)
		conn_close(c, err, c->h2.why);
	else if (!c->writing && snet__h2c_finished(&c->h2))
		conn_close(c, SNET_E_DAEMON_GONE, "the daemon ended the HTTP/2 session");
}

static void on_write(uv_write_t *w, int status)
{
	struct dconn *c = w->data;
	c->writing = false;
	c->wlen = 0;
	if (c->closing)
		return;
	if (status < 0) {
		char m[64];
		snprintf(m, sizeof(m), "write: %s", uv_strerror(status));
		conn_close(c, SNET_E_DAEMON_GONE, m);
		return;
	}
	conn_flush(c);
}

/* Writes what nghttp2 has to send; one write in flight at a time. */
static void conn_flush(struct dconn *c)
{
	if (c->closing || c->writing || !c->connected)
		return;
	const uint8_t *data;
	ssize_t n;
	while ((n = snet__h2c_pull(&c->h2, &data)) > 0) {
		if (c->wlen + (size_t)n > c->wcap) {
			size_t cap = c->wcap ? c->wcap : 4096;
			while (cap < c->wlen + (size_t)n)
				cap *= 2;
			uint8_t *b = realloc(c->wbuf, cap);
			if (!b) {
				conn_close(c, -ENOMEM, "out of memory");
				return;
			}
			c->wbuf = b;
			c->wcap = cap;
		}
		memcpy(c->wbuf + c->wlen, data, (size_t)n);
		c->wlen += (size_t)n;
	}
	if (c->closing)
		return;
	if (c->wlen) {
		uv_buf_t b = uv_buf_init((char *)c->wbuf, (unsigned)c->wlen);
		c->write.data = c;
		int rc = uv_write(&c->write, (uv_stream_t *)&c->tcp, &b, 1, on_write);
		if (rc) {
			conn_close(c, SNET_E_DAEMON_GONE, uv_strerror(rc));
			return;
		}
		c->writing = true;
	}
	conn_check(c);
}

static void on_alloc(uv_handle_t *h, size_t hint, uv_buf_t *buf)
{
	struct dconn *c = h->data;
	*buf = uv_buf_init((char *)c->dm->rbuf, sizeof(c->dm->rbuf));
}

static void on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
	struct dconn *c = s->data;
	if (c->closing || nread == 0)
		return;
	if (nread < 0) {
		char m[64];
		snprintf(m, sizeof(m), "connection to the daemon %s",
			 nread == UV_EOF ? "closed" : uv_strerror((int)nread));
		conn_close(c, SNET_E_DAEMON_GONE, m);
		return;
	}
	int rc = snet__h2c_recv(&c->h2, (const uint8_t *)buf->base, (size_t)nread);
	if (rc) {
		c->dm->stats.bad_replies++;
		conn_close(c, rc, c->h2.why);
		return;
	}
	conn_flush(c);
}

static void on_connect(uv_connect_t *req, int status)
{
	struct dconn *c = req->data;
	struct snet__daemon *dm = c->dm;
	if (c->closing)
		return;
	if (status < 0) {
		dm->stats.connect_failures++;
		dm->connect_error = status;
		dm->backoff_until = uv_now(dm->loop) + dm->backoff_ms;
		dm->backoff_ms = dm->backoff_ms >= dm->opts.backoff_max_ms / 2 ? dm->opts.backoff_max_ms
									   : 2 * dm->backoff_ms;
		char m[96];
		snprintf(m, sizeof(m), "connect to %s: %s", dm->authority, uv_strerror(status));
		conn_close(c, status, m);
		/* The requests that waited for this attempt fail with its error now. */
		for (struct dreq *r = dm->active; r; r = dm->active) {
			while (r && r->conn)
				r = r->next;
			if (!r || dm->closing)
				break;
			snet__dreq_complete(dm, r, status, m);
		}
		return;
	}
	dm->stats.connects++;
	dm->backoff_ms = dm->opts.backoff_min_ms;
	c->connected = true;
	uv_tcp_nodelay(&c->tcp, 1);
	int rc = uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read);
	if (rc) {
		conn_close(c, rc, uv_strerror(rc));
		return;
	}
	snet__daemon_kick(dm);
}

static struct dconn *conn_open(struct snet__daemon *dm)
{
	struct dconn *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->dm = dm;
	if (snet__h2c_init(&c->h2, &h2c_cbs, c, dm->opts.max_reply)) {
		free(c);
		return NULL;
	}
	int rc = uv_tcp_init(dm->loop, &c->tcp);
	if (rc) {
		snet__h2c_free(&c->h2, rc, "");
		free(c);
		return NULL;
	}
	c->tcp.data = c;
	c->connect.data = c;
	dm->handles++;
	c->next = dm->conns;
	dm->conns = c;
	dm->cur = c;
	rc = uv_tcp_connect(&c->connect, &c->tcp, (const struct sockaddr *)&dm->addr, on_connect);
	if (rc) {
		dm->connect_error = rc;
		dm->backoff_until = uv_now(dm->loop) + dm->backoff_ms;
		conn_close(c, rc, uv_strerror(rc));
		return NULL;
	}
	return c;
}

/* ---- Scheduling: the timer runs deadlines and queued requests ---- */

static bool queued(const struct dreq *r)
{
	return r->conn == NULL;
}

/* Queued requests onto the current connection, or failed at once during backoff. */
static void dispatch_queued(struct snet__daemon *dm)
{
	for (;;) {
		struct dreq *r = dm->active;
		while (r && !queued(r))
			r = r->next;
		if (!r)
			return;
		struct dconn *c = dm->cur;
		if (!c) {
			if (uv_now(dm->loop) < dm->backoff_until) {
				char m[96];
				snprintf(m, sizeof(m), "connect to %s: %s (no new attempt before the backoff ends)",
					 dm->authority, uv_strerror(dm->connect_error));
				snet__dreq_complete(dm, r, dm->connect_error, m);
				continue;
			}
			if (!conn_open(dm)) {
				if (!dm->cur && uv_now(dm->loop) >= dm->backoff_until)
					snet__dreq_complete(dm, r, -ENOMEM, "out of memory");
				continue;
			}
			return; /* queued until connected */
		}
		if (!c->connected)
			return;
		snet__dreq_submit(dm, r, c);
		conn_flush(c);
	}
}

static void on_timer(uv_timer_t *t)
{
	struct snet__daemon *dm = t->data;
	if (dm->closing)
		return;
	uint64_t now = uv_now(dm->loop);
	for (;;) {
		struct dreq *r = dm->active;
		while (r && r->deadline > now)
			r = r->next;
		if (!r)
			break;
		struct dconn *c = r->conn;
		if (c) {
			snet__h2c_cancel(&c->h2, r->stream);
			conn_flush(c);
		}
		dm->stats.timeouts++;
		snet__dreq_complete(dm, r, UV_ETIMEDOUT, "deadline exceeded");
		if (dm->closing)
			return;
	}
	dispatch_queued(dm);
	if (dm->closing)
		return;
	uint64_t next = UINT64_MAX;
	for (struct dreq *r = dm->active; r; r = r->next)
		if (r->deadline < next)
			next = r->deadline;
	if (next != UINT64_MAX)
		uv_timer_start(&dm->timer, on_timer, next > now ? next - now : 0, 0);
}

void snet__daemon_kick(struct snet__daemon *dm)
{
	if (!dm->closing)
		uv_timer_start(&dm->timer, on_timer, 0, 0);
}

/* ---- The handle ---- */

/* "IP:port", "[IPv6]:port", or "name:port" resolved now. */
static int resolve(const char *address, struct sockaddr_storage *ss)
{
	if (snet_addrport_parse(address, ss) == 0)
		return ss->ss_family == AF_INET ? (((struct sockaddr_in *)ss)->sin_port ? 0 : SNET_E_BAD_PORT)
						: (((struct sockaddr_in6 *)ss)->sin6_port ? 0 : SNET_E_BAD_PORT);
	const char *colon = strrchr(address, ':');
	char host[128];
	if (!colon || colon == address || (size_t)(colon - address) >= sizeof(host) || !colon[1])
		return SNET_E_BAD_ADDR;
	memcpy(host, address, (size_t)(colon - address));
	host[colon - address] = '\0';
	for (const char *p = colon + 1; *p; p++)
		if (*p < '0' || *p > '9')
			return SNET_E_BAD_PORT;
	if (atol(colon + 1) < 1 || atol(colon + 1) > 65535)
		return SNET_E_BAD_PORT;
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV };
	struct addrinfo *res;
	if (getaddrinfo(host, colon + 1, &hints, &res) || !res)
		return SNET_E_BAD_ADDR;
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	freeaddrinfo(res);
	return 0;
}

int snet_daemon_init(uv_loop_t *loop, snet_daemon_t *d, const char *address,
		     const snet_daemon_opts *opts)
{
	if (opts && opts->size == 0)
		return UV_EINVAL;
	if (!address || strlen(address) >= sizeof(((struct snet__daemon *)0)->authority))
		return SNET_E_BAD_ADDR;
	struct snet__daemon *dm = calloc(1, sizeof(*dm));
	if (!dm)
		return -ENOMEM;
	int rc = resolve(address, &dm->addr);
	if (rc) {
		free(dm);
		return rc;
	}
	snet_daemon_opts_init(&dm->opts, sizeof(dm->opts));
	if (opts)
		memcpy(&dm->opts, opts, opts->size < sizeof(dm->opts) ? opts->size : sizeof(dm->opts));
	dm->opts.size = sizeof(dm->opts);
	if (!dm->opts.backoff_min_ms)
		dm->opts.backoff_min_ms = 1;
	if (dm->opts.backoff_max_ms < dm->opts.backoff_min_ms)
		dm->opts.backoff_max_ms = dm->opts.backoff_min_ms;
	dm->backoff_ms = dm->opts.backoff_min_ms;
	snprintf(dm->authority, sizeof(dm->authority), "%s", address);
	uv_timer_init(loop, &dm->timer);
	dm->timer.data = dm;
	dm->handles = 1;
	dm->d = d;
	dm->loop = loop;
	d->loop = loop;
	d->priv_ = dm;
	return 0;
}

static void on_timer_closed(uv_handle_t *h)
{
	struct snet__daemon *dm = h->data;
	dm->handles--;
	maybe_finished(dm);
}

void snet_daemon_close(snet_daemon_t *d, snet_daemon_close_cb cb)
{
	struct snet__daemon *dm = d->priv_;
	if (!dm || dm->closing)
		return;
	dm->closing = true;
	dm->close_cb = cb;
	while (dm->conns)
		conn_close(dm->conns, UV_ECANCELED, "daemon handle closed");
	uv_close((uv_handle_t *)&dm->timer, on_timer_closed);
}

void snet_daemon_get_stats_(const snet_daemon_t *d, snet_daemon_stats *s, size_t size)
{
	const struct snet__daemon *dm = d->priv_;
	memset(s, 0, size);
	if (dm)
		memcpy(s, &dm->stats, size < sizeof(dm->stats) ? size : sizeof(dm->stats));
}
