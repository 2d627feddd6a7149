/* SPDX-License-Identifier: Apache-2.0 */
#include "bench.h"

volatile uint64_t bench_sink;

int main(void)
{
	bench_codec();
	bench_conn();
	return 0;
}
