/* SPDX-License-Identifier: Apache-2.0 */
/* A gRPC client connection as bytes in, bytes out (HTTP/2 by nghttp2, its mem_recv/mem_send
 * API): unary calls are submitted, the server's bytes are fed in, and each call ends in one
 * reply: a protobuf message, a gRPC status, or why the bytes made no sense. No I/O, so the
 * libuv client, the tests and the fuzz target drive the same code. Internal. */
#ifndef SNET_DAEMON_H2C_H
#define SNET_DAEMON_H2C_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* A stream the server refused before processing it (REFUSED_STREAM, or above a GOAWAY's last
 * stream): safe to send again on a new connection. */
#define SNET__H2C_RETRY 1

struct snet__h2c_reply {
	int status;          /* 0, SNET__H2C_RETRY or a negative SNET_E_* */
	int grpc_status;     /* -1 when the reply had none */
	const char *message; /* grpc-message, or what was wrong; never NULL */
	const uint8_t *msg;  /* status 0: the protobuf message */
	size_t msg_len;
};

struct snet__h2c_callbacks {
	/* Once per submitted call that was not cancelled. */
	void (*on_reply)(void *ctx, void *call, const struct snet__h2c_reply *r);
	/* The server will take no new streams on this connection (GOAWAY). */
	void (*on_goaway)(void *ctx);
};

struct h2c_stream;
struct snet__h2c {
	struct nghttp2_session *s;
	const struct snet__h2c_callbacks *cb;
	void *ctx;
	size_t max_reply;
	struct h2c_stream *live, *done; /* open streams; closed ones not yet reported */
	uint8_t head[9];                /* the server's first frame header, to tell HTTP/2 */
	size_t nhead;
	int error;                      /* connection-level SNET_E_*, 0 while fine */
	char why[128];
	bool stop;                      /* set by snet__h2c_stop: report no more */
	bool goaway;
};

/* max_reply: the largest protobuf message accepted. Returns 0 or -ENOMEM. */
int snet__h2c_init(struct snet__h2c *h, const struct snet__h2c_callbacks *cb, void *ctx,
		   size_t max_reply);
/* Reports every call not yet reported with status (a negative code) and message, then frees
 * everything. */
void snet__h2c_free(struct snet__h2c *h, int status, const char *message);
/* A unary call: POST path with body (the protobuf message; the prefix is added here). call is
 * handed back in on_reply. Returns the stream id (> 0) or a negative code. */
int snet__h2c_submit(struct snet__h2c *h, const char *path, const char *authority,
		     uint32_t timeout_ms, const uint8_t *body, size_t len, void *call);
/* Forgets the call (no on_reply) and resets its stream. */
void snet__h2c_cancel(struct snet__h2c *h, int stream_id);
/* Feeds the server's bytes, then reports the calls that ended. Returns 0, or the connection's
 * error (SNET_E_NOT_HTTP2, SNET_E_BAD_REPLY) after which only snet__h2c_free is useful. */
int snet__h2c_recv(struct snet__h2c *h, const uint8_t *data, size_t len);
/* Reporting stops at the next call boundary (a callback is closing everything). */
void snet__h2c_stop(struct snet__h2c *h);
/* The next bytes to write (valid until the next call into h); 0 when none. */
ssize_t snet__h2c_pull(struct snet__h2c *h, const uint8_t **data);
/* True when the connection has nothing left to do: no open streams it waits for, nothing to
 * send, or the session ended (GOAWAY both ways, protocol error). */
bool snet__h2c_finished(const struct snet__h2c *h);
/* True when calls may still be submitted (no GOAWAY, no error). */
bool snet__h2c_usable(const struct snet__h2c *h);
size_t snet__h2c_live(const struct snet__h2c *h);

#endif
