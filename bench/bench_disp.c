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
#define WINDOW 32
#define ROUNDS 100000
#define MAX_NS 3000000000ull

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

static struct echo {
	uv_loop_t loop;
	snet_network_t net;
	snet_conn_t srv, cli;
	snet_udp_addr to;
	snet_send_t creq[WINDOW], sreq[WINDOW * 4];
	uint8_t sbuf[WINDOW * 4][100], payload[100];
	unsigned snext;
	uint64_t done, start;
} E;

static void sent(snet_send_t *r, int status)
{
}

static void cli_send(snet_send_t *r)
{
	uv_buf_t b = uv_buf_init((char *)E.payload, sizeof(E.payload));
	snet_conn_send(r, &E.cli, &b, 1, &E.to, sent);
}

static void srv_recv(snet_conn_t *c, int status, const snet_msg *m)
{
	unsigned k = E.snext++ % (WINDOW * 4);
	memcpy(E.sbuf[k], m->data, m->len);
	uv_buf_t b = uv_buf_init((char *)E.sbuf[k], (unsigned)m->len);
	snet_conn_send(&E.sreq[k], c, &b, 1, m->from, sent);
}

static void cli_recv(snet_conn_t *c, int status, const snet_msg *m)
{
	if (++E.done >= ROUNDS || bench_now_ns() - E.start > MAX_NS) {
		uv_stop(&E.loop);
		return;
	}
	cli_send(&E.creq[E.done % WINDOW]);
}

static void closed(snet_conn_t *c)
{
}

static double echo_pps(const char *disp_path, uint16_t port)
{
	snet_topology t;
	struct sockaddr_in any = { .sin_family = AF_INET, .sin_port = htons(port) };
	struct sockaddr_in cl = { .sin_family = AF_INET };
	memset(&E, 0, sizeof(E));
	uv_loop_init(&E.loop);
	snet_topology_init(&t, IA, 31000, 32767);
	snet_network_init(&E.loop, &E.net, &t, NULL);
	snet_conn_init(&E.net, &E.srv);
	snet_conn_init(&E.net, &E.cli);
	if (disp_path)
		snet_conn_set_dispatcher(&E.srv, disp_path);
	int e = snet_conn_bind(&E.srv, (struct sockaddr *)&any, 0);
	snet_conn_bind(&E.cli, (struct sockaddr *)&cl, 0);
	double pps = -1;
	if (!e) {
		snet_conn_recv_start(&E.srv, srv_recv);
		snet_conn_recv_start(&E.cli, cli_recv);
		E.to = (snet_udp_addr){ .ia = IA, .port = port };
		snet_ip_parse("127.0.0.1", 9, &E.to.host);
		E.start = bench_now_ns();
		for (int i = 0; i < WINDOW; i++)
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
	double via = DT.ready > 0 ? echo_pps(DT.path, 31010) : -1;
	uv_async_send(&DT.stop);
	pthread_join(th, NULL);
	unlink(DT.path);
	double direct = echo_pps(NULL, 31011);
	if (via < 0 || direct <= 0) {
		fprintf(stderr, "bench: dispatcher benchmark could not run\n");
		return;
	}
	bench_report("dispatcher_forward_pps", via, "pps");
	bench_report("direct_pps", direct, "pps");
	bench_report("dispatcher_forward_ratio", via / direct, "x");
}
