/* SPDX-License-Identifier: Apache-2.0 */
/* snet-br: a test border router (a fixture, not a product). The SCION data plane as Go's
 * router/dataplane.go does it, for the acceptance tests: hop expiry and MAC checks, ingress
 * interface check, SegID updates, IncPath, segment crossover, forwarding over inter-AS links,
 * to sibling routers and to end hosts (underlay port = UDP destination port; SCMP by Go's
 * rules; --legacy-30041 sends everything to 30041 as routers before v0.13 did), SCMP
 * ParameterProblem for a bad MAC, SCMP traceroute replies for router alerts (ingress and
 * egress, as Go's handle*RouterAlert), and SCMP External Interface Down for packets to a link
 * whose device is down (Go: validateEgressUp; Go learns it from BFD, we from the link's
 * state in netlink). Wrong packets are dropped and counted.
 *
 *   snet-br --config ROUTER.toml [--legacy-30041]
 *
 * Reads the Go router TOML's [general] id and config_dir, then topology.json and
 * keys/master0.key there. SIGUSR1 or exit prints counters:
 *   counter if=<ifid> in=N out=N
 *   counter src=<ia>,<host> n=N       (packets forwarded, per SCION source)
 *   counter drop=<reason> n=N */
#include <ifaddrs.h>
#include <libmnl/libmnl.h>
#include <limits.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "snet/snet.h"

#define MAX_SRCS 64

enum drop {
	D_MALFORMED, D_NOT_SCION_PATH, D_BAD_INGRESS, D_EXPIRED, D_BAD_MAC, D_NO_EGRESS,
	D_NOT_LOCAL, D_NO_HOST, D_SEND, D_LINK_DOWN, D_COUNT
};
static const char *drop_names[D_COUNT] = { "malformed", "path_type", "ingress", "expired",
					   "mac", "egress", "not_local", "host", "send",
					   "link_down" };

struct link {
	uint16_t ifid;
	uv_udp_t sock;
	uint64_t in, out;
	unsigned ifindex; /* the device holding the local underlay address (0: unknown) */
	bool down;        /* from netlink: not running */
};

static struct router {
	uv_loop_t *loop;
	char id[64], dir[PATH_MAX];
	snet_topo_file topo;
	int self;                /* our index in topo.brs */
	uint8_t key[16];
	bool legacy;
	uv_udp_t internal;
	struct link links[SNET_TOPO_MAX_IFS];
	size_t n_links;
	uint64_t drops[D_COUNT];
	struct { char host[96]; uint64_t n; } srcs[MAX_SRCS];
	size_t n_srcs;
	uv_signal_t sig[3];
	struct mnl_socket *nl;
	uv_poll_t nl_poll;
	uint64_t traceroutes, if_down_scmps;
	uint8_t out[9216];
} R;

/* ---- counters ----------------------------------------------------------------------------- */

static void count_src(const snet_pkt *p)
{
	char ia[SNET_IA_STRLEN], host[SNET_ADDR_STRLEN], b[sizeof(R.srcs[0].host)];
	snet_host h;
	memset(&h, 0, sizeof(h));
	h.type = p->hdr.src_type == SNET_ADDR_IP4 ? SNET_HOST_IP4 : SNET_HOST_IP6;
	memcpy(h.ip, p->hdr.src_host, 16);
	snet_ia_format(p->hdr.src_ia, ia, sizeof(ia));
	snet_host_format(&h, host, sizeof(host));
	snprintf(b, sizeof(b), "%.*s,%.*s", 30, ia, 60, host);
	for (size_t i = 0; i < R.n_srcs; i++) {
		if (strcmp(R.srcs[i].host, b) == 0) {
			R.srcs[i].n++;
			return;
		}
	}
	if (R.n_srcs < MAX_SRCS) {
		memcpy(R.srcs[R.n_srcs].host, b, sizeof(b));
		R.srcs[R.n_srcs++].n = 1;
	}
}

static void print_counters(void)
{
	for (size_t i = 0; i < R.n_links; i++)
		printf("counter if=%u in=%llu out=%llu\n", R.links[i].ifid,
		       (unsigned long long)R.links[i].in, (unsigned long long)R.links[i].out);
	for (size_t i = 0; i < R.n_srcs; i++)
		printf("counter src=%s n=%llu\n", R.srcs[i].host, (unsigned long long)R.srcs[i].n);
	for (int i = 0; i < D_COUNT; i++)
		printf("counter drop=%s n=%llu\n", drop_names[i], (unsigned long long)R.drops[i]);
	printf("counter traceroute n=%llu\ncounter if_down_scmp n=%llu\n",
	       (unsigned long long)R.traceroutes, (unsigned long long)R.if_down_scmps);
	printf("counter end\n");
	fflush(stdout);
}

/* ---- sending -------------------------------------------------------------------------------- */

struct sendreq {
	uv_udp_send_t req;
	uint8_t buf[];
};

static void on_sent(uv_udp_send_t *req, int status)
{
	if (status < 0)
		R.drops[D_SEND]++;
	free(req);
}

static void send_on(uv_udp_t *sock, const uint8_t *b, size_t n, const struct sockaddr *to)
{
	struct sendreq *r = malloc(sizeof(*r) + n);
	if (!r)
		return;
	memcpy(r->buf, b, n);
	uv_buf_t buf = uv_buf_init((char *)r->buf, (unsigned)n);
	if (uv_udp_send(&r->req, sock, &buf, 1, to, on_sent) < 0) {
		R.drops[D_SEND]++;
		free(r);
	}
}

static struct link *own_link(uint16_t ifid)
{
	for (size_t i = 0; i < R.n_links; i++)
		if (R.links[i].ifid == ifid)
			return &R.links[i];
	return NULL;
}

static const snet_topo_link *topo_link(uint16_t ifid)
{
	for (size_t i = 0; i < R.topo.n_links; i++)
		if (R.topo.links[i].ifid == ifid)
			return &R.topo.links[i];
	return NULL;
}

/* ---- delivery to end hosts (Go: resolveLocalDst, dstScionPort, getDstPortSCMP) ------------ */

static int dst_port(const snet_pkt *p)
{
	return R.legacy ? SNET_ENDHOST_PORT : snet_pkt_endhost_port(p, NULL);
}

/* An SVC destination goes to the service's address in the topology (Go: internalLink.Resolve;
 * the first instance), at its port 30041 in the everything-to-30041 mode. */
static void deliver_svc(const uint8_t *b, size_t n, const snet_pkt *p)
{
	uint16_t svc = (uint16_t)((p->hdr.dst_host[0] << 8 | p->hdr.dst_host[1]) & ~SNET_SVC_MCAST);
	const snet_topo_svc *s = svc == SNET_SVC_CS && R.topo.n_cs ? &R.topo.cs[0]
				 : svc == SNET_SVC_DS && R.topo.n_ds ? &R.topo.ds[0]
								     : NULL;
	if (!s) {
		R.drops[D_NO_HOST]++;
		return;
	}
	struct sockaddr_storage to = s->addr;
	if (R.legacy) {
		if (to.ss_family == AF_INET)
			((struct sockaddr_in *)&to)->sin_port = htons(SNET_ENDHOST_PORT);
		else
			((struct sockaddr_in6 *)&to)->sin6_port = htons(SNET_ENDHOST_PORT);
	}
	count_src(p);
	send_on(&R.internal, b, n, (struct sockaddr *)&to);
}

static void deliver(const uint8_t *b, size_t n, const snet_pkt *p)
{
	struct sockaddr_storage to;
	memset(&to, 0, sizeof(to));
	if (p->hdr.dst_type == SNET_ADDR_SVC) {
		deliver_svc(b, n, p);
		return;
	}
	int port = dst_port(p);
	if (port <= 0) {
		R.drops[D_NO_HOST]++;
		return;
	}
	if (p->hdr.dst_type == SNET_ADDR_IP4) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&to;
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
		memcpy(&s4->sin_addr, p->hdr.dst_host, 4);
	} else {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&to;
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		memcpy(&s6->sin6_addr, p->hdr.dst_host, 16);
	}
	count_src(p);
	send_on(&R.internal, b, n, (struct sockaddr *)&to);
}

/* ---- the forwarding decision ------------------------------------------------------------ */

static bool is_sibling(const struct sockaddr *from)
{
	for (size_t i = 0; i < R.topo.n_brs; i++) {
		const struct sockaddr_storage *a = &R.topo.brs[i].internal;
		if ((int)i == R.self || a->ss_family != from->sa_family)
			continue;
		size_t len = a->ss_family == AF_INET ? sizeof(struct sockaddr_in)
						     : sizeof(struct sockaddr_in6);
		struct sockaddr_storage f;
		memset(&f, 0, sizeof(f));
		memcpy(&f, from, len);
		if (a->ss_family == AF_INET ? memcmp(&((struct sockaddr_in *)a)->sin_addr,
						     &((struct sockaddr_in *)&f)->sin_addr, 4) == 0 &&
						      ((struct sockaddr_in *)a)->sin_port ==
							      ((struct sockaddr_in *)&f)->sin_port
					    : memcmp(&((struct sockaddr_in6 *)a)->sin6_addr,
						     &((struct sockaddr_in6 *)&f)->sin6_addr, 16) == 0)
			return true;
	}
	return false;
}

static bool expired(const snet_info_field *inf, const snet_hop_field *h)
{
	uint64_t exp = (uint64_t)inf->timestamp + (uint64_t)(1 + h->exp_time) * 675 / 2;
	return (uint64_t)time(NULL) > exp;
}

static bool mac_ok(const snet_info_field *inf, const snet_hop_field *h)
{
	uint8_t mac[16];
	return snet_hf_mac(R.key, inf->seg_id, inf->timestamp, h, mac) == 0 &&
	       memcmp(mac, h->mac, SNET_MAC_LEN) == 0;
}

static uint16_t mac_prefix(const snet_hop_field *h)
{
	return (uint16_t)(h->mac[0] << 8 | h->mac[1]);
}

struct fwd {
	uint8_t *buf;
	size_t n;
	snet_pkt pkt;
	snet_scion_path path;
	size_t path_off;
	uint16_t ingress; /* 0: from the internal network */
	bool from_sibling;
	const struct sockaddr *from;
};

static bool cons_dir(const struct fwd *f)
{
	return f->path.inf[f->path.meta.curr_inf].flags & SNET_INFO_CONS_DIR;
}

static uint16_t trav_egress(const struct fwd *f)
{
	const snet_hop_field *h = &f->path.hop[f->path.meta.curr_hf];
	return cons_dir(f) ? h->cons_egress : h->cons_ingress;
}

static uint16_t trav_ingress(const struct fwd *f)
{
	const snet_hop_field *h = &f->path.hop[f->path.meta.curr_hf];
	return cons_dir(f) ? h->cons_ingress : h->cons_egress;
}

/* Go: prepareSCMP / packSCMP. The reply's path is the packet's path as this router saw it
 * (after its ingress SegID update), reversed. A packet from a link is answered back over that
 * link, with the egress processing done here (SegID for ConsDir, IncPath); one from a host
 * goes back to that host. Errors quote the packet; informational replies do not. */
static void scmp_answer(const struct fwd *f, const snet_scmp *m)
{
	uint8_t path[SNET_PATH_MAX_LEN];
	snet_scion_path rp = f->path;
	struct link *back = NULL;
	snet_pkt r;
	if (snet_scion_path_reverse(&rp) < 0)
		return;
	/* Go: revert a segment change made while processing (a crossover, not at a peering
	 * hop): the reply starts where the packet entered this AS. */
	if (snet_scion_path_is_xover(&rp) && !(rp.inf[rp.meta.curr_inf].flags & SNET_INFO_PEER) &&
	    snet_scion_path_inc(&rp) < 0)
		return;
	if (f->ingress) {
		snet_info_field *inf = &rp.inf[rp.meta.curr_inf];
		if (!(back = own_link(f->ingress)))
			return;
		if ((inf->flags & SNET_INFO_CONS_DIR) && !(inf->flags & SNET_INFO_PEER))
			inf->seg_id ^= mac_prefix(&rp.hop[rp.meta.curr_hf]);
		if (snet_scion_path_inc(&rp) < 0)
			return;
	}
	memset(&r, 0, sizeof(r));
	int plen = snet_scion_path_emit(&rp, path, sizeof(path));
	if (plen < 0)
		return;
	r.hdr.path_type = SNET_PATH_SCION;
	r.hdr.path = path;
	r.hdr.path_len = (size_t)plen;
	r.hdr.dst_ia = f->pkt.hdr.src_ia;
	r.hdr.src_ia = R.topo.ia;
	r.hdr.dst_type = f->pkt.hdr.src_type;
	memcpy(r.hdr.dst_host, f->pkt.hdr.src_host, 16);
	const struct sockaddr_storage *in = &R.topo.brs[R.self].internal;
	if (in->ss_family == AF_INET)
		snet_scion_hdr_set_ip(&r.hdr.src_type, r.hdr.src_host,
				      (const uint8_t *)&((const struct sockaddr_in *)in)->sin_addr, 4);
	else
		snet_scion_hdr_set_ip(&r.hdr.src_type, r.hdr.src_host,
				      (const uint8_t *)&((const struct sockaddr_in6 *)in)->sin6_addr, 16);
	r.hdr.next_hdr = r.l4 = SNET_PROTO_SCMP;
	r.scmp = *m;
	if (snet_scmp_is_error(m->type)) {
		size_t room = SNET_MAX_SCMP_PKT_LEN - snet_scion_hdr_len(&r.hdr) - 8;
		r.payload = f->buf;
		r.payload_len = f->n < room ? f->n : room;
	}
	int len = snet_pkt_emit(&r, SNET_EMIT_FIX, R.out, sizeof(R.out));
	if (len <= 0)
		return;
	if (back) {
		back->out++;
		send_on(&back->sock, R.out, (size_t)len, NULL);
	} else {
		send_on(&R.internal, R.out, (size_t)len, f->from);
	}
}

static void scmp_bad_mac(const struct fwd *f, uint16_t pointer)
{
	snet_scmp m = { .type = SNET_SCMP_PARAMETER_PROBLEM, .code = 51, /* InvalidHopFieldMAC */
			.pointer = pointer };
	scmp_answer(f, &m);
}

/* Go: handleIngressRouterAlert / handleEgressRouterAlert: a packet whose hop field asks this
 * router (on the interface it came in or goes out) is taken out of the forwarding path and,
 * when it is an SCMP traceroute request, answered with this IA and that interface. */
static bool router_alert(const struct fwd *f, uint16_t ifid, bool ingress)
{
	const snet_hop_field *h = &f->path.hop[f->path.meta.curr_hf];
	bool c = f->path.inf[f->path.meta.curr_inf].flags & SNET_INFO_CONS_DIR;
	uint8_t flag = (ingress == c) ? SNET_HOP_INGRESS_ALERT : SNET_HOP_EGRESS_ALERT;
	if (!ifid || !(h->flags & flag))
		return false;
	if (f->pkt.l4 == SNET_PROTO_SCMP && f->pkt.scmp.type == SNET_SCMP_TRACEROUTE_REQUEST &&
	    f->pkt.scmp.code == 0) {
		snet_scmp m = { .type = SNET_SCMP_TRACEROUTE_REPLY,
				.identifier = f->pkt.scmp.identifier, .seq = f->pkt.scmp.seq,
				.ia = R.topo.ia, .interface = ifid };
		R.traceroutes++;
		scmp_answer(f, &m);
	}
	return true;
}

/* Go: determinePeer: of a path whose info fields say Peer, only the last hop of the first
 * segment and the first of the second are peer hop fields (no SegID update there). */
static bool peering(const struct fwd *f)
{
	const snet_path_meta *m = &f->path.meta;
	if (!(f->path.inf[m->curr_inf].flags & SNET_INFO_PEER) || !m->seg_len[0] ||
	    !m->seg_len[1] || m->seg_len[2])
		return false;
	return m->curr_hf == m->seg_len[0] - 1 || m->curr_hf == m->seg_len[0];
}

/* Verifies the current hop; false (counted, maybe answered) when the packet must go. */
static bool verify_hop(struct fwd *f)
{
	snet_info_field *inf = &f->path.inf[f->path.meta.curr_inf];
	snet_hop_field *h = &f->path.hop[f->path.meta.curr_hf];
	if (expired(inf, h)) {
		R.drops[D_EXPIRED]++;
		return false;
	}
	if (!mac_ok(inf, h)) {
		R.drops[D_BAD_MAC]++;
		if (!f->from_sibling) {
			size_t hop_off = f->path_off + SNET_META_LEN + f->path.num_inf * SNET_INFO_LEN +
					 f->path.meta.curr_hf * SNET_HOP_LEN;
			scmp_bad_mac(f, (uint16_t)hop_off);
		}
		return false;
	}
	return true;
}

static void write_path(struct fwd *f)
{
	snet_scion_path_emit(&f->path, f->buf + f->path_off, f->pkt.hdr.path_len);
}

static void send_out(struct fwd *f, uint16_t egress)
{
	struct link *l = own_link(egress);
	snet_hop_field *h = &f->path.hop[f->path.meta.curr_hf];
	snet_info_field *inf = &f->path.inf[f->path.meta.curr_inf];
	if (!l) {
		/* A sibling's interface: hand the packet to that router's internal address. */
		const snet_topo_link *tl = topo_link(egress);
		if (!tl || f->from_sibling) {
			R.drops[D_NO_EGRESS]++;
			return;
		}
		write_path(f);
		count_src(&f->pkt);
		send_on(&R.internal, f->buf, f->n, (struct sockaddr *)&R.topo.brs[tl->br].internal);
		return;
	}
	/* Go: validateEgressUp: a link that is down gets an SCMP, not the packet. */
	if (l->down) {
		snet_scmp m = { .type = SNET_SCMP_EXT_IF_DOWN, .ia = R.topo.ia, .interface = egress };
		R.if_down_scmps++;
		R.drops[D_LINK_DOWN]++;
		scmp_answer(f, &m);
		return;
	}
	if (router_alert(f, egress, false))
		return;
	/* Go: processEgress: ConsDir SegID update (not on peering hops), then IncPath. */
	if (cons_dir(f) && !peering(f))
		inf->seg_id ^= mac_prefix(h);
	if (snet_scion_path_inc(&f->path) < 0) {
		R.drops[D_NO_EGRESS]++;
		return;
	}
	write_path(f);
	l->out++;
	count_src(&f->pkt);
	send_on(&l->sock, f->buf, f->n, NULL);
}

static void forward(struct fwd *f)
{
	snet_info_field *inf = &f->path.inf[f->path.meta.curr_inf];
	if (f->ingress) {
		if (trav_ingress(f) != f->ingress) {
			R.drops[D_BAD_INGRESS]++;
			return;
		}
		/* Go: updateNonConsDirIngressSegID, before the MAC check. */
		if (!cons_dir(f) && !peering(f))
			inf->seg_id ^= mac_prefix(&f->path.hop[f->path.meta.curr_hf]);
	}
	if (!verify_hop(f))
		return;
	if (router_alert(f, f->ingress, true))
		return;
	/* Go: process: a packet for this IA is delivered, whatever hops its path has left (a
	 * shortcut's last hop field still names the interface towards the core); one from
	 * inside the AS for the AS itself is not (validateSrcDstIA). */
	if (f->pkt.hdr.dst_ia == R.topo.ia) {
		if (!f->ingress) {
			R.drops[D_NOT_LOCAL]++;
			return;
		}
		write_path(f);
		deliver(f->buf, f->n, &f->pkt);
		return;
	}
	/* Segment crossover inside this AS (at a core, or a shortcut's), not at a peering hop:
	 * on to the next segment's hop. */
	if (snet_scion_path_is_xover(&f->path) && !peering(f)) {
		snet_scion_path_inc(&f->path);
		if (!verify_hop(f))
			return;
	}
	uint16_t egress = trav_egress(f);
	if (egress == 0) {
		R.drops[D_NOT_LOCAL]++;
		return;
	}
	send_out(f, egress);
}

static void process(uint8_t *buf, size_t n, uint16_t ingress, const struct sockaddr *from)
{
	struct fwd f = { .buf = buf, .n = n, .ingress = ingress, .from = from };
	if (snet_pkt_parse(buf, n, &f.pkt, NULL) < 0) {
		R.drops[D_MALFORMED]++;
		return;
	}
	if (f.pkt.hdr.path_type != SNET_PATH_SCION ||
	    snet_scion_path_parse(f.pkt.hdr.path, f.pkt.hdr.path_len, &f.path) < 0 ||
	    f.path.num_hops == 0) {
		R.drops[D_NOT_SCION_PATH]++;
		return;
	}
	f.path_off = (size_t)(f.pkt.hdr.path - buf);
	f.from_sibling = ingress == 0 && is_sibling(from);
	/* A sibling already did the ingress work; it sends only what leaves over our links. */
	if (f.from_sibling) {
		if (!verify_hop(&f))
			return;
		uint16_t egress = trav_egress(&f);
		if (egress == 0)
			R.drops[D_NO_EGRESS]++;
		else
			send_out(&f, egress);
		return;
	}
	forward(&f);
}

/* ---- sockets --------------------------------------------------------------------------- */

static void alloc_cb(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	static char b[9216];
	*buf = uv_buf_init(b, sizeof(b));
}

static void on_internal(uv_udp_t *h, ssize_t n, const uv_buf_t *buf, const struct sockaddr *from,
			unsigned flags)
{
	if (n > 0 && from)
		process((uint8_t *)buf->base, (size_t)n, 0, from);
}

static void on_link(uv_udp_t *h, ssize_t n, const uv_buf_t *buf, const struct sockaddr *from,
		    unsigned flags)
{
	struct link *l = h->data;
	if (n <= 0 || !from)
		return;
	l->in++;
	process((uint8_t *)buf->base, (size_t)n, l->ifid, from);
}

static int open_sockets(void)
{
	int e = uv_udp_init(R.loop, &R.internal);
	if (!e)
		e = uv_udp_bind(&R.internal, (struct sockaddr *)&R.topo.brs[R.self].internal,
				UV_UDP_REUSEADDR);
	if (!e)
		e = uv_udp_recv_start(&R.internal, alloc_cb, on_internal);
	for (size_t i = 0; !e && i < R.topo.n_links; i++) {
		const snet_topo_link *tl = &R.topo.links[i];
		if ((int)tl->br != R.self)
			continue;
		struct link *l = &R.links[R.n_links++];
		l->ifid = tl->ifid;
		l->sock.data = l;
		e = uv_udp_init(R.loop, &l->sock);
		if (!e)
			e = uv_udp_bind(&l->sock, (const struct sockaddr *)&tl->local, UV_UDP_REUSEADDR);
		if (!e)
			e = uv_udp_connect(&l->sock, (const struct sockaddr *)&tl->remote);
		if (!e)
			e = uv_udp_recv_start(&l->sock, alloc_cb, on_link);
	}
	return e;
}

/* ---- link state (netlink) ----------------------------------------------------------------- */

/* The device that holds the local underlay address of each link. */
static void find_devices(void)
{
	struct ifaddrs *ifa, *i;
	if (getifaddrs(&ifa))
		return;
	for (size_t k = 0; k < R.n_links; k++) {
		const snet_topo_link *tl = topo_link(R.links[k].ifid);
		for (i = ifa; tl && i; i = i->ifa_next) {
			if (!i->ifa_addr || i->ifa_addr->sa_family != tl->local.ss_family)
				continue;
			bool v4 = tl->local.ss_family == AF_INET;
			const void *a = v4 ? (const void *)&((struct sockaddr_in *)i->ifa_addr)->sin_addr
					   : (const void *)&((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr;
			const void *b = v4 ? (const void *)&((const struct sockaddr_in *)&tl->local)->sin_addr
					   : (const void *)&((const struct sockaddr_in6 *)&tl->local)->sin6_addr;
			if (!memcmp(a, b, v4 ? 4 : 16))
				R.links[k].ifindex = if_nametoindex(i->ifa_name);
		}
	}
	freeifaddrs(ifa);
}

static int on_nlmsg(const struct nlmsghdr *nh, void *data)
{
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nh);
	if (nh->nlmsg_type != RTM_NEWLINK && nh->nlmsg_type != RTM_DELLINK)
		return MNL_CB_OK;
	for (size_t k = 0; k < R.n_links; k++) {
		struct link *l = &R.links[k];
		if (l->ifindex != (unsigned)ifi->ifi_index)
			continue;
		bool down = nh->nlmsg_type == RTM_DELLINK || !(ifi->ifi_flags & IFF_RUNNING);
		if (down != l->down) {
			l->down = down;
			printf("link if=%u %s\n", l->ifid, down ? "down" : "up");
			fflush(stdout);
		}
	}
	return MNL_CB_OK;
}

static void on_netlink(uv_poll_t *p, int status, int events)
{
	char buf[16384];
	ssize_t n;
	while ((n = mnl_socket_recvfrom(R.nl, buf, sizeof(buf))) > 0)
		mnl_cb_run(buf, (size_t)n, 0, 0, on_nlmsg, NULL);
}

/* Link events for the devices of our links: a link is up while its device is running. */
static void watch_links(void)
{
	find_devices();
	R.nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (!R.nl || mnl_socket_bind(R.nl, RTMGRP_LINK, MNL_SOCKET_AUTOPID) < 0) {
		fprintf(stderr, "snet-br: netlink: %s (link state not followed)\n", strerror(errno));
		return;
	}
	uv_poll_init(R.loop, &R.nl_poll, mnl_socket_get_fd(R.nl));
	uv_poll_start(&R.nl_poll, UV_READABLE, on_netlink);
}

/* ---- configuration --------------------------------------------------------------------- */

static int toml_value(const char *line, const char *key, char *out, size_t cap)
{
	size_t kl = strlen(key);
	while (*line == ' ')
		line++;
	if (strncmp(line, key, kl) != 0)
		return -1;
	const char *q1 = strchr(line + kl, '"'), *q2 = q1 ? strchr(q1 + 1, '"') : NULL;
	if (!q1 || !q2)
		return -1;
	snprintf(out, cap, "%.*s", (int)(q2 - q1 - 1), q1 + 1);
	return 0;
}

/* keys/master0.key: base64 as Go's key loader reads it, any length. */
static int load_key(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return fprintf(stderr, "snet-br: %s: %s\n", path, strerror(errno)), -1;
	char *text = NULL;
	size_t n = 0, cap = 0;
	for (size_t r = 1; r > 0; n += r) {
		if (n == cap && !(text = realloc(text, cap = cap ? 2 * cap : 4096)))
			return fclose(f), fprintf(stderr, "snet-br: out of memory\n"), -1;
		r = fread(text + n, 1, cap - n, f);
	}
	fclose(f);
	uint8_t *master = malloc(n + 1);
	size_t off = 0;
	int ml = master ? snet_base64_decode(text, n, master, n + 1, &off) : -ENOMEM;
	int ok = ml > 0 && snet_hf_key_derive(master, (size_t)ml, R.key) == 0;
	if (!ok)
		fprintf(stderr, "snet-br: %s: %s at byte %zu\n", path, snet_strerror(ml), off);
	free(text);
	free(master);
	return ok ? 0 : -1;
}

static int load_config(const char *toml)
{
	char line[1024], path[PATH_MAX + 32], err[256];
	FILE *f = fopen(toml, "r");
	if (!f)
		return fprintf(stderr, "snet-br: %s: cannot open\n", toml), -1;
	while (fgets(line, sizeof(line), f)) {
		toml_value(line, "id", R.id, sizeof(R.id));
		toml_value(line, "config_dir", R.dir, sizeof(R.dir));
	}
	fclose(f);
	snprintf(path, sizeof(path), "%s/topology.json", R.dir);
	if (snet_topo_file_load(path, &R.topo, err, sizeof(err)))
		return fprintf(stderr, "snet-br: %s\n", err), -1;
	R.self = -1;
	for (size_t i = 0; i < R.topo.n_brs; i++)
		if (strcmp(R.topo.brs[i].id, R.id) == 0)
			R.self = (int)i;
	if (R.self < 0)
		return fprintf(stderr, "snet-br: id \"%s\" is not in %s\n", R.id, path), -1;
	snprintf(path, sizeof(path), "%s/keys/master0.key", R.dir);
	return load_key(path);
}

static void on_signal(uv_signal_t *s, int signum)
{
	print_counters();
	if (signum != SIGUSR1)
		uv_stop(R.loop);
}

static const char usage[] =
	"usage: snet-br --config ROUTER.toml [--legacy-30041]\n"
	"libsnet's test border router (a fixture of the acceptance runs, not a production router):\n"
	"forwards SCION over the links of Go's topology.json that ROUTER.toml names, checks hop\n"
	"MACs with the AS's master key, answers SCMP as Go's router does.\n"
	"  --config FILE    Go's router TOML (general.id, general.config_dir), as snet-topogen\n"
	"                   writes it\n"
	"  --legacy-30041   deliver to local hosts on port 30041, as routers before v0.12 did\n"
	"SIGUSR1 prints counters; SIGINT/SIGTERM stop. Exit: 1 bad configuration, 2 usage.\n";

int main(int argc, char **argv)
{
	const char *config = NULL;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			fputs(usage, stdout);
			return 0;
		} else if (strcmp(argv[i], "--config") == 0 && i + 1 < argc) {
			config = argv[++i];
		} else if (strcmp(argv[i], "--legacy-30041") == 0) {
			R.legacy = true;
		} else {
			fprintf(stderr, "snet-br: unexpected argument '%s'\n", argv[i]);
			config = NULL, i = argc;
		}
	}
	if (!config) {
		fprintf(stderr, "usage: snet-br --config ROUTER.toml [--legacy-30041] (--help)\n");
		return 2;
	}
	R.loop = uv_default_loop();
	if (load_config(config))
		return 1;
	int e = open_sockets();
	if (e) {
		fprintf(stderr, "snet-br: %s: sockets: %s\n", R.id, uv_strerror(e));
		return 1;
	}
	watch_links();
	int sigs[3] = { SIGUSR1, SIGTERM, SIGINT };
	for (int i = 0; i < 3; i++) {
		uv_signal_init(R.loop, &R.sig[i]);
		uv_signal_start(&R.sig[i], on_signal, sigs[i]);
	}
	printf("ready %s\n", R.id);
	fflush(stdout);
	uv_run(R.loop, UV_RUN_DEFAULT);
	return 0;
}
