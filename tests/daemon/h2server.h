/* SPDX-License-Identifier: Apache-2.0 */
/* A small gRPC-on-h2c server for the daemon client's unit tests, on the test's own libuv loop:
 * every call is answered as the test's handler says (a message, a gRPC error as Trailers-Only,
 * silence, a dropped connection, a GOAWAY), so that each failure has a real server behind it. */
#ifndef SNET_TEST_H2SERVER_H
#define SNET_TEST_H2SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

enum h2s_kind {
	H2S_REPLY,         /* 200, message, trailers grpc-status 0 */
	H2S_ERROR,         /* Trailers-Only: HEADERS with grpc-status/-message, END_STREAM */
	H2S_HANG,          /* never answer */
	H2S_DROP,          /* close the TCP connection at once */
	H2S_GOAWAY_REPLY,  /* GOAWAY naming this stream as the last, then the reply */
	H2S_RST,           /* RST_STREAM(INTERNAL_ERROR), no headers */
};

struct h2s_action {
	enum h2s_kind kind;
	const uint8_t *msg;     /* REPLY: the body as sent (raw: include the gRPC prefix) */
	size_t len;
	bool raw;               /* msg already carries its prefix (or is deliberately broken) */
	int grpc_status;
	const char *grpc_message;
};

struct h2server;
typedef void (*h2s_handler)(struct h2server *s, const char *path, const uint8_t *body,
			    size_t len, struct h2s_action *out);

struct h2s_conn;
struct h2server {
	uv_loop_t *loop;
	uv_tcp_t listener;
	uint16_t port;
	h2s_handler handler;
	void *data;
	const char *greeting;   /* non-NULL: write this on accept instead of speaking HTTP/2 */
	int conns, requests;
	char last_path[128], last_timeout[32], last_authority[128];
	struct h2s_conn *list;
};

/* Listens on 127.0.0.1 (port chosen by the kernel: s->port). */
int h2s_start(uv_loop_t *loop, struct h2server *s, h2s_handler handler);
/* Closes every connection at once (the daemon "killed"). */
void h2s_drop_all(struct h2server *s);
/* Closes the listener too. */
void h2s_stop(struct h2server *s);

#endif
