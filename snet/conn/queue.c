/* SPDX-License-Identifier: Apache-2.0 */
/* A sock's send queue and the completion of requests. Callbacks may close their own conn or
 * another, or send again: a request is off the queue before its callback runs, and a closed
 * conn's queued requests move to its cancelled list (reported before its close callback). */
#include <string.h>

#include "internal.h"

void snet__sock_enqueue(snet__sock *s, snet_send_t *req)
{
	REQ(req)->next = NULL;
	if (s->sq_tail)
		REQ(s->sq_tail)->next = req;
	else
		s->sq_head = req;
	s->sq_tail = req;
	/* Inside a run of inputs the flush at its end sends this (one sendmmsg per batch). */
	if (!s->in_input)
		s->ops->kick(s);
}

snet_send_t *snet__sock_dequeue(snet__sock *s)
{
	return s->sq_head ? snet__sock_take_through(s, s->sq_head) : NULL;
}

/* Without a walk: the batch knows where its requests end (they are not in cache any more once
 * the kernel has copied their payloads, and each step of a walk would wait for one). */
snet_send_t *snet__sock_take_through(snet__sock *s, snet_send_t *last)
{
	snet_send_t *first = s->sq_head;
	s->sq_head = REQ(last)->next;
	if (!s->sq_head)
		s->sq_tail = NULL;
	REQ(last)->next = NULL;
	return first;
}

snet_send_t *snet__send_next(const snet_send_t *r)
{
	return REQ(r)->next;
}

void snet__send_complete(snet_send_t *req, int status)
{
	struct conn_priv *c = CONN(req->conn);
	if (status < 0)
		c->stats.send_errors++;
	else
		c->stats.tx_packets++;
	REQ(req)->cb(req, status);
}

void snet__send_complete_list(snet_send_t *r, int status)
{
	while (r) {
		snet_send_t *next = REQ(r)->next;
		if (next) /* fetched while this request's callback runs */
			__builtin_prefetch(REQ(next));
		snet__send_complete(r, status);
		r = next;
	}
}

void snet__send_cancel_list(snet_send_t *r)
{
	while (r) {
		snet_send_t *next = REQ(r)->next;
		REQ(r)->cb(r, UV_ECANCELED);
		r = next;
	}
}

void snet__sock_cancel(snet__sock *s, snet_conn_t *conn)
{
	snet_send_t **pp = &s->sq_head, *last = NULL;
	while (*pp) {
		snet_send_t *r = *pp;
		if (r->conn != conn) {
			last = r;
			pp = &REQ(r)->next;
			continue;
		}
		*pp = REQ(r)->next;
		REQ(r)->next = CONN(conn)->cancelled;
		CONN(conn)->cancelled = r;
	}
	s->sq_tail = last;
}

unsigned snet__send_iov(const snet_send_t *req, struct iovec iov[5])
{
	const struct send_priv *p = REQ(req);
	unsigned n = 0;
	if (p->hdr_len)
		iov[n++] = (struct iovec){ (void *)p->hdr, p->hdr_len };
	for (unsigned i = 0; i < p->nbufs; i++)
		iov[n++] = (struct iovec){ p->bufs[i].base, p->bufs[i].len };
	return n;
}

const struct sockaddr_storage *snet__send_dst(const snet_send_t *req)
{
	return &REQ(req)->nh;
}

uv_write_t *snet__send_wreq(snet_send_t *req)
{
	REQ(req)->wreq.data = req;
	return &REQ(req)->wreq;
}

snet_send_t *snet__send_from_wreq(uv_write_t *w)
{
	return w->data;
}

uint8_t *snet__send_frame_hdr(snet_send_t *req, size_t *cap)
{
	*cap = sizeof(REQ(req)->fhdr);
	return REQ(req)->fhdr;
}
