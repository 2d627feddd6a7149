/* SPDX-License-Identifier: Apache-2.0 */
/* gRPC unary calls over one nghttp2 client session (see h2c.h). Streams are collected while
 * nghttp2 parses, and reported only after it returns, so that a callback may submit, cancel or
 * tear everything down without re-entering nghttp2. */
#include <errno.h>
#include <nghttp2/nghttp2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grpc.h"
#include "h2c.h"
#include "snet/daemon.h"
#include "snet/err.h"

/* Our receive window per stream: a Paths reply of a few hundred kB in one round trip. */
#define STREAM_WINDOW (1 << 20)

struct h2c_stream {
	struct h2c_stream *next, *prev;
	void *call;          /* NULL once cancelled */
	int32_t id;
	int http_status;
	int grpc_status;
	bool too_large, headers;
	uint32_t error_code; /* RST_STREAM or session end */
	uint8_t *body;       /* the DATA received */
	size_t len, cap;
	size_t req_len, req_off;
	char message[SNET_DAEMON_MESSAGE_MAX];
	uint8_t req[];       /* prefix + request message */
};

static void list_add(struct h2c_stream **head, struct h2c_stream *st)
{
	st->prev = NULL;
	st->next = *head;
	if (*head)
		(*head)->prev = st;
	*head = st;
}

static void list_del(struct h2c_stream **head, struct h2c_stream *st)
{
	if (st->prev)
		st->prev->next = st->next;
	else
		*head = st->next;
	if (st->next)
		st->next->prev = st->prev;
	st->next = st->prev = NULL;
}

static struct h2c_stream *stream_of(nghttp2_session *s, int32_t id)
{
	return nghttp2_session_get_stream_user_data(s, id);
}

static int on_header(nghttp2_session *s, const nghttp2_frame *f, const uint8_t *name,
		     size_t nlen, const uint8_t *value, size_t vlen, uint8_t flags, void *ud)
{
	struct h2c_stream *st = stream_of(s, f->hd.stream_id);
	if (!st || f->hd.type != NGHTTP2_HEADERS)
		return 0;
	st->headers = true;
	if (nlen == 7 && !memcmp(name, ":status", 7)) {
		int v = 0;
		for (size_t i = 0; i < vlen && i < 3 && value[i] >= '0' && value[i] <= '9'; i++)
			v = v * 10 + (value[i] - '0');
		st->http_status = v;
	} else if (nlen == 11 && !memcmp(name, "grpc-status", 11)) {
		st->grpc_status = snet__grpc_status_parse(value, vlen);
		if (st->grpc_status < 0)
			st->grpc_status = -2; /* present but malformed */
	} else if (nlen == 12 && !memcmp(name, "grpc-message", 12)) {
		snet__grpc_message_decode(value, vlen, st->message, sizeof(st->message));
	}
	return 0;
}

static int on_data(nghttp2_session *s, uint8_t flags, int32_t id, const uint8_t *data,
		   size_t len, void *ud)
{
	struct snet__h2c *h = ud;
	struct h2c_stream *st = stream_of(s, id);
	if (!st || st->too_large)
		return 0;
	if (len > h->max_reply + SNET__GRPC_PREFIX - st->len) {
		st->too_large = true;
		free(st->body);
		st->body = NULL;
		st->len = st->cap = 0;
		nghttp2_submit_rst_stream(s, NGHTTP2_FLAG_NONE, id, NGHTTP2_CANCEL);
		return 0;
	}
	if (st->len + len > st->cap) {
		size_t cap = st->cap ? st->cap : 4096;
		while (cap < st->len + len)
			cap *= 2;
		uint8_t *b = realloc(st->body, cap);
		if (!b)
			return NGHTTP2_ERR_CALLBACK_FAILURE;
		st->body = b;
		st->cap = cap;
	}
	memcpy(st->body + st->len, data, len);
	st->len += len;
	return 0;
}

static int on_close(nghttp2_session *s, int32_t id, uint32_t error_code, void *ud)
{
	struct snet__h2c *h = ud;
	struct h2c_stream *st = stream_of(s, id);
	if (!st)
		return 0;
	nghttp2_session_set_stream_user_data(s, id, NULL);
	st->error_code = error_code;
	list_del(&h->live, st);
	list_add(&h->done, st);
	return 0;
}

static int on_frame(nghttp2_session *s, const nghttp2_frame *f, void *ud)
{
	struct snet__h2c *h = ud;
	if (f->hd.type == NGHTTP2_GOAWAY && !h->goaway) {
		h->goaway = true;
		if (h->cb->on_goaway)
			h->cb->on_goaway(h->ctx);
	}
	return 0;
}

static int on_error(nghttp2_session *s, int lib_error_code, const char *msg, size_t len,
		    void *ud)
{
	struct snet__h2c *h = ud;
	if (!h->error) {
		h->error = SNET_E_BAD_REPLY;
		snprintf(h->why, sizeof(h->why), "HTTP/2: %.*s", (int)len, msg);
	}
	return 0;
}

static ssize_t read_body(nghttp2_session *s, int32_t id, uint8_t *buf, size_t len,
			 uint32_t *flags, nghttp2_data_source *src, void *ud)
{
	struct h2c_stream *st = src->ptr;
	size_t n = st->req_len - st->req_off;
	if (n > len)
		n = len;
	memcpy(buf, st->req + st->req_off, n);
	st->req_off += n;
	if (st->req_off == st->req_len)
		*flags |= NGHTTP2_DATA_FLAG_EOF;
	return (ssize_t)n;
}

int snet__h2c_init(struct snet__h2c *h, const struct snet__h2c_callbacks *cb, void *ctx,
		   size_t max_reply)
{
	memset(h, 0, sizeof(*h));
	h->cb = cb;
	h->ctx = ctx;
	h->max_reply = max_reply;
	nghttp2_session_callbacks *cbs;
	if (nghttp2_session_callbacks_new(&cbs))
		return -ENOMEM;
	nghttp2_session_callbacks_set_on_header_callback(cbs, on_header);
	nghttp2_session_callbacks_set_on_data_chunk_recv_callback(cbs, on_data);
	nghttp2_session_callbacks_set_on_stream_close_callback(cbs, on_close);
	nghttp2_session_callbacks_set_on_frame_recv_callback(cbs, on_frame);
	nghttp2_session_callbacks_set_error_callback2(cbs, on_error);
	/* We never send PINGs ourselves; nghttp2 answers the server's. */
	int rc = nghttp2_session_client_new(&h->s, cbs, h);
	nghttp2_session_callbacks_del(cbs);
	if (rc)
		return -ENOMEM;
	nghttp2_settings_entry iv[] = {
		{ NGHTTP2_SETTINGS_ENABLE_PUSH, 0 },
		{ NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, STREAM_WINDOW },
	};
	if (nghttp2_submit_settings(h->s, NGHTTP2_FLAG_NONE, iv, 2) ||
	    nghttp2_session_set_local_window_size(h->s, NGHTTP2_FLAG_NONE, 0, 4 * STREAM_WINDOW)) {
		nghttp2_session_del(h->s);
		return -ENOMEM;
	}
	return 0;
}

static void reply_of(const struct snet__h2c *h, struct h2c_stream *st, struct snet__h2c_reply *r)
{
	memset(r, 0, sizeof(*r));
	r->grpc_status = st->grpc_status < 0 ? -1 : st->grpc_status;
	r->message = st->message;
	if (st->too_large) {
		r->status = SNET_E_REPLY_TOO_LARGE;
		snprintf(st->message, sizeof(st->message), "reply larger than %zu bytes",
			 h->max_reply);
	} else if (!st->headers && st->error_code == NGHTTP2_REFUSED_STREAM) {
		r->status = SNET__H2C_RETRY;
	} else if (st->grpc_status == -2) {
		r->status = SNET_E_BAD_REPLY;
		snprintf(st->message, sizeof(st->message), "malformed grpc-status");
	} else if (st->grpc_status > 0) {
		r->status = SNET_E_GRPC;
	} else if (st->grpc_status == 0) {
		const char *why = NULL;
		r->status = snet__grpc_deframe(st->body, st->len, &r->msg, &r->msg_len, &why);
		if (r->status)
			snprintf(st->message, sizeof(st->message), "%s", why);
	} else {
		r->status = SNET_E_BAD_REPLY;
		if (st->error_code)
			snprintf(st->message, sizeof(st->message),
				 "stream reset by the daemon (HTTP/2 error %u)", st->error_code);
		else if (st->http_status != 200)
			snprintf(st->message, sizeof(st->message),
				 "HTTP status %d without grpc-status", st->http_status);
		else
			snprintf(st->message, sizeof(st->message), "reply without grpc-status");
	}
}

static void stream_free(struct h2c_stream *st)
{
	free(st->body);
	free(st);
}

/* Reports the streams that ended, one at a time, until none is left or a callback stops us. */
static void report_done(struct snet__h2c *h)
{
	while (h->done && !h->stop) {
		struct h2c_stream *st = h->done;
		list_del(&h->done, st);
		if (st->call) {
			struct snet__h2c_reply r;
			reply_of(h, st, &r);
			h->cb->on_reply(h->ctx, st->call, &r);
		}
		stream_free(st);
	}
}

static void fail_list(struct snet__h2c *h, struct h2c_stream **head, int status,
		      const char *message)
{
	while (*head) {
		struct h2c_stream *st = *head;
		list_del(head, st);
		if (st->id > 0 && h->s)
			nghttp2_session_set_stream_user_data(h->s, st->id, NULL);
		if (st->call && h->cb) {
			struct snet__h2c_reply r = { .status = status, .grpc_status = -1 };
			snprintf(st->message, sizeof(st->message), "%s", message ? message : "");
			r.message = st->message;
			h->cb->on_reply(h->ctx, st->call, &r);
		}
		stream_free(st);
	}
}

void snet__h2c_free(struct snet__h2c *h, int status, const char *message)
{
	h->stop = false;
	fail_list(h, &h->done, status, message);
	fail_list(h, &h->live, status, message);
	if (h->s)
		nghttp2_session_del(h->s);
	h->s = NULL;
}

int snet__h2c_submit(struct snet__h2c *h, const char *path, const char *authority,
		     uint32_t timeout_ms, const uint8_t *body, size_t len, void *call)
{
	if (!snet__h2c_usable(h))
		return SNET_E_DAEMON_GONE;
	if (len > UINT32_MAX)
		return SNET_E_MSG_TOO_LONG;
	struct h2c_stream *st = calloc(1, sizeof(*st) + SNET__GRPC_PREFIX + len);
	if (!st)
		return -ENOMEM;
	snet__grpc_prefix(st->req, (uint32_t)len);
	if (len)
		memcpy(st->req + SNET__GRPC_PREFIX, body, len);
	st->req_len = SNET__GRPC_PREFIX + len;
	st->call = call;
	st->grpc_status = -1;
	char tmo[16];
	snet__grpc_timeout_format(timeout_ms, tmo);
#define NV(n, v) { (uint8_t *)(n), (uint8_t *)(v), sizeof(n) - 1, strlen(v), NGHTTP2_NV_FLAG_NONE }
	nghttp2_nv nv[] = {
		NV(":method", "POST"),        NV(":scheme", "http"),
		NV(":path", path),            NV(":authority", authority),
		NV("content-type", "application/grpc"), NV("te", "trailers"),
		NV("grpc-timeout", tmo),      NV("user-agent", "libsnet/" SNET_VERSION_STRING),
	};
#undef NV
	nghttp2_data_provider dp = { .source.ptr = st, .read_callback = read_body };
	int32_t id = nghttp2_submit_request(h->s, NULL, nv, timeout_ms ? 8 : 7, &dp, st);
	if (id < 0) {
		free(st);
		return id == NGHTTP2_ERR_STREAM_ID_NOT_AVAILABLE ? SNET_E_DAEMON_GONE : -ENOMEM;
	}
	st->id = id;
	list_add(&h->live, st);
	return id;
}

void snet__h2c_cancel(struct snet__h2c *h, int stream_id)
{
	struct h2c_stream *st = h->s ? stream_of(h->s, stream_id) : NULL;
	if (!st) {
		for (st = h->done; st && st->id != stream_id; st = st->next)
			;
		if (st)
			st->call = NULL;
		return;
	}
	st->call = NULL;
	nghttp2_submit_rst_stream(h->s, NGHTTP2_FLAG_NONE, stream_id, NGHTTP2_CANCEL);
}

/* HTTP/2 servers start with SETTINGS (RFC 9113 3.4); anything else (an HTTP/1.1 status line, a
 * TLS alert) means the address serves something other than gRPC on h2c. */
static bool starts_like_h2(struct snet__h2c *h, const uint8_t *data, size_t len)
{
	while (h->nhead < sizeof(h->head) && len) {
		h->head[h->nhead++] = *data++;
		len--;
	}
	if (h->nhead < 4)
		return true;
	if (h->head[3] != NGHTTP2_SETTINGS)
		return false;
	if (h->nhead < 9)
		return true;
	return !(h->head[4] & NGHTTP2_FLAG_ACK) &&
	       !((h->head[5] & 0x7f) | h->head[6] | h->head[7] | h->head[8]);
}

int snet__h2c_recv(struct snet__h2c *h, const uint8_t *data, size_t len)
{
	if (h->error)
		return h->error;
	if (h->nhead < sizeof(h->head) && !starts_like_h2(h, data, len)) {
		h->error = SNET_E_NOT_HTTP2;
		snprintf(h->why, sizeof(h->why), "the server did not start with HTTP/2 SETTINGS");
		return h->error;
	}
	ssize_t n = nghttp2_session_mem_recv(h->s, data, len);
	if (n < 0 && !h->error) {
		h->error = SNET_E_BAD_REPLY;
		snprintf(h->why, sizeof(h->why), "HTTP/2: %s", nghttp2_strerror((int)n));
	}
	report_done(h);
	return h->error;
}

void snet__h2c_stop(struct snet__h2c *h)
{
	h->stop = true;
}

ssize_t snet__h2c_pull(struct snet__h2c *h, const uint8_t **data)
{
	if (!h->s)
		return 0;
	ssize_t n = nghttp2_session_mem_send(h->s, data);
	if (n < 0 && !h->error) {
		h->error = SNET_E_BAD_REPLY;
		snprintf(h->why, sizeof(h->why), "HTTP/2: %s", nghttp2_strerror((int)n));
	}
	/* Streams may end while sending (our RST_STREAM). */
	report_done(h);
	return n < 0 ? 0 : n;
}

bool snet__h2c_finished(const struct snet__h2c *h)
{
	if (!h->s || h->error)
		return true;
	if (!nghttp2_session_want_read(h->s) && !nghttp2_session_want_write(h->s))
		return true;
	return h->goaway && !h->live && !nghttp2_session_want_write(h->s);
}

bool snet__h2c_usable(const struct snet__h2c *h)
{
	return h->s && !h->error && !h->goaway &&
	       nghttp2_session_check_request_allowed(h->s);
}

size_t snet__h2c_live(const struct snet__h2c *h)
{
	size_t n = 0;
	for (const struct h2c_stream *st = h->live; st; st = st->next)
		n++;
	return n;
}
