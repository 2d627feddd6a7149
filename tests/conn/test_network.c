/* SPDX-License-Identifier: Apache-2.0 */
/* The network's netlink watcher, in a network namespace of its own (unshare; needs root):
 * an overflow of the event socket flushes the route cache and the watcher keeps running; a
 * broken event socket is replaced; the network closes cleanly meanwhile. */
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common.h"
#include "../../snet/conn/internal.h"

#define IA 0x0001ff0000000110ull

static uv_loop_t loop;
static snet_topology topo;
static snet_network_t net;
static uint64_t changes, last_gen;
static uv_timer_t keepalive; /* the watcher alone does not keep a loop running */

static void on_change(snet_network_t *n, uint64_t gen)
{
	changes++;
	last_gen = gen;
}

static void sh(const char *cmd)
{
	assert_int_equal(system(cmd), 0);
}

static int setup_ns(void **state)
{
	if (unshare(CLONE_NEWNET) < 0) {
		fprintf(stderr, "unshare(CLONE_NEWNET): %s (this test needs root)\n",
			strerror(errno));
		return -1;
	}
	sh("ip link set lo up");
	return 0;
}

static int setup(void **state)
{
	snet_network_opts o;
	uv_loop_init(&loop);
	snet_topology_init(&topo, IA, 31000, 31999);
	snet_network_opts_default(&o);
	o.route_change_cb = on_change;
	assert_int_equal(snet_network_init(&loop, &net, &topo, &o), 0);
	uv_timer_init(&loop, &keepalive);
	uv_timer_start(&keepalive, (uv_timer_cb)abort, 60000, 0);
	changes = 0;
	return 0;
}

static void on_net_closed(snet_network_t *n)
{
	*(int *)n->data = 1;
}

static int teardown(void **state)
{
	int closed = 0;
	uv_close((uv_handle_t *)&keepalive, NULL);
	net.data = &closed;
	assert_int_equal(snet_network_close(&net, on_net_closed), 0);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(closed, 1);
	assert_int_equal(uv_loop_close(&loop), 0);
	return 0;
}

/* Runs the loop until cond holds, or fails after two seconds. */
#define RUN_UNTIL(cond)                                                                            \
	do {                                                                                       \
		uint64_t end_ = uv_hrtime() + 2000000000ull;                                      \
		while (!(cond)) {                                                                  \
			uv_run(&loop, UV_RUN_NOWAIT);                                              \
			if (uv_hrtime() > end_)                                                    \
				fail_msg("timed out waiting for " #cond);                          \
			usleep(1000);                                                              \
		}                                                                                  \
	} while (0)

static void cache_one(void)
{
	snet_route_key k = { .family = AF_INET, .addr = { 127, 0, 0, 1 } };
	uint8_t src[16];
	assert_int_equal(snet__resolver_lookup(&NET(&net)->resolver, &k, 31000, src), 0);
	assert_true(snet_route_cache_get(&NET(&net)->resolver.cache, &k, src));
}

static bool cached(void)
{
	snet_route_key k = { .family = AF_INET, .addr = { 127, 0, 0, 1 } };
	uint8_t src[16];
	return snet_route_cache_get(&NET(&net)->resolver.cache, &k, src);
}

/* A storm of address changes while the loop does not run: the event socket overflows. */
static void storm(int n)
{
	char file[] = "/tmp/snet-storm-XXXXXX";
	int fd = mkstemp(file);
	FILE *f = fdopen(fd, "w");
	for (int i = 0; i < n; i++)
		fprintf(f, "address add 10.77.%d.%d/32 dev lo\n", i / 250, i % 250 + 1);
	for (int i = 0; i < n; i++)
		fprintf(f, "address del 10.77.%d.%d/32 dev lo\n", i / 250, i % 250 + 1);
	fclose(f);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "ip -batch %s", file);
	sh(cmd);
	unlink(file);
}

static void test_overflow_flushes_and_rearms(void **state)
{
	snet_network_stats st;
	int small = 2048;
	int fd = snet__resolver_events_fd(&NET(&net)->resolver);
	assert_true(fd >= 0);
	assert_int_equal(setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &small, sizeof(small)), 0);
	cache_one();
	storm(500);
	RUN_UNTIL(!cached());
	snet_network_get_stats(&net, &st);
	assert_true(st.route_overflows >= 1);
	assert_true(changes >= 1);
	assert_int_equal(last_gen, NET(&net)->resolver.cache.gen);
	/* Still watching: the next single change flushes again. */
	cache_one();
	uint64_t before = changes;
	sh("ip address add 10.78.0.1/32 dev lo");
	RUN_UNTIL(!cached());
	assert_true(changes > before);
	snet_network_get_stats(&net, &st);
	assert_true(st.route_events >= 1);
	sh("ip address del 10.78.0.1/32 dev lo");
}

/* A socket that broke otherwise is replaced by a new one, subscribed afresh. */
static void test_broken_socket_is_replaced(void **state)
{
	snet_network_stats st;
	cache_one();
	snet__network_reopen_events(&net, -EBADF);
	RUN_UNTIL(NET(&net)->resolver.reopens == 1 && NET(&net)->events_state == EV_ON);
	assert_false(cached()); /* events may have been lost meanwhile */
	cache_one();
	sh("ip address add 10.78.0.2/32 dev lo");
	RUN_UNTIL(!cached());
	snet_network_get_stats(&net, &st);
	assert_int_equal(st.route_reopens, 1);
	sh("ip address del 10.78.0.2/32 dev lo");
}

/* Closing the network while the replacement is under way. */
static void test_close_while_reopening(void **state)
{
	snet__network_reopen_events(&net, -EBADF);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_overflow_flushes_and_rearms, setup, teardown),
		cmocka_unit_test_setup_teardown(test_broken_socket_is_replaced, setup, teardown),
		cmocka_unit_test_setup_teardown(test_close_while_reopening, setup, teardown),
	};
	return cmocka_run_group_tests(tests, setup_ns, NULL);
}
