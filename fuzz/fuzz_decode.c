/* SPDX-License-Identifier: Apache-2.0 */
/* Packet decode: any bytes, never a crash or a read past the buffer; and the parser's fast path
 * (the common UDP packet) agrees with the full parser on every input, field by field. */
#include <stdlib.h>
#include <string.h>

#include "snet/snet.h"
#include "fuzz.h"

/* In the static library (snet/wire/l4.h): the parser without its fast path. */
int snet__pkt_parse_full(const uint8_t *buf, size_t len, snet_pkt *p, size_t *off,
			 unsigned flags);

static bool same_hdr(const snet_scion_hdr *a, const snet_scion_hdr *b)
{
	return a->version == b->version && a->traffic_class == b->traffic_class &&
	       a->flow_id == b->flow_id && a->next_hdr == b->next_hdr &&
	       a->hdr_len == b->hdr_len && a->payload_len == b->payload_len &&
	       a->path_type == b->path_type && a->dst_type == b->dst_type &&
	       a->src_type == b->src_type && a->rsv == b->rsv && a->dst_ia == b->dst_ia &&
	       a->src_ia == b->src_ia && !memcmp(a->dst_host, b->dst_host, 16) &&
	       !memcmp(a->src_host, b->src_host, 16) && a->path == b->path &&
	       a->path_len == b->path_len;
}

static bool same_pkt(const snet_pkt *a, const snet_pkt *b)
{
	if (!same_hdr(&a->hdr, &b->hdr) || a->has_hbh != b->has_hbh || a->has_e2e != b->has_e2e ||
	    a->l4 != b->l4 || a->payload != b->payload || a->payload_len != b->payload_len ||
	    a->checksum_ok != b->checksum_ok)
		return false;
	return a->l4 != SNET_PROTO_UDP || !memcmp(&a->udp, &b->udp, sizeof(a->udp));
}

static void check_fast_path(const uint8_t *buf, size_t size, const snet_pkt *p, int r,
			    size_t off)
{
	snet_pkt q;
	size_t off2 = 0;
	int r2 = snet__pkt_parse_full(buf, size, &q, &off2, 0);
	if (r2 != r || off2 != off || (r >= 0 && !same_pkt(p, &q)))
		abort();
}

int snet_fuzz_decode(const uint8_t *data, size_t size)
{
	/* A copy of exactly size bytes, so that ASan sees any read past the end. */
	uint8_t *buf = malloc(size ? size : 1);
	snet_pkt p;
	size_t off = 0;
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	int r = snet_pkt_parse(buf, size, &p, &off);
	if (r >= 0 && (size_t)r != size)
		abort();
	if (off > size)
		abort();
	check_fast_path(buf, size, &p, r, off);
	if (r >= 0) {
		snet_opt o;
		size_t pos = 0;
		while (p.has_hbh && snet_ext_next_opt(&p.hbh, &pos, &o) > 0)
			;
	}
	free(buf);
	return 0;
}
SNET_FUZZ_ENTRY(snet_fuzz_decode)
