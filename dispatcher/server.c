/* SPDX-License-Identifier: Apache-2.0 */
/* The Unix-socket side of dispatcher mode. One client per connection: its first frame
 * registers (Go v0.11's rules, registry.c); then frames carry packets both ways. A malformed
 * frame closes only that client; a client that does not read loses its own packets (bounded
 * queues); clients that never register or never finish a frame are timed out, and when the
 * connection cap is reached the oldest unregistered one makes room. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "registry.h"
#include "server.h"

#define RBUF_MIN 4096
#define RBUF_MAX (SNET_DISP_MAX_PAYLOAD + 64)
#define OUT_MAX 64   /* an application's packets in flight to the network */
#define SWEEP_MS 250

struct client;

/* One packet from an application on its way out, sized to it. */
struct out_req {
	snet_send_t req;
	struct client *c;
	uint8_t buf[];
};

struct client {
	uv_pipe_t pipe;
	struct client *prev, *next; /* in accept order: the oldest first */
	snet_conn_t conn;           /* the application's port */
	struct reg_entry reg;
	int registered, closing, pending_closes;
	uint64_t accepted_at, partial_since;
	uint8_t *rbuf;
	size_t used, cap;
	unsigned out_inflight;
};

/* A frame on its way to an application. */
struct frame_write {
	uv_write_t w;
	size_t len;
	uint8_t buf[];
};

static struct server {
	uv_loop_t *loop;
	snet_network_t *net;
	uv_pipe_t listener;
	uv_timer_t sweep;
	int sweep_on;
	char path[108];
	struct client *head, *tail;
	struct client *lingering; /* closed, their last packets still leaving */
	struct registry reg;
	struct disp_server_opts o;
	size_t queued; /* bytes written towards applications, not yet taken */
	size_t input;  /* receive buffers of all clients */
	struct disp_server_stats st;
} S;

void disp_server_stats(struct disp_server_stats *s)
{
	*s = S.st;
}

static unsigned fd_budget(void)
{
	struct rlimit rl;
	/* Each client holds two descriptors (its stream and its UDP port). */
	if (getrlimit(RLIMIT_NOFILE, &rl) || rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > 8256)
		return 4096;
	return rl.rlim_cur > 96 ? (unsigned)(rl.rlim_cur - 64) / 2 : 16;
}

void disp_server_opts_default(struct disp_server_opts *o, const snet_topology *t)
{
	memset(o, 0, sizeof(*o));
	o->ports_lo = t && t->port_end ? t->port_start : 31000;
	o->ports_hi = t && t->port_end ? t->port_end : 32767;
	o->eph_lo = 32768;
	o->eph_hi = 65535;
	o->reg_timeout_ms = 5000;
	o->frame_timeout_ms = 5000;
	o->app_queue_bytes = 1 << 20;
	o->total_queue_bytes = 64 << 20;
	o->total_input_bytes = 32 << 20;
}

/* ---- to the application ------------------------------------------------------------------- */

static void frame_written(uv_write_t *w, int status)
{
	struct frame_write *fw = w->data;
	S.queued -= fw->len;
	free(fw);
}

/* Frames towards an application queue in its pipe, up to its share and the total. */
static int write_frame(struct client *c, const struct sockaddr *addr, const uint8_t *p, size_t n)
{
	if (c->closing)
		return -1;
	size_t q = uv_stream_get_write_queue_size((uv_stream_t *)&c->pipe);
	if (q + n > S.o.app_queue_bytes || S.queued + n > S.o.total_queue_bytes) {
		S.st.app_queue_drops++;
		return -1;
	}
	struct frame_write *fw = malloc(sizeof(*fw) + 32 + n);
	if (!fw)
		return -1;
	int hl = snet_disp_frame_header(addr, n, fw->buf, 32);
	memcpy(fw->buf + hl, p, n);
	fw->w.data = fw;
	fw->len = (size_t)hl + n;
	uv_buf_t b = uv_buf_init((char *)fw->buf, (unsigned)fw->len);
	if (uv_write(&fw->w, (uv_stream_t *)&c->pipe, &b, 1, frame_written)) {
		free(fw);
		return -1;
	}
	S.queued += fw->len;
	return 0;
}

/* A packet for the application, with its underlay sender (the router, as Go v0.11 puts
 * UnderlayRemote there: the application replies to it). */
static void to_app(struct client *c, const snet_raw_msg *m)
{
	if (write_frame(c, (const struct sockaddr *)m->from, m->data, m->len) == 0)
		S.st.to_apps++;
}

/* What arrives at the application's own port (routers that deliver to the port). */
static void on_app_port(snet_conn_t *conn, const snet_raw_msg *m)
{
	to_app(conn->data, m);
}

static int family_of(const snet_pkt *p)
{
	return p->hdr.dst_type == SNET_ADDR_IP4 ? AF_INET : AF_INET6;
}

static struct reg_entry *for_port(const snet_pkt *p, int port)
{
	uint8_t ip[16] = { 0 };
	if (port <= 0)
		return NULL;
	memcpy(ip, p->hdr.dst_host, family_of(p) == AF_INET ? 4 : 16);
	return registry_lookup(&S.reg, family_of(p), ip, (uint16_t)port);
}

/* SCMP: an echo/traceroute reply (or an error quoting a request) by the identifier its
 * application used (Go v0.11's ID table), else by port as the router's rules read it. */
static struct reg_entry *for_scmp(const snet_pkt *p)
{
	bool by_id;
	int port = snet_pkt_endhost_port(p, &by_id);
	if (port <= 0 || port == SNET_ENDHOST_PORT)
		return NULL; /* requests are answered, not delivered */
	struct reg_entry *e = by_id ? registry_lookup_id(&S.reg, (uint16_t)port) : NULL;
	return e ? e : for_port(p, port);
}

bool disp_server_deliver(const snet_raw_msg *m)
{
	const snet_pkt *p = m->pkt;
	struct reg_entry *e = NULL;
	if (!S.net || (p->l4 != SNET_PROTO_UDP && p->l4 != SNET_PROTO_SCMP))
		return false;
	if (p->hdr.dst_type == SNET_ADDR_SVC) {
		struct reg_entry *svc[64];
		uint16_t v = (uint16_t)(p->hdr.dst_host[0] << 8 | p->hdr.dst_host[1]);
		size_t n = p->l4 == SNET_PROTO_UDP ? registry_lookup_svc(&S.reg, v, svc, 64) : 0;
		for (size_t i = 0; i < n; i++)
			to_app(svc[i]->owner, m);
		S.st.svc_delivered += n;
		return n > 0;
	}
	e = p->l4 == SNET_PROTO_UDP ? for_port(p, p->udp.dst_port) : for_scmp(p);
	if (!e)
		return false;
	to_app(e->owner, m);
	return true;
}

/* ---- closing ------------------------------------------------------------------------------ */

static void unlink_client(struct client *c)
{
	*(c->prev ? &c->prev->next : &S.head) = c->next;
	*(c->next ? &c->next->prev : &S.tail) = c->prev;
	S.st.clients--;
}

/* Only what a buffer holds beyond RBUF_MIN counts against the total: a registration or a
 * small frame always has room, whatever others hold. */
static size_t beyond_min(size_t cap)
{
	return cap > RBUF_MIN ? cap - RBUF_MIN : 0;
}

static void set_rbuf(struct client *c, uint8_t *b, size_t cap)
{
	S.input = S.input - beyond_min(c->cap) + beyond_min(cap);
	c->rbuf = b;
	c->cap = cap;
}

static void free_client(struct client *c)
{
	free(c->rbuf);
	set_rbuf(c, NULL, 0);
	free(c);
}

static void part_closed(struct client *c)
{
	if (--c->pending_closes == 0)
		free_client(c);
}

static void pipe_closed(uv_handle_t *h)
{
	part_closed(h->data);
}

static void conn_closed(snet_conn_t *conn)
{
	part_closed(conn->data);
}

/* A client's disconnect frees its port: its conn closes with it, once the packets it handed
 * over before leaving have left (their requests live in the client); at shutdown (now) at
 * once, cancelling them. */
static void close_client_when(struct client *c, bool now)
{
	if (c->closing)
		return;
	c->closing = 1;
	S.st.clients_closed++;
	unlink_client(c);
	if (c->registered)
		registry_remove(&S.reg, &c->reg);
	c->pending_closes = 2;
	uv_close((uv_handle_t *)&c->pipe, pipe_closed);
	if (c->out_inflight == 0 || now) {
		snet_conn_close(&c->conn, conn_closed);
		return;
	}
	c->next = S.lingering; /* out_done closes its conn; shutdown does not wait */
	c->prev = NULL;
	if (S.lingering)
		S.lingering->prev = c;
	S.lingering = c;
}

static void stop_lingering(struct client *c)
{
	*(c->prev ? &c->prev->next : &S.lingering) = c->next;
	if (c->next)
		c->next->prev = c->prev;
	snet_conn_close(&c->conn, conn_closed);
}

static void close_client(struct client *c)
{
	close_client_when(c, false);
}

/* ---- registration ------------------------------------------------------------------------- */

static void set_ip(uint8_t ip[16], const struct sockaddr_storage *ss, int *family)
{
	memset(ip, 0, 16);
	*family = ss->ss_family;
	if (ss->ss_family == AF_INET)
		memcpy(ip, &((const struct sockaddr_in *)ss)->sin_addr, 4);
	else if (ss->ss_family == AF_INET6)
		memcpy(ip, &((const struct sockaddr_in6 *)ss)->sin6_addr, 16);
}

static void set_port(struct sockaddr_storage *ss, uint16_t port)
{
	if (ss->ss_family == AF_INET)
		((struct sockaddr_in *)ss)->sin_port = htons(port);
	else
		((struct sockaddr_in6 *)ss)->sin6_port = htons(port);
}

static uint16_t port_of(const struct sockaddr_storage *ss)
{
	return ntohs(ss->ss_family == AF_INET ? ((const struct sockaddr_in *)ss)->sin_port
					      : ((const struct sockaddr_in6 *)ss)->sin6_port);
}

/* The registry entry a registration asks for. The bind address is ignored, as Go v0.11's
 * dispatcher ignores it (dispatcher.go Server.Register passes nil): an SVC is served at the
 * public address. */
static int entry_from(struct client *c, const snet_disp_reg *r)
{
	struct reg_entry *e = &c->reg;
	memset(e, 0, sizeof(*e));
	set_ip(e->ip, &r->public_addr, &e->family);
	e->port = port_of(&r->public_addr);
	e->svc = r->svc;
	e->owner = c;
	memcpy(e->svc_ip, e->ip, 16);
	return registry_add(&S.reg, r->ia, e, false);
}

static int do_register(struct client *c, const snet_disp_frame *f)
{
	snet_disp_reg r;
	uint8_t reply[32];
	if (f->addr.ss_family != AF_UNSPEC || snet_disp_reg_parse(f->payload, f->len, &r) < 0 ||
	    r.l4 != 17)
		return -1;
	int err = entry_from(c, &r);
	if (err) {
		if (err == REG_E_OVERLAP)
			S.st.conflicts++;
		return -1;
	}
	/* The port is bound here, on the application's behalf, so routers reach it directly. */
	struct sockaddr_storage at = r.public_addr;
	set_port(&at, c->reg.port);
	if (snet_conn_bind(&c->conn, (struct sockaddr *)&at, 0) < 0) {
		registry_remove(&S.reg, &c->reg);
		S.st.conflicts++;
		return -1;
	}
	c->registered = 1;
	snet_conn_set_raw_cb(&c->conn, on_app_port);
	int hl = snet_disp_frame_header(NULL, 2, reply, sizeof(reply));
	reply[hl] = (uint8_t)(c->reg.port >> 8);
	reply[hl + 1] = (uint8_t)c->reg.port;
	S.st.registrations++;
	return write_frame(c, NULL, reply + hl, 2) < 0 ? -1 : 0;
}

/* ---- from the application ----------------------------------------------------------------- */

static void out_done(snet_send_t *req, int status)
{
	struct out_req *o = req->data;
	struct client *c = o->c;
	free(o);
	c->out_inflight--;
	/* The last packet of a closing client has left: its conn may go (unless shutdown
	 * closed it already, cancelling this one). */
	if (c->closing && c->out_inflight == 0 && status != UV_ECANCELED)
		stop_lingering(c);
}

/* An application's echo/traceroute request: its identifier routes the reply back to it. */
static void note_scmp_id(struct client *c, const snet_disp_frame *f)
{
	snet_pkt p;
	if (snet_pkt_parse(f->payload, f->len, &p, NULL) < 0 || p.l4 != SNET_PROTO_SCMP)
		return;
	if (p.scmp.type == SNET_SCMP_ECHO_REQUEST || p.scmp.type == SNET_SCMP_TRACEROUTE_REQUEST)
		registry_add_id(&c->reg, p.scmp.identifier);
}

static void from_app(struct client *c, const snet_disp_frame *f)
{
	snet_scion_hdr h;
	if (f->addr.ss_family == AF_UNSPEC || snet_scion_hdr_parse(f->payload, f->len, &h, NULL) < 0) {
		S.st.bad_app_packets++;
		return;
	}
	struct out_req *o = c->out_inflight < OUT_MAX ? malloc(sizeof(*o) + f->len) : NULL;
	if (!o) {
		S.st.app_queue_drops++;
		return;
	}
	if (h.next_hdr == SNET_PROTO_SCMP || h.next_hdr == SNET_PROTO_HBH ||
	    h.next_hdr == SNET_PROTO_E2E)
		note_scmp_id(c, f);
	/* It leaves from the source its own SCION header names (the multihomed choice the
	 * application made). */
	snet_host src = { .type = h.src_type == SNET_ADDR_IP4 ? SNET_HOST_IP4 : SNET_HOST_IP6 };
	memcpy(src.ip, h.src_host, 16);
	memcpy(o->buf, f->payload, f->len);
	o->c = c;
	o->req.data = o;
	uv_buf_t b = uv_buf_init((char *)o->buf, (unsigned)f->len);
	if (snet_conn_send_raw(&o->req, &c->conn, &b, 1, (const struct sockaddr *)&f->addr,
			       h.src_type == SNET_ADDR_SVC ? NULL : &src, out_done)) {
		free(o);
		S.st.bad_app_packets++;
		return;
	}
	c->out_inflight++;
	S.st.from_apps++;
}

/* ---- reading frames ------------------------------------------------------------------------ */

static void alloc_cb(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	struct client *c = h->data;
	/* Memory as frames need it: a frame larger than the buffer doubles it (to one frame),
	 * within what all clients may hold together. A client that cannot grow is closed in
	 * on_read (it gets an empty buffer here). */
	if (c->used == c->cap && c->cap < RBUF_MAX) {
		size_t cap = c->cap ? c->cap * 2 : RBUF_MIN;
		cap = cap < RBUF_MAX ? cap : RBUF_MAX;
		size_t total = S.input - beyond_min(c->cap) + beyond_min(cap);
		uint8_t *b = total <= S.o.total_input_bytes ? realloc(c->rbuf, cap) : NULL;
		if (b)
			set_rbuf(c, b, cap);
	}
	*buf = uv_buf_init((char *)c->rbuf + c->used, (unsigned)(c->cap - c->used));
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
	if (n == UV_ENOBUFS) {
		S.st.closed_memory++; /* a buffer that cannot grow */
		close_client(c);
		return;
	}
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
	/* A frame begun must be finished in time; a drained large buffer shrinks back. */
	c->partial_since = c->used ? (c->partial_since ? c->partial_since : uv_now(S.loop)) : 0;
	if (c->used == 0 && c->cap > RBUF_MIN) {
		free(c->rbuf);
		set_rbuf(c, NULL, 0);
	}
}

/* ---- accepting, timing out ------------------------------------------------------------------ */

/* At the cap, the oldest client that has not registered gives way (idle connections must not
 * lock out a legitimate registration). false when every client is registered. */
static bool make_room(void)
{
	for (struct client *c = S.head; c; c = c->next) {
		if (!c->registered) {
			S.st.reaped++;
			close_client(c);
			return true;
		}
	}
	return false;
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
	if (S.st.clients >= S.o.max_clients && !make_room()) {
		S.st.refused_full++;
		c->pending_closes = 1;
		uv_close((uv_handle_t *)&c->pipe, pipe_closed);
		return;
	}
	snet_conn_init(S.net, &c->conn);
	c->conn.data = c;
	snet_conn_set_flags(&c->conn, SNET_CONN_RAW_ALL);
	c->accepted_at = uv_now(S.loop);
	c->prev = S.tail;
	*(S.tail ? &S.tail->next : &S.head) = c;
	S.tail = c;
	S.st.clients++;
	uv_read_start((uv_stream_t *)&c->pipe, alloc_cb, on_read);
}

static void sweep(uv_timer_t *t)
{
	uint64_t now = uv_now(S.loop);
	for (struct client *c = S.head, *next; c; c = next) {
		next = c->next;
		bool late_reg = !c->registered && now - c->accepted_at > S.o.reg_timeout_ms;
		bool late_frame = c->partial_since && now - c->partial_since > S.o.frame_timeout_ms;
		if (late_reg || late_frame) {
			S.st.timeouts++;
			close_client(c);
		}
	}
}

int disp_server_start(uv_loop_t *loop, snet_network_t *net, const char *path,
		      const struct disp_server_opts *o)
{
	const snet_topology *t = snet_network_topology(net);
	memset(&S, 0, sizeof(S));
	S.loop = loop;
	S.net = net;
	S.o = *o;
	if (!S.o.max_clients)
		S.o.max_clients = fd_budget();
	registry_init(&S.reg, t->local_ia, o->ports_lo, o->ports_hi, o->eph_lo, o->eph_hi,
		      S.o.max_clients);
	snprintf(S.path, sizeof(S.path), "%s", path);
	unlink(path); /* a stale socket from an earlier run */
	int e = uv_pipe_init(loop, &S.listener, 0);
	if (!e)
		e = uv_pipe_bind(&S.listener, path);
	if (!e && chmod(path, 0770) < 0)
		e = -errno;
	if (!e)
		e = uv_listen((uv_stream_t *)&S.listener, 128, on_connection);
	if (!e) {
		uv_timer_init(loop, &S.sweep);
		uv_timer_start(&S.sweep, sweep, SWEEP_MS, SWEEP_MS);
		uv_unref((uv_handle_t *)&S.sweep);
		S.sweep_on = 1;
	}
	return e;
}

void disp_server_stop(void)
{
	while (S.head)
		close_client_when(S.head, true);
	while (S.lingering)
		stop_lingering(S.lingering);
	if (!uv_is_closing((uv_handle_t *)&S.listener))
		uv_close((uv_handle_t *)&S.listener, NULL);
	if (S.sweep_on)
		uv_close((uv_handle_t *)&S.sweep, NULL);
	S.sweep_on = 0;
	if (S.path[0])
		unlink(S.path);
	S.path[0] = 0;
	S.net = NULL;
}
