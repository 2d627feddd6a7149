/* SPDX-License-Identifier: Apache-2.0 */
/* Sends through a remote source (snet_conn_send_via) that are still queued when its path
 * changes leave on the new path: to the new first router, with the new path's bytes. When the
 * source has no path then, or was forgotten, they keep the one they were given. Two raw UDP
 * sockets on loopback stand for the two first-hop routers. */
#include <errno.h>
#include <unistd.h>

#include "common.h"
#include "golden_path.h"
#include "loop_helpers.h"

#define IA 0x0001ff0000000110ull
#define REMOTE_IA 0x0001ff0000000112ull

static uv_loop_t loop;
#define run_until(flag, want) loop_run_until(&loop, (flag), (want), 2000)
static snet_topology topo;
static snet_network_t net;
static snet_conn_t conn;
static int routers[2];
static struct sockaddr_storage router_addr[2];
static int sent, send_errors;

/* The remote source: a path to REMOTE_IA through router `via` (the golden path, or its
 * reverse for router 1, so that the bytes tell them apart). */
static struct source {
	snet_remote_source base;
	int via;
	bool none;
} src;

static int current(snet_remote_source *s, snet_udp_addr *out)
{
	struct source *x = (struct source *)(void *)s;
	if (x->none)
		return SNET_E_NO_PATH;
	out->ia = REMOTE_IA;
	out->path_type = SNET_PATH_SCION;
	out->path = x->via ? golden_raw_reversed : golden_raw_path;
	out->path_len = sizeof(golden_raw_path);
	out->next_hop = router_addr[x->via];
	return 0;
}

static void switch_to(int via)
{
	src.via = via;
	src.base.gen++;
}

static int setup(void **state)
{
	uv_loop_init(&loop);
	snet_topology_init(&topo, IA, 31000, 31999);
	assert_int_equal(snet_network_init(&loop, &net, &topo, NULL), 0);
	snet_conn_init(&net, &conn);
	struct sockaddr_storage any = sa("127.0.0.1", 0);
	assert_int_equal(snet_conn_bind(&conn, (struct sockaddr *)&any, 0), 0);
	for (int i = 0; i < 2; i++) {
		routers[i] = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
		router_addr[i] = sa("127.0.0.1", 0);
		socklen_t len = sizeof(router_addr[i]);
		assert_int_equal(bind(routers[i], (struct sockaddr *)&router_addr[i],
				      sizeof(struct sockaddr_in)), 0);
		getsockname(routers[i], (struct sockaddr *)&router_addr[i], &len);
	}
	src = (struct source){ .base = { .current = current } };
	return 0;
}

static int closed;
static void on_closed(snet_conn_t *c)
{
	closed = 1;
}

static int teardown(void **state)
{
	closed = 0;
	snet_conn_close(&conn, on_closed);
	run_until(&closed, 1);
	loop_close_network(&loop, &net);
	close(routers[0]);
	close(routers[1]);
	return 0;
}

static void on_sent(snet_send_t *req, int status)
{
	sent++;
	if (status < 0)
		send_errors++;
}

static snet_send_t reqs[16];
static char payloads[16][16];

/* Queues n sends through the source; the loop does not run. */
static void queue(int n)
{
	snet_host h;
	assert_int_equal(snet_ip_parse("10.112.0.2", 10, &h), 0);
	for (int i = 0; i < n; i++) {
		snprintf(payloads[i], sizeof(payloads[i]), "p%d", i);
		uv_buf_t b = uv_buf_init(payloads[i], (unsigned)strlen(payloads[i]));
		assert_int_equal(snet_conn_send_via(&reqs[i], &conn, &b, 1, &src.base, &h, 31000, on_sent), 0);
	}
}

static void flush(int n)
{
	sent = send_errors = 0;
	run_until(&sent, n);
	assert_int_equal(send_errors, 0);
}

/* Datagrams router r got: each a SCION packet for REMOTE_IA with the path of router `want`. */
static int received(int r, int want)
{
	uint8_t buf[2048];
	int n = 0;
	ssize_t len;
	for (int tries = 0; tries < 50; tries++) {
		while ((len = recv(routers[r], buf, sizeof(buf), 0)) > 0) {
			snet_pkt p;
			assert_true(snet_pkt_parse(buf, (size_t)len, &p, NULL) > 0);
			assert_int_equal(p.hdr.dst_ia, REMOTE_IA);
			assert_memory_equal(p.hdr.path, want ? golden_raw_reversed : golden_raw_path,
					    sizeof(golden_raw_path));
			assert_true(p.checksum_ok);
			n++;
		}
		usleep(1000);
	}
	return n;
}

static uint64_t repaths(void)
{
	snet_conn_stats s;
	snet_conn_get_stats(&conn, &s);
	return s.repaths;
}

static void test_queued_sends_take_the_new_path(void **state)
{
	queue(5);
	switch_to(1);
	flush(5);
	assert_int_equal(received(1, 1), 5);
	assert_int_equal(received(0, 0), 0);
	assert_int_equal(repaths(), 5);
	/* No change: they leave as stamped. */
	queue(3);
	flush(3);
	assert_int_equal(received(1, 1), 3);
	assert_int_equal(repaths(), 5);
}

static void test_no_path_left_keeps_the_old_one(void **state)
{
	switch_to(1);
	queue(4);
	src.none = true;
	src.base.gen++;
	flush(4);
	assert_int_equal(received(1, 1), 4);
	assert_int_equal(repaths(), 0);
	src.none = false;
}

static void test_forgotten_source(void **state)
{
	queue(2);
	switch_to(1);
	snet_conn_forget_source(&conn, &src.base);
	flush(2);
	assert_int_equal(received(0, 0), 2);
	assert_int_equal(received(1, 1), 0);
	assert_int_equal(repaths(), 0);
	/* And a source without a path refuses the send outright. */
	src.none = true;
	snet_host h;
	snet_ip_parse("10.112.0.2", 10, &h);
	uv_buf_t b = uv_buf_init(payloads[0], 1);
	assert_int_equal(snet_conn_send_via(&reqs[0], &conn, &b, 1, &src.base, &h, 31000, on_sent),
			 SNET_E_NO_PATH);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_queued_sends_take_the_new_path, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_path_left_keeps_the_old_one, setup, teardown),
		cmocka_unit_test_setup_teardown(test_forgotten_source, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
