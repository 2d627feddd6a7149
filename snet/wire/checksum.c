/* SPDX-License-Identifier: Apache-2.0 */
/* Upper-layer checksum over the SCION pseudo header (Go: SCION.computeChecksum). */
#include "snet/wire.h"
#include "rd.h"

/* A one's-complement sum fed in pieces; odd is set when the last piece ended in the middle of
 * a 16-bit word, so that the next byte is that word's low half. */
typedef struct csum {
	uint64_t sum;
	bool odd;
} csum;

static void csum_add(csum *c, const uint8_t *p, size_t n)
{
	if (n && c->odd) {
		c->sum += p[0];
		p++;
		n--;
		c->odd = false;
	}
	size_t i = 0;
	/* Eight bytes a step: both 32-bit halves of a big-endian word; the 64-bit sum cannot
	 * overflow for any packet size. */
	for (; i + 8 <= n; i += 8) {
		uint64_t w = get64(p + i);
		c->sum += (w >> 32) + (w & 0xffffffffu);
	}
	for (; i + 4 <= n; i += 4)
		c->sum += get32(p + i);
	for (; i + 2 <= n; i += 2)
		c->sum += get16(p + i);
	if (i < n) {
		c->sum += (uint64_t)p[i] << 8; /* odd length: pad with a zero byte */
		c->odd = true;
	}
}

static uint16_t csum_fold(uint64_t s)
{
	while (s >> 16)
		s = (s >> 16) + (s & 0xffffu);
	return (uint16_t)~s;
}

static void csum_pseudo(csum *c, const snet_scion_hdr *h, uint8_t proto, size_t l4_len)
{
	c->sum += (h->dst_ia >> 32) + (h->dst_ia & 0xffffffffu);
	c->sum += (h->src_ia >> 32) + (h->src_ia & 0xffffffffu);
	csum_add(c, h->dst_host, snet_addr_type_len(h->dst_type));
	csum_add(c, h->src_host, snet_addr_type_len(h->src_type));
	c->sum += (uint32_t)l4_len;
	c->sum += proto;
}

uint16_t snet_l4_checksum(const snet_scion_hdr *h, uint8_t proto, const uint8_t *l4,
			  size_t l4_len, size_t csum_off)
{
	csum c = { 0, false };
	csum_pseudo(&c, h, proto, l4_len);
	if (csum_off + 2 <= l4_len) {
		csum_add(&c, l4, csum_off);
		csum_add(&c, l4 + csum_off + 2, l4_len - csum_off - 2);
	} else {
		csum_add(&c, l4, l4_len);
	}
	return csum_fold(c.sum);
}

uint16_t snet_l4_checksum_v(const snet_scion_hdr *h, uint8_t proto, const struct iovec *iov,
			    size_t n)
{
	csum c = { 0, false };
	size_t len = 0;
	for (size_t i = 0; i < n; i++)
		len += iov[i].iov_len;
	csum_pseudo(&c, h, proto, len);
	for (size_t i = 0; i < n; i++)
		csum_add(&c, iov[i].iov_base, iov[i].iov_len);
	return csum_fold(c.sum);
}
