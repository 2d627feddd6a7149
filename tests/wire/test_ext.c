/* SPDX-License-Identifier: Apache-2.0 */
/* Option alignment and padding (Go: pkg/slayers/extn_test.go) and SPAO. */
#include "common.h"

static const uint8_t x_data[12] = { 0xaa, 0xaa, 0xaa, 0xaa, 0xbb, 0xbb,
				    0xbb, 0xbb, 0xbb, 0xbb, 0xbb, 0xbb };
static const uint8_t y_data[7] = { 0x11, 0x22, 0x22, 0x44, 0x44, 0x44, 0x44 };
static const snet_opt opt_x = { 0x1e, 12, x_data, 8, 2 };
static const snet_opt opt_y = { 0x3e, 7, y_data, 4, 3 };

/* Go's rawTLVOptionsXY / YX, after the 2-byte NextHdr/ExtLen. */
static const uint8_t raw_xy[] = { 0x1e, 0x0c, 0xaa, 0xaa, 0xaa, 0xaa, 0xbb, 0xbb, 0xbb,
				  0xbb, 0xbb, 0xbb, 0xbb, 0xbb, 0x01, 0x01, 0x00, 0x3e,
				  0x07, 0x11, 0x22, 0x22, 0x44, 0x44, 0x44, 0x44 };
static const uint8_t raw_yx[] = { 0x00, 0x3e, 0x07, 0x11, 0x22, 0x22, 0x44, 0x44, 0x44, 0x44,
				  0x01, 0x04, 0x00, 0x00, 0x00, 0x00, 0x1e, 0x0c, 0xaa, 0xaa,
				  0xaa, 0xaa, 0xbb, 0xbb, 0xbb, 0xbb, 0xbb, 0xbb, 0xbb, 0xbb };

static void test_alignment_xy_yx(void **state)
{
	uint8_t b[64];
	snet_opt xy[2] = { opt_x, opt_y }, yx[2] = { opt_y, opt_x };
	memset(b, 0xa5, sizeof(b));
	assert_int_equal(snet_ext_emit(17, xy, 2, SNET_EXT_ALIGN, b, sizeof(b)), 28);
	assert_int_equal(b[0], 17);
	assert_int_equal(b[1], 6);
	assert_memory_equal(b + 2, raw_xy, sizeof(raw_xy));
	memset(b, 0xa5, sizeof(b));
	assert_int_equal(snet_ext_emit(17, yx, 2, SNET_EXT_ALIGN, b, sizeof(b)), 32);
	assert_int_equal(b[1], 7);
	assert_memory_equal(b + 2, raw_yx, sizeof(raw_yx));
	/* Unaligned emission refuses a length that is not a multiple of 4. */
	assert_int_equal(snet_ext_emit(17, xy, 2, 0, b, sizeof(b)), SNET_E_HDR_NOT_ALIGNED);
	assert_int_equal(snet_ext_emit(17, xy, 2, SNET_EXT_ALIGN, b, 20), SNET_E_NOBUF);
}

/* Go's TestSerializeTLVOptionsWithFinalPadding: option 0x76 (align 1n+0) with 0..5 bytes. */
static void test_final_padding(void **state)
{
	static const uint8_t ff[5] = { 0xff, 0xff, 0xff, 0xff, 0xff };
	static const struct {
		size_t len, total;
		uint8_t want[12];
	} cases[] = {
		{ 0, 4, { 0x76, 0x00 } },
		{ 1, 8, { 0x76, 0x01, 0xff, 0x01, 0x01, 0x00 } },
		{ 2, 8, { 0x76, 0x02, 0xff, 0xff, 0x01, 0x00 } },
		{ 3, 8, { 0x76, 0x03, 0xff, 0xff, 0xff, 0x00 } },
		{ 4, 8, { 0x76, 0x04, 0xff, 0xff, 0xff, 0xff } },
		{ 5, 12, { 0x76, 0x05, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 0x01, 0x00 } },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t b[16];
		snet_opt o = { 0x76, (uint8_t)cases[i].len, ff, 1, 0 };
		memset(b, 0xa5, sizeof(b));
		assert_int_equal(snet_ext_emit(17, &o, 1, SNET_EXT_ALIGN, b, sizeof(b)),
				 (int)cases[i].total);
		assert_memory_equal(b + 2, cases[i].want, cases[i].total - 2);
	}
}

static void test_parse_and_iterate(void **state)
{
	uint8_t b[64];
	snet_opt xy[2] = { opt_x, opt_y }, o;
	snet_ext e;
	size_t pos = 0;
	int n = snet_ext_emit(201, xy, 2, SNET_EXT_ALIGN, b, sizeof(b));
	assert_int_equal(snet_ext_parse(b, (size_t)n, &e), n);
	assert_int_equal(e.next_hdr, 201);
	assert_int_equal(snet_ext_next_opt(&e, &pos, &o), 1);
	assert_int_equal(o.type, 0x1e);
	assert_memory_equal(o.data, x_data, 12);
	assert_int_equal(snet_ext_next_opt(&e, &pos, &o), 1);
	assert_int_equal(o.type, SNET_OPT_PADN);
	assert_int_equal(o.len, 1);
	assert_int_equal(snet_ext_next_opt(&e, &pos, &o), 1);
	assert_int_equal(o.type, 0x3e);
	assert_int_equal(snet_ext_next_opt(&e, &pos, &o), 0);
	assert_int_equal(snet_ext_parse(b, (size_t)n - 1, &e), SNET_E_BAD_EXT_LEN);
	assert_int_equal(snet_ext_parse(b, 1, &e), SNET_E_TRUNCATED);
	snet_opt bad = { 1, 0, NULL, 3, 3 };
	assert_int_equal(snet_ext_emit(17, &bad, 1, SNET_EXT_ALIGN, b, sizeof(b)),
			 SNET_E_BAD_OPT_ALIGN);
}

/* Go: pkg/slayers/pkt_auth_test.go, SPI 0x00010001 and timestamp 0x060504030201. */
static void test_spao(void **state)
{
	static const uint8_t auth[16] = { 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8,
					  0xf9, 0xfa, 0xfb, 0xfc, 0xfd, 0xfe, 0xff, 0xf0 };
	static const uint8_t want_meta[12] = { 0, 1, 0, 1, 0, 0, 6, 5, 4, 3, 2, 1 };
	snet_spao s = { 0x00010001, 0, 0, 0x060504030201ull, auth, 16 }, back;
	uint8_t d[64];
	assert_int_equal(snet_spao_emit(&s, d, sizeof(d)), 28);
	assert_memory_equal(d, want_meta, 12);
	snet_opt o = { SNET_OPT_SPAO, 28, d, 4, 2 };
	assert_int_equal(snet_spao_parse(&o, &back), 0);
	assert_int_equal(back.spi, 0x00010001);
	assert_true(back.ts_seq == 0x060504030201ull);
	assert_int_equal(back.auth_len, 16);
	assert_memory_equal(back.auth, auth, 16);
	o.len = 11;
	assert_int_equal(snet_spao_parse(&o, &back), SNET_E_BAD_SPAO);
	/* Alignment 4n+2 puts the option right after NextHdr/ExtLen. */
	uint8_t ext[64];
	o.len = 28;
	assert_int_equal(snet_ext_emit(17, &o, 1, SNET_EXT_ALIGN, ext, sizeof(ext)), 32);
	assert_int_equal(ext[2], SNET_OPT_SPAO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alignment_xy_yx),
		cmocka_unit_test(test_final_padding),
		cmocka_unit_test(test_parse_and_iterate),
		cmocka_unit_test(test_spao),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
