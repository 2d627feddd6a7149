/* SPDX-License-Identifier: Apache-2.0 */
/* Go's checksum table (pkg/slayers/scion_test.go TestSCIONComputeChecksum), and the fast sum
 * against a two-bytes-at-a-time reference: every length up to 1,600 and the largest, random
 * and all-ones bytes (the largest carries), split into three pieces at odd and even points,
 * with any value in the checksum field; past 64 KiB too. */
#include <stdlib.h>

#include "common.h"

static const struct csum_case {
	const char *what, *dst;
	uint8_t data[5];
	size_t data_len;
	uint8_t proto;
	uint16_t want;
} csum_cases[] = {
	{ "IPv4/IPv4", "172.16.4.2", { 0xaa, 0xbb, 0xcc, 0xdd }, 4, 1, 0x2615 },
	{ "IPv4/IPv4 odd length", "172.16.4.2", { 0xaa, 0xbb, 0xcc, 0xdd, 0xee }, 5, 1, 0x3813 },
	{ "IPv4/IPv6", "dead::beef", { 0xaa, 0xbb, 0xcc, 0xdd }, 4, 17, 0x387a },
	{ "IPv4/SVC", "CS", { 0xaa, 0xbb, 0xcc, 0xdd }, 4, 223, 0xd547 },
};

static void set_host(uint8_t *type, uint8_t raw[16], const char *s)
{
	snet_host h;
	assert_int_equal(snet_host_parse(s, strlen(s), &h), 0);
	if (h.type == SNET_HOST_SVC)
		snet_scion_hdr_set_svc(type, raw, h.svc);
	else
		snet_scion_hdr_set_ip(type, raw, h.ip, h.type == SNET_HOST_IP4 ? 4 : 16);
}

static void test_go_table(void **state)
{
	for (size_t i = 0; i < sizeof(csum_cases) / sizeof(csum_cases[0]); i++) {
		const struct csum_case *c = &csum_cases[i];
		snet_scion_hdr h = { 0 };
		uint8_t ul[8] = { 0 };
		assert_int_equal(snet_ia_parse("1-ff00:0:110", 12, &h.src_ia), 0);
		assert_int_equal(snet_ia_parse("1-ff00:0:112", 12, &h.dst_ia), 0);
		set_host(&h.src_type, h.src_host, "174.16.4.1");
		set_host(&h.dst_type, h.dst_host, c->dst);
		memcpy(ul + 2, c->data, c->data_len);
		size_t n = 2 + c->data_len;
		uint16_t got = snet_l4_checksum(&h, c->proto, ul, n, 0);
		if (got != c->want)
			fail_msg("%s: got 0x%04x, want 0x%04x", c->what, got, c->want);
		/* With the checksum in place, the sum over everything is 0. */
		ul[0] = (uint8_t)(got >> 8);
		ul[1] = (uint8_t)got;
		assert_int_equal(snet_l4_checksum(&h, c->proto, ul, n, n), 0);
		/* The field is skipped wherever it sits: same result with garbage in it. */
		ul[0] = 0x5a;
		assert_int_equal(snet_l4_checksum(&h, c->proto, ul, n, 0), got);
		/* Scattered bytes, split at every odd and even point, give the same sum. */
		ul[0] = ul[1] = 0;
		for (size_t a = 0; a <= n; a++) {
			for (size_t b = a; b <= n; b++) {
				struct iovec iov[3] = { { ul, a }, { ul + a, b - a }, { ul + b, n - b } };
				assert_int_equal(snet_l4_checksum_v(&h, c->proto, iov, 3), got);
			}
		}
	}
}

/* RFC 1071 the slow way: big-endian 16-bit words, an odd last byte padded with zero. */
static uint16_t reference(const snet_scion_hdr *h, uint8_t proto, const uint8_t *p, size_t n)
{
	uint64_t s = (h->dst_ia >> 48) + (h->dst_ia >> 32 & 0xffff) + (h->dst_ia >> 16 & 0xffff) +
		     (h->dst_ia & 0xffff) + (h->src_ia >> 48) + (h->src_ia >> 32 & 0xffff) +
		     (h->src_ia >> 16 & 0xffff) + (h->src_ia & 0xffff);
	for (int i = 0; i < 4; i += 2)
		s += (unsigned)(h->dst_host[i] << 8 | h->dst_host[i + 1]) +
		     (unsigned)(h->src_host[i] << 8 | h->src_host[i + 1]);
	s += (n >> 16) + (n & 0xffff) + proto;
	for (size_t i = 0; i < n; i += 2)
		s += (unsigned)(p[i] << 8 | (i + 1 < n ? p[i + 1] : 0));
	while (s >> 16)
		s = (s >> 16) + (s & 0xffff);
	return (uint16_t)~s;
}

static void check_len(const snet_scion_hdr *h, uint8_t *buf, size_t n)
{
	uint16_t want = reference(h, 17, buf, n);
	assert_int_equal(snet_l4_checksum(h, 17, buf, n, n), want);
	size_t a = n ? (size_t)rand() % (n + 1) : 0, b = a + (n - a ? (size_t)rand() % (n - a + 1) : 0);
	struct iovec iov[3] = { { buf, a }, { buf + a, b - a }, { buf + b, n - b } };
	if (snet_l4_checksum_v(h, 17, iov, 3) != want)
		fail_msg("length %zu split at %zu, %zu", n, a, b);
	/* The UDP checksum field skipped, whatever it holds. */
	if (n >= 8) {
		uint8_t f0 = buf[6], f1 = buf[7];
		buf[6] = buf[7] = 0;
		uint16_t zeroed = reference(h, 17, buf, n);
		buf[6] = f0;
		buf[7] = f1;
		if (snet_l4_checksum(h, 17, buf, n, 6) != zeroed)
			fail_msg("length %zu with 0x%02x%02x in the checksum field", n, f0, f1);
		/* From the header's fields (whatever the length field says: the pseudo header has
		 * the real length) and the payload split anywhere, odd or even. */
		snet_udp u = { (uint16_t)(buf[0] << 8 | buf[1]), (uint16_t)(buf[2] << 8 | buf[3]),
			       (uint16_t)(buf[4] << 8 | buf[5]), (uint16_t)(f0 << 8 | f1) };
		size_t c = (size_t)rand() % (n - 8 + 1);
		struct iovec pl[2] = { { buf + 8, c }, { buf + 8 + c, n - 8 - c } };
		if (snet_udp_checksum_v(h, &u, pl, 2) != zeroed)
			fail_msg("UDP fields, length %zu, payload split at %zu", n, c);
	}
}

static void test_fast_sum(void **state)
{
	enum { MAX = 65527 }; /* the largest UDP payload over IPv6 */
	enum { BIG = 3 * 65536 + 5 }; /* past the vector sum's 64 KiB chunks */
	uint8_t *buf = malloc(BIG);
	snet_scion_hdr h = { .dst_ia = 0xffffffffffffffffull, .src_ia = 0x0001ff0000000110ull };
	snet_scion_hdr_set_ip(&h.dst_type, h.dst_host, (const uint8_t[]){ 255, 255, 255, 255 }, 4);
	snet_scion_hdr_set_ip(&h.src_type, h.src_host, (const uint8_t[]){ 10, 0, 0, 1 }, 4);
	srand(1071);
	for (int ones = 0; ones < 2; ones++) {
		for (size_t i = 0; i < BIG; i++)
			buf[i] = ones ? 0xff : (uint8_t)rand();
		for (size_t n = 0; n <= 1600; n++)
			check_len(&h, buf, n);
		for (size_t n = MAX - 70; n <= MAX; n++)
			check_len(&h, buf, n);
		for (size_t n = 65535; n <= 65537 + 32; n++)
			check_len(&h, buf, n);
		check_len(&h, buf, BIG);
		/* Unaligned starts. */
		for (size_t off = 1; off < 8; off++)
			check_len(&h, buf + off, 1200);
	}
	free(buf);
}

/* IPv4-mapped IPv6 is stored as IPv4, as Go's PackAddr does. */
static void test_unmap_on_set(void **state)
{
	uint8_t type, raw[16];
	static const uint8_t mapped[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 1, 2, 3 };
	snet_scion_hdr_set_ip(&type, raw, mapped, 16);
	assert_int_equal(type, SNET_ADDR_IP4);
	assert_memory_equal(raw, mapped + 12, 4);
	snet_scion_hdr_set_svc(&type, raw, SNET_SVC_CS);
	assert_int_equal(type, SNET_ADDR_SVC);
	assert_int_equal(raw[1], 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_go_table),
		cmocka_unit_test(test_unmap_on_set),
		cmocka_unit_test(test_fast_sum),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
