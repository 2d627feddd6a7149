/* SPDX-License-Identifier: Apache-2.0 */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

#include "server.h"
#include "thread.h"

static struct disp_thread {
	uv_loop_t loop;
	uv_async_t stop;
	snet_topology topo;
	snet_network_t net;
	char path[108];
	struct disp_server_opts opts;
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int ready;
} T = { .mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER };

static void stop_cb(uv_async_t *a)
{
	disp_server_stop();
	uv_close((uv_handle_t *)a, NULL);
	snet_network_close(&T.net, NULL);
}

static void *disp_main(void *arg)
{
	uv_loop_init(&T.loop);
	snet_network_init(&T.loop, &T.net, &T.topo, NULL);
	uv_async_init(&T.loop, &T.stop, stop_cb);
	int e = disp_server_start(&T.loop, &T.net, T.path, &T.opts);
	if (e) {
		uv_close((uv_handle_t *)&T.stop, NULL);
		snet_network_close(&T.net, NULL);
		uv_run(&T.loop, UV_RUN_DEFAULT);
	}
	pthread_mutex_lock(&T.mu);
	T.ready = e ? -1 : 1;
	pthread_cond_signal(&T.cv);
	pthread_mutex_unlock(&T.mu);
	if (!e)
		uv_run(&T.loop, UV_RUN_DEFAULT);
	uv_loop_close(&T.loop);
	return NULL;
}

int disp_thread_start(uint64_t ia, uint16_t start, uint16_t end, const char *path,
		      const struct disp_server_opts *o)
{
	snprintf(T.path, sizeof(T.path), "%s", path);
	snet_topology_init(&T.topo, ia, start, end);
	if (o)
		T.opts = *o;
	else
		disp_server_opts_default(&T.opts, &T.topo);
	T.ready = 0;
	if (pthread_create(&T.th, NULL, disp_main, NULL))
		return -1;
	pthread_mutex_lock(&T.mu);
	while (!T.ready)
		pthread_cond_wait(&T.cv, &T.mu);
	pthread_mutex_unlock(&T.mu);
	if (T.ready < 0) {
		pthread_join(T.th, NULL);
		return -1;
	}
	return 0;
}

void disp_thread_stop(void)
{
	uv_async_send(&T.stop);
	pthread_join(T.th, NULL);
	unlink(T.path);
}
