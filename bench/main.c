/* SPDX-License-Identifier: Apache-2.0 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "snet/snet.h"
#include "bench.h"

volatile uint64_t bench_sink;

/* snet-bench: the codec, conn and dispatcher figures. snet-bench daemon ADDR DST [N]: the
 * daemon client's, against a running daemon (acceptance/multihomed/run --control go --bench). */
int main(int argc, char **argv)
{
	if (argc >= 4 && strcmp(argv[1], "daemon") == 0)
		return bench_daemon(argv[2], argv[3], argc > 4 ? atol(argv[4]) : 2000);
	/* One group alone, in this network namespace (echo: five runs of the plain echo, for
	 * profiling). */
	if (argc == 2 && strcmp(argv[1], "codec") == 0) {
		bench_codec();
		return 0;
	}
	if (argc == 2 && strcmp(argv[1], "conn") == 0) {
		bench_conn();
		return 0;
	}
	if (argc == 2 && strcmp(argv[1], "bulk") == 0) {
		bench_bulk();
		return 0;
	}
	if (argc == 2 && strcmp(argv[1], "echo") == 0) {
		for (int i = 0; i < 5; i++)
			bench_report("conn_echo_pps", bench_conn_echo_pps(NULL, 31000, SNET_ECHO_PLAIN),
				     "pps");
		return 0;
	}
	if (argc == 2 && strcmp(argv[1], "peers") == 0) {
		bench_peers();
		return 0;
	}
	if (argc != 1) {
		fprintf(stderr, "usage: snet-bench [daemon ADDR DST_IA [N] | codec | conn | echo | bulk | peers]\n");
		return 2;
	}
	/* Writes to a closed Unix socket must fail, not kill us. */
	signal(SIGPIPE, SIG_IGN);
	bench_codec();
	bench_conn();
	bench_bulk();
	bench_peers();
	bench_disp();
	bench_select();
	bench_footprint();
	return 0;
}
