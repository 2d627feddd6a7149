/* SPDX-License-Identifier: Apache-2.0 */
/* Go's checksum table (pkg/slayers/scion_test.go TestSCIONComputeChecksum). */
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
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
