/* SPDX-License-Identifier: Apache-2.0 */
/* The dispatcher client: a conn's datagrams over a Unix stream socket in dispatcher frames.
 * It sits above the conn layer and plugs into it as a transport (snet/conn/transport.h). */
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

struct pipe_transport {
	uv_pipe_t pipe;
	snet__sock *sock;
	snet_network_t *net;
	uint8_t *rbuf;
	size_t used, cap;
};

/* Per conn: where its dispatcher listens (set before bind). */
struct disp_target {
	char path[108];
};

/* ---- registration: a blocking local round trip, before the loop owns the socket ---------- */

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
			if (f.len != 2)
				return SNET_E_DISPATCHER;
			*port = (uint16_t)(f.payload[0] << 8 | f.payload[1]);
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

/* Connects, registers addr and waits for the port; returns the connected fd or an error. */
static int register_at(const char *path, uint64_t ia, const struct sockaddr *addr, uint16_t *port)
{
	struct sockaddr_un un = { .sun_family = AF_UNIX };
	snprintf(un.sun_path, sizeof(un.sun_path), "%s", path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	int e = connect(fd, (struct sockaddr *)&un, sizeof(un)) < 0 ? -errno : 0;
	if (!e)
		e = send_registration(fd, ia, addr);
	if (!e)
		e = read_confirmation(fd, port);
	if (e) {
		close(fd);
		return e;
	}
	return fd;
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
	snet__sock *s = arg;
	snet__sock_input(s, f->payload, f->len, &f->addr, AF_UNSPEC, NULL);
	return snet__sock_closing(s);
}

/* The dispatcher went away, or its stream broke: receivers hear it once; sends fail. */
static void lost(struct pipe_transport *t, int err, const char *why)
{
	uv_read_stop((uv_stream_t *)&t->pipe);
	snet__log(t->net, SNET_LOG_WARN, "dispatcher connection lost: %s", why);
	snet__sock_input_error(t->sock, err);
}

static void on_read(uv_stream_t *st, ssize_t n, const uv_buf_t *buf)
{
	struct pipe_transport *t = st->data;
	snet__sock *s = t->sock;
	if (n < 0) {
		lost(t, SNET_E_DISPATCHER, uv_strerror((int)n));
		return;
	}
	t->used += (size_t)n;
	snet__sock_input_begin(s);
	int k = snet_disp_frames_run(t->rbuf, t->used, on_frame, s);
	snet__sock_input_end(s);
	if (snet__sock_closing(s))
		return;
	if (k < 0) {
		lost(t, SNET_E_DISPATCHER, snet_strerror(k)); /* cannot be resynchronised */
		return;
	}
	memmove(t->rbuf, t->rbuf + k, t->used - (size_t)k);
	t->used -= (size_t)k;
}

/* ---- sending frames ------------------------------------------------------------------------- */

static void on_written(uv_write_t *w, int status)
{
	snet__send_release(snet__send_from_wreq(w), status);
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
		snet__send_complete(req, e); /* only when the pipe is already closed */
	else
		snet__send_hold(req);
}

static void pipe_kick(snet__sock *s)
{
	struct pipe_transport *t = snet__sock_transport(s);
	snet_send_t *req;
	while ((req = snet__sock_dequeue(s)))
		write_one(t, req);
}

static void pipe_update(snet__sock *s)
{
	/* The pipe is always read: frames for a conn that stopped receiving are dropped. */
}

static void on_pipe_closed(uv_handle_t *h)
{
	struct pipe_transport *t = h->data;
	snet__sock_free(t->sock);
	free(t->rbuf);
	free(t);
}

static void pipe_close(snet__sock *s)
{
	struct pipe_transport *t = snet__sock_transport(s);
	uv_close((uv_handle_t *)&t->pipe, on_pipe_closed);
}

static const struct snet__sock_ops pipe_ops = { pipe_kick, pipe_update, pipe_close };

static int open_dispatched(snet_conn_t *conn, const struct sockaddr *addr, void *arg,
			   snet__sock **out)
{
	struct disp_target *d = arg;
	uint16_t port = 0;
	int fd = register_at(d->path, snet_network_topology(conn->net)->local_ia, addr, &port);
	if (fd < 0)
		return fd;
	struct pipe_transport *t = calloc(1, sizeof(*t));
	uint8_t *rbuf = malloc(RBUF_MIN);
	snet__sock *s = t && rbuf ? snet__sock_new(conn->net, addr->sa_family,
						   addr->sa_family == AF_INET6, port, &pipe_ops, t)
				  : NULL;
	int e = s ? uv_pipe_init(conn->net->loop, &t->pipe, 0) : -ENOMEM;
	if (e) {
		snet__sock_free(s);
		free(rbuf);
		free(t);
		close(fd);
		return e;
	}
	t->sock = s;
	t->rbuf = rbuf;
	t->pipe.data = t;
	if ((e = uv_pipe_open(&t->pipe, fd)) < 0) {
		close(fd);
		uv_close((uv_handle_t *)&t->pipe, on_pipe_closed);
		return e;
	}
	t->net = conn->net;
	t->cap = RBUF_MIN;
	uv_read_start((uv_stream_t *)&t->pipe, alloc_cb, on_read);
	*out = s;
	return 0;
}

int snet_conn_set_dispatcher(snet_conn_t *conn, const char *path)
{
	if (snet__conn_bound(conn))
		return UV_EALREADY;
	if (!path)
		path = SNET_DISP_DEFAULT_SOCKET;
	if (strlen(path) >= sizeof(((struct disp_target *)0)->path))
		return UV_EINVAL;
	struct disp_target *d = snet__conn_scratch(conn, sizeof(*d));
	snprintf(d->path, sizeof(d->path), "%s", path);
	snet__conn_set_opener(conn, open_dispatched, d);
	return 0;
}
