/* SPDX-License-Identifier: Apache-2.0 */
/* What a conn costs: resident memory per bound conn that has received traffic (the growth of
 * RSS over 1,000 of them; the kernel's socket buffers are not in RSS and are reported apart,
 * as the receive buffer each socket may hold), the time to open and close one (10,000 on one
 * network), and the receive ring the network shares among its conns. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bench.h"
#include "snet/snet.h"

#define MEM_CONNS 1000
#define OPEN_CONNS 10000

static long rss_kib(void)
{
	long pages = 0, rss = 0;
	FILE *f = fopen("/proc/self/statm", "r");
	if (f) {
		if (fscanf(f, "%ld %ld", &pages, &rss) != 2)
			rss = 0;
		fclose(f);
	}
	return rss * (sysconf(_SC_PAGESIZE) / 1024);
}

/* Conn i binds 127.0.X.Y:31000, a loopback address of its own (no alias needed). */
static void addr_of(int i, struct sockaddr_in *a)
{
	char ip[32];
	snprintf(ip, sizeof(ip), "127.1.%d.%d", i / 250, i % 250 + 1);
	uv_ip4_addr(ip, 31000, a);
}

static long received;

static void on_recv(snet_conn_t *c, int status, const snet_msg *m)
{
	if (status == 0)
		received++;
}

static void closed(snet_conn_t *c)
{
}

/* One datagram to each conn, from a plain UDP socket, as SCION/UDP in the local AS. */
static void feed(snet_conn_t *conns, int n, uint64_t ia)
{
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	uint8_t pkt[256];
	for (int i = 0; i < n; i++) {
		struct sockaddr_in a;
		addr_of(i, &a);
		snet_pkt p = { 0 };
		p.hdr.next_hdr = p.l4 = SNET_PROTO_UDP;
		p.hdr.dst_ia = p.hdr.src_ia = ia;
		snet_scion_hdr_set_ip(&p.hdr.dst_type, p.hdr.dst_host, (const uint8_t *)&a.sin_addr, 4);
		snet_scion_hdr_set_ip(&p.hdr.src_type, p.hdr.src_host, (const uint8_t *)"\x7f\0\0\x01", 4);
		p.udp.src_port = 40000;
		p.udp.dst_port = 31000;
		p.payload = (const uint8_t *)"footprint";
		p.payload_len = 9;
		int len = snet_pkt_emit(&p, SNET_EMIT_FIX, pkt, sizeof(pkt));
		if (len > 0)
			sendto(fd, pkt, (size_t)len, 0, (struct sockaddr *)&a, sizeof(a));
	}
	close(fd);
}

void bench_footprint(void)
{
	const uint64_t ia = 0x0001ff0000000110ull;
	struct rlimit rl = { OPEN_CONNS + 256, OPEN_CONNS + 256 };
	if (setrlimit(RLIMIT_NOFILE, &rl)) {
		getrlimit(RLIMIT_NOFILE, &rl);
		if (rl.rlim_cur < OPEN_CONNS + 64) {
			fprintf(stderr, "bench: footprint: RLIMIT_NOFILE %llu, need %d\n",
				(unsigned long long)rl.rlim_cur, OPEN_CONNS + 64);
			return;
		}
	}
	uv_loop_t loop;
	uv_loop_init(&loop);
	snet_topology topo;
	snet_topology_init(&topo, ia, 31000, 32767);
	snet_network_t net;
	snet_network_opts o;
	snet_network_opts_default(&o);
	o.flags = SNET_NETWORK_NO_NETLINK;
	snet_network_init(&loop, &net, &topo, &o);
	snet_conn_t *conns = calloc(OPEN_CONNS, sizeof(*conns));
	/* Warm-up: the network's shared buffers exist before we count. */
	uv_run(&loop, UV_RUN_NOWAIT);
	long before = rss_kib();
	for (int i = 0; i < MEM_CONNS; i++) {
		struct sockaddr_in a;
		addr_of(i, &a);
		snet_conn_init(&net, &conns[i]);
		if (snet_conn_bind(&conns[i], (struct sockaddr *)&a, 0) ||
		    snet_conn_recv_start(&conns[i], on_recv)) {
			fprintf(stderr, "bench: footprint: bind %d failed\n", i);
			return;
		}
	}
	feed(conns, MEM_CONNS, ia);
	for (int spin = 0; spin < 1000 && received < MEM_CONNS; spin++)
		uv_run(&loop, UV_RUN_NOWAIT);
	long after = rss_kib();
	int rcvbuf = 0;
	socklen_t sl = sizeof(rcvbuf);
	int probe = socket(AF_INET, SOCK_DGRAM, 0);
	getsockopt(probe, SOL_SOCKET, SO_RCVBUF, &rcvbuf, &sl);
	close(probe);
	bench_report("conn_mem_kib", (double)(after - before) / MEM_CONNS, "KiB");
	bench_report("conn_struct_bytes", (double)sizeof(snet_conn_t), "B");
	bench_report("conn_kernel_rcvbuf_kib", rcvbuf / 1024.0, "KiB");
	fprintf(stderr, "bench: footprint: %ld of %d conns received\n", received, MEM_CONNS);
	for (int i = 0; i < MEM_CONNS; i++)
		snet_conn_close(&conns[i], closed);
	uv_run(&loop, UV_RUN_DEFAULT);
	/* Open and close 10,000. */
	uint64_t t0 = bench_now_ns();
	int opened = 0;
	for (int i = 0; i < OPEN_CONNS; i++) {
		struct sockaddr_in a;
		addr_of(i, &a);
		snet_conn_init(&net, &conns[i]);
		if (snet_conn_bind(&conns[i], (struct sockaddr *)&a, 0))
			break;
		opened++;
	}
	for (int i = 0; i < opened; i++)
		snet_conn_close(&conns[i], closed);
	uv_run(&loop, UV_RUN_DEFAULT);
	double per = (double)(bench_now_ns() - t0) / 1e3 / (opened ? opened : 1);
	if (opened == OPEN_CONNS)
		bench_report("conn_open_us", per, "us");
	else
		fprintf(stderr, "bench: footprint: only %d conns opened\n", opened);
	snet_network_stats ns;
	snet_network_get_stats(&net, &ns);
	bench_report("network_ring_kib", snet_network_ring_bytes(&net) / 1024.0, "KiB");
	snet_network_close(&net, NULL);
	uv_run(&loop, UV_RUN_DEFAULT);
	uv_loop_close(&loop);
	free(conns);
}
