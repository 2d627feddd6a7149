/* SPDX-License-Identifier: Apache-2.0 */
/* Many peers: a wildcard echo server (an snet conn bound to 0.0.0.0) answering 10,000
 * distinct clients against the same server answering one, in the same run. A client is a
 * (source address, port, path) triple: 100 raw UDP sockets, each sending from 100 loopback
 * addresses (127.1.0.1-100, by IP_PKTINFO), each packet from AS 1-ff00:0:111 with a SCION path
 * of its own (the SegIDs differ), so that every reply has its own reversed path and its own
 * next hop. 32 requests in flight; each reply sends the next client's request. The clients
 * run in a thread of their own (their 100 sockets cost more to serve than one, and that is not
 * the server's cost); the figure is the server's, on the main loop. The server
 * batches as the raw echo baseline does (no GSO/GRO: replies to one client would otherwise
 * coalesce and flatter the one-client figure); many_peers_offload_ratio is the same with the
 * network's defaults. */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "snet/snet.h"
#include "bench.h"
#include "golden_path.h"

#define IA 0x0001ff0000000110ull
#define PEER_IA 0x0001ff0000000111ull
#define SOCKS 100
#define ADDRS 100
#define PEERS (SOCKS * ADDRS)
#define WINDOW 32
#define PAYLOAD 100
#define PORT 31060
#define ROUNDS 300000
#define MAX_NS 1500000000ull
#define REPEATS 3

static struct peers {
	uv_loop_t loop;
	uv_async_t finished;
	uv_thread_t thread;
	int ep; /* the clients' sockets */
	snet_network_t net;
	snet_conn_t srv;
	snet_send_t sreq[WINDOW * 4];
	uint8_t sbuf[WINDOW * 4][PAYLOAD];
	unsigned snext;
	int fd[SOCKS];
	uint8_t pkt[PEERS][256];
	size_t pkt_len;
	unsigned npeers, next;
	uint64_t done, start;
} P;

/* Client j's request: from 127.1.0.(j / SOCKS + 1), its path's SegIDs j. */
static int build(unsigned j)
{
	uint8_t path[sizeof(golden_raw_path)];
	memcpy(path, golden_raw_path, sizeof(path));
	path[0] = 0x43; /* CurrINF 1, CurrHF 3: at its end, as a router delivers it */
	path[6] = (uint8_t)(j >> 8);
	path[7] = (uint8_t)j;
	path[14] = (uint8_t)(j >> 8) ^ 0x5a;
	path[15] = (uint8_t)j;
	uint8_t src[4] = { 127, 1, 0, (uint8_t)(j / SOCKS + 1) }, dst[4] = { 127, 0, 0, 1 };
	static const uint8_t payload[PAYLOAD];
	snet_pkt p = { .l4 = SNET_PROTO_UDP, .payload = payload, .payload_len = PAYLOAD };
	p.hdr.next_hdr = SNET_PROTO_UDP;
	p.hdr.path_type = SNET_PATH_SCION;
	p.hdr.dst_ia = IA;
	p.hdr.src_ia = PEER_IA;
	snet_scion_hdr_set_ip(&p.hdr.dst_type, p.hdr.dst_host, dst, 4);
	snet_scion_hdr_set_ip(&p.hdr.src_type, p.hdr.src_host, src, 4);
	p.hdr.path = path;
	p.hdr.path_len = sizeof(path);
	p.udp.dst_port = PORT;
	p.udp.src_port = 40000;
	int n = snet_pkt_emit(&p, SNET_EMIT_FIX, P.pkt[j], sizeof(P.pkt[j]));
	P.pkt_len = n > 0 ? (size_t)n : 0;
	return n;
}

static void send_next(void)
{
	unsigned j = P.next++ % P.npeers;
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(PORT),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	_Alignas(struct cmsghdr) uint8_t ctrl[CMSG_SPACE(sizeof(struct in_pktinfo))] = { 0 };
	struct iovec iov = { P.pkt[j], P.pkt_len };
	struct msghdr m = { .msg_name = &to, .msg_namelen = sizeof(to), .msg_iov = &iov,
			    .msg_iovlen = 1, .msg_control = ctrl, .msg_controllen = sizeof(ctrl) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);
	c->cmsg_level = IPPROTO_IP;
	c->cmsg_type = IP_PKTINFO;
	c->cmsg_len = CMSG_LEN(sizeof(struct in_pktinfo));
	struct in_pktinfo pi = { .ipi_spec_dst.s_addr = htonl(0x7f010000u | (j / SOCKS + 1)) };
	memcpy(CMSG_DATA(c), &pi, sizeof(pi));
	sendmsg(P.fd[j % SOCKS], &m, MSG_DONTWAIT);
}

/* One reply read from fd and the next request sent; false when the socket is empty. */
static bool answer(int fd)
{
	uint8_t buf[512];
	if (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) <= 0)
		return false;
	P.done++;
	send_next();
	return true;
}

static bool finished(void)
{
	return P.done >= ROUNDS || bench_now_ns() - P.start > MAX_NS;
}

/* The load generator, as lean for 100 sockets as for one: a socket is read until it is empty
 * only when it is the one that woke us; when many are ready, each gives one reply and the
 * level-triggered epoll reports again those that hold more. Draining each of 32 sockets that
 * hold one reply would cost a failed read per reply, and the clients, not the server, would
 * set the pace with 10,000 peers. The timeout ends the run even if every request was lost. */
static void clients(void *arg)
{
	struct epoll_event ev[WINDOW];
	P.start = bench_now_ns();
	for (unsigned i = 0; i < WINDOW; i++)
		send_next();
	while (!finished()) {
		int n = epoll_wait(P.ep, ev, WINDOW, 100);
		if (n == 1)
			while (answer(P.fd[ev[0].data.u32]) && !finished())
				;
		for (int i = 0; n > 1 && i < n; i++)
			answer(P.fd[ev[i].data.u32]);
	}
	uv_async_send(&P.finished);
}

static void srv_sent(snet_send_t *r, int status)
{
}

static void srv_recv(snet_conn_t *c, int status, const snet_msg *m)
{
	if (status < 0)
		return;
	unsigned k = P.snext++ % (WINDOW * 4);
	memcpy(P.sbuf[k], m->data, m->len);
	uv_buf_t b = uv_buf_init((char *)P.sbuf[k], (unsigned)m->len);
	snet_conn_send(&P.sreq[k], c, &b, 1, m->from, srv_sent);
}

static void srv_closed(snet_conn_t *c)
{
}

static void on_finished(uv_async_t *a)
{
	uv_stop(&P.loop);
}

static int open_peers(void)
{
	P.ep = epoll_create1(EPOLL_CLOEXEC);
	if (P.ep < 0)
		return -errno;
	for (int i = 0; i < SOCKS; i++) {
		struct sockaddr_in any = { .sin_family = AF_INET };
		struct epoll_event ev = { .events = EPOLLIN, .data.u32 = (uint32_t)i };
		P.fd[i] = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (P.fd[i] < 0 || bind(P.fd[i], (struct sockaddr *)&any, sizeof(any)) < 0 ||
		    epoll_ctl(P.ep, EPOLL_CTL_ADD, P.fd[i], &ev) < 0)
			return -errno;
	}
	return 0;
}

/* The CPU time of the calling thread. */
static uint64_t thread_cpu_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Round trips per second with npeers distinct clients; *server_ns gets the server thread's
 * CPU time per round trip (its own work and the kernel's on its behalf, loopback delivery to
 * the clients' sockets included). */
static double echo_pps(unsigned npeers, unsigned net_flags, double *server_ns)
{
	snet_topology t;
	snet_network_opts o;
	memset(&P, 0, sizeof(P));
	P.npeers = npeers;
	for (unsigned j = 0; j < PEERS; j++)
		if (build(j) < 0)
			return -1;
	snet_network_opts_default(&o);
	o.flags = net_flags;
	uv_loop_init(&P.loop);
	uv_async_init(&P.loop, &P.finished, on_finished);
	snet_topology_init(&t, IA, 31000, 32767);
	snet_network_init(&P.loop, &P.net, &t, &o);
	snet_conn_init(&P.net, &P.srv);
	struct sockaddr_in any = { .sin_family = AF_INET, .sin_port = htons(PORT) };
	double pps = -1;
	if (snet_conn_bind(&P.srv, (struct sockaddr *)&any, 0) == 0 && open_peers() == 0) {
		snet_conn_recv_start(&P.srv, srv_recv);
		uint64_t cpu = thread_cpu_ns();
		uv_thread_create(&P.thread, clients, NULL);
		uv_run(&P.loop, UV_RUN_DEFAULT);
		cpu = thread_cpu_ns() - cpu;
		uv_thread_join(&P.thread);
		pps = (double)P.done * 1e9 / (double)(bench_now_ns() - P.start);
		if (P.done)
			*server_ns = (double)cpu / (double)P.done;
		snet_conn_stats s;
		snet_conn_get_stats(&P.srv, &s);
		if (s.rx_packets < P.done)
			fprintf(stderr, "bench: peers: the server saw %llu of %llu\n",
				(unsigned long long)s.rx_packets, (unsigned long long)P.done);
	}
	for (int i = 0; i < SOCKS; i++)
		if (P.fd[i] > 0)
			close(P.fd[i]);
	if (P.ep > 0)
		close(P.ep);
	uv_close((uv_handle_t *)&P.finished, NULL);
	snet_conn_close(&P.srv, srv_closed);
	uv_run(&P.loop, UV_RUN_DEFAULT);
	snet_network_close(&P.net, NULL);
	uv_run(&P.loop, UV_RUN_DEFAULT);
	uv_loop_close(&P.loop);
	return pps;
}

static void best_low(double *best, double v)
{
	if (v > 0 && (*best == 0 || v < *best))
		*best = v;
}

void bench_peers(void)
{
	double many = 0, one = 0, many_off = 0, one_off = 0, many_ns = 0, one_ns = 0, ns;
	for (int i = 0; i < REPEATS; i++) {
		bench_best(&many, echo_pps(PEERS, SNET_ECHO_PLAIN, &ns));
		best_low(&many_ns, ns);
		bench_best(&one, echo_pps(1, SNET_ECHO_PLAIN, &ns));
		best_low(&one_ns, ns);
		bench_best(&many_off, echo_pps(PEERS, 0, &ns));
		bench_best(&one_off, echo_pps(1, 0, &ns));
	}
	bench_report("many_peers_pps", many, "pps");
	bench_report("one_peer_pps", one, "pps");
	bench_ratio("many_peers_ratio", many / one, "at least 0.9", many / one >= 0.9);
	bench_report("many_peers_offload_ratio", many_off / one_off, "x");
	/* With 10,000 clients their thread, not the server, sets the pace (it is busy all the
	 * time, the server is not): the server's CPU time per round trip says what it costs. */
	bench_report("many_peers_server_ns", many_ns, "ns");
	bench_report("one_peer_server_ns", one_ns, "ns");
	bench_report("many_peers_cpu_ratio", many_ns > 0 ? one_ns / many_ns : 0, "x");
}
