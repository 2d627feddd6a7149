/* SPDX-License-Identifier: Apache-2.0 */
/* Bulk transfer, one direction, on loopback: 1200-byte payloads from one conn to another in
 * the same AS, 512 sends in flight; the conns use UDP GSO and GRO by themselves. Measured two
 * ways: the sender and the receiver each on a libuv loop in a thread of its own (as between two
 * hosts, and as Go's snet runs them, in goroutines: bulk_gbps), and both on one loop in one
 * thread (bulk_1loop_gbps: every cost of both sides paid on one core).
 * The baseline is plain UDP on the same loops with the same GSO/GRO, datagrams as long as our
 * SCION packets, sent and read in the same batches; and the same again computing, per
 * datagram, the checksum SCION's UDP needs in user space (raw_bulk_csum_gbps: what any sender
 * that must checksum its datagrams itself reaches).
 * Each figure is payload received (loss counts against it) over the time from the first send
 * to the last arrival (taken once per wake-up, not per datagram); best of three, interleaved. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/udp.h>
#include <stdatomic.h>
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
#define BULK_QUIET_NS 20000000u /* no arrival for this long once sending stopped: done */
#define BULK_REPEATS 3
#define BULK_RCVBUF (4 << 20)

/* Apart on cache lines of their own: with two threads, a line both write would cost the
 * sender (and so the figure) a cache miss on each touch. */
#define APART _Alignas(128)

/* What both kinds of run share: the loops, the receiver's tally and the end of the run. The
 * receiver alone writes the tally; the sender says when it is done. With one loop, txl and
 * rxl are the same loop. */
struct run {
	APART uv_loop_t tx_loop;
	APART uv_loop_t rx_loop;
	APART uv_timer_t tx_timer;
	uv_loop_t *txl, *rxl;
	int sending;
	uint64_t start;
	atomic_int done;
	uv_thread_t thread;
	APART uv_timer_t rx_timer;
	uint64_t last, received;
};

static double gbps(const struct run *r)
{
	if (!r->received || r->last <= r->start)
		return 0;
	return (double)r->received * BULK_PAYLOAD * 8 / (double)(r->last - r->start);
}

static void run_init(struct run *r, int threads)
{
	uv_loop_init(&r->tx_loop);
	r->txl = r->rxl = &r->tx_loop;
	if (threads) {
		uv_loop_init(&r->rx_loop);
		r->rxl = &r->rx_loop;
	}
	uv_timer_init(r->txl, &r->tx_timer);
	uv_timer_init(r->rxl, &r->rx_timer);
	r->tx_timer.data = r->rx_timer.data = r;
}

/* The sender has stopped and nothing is in flight: its loop (if it has one of its own) ends. */
static void run_sender_done(struct run *r)
{
	atomic_store(&r->done, 1);
	if (r->txl != r->rxl)
		uv_stop(r->txl);
}

/* The receiver's loop ends once the sender is done and the last stragglers are in. */
static void run_rx_tick(uv_timer_t *t)
{
	struct run *r = t->data;
	if (atomic_load(&r->done) && bench_now_ns() - r->last > BULK_QUIET_NS)
		uv_stop(r->rxl);
	else
		uv_timer_start(t, run_rx_tick, 5, 0);
}

static void run_rx_thread(void *arg)
{
	struct run *r = arg;
	uv_run(r->rxl, UV_RUN_DEFAULT);
}

/* Runs both sides until the receiver is done; tx_tick ends the sending after BULK_NS. */
static void run_go(struct run *r, uv_timer_cb tx_tick)
{
	r->sending = 1;
	r->start = bench_now_ns();
	uv_timer_start(&r->tx_timer, tx_tick, BULK_NS / 1000000, 0);
	uv_timer_start(&r->rx_timer, run_rx_tick, BULK_NS / 1000000, 0);
	if (r->txl != r->rxl && uv_thread_create(&r->thread, run_rx_thread, r) != 0) {
		fprintf(stderr, "bench: bulk: no receiver thread\n");
		return;
	}
	uv_run(r->txl, UV_RUN_DEFAULT);
	if (r->txl != r->rxl)
		uv_thread_join(&r->thread);
}

/* Closes what is left on the loops (the caller has closed its own handles), then the loops. */
static void run_close(struct run *r)
{
	uv_close((uv_handle_t *)&r->tx_timer, NULL);
	uv_close((uv_handle_t *)&r->rx_timer, NULL);
	for (uv_loop_t *l = r->txl;; l = r->rxl) {
		uv_run(l, UV_RUN_DEFAULT);
		uv_loop_close(l);
		if (l == r->rxl)
			break;
	}
}

/* ---- through snet_conn ------------------------------------------------------------------- */

static struct bulk {
	struct run run;
	snet_network_t tx_net, *txn, *rxn;
	snet_conn_t tx;
	snet_udp_addr to;
	unsigned inflight;
	snet_send_t req[BULK_WINDOW];
	uint8_t payload[BULK_PAYLOAD];
	APART snet_network_t rx_net;
	snet_conn_t rx;
	uv_check_t check;
	int fresh;
} B;

static void bulk_send(snet_send_t *r);

static void bulk_sent(snet_send_t *r, int status)
{
	if (B.run.sending)
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
		B.run.received++;
		B.fresh = 1;
	}
}

/* After each poll of the receiver's loop: when the last datagrams arrived. */
static void bulk_check(uv_check_t *c)
{
	if (B.fresh)
		B.run.last = bench_now_ns();
	B.fresh = 0;
}

/* Time is up: stop sending; once nothing is in flight, the sender is done. */
static void bulk_tick(uv_timer_t *t)
{
	B.run.sending = 0;
	if (B.inflight == 0)
		run_sender_done(&B.run);
	else
		uv_timer_start(t, bulk_tick, 5, 0);
}

static void bulk_closed(snet_conn_t *c)
{
}

static int bulk_open(snet_network_t *n, uv_loop_t *loop)
{
	snet_topology topo;
	snet_topology_init(&topo, IA, 31000, 32767);
	return snet_network_init(loop, n, &topo, NULL);
}

static void bulk_stats(snet_network_t *txn, snet_network_t *rxn)
{
	snet_network_stats t, r;
	snet_network_get_stats(txn, &t);
	snet_network_get_stats(rxn, &r);
	if (!t.gso_sends || !r.gro_receives)
		fprintf(stderr, "bench: bulk without GSO (%llu) or GRO (%llu)\n",
			(unsigned long long)t.gso_sends, (unsigned long long)r.gro_receives);
}

static double conn_bulk_gbps(int threads)
{
	memset(&B, 0, sizeof(B));
	memset(B.payload, 0x5a, sizeof(B.payload));
	struct sockaddr_in rx = { .sin_family = AF_INET, .sin_port = htons(31050),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct sockaddr_in tx = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	run_init(&B.run, threads);
	uv_check_init(B.run.rxl, &B.check);
	uv_check_start(&B.check, bulk_check);
	B.txn = B.rxn = &B.tx_net;
	if (threads)
		B.rxn = &B.rx_net;
	double r = -1;
	int buf = BULK_RCVBUF;
	if (bulk_open(B.txn, B.run.txl) == 0 && (!threads || bulk_open(B.rxn, B.run.rxl) == 0)) {
		snet_conn_init(B.rxn, &B.rx);
		snet_conn_init(B.txn, &B.tx);
		if (snet_conn_bind(&B.rx, (struct sockaddr *)&rx, 0) == 0 &&
		    snet_conn_bind(&B.tx, (struct sockaddr *)&tx, 0) == 0 &&
		    snet_conn_recv_buffer_size(&B.rx, &buf) == 0) {
			snet_conn_recv_start(&B.rx, bulk_recv);
			B.to = (snet_udp_addr){ .ia = IA, .port = 31050 };
			snet_ip_parse("127.0.0.1", 9, &B.to.host);
			for (unsigned i = 0; i < BULK_WINDOW; i++, B.inflight++)
				bulk_send(&B.req[i]);
			run_go(&B.run, bulk_tick);
			r = gbps(&B.run);
			bulk_stats(B.txn, B.rxn);
		}
		uv_close((uv_handle_t *)&B.check, NULL);
		snet_conn_close(&B.rx, bulk_closed);
		snet_conn_close(&B.tx, bulk_closed);
		uv_run(B.run.txl, UV_RUN_DEFAULT);
		uv_run(B.run.rxl, UV_RUN_DEFAULT);
		snet_network_close(B.txn, NULL);
		if (threads)
			snet_network_close(B.rxn, NULL);
	} else {
		uv_close((uv_handle_t *)&B.check, NULL);
	}
	run_close(&B.run);
	return r;
}

/* ---- the same with plain UDP ------------------------------------------------------------- */

#define RAW_BATCH 32     /* datagrams per sendmmsg, as the conn's send batch */
#define RAW_SEGS 32      /* per GSO send: the whole batch, as the conn packs it */
#define RAW_RX_SLOTS 32  /* as the network's receive ring */
#define RAW_CALLS 4      /* syscalls per wake-up, as the conn */

static struct raw_bulk {
	struct run run;
	uv_poll_t ptx;
	int ftx, frx, csum;
	snet_scion_hdr h;
	struct sockaddr_in to;
	uint8_t wire[RAW_BATCH][BULK_WIRE];
	uint8_t *slots;
	APART uv_poll_t prx;
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
	for (int k = 0; k < RAW_CALLS && W.run.sending; k++) {
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
			/* Each datagram looked at, as a receiver would; with the checksum, each
			 * verified, as the conn does. */
			for (size_t off = 0; off < len; off += seg ? seg : len) {
				const uint8_t *d = W.slots + (size_t)i * 65536 + off;
				size_t dl = seg && len - off > seg ? seg : len - off;
				bench_sink += d[0];
				if (W.csum && dl > 36)
					bench_sink += snet_l4_checksum(&W.h, SNET_PROTO_UDP,
								       d + 36, dl - 36, 6);
				W.run.received++;
			}
		}
		W.run.last = bench_now_ns();
		if (n < RAW_RX_SLOTS)
			return;
	}
}

static void raw_tick(uv_timer_t *t)
{
	W.run.sending = 0;
	uv_poll_stop(&W.ptx);
	run_sender_done(&W.run);
}

static double raw_bulk_gbps(int threads, int csum)
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
	run_init(&W.run, threads);
	if (W.slots && bind(W.frx, (struct sockaddr *)&W.to, sizeof(W.to)) == 0) {
		uv_poll_init(W.run.txl, &W.ptx, W.ftx);
		uv_poll_init(W.run.rxl, &W.prx, W.frx);
		uv_poll_start(&W.prx, UV_READABLE, raw_recv);
		uv_poll_start(&W.ptx, UV_WRITABLE, raw_send);
		run_go(&W.run, raw_tick);
		r = gbps(&W.run);
		uv_close((uv_handle_t *)&W.ptx, NULL);
		uv_close((uv_handle_t *)&W.prx, NULL);
	}
	run_close(&W.run);
	close(W.ftx);
	close(W.frx);
	free(W.slots);
	return r;
}

static void bulk_report(const char *mode, double conn, double raw, double raw_cs)
{
	char name[64];
	snprintf(name, sizeof(name), "bulk%s_gbps", mode);
	bench_report(name, conn, "Gbit/s");
	snprintf(name, sizeof(name), "raw_bulk%s_gbps", mode);
	bench_report(name, raw, "Gbit/s");
	snprintf(name, sizeof(name), "bulk%s_ratio", mode);
	bench_ratio(name, conn / raw, "at least 0.8", conn / raw >= 0.8);
	snprintf(name, sizeof(name), "raw_bulk%s_csum_gbps", mode);
	bench_report(name, raw_cs, "Gbit/s");
	snprintf(name, sizeof(name), "bulk%s_csum_ratio", mode);
	bench_report(name, conn / raw_cs, "x");
}

void bench_bulk(void)
{
	double best[2][3] = { { 0 } };
	for (int i = 0; i < BULK_REPEATS; i++) {
		for (int threads = 1; threads >= 0; threads--) {
			bench_best(&best[threads][0], conn_bulk_gbps(threads));
			bench_best(&best[threads][1], raw_bulk_gbps(threads, 0));
			bench_best(&best[threads][2], raw_bulk_gbps(threads, 1));
		}
	}
	bulk_report("", best[1][0], best[1][1], best[1][2]);
	bulk_report("_1loop", best[0][0], best[0][1], best[0][2]);
}
