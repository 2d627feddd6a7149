/* SPDX-License-Identifier: Apache-2.0 */
/* Dispatcher mode against direct delivery, same traffic, same run: echo round trips between a
 * client conn and a server conn, once with the server's port bound by an in-process
 * dispatcher (its own thread and loop, as the daemon would be) and once bound directly. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "snet/snet.h"
#include "thread.h"
#include "bench.h"

#define IA 0x0001ff0000000110ull

void bench_disp(void)
{
	char path[64];
	snprintf(path, sizeof(path), "/tmp/snet-bench-%d.sock", (int)getpid());
	double via = -1;
	if (disp_thread_start(IA, 31000, 32767, path, NULL) == 0) {
		via = bench_conn_echo_pps(path, 31010, SNET_ECHO_PLAIN);
		disp_thread_stop();
	}
	double direct = bench_conn_echo_pps(NULL, 31011, SNET_ECHO_PLAIN);
	if (via < 0 || direct <= 0) {
		fprintf(stderr, "bench: dispatcher benchmark could not run\n");
		return;
	}
	bench_report("dispatcher_forward_pps", via, "pps");
	bench_report("direct_pps", direct, "pps");
	bench_report("dispatcher_forward_ratio", via / direct, "x");
}
