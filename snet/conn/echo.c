/* SPDX-License-Identifier: Apache-2.0 */
/* Answering SCMP echo and traceroute requests, as Go's shim dispatcher does: the reply goes
 * back to the router that delivered the request, from the address it reached (Go:
 * dispatcher/dispatcher.go). The answers come from a pool the network owns. */
#include <string.h>

#include "internal.h"

/* Sent or cancelled (its conn closed): the slot is free again. */
static void echo_done(snet_send_t *req, int status)
{
	struct echo_pool *pool = req->data;
	pool->busy[req - pool->req] = 0;
}

static snet_send_t *echo_slot(struct echo_pool *pool)
{
	for (unsigned i = 0; i < ECHO_POOL; i++) {
		if (!pool->busy[i]) {
			pool->busy[i] = 1;
			return &pool->req[i];
		}
	}
	pool->full++;
	return NULL;
}

int snet__echo_answer(snet__sock *s, snet_conn_t *c, const struct arrival *a)
{
	struct echo_pool *pool = &NET(s->net)->echo;
	struct rx_ring *rx = &NET(s->net)->rx;
	snet_pkt rep;
	int n = snet_pkt_reply(&a->pkt, &rep, rx->path_rev, sizeof(rx->path_rev));
	if (n < 0)
		return n;
	snet_send_t *req = rep.payload_len <= SNET_MAX_SCMP_PKT_LEN ? echo_slot(pool) : NULL;
	if (!req)
		return -1;
	uint8_t *m = pool->payload[req - pool->req];
	memcpy(m, rep.payload, rep.payload_len);
	struct send_priv *p = REQ(req);
	req->data = pool;
	p->h = rep.hdr;
	p->bufs[0] = uv_buf_init((char *)m, (unsigned)rep.payload_len);
	p->nbufs = 1;
	p->cb = echo_done;
	if (snet__send_prepare_answer(req, c, &rep.scmp, a->dst_ip, &a->sender.next_hop) < 0) {
		echo_done(req, 0);
		return -1;
	}
	CONN(c)->stats.echo_answered++;
	snet__sock_enqueue(s, req);
	return 0;
}
