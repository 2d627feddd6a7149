/* SPDX-License-Identifier: Apache-2.0 */
/* Address strings as Go parses and prints them (pkg/addr isdas_test.go, svc_test.go,
 * pkg/snet/udpaddr_test.go). */
#include <string.h>
#include <uv.h>

#include "common.h"

static const struct {
	const char *in;
	uint64_t ia;
	const char *out; /* NULL: same as in */
} ia_ok[] = {
	{ "1-ff00:0:110", 0x0001ff0000000110ull, NULL },
	{ "1-64496", 0x000100000000fbf0ull, NULL },
	{ "65535-ffff:ffff:ffff", 0xffffffffffffffffull, NULL },
	{ "0-0", 0, NULL },
	{ "1-4294967295", 0x00010000ffffffffull, NULL },
	{ "1-1:0:0", 0x0001000100000000ull, NULL },
	{ "1-0:0:1", 0x0001000000000001ull, "1-1" },
	{ "1-0:ffff:ffff", 0x00010000ffffffffull, "1-4294967295" },
	{ "001-FF00:0:0110", 0x0001ff0000000110ull, "1-ff00:0:110" },
	{ "2-ff00:0:222", 0x0002ff0000000222ull, NULL },
};

static const char *const ia_bad[] = {
	"", "1", "1-", "-1", "1-ff00:0", "1-ff00:0:110:1", "1-4294967296", "65536-1",
	"1-10000:0:0", "+1-1", "1-+1", "1-1-1", "1--1", "a-1", "1-0x1", "1-ff00::110",
	"1-ff00:0:g", " 1-1", "1-1 ", "1_ff00:0:110",
};

static void test_ia_table(void **state)
{
	char b[SNET_IA_STRLEN];
	for (size_t i = 0; i < sizeof(ia_ok) / sizeof(ia_ok[0]); i++) {
		uint64_t ia = 0;
		const char *want = ia_ok[i].out ? ia_ok[i].out : ia_ok[i].in;
		if (snet_ia_parse(ia_ok[i].in, strlen(ia_ok[i].in), &ia) != 0)
			fail_msg("%s did not parse", ia_ok[i].in);
		assert_true(ia == ia_ok[i].ia);
		assert_int_equal(snet_ia_format(ia, b, sizeof(b)), (int)strlen(want));
		assert_string_equal(b, want);
	}
	for (size_t i = 0; i < sizeof(ia_bad) / sizeof(ia_bad[0]); i++) {
		uint64_t ia;
		if (snet_ia_parse(ia_bad[i], strlen(ia_bad[i]), &ia) >= 0)
			fail_msg("\"%s\" parsed", ia_bad[i]);
	}
	assert_int_equal(snet_ia_format(0x0001ff0000000110ull, b, 5), SNET_E_NOBUF);
	assert_true(snet_ia_is_wildcard(snet_ia_from(0, 5)));
	assert_true(snet_ia_is_wildcard(snet_ia_from(1, 0)));
}

static void test_svc_table(void **state)
{
	static const struct {
		const char *in;
		uint16_t svc;
		const char *out;
	} ok[] = {
		{ "CS", 0x0002, "CS" },     { "DS", 0x0001, "DS" },
		{ "Wildcard", 0x0010, "Wildcard" }, { "CS_A", 0x0002, "CS" },
		{ "CS_M", 0x8002, "CS_M" }, { "Wildcard_M", 0x8010, "Wildcard_M" },
	};
	static const char *const bad[] = { "cs", "CS_X", "", "_A", "CSA", "Wildcard_A_M" };
	static const struct {
		uint16_t svc;
		const char *out;
	} unknown[] = { { 0x0005, "<SVC:0x0005>" }, { 0x8005, "<SVC:0x8005>_M" },
			{ 0xffff, "<SVC:0xffff>_M" } };
	char b[32];
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		uint16_t svc;
		assert_int_equal(snet_svc_parse(ok[i].in, strlen(ok[i].in), &svc), 0);
		assert_int_equal(svc, ok[i].svc);
		snet_svc_format(svc, b, sizeof(b));
		assert_string_equal(b, ok[i].out);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint16_t svc;
		assert_int_equal(snet_svc_parse(bad[i], strlen(bad[i]), &svc), SNET_E_BAD_SVC);
	}
	for (size_t i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++) {
		snet_svc_format(unknown[i].svc, b, sizeof(b));
		assert_string_equal(b, unknown[i].out);
	}
}

static void test_host_format(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "10.0.0.1", "10.0.0.1" },         { "2001:DB8::1", "2001:db8::1" },
		{ "::102:304", "::102:304" },       { "::ffff:1.2.3.4", "1.2.3.4" },
		{ "1:0:0:2:0:0:0:3", "1:0:0:2::3" }, { "1:0:2:0:3:0:4:0", "1:0:2:0:3:0:4:0" },
		{ "fe80::1%eth0", "fe80::1%eth0" }, { "::", "::" },
		{ "CS", "CS" },                     { "0:0:1::", "0:0:1::" },
	};
	static const char *const bad[] = { "01.2.3.4", "1.2.3", "1.2.3.256", "fe80::1%",
					   "1.2.3.4%eth0", "::1::2", "", "localhost" };
	char b[SNET_ADDR_STRLEN];
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snet_host h;
		if (snet_host_parse(cases[i].in, strlen(cases[i].in), &h))
			fail_msg("%s did not parse", cases[i].in);
		snet_host_format(&h, b, sizeof(b));
		assert_string_equal(b, cases[i].out);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snet_host h;
		if (snet_host_parse(bad[i], strlen(bad[i]), &h) == 0)
			fail_msg("\"%s\" parsed", bad[i]);
	}
}

/* Go: udpaddr_test.go TestUDPAddrString. */
static void test_udp_addr_format(void **state)
{
	static const struct {
		const char *ia, *host;
		uint16_t port;
		const char *want;
	} cases[] = {
		{ "0-0", NULL, 0, "0-0,<nil>:0" },
		{ "1-ff00:0:320", "1.2.3.4", 10000, "[1-ff00:0:320,1.2.3.4]:10000" },
		{ "1-ff00:0:320", "2001::1", 20000, "[1-ff00:0:320,2001::1]:20000" },
		{ "1-ff00:0:320", "2001::1%some-zone", 20000,
		  "[1-ff00:0:320,2001::1%some-zone]:20000" },
		{ "1-64496", "1.2.3.4", 80, "1-64496,1.2.3.4:80" },
		{ "1-64496", "::ffff:1.2.3.4", 80, "1-64496,1.2.3.4:80" },
	};
	char b[SNET_ADDR_STRLEN];
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snet_udp_addr a = { 0 };
		snet_ia_parse(cases[i].ia, strlen(cases[i].ia), &a.ia);
		if (cases[i].host)
			assert_int_equal(
				snet_ip_parse(cases[i].host, strlen(cases[i].host), &a.host), 0);
		a.port = cases[i].port;
		assert_int_equal(snet_udp_addr_format(&a, b, sizeof(b)), (int)strlen(cases[i].want));
		assert_string_equal(b, cases[i].want);
	}
}

/* Go: udpaddr_test.go TestParseUDPAddr; each good case prints back in Go's new form. */
static void test_udp_addr_parse(void **state)
{
	static const char *const bad[] = {
		"foo", "5-", "2-ff00:0:300,[", "5-ff00:0:300,[]:", "5-ff00:0:300,[127.0.0.1]:",
		"40-ff00:0:300,[]:19", "1-ff00:0:300,[]:13,[f",
		"1-ff00:0:300,[hostthatdoesnotexistforsure]:12", "1-ff00:0:300]:14,[1.2.3.4]",
		"1-ff00:0:300,[1.2.3.4]:70000", "1-ff00:0:300,[1.2.3.4]]", "1-ff00:0:300,::1:60000",
		"[1-ff00:0:110,1.2.3.4]:70:300", "[1-ff00:0:110,1.2.3.4,80]:80",
		"[1-ff00:0:110,1.2.3.4]", "[1-,127.0.0.1]:80", "[1-ff00:0:110,::1%some-zone]", "",
		"1-ff00:0:300,localhost:80",
	};
	static const struct {
		const char *in, *out;
	} ok[] = {
		{ "1-ff00:0:300,[1.2.3.4]:80", "[1-ff00:0:300,1.2.3.4]:80" },
		{ "1-ff00:0:300,1.2.3.4:80", "[1-ff00:0:300,1.2.3.4]:80" },
		{ "1-ff00:0:300,1.2.3.4:0", "[1-ff00:0:300,1.2.3.4]:0" },
		{ "50-ff00:0:350,1.1.1.1:5", "[50-ff00:0:350,1.1.1.1]:5" },
		{ "1-ff00:0:302,[::1]:60000", "[1-ff00:0:302,::1]:60000" },
		{ "1-ff00:0:302,[::1%some-zone]:60000", "[1-ff00:0:302,::1%some-zone]:60000" },
		{ "1-ff00:0:301,1.2.3.4", "[1-ff00:0:301,1.2.3.4]:0" },
		{ "1-ff00:0:302,::1", "[1-ff00:0:302,::1]:0" },
		{ "1-ff00:0:301,[1.2.3.4]", "[1-ff00:0:301,1.2.3.4]:0" },
		{ "1-ff00:0:302,[::1]", "[1-ff00:0:302,::1]:0" },
		{ "1-ff00:0:302,[::1%some-zone]", "[1-ff00:0:302,::1%some-zone]:0" },
		{ "1-ff00:0:302,::1%some-zone", "[1-ff00:0:302,::1%some-zone]:0" },
		{ "[1-ff00:0:110,192.0.2.1]:80", "[1-ff00:0:110,192.0.2.1]:80" },
		{ "[1-ff00:0:110,2001:DB8::1]:80", "[1-ff00:0:110,2001:db8::1]:80" },
		{ "[1-64496,2001:DB8::1]:80", "[1-64496,2001:db8::1]:80" },
		{ "[1-64496,2001:DB8::1]:60000", "[1-64496,2001:db8::1]:60000" },
		{ "1-64496,192.0.2.1:80", "1-64496,192.0.2.1:80" },
		/* IPv4-mapped: Go prints IPv4 ("10.0.0.1%eth0" with a zone, which parses nowhere);
		 * with a zone we keep the IPv6 form, so that the string parses back (fuzz_addr). */
		{ "[1-ff00:0:110,::ffff:10.0.0.1]:80", "[1-ff00:0:110,10.0.0.1]:80" },
		{ "[1-ff00:0:110,::ffff:10.0.0.1%eth0]:80", "[1-ff00:0:110,::ffff:10.0.0.1%eth0]:80" },
	};
	char b[SNET_ADDR_STRLEN];
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snet_udp_addr a;
		if (snet_udp_addr_parse(bad[i], strlen(bad[i]), &a) == 0)
			fail_msg("\"%s\" parsed", bad[i]);
	}
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		snet_udp_addr a;
		int r = snet_udp_addr_parse(ok[i].in, strlen(ok[i].in), &a);
		if (r)
			fail_msg("\"%s\": %s", ok[i].in, snet_err_name(r));
		snet_udp_addr_format(&a, b, sizeof(b));
		assert_string_equal(b, ok[i].out);
	}
}

/* The error names the part that is wrong, whichever of Go's two forms was meant. */
static void test_udp_addr_parse_errors(void **state)
{
	static const struct {
		const char *in;
		int want;
	} cases[] = {
		{ "[1-ff00:0:110,host]:80", SNET_E_BAD_HOST },
		{ "1-ff00:0:110,host:80", SNET_E_BAD_HOST },
		{ "1-ff00:0:110,[host]:80", SNET_E_BAD_HOST },
		{ "1-ff00:0:110,host", SNET_E_BAD_HOST },
		{ "[1-ff00:0:110,10.0.0.1]:x", SNET_E_BAD_PORT },
		{ "1-ff00:0:110,10.0.0.1:70000", SNET_E_BAD_PORT },
		{ "[1-ff00:0:11000,10.0.0.1]:80", SNET_E_BAD_AS },
		{ "[65536-ff00:0:110,10.0.0.1]:80", SNET_E_BAD_ISD },
		{ "foo", SNET_E_BAD_ADDR },
		{ "", SNET_E_BAD_ADDR },
		{ "[10.0.0.1]:80", SNET_E_BAD_ADDR },
	};
	snet_udp_addr a;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int r = snet_udp_addr_parse(cases[i].in, strlen(cases[i].in), &a);
		if (r != cases[i].want)
			fail_msg("\"%s\": got %s, want %s", cases[i].in, snet_err_name(r),
				 snet_err_name(cases[i].want));
	}
}

static void test_err_names(void **state)
{
	assert_string_equal(snet_err_name(SNET_E_TRUNCATED), "SNET_E_TRUNCATED");
	assert_string_equal(snet_strerror(SNET_E_BAD_VERSION), "SCION version is not 0");
	assert_string_equal(snet_err_name(-22), "EINVAL");
	assert_true(SNET_E_TRUNCATED < -4095 || SNET_E_TRUNCATED > -3000);
	assert_true(SNET_E_BAD_HEX < -4095);
	assert_string_equal(snet_err_name(0), "OK");
	assert_string_equal(snet_strerror(0), "success");
	assert_string_equal(snet_err_name(1), "SNET_E_UNKNOWN");
	assert_string_equal(snet_strerror(-2999), "Unknown error 2999");
}

/* A libuv status handed to us prints as libuv prints it: the name for every code libuv knows,
 * and the text too for libuv's own codes (-errno texts stay the C library's). */
static void test_err_libuv_codes(void **state)
{
#define CHECK(name, msg)                                                                           \
	do {                                                                                       \
		const char *want = uv_err_name(UV_##name);                                         \
		if (UV_##name == UV_ENOTSUP)                                                       \
			want = "EOPNOTSUPP"; /* the same number on Linux */                        \
		assert_string_equal(snet_err_name(UV_##name), want);                              \
		if (UV_##name <= -3000)                                                            \
			assert_string_equal(snet_strerror(UV_##name), uv_strerror(UV_##name));     \
		else                                                                               \
			assert_string_equal(snet_strerror(UV_##name), strerror(-UV_##name));       \
	} while (0);
	UV_ERRNO_MAP(CHECK)
#undef CHECK
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ia_table),
		cmocka_unit_test(test_svc_table),
		cmocka_unit_test(test_host_format),
		cmocka_unit_test(test_udp_addr_format),
		cmocka_unit_test(test_udp_addr_parse),
		cmocka_unit_test(test_udp_addr_parse_errors),
		cmocka_unit_test(test_err_names),
		cmocka_unit_test(test_err_libuv_codes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
