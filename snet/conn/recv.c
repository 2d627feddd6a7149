/* SPDX-License-Identifier: Apache-2.0 */
/* Receiving: recvmmsg with a pktinfo control buffer per message, then for each datagram: is it
 * ours, for which conn, and who sent it (reversed path, last hop, the address it arrived at). */
#include <errno.h>
#include <string.h>

#include "internal.h"

#define MAX_BATCHES_PER_WAKEUP 4


static snet_conn_t *demux(snet__usock *s, const struct arrival *a)
{
	for (snet_conn_t *c = s->conns; c; c = c->next_on_sock) {
		if (c->state != CONN_BOUND)
			continue;
		if (!s->shared || snet__prefix_holds(c, a->dst_family, a->dst_ip))
			return c;
	}
	return NULL;
}

/* Go checks destination IA and host against the socket (pkg/snet/reader.go); for wildcard
 * sockets the host must equal the underlay address the datagram arrived at, so that a packet
 * cannot claim another local address than the one it reached. */
static int check_ours(snet__usock *s, struct arrival *a)
{
	const snet_scion_hdr *h = &a->pkt.hdr;
	snet_host dst;
	if (h->dst_ia != s->net->topo.local_ia)
		return -1;
	snet__host_from_hdr(&dst, h->dst_type, h->dst_host);
	if (!snet__host_eq_ip(&dst, a->dst_family, a->dst_ip)) {
		s->stats.drop_dst_mismatch++;
		return -2;
	}
	return 0;
}

static int fill_sender(snet__usock *s, struct arrival *a)
{
	const snet_pkt *p = &a->pkt;
	snet_udp_addr *f = &a->sender;
	memset(f, 0, sizeof(*f));
	f->ia = p->hdr.src_ia;
	snet__host_from_hdr(&f->host, p->hdr.src_type, p->hdr.src_host);
	f->port = p->l4 == SNET_PROTO_UDP ? p->udp.src_port : 0;
	int n = snet_path_reverse(p->hdr.path_type, p->hdr.path, p->hdr.path_len, s->path_rev,
				  sizeof(s->path_rev), &f->path_type);
	if (n < 0)
		return n;
	f->path = s->path_rev;
	f->path_len = (size_t)n;
	if (snet__is_shim(a->from, a->dst_family, a->dst_ip)) {
		if (snet__lasthop_from_path(&s->net->topo, p, &f->next_hop) < 0)
			return -1;
	} else {
		memcpy(&f->next_hop, a->from, sizeof(f->next_hop));
	}
	snet__host_set_ip(&f->reply_src, a->dst_family, a->dst_ip);
	memset(&a->local, 0, sizeof(a->local));
	a->local.ia = p->hdr.dst_ia;
	snet__host_set_ip(&a->local.host, a->dst_family, a->dst_ip);
	a->local.port = s->port;
	return 0;
}

/* Not for this conn, but for this host: the relay, if there is one. */
static void deliver_raw(snet_conn_t *c, const struct arrival *a)
{
	if (!c->raw_cb) {
		c->stats.drop_other++;
		return;
	}
	snet_host dst;
	snet__host_set_ip(&dst, a->dst_family, a->dst_ip);
	snet_raw_msg m = { a->buf, a->len, &a->pkt, &dst, a->from };
	c->raw_cb(c, &m);
}

static void deliver_scmp(snet__usock *s, snet_conn_t *c, struct arrival *a)
{
	const snet_scmp *m = &a->pkt.scmp;
	c->stats.scmp_received++;
	if (m->type == SNET_SCMP_ECHO_REQUEST || m->type == SNET_SCMP_TRACEROUTE_REQUEST) {
		if (!(c->flags & SNET_CONN_ANSWER_ECHO) || snet__answer_echo(s, c, a) < 0)
			c->stats.drop_other++;
		return;
	}
	if (c->raw_cb) {
		deliver_raw(c, a);
		return;
	}
	if (!c->scmp_cb) {
		c->stats.drop_other++;
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
	c->scmp_cb(c, &msg);
}

static void deliver(snet__usock *s, snet_conn_t *c, struct arrival *a)
{
	if (c->flags & SNET_CONN_RAW_ALL) {
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
		if (c->raw_cb)
			deliver_raw(c, a);
		else
			c->stats.drop_not_ours++;
		return;
	}
	c->stats.rx_packets++;
	snet_msg msg = { a->pkt.payload, a->pkt.payload_len, &a->sender, &a->local, &a->pkt };
	c->recv_cb(c, 0, &msg);
}

void snet__usock_process(snet__usock *s, const uint8_t *buf, size_t len,
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
	if (dst_family == AF_UNSPEC) {
		/* From a dispatcher, which checked the SCION destination against the datagram's. */
		snet_host h;
		snet__host_from_hdr(&h, a.pkt.hdr.dst_type, a.pkt.hdr.dst_host);
		a.dst_family = h.type == SNET_HOST_IP4 ? AF_INET : AF_INET6;
		memcpy(a.dst_ip, h.ip, 16);
	} else {
		a.dst_family = dst_family;
		memcpy(a.dst_ip, dst_ip, 16);
	}
	int r = check_ours(s, &a);
	snet_conn_t *c = r == 0 ? demux(s, &a) : NULL;
	if (!c) {
		if (r != -2)
			s->stats.drop_not_ours++;
		return;
	}
	if (!c->recv_cb && !c->raw_cb && a.pkt.l4 == SNET_PROTO_UDP)
		return; /* receiving stopped on this conn; the datagram is not for anyone else */
	if (fill_sender(s, &a) < 0) {
		c->stats.drop_other++;
		return;
	}
	deliver(s, c, &a);
}

static void process(snet__usock *s, unsigned i, unsigned len)
{
	struct rslot *slot = &s->slots[i];
	int fam;
	uint8_t ip[16];
	if (snet__pktinfo_dst(&s->rmsg[i].msg_hdr, &fam, ip) < 0 ||
	    (s->rmsg[i].msg_hdr.msg_flags & MSG_TRUNC)) {
		s->stats.drop_other++;
		return;
	}
	snet__usock_process(s, slot->buf, len, &slot->from, fam, ip);
}

static int recv_batch(snet__usock *s)
{
	for (unsigned i = 0; i < s->batch; i++) {
		struct msghdr *m = &s->rmsg[i].msg_hdr;
		m->msg_name = &s->slots[i].from;
		m->msg_namelen = sizeof(s->slots[i].from);
		m->msg_control = s->slots[i].ctrl;
		m->msg_controllen = CTRL_BUF;
		m->msg_flags = 0;
	}
	int n = recvmmsg(s->fd, s->rmsg, s->batch, MSG_DONTWAIT, NULL);
	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? 0 : -errno;
	s->in_recv = 1;
	for (int i = 0; i < n && !s->closing; i++)
		process(s, (unsigned)i, s->rmsg[i].msg_len);
	s->in_recv = 0;
	return n;
}

static void report_error(snet__usock *s, int err)
{
	for (snet_conn_t *c = s->conns; c; c = c->next_on_sock)
		if (c->recv_cb)
			c->recv_cb(c, err, NULL);
}

void snet__usock_on_readable(snet__usock *s)
{
	/* Bounded work per wake-up, and stop as soon as a callback closed the socket. */
	for (int b = 0; b < MAX_BATCHES_PER_WAKEUP && !s->closing; b++) {
		int n = recv_batch(s);
		if (n < 0) {
			report_error(s, n);
			break;
		}
		/* Replies queued by the callbacks leave now, in one sendmmsg, rather than after
		 * another trip through the loop (and two epoll_ctl calls). */
		if (s->sq_head && !s->closing)
			snet__usock_on_writable(s); /* also asks for UV_WRITABLE if some are left */
		if ((unsigned)n < s->batch)
			break;
	}
}
