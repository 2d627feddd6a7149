/* SPDX-License-Identifier: Apache-2.0 */
#include <signal.h>

#include "bench.h"

volatile uint64_t bench_sink;

int main(void)
{
	/* Writes to a closed Unix socket must fail, not kill us. */
	signal(SIGPIPE, SIG_IGN);
	bench_codec();
	bench_conn();
	bench_disp();
	return 0;
}
