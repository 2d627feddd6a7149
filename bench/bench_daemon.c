/* SPDX-License-Identifier: Apache-2.0 */
/* One cached Paths round trip to a remote AS through our daemon client, one call at a time
 * over one handle (Go's CLI and snet do the same through daemon.Connector: gobench -daemon
 * measures that beside it). snet-bench daemon ADDR DST_IA [N]. */
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "snet/snet.h"

static struct {
	bool done;
	int status;
	size_t paths;
} R;

static void on_paths(snet_daemon_req_t *req, int status, snet_path_set *set)
{
	R.done = true;
	R.status = status;
	R.paths = set ? set->n : 0;
	snet_path_set_free(set);
}

static int one(uv_loop_t *loop, snet_daemon_t *d, uint64_t dst)
{
	snet_daemon_req_t req;
	R.done = false;
	int rc = snet_daemon_paths(d, &req, 0, dst, 0, on_paths);
	while (rc == 0 && !R.done)
		uv_run(loop, UV_RUN_ONCE);
	return rc ? rc : R.status;
}

int bench_daemon(const char *addr, const char *dst_s, long n)
{
	uv_loop_t *loop = uv_default_loop();
	snet_daemon_t d;
	uint64_t dst;
	if (snet_ia_parse(dst_s, strlen(dst_s), &dst) || snet_daemon_init(loop, &d, addr, NULL)) {
		fprintf(stderr, "bench: daemon %s, destination %s: bad argument\n", addr, dst_s);
		return 2;
	}
	/* Warm up: the connection, and the daemon's cache of the destination's segments. */
	for (int i = 0; i < 50; i++) {
		int rc = one(loop, &d, dst);
		if (rc || !R.paths) {
			fprintf(stderr, "bench: Paths to %s: %s (%zu paths)\n", dst_s,
				snet_strerror(rc), R.paths);
			return 1;
		}
	}
	uint64_t t0 = bench_now_ns();
	for (long i = 0; i < n; i++)
		if (one(loop, &d, dst))
			return 1;
	double us = (double)(bench_now_ns() - t0) / 1e3 / (double)n;
	bench_report("daemon_paths_us", us, "us");
	snet_daemon_close(&d, NULL);
	uv_run(loop, UV_RUN_DEFAULT);
	return 0;
}
