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
	assert_int_equal(snet_base64_decode(b64, strlen(b64), master, sizeof(master)), 16);
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

static void test_base64_errors(void **state)
{
	uint8_t out[8];
	assert_int_equal(snet_base64_decode("abc", 3, out, sizeof(out)), SNET_E_BAD_FIELD);
	assert_int_equal(snet_base64_decode("", 0, out, sizeof(out)), SNET_E_BAD_FIELD);
	assert_int_equal(snet_base64_decode("!!!!", 4, out, sizeof(out)), SNET_E_BAD_FIELD);
	assert_int_equal(snet_base64_decode("WBwuhjeRhrAyNMQnc7cxfw==", 24, out, sizeof(out)),
			 SNET_E_NOBUF);
	assert_int_equal(snet_base64_decode("YQ==", 4, out, sizeof(out)), 1);
	assert_int_equal(out[0], 'a');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reference_vector),
		cmocka_unit_test(test_base64_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
