/* SPDX-License-Identifier: Apache-2.0 */
/* Connection and resolver figures, in a private network namespace when we may make one:
 * echo round trips through snet_conn against raw UDP sockets with the same batching (and
 * against raw UDP that also carries pktinfo both ways, as a wildcard server must); route
 * cache hits and misses (netlink and connect probe); and the time from an address removal to
 * the cache flush it causes. */
#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "snet/snet.h"
#include "bench.h"
#include "../snet/route/resolver.h" /* the resolver a network owns, measured alone */

#define IA 0x0001ff0000000110ull
#define WINDOW 32
#define ECHO_ROUNDS 80000
#define ECHO_MAX_NS 1500000000ull
#define ECHO_REPEATS 3 /* interleaved, best of each: this machine is shared and noisy */
#define PAYLOAD 100

/* Datagrams in flight in the echo figures: WINDOW, or 1 (every round trip on its own). */
static unsigned win = WINDOW;

/* ---- echo through snet_conn ------------------------------------------------------------ */

static struct echo {
	uv_loop_t loop;
	snet_network_t net;
	snet_conn_t srv, cli;
	snet_udp_addr to;
	snet_send_t creq[WINDOW], sreq[WINDOW * 4];
	uint8_t sbuf[WINDOW * 4][PAYLOAD];
	unsigned snext;
	uint8_t payload[PAYLOAD];
	uint64_t done, start;
	int stop;
} E;

static void conn_sent(snet_send_t *r, int status)
{
}

static void cli_send(snet_send_t *r)
{
	uv_buf_t b = uv_buf_init((char *)E.payload, PAYLOAD);
	snet_conn_send(r, &E.cli, &b, 1, &E.to, conn_sent);
}

static void srv_recv(snet_conn_t *c, int status, const snet_msg *m)
{
	unsigned k = E.snext++ % (WINDOW * 4);
	memcpy(E.sbuf[k], m->data, m->len);
	uv_buf_t b = uv_buf_init((char *)E.sbuf[k], (unsigned)m->len);
	snet_conn_send(&E.sreq[k], c, &b, 1, m->from, conn_sent);
}

static void cli_recv(snet_conn_t *c, int status, const snet_msg *m)
{
	E.done++;
	/* The clock read every 64 round trips: the raw baseline reads it once per batch. */
	if (E.done >= ECHO_ROUNDS ||
	    ((E.done & 63) == 0 && bench_now_ns() - E.start > ECHO_MAX_NS)) {
		E.stop = 1;
		uv_stop(&E.loop);
		return;
	}
	cli_send(&E.creq[E.done % win]);
}

static void closed(snet_conn_t *c)
{
}

/* Echo round trips per second between two conns; with disp_path, the server conn is in
 * dispatcher mode (its port bound by the dispatcher listening there). net_flags: 0 lets the
 * conns coalesce (GSO/GRO); SNET_ECHO_PLAIN batches exactly as the raw baseline does. -1 if
 * it cannot bind. */
double bench_conn_echo_pps(const char *disp_path, uint16_t port, unsigned net_flags)
{
	snet_topology t;
	snet_network_opts o;
	snet_network_opts_default(&o);
	o.flags = net_flags;
	memset(&E, 0, sizeof(E));
	struct sockaddr_in any = { .sin_family = AF_INET, .sin_port = htons(port) };
	struct sockaddr_in cl = { .sin_family = AF_INET };
	uv_loop_init(&E.loop);
	snet_topology_init(&t, IA, 31000, 32767);
	snet_network_init(&E.loop, &E.net, &t, &o);
	snet_conn_init(&E.net, &E.srv);
	snet_conn_init(&E.net, &E.cli);
	if (disp_path)
		snet_conn_set_dispatcher(&E.srv, disp_path, 0);
	double pps = -1;
	if (snet_conn_bind(&E.srv, (struct sockaddr *)&any, 0) == 0 &&
	    snet_conn_bind(&E.cli, (struct sockaddr *)&cl, 0) == 0) {
		snet_conn_recv_start(&E.srv, srv_recv);
		snet_conn_recv_start(&E.cli, cli_recv);
		E.to = (snet_udp_addr){ .ia = IA, .port = port };
		snet_ip_parse("127.0.0.1", 9, &E.to.host);
		E.start = bench_now_ns();
		for (unsigned i = 0; i < win; i++)
			cli_send(&E.creq[i]);
		uv_run(&E.loop, UV_RUN_DEFAULT);
		pps = (double)E.done * 1e9 / (double)(bench_now_ns() - E.start);
	}
	snet_conn_close(&E.srv, closed);
	snet_conn_close(&E.cli, closed);
	uv_run(&E.loop, UV_RUN_DEFAULT);
	snet_network_close(&E.net, NULL);
	uv_run(&E.loop, UV_RUN_DEFAULT);
	uv_loop_close(&E.loop);
	return pps;
}

/* ---- the same over raw UDP sockets, batched the same way -------------------------------- */

static struct raw {
	uv_loop_t loop;
	uv_poll_t ps, pc;
	int fs, fc;
	struct sockaddr_in srv_addr;
	uint64_t done, start, outstanding;
	int pktinfo; /* both sockets wildcard, each datagram's source and destination in pktinfo */
} R;

/* What a wildcard UDP server must do to answer from the address it was reached at, and what
 * the conns do on every datagram: the destination comes back in IP_PKTINFO, and the reply
 * names it as its source (ipi_spec_dst). The control buffer is reused for the send. */
static void raw_reply_from_dst(struct msghdr *h)
{
	struct in_pktinfo pi = { 0 };
	struct cmsghdr *c = CMSG_FIRSTHDR(h);
	for (; c; c = CMSG_NXTHDR(h, c))
		if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO)
			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
	pi.ipi_spec_dst = pi.ipi_addr;
	pi.ipi_addr.s_addr = 0;
	pi.ipi_ifindex = 0;
	h->msg_controllen = CMSG_SPACE(sizeof(pi));
	c = CMSG_FIRSTHDR(h);
	c->cmsg_level = IPPROTO_IP;
	c->cmsg_type = IP_PKTINFO;
	c->cmsg_len = CMSG_LEN(sizeof(pi));
	memcpy(CMSG_DATA(c), &pi, sizeof(pi));
}

static int raw_batch(int fd, int echo)
{
	struct mmsghdr m[WINDOW];
	struct iovec iov[WINDOW];
	struct sockaddr_in from[WINDOW];
	static uint8_t buf[WINDOW][2048];
	static _Alignas(struct cmsghdr) uint8_t ctrl[WINDOW][64];
	for (int i = 0; i < WINDOW; i++) {
		iov[i] = (struct iovec){ buf[i], sizeof(buf[i]) };
		m[i].msg_hdr = (struct msghdr){ .msg_name = &from[i], .msg_namelen = sizeof(from[i]),
						.msg_iov = &iov[i], .msg_iovlen = 1 };
		if (R.pktinfo) {
			m[i].msg_hdr.msg_control = ctrl[i];
			m[i].msg_hdr.msg_controllen = sizeof(ctrl[i]);
		}
	}
	int n = recvmmsg(fd, m, WINDOW, MSG_DONTWAIT, NULL);
	if (n <= 0)
		return 0;
	for (int i = 0; i < n; i++) {
		iov[i].iov_len = m[i].msg_len;
		if (!echo)
			m[i].msg_hdr.msg_name = &R.srv_addr;
		if (R.pktinfo)
			raw_reply_from_dst(&m[i].msg_hdr);
	}
	sendmmsg(fd, m, (unsigned)n, MSG_DONTWAIT);
	return n;
}

static void raw_srv(uv_poll_t *h, int status, int ev)
{
	raw_batch(R.fs, 1);
}

static void raw_cli(uv_poll_t *h, int status, int ev)
{
	int n = raw_batch(R.fc, 0); /* each reply sends the next request */
	R.done += (uint64_t)n;
	if (R.done >= ECHO_ROUNDS || bench_now_ns() - R.start > ECHO_MAX_NS)
		uv_stop(&R.loop);
}

static double raw_udp_echo_pps(int pktinfo)
{
	memset(&R, 0, sizeof(R));
	R.pktinfo = pktinfo;
	uint8_t payload[PAYLOAD + 150] = { 0 }; /* as long as the SCION packet above */
	struct sockaddr_in any = { .sin_family = AF_INET };
	uv_loop_init(&R.loop);
	R.fs = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	R.fc = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	R.srv_addr = (struct sockaddr_in){ .sin_family = AF_INET, .sin_port = htons(31001),
					   .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	if (pktinfo) {
		int one = 1;
		setsockopt(R.fs, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one));
		setsockopt(R.fc, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one));
	}
	struct sockaddr_in srv = R.srv_addr;
	if (pktinfo)
		srv.sin_addr.s_addr = htonl(INADDR_ANY); /* wildcard, as the conn server */
	bind(R.fs, (struct sockaddr *)&srv, sizeof(srv));
	bind(R.fc, (struct sockaddr *)&any, sizeof(any));
	uv_poll_init(&R.loop, &R.ps, R.fs);
	uv_poll_init(&R.loop, &R.pc, R.fc);
	uv_poll_start(&R.ps, UV_READABLE, raw_srv);
	uv_poll_start(&R.pc, UV_READABLE, raw_cli);
	R.start = bench_now_ns();
	for (unsigned i = 0; i < win; i++)
		sendto(R.fc, payload, sizeof(payload), 0, (struct sockaddr *)&R.srv_addr,
		       sizeof(R.srv_addr));
	uv_run(&R.loop, UV_RUN_DEFAULT);
	double pps = (double)R.done * 1e9 / (double)(bench_now_ns() - R.start);
	uv_close((uv_handle_t *)&R.ps, NULL);
	uv_close((uv_handle_t *)&R.pc, NULL);
	uv_run(&R.loop, UV_RUN_DEFAULT);
	close(R.fs);
	close(R.fc);
	uv_loop_close(&R.loop);
	return pps;
}

/* ---- resolver ------------------------------------------------------------------------- */

static double resolver_ns(unsigned flags, int miss, int rounds)
{
	snet__resolver r;
	uint8_t src[16];
	snet_route_key k = { .family = AF_INET };
	inet_pton(AF_INET, "127.0.0.1", k.addr);
	if (snet__resolver_init(&r, 256, flags) != 0)
		return -1;
	snet__resolver_lookup(&r, &k, 31000, src);
	uint64_t t0 = bench_now_ns();
	for (int i = 0; i < rounds; i++) {
		if (miss)
			snet_route_cache_flush(&r.cache);
		bench_sink += (uint64_t)snet__resolver_lookup(&r, &k, 31000, src) + src[0];
	}
	double ns = (double)(bench_now_ns() - t0) / rounds;
	snet__resolver_close(&r);
	return ns;
}

/* ---- invalidation: RTM_DELADDR to cache flush ------------------------------------------ */

static int addr_change(struct mnl_socket *nl, uint16_t type, uint32_t seq)
{
	uint8_t buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | (type == RTM_NEWADDR ? NLM_F_CREATE : 0);
	nlh->nlmsg_seq = seq;
	struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = AF_INET;
	ifa->ifa_prefixlen = 32;
	ifa->ifa_index = if_nametoindex("lo");
	uint32_t a = htonl(0x0a4d0001); /* 10.77.0.1, inside our own namespace */
	mnl_attr_put_u32(nlh, IFA_LOCAL, a);
	mnl_attr_put_u32(nlh, IFA_ADDRESS, a);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	int n = (int)mnl_socket_recvfrom(nl, buf, sizeof(buf));
	return n < 0 ? -errno : mnl_cb_run(buf, (size_t)n, seq, 0, NULL, NULL) < 0 ? -errno : 0;
}

static void drain(snet__resolver *r)
{
	usleep(2000);
	snet__resolver_events_process(r);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double invalidation_us(void)
{
	enum { N = 21 };
	double us[N];
	snet__resolver r;
	struct mnl_socket *nl = mnl_socket_open(NETLINK_ROUTE);
	if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0 ||
	    snet__resolver_init(&r, 64, 0) != 0 || snet__resolver_events_fd(&r) < 0)
		return -1;
	int fd = snet__resolver_events_fd(&r);
	for (int i = 0; i < N; i++) {
		if (addr_change(nl, RTM_NEWADDR, 1000 + 2 * (uint32_t)i) < 0)
			return -1;
		drain(&r);
		uint64_t t0 = bench_now_ns();
		addr_change(nl, RTM_DELADDR, 1001 + 2 * (uint32_t)i);
		/* What the libuv poll does: wait readable, process. */
		fd_set rd;
		FD_ZERO(&rd);
		FD_SET(fd, &rd);
		struct timeval tv = { 1, 0 };
		select(fd + 1, &rd, NULL, NULL, &tv);
		snet__resolver_events_process(&r);
		us[i] = (double)(bench_now_ns() - t0) / 1e3;
		drain(&r);
	}
	snet__resolver_close(&r);
	mnl_socket_close(nl);
	qsort(us, N, sizeof(us[0]), cmp_double);
	return us[N / 2];
}

/* Our own namespace: loopback only, and address changes that touch nobody else. */
static int private_netns(void)
{
	if (unshare(CLONE_NEWNET) != 0)
		return -1;
	return system("ip link set lo up") == 0 ? 0 : -1;
}

void bench_conn(void)
{
	int own = private_netns();
	if (own < 0)
		fprintf(stderr, "bench: no private network namespace (%s); using this one\n",
			strerror(errno));
	double conn = 0, raw = 0, rawpi = 0, off = 0;
	for (int i = 0; i < ECHO_REPEATS; i++) {
		double c = bench_conn_echo_pps(NULL, 31000, SNET_ECHO_PLAIN), r = raw_udp_echo_pps(0);
		double rp = raw_udp_echo_pps(1), o = bench_conn_echo_pps(NULL, 31000, 0);
		bench_best(&conn, c);
		bench_best(&raw, r);
		bench_best(&rawpi, rp);
		bench_best(&off, o);
	}
	bench_report("conn_echo_pps", conn, "pps");
	bench_report("raw_udp_echo_pps", raw, "pps");
	bench_ratio("conn_echo_ratio", conn / raw, "at least 0.9", conn / raw >= 0.9);
	/* Raw UDP doing what a wildcard server must to answer from the address it was reached at
	 * (pktinfo both ways, as the conns do on every datagram): the share of the gap above that
	 * is the kernel's, not ours. */
	bench_report("raw_udp_pktinfo_echo_pps", rawpi, "pps");
	bench_report("raw_pktinfo_cost_ratio", rawpi / raw, "x");
	bench_report("conn_echo_vs_pktinfo_ratio", conn / rawpi, "x");
	/* The same echo as the conns run by default: replies to one client coalesce (GSO/GRO). */
	bench_report("conn_echo_offload_pps", off, "pps");
	/* One datagram in flight: the cost of each wake-up. */
	win = 1;
	double conn1 = 0, raw1 = 0;
	for (int i = 0; i < ECHO_REPEATS; i++) {
		double c = bench_conn_echo_pps(NULL, 31000, SNET_ECHO_PLAIN), r = raw_udp_echo_pps(0);
		bench_best(&conn1, c);
		bench_best(&raw1, r);
	}
	win = WINDOW;
	bench_report("conn_echo_w1_pps", conn1, "pps");
	bench_report("raw_udp_echo_w1_pps", raw1, "pps");
	bench_ratio("conn_echo_w1_ratio", conn1 / raw1, "at least 0.9", conn1 / raw1 >= 0.9);
	bench_report("resolver_hit_ns", resolver_ns(0, 0, 2000000), "ns");
	bench_report("resolver_miss_netlink_us", resolver_ns(0, 1, 20000) / 1e3, "us");
	bench_report("resolver_miss_connect_us",
		     resolver_ns(SNET__RESOLVER_NO_NETLINK, 1, 20000) / 1e3, "us");
	if (own == 0) {
		double inv = invalidation_us();
		if (inv >= 0)
			bench_report("invalidation_us", inv, "us");
		else
			fprintf(stderr, "bench: invalidation_us not measured (netlink refused)\n");
	} else {
		fprintf(stderr, "bench: invalidation_us needs a private namespace (root)\n");
	}
}
