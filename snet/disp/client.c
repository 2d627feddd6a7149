/* SPDX-License-Identifier: Apache-2.0 */
/* The dispatcher client: a conn's datagrams over a Unix stream socket in dispatcher frames.
 * It sits above the conn layer and plugs into a conn's socket as another transport. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>
#include <unistd.h>

#include "snet/disp_client.h"
#include "../conn/internal.h"

#define RBUF (2 * (SNET_DISP_MAX_PAYLOAD + 64))

struct pipe_transport {
	uv_pipe_t pipe;
	snet__usock *sock;
	size_t used;
	uint8_t rbuf[RBUF];
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

static int register_at(const char *path, uint64_t ia, const struct sockaddr *addr, uint16_t *port)
{
	struct sockaddr_un un = { .sun_family = AF_UNIX };
	uint8_t msg[128];
	snprintf(un.sun_path, sizeof(un.sun_path), "%s", path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&un, sizeof(un)) < 0) {
		int e = -errno;
		close(fd);
		return e;
	}
	snet_disp_reg reg = { .command = SNET_DISP_CMD_ALWAYS | SNET_DISP_CMD_SCMP, .l4 = 17,
			      .ia = ia, .svc = SNET_SVC_NONE };
	memcpy(&reg.public_addr, addr, addr->sa_family == AF_INET ? sizeof(struct sockaddr_in)
								  : sizeof(struct sockaddr_in6));
	int hl = snet_disp_frame_header(NULL, 0, msg, sizeof(msg));
	int rl = snet_disp_reg_emit(&reg, msg + hl, sizeof(msg) - (size_t)hl);
	int e = rl < 0 ? rl : 0;
	if (!e) {
		snet_disp_frame_header(NULL, (size_t)rl, msg, sizeof(msg));
		e = write_all(fd, msg, (size_t)(hl + rl));
	}
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
	*buf = uv_buf_init((char *)t->rbuf + t->used, (unsigned)(RBUF - t->used));
}

static void on_read(uv_stream_t *st, ssize_t n, const uv_buf_t *buf)
{
	struct pipe_transport *t = st->data;
	snet__usock *s = t->sock;
	snet_disp_frame f;
	int k = 0;
	size_t at = 0;
	if (n < 0) {
		/* The dispatcher went away: the conn stays, its sends fail from now on. */
		uv_read_stop(st);
		return;
	}
	t->used += (size_t)n;
	s->in_recv = 1;
	while (!s->closing && (k = snet_disp_frame_parse(t->rbuf + at, t->used - at, &f)) > 0) {
		snet__usock_process(s, f.payload, f.len, &f.addr, AF_UNSPEC, NULL);
		at += (size_t)k;
	}
	s->in_recv = 0;
	if (k < 0) {
		uv_read_stop(st); /* a broken stream cannot be resynchronised */
		return;
	}
	memmove(t->rbuf, t->rbuf + at, t->used - at);
	t->used -= at;
	snet__usock_update_poll(s);
}

/* ---- sending frames ------------------------------------------------------------------------- */

static void on_written(uv_write_t *w, int status)
{
	snet__send_release(w->data, status);
}

static void pipe_flush(snet__usock *s)
{
	struct pipe_transport *t = s->transport;
	snet_send_t *req;
	while (s->sq_head) {
		req = snet__usock_dequeue(s);
		size_t len = req->hdr_len;
		for (unsigned i = 0; i < req->nbufs; i++)
			len += req->bufs[i].len;
		int hl = snet_disp_frame_header((struct sockaddr *)&req->nh, len, req->fhdr,
						sizeof(req->fhdr));
		uv_buf_t b[6] = { uv_buf_init((char *)req->fhdr, (unsigned)hl),
				  uv_buf_init((char *)req->hdr, req->hdr_len) };
		for (unsigned i = 0; i < req->nbufs; i++)
			b[2 + i] = req->bufs[i];
		req->wreq.data = req;
		int e = uv_write(&req->wreq, (uv_stream_t *)&t->pipe, b, req->nbufs + 2, on_written);
		if (e)
			snet__send_complete(req, e); /* only when the pipe is already closed */
		else
			snet__send_hold(req);
	}
}

static void on_pipe_closed(uv_handle_t *h)
{
	struct pipe_transport *t = h->data;
	free(t->sock);
	free(t);
}

static void pipe_close(snet__usock *s)
{
	struct pipe_transport *t = s->transport;
	uv_close((uv_handle_t *)&t->pipe, on_pipe_closed);
}

static const struct usock_ops pipe_ops = { pipe_flush, pipe_close };

static int open_dispatched(snet_conn_t *conn, const struct sockaddr *addr, snet__usock **out)
{
	uint16_t port;
	int fd = register_at(conn->disp_path, conn->net->topo.local_ia, addr, &port);
	if (fd < 0)
		return fd;
	snet__usock *s = calloc(1, sizeof(*s));
	struct pipe_transport *t = calloc(1, sizeof(*t));
	if (!s || !t || uv_pipe_init(conn->net->loop, &t->pipe, 0) || uv_pipe_open(&t->pipe, fd)) {
		free(s);
		free(t);
		close(fd);
		return -ENOMEM;
	}
	s->net = conn->net;
	s->family = addr->sa_family;
	s->dual = addr->sa_family == AF_INET6;
	s->port = port;
	s->fd = -1;
	s->ops = &pipe_ops;
	s->transport = t;
	t->sock = s;
	t->pipe.data = t;
	uv_read_start((uv_stream_t *)&t->pipe, alloc_cb, on_read);
	*out = s;
	return 0;
}

int snet_conn_set_dispatcher(snet_conn_t *conn, const char *path)
{
	if (conn->sock)
		return UV_EALREADY;
	if (!path)
		path = SNET_DISP_DEFAULT_SOCKET;
	if (strlen(path) >= sizeof(conn->disp_path))
		return UV_EINVAL;
	snprintf(conn->disp_path, sizeof(conn->disp_path), "%s", path);
	conn->open_sock = open_dispatched;
	return 0;
}
