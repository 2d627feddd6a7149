/* SPDX-License-Identifier: Apache-2.0 */
/* Daemon requests: start, send on a connection, decode the reply, complete. A request leaves
 * the active list before its callback runs, so that the callback may reuse or free it, start
 * others, or close the handle. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "request.h"
#include "snet/err.h"

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wformat-truncation"
#endif

static struct dreq *dreq_of(const snet_daemon_req_t *req)
{
	return (struct dreq *)req->priv_.u8;
}

static void active_del(struct snet__daemon *dm, struct dreq *r)
{
	if (r->prev)
		r->prev->next = r->next;
	else
		dm->active = r->next;
	if (r->next)
		r->next->prev = r->prev;
	r->next = r->prev = NULL;
	r->conn = NULL;
}

/* Takes r off the books; returns its request for the callback. */
static snet_daemon_req_t *finish(struct snet__daemon *dm, struct dreq *r, int status,
				 const char *msg)
{
	active_del(dm, r);
	snprintf(r->message, sizeof(r->message), "%s", msg ? msg : "");
	dm->stats.requests++;
	if (status < 0) {
		dm->stats.failures++;
		if (status == SNET_E_BAD_REPLY || status == SNET_E_REPLY_TOO_LARGE ||
		    status == SNET_E_NOT_HTTP2)
			dm->stats.bad_replies++;
	}
	return r->req;
}

void snet__dreq_complete(struct snet__daemon *dm, struct dreq *r, int status, const char *msg)
{
	void *cb = r->cb;
	snet_daemon_req_t *req = finish(dm, r, status, msg);
	switch (req->type) {
	case SNET_DAEMON_PATHS:
		((snet_daemon_paths_cb)cb)(req, status, NULL);
		break;
	case SNET_DAEMON_AS:
		((snet_daemon_as_cb)cb)(req, status, NULL);
		break;
	case SNET_DAEMON_INTERFACES:
		((snet_daemon_ifs_cb)cb)(req, status, NULL, 0);
		break;
	case SNET_DAEMON_SERVICES:
		((snet_daemon_services_cb)cb)(req, status, NULL, 0);
		break;
	case SNET_DAEMON_PORT_RANGE:
		((snet_daemon_port_range_cb)cb)(req, status, 0, 0);
		break;
	case SNET_DAEMON_NOTIFY_IF_DOWN:
	case SNET_DAEMON_TOPOLOGY:
		((snet_daemon_done_cb)cb)(req, status);
		break;
	}
}

void snet__dreq_submit(struct snet__daemon *dm, struct dreq *r, struct dconn *c)
{
	uint8_t *b = r->body;
	size_t n = 0;
	switch (r->rpc) {
	case SNET_DAEMON_PATHS:
		n = snet__daemon_encode_paths(r->ia, r->ia2, r->flags, b);
		break;
	case SNET_DAEMON_AS:
		n = snet__daemon_encode_ia(r->req->type == SNET_DAEMON_TOPOLOGY ? 0 : r->ia, b);
		break;
	case SNET_DAEMON_NOTIFY_IF_DOWN:
		n = snet__daemon_encode_if_down(r->ia, r->ia2, b);
		break;
	default:
		break;
	}
	uint64_t now = uv_now(dm->loop);
	uint32_t left = r->deadline > now ? (uint32_t)(r->deadline - now) : 1;
	int id = snet__h2c_submit(&c->h2, snet__daemon_rpc_path(r->rpc), dm->authority, left, b,
				  n, r);
	if (id < 0) {
		snet__dreq_complete(dm, r, id, "could not start an HTTP/2 stream");
		return;
	}
	r->conn = c;
	r->stream = id;
}

/* The next call of a topology request: queued again on the same deadline. */
static void next_step(struct snet__daemon *dm, struct dreq *r, snet_daemon_req_type rpc)
{
	r->rpc = rpc;
	r->conn = NULL;
	r->retried = false;
	snet__daemon_kick(dm);
}

int snet__daemon_ifs_to_topology(snet_topology *t, const snet_daemon_if *ifs, size_t n,
				 char *why, size_t cap)
{
	for (size_t i = 0; i < n; i++) {
		if (ifs[i].id == 0 || ifs[i].id > UINT16_MAX) {
			snprintf(why, cap, "interfaces[%llu]: not a 16-bit interface ID",
				 (unsigned long long)ifs[i].id);
			return SNET_E_BAD_REPLY;
		}
		int err = snet_topology_add_if(t, (uint16_t)ifs[i].id,
					       (const struct sockaddr *)&ifs[i].addr);
		if (err == -ENOSPC) {
			snprintf(why, cap, "interfaces: more than %d", SNET_TOPO_MAX_IFS);
			return SNET_E_BAD_REPLY;
		}
		if (err) {
			snprintf(why, cap, "interfaces[%llu]: not an IP address",
				 (unsigned long long)ifs[i].id);
			return SNET_E_BAD_REPLY;
		}
	}
	return 0;
}

static int topology_step(struct snet__daemon *dm, struct dreq *r, const uint8_t *m, size_t len)
{
	char *why = r->message;
	size_t cap = sizeof(r->message);
	int rc;
	if (r->rpc == SNET_DAEMON_AS) {
		snet_daemon_as_info info;
		rc = snet__daemon_decode_as(m, len, &info, why, cap);
		if (rc)
			return rc;
		r->ia = info.ia;
		next_step(dm, r, SNET_DAEMON_PORT_RANGE);
		return 0;
	}
	if (r->rpc == SNET_DAEMON_PORT_RANGE) {
		uint16_t s, e;
		rc = snet__daemon_decode_port_range(m, len, &s, &e, why, cap);
		if (rc)
			return rc;
		if (snet_topology_init(r->topo, r->ia, s, e)) {
			snprintf(why, cap, "port range %u-%u: start after end", s, e);
			return SNET_E_BAD_REPLY;
		}
		next_step(dm, r, SNET_DAEMON_INTERFACES);
		return 0;
	}
	snet_daemon_if *ifs;
	size_t n;
	rc = snet__daemon_decode_ifs(m, len, &ifs, &n, why, cap);
	if (!rc)
		rc = snet__daemon_ifs_to_topology(r->topo, ifs, n, why, cap);
	free(ifs);
	if (rc)
		return rc;
	void *cb = r->cb;
	snet_daemon_req_t *req = finish(dm, r, 0, NULL);
	((snet_daemon_done_cb)cb)(req, 0);
	return 0;
}

/* Decodes a good reply and calls back with the result. Returns an error instead of calling. */
static int deliver(struct snet__daemon *dm, struct dreq *r, const uint8_t *m, size_t len)
{
	char *why = r->message;
	size_t cap = sizeof(r->message);
	void *cb = r->cb;
	snet_daemon_req_t *req = r->req;
	int rc;
	if (req->type == SNET_DAEMON_TOPOLOGY)
		return topology_step(dm, r, m, len);
	switch (req->type) {
	case SNET_DAEMON_PATHS: {
		snet_path_set *set;
		if ((rc = snet__daemon_decode_paths(m, len, r->ia2, &set, why, cap)))
			return rc;
		finish(dm, r, 0, NULL);
		((snet_daemon_paths_cb)cb)(req, 0, set);
		return 0;
	}
	case SNET_DAEMON_AS: {
		snet_daemon_as_info info;
		if ((rc = snet__daemon_decode_as(m, len, &info, why, cap)))
			return rc;
		finish(dm, r, 0, NULL);
		((snet_daemon_as_cb)cb)(req, 0, &info);
		return 0;
	}
	case SNET_DAEMON_INTERFACES: {
		snet_daemon_if *ifs;
		size_t n;
		if ((rc = snet__daemon_decode_ifs(m, len, &ifs, &n, why, cap)))
			return rc;
		finish(dm, r, 0, NULL);
		((snet_daemon_ifs_cb)cb)(req, 0, ifs, n);
		free(ifs);
		return 0;
	}
	case SNET_DAEMON_SERVICES: {
		snet_path_set *arena;
		const snet_daemon_service *svcs;
		size_t n;
		if ((rc = snet__daemon_decode_services(m, len, &arena, &svcs, &n, why, cap)))
			return rc;
		finish(dm, r, 0, NULL);
		((snet_daemon_services_cb)cb)(req, 0, svcs, n);
		snet_path_set_free(arena);
		return 0;
	}
	case SNET_DAEMON_PORT_RANGE: {
		uint16_t s, e;
		if ((rc = snet__daemon_decode_port_range(m, len, &s, &e, why, cap)))
			return rc;
		finish(dm, r, 0, NULL);
		((snet_daemon_port_range_cb)cb)(req, 0, s, e);
		return 0;
	}
	case SNET_DAEMON_NOTIFY_IF_DOWN:
		if ((rc = snet__daemon_decode_empty(m, len, why, cap)))
			return rc;
		finish(dm, r, 0, NULL);
		((snet_daemon_done_cb)cb)(req, 0);
		return 0;
	default:
		return SNET_E_BAD_REPLY;
	}
}

void snet__dreq_reply(struct snet__daemon *dm, struct dreq *r, const struct snet__h2c_reply *rep)
{
	r->grpc_status = rep->grpc_status;
	if (rep->status == SNET__H2C_RETRY && !r->retried && !dm->closing) {
		/* Refused unprocessed (GOAWAY): once more on a new connection. */
		r->retried = true;
		r->conn = NULL;
		snet__daemon_kick(dm);
		return;
	}
	if (rep->status) {
		snet__dreq_complete(dm, r, rep->status == SNET__H2C_RETRY ? SNET_E_DAEMON_GONE
									 : rep->status,
				    rep->message);
		return;
	}
	int rc = deliver(dm, r, rep->msg, rep->msg_len);
	if (rc) {
		char m[SNET_DAEMON_MESSAGE_MAX];
		snprintf(m, sizeof(m), "%s", r->message);
		snet__dreq_complete(dm, r, rc, m);
	}
}

/* ---- API ---- */

static int start(snet_daemon_t *d, snet_daemon_req_t *req, snet_daemon_req_type type, void *cb,
		 struct dreq **out)
{
	struct snet__daemon *dm = d->priv_;
	if (!dm || dm->closing || !cb)
		return UV_EINVAL;
	/* The private area of a request never used may hold anything: look in the list. */
	for (struct dreq *x = dm->active; x; x = x->next)
		if (x->req == req)
			return UV_EBUSY;
	struct dreq *r = dreq_of(req);
	memset(r, 0, sizeof(*r));
	req->daemon = d;
	req->type = type;
	r->req = req;
	r->cb = cb;
	r->rpc = type == SNET_DAEMON_TOPOLOGY ? SNET_DAEMON_AS : type;
	r->grpc_status = -1;
	r->deadline = uv_now(dm->loop) + (dm->opts.timeout_ms ? dm->opts.timeout_ms : UINT32_MAX);
	/* At the tail: requests go out in the order they were made. */
	struct dreq **tail = &dm->active, *prev = NULL;
	while (*tail)
		prev = *tail, tail = &(*tail)->next;
	r->prev = prev;
	*tail = r;
	snet__daemon_kick(dm);
	*out = r;
	return 0;
}

int snet_daemon_paths(snet_daemon_t *d, snet_daemon_req_t *req, uint64_t src, uint64_t dst,
		      unsigned flags, snet_daemon_paths_cb cb)
{
	struct dreq *r;
	int rc = start(d, req, SNET_DAEMON_PATHS, (void *)cb, &r);
	if (rc == 0)
		r->ia = src, r->ia2 = dst, r->flags = flags;
	return rc;
}

int snet_daemon_as(snet_daemon_t *d, snet_daemon_req_t *req, uint64_t ia, snet_daemon_as_cb cb)
{
	struct dreq *r;
	int rc = start(d, req, SNET_DAEMON_AS, (void *)cb, &r);
	if (rc == 0)
		r->ia = ia;
	return rc;
}

int snet_daemon_interfaces(snet_daemon_t *d, snet_daemon_req_t *req, snet_daemon_ifs_cb cb)
{
	struct dreq *r;
	return start(d, req, SNET_DAEMON_INTERFACES, (void *)cb, &r);
}

int snet_daemon_services(snet_daemon_t *d, snet_daemon_req_t *req, snet_daemon_services_cb cb)
{
	struct dreq *r;
	return start(d, req, SNET_DAEMON_SERVICES, (void *)cb, &r);
}

int snet_daemon_port_range(snet_daemon_t *d, snet_daemon_req_t *req,
			   snet_daemon_port_range_cb cb)
{
	struct dreq *r;
	return start(d, req, SNET_DAEMON_PORT_RANGE, (void *)cb, &r);
}

int snet_daemon_notify_if_down(snet_daemon_t *d, snet_daemon_req_t *req, uint64_t ia,
			       uint64_t id, snet_daemon_done_cb cb)
{
	struct dreq *r;
	int rc = start(d, req, SNET_DAEMON_NOTIFY_IF_DOWN, (void *)cb, &r);
	if (rc == 0)
		r->ia = ia, r->ia2 = id;
	return rc;
}

int snet_daemon_topology(snet_daemon_t *d, snet_daemon_req_t *req, snet_topology *topo,
			 snet_daemon_done_cb cb)
{
	if (!topo)
		return UV_EINVAL;
	struct dreq *r;
	int rc = start(d, req, SNET_DAEMON_TOPOLOGY, (void *)cb, &r);
	if (rc == 0)
		r->topo = topo;
	return rc;
}

int snet_daemon_req_grpc_status(const snet_daemon_req_t *req)
{
	return dreq_of(req)->grpc_status;
}

const char *snet_daemon_req_message(const snet_daemon_req_t *req)
{
	return dreq_of(req)->message;
}
