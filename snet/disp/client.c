/* SPDX-License-Identifier: Apache-2.0 */
/* The dispatcher client: a conn's datagrams over a Unix stream socket in dispatcher frames.
 * It sits above the conn layer and plugs into it as a transport (snet/conn/transport.h).
 *
 * When the dispatcher goes away, every receiving conn hears SNET_E_DISPATCHER once and sends
 * complete with SNET_E_DISPATCHER (a lost datagram, not a blocked sender). Unless the conn
 * asked for SNET_DISP_NO_RECONNECT, the client then reconnects with backoff (100 ms doubling
 * to 5 s) and registers the same address and port again, without blocking the loop; traffic
 * resumes once the dispatcher confirms that port. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>
#include <unistd.h>

#include "snet/disp_client.h"
#include "../conn/transport.h"

#define RBUF_MIN 16384
#define RBUF_MAX (SNET_DISP_MAX_PAYLOAD + 64)
#define BACKOFF_MIN_MS 100
#define BACKOFF_MAX_MS 5000

/* Per conn: where its dispatcher listens and how (set before bind). */
struct disp_target {
	char path[108];
	unsigned flags;
};

enum { UP, REGISTERING, DOWN };
enum { PIPE_NONE, PIPE_OPEN, PIPE_CLOSING };

struct pipe_transport {
	uv_pipe_t pipe;  /* re-initialized for each connection, after the last one closed */
	uv_timer_t retry;
	snet__sock *sock;
	snet_network_t *net;
	struct disp_target target;
	struct sockaddr_storage addr; /* what is registered: the bound address and port */
	int state, pipe_state, closing, handles;
	unsigned backoff_ms;
	uint8_t *rbuf;
	size_t used, cap;
};

/* ---- registration ------------------------------------------------------------------------- */

static int write_all(int fd, const uint8_t *b, size_t n)
{
	while (n) {
		ssize_t w = write(fd, b, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -errno;
		b += w;
		n -= (size_t)w;
	}
	return 0;
}

/* The port a confirmation frame names, or SNET_E_DISPATCHER. */
static int confirmed_port(const snet_disp_frame *f)
{
	return f->len == 2 ? f->payload[0] << 8 | f->payload[1] : SNET_E_DISPATCHER;
}

/* Blocking, for bind: the answer decides what bind returns. */
static int read_confirmation(int fd, uint16_t *port)
{
	uint8_t buf[64];
	size_t used = 0;
	snet_disp_frame f;
	for (;;) {
		struct pollfd p = { fd, POLLIN, 0 };
		if (poll(&p, 1, 2000) <= 0)
			return SNET_E_DISPATCHER;
		ssize_t r = read(fd, buf + used, sizeof(buf) - used);
		if (r <= 0)
			return SNET_E_DISPATCHER; /* closed: refused */
		used += (size_t)r;
		int n = snet_disp_frame_parse(buf, used, &f);
		if (n < 0)
			return n;
		if (n > 0) {
			int got = confirmed_port(&f);
			if (got < 0)
				return got;
			*port = (uint16_t)got;
			return 0;
		}
	}
}

static int send_registration(int fd, uint64_t ia, const struct sockaddr *addr)
{
	uint8_t msg[128];
	snet_disp_reg reg = { .command = SNET_DISP_CMD_ALWAYS | SNET_DISP_CMD_SCMP, .l4 = 17,
			      .ia = ia, .svc = SNET_SVC_NONE };
	memcpy(&reg.public_addr, addr, addr->sa_family == AF_INET ? sizeof(struct sockaddr_in)
								  : sizeof(struct sockaddr_in6));
	int hl = snet_disp_frame_header(NULL, 0, msg, sizeof(msg));
	int rl = snet_disp_reg_emit(&reg, msg + hl, sizeof(msg) - (size_t)hl);
	if (rl < 0)
		return rl;
	snet_disp_frame_header(NULL, (size_t)rl, msg, sizeof(msg));
	return write_all(fd, msg, (size_t)(hl + rl));
}

/* Connects and sends the registration; returns the connected fd or an error. A Unix socket
 * connects at once or fails at once, so this does not block. */
static int connect_and_register(const char *path, uint64_t ia, const struct sockaddr *addr)
{
	struct sockaddr_un un = { .sun_family = AF_UNIX };
	snprintf(un.sun_path, sizeof(un.sun_path), "%s", path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	int e = connect(fd, (struct sockaddr *)&un, sizeof(un)) < 0 ? -errno : 0;
	if (!e)
		e = send_registration(fd, ia, addr);
	if (e) {
		close(fd);
		return e;
	}
	return fd;
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

/* ---- losing and regaining the dispatcher ---------------------------------------------------- */

static void start_reading(struct pipe_transport *t);
static void handle_closed(uv_handle_t *h);

static void close_pipe(struct pipe_transport *t)
{
	if (t->pipe_state != PIPE_OPEN)
		return;
	t->pipe_state = PIPE_CLOSING;
	uv_close((uv_handle_t *)&t->pipe, handle_closed);
}

static void on_retry(uv_timer_t *timer)
{
	struct pipe_transport *t = timer->data;
	uint64_t ia = snet_network_topology(t->net)->local_ia;
	int fd = connect_and_register(t->target.path, ia, (const struct sockaddr *)&t->addr);
	if (fd < 0 || uv_pipe_init(t->net->loop, &t->pipe, 0)) {
		if (fd >= 0)
			close(fd);
		t->backoff_ms = t->backoff_ms * 2 < BACKOFF_MAX_MS ? t->backoff_ms * 2 : BACKOFF_MAX_MS;
		uv_timer_start(&t->retry, on_retry, t->backoff_ms, 0);
		return;
	}
	t->pipe.data = t;
	t->pipe_state = PIPE_OPEN;
	if (uv_pipe_open(&t->pipe, fd) < 0) {
		close(fd);
		t->state = DOWN;
		close_pipe(t); /* its close callback schedules the next try */
		return;
	}
	t->state = REGISTERING;
	t->used = 0;
	start_reading(t);
}

/* The previous connection's handle is closed: free, or try again after the backoff. */
static void handle_closed(uv_handle_t *h)
{
	struct pipe_transport *t = h->data;
	if (h == (uv_handle_t *)&t->pipe)
		t->pipe_state = PIPE_NONE;
	if (t->closing) {
		if (--t->handles == 0) {
			snet__sock_free(t->sock);
			free(t->rbuf);
			free(t);
		}
		return;
	}
	if (h == (uv_handle_t *)&t->pipe && !(t->target.flags & SNET_DISP_NO_RECONNECT))
		uv_timer_start(&t->retry, on_retry, t->backoff_ms, 0);
}

/* The dispatcher went away, or its stream broke: receivers hear it once, sends fail, and (by
 * default) the client comes back. */
static void lost(struct pipe_transport *t, const char *why)
{
	bool was_up = t->state == UP;
	t->state = DOWN;
	close_pipe(t);
	if (!was_up)
		return; /* a failed re-registration: just try again */
	snet__log(t->net, SNET_LOG_WARN, "dispatcher connection lost (%s)%s", why,
		  t->target.flags & SNET_DISP_NO_RECONNECT ? "" : "; reconnecting");
	t->backoff_ms = BACKOFF_MIN_MS;
	snet__sock_input_error(t->sock, SNET_E_DISPATCHER);
}

/* ---- receiving frames ----------------------------------------------------------------------- */

static void alloc_cb(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	struct pipe_transport *t = h->data;
	/* A frame larger than the buffer doubles it, up to the largest frame there is. */
	if (t->used == t->cap && t->cap < RBUF_MAX) {
		size_t cap = t->cap * 2 < RBUF_MAX ? t->cap * 2 : RBUF_MAX;
		uint8_t *b = realloc(t->rbuf, cap);
		if (b) {
			t->rbuf = b;
			t->cap = cap;
		}
	}
	*buf = uv_buf_init((char *)t->rbuf + t->used, (unsigned)(t->cap - t->used));
}

static int on_frame(const snet_disp_frame *f, void *arg)
{
	struct pipe_transport *t = arg;
	if (t->state == REGISTERING) {
		/* The same port again, or this dispatcher cannot serve us (someone took it). */
		if (confirmed_port(f) != port_of(&t->addr)) {
			lost(t, "the port was not registered again");
			return 1;
		}
		t->state = UP;
		snet__log(t->net, SNET_LOG_INFO, "dispatcher connection restored: port %u",
			  port_of(&t->addr));
		return 0;
	}
	snet__sock_input(t->sock, f->payload, f->len, &f->addr, AF_UNSPEC, NULL);
	return snet__sock_closing(t->sock);
}

static void on_read(uv_stream_t *st, ssize_t n, const uv_buf_t *buf)
{
	struct pipe_transport *t = st->data;
	snet__sock *s = t->sock;
	if (n < 0) {
		lost(t, uv_strerror((int)n));
		return;
	}
	t->used += (size_t)n;
	snet__sock_input_begin(s);
	int k = snet_disp_frames_run(t->rbuf, t->used, on_frame, t);
	snet__sock_input_end(s);
	if (snet__sock_closing(s) || t->state == DOWN)
		return;
	if (k < 0) {
		lost(t, snet_strerror(k)); /* a broken stream cannot be resynchronised */
		return;
	}
	memmove(t->rbuf, t->rbuf + k, t->used - (size_t)k);
	t->used -= (size_t)k;
}

static void start_reading(struct pipe_transport *t)
{
	uv_read_start((uv_stream_t *)&t->pipe, alloc_cb, on_read);
}

/* ---- sending frames ------------------------------------------------------------------------- */

static void on_written(uv_write_t *w, int status)
{
	/* A write the lost connection cancelled: the datagram is lost with it. */
	snet__send_release(snet__send_from_wreq(w), status < 0 ? SNET_E_DISPATCHER : 0);
}

static void write_one(struct pipe_transport *t, snet_send_t *req)
{
	struct iovec iov[5];
	uv_buf_t b[6];
	size_t cap, len = 0;
	unsigned n = snet__send_iov(req, iov);
	for (unsigned i = 0; i < n; i++) {
		b[i + 1] = uv_buf_init(iov[i].iov_base, (unsigned)iov[i].iov_len);
		len += iov[i].iov_len;
	}
	uint8_t *fh = snet__send_frame_hdr(req, &cap);
	int hl = snet_disp_frame_header((const struct sockaddr *)snet__send_dst(req), len, fh, cap);
	b[0] = uv_buf_init((char *)fh, (unsigned)hl);
	int e = uv_write(snet__send_wreq(req), (uv_stream_t *)&t->pipe, b, n + 1, on_written);
	if (e)
		snet__send_complete(req, SNET_E_DISPATCHER);
	else
		snet__send_hold(req);
}

static void pipe_kick(snet__sock *s)
{
	struct pipe_transport *t = snet__sock_transport(s);
	snet_send_t *req;
	while ((req = snet__sock_dequeue(s))) {
		if (t->state == UP)
			write_one(t, req);
		else
			snet__send_complete(req, SNET_E_DISPATCHER); /* the dispatcher is away */
	}
}

static void pipe_update(snet__sock *s)
{
	/* The pipe is always read: frames for a conn that stopped receiving are dropped. */
}

static void pipe_close(snet__sock *s)
{
	struct pipe_transport *t = snet__sock_transport(s);
	t->closing = 1;
	/* The timer, and the pipe if there is one (open, or closing already when lost). */
	t->handles = 1 + (t->pipe_state != PIPE_NONE);
	uv_close((uv_handle_t *)&t->retry, handle_closed);
	close_pipe(t);
}

static const struct snet__sock_ops pipe_ops = { pipe_kick, pipe_update, pipe_close, NULL, NULL };

static struct pipe_transport *transport_new(snet_conn_t *conn, const struct disp_target *d,
					    const struct sockaddr *addr, uint16_t port)
{
	struct pipe_transport *t = calloc(1, sizeof(*t));
	uint8_t *rbuf = malloc(RBUF_MIN);
	snet__sock *s = t && rbuf ? snet__sock_new(conn->net, addr->sa_family,
						   addr->sa_family == AF_INET6, port, &pipe_ops, t)
				  : NULL;
	if (!s) {
		free(t);
		free(rbuf);
		return NULL;
	}
	t->sock = s;
	t->net = conn->net;
	t->target = *d;
	t->rbuf = rbuf;
	t->cap = RBUF_MIN;
	memcpy(&t->addr, addr, addr->sa_family == AF_INET ? sizeof(struct sockaddr_in)
							  : sizeof(struct sockaddr_in6));
	set_port(&t->addr, port);
	/* While it reconnects, the timer keeps the loop alive: the conn is open and waits. */
	uv_timer_init(conn->net->loop, &t->retry);
	t->retry.data = t;
	return t;
}

static int open_dispatched(snet_conn_t *conn, const struct sockaddr *addr, void *arg,
			   snet__sock **out)
{
	struct disp_target *d = arg;
	uint16_t port = 0;
	uint64_t ia = snet_network_topology(conn->net)->local_ia;
	int fd = connect_and_register(d->path, ia, addr);
	int e = fd < 0 ? fd : read_confirmation(fd, &port);
	if (e) {
		if (fd >= 0)
			close(fd);
		return e;
	}
	struct pipe_transport *t = transport_new(conn, d, addr, port);
	if (!t || uv_pipe_init(conn->net->loop, &t->pipe, 0)) {
		close(fd);
		if (t)
			pipe_close(t->sock);
		return -ENOMEM;
	}
	t->pipe.data = t;
	t->pipe_state = PIPE_OPEN;
	if ((e = uv_pipe_open(&t->pipe, fd)) < 0) {
		close(fd);
		pipe_close(t->sock);
		return e;
	}
	t->state = UP;
	start_reading(t);
	*out = t->sock;
	return 0;
}

int snet_conn_set_dispatcher(snet_conn_t *conn, const char *path, unsigned flags)
{
	if (snet__conn_bound(conn))
		return UV_EALREADY;
	if (!path)
		path = SNET_DISP_DEFAULT_SOCKET;
	if (strlen(path) >= sizeof(((struct disp_target *)0)->path))
		return UV_EINVAL;
	struct disp_target *d = snet__conn_scratch(conn, sizeof(*d));
	snprintf(d->path, sizeof(d->path), "%s", path);
	d->flags = flags;
	snet__conn_set_opener(conn, open_dispatched, d);
	return 0;
}
