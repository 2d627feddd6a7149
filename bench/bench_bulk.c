/* SPDX-License-Identifier: Apache-2.0 */
/* Bulk transfer, one direction, on loopback: 1200-byte payloads from one conn to another in
 * the same AS, sender and receiver on one libuv loop (one thread), 512 sends in flight; the
 * conns use UDP GSO and GRO by themselves. The baseline is plain UDP on the same loop with the
 * same GSO/GRO, datagrams as long as our SCION packets, sent and read in the same batches;
 * and the same again computing, per datagram, the checksum SCION's UDP needs in user space
 * (raw_bulk_csum_gbps: what any sender that must checksum its datagrams itself reaches).
 * Each figure is payload received (loss counts against it) over the time from the first send
 * to the last arrival (taken once per wake-up, not per datagram); best of three, interleaved. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/udp.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "snet/snet.h"
#include "bench.h"

#define IA 0x0001ff0000000110ull
#define BULK_PAYLOAD 1200
#define BULK_WIRE (BULK_PAYLOAD + 44) /* + SCION common and address headers, UDP */
#define BULK_WINDOW 512
#define BULK_NS 1000000000ull
#define BULK_REPEATS 3
#define BULK_RCVBUF (4 << 20)

struct tally {
	uint64_t start, last, received;
};

static double gbps(const struct tally *t)
{
	if (!t->received || t->last <= t->start)
		return 0;
	return (double)t->received * BULK_PAYLOAD * 8 / (double)(t->last - t->start);
}

/* ---- through snet_conn ------------------------------------------------------------------- */

static struct bulk {
	uv_loop_t loop;
	uv_timer_t timer;
	uv_check_t check;
	int fresh;
	snet_network_t net;
	snet_conn_t tx, rx;
	snet_udp_addr to;
	snet_send_t req[BULK_WINDOW];
	uint8_t payload[BULK_PAYLOAD];
	int sending;
	unsigned inflight;
	struct tally t;
} B;

static void bulk_send(snet_send_t *r);

static void bulk_sent(snet_send_t *r, int status)
{
	if (B.sending)
		bulk_send(r);
	else
		B.inflight--;
}

static void bulk_send(snet_send_t *r)
{
	uv_buf_t b = uv_buf_init((char *)B.payload, BULK_PAYLOAD);
	if (snet_conn_send(r, &B.tx, &b, 1, &B.to, bulk_sent) != 0)
		B.inflight--;
}

static void bulk_recv(snet_conn_t *c, int status, const snet_msg *m)
{
	if (status == 0 && m->len == BULK_PAYLOAD) {
		B.t.received++;
		B.fresh = 1;
	}
}

/* After each poll: when the last datagrams arrived. */
static void bulk_check(uv_check_t *c)
{
	if (B.fresh)
		B.t.last = bench_now_ns();
	B.fresh = 0;
}

/* Time is up: stop sending; once nothing is in flight, wait for stragglers, then stop. */
static void bulk_tick(uv_timer_t *t)
{
	B.sending = 0;
	if (B.inflight == 0 && bench_now_ns() - B.t.last > 20000000u)
		uv_stop(&B.loop);
	else
		uv_timer_start(t, bulk_tick, 5, 0);
}

static void bulk_closed(snet_conn_t *c)
{
}

static double conn_bulk_gbps(void)
{
	snet_topology topo;
	memset(&B, 0, sizeof(B));
	memset(B.payload, 0x5a, sizeof(B.payload));
	struct sockaddr_in rx = { .sin_family = AF_INET, .sin_port = htons(31050),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct sockaddr_in tx = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	uv_loop_init(&B.loop);
	uv_timer_init(&B.loop, &B.timer);
	uv_check_init(&B.loop, &B.check);
	uv_check_start(&B.check, bulk_check);
	snet_topology_init(&topo, IA, 31000, 32767);
	snet_network_init(&B.loop, &B.net, &topo, NULL);
	snet_conn_init(&B.net, &B.rx);
	snet_conn_init(&B.net, &B.tx);
	double r = -1;
	int buf = BULK_RCVBUF;
	if (snet_conn_bind(&B.rx, (struct sockaddr *)&rx, 0) == 0 &&
	    snet_conn_bind(&B.tx, (struct sockaddr *)&tx, 0) == 0 &&
	    snet_conn_recv_buffer_size(&B.rx, &buf) == 0) {
		snet_conn_recv_start(&B.rx, bulk_recv);
		B.to = (snet_udp_addr){ .ia = IA, .port = 31050 };
		snet_ip_parse("127.0.0.1", 9, &B.to.host);
		B.sending = 1;
		B.t.start = bench_now_ns();
		for (unsigned i = 0; i < BULK_WINDOW; i++, B.inflight++)
			bulk_send(&B.req[i]);
		uv_timer_start(&B.timer, bulk_tick, BULK_NS / 1000000, 0);
		uv_run(&B.loop, UV_RUN_DEFAULT);
		r = gbps(&B.t);
		snet_network_stats s;
		snet_network_get_stats(&B.net, &s);
		if (!s.gso_sends || !s.gro_receives)
			fprintf(stderr, "bench: bulk without GSO (%llu) or GRO (%llu)\n",
				(unsigned long long)s.gso_sends, (unsigned long long)s.gro_receives);
	}
	uv_close((uv_handle_t *)&B.timer, NULL);
	uv_close((uv_handle_t *)&B.check, NULL);
	snet_conn_close(&B.rx, bulk_closed);
	snet_conn_close(&B.tx, bulk_closed);
	uv_run(&B.loop, UV_RUN_DEFAULT);
	snet_network_close(&B.net, NULL);
	uv_run(&B.loop, UV_RUN_DEFAULT);
	uv_loop_close(&B.loop);
	return r;
}

/* ---- the same with plain UDP ------------------------------------------------------------- */

#define RAW_BATCH 32     /* datagrams per sendmmsg, as the conn's send batch */
#define RAW_SEGS 32      /* per GSO send: the whole batch, as the conn packs it */
#define RAW_RX_SLOTS 32  /* as the network's receive ring */
#define RAW_CALLS 4      /* syscalls per wake-up, as the conn */

static struct raw_bulk {
	uv_loop_t loop;
	uv_poll_t ptx, prx;
	uv_timer_t timer;
	int ftx, frx, sending, csum;
	snet_scion_hdr h;
	struct sockaddr_in to;
	uint8_t wire[RAW_BATCH][BULK_WIRE];
	uint8_t *slots;
	struct tally t;
} W;

static void raw_send(uv_poll_t *h, int status, int ev)
{
	static struct iovec iov[RAW_BATCH];
	static struct mmsghdr m[2];
	static _Alignas(struct cmsghdr) uint8_t ctrl[2][CMSG_SPACE(sizeof(uint16_t))];
	unsigned nmsg = 0;
	for (unsigned i = 0; i < RAW_BATCH; i += RAW_SEGS, nmsg++) {
		unsigned segs = RAW_BATCH - i < RAW_SEGS ? RAW_BATCH - i : RAW_SEGS;
		for (unsigned k = 0; k < segs; k++)
			iov[i + k] = (struct iovec){ W.wire[i + k], BULK_WIRE };
		struct msghdr *mh = &m[nmsg].msg_hdr;
		*mh = (struct msghdr){ .msg_name = &W.to, .msg_namelen = sizeof(W.to),
				       .msg_iov = &iov[i], .msg_iovlen = segs };
		mh->msg_control = ctrl[nmsg];
		mh->msg_controllen = sizeof(ctrl[nmsg]);
		struct cmsghdr *c = CMSG_FIRSTHDR(mh);
		c->cmsg_level = SOL_UDP;
		c->cmsg_type = UDP_SEGMENT;
		c->cmsg_len = CMSG_LEN(sizeof(uint16_t));
		uint16_t seg = BULK_WIRE;
		memcpy(CMSG_DATA(c), &seg, sizeof(seg));
	}
	for (int k = 0; k < RAW_CALLS && W.sending; k++) {
		for (unsigned i = 0; W.csum && i < RAW_BATCH; i++) {
			uint16_t cs = snet_l4_checksum(&W.h, SNET_PROTO_UDP, W.wire[i] + 36,
						       BULK_WIRE - 36, 6);
			memcpy(W.wire[i] + 42, &cs, sizeof(cs));
		}
		if (sendmmsg(W.ftx, m, nmsg, MSG_DONTWAIT) < 0)
			break;
	}
}

static void raw_recv(uv_poll_t *h, int status, int ev)
{
	static struct mmsghdr m[RAW_RX_SLOTS];
	static struct iovec iov[RAW_RX_SLOTS];
	static _Alignas(struct cmsghdr) uint8_t ctrl[RAW_RX_SLOTS][64];
	for (int k = 0; k < RAW_CALLS; k++) {
		for (int i = 0; i < RAW_RX_SLOTS; i++) {
			iov[i] = (struct iovec){ W.slots + (size_t)i * 65536, 65536 };
			m[i].msg_hdr = (struct msghdr){ .msg_iov = &iov[i], .msg_iovlen = 1,
							.msg_control = ctrl[i],
							.msg_controllen = sizeof(ctrl[i]) };
		}
		int n = recvmmsg(W.frx, m, RAW_RX_SLOTS, MSG_DONTWAIT, NULL);
		if (n <= 0)
			return;
		for (int i = 0; i < n; i++) {
			size_t seg = 0, len = m[i].msg_len;
			struct cmsghdr *c = CMSG_FIRSTHDR(&m[i].msg_hdr);
			if (c && c->cmsg_level == SOL_UDP && c->cmsg_type == UDP_GRO) {
				int s;
				memcpy(&s, CMSG_DATA(c), sizeof(s));
				seg = (size_t)s;
			}
			/* Each datagram looked at, as a receiver would. */
			for (size_t off = 0; off < len; off += seg ? seg : len) {
				bench_sink += W.slots[(size_t)i * 65536 + off];
				W.t.received++;
			}
		}
		W.t.last = bench_now_ns();
		if (n < RAW_RX_SLOTS)
			return;
	}
}

static void raw_tick(uv_timer_t *t)
{
	if (W.sending) {
		W.sending = 0;
		uv_poll_stop(&W.ptx);
	}
	if (bench_now_ns() - W.t.last > 20000000u)
		uv_stop(&W.loop);
	else
		uv_timer_start(t, raw_tick, 5, 0);
}

static double raw_bulk_gbps(int csum)
{
	memset(&W, 0, sizeof(W));
	W.csum = csum;
	W.h.src_ia = W.h.dst_ia = IA;
	W.to = (struct sockaddr_in){ .sin_family = AF_INET, .sin_port = htons(31051),
				     .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	W.slots = malloc((size_t)RAW_RX_SLOTS * 65536);
	W.ftx = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	W.frx = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	int one = 1, buf = BULK_RCVBUF;
	setsockopt(W.frx, SOL_UDP, UDP_GRO, &one, sizeof(one));
	setsockopt(W.frx, SOL_SOCKET, SO_RCVBUF, &buf, sizeof(buf));
	double r = -1;
	if (W.slots && bind(W.frx, (struct sockaddr *)&W.to, sizeof(W.to)) == 0) {
		uv_loop_init(&W.loop);
		uv_poll_init(&W.loop, &W.ptx, W.ftx);
		uv_poll_init(&W.loop, &W.prx, W.frx);
		uv_timer_init(&W.loop, &W.timer);
		uv_poll_start(&W.prx, UV_READABLE, raw_recv);
		uv_poll_start(&W.ptx, UV_WRITABLE, raw_send);
		uv_timer_start(&W.timer, raw_tick, BULK_NS / 1000000, 0);
		W.sending = 1;
		W.t.start = bench_now_ns();
		uv_run(&W.loop, UV_RUN_DEFAULT);
		r = gbps(&W.t);
		uv_close((uv_handle_t *)&W.ptx, NULL);
		uv_close((uv_handle_t *)&W.prx, NULL);
		uv_close((uv_handle_t *)&W.timer, NULL);
		uv_run(&W.loop, UV_RUN_DEFAULT);
		uv_loop_close(&W.loop);
	}
	close(W.ftx);
	close(W.frx);
	free(W.slots);
	return r;
}

void bench_bulk(void)
{
	double conn = 0, raw = 0, raw_cs = 0;
	for (int i = 0; i < BULK_REPEATS; i++) {
		double c = conn_bulk_gbps(), w = raw_bulk_gbps(0), x = raw_bulk_gbps(1);
		bench_best(&conn, c);
		bench_best(&raw, w);
		bench_best(&raw_cs, x);
	}
	bench_report("bulk_gbps", conn, "Gbit/s");
	bench_report("raw_bulk_gbps", raw, "Gbit/s");
	bench_ratio("bulk_ratio", conn / raw, "at least 0.8", conn / raw >= 0.8);
	bench_report("raw_bulk_csum_gbps", raw_cs, "Gbit/s");
	bench_report("bulk_csum_ratio", conn / raw_cs, "x");
}
