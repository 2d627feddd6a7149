/* SPDX-License-Identifier: Apache-2.0 */
/* The Unix-socket side of dispatcher mode. One client per connection: its first frame
 * registers (IA, address, port); then frames carry packets both ways. A malformed frame closes
 * only that client; a client that does not read loses its own packets (bounded queue). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "server.h"

#define RBUF (2 * (SNET_DISP_MAX_PAYLOAD + 64))
#define OUT_POOL 64
#define MAX_QUEUED_BYTES (4 << 20)

struct client;

struct out_req {
	snet_send_t req;
	struct client *c;
	int busy;
	uint8_t buf[9216];
};

struct client {
	uv_pipe_t pipe;
	struct client *next;
	snet_conn_t conn;
	int registered, closing, pending_closes;
	uint64_t ia;
	struct sockaddr_storage addr;
	uint16_t port;
	struct out_req out[OUT_POOL];
	size_t used;
	uint8_t rbuf[RBUF];
};

struct frame_write {
	uv_write_t w;
	uint8_t buf[];
};

static struct server {
	uv_loop_t *loop;
	snet_network_t *net;
	uv_pipe_t listener;
	struct client *clients;
	struct disp_server_stats st;
} S;

void disp_server_stats(struct disp_server_stats *s)
{
	*s = S.st;
}

/* ---- to the application ------------------------------------------------------------------- */

static void frame_written(uv_write_t *w, int status)
{
	free(w->data);
}

static int write_frame(struct client *c, const struct sockaddr *addr, const uint8_t *p, size_t n)
{
	if (uv_stream_get_write_queue_size((uv_stream_t *)&c->pipe) > MAX_QUEUED_BYTES) {
		S.st.app_queue_drops++;
		return -1;
	}
	struct frame_write *fw = malloc(sizeof(*fw) + 32 + n);
	if (!fw)
		return -1;
	int hl = snet_disp_frame_header(addr, n, fw->buf, 32);
	memcpy(fw->buf + hl, p, n);
	fw->w.data = fw;
	uv_buf_t b = uv_buf_init((char *)fw->buf, (unsigned)(hl + (int)n));
	if (uv_write(&fw->w, (uv_stream_t *)&c->pipe, &b, 1, frame_written)) {
		free(fw);
		return -1;
	}
	return 0;
}

/* Everything for the application's port (its conn has SNET_CONN_RAW_ALL), with the last hop. */
static void to_app(snet_conn_t *conn, const snet_raw_msg *m)
{
	struct client *c = conn->data;
	if (!c->closing && write_frame(c, (const struct sockaddr *)m->from, m->data, m->len) == 0)
		S.st.to_apps++;
}

/* ---- closing ------------------------------------------------------------------------------ */

static void unlink_client(struct client *c)
{
	for (struct client **pp = &S.clients; *pp; pp = &(*pp)->next) {
		if (*pp == c) {
			*pp = c->next;
			return;
		}
	}
}

static void part_closed(struct client *c)
{
	if (--c->pending_closes == 0)
		free(c);
}

static void pipe_closed(uv_handle_t *h)
{
	part_closed(h->data);
}

static void conn_closed(snet_conn_t *conn)
{
	part_closed(conn->data);
}

static bool sends_pending(const struct client *c)
{
	for (int i = 0; i < OUT_POOL; i++)
		if (c->out[i].busy)
			return true;
	return false;
}

/* A client's disconnect frees its port: its conn closes with it, once the packets it handed
 * over before leaving have left. */
static void close_client(struct client *c)
{
	if (c->closing)
		return;
	c->closing = 1;
	S.st.clients_closed++;
	unlink_client(c);
	c->pending_closes = 2;
	uv_close((uv_handle_t *)&c->pipe, pipe_closed);
	if (!sends_pending(c))
		snet_conn_close(&c->conn, conn_closed);
}

/* ---- registration ------------------------------------------------------------------------- */

static bool same_addr(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET)
		return memcmp(&((const struct sockaddr_in *)a)->sin_addr,
			      &((const struct sockaddr_in *)b)->sin_addr, 4) == 0;
	return memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
		      &((const struct sockaddr_in6 *)b)->sin6_addr, 16) == 0;
}

static bool conflicts(const snet_disp_reg *r, uint16_t port)
{
	for (struct client *o = S.clients; o; o = o->next)
		if (o->registered && o->ia == r->ia && o->port == port &&
		    same_addr(&o->addr, &r->public_addr))
			return true;
	return false;
}

static uint16_t port_of(const struct sockaddr_storage *ss)
{
	return ntohs(ss->ss_family == AF_INET ? ((const struct sockaddr_in *)ss)->sin_port
					      : ((const struct sockaddr_in6 *)ss)->sin6_port);
}

static int do_register(struct client *c, const snet_disp_frame *f)
{
	snet_disp_reg r;
	uint8_t reply[32];
	if (f->addr.ss_family != AF_UNSPEC || snet_disp_reg_parse(f->payload, f->len, &r) < 0 ||
	    r.l4 != 17 || (r.ia != snet_network_topology(S.net)->local_ia && r.ia != 0))
		return -1;
	if (port_of(&r.public_addr) && conflicts(&r, port_of(&r.public_addr))) {
		S.st.conflicts++;
		return -1;
	}
	/* The port is bound here, on the application's behalf, so routers reach it directly. */
	if (snet_conn_bind(&c->conn, (struct sockaddr *)&r.public_addr, 0) < 0)
		return -1;
	snet_udp_addr local;
	snet_conn_local(&c->conn, &local);
	c->registered = 1;
	c->ia = snet_network_topology(S.net)->local_ia;
	c->addr = r.public_addr;
	c->port = local.port;
	snet_conn_set_raw_cb(&c->conn, to_app);
	int hl = snet_disp_frame_header(NULL, 2, reply, sizeof(reply));
	reply[hl] = (uint8_t)(c->port >> 8);
	reply[hl + 1] = (uint8_t)c->port;
	S.st.registrations++;
	return write_frame(c, NULL, reply + hl, 2) < 0 ? -1 : 0;
}

/* ---- from the application ----------------------------------------------------------------- */

static void sent_for_app(snet_send_t *req, int status)
{
	struct out_req *o = req->data;
	o->busy = 0;
	if (o->c->closing && status != UV_ECANCELED && !sends_pending(o->c))
		snet_conn_close(&o->c->conn, conn_closed);
}

static void from_app(struct client *c, const snet_disp_frame *f)
{
	snet_scion_hdr h;
	struct out_req *o = NULL;
	if (f->addr.ss_family == AF_UNSPEC || f->len > sizeof(o->buf) ||
	    snet_scion_hdr_parse(f->payload, f->len, &h, NULL) < 0) {
		S.st.bad_app_packets++;
		return;
	}
	for (int i = 0; i < OUT_POOL && !o; i++)
		if (!c->out[i].busy)
			o = &c->out[i];
	if (!o) {
		S.st.app_queue_drops++;
		return;
	}
	/* It leaves from the source its own SCION header names (the multihomed choice the
	 * application made). */
	snet_host src = { .type = h.src_type == SNET_ADDR_IP4 ? SNET_HOST_IP4 : SNET_HOST_IP6 };
	memcpy(src.ip, h.src_host, 16);
	memcpy(o->buf, f->payload, f->len);
	o->busy = 1;
	o->c = c;
	o->req.data = o;
	uv_buf_t b = uv_buf_init((char *)o->buf, (unsigned)f->len);
	if (snet_conn_send_raw(&o->req, &c->conn, &b, 1, (const struct sockaddr *)&f->addr,
			       h.src_type == SNET_ADDR_SVC ? NULL : &src, sent_for_app)) {
		o->busy = 0;
		S.st.bad_app_packets++;
		return;
	}
	S.st.from_apps++;
}

static void alloc_cb(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	struct client *c = h->data;
	*buf = uv_buf_init((char *)c->rbuf + c->used, (unsigned)(RBUF - c->used));
}

/* One frame: the registration first, then packets. Non-zero stops the reader. */
static int on_frame(const snet_disp_frame *f, void *arg)
{
	struct client *c = arg;
	if (c->registered) {
		from_app(c, f);
		return c->closing;
	}
	if (do_register(c, f) < 0) {
		S.st.refused++;
		close_client(c);
	}
	return c->closing;
}

static void on_read(uv_stream_t *st, ssize_t n, const uv_buf_t *buf)
{
	struct client *c = st->data;
	if (n < 0) {
		close_client(c);
		return;
	}
	c->used += (size_t)n;
	int k = snet_disp_frames_run(c->rbuf, c->used, on_frame, c);
	if (c->closing)
		return;
	if (k < 0) {
		S.st.malformed_frames++;
		close_client(c);
		return;
	}
	memmove(c->rbuf, c->rbuf + k, c->used - (size_t)k);
	c->used -= (size_t)k;
}

static void on_connection(uv_stream_t *server, int status)
{
	struct client *c = calloc(1, sizeof(*c));
	if (status < 0 || !c) {
		free(c);
		return;
	}
	uv_pipe_init(S.loop, &c->pipe, 0);
	c->pipe.data = c;
	if (uv_accept(server, (uv_stream_t *)&c->pipe)) {
		c->pending_closes = 1;
		uv_close((uv_handle_t *)&c->pipe, pipe_closed);
		return;
	}
	snet_conn_init(S.net, &c->conn);
	c->conn.data = c;
	snet_conn_set_flags(&c->conn, SNET_CONN_RAW_ALL);
	c->next = S.clients;
	S.clients = c;
	uv_read_start((uv_stream_t *)&c->pipe, alloc_cb, on_read);
}

int disp_server_start(uv_loop_t *loop, snet_network_t *net, const char *path)
{
	S.loop = loop;
	S.net = net;
	unlink(path); /* a stale socket from an earlier run */
	int e = uv_pipe_init(loop, &S.listener, 0);
	if (!e)
		e = uv_pipe_bind(&S.listener, path);
	if (!e && chmod(path, 0770) < 0)
		e = -errno;
	if (!e)
		e = uv_listen((uv_stream_t *)&S.listener, 128, on_connection);
	return e;
}

void disp_server_stop(void)
{
	while (S.clients)
		close_client(S.clients);
	if (!uv_is_closing((uv_handle_t *)&S.listener))
		uv_close((uv_handle_t *)&S.listener, NULL);
}
