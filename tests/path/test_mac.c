/* SPDX-License-Identifier: Apache-2.0 */
/* The MAC vector of the reference (section 7): Go's sample master key, derived key, one hop. */
#include "common.h"
#include "snet/mac.h"

static void hex(const char *s, uint8_t *out, size_t n)
{
	for (size_t i = 0; i < n; i++)
		sscanf(s + 2 * i, "%2hhx", &out[i]);
}

static void test_reference_vector(void **state)
{
	uint8_t master[64], key[16], want_master[16], want_key[16], mac[16], want_mac[16];
	const char *b64 = "WBwuhjeRhrAyNMQnc7cxfw==\n";
	hex("581c2e86379186b03234c42773b7317f", want_master, 16);
	hex("490b3a8bd91dc84b431c1f176b6901e5", want_key, 16);
	hex("e6b235720160e21277954ccbd43ca3ea", want_mac, 16);
	assert_int_equal(snet_base64_decode(b64, strlen(b64), master, sizeof(master), NULL), 16);
	assert_memory_equal(master, want_master, 16);
	assert_int_equal(snet_hf_key_derive(master, 16, key), 0);
	assert_memory_equal(key, want_key, 16);
	snet_hop_field h = { .exp_time = 63, .cons_ingress = 1, .cons_egress = 0 };
	uint8_t block[16], want_block[16];
	hex("0000011100000100003f000100000000", want_block, 16);
	snet_hf_mac_input(0x0111, 0x100, &h, block);
	assert_memory_equal(block, want_block, 16);
	assert_int_equal(snet_hf_mac(key, 0x0111, 0x100, &h, mac), 0);
	assert_memory_equal(mac, want_mac, 16);
	/* Router-alert flags are not covered; everything else is. */
	h.flags = SNET_HOP_INGRESS_ALERT;
	assert_int_equal(snet_hf_mac(key, 0x0111, 0x100, &h, mac), 0);
	assert_memory_equal(mac, want_mac, 16);
	h.cons_egress = 2;
	assert_int_equal(snet_hf_mac(key, 0x0111, 0x100, &h, mac), 0);
	assert_memory_not_equal(mac, want_mac, 16);
}

/* Go's base64.StdEncoding as its key loader uses it: padding required, CR/LF ignored. */
static void test_base64_like_go(void **state)
{
	static const struct {
		const char *in;
		int want;     /* length, or the error */
		size_t off;   /* where it is, for errors */
	} cases[] = {
		{ "YQ==", 1, 0 },        { "YWI=", 2, 0 },         { "YWJj", 3, 0 },
		{ "YWJj\n", 3, 0 },      { "YW\r\nJj\r\n", 3, 0 }, { "QR==", 1, 0 },
		{ "", SNET_E_BAD_BASE64, 0 },      /* Go takes an empty key; we refuse it */
		{ "\n", SNET_E_BAD_BASE64, 1 },
		{ "====", SNET_E_BAD_BASE64, 0 },  /* decoded as a 1-byte zero key before */
		{ "Y===", SNET_E_BAD_BASE64, 1 },  { "YQ=", SNET_E_BAD_BASE64, 3 },
		{ "YQ", SNET_E_BAD_BASE64, 2 },    { "abc", SNET_E_BAD_BASE64, 3 },
		{ "YQ==YQ==", SNET_E_BAD_BASE64, 4 }, { "YWJj=", SNET_E_BAD_BASE64, 4 },
		{ "YW Jj", SNET_E_BAD_BASE64, 2 }, { "YW\tJj", SNET_E_BAD_BASE64, 2 },
		{ "!!!!", SNET_E_BAD_BASE64, 0 },  { "YWJ-", SNET_E_BAD_BASE64, 3 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t out[8];
		size_t off = 99;
		int r = snet_base64_decode(cases[i].in, strlen(cases[i].in), out, sizeof(out), &off);
		if (r != cases[i].want)
			fail_msg("\"%s\": %d, want %d", cases[i].in, r, cases[i].want);
		if (r < 0 && off != cases[i].off)
			fail_msg("\"%s\": at %zu, want %zu", cases[i].in, off, cases[i].off);
	}
	uint8_t out[8];
	assert_int_equal(snet_base64_decode("WBwuhjeRhrAyNMQnc7cxfw==", 24, out, sizeof(out), NULL),
			 SNET_E_NOBUF);
	assert_int_equal(snet_base64_decode("YWI=", 4, out, sizeof(out), NULL), 2);
	assert_memory_equal(out, "ab", 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reference_vector),
		cmocka_unit_test(test_base64_like_go),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
