/* SPDX-License-Identifier: Apache-2.0 */
/* See h2server.h. An nghttp2 server session per accepted connection. */
#include <nghttp2/nghttp2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "h2server.h"

struct h2s_stream {
	struct h2s_stream *next; /* in the connection's list: freed with it */
	int32_t id;
	uint8_t *body;
	size_t len;
	uint8_t *out; /* reply bytes (prefix + message) */
	size_t out_len, out_off;
};

struct h2s_conn {
	struct h2server *s;
	struct h2s_conn *next;
	uv_tcp_t tcp;
	nghttp2_session *ng;
	struct h2s_stream *streams;
	bool closing;
};

static void stream_free(struct h2s_conn *c, struct h2s_stream *st)
{
	for (struct h2s_stream **p = &c->streams; *p; p = &(*p)->next)
		if (*p == st) {
			*p = st->next;
			break;
		}
	free(st->body);
	free(st->out);
	free(st);
}

struct wreq {
	uv_write_t w;
	uint8_t data[];
};

static void on_written(uv_write_t *w, int status)
{
	free(w);
}

static void conn_write(struct h2s_conn *c, const uint8_t *data, size_t len)
{
	struct wreq *r = malloc(sizeof(*r) + len);
	memcpy(r->data, data, len);
	uv_buf_t b = uv_buf_init((char *)r->data, (unsigned)len);
	if (uv_write(&r->w, (uv_stream_t *)&c->tcp, &b, 1, on_written))
		free(r);
}

static void on_closed(uv_handle_t *h)
{
	struct h2s_conn *c = h->data;
	if (c->ng)
		nghttp2_session_del(c->ng);
	while (c->streams)
		stream_free(c, c->streams);
	free(c);
}

static void conn_close(struct h2s_conn *c)
{
	if (c->closing)
		return;
	c->closing = true;
	for (struct h2s_conn **p = &c->s->list; *p; p = &(*p)->next)
		if (*p == c) {
			*p = c->next;
			break;
		}
	uv_close((uv_handle_t *)&c->tcp, on_closed);
}

static void flush(struct h2s_conn *c)
{
	const uint8_t *d;
	ssize_t n;
	while (!c->closing && c->ng && (n = nghttp2_session_mem_send(c->ng, &d)) > 0)
		conn_write(c, d, (size_t)n);
}

static int on_begin(nghttp2_session *ng, const nghttp2_frame *f, void *ud)
{
	if (f->hd.type == NGHTTP2_HEADERS && f->headers.cat == NGHTTP2_HCAT_REQUEST) {
		struct h2s_conn *c = ud;
		struct h2s_stream *st = calloc(1, sizeof(*st));
		st->id = f->hd.stream_id;
		st->next = c->streams;
		c->streams = st;
		nghttp2_session_set_stream_user_data(ng, st->id, st);
	}
	return 0;
}

static int on_header(nghttp2_session *ng, const nghttp2_frame *f, const uint8_t *name,
		     size_t nlen, const uint8_t *value, size_t vlen, uint8_t flags, void *ud)
{
	struct h2s_conn *c = ud;
	char *dst = NULL;
	size_t cap = 0;
	if (nlen == 5 && !memcmp(name, ":path", 5))
		dst = c->s->last_path, cap = sizeof(c->s->last_path);
	else if (nlen == 12 && !memcmp(name, "grpc-timeout", 12))
		dst = c->s->last_timeout, cap = sizeof(c->s->last_timeout);
	else if (nlen == 10 && !memcmp(name, ":authority", 10))
		dst = c->s->last_authority, cap = sizeof(c->s->last_authority);
	if (dst)
		snprintf(dst, cap, "%.*s", (int)vlen, value);
	return 0;
}

static int on_data(nghttp2_session *ng, uint8_t flags, int32_t id, const uint8_t *data,
		   size_t len, void *ud)
{
	struct h2s_stream *st = nghttp2_session_get_stream_user_data(ng, id);
	if (!st)
		return 0;
	st->body = realloc(st->body, st->len + len);
	memcpy(st->body + st->len, data, len);
	st->len += len;
	return 0;
}

static ssize_t read_reply(nghttp2_session *ng, int32_t id, uint8_t *buf, size_t len,
			  uint32_t *flags, nghttp2_data_source *src, void *ud)
{
	struct h2s_stream *st = src->ptr;
	size_t n = st->out_len - st->out_off;
	if (n > len)
		n = len;
	memcpy(buf, st->out + st->out_off, n);
	st->out_off += n;
	if (st->out_off == st->out_len) {
		*flags |= NGHTTP2_DATA_FLAG_EOF | NGHTTP2_DATA_FLAG_NO_END_STREAM;
		nghttp2_nv tr[] = { { (uint8_t *)"grpc-status", (uint8_t *)"0", 11, 1, 0 } };
		nghttp2_submit_trailer(ng, id, tr, 1);
	}
	return (ssize_t)n;
}

#define NV(n, v) { (uint8_t *)(n), (uint8_t *)(v), strlen(n), strlen(v), NGHTTP2_NV_FLAG_NONE }

static void reply(struct h2s_conn *c, struct h2s_stream *st, const struct h2s_action *a)
{
	nghttp2_session *ng = c->ng;
	if (a->kind == H2S_ERROR) {
		char code[16];
		snprintf(code, sizeof(code), "%d", a->grpc_status);
		nghttp2_nv nv[] = { NV(":status", "200"), NV("content-type", "application/grpc"),
				    NV("grpc-status", code),
				    NV("grpc-message", a->grpc_message ? a->grpc_message : "") };
		nghttp2_submit_response(ng, st->id, nv, 4, NULL);
		return;
	}
	if (a->kind == H2S_RST) {
		nghttp2_submit_rst_stream(ng, NGHTTP2_FLAG_NONE, st->id, NGHTTP2_INTERNAL_ERROR);
		return;
	}
	size_t pre = a->raw ? 0 : 5;
	st->out = malloc(pre + a->len + 1);
	if (!a->raw) {
		st->out[0] = 0;
		st->out[1] = (uint8_t)(a->len >> 24);
		st->out[2] = (uint8_t)(a->len >> 16);
		st->out[3] = (uint8_t)(a->len >> 8);
		st->out[4] = (uint8_t)a->len;
	}
	if (a->len)
		memcpy(st->out + pre, a->msg, a->len);
	st->out_len = pre + a->len;
	nghttp2_nv nv[] = { NV(":status", "200"), NV("content-type", "application/grpc") };
	nghttp2_data_provider dp = { .source.ptr = st, .read_callback = read_reply };
	nghttp2_submit_response(ng, st->id, nv, 2, &dp);
}

static int on_frame(nghttp2_session *ng, const nghttp2_frame *f, void *ud)
{
	struct h2s_conn *c = ud;
	if (!(f->hd.flags & NGHTTP2_FLAG_END_STREAM) ||
	    (f->hd.type != NGHTTP2_DATA && f->hd.type != NGHTTP2_HEADERS))
		return 0;
	struct h2s_stream *st = nghttp2_session_get_stream_user_data(ng, f->hd.stream_id);
	if (!st)
		return 0;
	c->s->requests++;
	struct h2s_action a = { .kind = H2S_REPLY };
	const uint8_t *msg = st->len >= 5 ? st->body + 5 : NULL;
	c->s->handler(c->s, c->s->last_path, msg, st->len >= 5 ? st->len - 5 : 0, &a);
	switch (a.kind) {
	case H2S_HANG:
		break;
	case H2S_DROP:
		conn_close(c);
		break;
	case H2S_GOAWAY_REPLY:
		nghttp2_submit_goaway(ng, NGHTTP2_FLAG_NONE, st->id, NGHTTP2_NO_ERROR, NULL, 0);
		a.kind = H2S_REPLY;
		reply(c, st, &a);
		break;
	default:
		reply(c, st, &a);
	}
	return 0;
}

static int on_close(nghttp2_session *ng, int32_t id, uint32_t code, void *ud)
{
	struct h2s_stream *st = nghttp2_session_get_stream_user_data(ng, id);
	if (st)
		stream_free(ud, st);
	return 0;
}

static void on_alloc(uv_handle_t *h, size_t hint, uv_buf_t *b)
{
	static char buf[65536];
	*b = uv_buf_init(buf, sizeof(buf));
}

static void on_read(uv_stream_t *t, ssize_t n, const uv_buf_t *b)
{
	struct h2s_conn *c = t->data;
	if (n < 0) {
		conn_close(c);
		return;
	}
	if (c->closing || !c->ng || n == 0)
		return;
	if (nghttp2_session_mem_recv(c->ng, (const uint8_t *)b->base, (size_t)n) < 0) {
		conn_close(c);
		return;
	}
	flush(c);
}

static void on_accept(uv_stream_t *l, int status)
{
	struct h2server *s = l->data;
	if (status < 0)
		return;
	struct h2s_conn *c = calloc(1, sizeof(*c));
	c->s = s;
	uv_tcp_init(s->loop, &c->tcp);
	c->tcp.data = c;
	if (uv_accept(l, (uv_stream_t *)&c->tcp)) {
		uv_close((uv_handle_t *)&c->tcp, on_closed);
		return;
	}
	s->conns++;
	c->next = s->list;
	s->list = c;
	if (s->greeting) {
		conn_write(c, (const uint8_t *)s->greeting, strlen(s->greeting));
	} else {
		nghttp2_session_callbacks *cb;
		nghttp2_session_callbacks_new(&cb);
		nghttp2_session_callbacks_set_on_begin_headers_callback(cb, on_begin);
		nghttp2_session_callbacks_set_on_header_callback(cb, on_header);
		nghttp2_session_callbacks_set_on_data_chunk_recv_callback(cb, on_data);
		nghttp2_session_callbacks_set_on_frame_recv_callback(cb, on_frame);
		nghttp2_session_callbacks_set_on_stream_close_callback(cb, on_close);
		nghttp2_session_server_new(&c->ng, cb, c);
		nghttp2_session_callbacks_del(cb);
		nghttp2_submit_settings(c->ng, NGHTTP2_FLAG_NONE, NULL, 0);
		flush(c);
	}
	uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read);
}

int h2s_start(uv_loop_t *loop, struct h2server *s, h2s_handler handler)
{
	struct sockaddr_in a;
	uv_ip4_addr("127.0.0.1", 0, &a);
	s->loop = loop;
	s->handler = handler;
	uv_tcp_init(loop, &s->listener);
	s->listener.data = s;
	int rc = uv_tcp_bind(&s->listener, (const struct sockaddr *)&a, 0);
	if (rc == 0)
		rc = uv_listen((uv_stream_t *)&s->listener, 16, on_accept);
	if (rc)
		return rc;
	struct sockaddr_storage ss;
	int len = sizeof(ss);
	uv_tcp_getsockname(&s->listener, (struct sockaddr *)&ss, &len);
	s->port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
	return 0;
}

void h2s_drop_all(struct h2server *s)
{
	while (s->list)
		conn_close(s->list);
}

void h2s_stop(struct h2server *s)
{
	h2s_drop_all(s);
	if (!uv_is_closing((uv_handle_t *)&s->listener))
		uv_close((uv_handle_t *)&s->listener, NULL);
}
