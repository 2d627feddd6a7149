/* SPDX-License-Identifier: Apache-2.0 */
/* UDP GSO and GRO in the conn's send and receive paths: runs of queued sends leave as one
 * super-packet and arrive coalesced, split back into SCION packets intact and in order (IPv4
 * through a dual-stack socket, IPv6); mixed sizes and next hops; both off by flag; a receive
 * callback that closes its conn in the middle of a coalesced datagram; and the kernel refusing
 * GSO, where every request still leaves, one by one: EIO (a device that cannot; since Linux
 * 6.11 only IPsec and UDP-Lite, so it is injected here by wrapping sendmmsg), and a segment
 * larger than the MTU (EINVAL/EMSGSIZE, for real). A device without checksum offload, and the
 * MTU case, run in a network namespace of their own (unshare; needs root). */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <netinet/udp.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "common.h"
#include "loop_helpers.h"

#define IA 0x0001ff0000000110ull
#define MAXN 200
#define PAYLOAD 1200

/* The linker sends the library's sendmmsg here (-Wl,--wrap=sendmmsg): with gso_eio set, a
 * batch whose first message is a GSO send fails as a device without GSO makes it fail. */
int __real_sendmmsg(int fd, struct mmsghdr *v, unsigned n, int flags);
int __wrap_sendmmsg(int fd, struct mmsghdr *v, unsigned n, int flags);
static int gso_eio, gso_tries;

static int is_gso(struct msghdr *m)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR(m); c; c = CMSG_NXTHDR(m, c))
		if (c->cmsg_level == SOL_UDP && c->cmsg_type == UDP_SEGMENT)
			return 1;
	return 0;
}

int __wrap_sendmmsg(int fd, struct mmsghdr *v, unsigned n, int flags)
{
	if (n && is_gso(&v[0].msg_hdr)) {
		gso_tries++;
		if (gso_eio) {
			errno = EIO;
			return -1;
		}
	}
	return __real_sendmmsg(fd, v, n, flags);
}

static uv_loop_t loop;
#define run_until(flag, want) loop_run_until(&loop, (flag), (want), 2000)
static snet_topology topo;
static snet_network_t net;

static void net_init(unsigned flags)
{
	snet_network_opts o;
	snet_network_opts_default(&o);
	o.flags = flags;
	uv_loop_init(&loop);
	snet_topology_init(&topo, IA, 31000, 31999);
	assert_int_equal(snet_network_init(&loop, &net, &topo, &o), 0);
}

static void net_close(void)
{
	loop_close_network(&loop, &net);
}

static void bind_conn(snet_conn_t *c, const char *ip, uint16_t port)
{
	struct sockaddr_storage ss = sa(ip, port);
	snet_conn_init(&net, c);
	assert_int_equal(snet_conn_bind(c, (struct sockaddr *)&ss, 0), 0);
}

static snet_udp_addr scion_addr(const char *ip, uint16_t port)
{
	return scion_addr_in(IA, ip, port);
}

static int closed_count;
static void on_closed(snet_conn_t *c)
{
	closed_count++;
}

static void close_conns(snet_conn_t *conns[], int n)
{
	closed_count = 0;
	for (int i = 0; i < n; i++)
		snet_conn_close(conns[i], on_closed);
	run_until(&closed_count, n);
}

/* ---- sending and checking ------------------------------------------------------------------ */

/* Datagram i: its index, then bytes that depend on it and on their position. */
static uint8_t bufs[MAXN][PAYLOAD + 64];
static snet_send_t reqs[MAXN];
static int sent, send_errors;

static void fill(int i, size_t len)
{
	for (size_t k = 0; k < len; k++)
		bufs[i][k] = (uint8_t)(i * 7 + k);
	memcpy(bufs[i], &i, sizeof(i));
}

static void on_sent(snet_send_t *req, int status)
{
	sent++;
	if (status < 0) {
		send_errors++;
		fprintf(stderr, "send: %s\n", snet_strerror(status));
	}
}

static void send_one(snet_conn_t *from, int i, size_t len, const snet_udp_addr *to)
{
	fill(i, len);
	uv_buf_t b = uv_buf_init((char *)bufs[i], (unsigned)len);
	assert_int_equal(snet_conn_send(&reqs[i], from, &b, 1, to, on_sent), 0);
}

/* What a receiver got: the indices in order, and whether each payload was intact. */
struct rx {
	int n, order[MAXN], bad, close_at, src_apart;
	size_t len[MAXN];
	uint8_t src_last[MAXN]; /* the last byte of each datagram's IPv4 source */
};

/* Whether a datagram's underlay source is the source its SCION header names. */
static int same_source(const snet_udp_addr *from)
{
	const struct sockaddr_storage *nh = &from->next_hop;
	if (nh->ss_family == AF_INET)
		return from->host.type == SNET_HOST_IP4 &&
		       memcmp(&((const struct sockaddr_in *)nh)->sin_addr, from->host.ip, 4) == 0;
	const uint8_t *a = (const uint8_t *)&((const struct sockaddr_in6 *)nh)->sin6_addr;
	static const uint8_t mapped[12] = { [10] = 0xff, [11] = 0xff };
	if (memcmp(a, mapped, 12) == 0)
		return from->host.type == SNET_HOST_IP4 && memcmp(a + 12, from->host.ip, 4) == 0;
	return from->host.type == SNET_HOST_IP6 && memcmp(a, from->host.ip, 16) == 0;
}

static void on_recv(snet_conn_t *c, int status, const snet_msg *m)
{
	struct rx *r = c->data;
	assert_int_equal(status, 0);
	int i;
	memcpy(&i, m->data, sizeof(i));
	if (i < 0 || i >= MAXN || r->n >= MAXN) {
		r->bad++;
		return;
	}
	for (size_t k = sizeof(i); k < m->len; k++)
		if (m->data[k] != (uint8_t)(i * 7 + k))
			r->bad++;
	if (!same_source(m->from))
		r->src_apart++;
	r->src_last[r->n] = m->from->host.ip[3];
	r->len[r->n] = m->len;
	r->order[r->n++] = i;
	if (r->close_at && r->n == r->close_at)
		snet_conn_close(c, on_closed);
}

/* The whole burst fits: what is sent before the receiver reads must not overflow. */
static void big_buffer(snet_conn_t *c)
{
	int v = 1 << 20, got = 0;
	assert_int_equal(snet_conn_recv_buffer_size(c, &v), 0);
	assert_int_equal(snet_conn_recv_buffer_size(c, &got), 0);
	assert_true(got >= 1 << 20);
}

static snet_network_stats stats(void)
{
	snet_network_stats s;
	snet_network_get_stats(&net, &s);
	return s;
}

/* A receiver at dst:port (a large buffer, on_recv into r) and a sender bound to src, on a
 * network made with flags. */
static void open_pair(unsigned flags, snet_conn_t *tx, const char *src, snet_conn_t *rxc,
		      const char *dst, uint16_t port, struct rx *r)
{
	net_init(flags);
	bind_conn(rxc, dst, port);
	bind_conn(tx, src, 0);
	big_buffer(rxc);
	rxc->data = r;
	assert_int_equal(snet_conn_recv_start(rxc, on_recv), 0);
}

/* n datagrams of PAYLOAD bytes from a sender bound to src to a receiver at dst, all queued
 * before the loop runs: they leave in batches of 64 requests. */
static void stream(unsigned flags, const char *src, const char *dst, int n,
		   snet_network_stats *out)
{
	snet_conn_t tx, rxc;
	struct rx r = { 0 };
	open_pair(flags, &tx, src, &rxc, dst, 31400, &r);
	snet_udp_addr to = scion_addr(dst, 31400);
	sent = send_errors = 0;
	for (int i = 0; i < n; i++)
		send_one(&tx, i, PAYLOAD, &to);
	run_until(&r.n, n);
	assert_int_equal(sent, n);
	assert_int_equal(send_errors, 0);
	assert_int_equal(r.bad, 0);
	assert_int_equal(r.src_apart, 0);
	for (int i = 0; i < n; i++) {
		assert_int_equal(r.order[i], i);
		assert_int_equal(r.len[i], PAYLOAD);
	}
	*out = stats();
	snet_conn_t *all[] = { &tx, &rxc };
	close_conns(all, 2);
	net_close();
}

static void assert_offloaded(const snet_network_stats *s, int n)
{
	/* 64 requests per batch, at most 51 segments of 1,2xx bytes per super-packet. */
	assert_true(s->gso_sends >= 2);
	assert_int_equal(s->gso_segments, n);
	assert_int_equal(s->gso_fallbacks, 0);
	assert_true(s->gro_receives >= 2);
	assert_int_equal(s->gro_segments, n);
}

static void test_gso_gro_ipv4_dual_stack(void **state)
{
	snet_network_stats s;
	stream(0, "::", "127.0.0.1", MAXN, &s);
	assert_offloaded(&s, MAXN);
}

static void test_gso_gro_ipv6(void **state)
{
	snet_network_stats s;
	stream(0, "::1", "::1", MAXN, &s);
	assert_offloaded(&s, MAXN);
}

/* Sends from a wildcard conn with a source of their own (a reply's sticky source): runs of
 * four from 127.0.0.1, then 127.0.0.2, and so on. A run coalesces; two runs never do, and
 * every datagram leaves from the source its header names. */
static void test_sources_kept_apart(void **state)
{
	enum { RUN = 4, N = 20 };
	snet_conn_t tx, rxc;
	struct rx r = { 0 };
	open_pair(0, &tx, "0.0.0.0", &rxc, "127.0.0.1", 31400, &r);
	sent = send_errors = 0;
	for (int i = 0; i < N; i++) {
		snet_udp_addr to = scion_addr("127.0.0.1", 31400);
		assert_int_equal(snet_ip_parse(i / RUN % 2 ? "127.0.0.2" : "127.0.0.1", 9,
					       &to.reply_src), 0);
		send_one(&tx, i, PAYLOAD, &to);
	}
	run_until(&r.n, N);
	assert_int_equal(send_errors, 0);
	assert_int_equal(r.bad, 0);
	assert_int_equal(r.src_apart, 0);
	for (int i = 0; i < N; i++) {
		assert_int_equal(r.order[i], i);
		assert_int_equal(r.src_last[i], i / RUN % 2 ? 2 : 1);
	}
	snet_network_stats st = stats();
	assert_int_equal(st.gso_sends, N / RUN);
	assert_int_equal(st.gso_segments, N);
	snet_conn_t *all[] = { &tx, &rxc };
	close_conns(all, 2);
	net_close();
}

/* Off by flag: the same stream, one datagram per message, one per receive. */
static void test_off_by_flag(void **state)
{
	snet_network_stats s;
	stream(SNET_NETWORK_NO_GSO | SNET_NETWORK_NO_GRO, "127.0.0.1", "127.0.0.1", MAXN, &s);
	assert_int_equal(s.gso_sends, 0);
	assert_int_equal(s.gso_segments, 0);
	assert_int_equal(s.gro_receives, 0);
	/* GSO alone: the receiving socket without GRO gets the segments one by one. */
	stream(SNET_NETWORK_NO_GRO, "127.0.0.1", "127.0.0.1", MAXN, &s);
	assert_int_equal(s.gso_segments, MAXN);
	assert_int_equal(s.gro_receives, 0);
	/* The ring shrinks to 9 KiB slots without GRO. */
	net_init(SNET_NETWORK_NO_GRO);
	size_t small = snet_network_ring_bytes(&net);
	net_close();
	net_init(0);
	size_t big = snet_network_ring_bytes(&net);
	net_close();
	assert_true(big > small + 32 * (65536 - 9216) - 1);
}

/* Sizes and next hops change within a batch: a super-packet holds only a run of one size to
 * one next hop; a shorter datagram after a run starts a new message. Each receiver gets its
 * own datagrams, whole and in order. */
static void test_mixed_sizes_and_hops(void **state)
{
	static const size_t sizes[] = { 1200, 1200, 1200, 800, 800, 1200, 100, 100, 100, 1200 };
	snet_conn_t tx, ra, rb;
	struct rx a = { 0 }, b = { 0 };
	net_init(0);
	bind_conn(&ra, "127.0.0.1", 31401);
	bind_conn(&rb, "127.0.0.1", 31402);
	bind_conn(&tx, "127.0.0.1", 0);
	big_buffer(&ra);
	big_buffer(&rb);
	ra.data = &a;
	rb.data = &b;
	assert_int_equal(snet_conn_recv_start(&ra, on_recv), 0);
	assert_int_equal(snet_conn_recv_start(&rb, on_recv), 0);
	snet_udp_addr to_a = scion_addr("127.0.0.1", 31401), to_b = scion_addr("127.0.0.1", 31402);
	sent = send_errors = 0;
	/* 0-59 to a in runs of the sizes above; 60-99 alternate between a and b. */
	int want_a = 0, want_b = 0;
	for (int i = 0; i < 100; i++) {
		const snet_udp_addr *to = i < 60 || i % 2 ? &to_a : &to_b;
		*(to == &to_a ? &want_a : &want_b) += 1;
		send_one(&tx, i, sizes[(i / 3) % 10], to);
	}
	run_until(&a.n, want_a);
	run_until(&b.n, want_b);
	assert_int_equal(send_errors, 0);
	assert_int_equal(a.bad + b.bad, 0);
	for (int k = 1; k < a.n; k++)
		assert_true(a.order[k] > a.order[k - 1]);
	for (int k = 1; k < b.n; k++)
		assert_true(b.order[k] > b.order[k - 1]);
	for (int k = 0; k < a.n; k++)
		assert_int_equal(a.len[k], sizes[(a.order[k] / 3) % 10]);
	snet_network_stats s = stats();
	assert_true(s.gso_sends >= 1);
	/* The alternating tail cannot coalesce: fewer segments than requests. */
	assert_true(s.gso_segments < 100 && s.gso_segments >= 20);
	snet_conn_t *all[] = { &tx, &ra, &rb };
	close_conns(all, 3);
	net_close();
}

/* The callback closes its conn at the third datagram of a coalesced arrival: the rest of it
 * is not delivered, and nothing breaks. */
static void test_close_inside_coalesced(void **state)
{
	snet_conn_t tx, rxc;
	struct rx r = { .close_at = 3 };
	open_pair(0, &tx, "127.0.0.1", &rxc, "127.0.0.1", 31403, &r);
	snet_udp_addr to = scion_addr("127.0.0.1", 31403);
	sent = send_errors = 0;
	closed_count = 0;
	for (int i = 0; i < 40; i++)
		send_one(&tx, i, PAYLOAD, &to);
	run_until(&closed_count, 1);
	run_until(&sent, 40);
	for (int k = 0; k < 20; k++)
		uv_run(&loop, UV_RUN_NOWAIT);
	assert_int_equal(r.n, 3);
	assert_true(stats().gro_receives >= 1);
	snet_conn_t *all[] = { &tx };
	close_conns(all, 1);
	net_close();
}

/* The buffer sizes: read and set like libuv's; an unbound conn has none. */
static void test_buffer_sizes(void **state)
{
	snet_conn_t c;
	int v = 0;
	net_init(0);
	snet_conn_init(&net, &c);
	assert_int_equal(snet_conn_recv_buffer_size(&c, &v), SNET_E_NOT_BOUND);
	struct sockaddr_storage ss = sa("127.0.0.1", 0);
	assert_int_equal(snet_conn_bind(&c, (struct sockaddr *)&ss, 0), 0);
	assert_int_equal(snet_conn_send_buffer_size(&c, &v), 0);
	assert_true(v > 0);
	v = 300000;
	assert_int_equal(snet_conn_send_buffer_size(&c, &v), 0);
	v = 0;
	assert_int_equal(snet_conn_send_buffer_size(&c, &v), 0);
	assert_int_equal(v, 600000); /* Linux doubles it */
	assert_int_equal(snet_conn_recv_buffer_size(&c, NULL), UV_EINVAL);
	snet_conn_t *all[] = { &c };
	close_conns(all, 1);
	net_close();
}

/* EIO: the socket gives GSO up after the first refusal and sends everything with sendmmsg. */
static void test_gso_refused_eio(void **state)
{
	snet_network_stats s;
	gso_eio = 1;
	gso_tries = 0;
	stream(0, "127.0.0.1", "127.0.0.1", MAXN, &s);
	gso_eio = 0;
	assert_int_equal(gso_tries, 1);
	assert_int_equal(s.gso_fallbacks, 1);
	assert_int_equal(s.gso_sends, 0);
	assert_int_equal(s.gro_receives, 0);
}

/* ---- the kernel refuses GSO ---------------------------------------------------------------- */

static void sh(const char *cmd)
{
	assert_int_equal(system(cmd), 0);
}

static int setup_ns(void **state)
{
	if (unshare(CLONE_NEWNET) < 0) {
		fprintf(stderr, "unshare(CLONE_NEWNET): %s (these tests need root)\n",
			strerror(errno));
		return -1;
	}
	/* va sends towards a neighbour that does not exist; vb counts what arrives. */
	sh("ip link set lo up && ip link add va type veth peer name vb && "
	   "ip addr add 10.9.0.1/24 dev va && ip link set va up && ip link set vb up && "
	   "ip neigh add 10.9.0.3 lladdr 02:00:00:00:00:03 dev va nud permanent");
	return 0;
}

/* Frames vb received, from /proc/net/dev (sysfs shows the namespace we came from). */
static uint64_t rx_packets(void)
{
	char line[512];
	unsigned long long bytes, v = 0;
	int found = 0;
	FILE *f = fopen("/proc/net/dev", "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, " vb: %llu %llu", &bytes, &v) == 2)
			found = 1;
	fclose(f);
	assert_true(found);
	return v;
}

/* ethtool -K va tx off, by its ioctl. */
static void tx_checksum(const char *dev, int on)
{
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	struct ethtool_value ev = { .cmd = ETHTOOL_STXCSUM, .data = (uint32_t)on };
	struct ifreq ifr = { 0 };
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", dev);
	ifr.ifr_data = (void *)&ev;
	assert_int_equal(ioctl(fd, SIOCETHTOOL, &ifr), 0);
	close(fd);
}

/* n datagrams of len bytes to 10.9.0.3 out of va: every callback says sent; how many frames
 * reached vb. */
static uint64_t send_out(int n, size_t len)
{
	snet_conn_t tx;
	net_init(0);
	bind_conn(&tx, "10.9.0.1", 0);
	snet_udp_addr to = scion_addr("10.9.0.3", 31000);
	uint64_t before = rx_packets();
	sent = send_errors = 0;
	for (int i = 0; i < n; i++)
		send_one(&tx, i, len, &to);
	run_until(&sent, n);
	assert_int_equal(send_errors, 0);
	for (int k = 0; k < 50 && rx_packets() - before < (uint64_t)n; k++)
		usleep(2000);
	snet_conn_t *all[] = { &tx };
	close_conns(all, 1);
	return rx_packets() - before;
}

/* Without checksum offload the kernel refused GSO (EIO) before 6.11 and segments in software
 * since: either way every datagram leaves, whole. */
static void test_device_without_checksum_offload(void **state)
{
	tx_checksum("va", 0);
	uint64_t frames = send_out(40, PAYLOAD);
	snet_network_stats s = stats();
	net_close();
	tx_checksum("va", 1);
	assert_int_equal(frames, 40);
	assert_int_equal(s.gso_segments + (s.gso_fallbacks ? 40 : 0), 40);
	assert_true(s.gso_fallbacks <= 1);
}

/* Segments larger than the MTU: GSO refuses them (EINVAL); they leave one by one, as IP
 * fragments, and only smaller ones coalesce from then on. */
static void test_segment_above_mtu(void **state)
{
	sh("ip link set va mtu 1280");
	uint64_t frames = send_out(40, PAYLOAD + 60);
	snet_network_stats s = stats();
	net_close();
	sh("ip link set va mtu 1500");
	assert_int_equal(frames, 80); /* two fragments each */
	assert_int_equal(s.gso_fallbacks, 1);
	assert_int_equal(s.gso_sends, 0);
}

int main(void)
{
	const struct CMUnitTest local[] = {
		cmocka_unit_test(test_gso_gro_ipv4_dual_stack),
		cmocka_unit_test(test_gso_gro_ipv6),
		cmocka_unit_test(test_off_by_flag),
		cmocka_unit_test(test_sources_kept_apart),
		cmocka_unit_test(test_mixed_sizes_and_hops),
		cmocka_unit_test(test_close_inside_coalesced),
		cmocka_unit_test(test_buffer_sizes),
		cmocka_unit_test(test_gso_refused_eio),
	};
	const struct CMUnitTest netns[] = {
		cmocka_unit_test(test_device_without_checksum_offload),
		cmocka_unit_test(test_segment_above_mtu),
	};
	int fails = cmocka_run_group_tests_name("offload on loopback", local, NULL, NULL);
	return fails + cmocka_run_group_tests_name("offload refused", netns, setup_ns, NULL);
}
