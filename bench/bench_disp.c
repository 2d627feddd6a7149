/* SPDX-License-Identifier: Apache-2.0 */
/* Dispatcher mode against direct delivery, same traffic, same run: echo round trips between a
 * client conn and a server conn, once with the server's port bound by an in-process
 * dispatcher (its own thread and loop, as the daemon would be) and once bound directly. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "snet/snet.h"
#include "server.h"
#include "bench.h"

#define IA 0x0001ff0000000110ull

static struct disp_thread {
	uv_loop_t loop;
	uv_async_t stop;
	snet_topology topo;
	snet_network_t net;
	char path[64];
	int ready;
	pthread_mutex_t mu;
	pthread_cond_t cv;
} DT;

static void stop_cb(uv_async_t *a)
{
	disp_server_stop();
	uv_close((uv_handle_t *)a, NULL);
	snet_network_close(&DT.net, NULL);
}

static void *disp_main(void *arg)
{
	uv_loop_init(&DT.loop);
	snet_topology_init(&DT.topo, IA, 31000, 32767);
	snet_network_init(&DT.loop, &DT.net, &DT.topo, NULL);
	uv_async_init(&DT.loop, &DT.stop, stop_cb);
	int e = disp_server_start(&DT.loop, &DT.net, DT.path);
	pthread_mutex_lock(&DT.mu);
	DT.ready = e ? -1 : 1;
	pthread_cond_signal(&DT.cv);
	pthread_mutex_unlock(&DT.mu);
	if (!e)
		uv_run(&DT.loop, UV_RUN_DEFAULT);
	uv_loop_close(&DT.loop);
	return NULL;
}

void bench_disp(void)
{
	pthread_t th;
	snprintf(DT.path, sizeof(DT.path), "/tmp/snet-bench-%d.sock", (int)getpid());
	pthread_mutex_init(&DT.mu, NULL);
	pthread_cond_init(&DT.cv, NULL);
	pthread_create(&th, NULL, disp_main, NULL);
	pthread_mutex_lock(&DT.mu);
	while (!DT.ready)
		pthread_cond_wait(&DT.cv, &DT.mu);
	pthread_mutex_unlock(&DT.mu);
	double via = DT.ready > 0 ? bench_conn_echo_pps(DT.path, 31010) : -1;
	uv_async_send(&DT.stop);
	pthread_join(th, NULL);
	unlink(DT.path);
	double direct = bench_conn_echo_pps(NULL, 31011);
	if (via < 0 || direct <= 0) {
		fprintf(stderr, "bench: dispatcher benchmark could not run\n");
		return;
	}
	bench_report("dispatcher_forward_pps", via, "pps");
	bench_report("direct_pps", direct, "pps");
	bench_report("dispatcher_forward_ratio", via / direct, "x");
}
