/* SPDX-License-Identifier: Apache-2.0 */
/* Connections over this host's loopback, in one libuv loop: echo over IPv4 and IPv6 through a
 * dual-stack wildcard socket, re-stamping, drops, SCMP, prefix demultiplexing, shim-relayed
 * last hops, port selection, errors and close. */
#include <arpa/inet.h>
#include <errno.h>
#include <unistd.h>

#include "common.h"
#include "loop_helpers.h"
#include "../../snet/conn/internal.h" /* white-box: the restamp test plants a route */

#define IA 0x0001ff0000000110ull

static uv_loop_t loop;
#define run_until(flag, want) loop_run_until(&loop, (flag), (want), 1000)
static snet_topology topo;
static snet_network_t net;

static int setup(void **state)
{
	uv_loop_init(&loop);
	snet_topology_init(&topo, IA, 31000, 31999);
	struct sockaddr_in br = { .sin_family = AF_INET, .sin_port = htons(30777) };
	inet_pton(AF_INET, "127.0.0.55", &br.sin_addr);
	snet_topology_add_if(&topo, 7, (struct sockaddr *)&br);
	assert_int_equal(snet_network_init(&loop, &net, &topo, NULL), 0);
	return 0;
}

static int teardown(void **state)
{
	loop_close_network(&loop, &net);
	return 0;
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

static void close_all(snet_conn_t *conns, int n)
{
	closed_count = 0;
	for (int i = 0; i < n; i++)
		snet_conn_close(&conns[i], on_closed);
	run_until(&closed_count, n);
}

/* ---- echo ------------------------------------------------------------------------------- */

struct got {
	int n;
	char from[SNET_ADDR_STRLEN], local[SNET_ADDR_STRLEN], reply_src[64];
	char data[64];
	int checksum_ok;
	snet_udp_addr sender, local_addr;
	uint8_t path[SNET_MAX_HDR_LEN];
};
static struct got got;
static int sent_ok;

static void on_sent(snet_send_t *req, int status)
{
	if (status == 0)
		sent_ok++;
	else
		fail_msg("send failed: %s", snet_strerror(status));
}

static void on_recv(snet_conn_t *c, int status, const snet_msg *m)
{
	assert_int_equal(status, 0);
	got.n++;
	snet_udp_addr_format(m->from, got.from, sizeof(got.from));
	snet_udp_addr_format(m->local, got.local, sizeof(got.local));
	snet_host_format(&m->from->reply_src, got.reply_src, sizeof(got.reply_src));
	memcpy(got.data, m->data, m->len < 63 ? m->len : 63);
	got.data[m->len < 63 ? m->len : 63] = 0;
	got.checksum_ok = m->pkt->checksum_ok;
	got.sender = *m->from;
	got.local_addr = *m->local;
	memcpy(got.path, m->from->path, m->from->path_len);
	got.sender.path = got.path;
}

static void send_text(snet_conn_t *c, snet_send_t *req, const char *text, const snet_udp_addr *to)
{
	uv_buf_t b = uv_buf_init((char *)text, (unsigned)strlen(text));
	assert_int_equal(snet_conn_send(req, c, &b, 1, to, on_sent), 0);
}

static void echo_over(const char *ip, const char *want_from_ip)
{
	snet_conn_t c[3];
	snet_send_t req;
	int v6 = strchr(ip, ':') != NULL;
	struct sockaddr_storage any6 = sa("::", 31500), cl = sa(v6 ? "::" : "0.0.0.0", 0);
	for (int i = 0; i < 3; i++)
		snet_conn_init(&net, &c[i]);
	assert_int_equal(snet_conn_bind(&c[0], (struct sockaddr *)&any6, 0), 0);
	/* One dual-stack socket holds the port for both families. */
	struct sockaddr_storage any4 = sa("0.0.0.0", 31500);
	assert_int_equal(snet_conn_bind(&c[2], (struct sockaddr *)&any4, 0), UV_EADDRINUSE);
	assert_int_equal(snet_conn_bind(&c[1], (struct sockaddr *)&cl, 0), 0);
	assert_int_equal(snet_conn_recv_start(&c[0], on_recv), 0);
	memset(&got, 0, sizeof(got));
	snet_udp_addr to = scion_addr(ip, 31500);
	send_text(&c[1], &req, "hello", &to);
	run_until(&got.n, 1);
	assert_string_equal(got.data, "hello");
	assert_true(got.checksum_ok);
	char want[SNET_ADDR_STRLEN];
	snet_udp_addr me = scion_addr(want_from_ip, 31999); /* the highest free port of the range */
	snet_udp_addr_format(&me, want, sizeof(want));
	assert_string_equal(got.from, want);
	snet_udp_addr at = scion_addr(ip, 31500);
	snet_udp_addr_format(&at, want, sizeof(want));
	assert_string_equal(got.local, want);
	assert_string_equal(got.reply_src, ip);
	/* The local address has nothing but IA, host and port (it is set field by field). */
	assert_int_equal(got.local_addr.path_type, SNET_PATH_EMPTY);
	assert_null(got.local_addr.path);
	assert_int_equal(got.local_addr.path_len, 0);
	assert_int_equal(got.local_addr.next_hop.ss_family, AF_UNSPEC);
	assert_int_equal(got.local_addr.reply_src.type, SNET_HOST_NONE);
	/* The sender's next hop is where the datagram came from, as the server's socket (bound
	 * to "::", dual-stack) saw it. */
	assert_int_equal(got.sender.next_hop.ss_family, AF_INET6);
	close_all(c, 3);
}

static void test_echo_v4_through_dual_stack(void **state)
{
	echo_over("127.0.0.1", "127.0.0.1");
}

static void test_echo_v6(void **state)
{
	echo_over("::1", "::1");
}

/* A reply to a received sender leaves from the address the packet arrived at (127.0.0.9 here,
 * though the kernel would pick 127.0.0.1 towards 127.0.0.1). */
static void test_reply_from_arrival_address(void **state)
{
	snet_conn_t c[2];
	snet_send_t req[2];
	struct sockaddr_storage any = sa("0.0.0.0", 31501), cl = sa("127.0.0.1", 31502);
	snet_conn_init(&net, &c[0]);
	snet_conn_init(&net, &c[1]);
	assert_int_equal(snet_conn_bind(&c[0], (struct sockaddr *)&any, 0), 0);
	assert_int_equal(snet_conn_bind(&c[1], (struct sockaddr *)&cl, 0), 0);
	snet_conn_recv_start(&c[0], on_recv);
	memset(&got, 0, sizeof(got));
	snet_udp_addr to = scion_addr("127.0.0.9", 31501);
	send_text(&c[1], &req[0], "ping", &to);
	run_until(&got.n, 1);
	assert_string_equal(got.reply_src, "127.0.0.9");
	snet_udp_addr back = got.sender;
	snet_conn_recv_stop(&c[0]);
	snet_conn_recv_start(&c[1], on_recv);
	send_text(&c[0], &req[1], "pong", &back);
	run_until(&got.n, 2);
	assert_string_equal(got.data, "pong");
	assert_string_equal(got.from, "[1-ff00:0:110,127.0.0.9]:31501");
	close_all(c, 2);
}

/* A queued send whose route generation moved is re-resolved and re-stamped before it leaves:
 * here the "new route" is a cache entry planted after a flush. */
static void test_restamp(void **state)
{
	snet_conn_t c[2];
	snet_send_t req;
	struct sockaddr_storage any = sa("0.0.0.0", 31503), cl = sa("0.0.0.0", 31504);
	snet_conn_init(&net, &c[0]);
	snet_conn_init(&net, &c[1]);
	snet_conn_bind(&c[0], (struct sockaddr *)&any, 0);
	snet_conn_bind(&c[1], (struct sockaddr *)&cl, 0);
	snet_conn_recv_start(&c[0], on_recv);
	memset(&got, 0, sizeof(got));
	snet_udp_addr to = scion_addr("127.0.0.1", 31503);
	send_text(&c[1], &req, "restamp me", &to);
	snet_network_stats before, after;
	snet_network_get_stats(&net, &before);
	snet_route_key k = REQ(&req)->key;
	uint8_t other[16] = { 127, 0, 0, 77 };
	snet_route_cache_flush(&NET(&net)->resolver.cache);
	snet_route_cache_put(&NET(&net)->resolver.cache, &k, other);
	run_until(&got.n, 1);
	snet_network_get_stats(&net, &after);
	assert_int_equal(after.restamps, before.restamps + 1);
	assert_string_equal(got.from, "[1-ff00:0:110,127.0.0.77]:31504");
	assert_true(got.checksum_ok);
	close_all(c, 2);
}

/* ---- drops ---------------------------------------------------------------------------- */

static void raw_send(const char *ip, uint16_t port, const void *data, size_t len, uint16_t sport)
{
	struct sockaddr_storage to = sa(ip, port), from = sa(ip, sport);
	int fd = socket(to.ss_family, SOCK_DGRAM, 0);
	int one = 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (sport)
		assert_int_equal(bind(fd, (struct sockaddr *)&from, sizeof(struct sockaddr_in)), 0);
	assert_true(sendto(fd, data, len, 0, (struct sockaddr *)&to, sizeof(struct sockaddr_in)) ==
		    (ssize_t)len);
	close(fd);
}

/* A SCION/UDP packet as bytes, with the given hosts, IA and optional path. */
static uint64_t build_src_ia = 0x0001ff0000000111ull;
static size_t build(uint8_t *out, const char *dst, const char *src, uint64_t dst_ia,
		    uint16_t dport, uint8_t ptype, const uint8_t *path, size_t plen)
{
	snet_pkt p = { 0 };
	snet_host d, s;
	snet_ip_parse(dst, strlen(dst), &d);
	snet_ip_parse(src, strlen(src), &s);
	p.hdr.dst_ia = dst_ia;
	p.hdr.src_ia = build_src_ia;
	snet_scion_hdr_set_ip(&p.hdr.dst_type, p.hdr.dst_host, d.ip, 4);
	snet_scion_hdr_set_ip(&p.hdr.src_type, p.hdr.src_host, s.ip, 4);
	p.hdr.path_type = ptype;
	p.hdr.path = path;
	p.hdr.path_len = plen;
	p.hdr.next_hdr = p.l4 = SNET_PROTO_UDP;
	p.udp = (snet_udp){ 40000, dport, 0, 0 };
	p.payload = (const uint8_t *)"x";
	p.payload_len = 1;
	return (size_t)snet_pkt_emit(&p, SNET_EMIT_FIX, out, 512);
}

static void test_drops_counted(void **state)
{
	snet_conn_t c;
	uint8_t pkt[512];
	struct sockaddr_storage any = sa("0.0.0.0", 31505);
	snet_conn_init(&net, &c);
	snet_conn_bind(&c, (struct sockaddr *)&any, 0);
	snet_conn_recv_start(&c, on_recv);
	memset(&got, 0, sizeof(got));
	raw_send("127.0.0.1", 31505, "garbage", 7, 0);
	size_t n = build(pkt, "127.0.0.1", "127.0.0.2", 0x0001ff0000000999ull, 31505, 0, NULL, 0);
	raw_send("127.0.0.1", 31505, pkt, n, 0); /* another IA */
	n = build(pkt, "127.0.0.8", "127.0.0.2", IA, 31505, 0, NULL, 0);
	raw_send("127.0.0.1", 31505, pkt, n, 0); /* claims another host than it reached */
	n = build(pkt, "127.0.0.1", "127.0.0.2", IA, 31505, 0, NULL, 0);
	raw_send("127.0.0.1", 31505, pkt, n, 0); /* good */
	run_until(&got.n, 1);
	snet_conn_stats s;
	snet_conn_get_stats(&c, &s);
	assert_int_equal(s.drop_malformed, 1);
	assert_int_equal(s.drop_not_ours, 1);
	assert_int_equal(s.drop_dst_mismatch, 1);
	assert_int_equal(s.rx_packets, 1);
	close_all(&c, 1);
}

/* The linker sends the library's recvmmsg here (-Wl,--wrap=recvmmsg), to count the reads
 * that find nothing. */
int __real_recvmmsg(int fd, struct mmsghdr *v, unsigned n, int flags, struct timespec *t);
int __wrap_recvmmsg(int fd, struct mmsghdr *v, unsigned n, int flags, struct timespec *t);
static int empty_reads;

int __wrap_recvmmsg(int fd, struct mmsghdr *v, unsigned n, int flags, struct timespec *t)
{
	int r = __real_recvmmsg(fd, v, n, flags, t);
	if (r < 0 && errno == EAGAIN)
		empty_reads++;
	return r;
}

/* A receive batch of 4, and five times exactly four datagrams queued at once. Each fills a
 * read; after the first, the read again finds nothing, and from then on the socket reads once
 * per wake-up (probing again on every 8th full batch): one empty read in all, not five. Then
 * forty at once, in that mode: all must arrive, since what one read leaves, the
 * level-triggered poll reports again. */
static void test_reads_after_full_batches(void **state)
{
	snet_network_t n4;
	snet_network_opts o;
	snet_conn_t c;
	uint8_t pkt[512];
	snet_network_opts_default(&o);
	o.recv_batch = 4;
	assert_int_equal(snet_network_init(&loop, &n4, &topo, &o), 0);
	struct sockaddr_storage at = sa("127.0.0.1", 31514);
	snet_conn_init(&n4, &c);
	assert_int_equal(snet_conn_bind(&c, (struct sockaddr *)&at, 0), 0);
	snet_conn_recv_start(&c, on_recv);
	memset(&got, 0, sizeof(got));
	size_t n = build(pkt, "127.0.0.1", "127.0.0.2", IA, 31514, 0, NULL, 0);
	empty_reads = 0;
	for (int round = 1; round <= 5; round++) {
		for (int i = 0; i < 4; i++)
			raw_send("127.0.0.1", 31514, pkt, n, 0);
		run_until(&got.n, 4 * round);
	}
	int empty = empty_reads;
	for (int i = 0; i < 40; i++)
		raw_send("127.0.0.1", 31514, pkt, n, 0);
	run_until(&got.n, 60);
	snet_conn_stats st;
	snet_conn_get_stats(&c, &st);
	close_all(&c, 1);
	int done = 0;
	n4.data = &done;
	assert_int_equal(snet_network_close(&n4, loop_net_closed), 0);
	run_until(&done, 1);
	/* Checked once all is closed, so that a failure fails, not hangs the teardown. */
	assert_int_equal(empty, 1);
	assert_int_equal(st.rx_packets, 60);
}

/* Relayed by a shim dispatcher (source port 30041 on this host): the last hop comes from the
 * path's current hop and the topology (ifid 7 -> 127.0.0.55:30777), as Go does. */
/* A packet to port from the path's last router (interface 7's, relayed by the shim): the
 * sender handed to on_recv has the reversed path and that router as next hop. */
static void shim_arrival(uint16_t port)
{
	uint8_t pkt[512], path[64];
	snet_scion_path sp = { .num_inf = 1, .num_hops = 2 };
	sp.meta.seg_len[0] = 2;
	sp.meta.curr_hf = 1;
	sp.inf[0].flags = SNET_INFO_CONS_DIR;
	sp.hop[0].cons_egress = 3;
	sp.hop[1].cons_ingress = 7;
	int plen = snet_scion_path_emit(&sp, path, sizeof(path));
	memset(&got, 0, sizeof(got));
	size_t n = build(pkt, "127.0.0.1", "10.11.0.5", IA, port, SNET_PATH_SCION, path,
			 (size_t)plen);
	raw_send("127.0.0.1", port, pkt, n, SNET_ENDHOST_PORT);
	run_until(&got.n, 1);
}

static void assert_next_hop(const struct sockaddr_storage *ss, uint32_t ip, uint16_t port)
{
	const struct sockaddr_in *nh = (const struct sockaddr_in *)ss;
	assert_int_equal(nh->sin_family, AF_INET);
	assert_int_equal(ntohs(nh->sin_port), port);
	assert_int_equal(ntohl(nh->sin_addr.s_addr), ip);
}

static void test_shim_last_hop(void **state)
{
	snet_conn_t c;
	struct sockaddr_storage any = sa("0.0.0.0", 31506);
	snet_conn_init(&net, &c);
	snet_conn_bind(&c, (struct sockaddr *)&any, 0);
	snet_conn_recv_start(&c, on_recv);
	shim_arrival(31506);
	assert_next_hop(&got.sender.next_hop, 0x7f000037, 30777);
	/* The reply path is the reversed path. */
	snet_scion_path rev;
	assert_int_equal(snet_scion_path_parse(got.sender.path, got.sender.path_len, &rev), 0);
	assert_int_equal(rev.meta.curr_hf, 0);
	assert_int_equal(rev.hop[0].cons_ingress, 7);
	close_all(&c, 1);
}

/* New routers (as a reloader puts them): the next arrival's reply goes to interface 7's new
 * one; the same set in another order is no change; a bad set changes nothing. */
static void test_set_interfaces(void **state)
{
	snet_conn_t c;
	struct sockaddr_storage any = sa("0.0.0.0", 31517);
	snet_topo_if ifs[SNET_TOPO_MAX_IFS + 1];
	struct sockaddr_storage r7 = sa("127.0.0.66", 30778), r9 = sa("::1", 30779);
	memset(ifs, 0, sizeof(ifs));
	ifs[0] = (snet_topo_if){ .ifid = 9, .br = r9 };
	ifs[1] = (snet_topo_if){ .ifid = 7, .br = r7 };
	snet_conn_init(&net, &c);
	snet_conn_bind(&c, (struct sockaddr *)&any, 0);
	snet_conn_recv_start(&c, on_recv);
	assert_int_equal(snet_network_set_interfaces(&net, ifs, 2), 1);
	shim_arrival(31517);
	assert_next_hop(&got.sender.next_hop, 0x7f000042, 30778);
	const snet_topology *t = snet_network_topology(&net);
	assert_true(t->local_ia == IA && t->port_start == 31000 && t->port_end == 31999);
	snet_topo_if swapped[2] = { ifs[1], ifs[0] };
	assert_int_equal(snet_network_set_interfaces(&net, swapped, 2), 0);
	/* Refused, and the routers stay: an ID 0, an address not IP, more than the table holds. */
	snet_topo_if bad[2] = { ifs[1], { .ifid = 0, .br = r9 } };
	assert_int_equal(snet_network_set_interfaces(&net, bad, 2), SNET_E_BAD_FIELD);
	bad[1] = (snet_topo_if){ .ifid = 5 };
	bad[1].br.ss_family = AF_UNIX;
	assert_int_equal(snet_network_set_interfaces(&net, bad, 2), SNET_E_BAD_FIELD);
	for (int i = 0; i <= SNET_TOPO_MAX_IFS; i++)
		ifs[i] = (snet_topo_if){ .ifid = (uint16_t)(i + 1), .br = r7 };
	assert_int_equal(snet_network_set_interfaces(&net, ifs, SNET_TOPO_MAX_IFS + 1), -ENOSPC);
	assert_int_equal(t->n_ifs, 2);
	shim_arrival(31517);
	assert_next_hop(&got.sender.next_hop, 0x7f000042, 30778);
	/* None at all is a change too. */
	assert_int_equal(snet_network_set_interfaces(&net, NULL, 0), 1);
	assert_int_equal(t->n_ifs, 0);
	close_all(&c, 1);
}

/* ---- SCMP ----------------------------------------------------------------------------- */

static int scmp_seen;
static snet_scmp_msg scmp_last;
static void on_scmp(snet_conn_t *c, const snet_scmp_msg *m)
{
	scmp_seen++;
	scmp_last = *m;
}

static size_t build_scmp(uint8_t *out, uint8_t type, const char *dst, const char *src)
{
	snet_pkt p = { 0 };
	snet_host d, s;
	static const uint8_t quote[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	snet_ip_parse(dst, strlen(dst), &d);
	snet_ip_parse(src, strlen(src), &s);
	p.hdr.dst_ia = IA;
	p.hdr.src_ia = IA;
	snet_scion_hdr_set_ip(&p.hdr.dst_type, p.hdr.dst_host, d.ip, 4);
	snet_scion_hdr_set_ip(&p.hdr.src_type, p.hdr.src_host, s.ip, 4);
	p.hdr.next_hdr = p.l4 = SNET_PROTO_SCMP;
	p.scmp.type = type;
	p.scmp.identifier = 31507;
	p.scmp.seq = 9;
	p.scmp.ia = 0x0001ff0000000111ull;
	p.scmp.interface = 41;
	p.payload = quote;
	p.payload_len = sizeof(quote);
	return (size_t)snet_pkt_emit(&p, SNET_EMIT_FIX, out, 512);
}

static void test_scmp(void **state)
{
	snet_conn_t c;
	uint8_t pkt[512];
	struct sockaddr_storage any = sa("0.0.0.0", 31507);
	snet_conn_init(&net, &c);
	snet_conn_bind(&c, (struct sockaddr *)&any, 0);
	snet_conn_set_flags(&c, SNET_CONN_ANSWER_ECHO);
	snet_conn_set_scmp_cb(&c, on_scmp);
	snet_conn_recv_start(&c, on_recv);
	scmp_seen = 0;
	size_t n = build_scmp(pkt, SNET_SCMP_EXT_IF_DOWN, "127.0.0.1", "127.0.0.3");
	raw_send("127.0.0.1", 31507, pkt, n, 0);
	run_until(&scmp_seen, 1);
	assert_true(scmp_last.path_down);
	assert_int_equal(scmp_last.ingress, 41);
	assert_true(scmp_last.ia == 0x0001ff0000000111ull);

	/* An echo request is answered, from the address it reached, to where it came from. */
	struct sockaddr_storage me = sa("127.0.0.3", 31508);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&me, sizeof(struct sockaddr_in)), 0);
	n = build_scmp(pkt, SNET_SCMP_ECHO_REQUEST, "127.0.0.6", "127.0.0.3");
	struct sockaddr_storage to = sa("127.0.0.6", 31507);
	sendto(fd, pkt, n, 0, (struct sockaddr *)&to, sizeof(struct sockaddr_in));
	int answered = 0;
	uint8_t rep[512];
	ssize_t r = -1;
	uint64_t end = uv_hrtime() + 1000000000ull;
	while (!answered && uv_hrtime() < end) {
		uv_run(&loop, UV_RUN_NOWAIT);
		r = recv(fd, rep, sizeof(rep), MSG_DONTWAIT);
		answered = r > 0;
	}
	close(fd);
	assert_true(answered);
	snet_pkt p;
	assert_int_equal(snet_pkt_parse(rep, (size_t)r, &p, NULL), (int)r);
	assert_int_equal(p.scmp.type, SNET_SCMP_ECHO_REPLY);
	assert_int_equal(p.scmp.identifier, 31507);
	assert_int_equal(p.scmp.seq, 9);
	assert_true(p.checksum_ok);
	assert_int_equal(p.hdr.src_host[3], 6); /* from 127.0.0.6, the address pinged */
	snet_conn_stats s;
	snet_conn_get_stats(&c, &s);
	assert_int_equal(s.echo_answered, 1);
	close_all(&c, 1);
}

/* ---- prefix binding ------------------------------------------------------------------ */

static int prefix_hits[2];
static void on_recv_prefix(snet_conn_t *c, int status, const snet_msg *m)
{
	prefix_hits[*(int *)c->data]++;
}

static void test_prefix_demux_and_conflict(void **state)
{
	snet_conn_t c[3], cl;
	snet_send_t req[2];
	int ids[2] = { 0, 1 };
	struct sockaddr_storage p0 = sa("127.0.1.0", 31509), p1 = sa("127.0.2.0", 31509),
				p2 = sa("127.0.0.0", 31509), any = sa("0.0.0.0", 0);
	for (int i = 0; i < 3; i++)
		snet_conn_init(&net, &c[i]);
	assert_int_equal(snet_conn_bind_prefix(&c[0], (struct sockaddr *)&p0, 24, 0), 0);
	assert_int_equal(snet_conn_bind_prefix(&c[1], (struct sockaddr *)&p1, 24, 0), 0);
	assert_int_equal(snet_conn_bind_prefix(&c[2], (struct sockaddr *)&p2, 16, 0),
			 SNET_E_BIND_CONFLICT);
	c[0].data = &ids[0];
	c[1].data = &ids[1];
	snet_conn_recv_start(&c[0], on_recv_prefix);
	snet_conn_recv_start(&c[1], on_recv_prefix);
	snet_conn_init(&net, &cl);
	snet_conn_bind(&cl, (struct sockaddr *)&any, 0);
	memset(prefix_hits, 0, sizeof(prefix_hits));
	snet_udp_addr a = scion_addr("127.0.2.9", 31509), b = scion_addr("127.0.1.4", 31509);
	send_text(&cl, &req[0], "to-1", &a);
	send_text(&cl, &req[1], "to-0", &b);
	int total = 0;
	uint64_t end = uv_hrtime() + 1000000000ull;
	while ((total = prefix_hits[0] + prefix_hits[1]) < 2 && uv_hrtime() < end)
		uv_run(&loop, UV_RUN_NOWAIT);
	assert_int_equal(prefix_hits[0], 1);
	assert_int_equal(prefix_hits[1], 1);
	closed_count = 0;
	for (int i = 0; i < 3; i++)
		snet_conn_close(&c[i], on_closed);
	snet_conn_close(&cl, on_closed);
	run_until(&closed_count, 4);
}

/* ---- ports, errors, close ------------------------------------------------------------ */

static void test_ports_and_errors(void **state)
{
	snet_conn_t a, b;
	snet_send_t req;
	uv_buf_t bufs[5] = { uv_buf_init("x", 1), uv_buf_init("x", 1), uv_buf_init("x", 1),
			     uv_buf_init("x", 1), uv_buf_init("x", 1) };
	struct sockaddr_storage any = sa("127.0.0.1", 0), low = sa("127.0.0.1", 30999);
	snet_udp_addr local, far = scion_addr("127.0.0.1", 31000);
	far.ia = 0x0001ff0000000111ull;
	snet_conn_init(&net, &a);
	snet_conn_init(&net, &b);
	assert_int_equal(snet_conn_send(&req, &a, bufs, 1, &far, on_sent), SNET_E_NOT_BOUND);
	assert_int_equal(snet_conn_local(&a, &local), SNET_E_NOT_BOUND);
	assert_int_equal(snet_conn_bind(&a, (struct sockaddr *)&any, 0), 0);
	assert_int_equal(snet_conn_bind(&a, (struct sockaddr *)&any, 0), UV_EALREADY);
	assert_int_equal(snet_conn_bind(&b, (struct sockaddr *)&any, 0), 0);
	snet_conn_local(&a, &local);
	assert_int_equal(local.port, 31999);
	snet_conn_local(&b, &local);
	assert_int_equal(local.port, 31998);
	assert_int_equal(snet_conn_send(&req, &a, bufs, 1, &far, on_sent), SNET_E_NO_PATH);
	assert_int_equal(snet_conn_send(&req, &a, bufs, 1, NULL, on_sent), SNET_E_NO_REMOTE);
	far.ia = IA;
	assert_int_equal(snet_conn_send(&req, &a, bufs, 5, &far, on_sent), SNET_E_TOO_MANY_BUFS);
	snet_udp_addr v6 = scion_addr("::1", 31000);
	assert_int_equal(snet_conn_send(&req, &a, bufs, 1, &v6, on_sent), UV_EAFNOSUPPORT);
	/* A port below the range is allowed (and logged). */
	snet_conn_t c;
	snet_conn_init(&net, &c);
	assert_int_equal(snet_conn_bind(&c, (struct sockaddr *)&low, 0), 0);
	assert_int_equal(snet_network_close(&net, NULL), UV_EBUSY);
	closed_count = 0;
	snet_conn_close(&a, on_closed);
	snet_conn_close(&b, on_closed);
	snet_conn_close(&c, on_closed);
	run_until(&closed_count, 3);

	/* An empty dispatched range leaves nothing to pick. */
	snet_topology t0;
	snet_network_t n0;
	snet_topology_init(&t0, IA, 0, 0);
	assert_int_equal(snet_network_init(&loop, &n0, &t0, NULL), 0);
	snet_conn_init(&n0, &c);
	assert_int_equal(snet_conn_bind(&c, (struct sockaddr *)&any, 0), SNET_E_NO_PORT);
	closed_count = 0;
	snet_conn_close(&c, on_closed);
	run_until(&closed_count, 1);
	int n0_closed = 0;
	n0.data = &n0_closed;
	assert_int_equal(snet_network_close(&n0, loop_net_closed), 0);
	run_until(&n0_closed, 1);
}

static int cancelled;
static void on_cancel(snet_send_t *req, int status)
{
	assert_int_equal(status, UV_ECANCELED);
	cancelled++;
}

static void test_close_cancels_pending(void **state)
{
	snet_conn_t c;
	snet_send_t req[3];
	struct sockaddr_storage any = sa("0.0.0.0", 0);
	snet_udp_addr to = scion_addr("127.0.0.1", 31510);
	uv_buf_t b = uv_buf_init("x", 1);
	snet_conn_init(&net, &c);
	snet_conn_bind(&c, (struct sockaddr *)&any, 0);
	cancelled = 0;
	for (int i = 0; i < 3; i++)
		assert_int_equal(snet_conn_send(&req[i], &c, &b, 1, &to, on_cancel), 0);
	closed_count = 0;
	snet_conn_close(&c, on_closed);
	assert_int_equal(cancelled, 0); /* never from inside close */
	run_until(&closed_count, 1);
	assert_int_equal(cancelled, 3);
}


/* ---- callbacks that close handles --------------------------------------------------------- */

static snet_conn_t *close_on_sent;
static int sent_status[8], sent_calls;
static void on_sent_close(snet_send_t *req, int status)
{
	sent_status[sent_calls++ % 8] = status;
	if (close_on_sent) {
		snet_conn_close(close_on_sent, on_closed);
		close_on_sent = NULL;
	}
}

static snet_send_t reply_req;
static void on_recv_reply(snet_conn_t *c, int status, const snet_msg *m)
{
	uv_buf_t b = uv_buf_init("re", 2);
	close_on_sent = c;
	assert_int_equal(snet_conn_send(&reply_req, c, &b, 1, m->from, on_sent_close), 0);
}

/* A UDP datagram and an SCMP echo request in one receive batch: the reply to the first and the
 * echo answer leave in one sendmmsg, and the first completion closes the conn. (It used to
 * dequeue from the queue the close had emptied: a crash.) */
static void test_send_cb_closes_own_conn(void **state)
{
	snet_conn_t c;
	uint8_t pkt[512], echo[512];
	struct sockaddr_storage any = sa("0.0.0.0", 31511);
	snet_conn_init(&net, &c);
	assert_int_equal(snet_conn_bind(&c, (struct sockaddr *)&any, 0), 0);
	snet_conn_set_flags(&c, SNET_CONN_ANSWER_ECHO);
	snet_conn_recv_start(&c, on_recv_reply);
	build_src_ia = IA;
	size_t n = build(pkt, "127.0.0.1", "127.0.0.2", IA, 31511, 0, NULL, 0);
	build_src_ia = 0x0001ff0000000111ull;
	size_t m = build_scmp(echo, SNET_SCMP_ECHO_REQUEST, "127.0.0.1", "127.0.0.2");
	raw_send("127.0.0.1", 31511, pkt, n, 0);
	raw_send("127.0.0.1", 31511, echo, m, 0);
	closed_count = sent_calls = 0;
	run_until(&closed_count, 1);
	assert_int_equal(sent_calls, 1);
	assert_int_equal(sent_status[0], 0);
	snet_conn_stats st;
	snet_conn_get_stats(&c, &st);
	assert_int_equal(st.echo_answered, 1);
	assert_int_equal(st.tx_packets, 2); /* the reply and the echo answer */
}

static int shared_rx;
static void on_recv_count(snet_conn_t *c, int status, const snet_msg *m)
{
	shared_rx++;
}

/* On a socket shared by prefix-bound conns, A's first completion closes A: A's second request
 * had left in the same batch (reported sent, not cancelled), and B's is reported once. */
static void test_send_cb_closes_conn_on_shared_socket(void **state)
{
	snet_conn_t a, b, r;
	snet_send_t req[3];
	uv_buf_t buf = uv_buf_init("s", 1);
	struct sockaddr_storage pa = sa("127.0.1.0", 31512), pb = sa("127.0.2.0", 31512),
				pr = sa("127.0.0.1", 31513);
	snet_conn_init(&net, &a);
	snet_conn_init(&net, &b);
	snet_conn_init(&net, &r);
	assert_int_equal(snet_conn_bind_prefix(&a, (struct sockaddr *)&pa, 24, 0), 0);
	assert_int_equal(snet_conn_bind_prefix(&b, (struct sockaddr *)&pb, 24, 0), 0);
	assert_int_equal(snet_conn_bind(&r, (struct sockaddr *)&pr, 0), 0);
	snet_conn_recv_start(&r, on_recv_count);
	snet_udp_addr to = scion_addr("127.0.0.1", 31513);
	closed_count = sent_calls = shared_rx = 0;
	close_on_sent = &a;
	assert_int_equal(snet_conn_send(&req[0], &a, &buf, 1, &to, on_sent_close), 0);
	assert_int_equal(snet_conn_send(&req[1], &a, &buf, 1, &to, on_sent_close), 0);
	assert_int_equal(snet_conn_send(&req[2], &b, &buf, 1, &to, on_sent_close), 0);
	run_until(&closed_count, 1);
	run_until(&shared_rx, 3);
	assert_int_equal(sent_calls, 3);
	for (int i = 0; i < 3; i++)
		assert_int_equal(sent_status[i], 0);
	closed_count = 0;
	snet_conn_close(&b, on_closed);
	snet_conn_close(&r, on_closed);
	run_until(&closed_count, 2);
}

/* A sender whose SCION source host is the 16-byte IPv4-mapped form: the reply goes to the
 * 4-byte IPv4 host, as Go's snet writes it (PackAddr unmaps). */
static snet_send_t mapped_req;
static void on_recv_echo_back(snet_conn_t *c, int status, const snet_msg *m)
{
	uv_buf_t b = uv_buf_init("back", 4);
	got.n++;
	assert_int_equal(snet_conn_send(&mapped_req, c, &b, 1, m->from, on_sent), 0);
}

static void test_reply_to_mapped_sender(void **state)
{
	snet_conn_t c;
	uint8_t pkt[512], rep[512];
	struct sockaddr_storage any = sa("0.0.0.0", 31514), me = sa("127.0.0.2", 31515),
				to = sa("127.0.0.1", 31514);
	snet_conn_init(&net, &c);
	assert_int_equal(snet_conn_bind(&c, (struct sockaddr *)&any, 0), 0);
	snet_conn_recv_start(&c, on_recv_echo_back);
	snet_pkt p = { 0 };
	snet_host d, src;
	snet_ip_parse("127.0.0.1", 9, &d);
	snet_ip_parse("::ffff:127.0.0.2", 16, &src);
	p.hdr.dst_ia = p.hdr.src_ia = IA;
	p.hdr.dst_type = SNET_ADDR_IP4;
	memcpy(p.hdr.dst_host, d.ip, 4);
	p.hdr.src_type = SNET_ADDR_IP6; /* raw: the mapped form stays 16 bytes */
	memcpy(p.hdr.src_host, src.ip, 16);
	p.hdr.next_hdr = p.l4 = SNET_PROTO_UDP;
	p.udp = (snet_udp){ 31515, 31514, 0, 0 };
	p.payload = (const uint8_t *)"x";
	p.payload_len = 1;
	int n = snet_pkt_emit(&p, SNET_EMIT_FIX, pkt, sizeof(pkt));
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&me, sizeof(struct sockaddr_in)), 0);
	sendto(fd, pkt, (size_t)n, 0, (struct sockaddr *)&to, sizeof(struct sockaddr_in));
	memset(&got, 0, sizeof(got));
	sent_ok = 0;
	run_until(&sent_ok, 1);
	ssize_t r = recv(fd, rep, sizeof(rep), 0);
	close(fd);
	assert_true(r > 0);
	snet_pkt q;
	assert_int_equal(snet_pkt_parse(rep, (size_t)r, &q, NULL), (int)r);
	assert_int_equal(q.hdr.dst_type, SNET_ADDR_IP4);
	assert_memory_equal(q.hdr.dst_host, "\x7f\x00\x00\x02", 4);
	assert_true(q.checksum_ok);
	close_all(&c, 1);
}

/* A datagram without payload: no buffers at all (bufs NULL). The sanitizer build once caught
 * memcpy from NULL here, on snet-ping's first ping. */
static void test_send_without_payload(void **state)
{
	snet_conn_t c[2];
	snet_send_t req;
	struct sockaddr_storage any = sa("0.0.0.0", 31516), cl = sa("127.0.0.1", 0);
	snet_conn_init(&net, &c[0]);
	snet_conn_init(&net, &c[1]);
	assert_int_equal(snet_conn_bind(&c[0], (struct sockaddr *)&any, 0), 0);
	assert_int_equal(snet_conn_bind(&c[1], (struct sockaddr *)&cl, 0), 0);
	snet_conn_recv_start(&c[0], on_recv);
	memset(&got, 0, sizeof(got));
	snet_udp_addr to = scion_addr("127.0.0.1", 31516);
	assert_int_equal(snet_conn_send(&req, &c[1], NULL, 0, &to, on_sent), 0);
	run_until(&got.n, 1);
	assert_string_equal(got.data, "");
	assert_true(got.checksum_ok);
	close_all(c, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_echo_v4_through_dual_stack, setup, teardown),
		cmocka_unit_test_setup_teardown(test_echo_v6, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reply_from_arrival_address, setup, teardown),
		cmocka_unit_test_setup_teardown(test_restamp, setup, teardown),
		cmocka_unit_test_setup_teardown(test_drops_counted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reads_after_full_batches, setup, teardown),
		cmocka_unit_test_setup_teardown(test_shim_last_hop, setup, teardown),
		cmocka_unit_test_setup_teardown(test_set_interfaces, setup, teardown),
		cmocka_unit_test_setup_teardown(test_scmp, setup, teardown),
		cmocka_unit_test_setup_teardown(test_prefix_demux_and_conflict, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ports_and_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_close_cancels_pending, setup, teardown),
		cmocka_unit_test_setup_teardown(test_send_cb_closes_own_conn, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reply_to_mapped_sender, setup, teardown),
		cmocka_unit_test_setup_teardown(test_send_without_payload, setup, teardown),
		cmocka_unit_test_setup_teardown(test_send_cb_closes_conn_on_shared_socket, setup,
						teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
