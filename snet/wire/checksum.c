/* SPDX-License-Identifier: Apache-2.0 */
/* Upper-layer checksum over the SCION pseudo header (Go: SCION.computeChecksum). */
#include <endian.h>
#include <stdint.h>
#include <string.h>

#include "snet/wire.h"

/* Every sum here is kept in the host's load order (the one's-complement sum of 16-bit words
 * read as they lie in memory, in 64 bits with end-around carry): the payload is summed as it
 * loads, the pseudo header's numbers are put in the same order (htobe), and the one swap to a
 * number comes at the end (RFC 1071, 2.B: the folded sum of byte-swapped words is the
 * byte-swapped sum). odd is set when the last piece ended in the middle of a 16-bit word: the
 * next piece's bytes then sit one place over, which multiplies its sum by 2^8 (a rotation of
 * the 64-bit sum, as the kernel's csum_block_add does). */
typedef struct csum {
	uint64_t sum;
	bool odd;
} csum;

/* The one's-complement sum of n bytes (a multiple of 32) read as host-order 16-bit words: each
 * 32-bit word's halves added into two 32-bit sums, a loop the compiler vectorizes without
 * widening; on x86-64 also built for AVX2 and AVX-512, chosen at load time by the CPU (the
 * checksum of a 1208-byte datagram here: 48 ns with 64-bit lanes on SSE2, 28 with AVX2, 19
 * with AVX-512). Chunks of 64 KiB keep either sum below 2^31. */
#if defined(__x86_64__) && defined(__GNUC__)
__attribute__((target_clones("arch=x86-64-v4", "avx2", "default")))
#endif
static uint64_t sum_host_order(const uint8_t *p, size_t n)
{
	uint64_t s = 0;
	while (n) {
		size_t k = n < 65536 ? n : 65536;
		uint32_t lo = 0, hi = 0;
		for (size_t i = 0; i < k; i += 4) {
			uint32_t w;
			memcpy(&w, p + i, sizeof(w));
			lo += w & 0xffffu;
			hi += w >> 16;
		}
		s += (uint64_t)lo + hi;
		p += k;
		n -= k;
	}
	return s;
}

/* No loop (a data-dependent loop count is a branch the CPU mispredicts on every other
 * packet): 64 to 32 bits with the carry added back, then the kernel's csum_fold, whose high
 * half of x + (x rotated by 16) is hi + lo with the end-around carry in it. */
static uint16_t fold16(uint64_t s)
{
	uint32_t hi = (uint32_t)(s >> 32), x = (uint32_t)s + hi;
	x += x < hi;
	return (uint16_t)((x + (x >> 16 | x << 16)) >> 16);
}

/* a + b with the carry out added back in (end-around carry): sums of 64-bit words stay
 * congruent modulo 2^64 - 1, which 0xffff divides, so they fold to the 16-bit sum. */
static inline uint64_t add_eac(uint64_t a, uint64_t b)
{
	uint64_t r = a + b;
	return r + (r < b);
}

static inline uint64_t load64(const uint8_t *p)
{
	uint64_t w;
	memcpy(&w, p, sizeof(w));
	return w;
}

/* Whole 16-bit words in host order (n even) as 8-byte words with end-around carry in two
 * independent chains, then the last words: for short runs (a 100-byte datagram pays no
 * vector set-up) and the ends of long ones. */
static uint64_t sum_scalar(const uint8_t *p, size_t n)
{
	uint64_t a = 0, b = 0;
	size_t i = 0;
	for (; i + 16 <= n; i += 16) {
		a = add_eac(a, load64(p + i));
		b = add_eac(b, load64(p + i + 8));
	}
	a = add_eac(a, b);
	if (i + 8 <= n) {
		a = add_eac(a, load64(p + i));
		i += 8;
	}
	/* Straight on, not a loop: 0, 2, 4 or 6 bytes are left. */
	if (i + 4 <= n) {
		uint32_t w;
		memcpy(&w, p + i, sizeof(w));
		a = add_eac(a, w);
		i += 4;
	}
	if (i + 2 <= n) {
		uint16_t w;
		memcpy(&w, p + i, sizeof(w));
		a = add_eac(a, w);
	}
	return a;
}

/* Whole 16-bit words in host order (n even): long runs through the vector loop, started at
 * a 64-byte boundary (an even number of bytes before it go the scalar way): loads that
 * straddle two cache lines made the checksum of 1,208 bytes take 25 ns, not 19. */
static uint64_t sum_words(const uint8_t *p, size_t n)
{
	if (n < 256)
		return sum_scalar(p, n);
	size_t head = (size_t)(-(uintptr_t)p) & 62;
	uint64_t a = sum_scalar(p, head);
	p += head;
	n -= head;
	size_t v = n & ~(size_t)31;
	a = add_eac(a, sum_host_order(p, v));
	return add_eac(a, sum_scalar(p + v, n - v));
}

static inline uint64_t rotl8(uint64_t x)
{
	return x << 8 | x >> 56;
}

static void csum_add(csum *c, const uint8_t *p, size_t n)
{
	uint64_t s = sum_words(p, n & ~(size_t)1);
	if (n & 1) {
		uint16_t w = 0; /* an odd last byte: the first half of a word padded with zero */
		memcpy(&w, p + n - 1, 1);
		s = add_eac(s, w);
	}
	if (c->odd)
		s = rotl8(s);
	c->sum = add_eac(c->sum, s);
	c->odd ^= n & 1;
}

/* A host of 4 or 16 bytes as it loads. */
static uint64_t sum_host(const uint8_t *host, uint8_t type)
{
	uint32_t w;
	memcpy(&w, host, sizeof(w));
	if (snet_addr_type_len(type) != 16)
		return w;
	return add_eac(load64(host), load64(host + 8));
}

/* The pseudo header: IAs, hosts, the upper-layer length and protocol as 32-bit words. */
static uint64_t pseudo(const snet_scion_hdr *h, uint8_t proto, size_t l4_len)
{
	uint64_t s = add_eac(htobe64(h->dst_ia), htobe64(h->src_ia));
	s = add_eac(s, sum_host(h->dst_host, h->dst_type));
	s = add_eac(s, sum_host(h->src_host, h->src_type));
	return add_eac(s, (uint64_t)htobe32((uint32_t)l4_len) + htobe32(proto));
}

/* The folded sum as a number, complemented. */
static uint16_t csum_fold(uint64_t s)
{
	return (uint16_t)~be16toh(fold16(s));
}

uint16_t snet_l4_checksum(const snet_scion_hdr *h, uint8_t proto, const uint8_t *l4,
			  size_t l4_len, size_t csum_off)
{
	csum c = { pseudo(h, proto, l4_len), false };
	/* One pass over all of it, the checksum field too, which its one's complement then
	 * cancels (the field is at an even offset). The sum is never zero (proto and length are
	 * in it), so the folded result is the same as without the field. */
	csum_add(&c, l4, l4_len);
	if (csum_off + 2 <= l4_len) {
		uint16_t f;
		memcpy(&f, l4 + csum_off, sizeof(f));
		c.sum = add_eac(c.sum, 0xffffu - f);
	}
	return csum_fold(c.sum);
}

static size_t iov_len(const struct iovec *iov, size_t n)
{
	size_t len = 0;
	for (size_t i = 0; i < n; i++)
		len += iov[i].iov_len;
	return len;
}

static void csum_add_v(csum *c, const struct iovec *iov, size_t n)
{
	for (size_t i = 0; i < n; i++)
		csum_add(c, iov[i].iov_base, iov[i].iov_len);
}

uint16_t snet_l4_checksum_v(const snet_scion_hdr *h, uint8_t proto, const struct iovec *iov,
			    size_t n)
{
	csum c = { pseudo(h, proto, iov_len(iov, n)), false };
	csum_add_v(&c, iov, n);
	return csum_fold(c.sum);
}

uint16_t snet_udp_checksum_v(const snet_scion_hdr *h, const snet_udp *u,
			     const struct iovec *payload, size_t n)
{
	csum c = { pseudo(h, SNET_PROTO_UDP, SNET_UDP_HDR_LEN + iov_len(payload, n)), false };
	/* The header's words as they would load (its checksum field zero). */
	c.sum = add_eac(c.sum, (uint64_t)htobe16(u->src_port) + htobe16(u->dst_port) +
				       htobe16(u->length));
	csum_add_v(&c, payload, n);
	return csum_fold(c.sum);
}
