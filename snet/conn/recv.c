/* SPDX-License-Identifier: Apache-2.0 */
/* Receiving, whatever the transport: for each datagram, is it ours, for which conn, and who
 * sent it (reversed path, last hop, the address it arrived at); then the callback. */
#include <string.h>

#include "internal.h"

static snet_conn_t *demux(snet__sock *s, const struct arrival *a)
{
	for (snet_conn_t *c = s->conns; c; c = CONN(c)->next_on_sock) {
		if (CONN(c)->state != CONN_BOUND)
			continue;
		if (!s->shared || snet__prefix_holds(c, a->dst_family, a->dst_ip))
			return c;
	}
	return NULL;
}

enum { OURS, NOT_OURS, DST_MISMATCH, SVC };

/* Go checks destination IA and host against the socket (pkg/snet/reader.go); for wildcard
 * sockets the host must equal the underlay address the datagram arrived at, so that a packet
 * cannot claim another local address than the one it reached. SVC destinations are for
 * services (a dispatcher's relay), never for a conn. */
static int check_ours(const snet__sock *s, const struct arrival *a)
{
	const snet_scion_hdr *h = &a->pkt.hdr;
	snet_host dst;
	if (h->dst_ia != NET(s->net)->topo.local_ia)
		return NOT_OURS;
	if (h->dst_type == SNET_ADDR_SVC)
		return SVC;
	snet__host_from_hdr(&dst, h->dst_type, h->dst_host);
	return snet__host_eq_ip(&dst, a->dst_family, a->dst_ip) ? OURS : DST_MISMATCH;
}

static int fill_sender(snet__sock *s, struct arrival *a)
{
	const snet_pkt *p = &a->pkt;
	struct rx_ring *rx = &NET(s->net)->rx;
	snet_udp_addr *f = &a->sender;
	/* Every field set below (not cleared first: see snet__udp_addr_clear). */
	f->ia = p->hdr.src_ia;
	snet__host_from_hdr(&f->host, p->hdr.src_type, p->hdr.src_host);
	f->port = p->l4 == SNET_PROTO_UDP ? p->udp.src_port : 0;
	int n = snet_path_reverse(p->hdr.path_type, p->hdr.path, p->hdr.path_len, rx->path_rev,
				  sizeof(rx->path_rev), &f->path_type);
	if (n < 0)
		return n;
	f->path = rx->path_rev;
	f->path_len = (size_t)n;
	if (snet__is_shim(a->from, a->dst_family, a->dst_ip)) {
		if (snet__lasthop_from_path(&NET(s->net)->topo, p, &f->next_hop) < 0)
			return -1;
	} else {
		snet__sa_copy(&f->next_hop, a->from);
	}
	snet__host_set_ip(&f->reply_src, a->dst_family, a->dst_ip);
	snet_udp_addr *l = &a->local;
	snet__udp_addr_clear(l);
	l->ia = p->hdr.dst_ia;
	snet__host_set_ip(&l->host, a->dst_family, a->dst_ip);
	l->port = s->port;
	return 0;
}

/* Not for this conn, but for this host: the relay, if there is one. */
static void deliver_raw(snet_conn_t *c, const struct arrival *a)
{
	struct conn_priv *p = CONN(c);
	if (!p->raw_cb) {
		p->stats.drop_other++;
		return;
	}
	snet_host dst;
	snet__host_set_ip(&dst, a->dst_family, a->dst_ip);
	snet_raw_msg m = { a->buf, a->len, &a->pkt, &dst, a->from };
	p->raw_cb(c, &m);
}

static void deliver_scmp(snet__sock *s, snet_conn_t *c, struct arrival *a)
{
	struct conn_priv *p = CONN(c);
	const snet_scmp *m = &a->pkt.scmp;
	p->stats.scmp_received++;
	if (m->type == SNET_SCMP_ECHO_REQUEST || m->type == SNET_SCMP_TRACEROUTE_REQUEST) {
		if (!(p->flags & SNET_CONN_ANSWER_ECHO) || snet__echo_answer(s, c, a) < 0)
			p->stats.drop_other++;
		return;
	}
	if (p->raw_cb) {
		deliver_raw(c, a);
		return;
	}
	if (!p->scmp_cb) {
		p->stats.drop_other++;
		return;
	}
	snet_scmp_msg msg = { .scmp = m, .from = &a->sender, .data = a->pkt.payload,
			      .len = a->pkt.payload_len, .ia = m->ia };
	if (m->type == SNET_SCMP_EXT_IF_DOWN) {
		msg.path_down = true;
		msg.ingress = m->interface;
	} else if (m->type == SNET_SCMP_INT_CONN_DOWN) {
		msg.path_down = true;
		msg.ingress = m->ingress;
		msg.egress = m->egress;
	}
	p->scmp_cb(c, &msg);
}

static void deliver(snet__sock *s, snet_conn_t *c, struct arrival *a)
{
	struct conn_priv *p = CONN(c);
	if (p->flags & SNET_CONN_RAW_ALL) {
		deliver_raw(c, a);
		return;
	}
	if (a->pkt.l4 == SNET_PROTO_SCMP) {
		deliver_scmp(s, c, a);
		return;
	}
	if (a->pkt.l4 != SNET_PROTO_UDP) {
		deliver_raw(c, a);
		return;
	}
	if (a->pkt.udp.dst_port != s->port) {
		if (p->raw_cb)
			deliver_raw(c, a);
		else
			p->stats.drop_not_ours++;
		return;
	}
	p->stats.rx_packets++;
	snet_msg msg = { a->pkt.payload, a->pkt.payload_len, &a->sender, &a->local, &a->pkt };
	p->recv_cb(c, 0, &msg);
}

/* The address the datagram arrived at: from the transport, or (dispatcher mode) the SCION
 * destination, which the dispatcher checked against the datagram's. */
static void set_arrival(struct arrival *a, int dst_family, const uint8_t *dst_ip)
{
	if (dst_family == AF_UNSPEC) {
		snet_host h;
		snet__host_from_hdr(&h, a->pkt.hdr.dst_type, a->pkt.hdr.dst_host);
		a->dst_family = h.type == SNET_HOST_IP4 ? AF_INET : AF_INET6;
		memcpy(a->dst_ip, h.ip, 16);
	} else {
		a->dst_family = dst_family;
		memcpy(a->dst_ip, dst_ip, 16);
	}
}

static bool is_info_request(const snet_pkt *p)
{
	return p->l4 == SNET_PROTO_SCMP && (p->scmp.type == SNET_SCMP_ECHO_REQUEST ||
					    p->scmp.type == SNET_SCMP_TRACEROUTE_REQUEST);
}

/* A packet to or from an SVC address reaches only a relay's raw callback: a conn neither takes
 * it nor answers an SVC source (Go's snet cannot reply to one either). The exception is Go's
 * shim's: echo and traceroute requests are answered whatever their hosts. */
static int svc_only_raw(snet__sock *s, snet_conn_t *c, const struct arrival *a, int verdict)
{
	if (verdict != SVC && a->pkt.hdr.src_type != SNET_ADDR_SVC)
		return 0;
	if ((CONN(c)->flags & SNET_CONN_ANSWER_ECHO) && is_info_request(&a->pkt))
		return 0;
	if (CONN(c)->raw_cb)
		deliver_raw(c, a);
	else
		CONN(c)->stats.drop_svc++;
	return 1;
}

void snet__sock_input(snet__sock *s, const uint8_t *buf, size_t len,
		      const struct sockaddr_storage *from, int dst_family, const uint8_t *dst_ip)
{
	struct arrival a;
	a.from = from;
	a.buf = buf;
	a.len = len;
	if (snet_pkt_parse(buf, len, &a.pkt, NULL) < 0) {
		s->stats.drop_malformed++;
		return;
	}
	set_arrival(&a, dst_family, dst_ip);
	int verdict = check_ours(s, &a);
	if (verdict == NOT_OURS || verdict == DST_MISMATCH) {
		if (verdict == NOT_OURS)
			s->stats.drop_not_ours++;
		else
			s->stats.drop_dst_mismatch++;
		return;
	}
	snet_conn_t *c = demux(s, &a);
	if (!c) {
		s->stats.drop_not_ours++;
		return;
	}
	if (svc_only_raw(s, c, &a, verdict))
		return;
	struct conn_priv *p = CONN(c);
	if (!p->recv_cb && !p->raw_cb && a.pkt.l4 == SNET_PROTO_UDP)
		return; /* receiving stopped on this conn; the datagram is not for anyone else */
	if (fill_sender(s, &a) < 0) {
		p->stats.drop_other++;
		return;
	}
	deliver(s, c, &a);
}

void snet__sock_input_begin(snet__sock *s)
{
	s->in_input = 1;
}

void snet__sock_input_end(snet__sock *s)
{
	s->in_input = 0;
	/* Replies queued by the callbacks leave now, together: in this callback, without waiting
	 * for the poller to say the socket is writable (it nearly always is; when it is not, the
	 * flush arms it). */
	if (s->sq_head && !s->closing)
		(s->ops->flush ? s->ops->flush : s->ops->kick)(s);
}

void snet__sock_input_error(snet__sock *s, int err)
{
	for (snet_conn_t *c = s->conns; c && !s->closing;) {
		snet_conn_t *next = CONN(c)->next_on_sock;
		if (CONN(c)->recv_cb)
			CONN(c)->recv_cb(c, err, NULL);
		c = next;
	}
}
