/* SPDX-License-Identifier: Apache-2.0 */
/* Benchmarks print only "bench <name> <value> <unit>" lines on stdout; everything else goes to
 * stderr. Each figure sits next to a baseline measured in the same process. */
#ifndef SNET_BENCH_H
#define SNET_BENCH_H

#include <stdint.h>
#include <stdio.h>
#include <time.h>

static inline uint64_t bench_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static inline void bench_report(const char *name, double value, const char *unit)
{
	printf("bench %s %.3f %s\n", name, value, unit);
	fflush(stdout);
}

/* A ratio with its target; a missed target is said on stderr, never a failure. */
static inline void bench_ratio(const char *name, double value, const char *target_desc, int met)
{
	bench_report(name, value, "x");
	if (!met)
		fprintf(stderr, "bench: %s = %.3f misses its target (%s)\n", name, value,
			target_desc);
}

/* Interleaved runs keep the best of each figure: this machine is shared and noisy. */
static inline void bench_best(double *best, double v)
{
	if (v > *best)
		*best = v;
}

/* Keeps the compiler from discarding a computed value. */
extern volatile uint64_t bench_sink;

void bench_codec(void);
void bench_conn(void);
void bench_bulk(void);
void bench_peers(void);
void bench_disp(void);
int bench_daemon(const char *addr, const char *dst, long n);
void bench_select(void);
void bench_footprint(void);
/* The raw baseline's batching: no GSO, no GRO. */
#define SNET_ECHO_PLAIN (SNET_NETWORK_NO_GSO | SNET_NETWORK_NO_GRO)
double bench_conn_echo_pps(const char *disp_path, uint16_t port, unsigned net_flags);

#endif
