/* SPDX-License-Identifier: Apache-2.0 */
/* SCION path raw view and decoded form, IncPath, IsXover, OneHop and EPIC
 * (Go: pkg/slayers/path/scion/raw_test.go, base.go; epic_test.go). */
#include "common.h"
#include "golden_path.h"


static void test_raw_and_decoded_agree(void **state)
{
	snet_scion_raw r;
	snet_scion_path p;
	uint8_t out[128];
	assert_int_equal(snet_scion_raw_parse(golden_raw_path, sizeof(golden_raw_path), &r), 0);
	assert_int_equal(snet_scion_path_parse(golden_raw_path, sizeof(golden_raw_path), &p), 0);
	assert_int_equal(r.num_inf, 2);
	assert_int_equal(r.num_hops, 4);
	for (unsigned i = 0; i < 4; i++) {
		snet_hop_field h;
		snet_scion_raw_hop(&r, i, &h);
		assert_memory_equal(&h, &p.hop[i], sizeof(h));
	}
	memset(out, 0xa5, sizeof(out));
	assert_int_equal(snet_scion_path_emit(&p, out, sizeof(out)), (int)sizeof(golden_raw_path));
	assert_memory_equal(out, golden_raw_path, sizeof(golden_raw_path));
	assert_int_equal(snet_scion_path_emit(&p, out, 10), SNET_E_NOBUF);
}

/* Go's raw_test: a 65-hop meta must fail; a meta without hops decodes. */
static void test_meta_limits(void **state)
{
	static const uint8_t too_long[4] = { 0x00, 0x00, 0x0f, 0xc1 }; /* SegLen [0,63,1]: a gap */
	static const uint8_t empty[4] = { 0, 0, 0, 0 };
	snet_path_meta m;
	uint8_t ni, nh;
	snet_scion_raw r;
	static const uint8_t hops65[4] = { 0x00, 0x03, 0xf0, 0x80 }; /* SegLen [63,2,0] */
	assert_int_equal(snet_path_meta_parse(hops65, 4, &m, &ni, &nh), SNET_E_TOO_MANY_HOPS);
	assert_int_equal(snet_path_meta_parse(too_long, 4, &m, &ni, &nh), SNET_E_SEG_LEN_GAP);
	assert_int_equal(snet_scion_raw_parse(empty, 4, &r), 0);
	assert_int_equal(r.num_hops, 0);
	assert_int_equal(snet_path_meta_parse(empty, 3, &m, &ni, &nh), SNET_E_TRUNCATED);
}

/* Every pattern of empty and non-empty SegLens (lengths 0, 1 and the largest, 63, with at most
 * 64 hops), against Go's loop in Base.DecodeFromBytes written out: from the last segment back,
 * an empty one after a non-empty one is an error; NumINF is one past the last non-empty. */
static void test_meta_seg_len_patterns(void **state)
{
	static const unsigned lens[3] = { 0, 1, 63 };
	for (unsigned k = 0; k < 27; k++) {
		unsigned s[3] = { lens[k % 3], lens[k / 3 % 3], lens[k / 9] };
		int gap = 0, num_inf = 0;
		for (int i = 2; i >= 0; i--) {
			if (s[i] == 0 && num_inf > 0)
				gap = 1;
			if (s[i] > 0 && num_inf == 0)
				num_inf = i + 1;
		}
		unsigned hops = s[0] + s[1] + s[2];
		uint32_t w = s[0] << 12 | s[1] << 6 | s[2];
		uint8_t b[4] = { (uint8_t)(w >> 24), (uint8_t)(w >> 16), (uint8_t)(w >> 8), (uint8_t)w };
		snet_path_meta m;
		uint8_t ni = 0xee, nh = 0xee;
		int want = gap ? SNET_E_SEG_LEN_GAP : hops > 64 ? SNET_E_TOO_MANY_HOPS : 0;
		assert_int_equal(snet_path_meta_parse(b, 4, &m, &ni, &nh), want);
		if (want == 0) {
			assert_int_equal(ni, num_inf);
			assert_int_equal(nh, hops);
		}
	}
}

static void test_inc_path_and_xover(void **state)
{
	uint8_t b[sizeof(golden_raw_path)];
	snet_scion_path p;
	static const uint8_t want_inf[4] = { 0, 0, 1, 1 };
	static const bool want_xover[4] = { false, true, false, false };
	memcpy(b, golden_raw_path, sizeof(b));
	for (int hf = 0; hf < 4; hf++) {
		assert_int_equal(snet_scion_path_parse(b, sizeof(b), &p), 0);
		assert_int_equal(p.meta.curr_hf, hf);
		assert_int_equal(p.meta.curr_inf, want_inf[hf]);
		assert_int_equal(snet_scion_path_is_xover(&p), want_xover[hf]);
		assert_int_equal(snet_scion_raw_inc(b, sizeof(b)), hf < 3 ? 0 : SNET_E_PATH_AT_END);
	}
	assert_int_equal(snet_scion_path_inc(&p), SNET_E_PATH_AT_END);
	p.num_inf = 0;
	assert_int_equal(snet_scion_path_inc(&p), SNET_E_EMPTY_PATH);
}

static void test_onehop(void **state)
{
	snet_onehop_path o = { .info = { SNET_INFO_CONS_DIR, 0, 0x1234, 99 },
			       .first = { 0, 63, 0, 7, { 1, 2, 3, 4, 5, 6 } },
			       .second = { 0, 63, 9, 0, { 6, 5, 4, 3, 2, 1 } } }, back;
	uint8_t b[SNET_ONEHOP_LEN + 4];
	memset(b, 0xa5, sizeof(b));
	assert_int_equal(snet_onehop_emit(&o, b, sizeof(b)), SNET_ONEHOP_LEN);
	assert_int_equal(b[SNET_ONEHOP_LEN], 0xa5);
	assert_int_equal(snet_onehop_parse(b, SNET_ONEHOP_LEN, &back), 0);
	assert_memory_equal(&back, &o, sizeof(o));
	assert_int_equal(snet_onehop_parse(b, SNET_ONEHOP_LEN - 1, &back), SNET_E_TRUNCATED);
	assert_int_equal(snet_onehop_parse(b, SNET_ONEHOP_LEN + 1, &back), SNET_E_BAD_PATH_LEN);
	assert_int_equal(snet_onehop_emit(&o, b, SNET_ONEHOP_LEN - 1), SNET_E_NOBUF);
}

/* Go's epic_test rawEpicPath: PktID 00000001 02000003, PHVF 01020304, LHVF 05060708. */
static void test_epic(void **state)
{
	uint8_t b[16 + sizeof(golden_raw_path)], out[sizeof(b)];
	static const uint8_t prefix[16] = { 0, 0, 0, 1, 2, 0, 0, 3, 1, 2, 3, 4, 5, 6, 7, 8 };
	snet_epic_path e;
	memcpy(b, prefix, 16);
	memcpy(b + 16, golden_raw_path, sizeof(golden_raw_path));
	assert_int_equal(snet_epic_parse(b, sizeof(b), &e), 0);
	assert_int_equal(e.timestamp, 1);
	assert_int_equal(e.counter, 0x02000003);
	assert_int_equal(e.scion.num_hops, 4);
	assert_int_equal(snet_epic_emit(&e, out, sizeof(out)), (int)sizeof(b));
	assert_memory_equal(out, b, sizeof(b));
	assert_int_equal(snet_epic_parse(b, 15, &e), SNET_E_TRUNCATED);
	assert_int_equal(snet_path_check(SNET_PATH_EPIC, b, sizeof(b)), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_raw_and_decoded_agree),
		cmocka_unit_test(test_meta_limits),
		cmocka_unit_test(test_meta_seg_len_patterns),
		cmocka_unit_test(test_inc_path_and_xover),
		cmocka_unit_test(test_onehop),
		cmocka_unit_test(test_epic),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
