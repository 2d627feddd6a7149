/* SPDX-License-Identifier: Apache-2.0 */
/* A table of named malformations of Go's golden packets, each with the error it must give. */
#include "common.h"

enum { UDP, EMPTY, EXTN, SCMP, BFD };
static const char *const base_name[] = { "scion-udp.bin", "empty-udp.bin", "scion-udp-extn.bin",
					 "scion-scmp-dest-unreachable.bin", "scion-bfd.bin" };

struct edit {
	uint16_t at;
	uint8_t val;
};

static const struct bad_case {
	const char *what;
	int base;
	struct edit e[3];
	int n_edits;
	size_t trunc; /* 0: keep the length */
	int want;
} bad_cases[] = {
	{ "version 1", UDP, { { 0, 0x1b } }, 1, 0, SNET_E_BAD_VERSION },
	{ "version 15", UDP, { { 0, 0xfb } }, 1, 0, SNET_E_BAD_VERSION },
	{ "version 1 (bfd)", BFD, { { 0, 0x1b } }, 1, 0, SNET_E_BAD_VERSION },
	{ "HdrLen 0", UDP, { { 5, 0 } }, 1, 0, SNET_E_HDR_LEN_TOO_SMALL },
	{ "HdrLen 11, below the address header", UDP, { { 5, 11 } }, 1, 0,
	  SNET_E_HDR_LEN_TOO_SMALL },
	{ "HdrLen 12 leaves no PathMeta", UDP, { { 5, 12 } }, 1, 0, SNET_E_TRUNCATED },
	{ "HdrLen 28 cuts the last hop", UDP, { { 5, 28 } }, 1, 0, SNET_E_TRUNCATED },
	{ "HdrLen 30 leaves bytes after the path", UDP, { { 5, 30 } }, 1, 0, SNET_E_BAD_PATH_LEN },
	{ "HdrLen 255 inside a large buffer", UDP, { { 5, 255 } }, 1, 0, SNET_E_BAD_PATH_LEN },
	{ "HdrLen 255 past the buffer", BFD, { { 5, 255 } }, 1, 0, SNET_E_HDR_LEN_TOO_LARGE },
	{ "HdrLen 16 past the buffer", BFD, { { 5, 16 } }, 1, 0, SNET_E_HDR_LEN_TOO_LARGE },
	{ "empty path HdrLen 11", EMPTY, { { 5, 11 } }, 1, 0, SNET_E_HDR_LEN_TOO_SMALL },
	{ "empty path with 4 path bytes", EMPTY, { { 5, 13 } }, 1, 0, SNET_E_BAD_PATH_LEN },
	{ "PayloadLen one more", UDP, { { 6, 0x04 }, { 7, 0x09 } }, 2, 0, SNET_E_BAD_PAYLOAD_LEN },
	{ "PayloadLen one less", UDP, { { 6, 0x04 }, { 7, 0x07 } }, 2, 0, SNET_E_BAD_PAYLOAD_LEN },
	{ "PayloadLen 0", UDP, { { 6, 0 }, { 7, 0 } }, 2, 0, SNET_E_BAD_PAYLOAD_LEN },
	{ "PayloadLen 65535", UDP, { { 6, 0xff }, { 7, 0xff } }, 2, 0, SNET_E_BAD_PAYLOAD_LEN },
	{ "PayloadLen 25 (bfd)", BFD, { { 7, 25 } }, 1, 0, SNET_E_BAD_PAYLOAD_LEN },
	{ "packet cut after the payload", UDP, { { 0, 0x0b } }, 1, 1147, SNET_E_BAD_PAYLOAD_LEN },
	{ "path type 4 (COLIBRI)", UDP, { { 8, 4 } }, 1, 0, SNET_E_BAD_PATH_TYPE },
	{ "path type 255", UDP, { { 8, 255 } }, 1, 0, SNET_E_BAD_PATH_TYPE },
	{ "Empty path type with path bytes", UDP, { { 8, 0 } }, 1, 0, SNET_E_BAD_PATH_LEN },
	{ "OneHop path type with 68 bytes", UDP, { { 8, 2 } }, 1, 0, SNET_E_BAD_PATH_LEN },
	{ "EPIC path type over a SCION path", UDP, { { 8, 3 } }, 1, 0, SNET_E_SEG_LEN_GAP },
	{ "dst type IPv4 with L=1", UDP, { { 9, 0x10 } }, 1, 0, SNET_E_BAD_ADDR_TYPE },
	{ "dst type IPv4 with L=2", UDP, { { 9, 0x20 } }, 1, 0, SNET_E_BAD_ADDR_TYPE },
	{ "dst type SVC with L=1", UDP, { { 9, 0x50 } }, 1, 0, SNET_E_BAD_ADDR_TYPE },
	{ "dst type SVC with L=3", UDP, { { 9, 0x70 } }, 1, 0, SNET_E_BAD_ADDR_TYPE },
	{ "dst type 2 with L=0", UDP, { { 9, 0x80 } }, 1, 0, SNET_E_BAD_ADDR_TYPE },
	{ "dst type 3 with L=3", UDP, { { 9, 0xf0 } }, 1, 0, SNET_E_BAD_ADDR_TYPE },
	{ "src type IPv4 with L=1", UDP, { { 9, 0x31 } }, 1, 0, SNET_E_BAD_ADDR_TYPE },
	{ "src type IPv4 with L=2", UDP, { { 9, 0x32 } }, 1, 0, SNET_E_BAD_ADDR_TYPE },
	{ "src type SVC with L=1", UDP, { { 9, 0x35 } }, 1, 0, SNET_E_BAD_ADDR_TYPE },
	{ "src type 3 with L=0", UDP, { { 9, 0x3c } }, 1, 0, SNET_E_BAD_ADDR_TYPE },
	{ "SegLen [0,2,0]", UDP, { { 50, 0x00 } }, 1, 0, SNET_E_SEG_LEN_GAP },
	{ "SegLen [2,0,2]", UDP, { { 50, 0x20 }, { 51, 0x02 } }, 2, 0, SNET_E_SEG_LEN_GAP },
	{ "SegLen [0,0,2]", UDP, { { 50, 0x00 }, { 51, 0x02 } }, 2, 0, SNET_E_SEG_LEN_GAP },
	{ "65 hops", UDP, { { 49, 0x03 }, { 50, 0xf0 } }, 2, 0, SNET_E_TOO_MANY_HOPS },
	{ "3 x 63 hops", UDP, { { 49, 0x03 }, { 50, 0xff }, { 51, 0xff } }, 3, 0,
	  SNET_E_TOO_MANY_HOPS },
	{ "CurrHF 4 of 4 hops", UDP, { { 48, 0x04 } }, 1, 0, SNET_E_BAD_CURR_HF },
	{ "CurrHF 63", UDP, { { 48, 0x3f } }, 1, 0, SNET_E_BAD_CURR_HF },
	{ "CurrINF 2 of 2 segments", UDP, { { 48, 0x80 } }, 1, 0, SNET_E_BAD_CURR_INF },
	{ "CurrINF 3", UDP, { { 48, 0xc0 } }, 1, 0, SNET_E_BAD_CURR_INF },
	{ "CurrINF 1 at hop 0", UDP, { { 48, 0x40 } }, 1, 0, SNET_E_CURR_INF_MISMATCH },
	{ "CurrINF 0 at hop 2", UDP, { { 48, 0x02 } }, 1, 0, SNET_E_CURR_INF_MISMATCH },
	{ "CurrINF 1 at hop 1", UDP, { { 48, 0x41 } }, 1, 0, SNET_E_CURR_INF_MISMATCH },
	{ "UDP Length 7", UDP, { { 120, 0 }, { 121, 7 } }, 2, 0, SNET_E_BAD_UDP_LEN },
	{ "UDP Length 8 with payload", UDP, { { 120, 0 }, { 121, 8 } }, 2, 0, SNET_E_BAD_UDP_LEN },
	{ "UDP Length one less", UDP, { { 121, 0x07 } }, 1, 0, SNET_E_BAD_UDP_LEN },
	{ "UDP Length one more", UDP, { { 121, 0x09 } }, 1, 0, SNET_E_BAD_UDP_LEN },
	{ "UDP Length 65535", UDP, { { 120, 0xff }, { 121, 0xff } }, 2, 0, SNET_E_BAD_UDP_LEN },
	{ "UDP header cut", UDP, { { 6, 0 }, { 7, 4 } }, 2, 120, SNET_E_TRUNCATED },
	{ "UDP with no L4 bytes", UDP, { { 6, 0 }, { 7, 0 } }, 2, 116, SNET_E_TRUNCATED },
	{ "HBH repeated", EXTN, { { 116, 200 } }, 1, 0, SNET_E_EXT_ORDER },
	{ "HBH after E2E", EXTN, { { 144, 200 } }, 1, 0, SNET_E_EXT_ORDER },
	{ "E2E repeated", EXTN, { { 144, 201 } }, 1, 0, SNET_E_EXT_ORDER },
	{ "E2E first, then HBH", EXTN, { { 4, 201 } }, 1, 0, SNET_E_EXT_ORDER },
	{ "HBH ExtLen past the payload", EXTN, { { 117, 0xff }, { 6, 0 }, { 7, 100 } }, 3, 216,
	  SNET_E_BAD_EXT_LEN },
	{ "E2E ExtLen past the payload", EXTN, { { 145, 0xff }, { 6, 0 }, { 7, 100 } }, 3, 216,
	  SNET_E_BAD_EXT_LEN },
	{ "HBH ExtLen 255 swallows the L4 header", EXTN, { { 117, 0xff } }, 1, 0,
	  SNET_E_BAD_OPT_LEN },
	{ "HBH on a short payload", BFD, { { 4, 200 } }, 1, 0, SNET_E_BAD_EXT_LEN },
	{ "HBH option longer than the header", EXTN, { { 119, 0x1a } }, 1, 0, SNET_E_BAD_OPT_LEN },
	{ "HBH PadN past the end", EXTN, { { 133, 0x20 } }, 1, 0, SNET_E_BAD_OPT_LEN },
	{ "HBH last option one too long", EXTN, { { 136, 0x08 } }, 1, 0, SNET_E_BAD_OPT_LEN },
	{ "E2E option length 255", EXTN, { { 148, 0xff } }, 1, 0, SNET_E_BAD_OPT_LEN },
	{ "E2E last option one too long", EXTN, { { 163, 0x0d } }, 1, 0, SNET_E_BAD_OPT_LEN },
	{ "E2E whose last option lacks its length", EMPTY, { { 4, 201 } }, 1, 0,
	  SNET_E_BAD_OPT_LEN },
	{ "SCMP header cut", SCMP, { { 6, 0 }, { 7, 3 } }, 2, 119, SNET_E_TRUNCATED },
	{ "SCMP with no bytes", SCMP, { { 6, 0 }, { 7, 0 } }, 2, 116, SNET_E_TRUNCATED },
	{ "SCMP int-conn-down info cut", SCMP, { { 116, 6 } }, 1, 0, SNET_E_TRUNCATED },
	{ "SCMP echo info cut", SCMP, { { 116, 128 }, { 7, 6 } }, 2, 122, SNET_E_TRUNCATED },
	{ "common header cut", UDP, { { 0, 0x0b } }, 1, 11, SNET_E_TRUNCATED },
	{ "address header cut", UDP, { { 0, 0x0b } }, 1, 30, SNET_E_TRUNCATED },
	{ "empty buffer", UDP, { { 0, 0x0b } }, 1, 0xffff, SNET_E_TRUNCATED },
};

static uint8_t buf[2048];

static void test_bad_cases(void **state)
{
	size_t n_cases = sizeof(bad_cases) / sizeof(bad_cases[0]);
	assert_true(n_cases >= 60);
	for (size_t i = 0; i < n_cases; i++) {
		const struct bad_case *c = &bad_cases[i];
		snet_pkt p;
		size_t n = load_vector(base_name[c->base], buf, sizeof(buf));
		for (int k = 0; k < c->n_edits; k++)
			buf[c->e[k].at] = c->e[k].val;
		if (c->trunc)
			n = c->trunc == 0xffff ? 0 : c->trunc;
		int r = snet_pkt_parse(buf, n, &p, NULL);
		if (r != c->want)
			fail_msg("case \"%s\": got %s, want %s", c->what, snet_err_name(r),
				 snet_err_name(c->want));
	}
}

/* Reserved bits and wrong checksums are carried, not rejected, and emit to the same bytes. */
static void test_carried(void **state)
{
	static const struct edit carried[] = {
		{ 10, 0xab }, { 11, 0xcd }, /* common header RSV */
		{ 49, 0xfc },               /* PathMeta RSV bits */
		{ 52, 0xfc }, { 53, 0x77 }, /* info field flags and RSV */
		{ 68, 0xf0 },               /* hop field flags */
		{ 122, 0x00 },              /* UDP checksum now wrong */
	};
	uint8_t out[2048];
	snet_pkt p;
	size_t n = load_vector("scion-udp.bin", buf, sizeof(buf));
	for (size_t k = 0; k < sizeof(carried) / sizeof(carried[0]); k++)
		buf[carried[k].at] = carried[k].val;
	assert_int_equal(snet_pkt_parse(buf, n, &p, NULL), (int)n);
	assert_false(p.checksum_ok);
	assert_int_equal(p.hdr.rsv, 0xabcd);
	assert_int_equal(snet_pkt_emit(&p, 0, out, sizeof(out)), (int)n);
	assert_memory_equal(out, buf, n);
}

/* The offset reported points at the offending field. */
static void test_error_offsets(void **state)
{
	snet_pkt p;
	size_t off;
	size_t n = load_vector("scion-udp.bin", buf, sizeof(buf));
	buf[0] = 0x1b;
	off = 99;
	assert_int_equal(snet_pkt_parse(buf, n, &p, &off), SNET_E_BAD_VERSION);
	assert_int_equal(off, 0);
	buf[0] = 0x0b;
	buf[121] = 0x07;
	assert_int_equal(snet_pkt_parse(buf, n, &p, &off), SNET_E_BAD_UDP_LEN);
	assert_int_equal(off, 120);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bad_cases),
		cmocka_unit_test(test_carried),
		cmocka_unit_test(test_error_offsets),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
