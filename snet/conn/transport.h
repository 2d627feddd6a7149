/* SPDX-License-Identifier: Apache-2.0 */
/* The seam between conns and what moves their datagrams: the UDP socket (udp.c) or the
 * dispatcher's Unix socket (snet/disp/client.c). A transport sits behind one snet__sock, the
 * object conns share (prefix-bound conns share one UDP socket); the conn layer owns the send
 * queue and the receive logic, the transport only moves bytes. This header is all a transport
 * outside this folder sees. */
#ifndef SNET_CONN_TRANSPORT_H
#define SNET_CONN_TRANSPORT_H

#include <sys/socket.h>

#include "snet/conn.h"

typedef struct snet__sock snet__sock;

struct snet__sock_ops {
	/* Requests were queued: send them now or when the transport can. */
	void (*kick)(snet__sock *s);
	/* A conn started or stopped receiving. */
	void (*update)(snet__sock *s);
	/* The last conn left: stop, and call snet__sock_free(s) when nothing refers to it. */
	void (*close)(snet__sock *s);
	/* From a loop callback (never from inside an API call): send what is queued right now,
	 * completing it here; NULL: kick. Saves a trip through the poller per reply. */
	void (*flush)(snet__sock *s);
	/* The socket's descriptor, for its buffer sizes; NULL: UV_ENOTSUP. */
	int (*fileno)(const snet__sock *s);
};

/* Opens a transport for conn at bind time: fills *out with a sock from snet__sock_new. */
typedef int (*snet__sock_opener)(snet_conn_t *conn, const struct sockaddr *addr, void *arg,
				 snet__sock **out);

/* A sock for conns of net on port (the local underlay port; family and dual-stack as bound),
 * with the transport's ops and state. NULL when out of memory. */
snet__sock *snet__sock_new(snet_network_t *net, int family, int dual, uint16_t port,
			   const struct snet__sock_ops *ops, void *transport);
void snet__sock_free(snet__sock *s);
void *snet__sock_transport(const snet__sock *s);
int snet__sock_closing(const snet__sock *s);

/* Before bind: conn opens its transport with opener(conn, addr, arg, &sock) (dispatcher mode). */
void snet__conn_set_opener(snet_conn_t *conn, snet__sock_opener opener, void *arg);
int snet__conn_bound(const snet_conn_t *conn);
/* Room in the conn for a transport's settings (at least 128 bytes); NULL if size is larger. */
void *snet__conn_scratch(snet_conn_t *conn, size_t size);
/* Through the network's log hook (silent without one). */
void snet__log(snet_network_t *net, snet_log_level lvl, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* One received datagram, a whole SCION packet; from: its underlay source. dst_family AF_UNSPEC
 * takes the SCION destination as the arrival address (for packets a dispatcher checked).
 * Callbacks run from here; the sock may be closing when it returns. */
void snet__sock_input(snet__sock *s, const uint8_t *buf, size_t len,
		      const struct sockaddr_storage *from, int dst_family, const uint8_t *dst_ip);
/* Around a run of inputs: sends queued by the callbacks wait for its end (one flush). */
void snet__sock_input_begin(snet__sock *s);
void snet__sock_input_end(snet__sock *s);
/* The transport failed for good (err < 0): every receiving conn hears it once. */
void snet__sock_input_error(snet__sock *s, int err);

/* The oldest queued request, taken off the queue, or NULL. */
snet_send_t *snet__sock_dequeue(snet__sock *s);
/* A request's datagram as iovecs (at most 5: the headers, then the payload), its underlay
 * destination, and its total length. */
unsigned snet__send_iov(const snet_send_t *req, struct iovec iov[5]);
const struct sockaddr_storage *snet__send_dst(const snet_send_t *req);
/* The transport finished with req now (status 0 or < 0); it runs the callback. */
void snet__send_complete(snet_send_t *req, int status);
/* A transport that keeps req after dequeuing it (until its own completion) holds it; release
 * completes it. The conn's close callback waits for every held request. */
void snet__send_hold(snet_send_t *req);
void snet__send_release(snet_send_t *req, int status);
/* Scratch space in req for a transport's own request (libuv's uv_write_t and a frame header). */
uv_write_t *snet__send_wreq(snet_send_t *req);
uint8_t *snet__send_frame_hdr(snet_send_t *req, size_t *cap);
snet_send_t *snet__send_from_wreq(uv_write_t *w);

#endif
