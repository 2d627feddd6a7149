/* SPDX-License-Identifier: Apache-2.0 */
/* Dispatcher mode, the daemon's side, on this host's loopback: a malformed frame closes only
 * that client; a client that never reads loses its own packets (counted) and nobody else's;
 * a refused registration is told by closing. The dispatcher runs in its own thread and loop. */
#include <arpa/inet.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <stdlib.h>
#include <unistd.h>

#include "common.h"
#include "server.h"
#include "thread.h"

#define IA 0x0001ff0000000110ull

static char path[64];
static struct disp_server_opts opts;

static int setup_with(const struct disp_server_opts *o)
{
	signal(SIGPIPE, SIG_IGN);
	snprintf(path, sizeof(path), "/tmp/snet-test-disp-%d.sock", (int)getpid());
	return disp_thread_start(IA, 31000, 31999, path, o);
}

static int setup(void **state)
{
	return setup_with(NULL);
}

/* Small limits, so that the tests reach them. */
static int setup_small(void **state)
{
	snet_topology t;
	snet_topology_init(&t, IA, 31000, 31999);
	disp_server_opts_default(&opts, &t);
	opts.max_clients = 8;
	opts.reg_timeout_ms = 300;
	opts.frame_timeout_ms = 300;
	opts.total_input_bytes = 256 << 10;
	return setup_with(&opts);
}

static int teardown(void **state)
{
	disp_thread_stop();
	return 0;
}

static int dial(void)
{
	struct sockaddr_un un = { .sun_family = AF_UNIX };
	snprintf(un.sun_path, sizeof(un.sun_path), "%s", path);
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&un, sizeof(un)), 0);
	return fd;
}

/* Registers 127.0.0.1:port; returns the confirmed port, or -1 if the dispatcher closed. */
static int reg(int fd, uint16_t port, uint64_t ia)
{
	uint8_t msg[64], in[64];
	snet_disp_reg r = { .command = 3, .l4 = 17, .ia = ia, .svc = SNET_SVC_NONE };
	struct sockaddr_in *a = (struct sockaddr_in *)&r.public_addr;
	a->sin_family = AF_INET;
	a->sin_port = htons(port);
	a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	int hl = snet_disp_frame_header(NULL, 0, msg, sizeof(msg));
	int rl = snet_disp_reg_emit(&r, msg + hl, sizeof(msg) - (size_t)hl);
	snet_disp_frame_header(NULL, (size_t)rl, msg, sizeof(msg));
	assert_int_equal(write(fd, msg, (size_t)(hl + rl)), hl + rl);
	struct pollfd p = { fd, POLLIN, 0 };
	if (poll(&p, 1, 2000) != 1)
		return -1;
	ssize_t n = read(fd, in, sizeof(in));
	snet_disp_frame f;
	if (n <= 0 || snet_disp_frame_parse(in, (size_t)n, &f) <= 0 || f.len != 2)
		return -1;
	return f.payload[0] << 8 | f.payload[1];
}

/* A SCION/UDP packet to 127.0.0.1:port, sent from a plain UDP socket. */
static void inject(uint16_t port, size_t payload)
{
	static uint8_t data[2000], pkt[2200];
	snet_pkt p = { 0 };
	static const uint8_t lo[4] = { 127, 0, 0, 1 };
	p.hdr.dst_ia = p.hdr.src_ia = IA;
	snet_scion_hdr_set_ip(&p.hdr.dst_type, p.hdr.dst_host, lo, 4);
	snet_scion_hdr_set_ip(&p.hdr.src_type, p.hdr.src_host, lo, 4);
	p.hdr.next_hdr = p.l4 = SNET_PROTO_UDP;
	p.udp = (snet_udp){ 40000, port, 0, 0 };
	p.payload = data;
	p.payload_len = payload;
	int n = snet_pkt_emit(&p, SNET_EMIT_FIX, pkt, sizeof(pkt));
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(port),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	sendto(fd, pkt, (size_t)n, 0, (struct sockaddr *)&to, sizeof(to));
	close(fd);
}

/* Waits for one frame on fd and returns its payload length, or -1. */
static int next_frame(int fd)
{
	static uint8_t buf[1 << 17];
	static size_t used;
	snet_disp_frame f;
	for (;;) {
		int k = snet_disp_frame_parse(buf, used, &f);
		if (k > 0) {
			int len = (int)f.len;
			memmove(buf, buf + k, used - (size_t)k);
			used -= (size_t)k;
			return len;
		}
		struct pollfd p = { fd, POLLIN, 0 };
		if (poll(&p, 1, 2000) != 1)
			return -1;
		ssize_t n = read(fd, buf + used, sizeof(buf) - used);
		if (n <= 0)
			return -1;
		used += (size_t)n;
	}
}

static bool closed_by_peer(int fd)
{
	uint8_t b[64];
	struct pollfd p = { fd, POLLIN, 0 };
	return poll(&p, 1, 2000) == 1 && read(fd, b, sizeof(b)) == 0;
}

static void test_isolation(void **state)
{
	struct disp_server_stats before, after;
	int good = dial(), bad = dial(), slow = dial(), wrong = dial();
	assert_int_equal(reg(good, 31500, IA), 31500);
	assert_int_equal(reg(slow, 31501, IA), 31501);
	/* Another AS, and a port already taken: refused by closing. */
	assert_int_equal(reg(wrong, 31502, IA + 1), -1);
	close(wrong);
	wrong = dial();
	assert_int_equal(reg(wrong, 31500, IA), -1);
	close(wrong);
	disp_server_stats(&before);

	/* A frame with a bad cookie closes that client only. */
	assert_int_equal(reg(bad, 31503, IA), 31503);
	uint8_t junk[16] = { 0xba, 0xad };
	assert_int_equal(write(bad, junk, sizeof(junk)), (ssize_t)sizeof(junk));
	assert_true(closed_by_peer(bad));
	close(bad);

	/* The slow client never reads: its packets queue up to the bound and are then dropped.
	 * The kernel drops some datagrams before the dispatcher reads them too, so inject until
	 * the dispatcher counts a drop (bounded). */
	for (int i = 0; i < 40000; i++) {
		inject(31501, 1400);
		if (i % 200 == 199) {
			usleep(2000);
			disp_server_stats(&after);
			if (after.app_queue_drops > before.app_queue_drops)
				break;
		}
	}
	/* Meanwhile the good client gets every packet sent to it. */
	for (int i = 0; i < 20; i++) {
		inject(31500, 100);
		assert_int_equal(next_frame(good), 36 + 8 + 100);
	}
	disp_server_stats(&after);
	assert_int_equal(after.malformed_frames, before.malformed_frames + 1);
	assert_true(after.app_queue_drops > before.app_queue_drops);
	assert_true(after.conflicts >= 1);
	close(good);
	close(slow);
}


/* ---- the client side: callbacks and close order ------------------------------------------- */

static int client_closed, sends_done, sends_after_close;
static void on_client_sent(snet_send_t *req, int status)
{
	sends_done++;
	sends_after_close += client_closed;
}

static void on_client_closed(snet_conn_t *c)
{
	client_closed = 1;
	free(c);
}

/* A conn in dispatcher mode closed while its frames still wait on the Unix socket: every send
 * callback runs before the close callback, which frees the conn (as conn.h allows). */
static void test_client_close_order(void **state)
{
	uv_loop_t loop;
	snet_topology topo;
	snet_network_t net;
	snet_send_t req[64];
	static char payload[1200];
	uv_buf_t b = uv_buf_init(payload, sizeof(payload));
	uv_loop_init(&loop);
	snet_topology_init(&topo, IA, 31000, 31999);
	assert_int_equal(snet_network_init(&loop, &net, &topo, NULL), 0);
	snet_conn_t *c = malloc(sizeof(*c));
	snet_conn_init(&net, c);
	assert_int_equal(snet_conn_set_dispatcher(c, path, 0), 0);
	struct sockaddr_in any = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	assert_int_equal(snet_conn_bind(c, (struct sockaddr *)&any, 0), 0);
	snet_udp_addr to = { .ia = IA, .port = 31234 };
	assert_int_equal(snet_ip_parse("127.0.0.1", 9, &to.host), 0);
	client_closed = sends_done = sends_after_close = 0;
	for (int i = 0; i < 64; i++)
		assert_int_equal(snet_conn_send(&req[i], c, &b, 1, &to, on_client_sent), 0);
	snet_conn_close(c, on_client_closed);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(client_closed, 1);
	assert_int_equal(sends_done, 64);
	assert_int_equal(sends_after_close, 0);
	assert_int_equal(snet_network_close(&net, NULL), 0);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(&loop), 0);
}

/* ---- limits and timeouts ----------------------------------------------------------------- */

/* Idle connections at the cap: the oldest unregistered one gives way to a newcomer, so they
 * cannot lock out a legitimate registration. */
static void test_idle_clients_make_room(void **state)
{
	struct disp_server_stats st;
	int idle[12];
	for (int i = 0; i < 12; i++)
		idle[i] = dial();
	int good = dial();
	assert_int_equal(reg(good, 31600, IA), 31600);
	disp_server_stats(&st);
	assert_true(st.reaped >= 5);
	assert_true(st.clients <= 8);
	assert_true(closed_by_peer(idle[0])); /* the oldest went first */
	for (int i = 0; i < 12; i++)
		close(idle[i]);
	close(good);
}

/* A client that never registers, and one that never finishes a frame, are timed out. */
static void test_timeouts(void **state)
{
	struct disp_server_stats before, after;
	disp_server_stats(&before);
	int silent = dial(), partial = dial();
	assert_int_equal(reg(partial, 31601, IA), 31601);
	uint8_t half[20];
	int hl = snet_disp_frame_header(NULL, 100, half, sizeof(half));
	assert_int_equal(write(partial, half, (size_t)hl), hl); /* a header, then nothing */
	assert_true(closed_by_peer(silent));
	assert_true(closed_by_peer(partial));
	disp_server_stats(&after);
	assert_int_equal(after.timeouts, before.timeouts + 2);
	close(silent);
	close(partial);
}

/* Half-sent large frames from many clients: the receive buffers of all clients together stay
 * under their cap (those that would pass it are closed), and a good client still works. */
static void test_input_memory_capped(void **state)
{
	struct disp_server_stats st;
	static uint8_t big[60000];
	int fds[6];
	for (int i = 0; i < 6; i++) {
		fds[i] = dial();
		assert_int_equal(reg(fds[i], (uint16_t)(31700 + i), IA), 31700 + i);
		int hl = snet_disp_frame_header(NULL, 65000, big, sizeof(big));
		(void)hl;
		assert_int_equal(write(fds[i], big, sizeof(big)), (ssize_t)sizeof(big));
	}
	usleep(200000);
	disp_server_stats(&st);
	assert_true(st.closed_memory >= 1);
	int good = dial();
	assert_int_equal(reg(good, 31710, IA), 31710);
	inject(31710, 100);
	assert_int_equal(next_frame(good), 36 + 8 + 100);
	for (int i = 0; i < 6; i++)
		close(fds[i]);
	close(good);
}

/* ---- the client side: a dispatcher restart ------------------------------------------------ */

static int rx_ok, rx_err, tx_err;
static void on_rx(snet_conn_t *c, int status, const snet_msg *m)
{
	if (status == SNET_E_DISPATCHER)
		rx_err++;
	else if (status == 0)
		rx_ok++;
}

static void on_tx(snet_send_t *req, int status)
{
	tx_err += status == SNET_E_DISPATCHER;
}

static bool spin_until(uv_loop_t *loop, int *v, int want, int ms)
{
	uint64_t end = uv_hrtime() + (uint64_t)ms * 1000000;
	while (*v < want && uv_hrtime() < end) {
		uv_run(loop, UV_RUN_NOWAIT);
		usleep(1000);
	}
	return *v >= want;
}

/* The dispatcher goes away under a receiving conn and comes back: the conn hears it once,
 * its sends fail meanwhile, and (reconnecting) it gets its port back and receives again. */
static void restart(unsigned flags)
{
	uv_loop_t loop;
	snet_topology topo;
	snet_network_t net;
	snet_conn_t c;
	snet_send_t req;
	uv_loop_init(&loop);
	snet_topology_init(&topo, IA, 31000, 31999);
	assert_int_equal(snet_network_init(&loop, &net, &topo, NULL), 0);
	snet_conn_init(&net, &c);
	assert_int_equal(snet_conn_set_dispatcher(&c, path, flags), 0);
	struct sockaddr_in at = { .sin_family = AF_INET, .sin_port = htons(31321),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	assert_int_equal(snet_conn_bind(&c, (struct sockaddr *)&at, 0), 0);
	snet_conn_recv_start(&c, on_rx);
	rx_ok = rx_err = tx_err = 0;
	inject(31321, 10);
	assert_true(spin_until(&loop, &rx_ok, 1, 2000));
	disp_thread_stop();
	assert_true(spin_until(&loop, &rx_err, 1, 2000));
	snet_udp_addr to = { .ia = IA, .port = 31555 };
	snet_ip_parse("127.0.0.1", 9, &to.host);
	uv_buf_t b = uv_buf_init("x", 1);
	assert_int_equal(snet_conn_send(&req, &c, &b, 1, &to, on_tx), 0);
	assert_true(spin_until(&loop, &tx_err, 1, 1000));
	assert_int_equal(setup_with(NULL), 0);
	/* Reconnected, it receives at the same port again; without, it stays deaf. */
	int got = 0;
	for (int i = 0; i < 40 && rx_ok < 2; i++) {
		inject(31321, 10);
		spin_until(&loop, &rx_ok, 2, 100);
	}
	got = rx_ok - 1;
	if (flags & SNET_DISP_NO_RECONNECT)
		assert_int_equal(got, 0);
	else
		assert_true(got >= 1);
	assert_int_equal(rx_err, 1); /* heard once */
	int closed = 0;
	c.data = &closed;
	snet_conn_close(&c, NULL);
	assert_int_equal(snet_network_close(&net, NULL), 0);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(&loop), 0);
}

static void test_client_reconnects(void **state)
{
	restart(0);
}

static void test_client_no_reconnect(void **state)
{
	restart(SNET_DISP_NO_RECONNECT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_isolation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_client_close_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_idle_clients_make_room, setup_small, teardown),
		cmocka_unit_test_setup_teardown(test_timeouts, setup_small, teardown),
		cmocka_unit_test_setup_teardown(test_input_memory_capped, setup_small, teardown),
		cmocka_unit_test_setup_teardown(test_client_reconnects, setup, teardown),
		cmocka_unit_test_setup_teardown(test_client_no_reconnect, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
