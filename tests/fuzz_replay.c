/* SPDX-License-Identifier: Apache-2.0 */
/* Replays every fuzz seed and every kept crasher (fuzz/regressions) through the fuzz targets,
 * so a fixed crash stays fixed in the plain and sanitizer builds. */
#include <dirent.h>
#include <stdlib.h>

#include "common.h"
#include "../fuzz/fuzz.h"

typedef int (*target_fn)(const uint8_t *, size_t);

/* Replays every file of dir (missing: none, when optional). Returns how many. */
static int replay_dir(const char *dir, target_fn fn, bool optional)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;
	static uint8_t buf[1 << 16];
	if (!d && optional)
		return 0;
	assert_non_null(d);
	while ((e = readdir(d)) != NULL) {
		char path[1024];
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		FILE *f = fopen(path, "rb");
		assert_non_null(f);
		size_t len = fread(buf, 1, sizeof(buf), f);
		fclose(f);
		fn(buf, len);
		/* Every prefix too: the cheap way to cover truncations of every seed. */
		for (size_t k = 0; k < len && k < 2048; k++)
			fn(buf, k);
		n++;
	}
	closedir(d);
	return n;
}

static void run(const char *name, target_fn fn, int min_seeds)
{
	char dir[512];
	snprintf(dir, sizeof(dir), "%s/corpus/%s", SNET_FUZZ_DIR, name);
	assert_true(replay_dir(dir, fn, false) >= min_seeds);
	snprintf(dir, sizeof(dir), "%s/regressions/%s", SNET_FUZZ_DIR, name);
	replay_dir(dir, fn, true);
}

static void test_decode(void **state)
{
	run("decode", snet_fuzz_decode, 7);
}

/* Go's golden packets with every byte changed to the values that move a parser between its
 * branches (every value in the common header; zero, one, the extremes, neighbours and flipped
 * bits elsewhere), through the decode target: it checks the fast path against the full parser. */
static int decode_with(uint8_t *pkt, size_t n, size_t at, const uint8_t *vals, unsigned nv)
{
	uint8_t orig = pkt[at];
	for (unsigned v = 0; v < nv; v++) {
		pkt[at] = vals[v];
		snet_fuzz_decode(pkt, n);
	}
	pkt[at] = orig;
	return (int)nv;
}

static void test_decode_mutations(void **state)
{
	static uint8_t pkt[2048], every[256];
	int runs = 0;
	for (unsigned v = 0; v < 256; v++)
		every[v] = (uint8_t)v;
	for (size_t g = 0; g < GOLDEN_COUNT; g++) {
		size_t n = load_vector(golden_names[g], pkt, sizeof(pkt));
		for (size_t at = 0; at < n; at++) {
			uint8_t o = pkt[at];
			const uint8_t some[] = { 0, 1, 2, 3, 4, 0x7f, 0x80, 0xfe, 0xff, (uint8_t)(o ^ 1),
						 (uint8_t)(o ^ 0x40), (uint8_t)(o + 1), (uint8_t)(o - 1) };
			runs += at < SNET_CMN_HDR_LEN ? decode_with(pkt, n, at, every, 256)
						      : decode_with(pkt, n, at, some, sizeof(some));
		}
	}
	assert_true(runs > 10000);
}

static void test_roundtrip(void **state)
{
	run("roundtrip", snet_fuzz_roundtrip, 7);
}

static void test_addr(void **state)
{
	run("addr", snet_fuzz_addr, 8);
}

static void test_disp(void **state)
{
	run("disp", snet_fuzz_disp, 4);
}

static void test_pkt_json(void **state)
{
	run("pkt_json", snet_fuzz_pkt_json, 4);
}

static void test_topo(void **state)
{
	run("topo", snet_fuzz_topo, 4);
}

static void test_pathdb(void **state)
{
	run("pathdb", snet_fuzz_pathdb, 2);
}

static void test_netlink(void **state)
{
	run("netlink", snet_fuzz_netlink, 3);
}

static void test_key(void **state)
{
	run("key", snet_fuzz_key, 4);
}

static void test_policy(void **state)
{
	run("policy", snet_fuzz_policy, 4);
}

static void test_daemon(void **state)
{
	run("daemon", snet_fuzz_daemon, 4);
}

static void test_topogen(void **state)
{
	run("topogen", snet_fuzz_topogen, 6);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode),	 cmocka_unit_test(test_decode_mutations),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_addr),	 cmocka_unit_test(test_disp),
		cmocka_unit_test(test_pkt_json), cmocka_unit_test(test_topo),
		cmocka_unit_test(test_pathdb),	 cmocka_unit_test(test_netlink),
		cmocka_unit_test(test_key),
		cmocka_unit_test(test_daemon),
		cmocka_unit_test(test_policy),
		cmocka_unit_test(test_topogen),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
