/* SPDX-License-Identifier: Apache-2.0 */
/* The daemon client's private state (include/snet/daemon.h). Internal. */
#ifndef SNET_DAEMON_INTERNAL_H
#define SNET_DAEMON_INTERNAL_H

#include <stdbool.h>
#include <uv.h>

#include "h2c.h"
#include "messages.h"
#include "snet/daemon.h"

/* One TCP connection and its HTTP/2 session. */
struct dconn {
	struct snet__daemon *dm;
	struct dconn *next;        /* in dm->conns */
	uv_tcp_t tcp;
	uv_connect_t connect;
	uv_write_t write;
	struct snet__h2c h2;
	bool connected, writing, closing;
	int close_status;
	char close_msg[96];
	uint8_t *wbuf;
	size_t wlen, wcap;
};

struct snet__daemon {
	snet_daemon_t *d;
	uv_loop_t *loop;
	char authority[128];       /* the address as given: the :authority of every request */
	struct sockaddr_storage addr;
	snet_daemon_opts opts;
	struct dconn *cur;         /* takes new streams (connecting or connected) */
	struct dconn *conns;       /* every open connection, cur included */
	struct dreq *active;       /* every request not yet completed */
	uv_timer_t timer;          /* deadlines, and work deferred out of API calls */
	uint64_t backoff_until;    /* loop time before which no connect is tried */
	uint32_t backoff_ms;
	int connect_error;         /* the last connect's, for fail-fast */
	bool closing;
	int handles;               /* open libuv handles: the timer and each tcp */
	snet_daemon_close_cb close_cb;
	snet_daemon_stats stats;
	uint8_t rbuf[16384];       /* reads are consumed before the next one */
};

/* A request's private area (snet_daemon_req_t.priv_). */
struct dreq {
	struct dreq *next, *prev;  /* in dm->active */
	snet_daemon_req_t *req;
	struct dconn *conn;        /* NULL while queued */
	int32_t stream;
	bool retried;
	snet_daemon_req_type rpc;  /* the call in flight (TOPOLOGY runs three) */
	void *cb;
	uint64_t deadline;         /* loop time */
	uint64_t ia, ia2;          /* arguments */
	unsigned flags;
	snet_topology *topo;
	int grpc_status;
	uint8_t body_len;
	uint8_t body[SNET__DAEMON_REQ_MAX];
	char message[SNET_DAEMON_MESSAGE_MAX];
};

/* Adds the daemon's interfaces to t, as Go's LoadTopology takes them: SNET_E_BAD_REPLY, with
 * why saying so, for an ID that is not 16 bits or more than SNET_TOPO_MAX_IFS of them. */
int snet__daemon_ifs_to_topology(snet_topology *t, const snet_daemon_if *ifs, size_t n,
				 char *why, size_t cap);

_Static_assert(sizeof(struct dreq) <= sizeof(((snet_daemon_req_t *)0)->priv_),
	       "snet_daemon_req_t private area too small");

#endif
