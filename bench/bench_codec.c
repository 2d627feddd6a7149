/* SPDX-License-Identifier: Apache-2.0 */
/* Codec speed on a SCION/UDP packet with a 2-segment, 4-hop path and 100 bytes of payload,
 * against a memcpy of the same bytes. */
#include <string.h>

#include "snet/snet.h"
#include "bench.h"
#include "golden_path.h"

#define ROUNDS 400000
#define REPEATS 7 /* the best of several runs: this machine is shared and noisy */

static uint8_t pkt[512], out[512], path[128];


static size_t build_packet(void)
{
	static const uint8_t src[4] = { 10, 0, 0, 1 }, dst[4] = { 10, 0, 0, 2 };
	static uint8_t payload[100];
	snet_pkt p = { 0 };
	p.hdr.flow_id = 1;
	p.hdr.path_type = SNET_PATH_SCION;
	p.hdr.dst_ia = snet_ia_from(1, 0xff0000000111ull);
	p.hdr.src_ia = snet_ia_from(2, 0xff0000000222ull);
	snet_scion_hdr_set_ip(&p.hdr.dst_type, p.hdr.dst_host, dst, 4);
	snet_scion_hdr_set_ip(&p.hdr.src_type, p.hdr.src_host, src, 4);
	p.hdr.path = golden_raw_path;
	p.hdr.path_len = sizeof(golden_raw_path);
	p.hdr.next_hdr = SNET_PROTO_UDP;
	p.l4 = SNET_PROTO_UDP;
	p.udp = (snet_udp){ 31000, 31001, 0, 0 };
	memset(payload, 0x42, sizeof(payload));
	p.payload = payload;
	p.payload_len = sizeof(payload);
	return (size_t)snet_pkt_emit(&p, SNET_EMIT_FIX, pkt, sizeof(pkt));
}

static double per_op(uint64_t t0)
{
	return (double)(bench_now_ns() - t0) / ROUNDS;
}

static double min2(double a, double b)
{
	return a < b ? a : b;
}

void bench_codec(void)
{
	size_t n = build_packet();
	snet_pkt p;
	uint8_t type;
	uint64_t t0;
	double memcpy_ns = 1e9, decode_ns = 1e9, emit_ns = 1e9, reverse_ns = 1e9, nocsum_ns = 1e9;

	for (int rep = 0; rep < REPEATS; rep++) {
		t0 = bench_now_ns();
		for (int i = 0; i < ROUNDS; i++) {
			pkt[20] ^= (uint8_t)i; /* a changing byte keeps the loop from being hoisted */
			memcpy(out, pkt, n);
			bench_sink += out[20];
		}
		memcpy_ns = min2(memcpy_ns, per_op(t0));
		pkt[20] = 0;
		build_packet();

		t0 = bench_now_ns();
		for (int i = 0; i < ROUNDS; i++)
			bench_sink += (uint64_t)snet_pkt_parse(pkt, n, &p, NULL) + p.checksum_ok;
		decode_ns = min2(decode_ns, per_op(t0));

		/* The same work as Go's DecodeLayers, which does not verify the checksum. */
		t0 = bench_now_ns();
		for (int i = 0; i < ROUNDS; i++)
			bench_sink += (uint64_t)snet_pkt_parse_flags(pkt, n, &p, NULL,
								     SNET_PARSE_NO_CHECKSUM);
		nocsum_ns = min2(nocsum_ns, per_op(t0));

		snet_pkt_parse(pkt, n, &p, NULL);
		t0 = bench_now_ns();
		for (int i = 0; i < ROUNDS; i++)
			bench_sink += (uint64_t)snet_pkt_emit(&p, SNET_EMIT_FIX, out, sizeof(out));
		emit_ns = min2(emit_ns, per_op(t0));

		t0 = bench_now_ns();
		for (int i = 0; i < ROUNDS; i++)
			bench_sink += (uint64_t)snet_path_reverse(SNET_PATH_SCION, golden_raw_path,
								  sizeof(golden_raw_path), path,
								  sizeof(path), &type);
		reverse_ns = min2(reverse_ns, per_op(t0));
	}

	fprintf(stderr, "bench: codec packet is %zu bytes\n", n);
	bench_report("codec_decode_ns", decode_ns, "ns");
	bench_report("codec_decode_nocsum_ns", nocsum_ns, "ns");
	bench_report("codec_emit_ns", emit_ns, "ns");
	bench_report("codec_reverse_ns", reverse_ns, "ns");
	bench_report("codec_memcpy_ns", memcpy_ns, "ns");
	double ratio = (decode_ns + emit_ns) / (memcpy_ns > 0.01 ? memcpy_ns : 0.01);
	bench_ratio("codec_decode_emit_vs_memcpy", ratio, "under 10", ratio < 10);
}
