/* SPDX-License-Identifier: Apache-2.0 */
/* Upper-layer checksum over the SCION pseudo header (Go: SCION.computeChecksum). */
#include "snet/wire.h"
#include "rd.h"

static uint64_t sum_bytes(const uint8_t *p, size_t n)
{
	uint64_t s = 0;
	size_t i = 0;
	for (; i + 4 <= n; i += 4)
		s += get32(p + i);
	for (; i + 2 <= n; i += 2)
		s += (uint64_t)get16(p + i) << 16;
	if (i < n)
		s += (uint64_t)p[i] << 24; /* odd length: pad with a zero byte */
	return s;
}

/* Folds a sum of 32-bit words and of 16-bit words placed in the high half into 16 bits. */
static uint16_t fold(uint64_t s)
{
	s = (s >> 32) + (s & 0xffffffffu);
	s = (s >> 16) + (s & 0xffffu);
	s = (s >> 16) + (s & 0xffffu);
	s = (s >> 16) + (s & 0xffffu);
	return (uint16_t)s;
}

uint16_t snet_l4_checksum(const snet_scion_hdr *h, uint8_t proto, const uint8_t *l4,
			  size_t l4_len, size_t csum_off)
{
	uint64_t s = 0;
	s += h->dst_ia >> 32;
	s += h->dst_ia & 0xffffffffu;
	s += h->src_ia >> 32;
	s += h->src_ia & 0xffffffffu;
	s += sum_bytes(h->dst_host, snet_addr_type_len(h->dst_type));
	s += sum_bytes(h->src_host, snet_addr_type_len(h->src_type));
	s += (uint32_t)l4_len;
	s += proto;
	/* 32-bit words starting at even offsets: a field at an odd 16-bit slot lands in the low
	 * half, which fold() treats the same as the high half. */
	s += sum_bytes(l4, l4_len);
	if (csum_off + 2 <= l4_len)
		s -= (csum_off % 4 == 0) ? (uint64_t)get16(l4 + csum_off) << 16
					 : (uint64_t)get16(l4 + csum_off);
	return (uint16_t)~fold(s);
}
