/* SPDX-License-Identifier: Apache-2.0 */
/* Sending: a request is stamped (header emitted, source chosen) at submit and queued on its
 * sock; before it leaves, a request sent through a remote source whose path changed is stamped
 * again with the new path, and a source from an older route generation is looked up again and
 * the request re-stamped. The transport moves it (udp.c: sendmmsg with the source in pktinfo). */
#include <errno.h>
#include <string.h>

#include "internal.h"

/* ---- choosing the next hop and the source ---------------------------------------------- */

/* Go: pkg/snet/writer.go: an AS-internal destination without next hop is reached directly,
 * at its port when that is dispatched, else at the shim's 30041. */
static int next_hop(const snet_conn_t *c, const snet_udp_addr *dst, struct sockaddr_storage *nh)
{
	const snet_topology *t = &NET(c->net)->topo;
	if (dst->next_hop.ss_family != AF_UNSPEC) {
		snet__sa_copy(nh, &dst->next_hop);
		return 0;
	}
	if (dst->ia != t->local_ia || !snet__host_is_ip(&dst->host))
		return SNET_E_NO_PATH;
	uint16_t port = snet_topology_port_dispatched(t, dst->port) ? dst->port : SNET_ENDHOST_PORT;
	snet__host_to_sa(&dst->host, port, 0, nh);
	return 0;
}

static int resolve(snet_send_t *req)
{
	struct send_priv *p = REQ(req);
	const struct conn_priv *c = CONN(req->conn);
	uint16_t port;
	p->key.family = (uint8_t)snet__sa_plain((struct sockaddr *)&p->nh, p->key.addr, &port);
	p->key.mark = c->mark;
	p->key.oif = c->ifindex;
	snet__resolver *r = &NET(req->conn->net)->resolver;
	p->gen = r->cache.gen;
	return snet__resolver_lookup(r, &p->key, port, p->src);
}

static int choose_source(snet_send_t *req, const snet_udp_addr *dst, int nh_family)
{
	struct send_priv *p = REQ(req);
	const struct conn_priv *c = CONN(req->conn);
	if (c->bound_src) {
		p->src_mode = SRC_BOUND;
		memcpy(p->src, c->local_ip, 16);
		return c->local_family == nh_family ? 0 : UV_EAFNOSUPPORT;
	}
	if (snet__host_is_ip(&dst->reply_src) &&
	    (dst->reply_src.type == SNET_HOST_IP4 ? AF_INET : AF_INET6) == nh_family) {
		p->src_mode = SRC_STICKY;
		memcpy(p->src, dst->reply_src.ip, 16);
		return 0;
	}
	p->src_mode = SRC_RESOLVED;
	return resolve(req);
}

/* ---- the header ---------------------------------------------------------------------------- */

static void src_to_hdr(struct send_priv *p, int family)
{
	snet_host h;
	snet__host_set_ip(&h, family, p->src);
	snet__host_to_hdr(&h, &p->h.src_type, p->h.src_host);
}

static size_t payload_len(const struct send_priv *p)
{
	size_t n = 0;
	for (unsigned i = 0; i < p->nbufs; i++)
		n += p->bufs[i].len;
	return n;
}

/* The UDP or SCMP checksum over the L4 header in hdr and the payload in bufs, written into
 * the header. udp: the UDP header's fields when they were just written (summed as values, not
 * read back from hdr: see snet_udp_checksum_v); NULL to read them from hdr. */
static void l4_checksum(struct send_priv *p, const snet_udp *udp)
{
	uint8_t *l4 = p->hdr + p->l4_off;
	size_t csum_off = p->l4 == SNET_PROTO_UDP ? 6 : 2;
	struct iovec iov[5] = { { l4, (size_t)(p->hdr_len - p->l4_off) } };
	for (unsigned i = 0; i < p->nbufs; i++)
		iov[i + 1] = (struct iovec){ p->bufs[i].base, p->bufs[i].len };
	uint16_t cs;
	if (udp) {
		cs = snet_udp_checksum_v(&p->h, udp, iov + 1, p->nbufs);
	} else {
		l4[csum_off] = l4[csum_off + 1] = 0;
		cs = snet_l4_checksum_v(&p->h, p->l4, iov, p->nbufs + 1);
	}
	l4[csum_off] = (uint8_t)(cs >> 8);
	l4[csum_off + 1] = (uint8_t)cs;
}

/* Emits p->h and the L4 header (udp or scmp, by p->l4) into p->hdr. */
static int emit_headers(struct send_priv *p, const snet_udp *udp, const snet_scmp *scmp)
{
	snet_scion_hdr *h = &p->h;
	size_t l4hdr = p->l4 == SNET_PROTO_UDP ? SNET_UDP_HDR_LEN
					       : SNET_SCMP_HDR_LEN + snet_scmp_info_len(scmp->type);
	size_t l4len = l4hdr + payload_len(p);
	if (l4len > 0xffff)
		return SNET_E_MSG_TOO_LONG;
	h->next_hdr = p->l4;
	h->payload_len = (uint16_t)l4len;
	int n = snet_scion_hdr_emit(h, p->hdr, SNET_MAX_HDR_LEN);
	if (n < 0)
		return n;
	h->path = p->hdr + (n - (int)h->path_len);
	p->src_off = (uint16_t)(SNET_CMN_HDR_LEN + 16 + snet_addr_type_len(h->dst_type));
	p->l4_off = (uint16_t)n;
	int m = p->l4 == SNET_PROTO_UDP
			? snet_udp_hdr_emit(udp, p->hdr + n, sizeof(p->hdr) - (size_t)n)
			: snet_scmp_hdr_emit(scmp, p->hdr + n, sizeof(p->hdr) - (size_t)n);
	if (m < 0)
		return m;
	p->hdr_len = (uint16_t)(n + m);
	l4_checksum(p, p->l4 == SNET_PROTO_UDP ? udp : NULL);
	return 0;
}

static int stamp(snet_send_t *req, const snet_udp_addr *dst, int src_family, const snet_scmp *scmp)
{
	struct send_priv *p = REQ(req);
	const snet_conn_t *c = req->conn;
	snet_scion_hdr *h = &p->h;
	/* Field by field, not memset: this runs per datagram, and a 96-byte memset compiles to a
	 * rep stos that costs more than the rest of the stamping. The hosts are written below,
	 * next_hdr and payload_len by emit_headers. */
	h->version = 0;
	h->traffic_class = 0;
	h->flow_id = 1; /* Go: snet.Packet.Serialize */
	h->hdr_len = 0;
	h->rsv = 0;
	h->path_type = dst->path_type;
	h->dst_ia = dst->ia;
	h->src_ia = NET(c->net)->topo.local_ia;
	snet__host_to_hdr(&dst->host, &h->dst_type, h->dst_host);
	src_to_hdr(p, src_family);
	h->path = dst->path;
	h->path_len = dst->path_len;
	/* Go: the destination port of an SVC packet is 0 (pkg/snet/writer.go). */
	uint16_t dport = dst->host.type == SNET_HOST_SVC ? 0 : dst->port;
	size_t ulen = SNET_UDP_HDR_LEN + payload_len(p);
	snet_udp u = { CONN(c)->sock->port, dport, ulen > 0xffff ? 0 : (uint16_t)ulen, 0 };
	return emit_headers(p, &u, scmp);
}

/* A new source of the same family: the host bytes and the checksum change, nothing else. */
static void restamp(struct send_priv *p)
{
	int fam = p->h.src_type == SNET_ADDR_IP4 ? AF_INET : AF_INET6;
	src_to_hdr(p, fam);
	memcpy(p->hdr + p->src_off, p->h.src_host, snet_addr_type_len(p->h.src_type));
	l4_checksum(p, NULL);
}

static int address(snet_send_t *req, const snet_udp_addr *dst, const snet_scmp *scmp);

/* A request sent through a remote source whose path changed: stamped again with the new one;
 * kept as it was when there is none, or the new path cannot be used from this socket. */
static void repath(snet_send_t *req)
{
	struct send_priv *p = REQ(req), saved;
	snet_udp_addr dst;
	snet__udp_addr_clear(&dst);
	p->via_gen = p->via->gen;
	if (p->via->current(p->via, &dst) < 0)
		return;
	dst.host = p->via_host;
	dst.port = p->via_port;
	memcpy(&saved, p, sizeof(saved));
	if (address(req, &dst, NULL) < 0)
		memcpy(p, &saved, sizeof(saved)); /* h.path points into p->hdr: still right */
	else
		CONN(req->conn)->stats.repaths++;
}

void snet__send_refresh(snet_send_t *req)
{
	struct send_priv *p = REQ(req);
	struct snet__network *n = NET(req->conn->net);
	uint8_t old[16];
	if (p->via && p->via->gen != p->via_gen)
		repath(req);
	if (p->src_mode != SRC_RESOLVED || p->gen == n->resolver.cache.gen)
		return;
	memcpy(old, p->src, 16);
	if (resolve(req) < 0) {
		memcpy(p->src, old, 16); /* the send itself will report the failure */
		return;
	}
	if (memcmp(old, p->src, 16) != 0) {
		restamp(p);
		n->restamps++;
	}
}

/* The kernel puts the source in (a socket bound to one address, or a raw send without one):
 * no pktinfo, nothing to look up again. */
static int kernel_source(const struct send_priv *p)
{
	return p->src_mode == SRC_BOUND || p->src_mode == SRC_KERNEL;
}

/* A source that vanished (ENETUNREACH for IPv4, EINVAL or EADDRNOTAVAIL for IPv6): look it
 * up again once, as kernel WireGuard does, instead of failing the send. */
int snet__send_retry(snet_send_t *req, int err)
{
	struct send_priv *p = REQ(req);
	if (p->retried || kernel_source(p) ||
	    (err != -ENETUNREACH && err != -EINVAL && err != -EADDRNOTAVAIL))
		return 0;
	p->retried = 1;
	p->src_mode = SRC_RESOLVED;
	snet_route_cache_flush(&NET(req->conn->net)->resolver.cache);
	p->gen = 0;
	snet__send_refresh(req);
	CONN(req->conn)->stats.send_retries++;
	return 1;
}

size_t snet__send_ctrl(const snet_send_t *req, int sock_family, uint8_t *ctrl)
{
	const struct send_priv *p = REQ(req);
	if (kernel_source(p))
		return 0;
	int fam = p->h.src_type == SNET_ADDR_IP4 ? AF_INET : AF_INET6;
	return snet__pktinfo_src(ctrl, sock_family, fam, p->src);
}

/* Compared from the requests, not from the control bytes just written: a wide load over
 * fresh narrow stores waits for them to drain (the store is not forwarded). */
int snet__send_same_source(const snet_send_t *a, const snet_send_t *b)
{
	const struct send_priv *p = REQ(a), *q = REQ(b);
	int pk = kernel_source(p), qk = kernel_source(q);
	if (pk || qk)
		return pk == qk;
	return p->h.src_type == q->h.src_type &&
	       snet__same(p->src, q->src, snet_addr_type_len(p->h.src_type));
}

/* ---- submitting ------------------------------------------------------------------------------ */

static int check_request(const snet_conn_t *c, const snet_udp_addr *dst, unsigned nbufs)
{
	if (CONN(c)->state != CONN_BOUND)
		return SNET_E_NOT_BOUND;
	if (!dst)
		return SNET_E_NO_REMOTE;
	if (nbufs > 4)
		return SNET_E_TOO_MANY_BUFS;
	if (dst->ia != NET(c->net)->topo.local_ia && dst->path_type == SNET_PATH_EMPTY)
		return SNET_E_NO_PATH;
	return 0;
}

/* The underlay family a sock can reach nh with (nh rewritten for a dual-stack socket);
 * UV_EAFNOSUPPORT if it cannot. */
static int reachable_family(const snet__sock *s, struct sockaddr_storage *nh)
{
	if (nh->ss_family == AF_INET && s->family == AF_INET)
		return AF_INET; /* the common case: nothing to rewrite */
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

static void init_request(snet_send_t *req, snet_conn_t *c, const uv_buf_t bufs[], unsigned nbufs,
			 uint8_t l4, snet_send_cb cb)
{
	struct send_priv *p = REQ(req);
	req->conn = c;
	p->cb = cb;
	p->l4 = l4;
	p->retried = 0;
	p->via = NULL;
	p->hdr_len = 0;
	p->nbufs = nbufs;
	/* A loop, not memcpy: a memcpy of a variable length compiles to a rep movs that costs more
	 * than the rest of the request's set-up. bufs may be NULL when nbufs is 0. Field by field:
	 * a caller's uv_buf_init result was just stored as two 8-byte halves, and one 16-byte load
	 * of both would wait for them (not forwarded). */
	for (unsigned i = 0; i < nbufs; i++) {
		p->bufs[i].base = bufs[i].base;
		p->bufs[i].len = bufs[i].len;
	}
}

static int submit(snet_send_t *req, snet_conn_t *c, const uv_buf_t bufs[], unsigned nbufs,
		  const snet_udp_addr *dst, const snet_scmp *scmp, snet_send_cb cb)
{
	struct conn_priv *cp = CONN(c);
	if (!dst && cp->has_remote)
		dst = &cp->remote;
	int err = check_request(c, dst, nbufs);
	if (err)
		return err;
	init_request(req, c, bufs, nbufs, scmp ? SNET_PROTO_SCMP : SNET_PROTO_UDP, cb);
	if ((err = address(req, dst, scmp)) < 0)
		return err;
	snet__sock_enqueue(cp->sock, req);
	return 0;
}

/* Next hop, source and headers for dst. */
static int address(snet_send_t *req, const snet_udp_addr *dst, const snet_scmp *scmp)
{
	int err;
	if ((err = next_hop(req->conn, dst, &REQ(req)->nh)) < 0)
		return err;
	int fam = reachable_family(CONN(req->conn)->sock, &REQ(req)->nh);
	if (fam < 0)
		return fam;
	if ((err = choose_source(req, dst, fam)) < 0)
		return err;
	return stamp(req, dst, fam, scmp);
}

int snet_conn_send(snet_send_t *req, snet_conn_t *c, const uv_buf_t bufs[], unsigned nbufs,
		   const snet_udp_addr *dst, snet_send_cb cb)
{
	return submit(req, c, bufs, nbufs, dst, NULL, cb);
}

int snet_conn_send_via(snet_send_t *req, snet_conn_t *c, const uv_buf_t bufs[], unsigned nbufs,
		       snet_remote_source *src, const snet_host *host, uint16_t port,
		       snet_send_cb cb)
{
	struct send_priv *p = REQ(req);
	snet_udp_addr dst;
	snet__udp_addr_clear(&dst);
	int err = src->current(src, &dst);
	if (err < 0)
		return err;
	dst.host = *host;
	dst.port = port;
	if ((err = submit(req, c, bufs, nbufs, &dst, NULL, cb)) < 0)
		return err;
	/* Queued requests leave from the loop, never inside this call. */
	p->via = src;
	p->via_gen = src->gen;
	p->via_host = *host;
	p->via_port = port;
	return 0;
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
	struct send_priv *p = REQ(req);
	if (CONN(c)->state != CONN_BOUND)
		return SNET_E_NOT_BOUND;
	if (nbufs > 4)
		return SNET_E_TOO_MANY_BUFS;
	socklen_t len = snet__sa_len(to);
	if (!len)
		return UV_EINVAL;
	memcpy(&p->nh, to, len); /* nothing past len is read */
	if (reachable_family(CONN(c)->sock, &p->nh) < 0)
		return UV_EAFNOSUPPORT;
	init_request(req, c, bufs, nbufs, SNET_PROTO_NONE, cb);
	p->src_mode = SRC_KERNEL;
	if (src && snet__host_is_ip(src)) {
		/* The source the packet's own SCION header names, so that it leaves from there. */
		p->src_mode = SRC_STICKY;
		memcpy(p->src, src->ip, 16);
		p->h.src_type = src->type == SNET_HOST_IP4 ? SNET_ADDR_IP4 : SNET_ADDR_IP6;
	}
	snet__sock_enqueue(CONN(c)->sock, req);
	return 0;
}

/* An SCMP answer (echo.c): h is set, bufs hold the payload; it leaves from src to nh. */
int snet__send_prepare_answer(snet_send_t *req, snet_conn_t *c, const snet_scmp *scmp,
			      const uint8_t src[16], const struct sockaddr_storage *nh)
{
	struct send_priv *p = REQ(req);
	req->conn = c;
	p->l4 = SNET_PROTO_SCMP;
	p->retried = 0;
	p->via = NULL;
	p->src_mode = SRC_STICKY;
	memcpy(p->src, src, 16);
	p->nh = *nh;
	if (reachable_family(CONN(c)->sock, &p->nh) < 0)
		return UV_EAFNOSUPPORT;
	return emit_headers(p, NULL, scmp);
}

void snet_conn_forget_source(snet_conn_t *c, snet_remote_source *src)
{
	snet__sock *s = CONN(c)->sock;
	for (snet_send_t *r = s ? s->sq_head : NULL; r; r = REQ(r)->next)
		if (REQ(r)->via == src)
			REQ(r)->via = NULL;
}
