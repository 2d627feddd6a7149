/* SPDX-License-Identifier: Apache-2.0 */
/* Sending: a request is stamped (header emitted, source chosen) at submit, queued on its
 * socket, re-stamped if the route generation moved meanwhile, and leaves in a sendmmsg batch
 * with its source in a pktinfo control message. */
#include <errno.h>
#include <string.h>

#include "internal.h"

/* ---- choosing the next hop and the source ---------------------------------------------- */

/* Go: pkg/snet/writer.go: an AS-internal destination without next hop is reached directly,
 * at its port when that is dispatched, else at the shim's 30041. */
static int next_hop(const snet_conn_t *c, const snet_udp_addr *dst, struct sockaddr_storage *nh)
{
	if (dst->next_hop.ss_family != AF_UNSPEC) {
		*nh = dst->next_hop;
		return 0;
	}
	if (dst->ia != c->net->topo.local_ia || !snet__host_is_ip(&dst->host))
		return SNET_E_NO_PATH;
	uint16_t port = snet_topology_port_dispatched(&c->net->topo, dst->port) ? dst->port
										  : SNET_ENDHOST_PORT;
	snet__host_to_sa(&dst->host, port, 0, nh);
	return 0;
}

static int resolve(snet_send_t *req)
{
	snet_network_t *net = req->conn->net;
	uint16_t port;
	req->key.family = (uint8_t)snet__sa_plain((struct sockaddr *)&req->nh, req->key.addr, &port);
	req->key.mark = req->conn->mark;
	req->key.oif = req->conn->ifindex;
	req->gen = net->resolver.cache.gen;
	return snet_resolver_lookup(&net->resolver, &req->key, port, req->src);
}

static int choose_source(snet_send_t *req, const snet_udp_addr *dst, int nh_family)
{
	const snet_conn_t *c = req->conn;
	uint8_t ip[16];
	int fam = snet__sa_plain((const struct sockaddr *)&c->local, ip, NULL);
	static const uint8_t zero[16];
	if (!c->prefix_len && memcmp(ip, zero, 16) != 0) {
		req->src_mode = SRC_BOUND;
		memcpy(req->src, ip, 16);
		return fam == nh_family ? 0 : UV_EAFNOSUPPORT;
	}
	if (snet__host_is_ip(&dst->reply_src) &&
	    (dst->reply_src.type == SNET_HOST_IP4 ? AF_INET : AF_INET6) == nh_family) {
		req->src_mode = SRC_STICKY;
		memset(req->src, 0, 16);
		memcpy(req->src, dst->reply_src.ip, 16);
		return 0;
	}
	req->src_mode = SRC_RESOLVED;
	return resolve(req);
}

/* ---- the header ---------------------------------------------------------------------------- */

static void src_to_hdr(snet_send_t *req, int family)
{
	snet_host h;
	snet__host_set_ip(&h, family, req->src);
	snet__host_to_hdr(&h, &req->h.src_type, req->h.src_host);
}

static size_t payload_len(const snet_send_t *req)
{
	size_t n = 0;
	for (unsigned i = 0; i < req->nbufs; i++)
		n += req->bufs[i].len;
	return n;
}

/* The UDP or SCMP checksum over the L4 header in hdr and the payload in bufs. */
static void l4_checksum(snet_send_t *req)
{
	uint8_t *l4 = req->hdr + req->l4_off;
	size_t csum_off = req->l4 == SNET_PROTO_UDP ? 6 : 2;
	struct iovec iov[5] = { { l4, (size_t)(req->hdr_len - req->l4_off) } };
	for (unsigned i = 0; i < req->nbufs; i++)
		iov[i + 1] = (struct iovec){ req->bufs[i].base, req->bufs[i].len };
	l4[csum_off] = l4[csum_off + 1] = 0;
	uint16_t cs = snet_l4_checksum_v(&req->h, req->l4, iov, req->nbufs + 1);
	l4[csum_off] = (uint8_t)(cs >> 8);
	l4[csum_off + 1] = (uint8_t)cs;
}

/* Emits req->h and the L4 header (udp or scmp, by req->l4) into req->hdr. */
static int emit_headers(snet_send_t *req, const snet_udp *udp, const snet_scmp *scmp)
{
	snet_scion_hdr *h = &req->h;
	size_t l4hdr = req->l4 == SNET_PROTO_UDP ? SNET_UDP_HDR_LEN
						 : SNET_SCMP_HDR_LEN + snet_scmp_info_len(scmp->type);
	size_t l4len = l4hdr + payload_len(req);
	if (l4len > 0xffff)
		return SNET_E_MSG_TOO_LONG;
	h->next_hdr = req->l4;
	h->payload_len = (uint16_t)l4len;
	int n = snet_scion_hdr_emit(h, req->hdr, SNET_MAX_HDR_LEN);
	if (n < 0)
		return n;
	h->path = req->hdr + (n - (int)h->path_len);
	req->src_off = (uint16_t)(SNET_CMN_HDR_LEN + 16 + snet_addr_type_len(h->dst_type));
	req->l4_off = (uint16_t)n;
	int m = req->l4 == SNET_PROTO_UDP
			? snet_udp_hdr_emit(udp, req->hdr + n, sizeof(req->hdr) - (size_t)n)
			: snet_scmp_hdr_emit(scmp, req->hdr + n, sizeof(req->hdr) - (size_t)n);
	if (m < 0)
		return m;
	req->hdr_len = (uint16_t)(n + m);
	l4_checksum(req);
	return 0;
}

static int stamp(snet_send_t *req, const snet_udp_addr *dst, int src_family, const snet_scmp *scmp)
{
	const snet_conn_t *c = req->conn;
	snet_scion_hdr *h = &req->h;
	memset(h, 0, sizeof(*h));
	h->flow_id = 1; /* Go: snet.Packet.Serialize */
	h->path_type = dst->path_type;
	h->dst_ia = dst->ia;
	h->src_ia = c->net->topo.local_ia;
	snet__host_to_hdr(&dst->host, &h->dst_type, h->dst_host);
	src_to_hdr(req, src_family);
	h->path = dst->path;
	h->path_len = dst->path_len;
	/* Go: the destination port of an SVC packet is 0 (pkg/snet/writer.go). */
	uint16_t dport = dst->host.type == SNET_HOST_SVC ? 0 : dst->port;
	size_t ulen = SNET_UDP_HDR_LEN + payload_len(req);
	snet_udp u = { c->sock->port, dport, ulen > 0xffff ? 0 : (uint16_t)ulen, 0 };
	return emit_headers(req, &u, scmp);
}

/* A new source of the same family: the host bytes and the checksum change, nothing else. */
static void restamp(snet_send_t *req)
{
	int fam = req->h.src_type == SNET_ADDR_IP4 ? AF_INET : AF_INET6;
	src_to_hdr(req, fam);
	memcpy(req->hdr + req->src_off, req->h.src_host, snet_addr_type_len(req->h.src_type));
	l4_checksum(req);
}

/* ---- queue ----------------------------------------------------------------------------------- */

static void enqueue(snet__usock *s, snet_send_t *req)
{
	req->next = NULL;
	if (s->sq_tail)
		s->sq_tail->next = req;
	else
		s->sq_head = req;
	s->sq_tail = req;
	/* Inside a receive batch the flush at its end sends this; asking for UV_WRITABLE now
	 * would cost two epoll_ctl calls per batch (libuv re-adds a restarted poll). */
	if (!s->in_recv)
		snet__usock_update_poll(s);
}

static int check_request(snet_conn_t *c, const snet_udp_addr *dst, unsigned nbufs)
{
	if (c->state != CONN_BOUND)
		return SNET_E_NOT_BOUND;
	if (!dst)
		return SNET_E_NO_REMOTE;
	if (nbufs > 4)
		return SNET_E_TOO_MANY_BUFS;
	if (dst->ia != c->net->topo.local_ia && dst->path_type == SNET_PATH_EMPTY)
		return SNET_E_NO_PATH;
	return 0;
}

/* The underlay family a socket can reach nh with; UV_EAFNOSUPPORT if it cannot. */
static int reachable_family(const snet__usock *s, struct sockaddr_storage *nh)
{
	uint8_t ip[16];
	uint16_t port;
	int fam = snet__sa_plain((struct sockaddr *)nh, ip, &port);
	if (fam == AF_UNSPEC || (s->family == AF_INET && fam != AF_INET) ||
	    (s->family == AF_INET6 && fam == AF_INET && !s->dual))
		return UV_EAFNOSUPPORT;
	snet_host h;
	snet__host_set_ip(&h, fam, ip);
	snet__host_to_sa(&h, port, s->family == AF_INET6, nh);
	return fam;
}

static int submit(snet_send_t *req, snet_conn_t *c, const uv_buf_t bufs[], unsigned nbufs,
		  const snet_udp_addr *dst, const snet_scmp *scmp, snet_send_cb cb)
{
	if (!dst && c->has_remote)
		dst = &c->remote;
	int err = check_request(c, dst, nbufs);
	if (err)
		return err;
	req->conn = c;
	req->cb = cb;
	req->l4 = scmp ? SNET_PROTO_SCMP : SNET_PROTO_UDP;
	req->retried = 0;
	req->nbufs = nbufs;
	memcpy(req->bufs, bufs, nbufs * sizeof(*bufs));
	if ((err = next_hop(c, dst, &req->nh)) < 0)
		return err;
	int fam = reachable_family(c->sock, &req->nh);
	if (fam < 0)
		return fam;
	if ((err = choose_source(req, dst, fam)) < 0)
		return err;
	if ((err = stamp(req, dst, fam, scmp)) < 0)
		return err;
	enqueue(c->sock, req);
	return 0;
}

int snet_conn_send(snet_send_t *req, snet_conn_t *c, const uv_buf_t bufs[], unsigned nbufs,
		   const snet_udp_addr *dst, snet_send_cb cb)
{
	return submit(req, c, bufs, nbufs, dst, NULL, cb);
}

int snet_conn_send_scmp(snet_send_t *req, snet_conn_t *c, const snet_scmp *scmp,
			const uv_buf_t bufs[], unsigned nbufs, const snet_udp_addr *dst,
			snet_send_cb cb)
{
	return submit(req, c, bufs, nbufs, dst, scmp, cb);
}

int snet_conn_send_raw(snet_send_t *req, snet_conn_t *c, const uv_buf_t bufs[], unsigned nbufs,
		       const struct sockaddr *to, const snet_host *src, snet_send_cb cb)
{
	if (c->state != CONN_BOUND)
		return SNET_E_NOT_BOUND;
	if (nbufs > 4)
		return SNET_E_TOO_MANY_BUFS;
	socklen_t len = snet__sa_len(to);
	if (!len)
		return UV_EINVAL;
	memset(&req->nh, 0, sizeof(req->nh));
	memcpy(&req->nh, to, len);
	if (reachable_family(c->sock, &req->nh) < 0)
		return UV_EAFNOSUPPORT;
	req->conn = c;
	req->cb = cb;
	req->l4 = SNET_PROTO_NONE;
	req->retried = 0;
	req->src_mode = SRC_KERNEL;
	if (src && snet__host_is_ip(src)) {
		/* The source the packet's own SCION header names, so that it leaves from there. */
		req->src_mode = SRC_STICKY;
		memcpy(req->src, src->ip, 16);
		req->h.src_type = src->type == SNET_HOST_IP4 ? SNET_ADDR_IP4 : SNET_ADDR_IP6;
	}
	req->hdr_len = 0;
	req->nbufs = nbufs;
	memcpy(req->bufs, bufs, nbufs * sizeof(*bufs));
	enqueue(c->sock, req);
	return 0;
}

/* ---- answering SCMP echo and traceroute (Go's shim dispatcher) ---------------------------- */

static void echo_done(snet_send_t *req, int status)
{
	snet__usock *s = req->data;
	s->echo_busy[req - s->echo] = 0;
}

static snet_send_t *echo_slot(snet__usock *s)
{
	for (unsigned i = 0; i < ECHO_POOL; i++) {
		if (!s->echo_busy[i]) {
			s->echo_busy[i] = 1;
			return &s->echo[i];
		}
	}
	return NULL;
}

/* The reply goes back to the router that delivered the request, from the address it reached
 * (Go: dispatcher/dispatcher.go). Its data sits in the pool slot, the headers in the request. */
int snet__answer_echo(snet__usock *s, snet_conn_t *c, const struct arrival *a)
{
	snet_pkt rep;
	int n = snet_pkt_reply(&a->pkt, &rep, s->path_rev, sizeof(s->path_rev));
	if (n < 0)
		return n;
	snet_send_t *req = rep.payload_len <= SNET_MAX_SCMP_PKT_LEN ? echo_slot(s) : NULL;
	if (!req)
		return -1;
	uint8_t *m = s->echo_payload[req - s->echo];
	memcpy(m, rep.payload, rep.payload_len);
	req->h = rep.hdr;
	req->bufs[0] = uv_buf_init((char *)m, (unsigned)rep.payload_len);
	req->nbufs = 1;
	req->l4 = SNET_PROTO_SCMP;
	req->conn = c;
	req->cb = echo_done;
	req->data = s;
	req->retried = 0;
	req->src_mode = SRC_STICKY;
	memset(req->src, 0, 16);
	memcpy(req->src, a->dst_ip, 16);
	req->nh = a->sender.next_hop;
	if (reachable_family(s, &req->nh) < 0 || emit_headers(req, NULL, &rep.scmp) < 0) {
		s->echo_busy[req - s->echo] = 0;
		return -1;
	}
	c->stats.echo_answered++;
	enqueue(s, req);
	return 0;
}

/* ---- flushing ------------------------------------------------------------------------------- */

void snet__send_complete(snet_send_t *req, int status)
{
	if (status < 0)
		req->conn->stats.send_errors++;
	else
		req->conn->stats.tx_packets++;
	req->cb(req, status);
}

/* A source from an older route generation is looked up again before the packet leaves. */
static void refresh_source(snet_send_t *req)
{
	snet_network_t *net = req->conn->net;
	uint8_t old[16];
	if (req->src_mode != SRC_RESOLVED || req->gen == net->resolver.cache.gen)
		return;
	memcpy(old, req->src, 16);
	if (resolve(req) < 0) {
		memcpy(req->src, old, 16); /* the send itself will report the failure */
		return;
	}
	if (memcmp(old, req->src, 16) != 0) {
		restamp(req);
		net->restamps++;
	}
}

static unsigned fill_batch(snet__usock *s, struct send_batch *b)
{
	unsigned n = 0;
	for (snet_send_t *r = s->sq_head; r && n < SEND_BATCH; r = r->next, n++) {
		refresh_source(r);
		struct msghdr *m = &b->msg[n].msg_hdr;
		memset(m, 0, sizeof(*m));
		b->iov[n][0] = (struct iovec){ r->hdr, r->hdr_len };
		for (unsigned i = 0; i < r->nbufs; i++)
			b->iov[n][i + 1] = (struct iovec){ r->bufs[i].base, r->bufs[i].len };
		m->msg_iov = b->iov[n];
		m->msg_iovlen = r->nbufs + 1;
		m->msg_name = &r->nh;
		m->msg_namelen = snet__sa_len((struct sockaddr *)&r->nh);
		if (r->src_mode != SRC_BOUND && r->src_mode != SRC_KERNEL) {
			int fam = r->h.src_type == SNET_ADDR_IP4 ? AF_INET : AF_INET6;
			m->msg_control = b->ctrl[n];
			m->msg_controllen = snet__pktinfo_src(b->ctrl[n], s->family, fam, r->src);
		}
	}
	return n;
}

snet_send_t *snet__usock_dequeue(snet__usock *s)
{
	snet_send_t *r = s->sq_head;
	s->sq_head = r->next;
	if (!s->sq_head)
		s->sq_tail = NULL;
	return r;
}

/* A source that vanished (ENETUNREACH for IPv4, EINVAL or EADDRNOTAVAIL for IPv6): look it
 * up again once, as kernel WireGuard does, instead of failing the send. */
static int retry_source(snet_send_t *r, int err)
{
	if (r->retried || r->src_mode == SRC_BOUND || r->src_mode == SRC_KERNEL ||
	    (err != -ENETUNREACH && err != -EINVAL && err != -EADDRNOTAVAIL))
		return 0;
	r->retried = 1;
	r->src_mode = SRC_RESOLVED;
	snet_route_cache_flush(&r->conn->net->resolver.cache);
	r->gen = 0;
	refresh_source(r);
	r->conn->stats.send_retries++;
	return 1;
}

/* Detaches the first n requests of the queue: they left, whatever a callback does next. */
static snet_send_t *take_sent(snet__usock *s, int n)
{
	snet_send_t *first = s->sq_head, *last = first;
	for (int i = 1; i < n; i++)
		last = last->next;
	s->sq_head = last->next;
	if (!s->sq_head)
		s->sq_tail = NULL;
	last->next = NULL;
	return first;
}

/* Callbacks may close their own conn or another (which cancels what is still queued), send
 * again, or close the socket: the sent requests were taken off the queue before the first
 * callback, so each is reported exactly once, as sent. */
static void complete_sent(snet_send_t *r)
{
	while (r) {
		snet_send_t *next = r->next;
		snet__send_complete(r, 0);
		r = next;
	}
}

void snet__usock_on_writable(snet__usock *s)
{
	struct send_batch *b = &s->sbatch;
	/* Bounded, like receiving: callbacks that keep queueing cannot starve the loop. */
	for (int k = 0; k < MAX_SEND_BATCHES && s->sq_head && !s->closing; k++) {
		unsigned n = fill_batch(s, b);
		int sent = sendmmsg(s->fd, b->msg, n, MSG_DONTWAIT);
		if (sent < 0) {
			int err = -errno;
			if (err == -EAGAIN || err == -EWOULDBLOCK || err == -EINTR)
				break;
			if (retry_source(s->sq_head, err))
				continue;
			snet__send_complete(snet__usock_dequeue(s), err);
			continue;
		}
		if (sent > 0)
			complete_sent(take_sent(s, sent));
	}
	snet__usock_update_poll(s);
}

void snet__usock_cancel(snet__usock *s, snet_conn_t *conn)
{
	snet_send_t **pp = &s->sq_head, *last = NULL;
	while (*pp) {
		snet_send_t *r = *pp;
		if (r->conn != conn) {
			last = r;
			pp = &r->next;
			continue;
		}
		*pp = r->next;
		if (r->cb == echo_done) {
			/* Internal: the slot lives in the socket, which may be gone by then. */
			s->echo_busy[r - s->echo] = 0;
			continue;
		}
		r->next = conn->cancelled;
		conn->cancelled = r;
	}
	s->sq_tail = last;
}
