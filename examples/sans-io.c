/* SPDX-License-Identifier: Apache-2.0 */
/* The packet codec alone, without sockets or a loop (sans-I/O): build a SCION/UDP packet,
 * parse it back, and build the reply Go's snet would send. The wire functions allocate
 * nothing and do no I/O: bring your own buffers, e.g. in a simulator, a fuzzer, a capture
 * tool or another event loop.
 *
 *   sans-io      prints the packet and its reply in hex, and what parsing found */
#include <stdio.h>
#include <string.h>

#include <snet/snet.h>

static void hex(const char *what, const uint8_t *b, int n)
{
	printf("%s (%d bytes): ", what, n);
	for (int i = 0; i < n; i++)
		printf("%02x", b[i]);
	printf("\n");
}

/* A UDP datagram from 1-ff00:0:111,10.0.0.2:40000 to 1-ff00:0:110,10.0.0.1:31000 with an empty
 * path (both in one AS would be usual; the codec does not mind). */
static int build(uint8_t *buf, size_t cap)
{
	static const uint8_t src_ip[4] = { 10, 0, 0, 2 }, dst_ip[4] = { 10, 0, 0, 1 };
	static const char payload[] = "hello";
	snet_pkt p;
	memset(&p, 0, sizeof(p));
	p.hdr.next_hdr = SNET_PROTO_UDP;
	p.hdr.path_type = SNET_PATH_EMPTY;
	snet_ia_parse("1-ff00:0:110", 12, &p.hdr.dst_ia);
	snet_ia_parse("1-ff00:0:111", 12, &p.hdr.src_ia);
	snet_scion_hdr_set_ip(&p.hdr.dst_type, p.hdr.dst_host, dst_ip, 4);
	snet_scion_hdr_set_ip(&p.hdr.src_type, p.hdr.src_host, src_ip, 4);
	p.l4 = SNET_PROTO_UDP;
	p.udp = (snet_udp){ .src_port = 40000, .dst_port = 31000 };
	p.payload = (const uint8_t *)payload;
	p.payload_len = sizeof(payload) - 1;
	/* Lengths and the checksum computed: SNET_EMIT_FIX. */
	return snet_pkt_emit(&p, SNET_EMIT_FIX, buf, cap);
}

int main(void)
{
	uint8_t pkt[256], reply[256], pathbuf[SNET_MAX_HDR_LEN];
	char a[SNET_IA_STRLEN], b[SNET_IA_STRLEN];
	snet_pkt in, out;
	size_t off;

	int n = build(pkt, sizeof(pkt));
	if (n < 0)
		return fprintf(stderr, "emit: %s\n", snet_strerror(n)), 1;
	hex("packet", pkt, n);

	/* Parse: in points into pkt (nothing is copied), so pkt must outlive in. */
	int r = snet_pkt_parse(pkt, (size_t)n, &in, &off);
	if (r < 0)
		return fprintf(stderr, "parse: %s at byte %zu\n", snet_err_name(r), off), 1;
	snet_ia_format(in.hdr.src_ia, a, sizeof(a));
	snet_ia_format(in.hdr.dst_ia, b, sizeof(b));
	printf("parsed: %s -> %s, UDP %u -> %u, checksum %s, payload \"%.*s\"\n", a, b,
	       in.udp.src_port, in.udp.dst_port, in.checksum_ok ? "ok" : "BAD",
	       (int)in.payload_len, (const char *)in.payload);

	/* The reply: addresses and ports swapped, the path reversed into pathbuf. */
	if ((r = snet_pkt_reply(&in, &out, pathbuf, sizeof(pathbuf))) < 0)
		return fprintf(stderr, "reply: %s\n", snet_strerror(r)), 1;
	int m = snet_pkt_emit(&out, SNET_EMIT_FIX, reply, sizeof(reply));
	if (m < 0)
		return fprintf(stderr, "emit reply: %s\n", snet_strerror(m)), 1;
	hex("reply", reply, m);

	/* A damaged packet is refused with the reason and the byte: never a crash. */
	r = snet_pkt_parse(pkt, 20, &in, &off);
	printf("first 20 bytes: %s at byte %zu\n", snet_err_name(r), off);
	return 0;
}
