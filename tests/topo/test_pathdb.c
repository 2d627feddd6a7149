/* SPDX-License-Identifier: Apache-2.0 */
/* The path database: queries by IA pair, expired paths left out, errors name the entry. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <unistd.h>

#include <errno.h>

#include "common.h"
#include "golden_path.h"

static char file[64];

static void write_db(const char *text)
{
	strcpy(file, "/tmp/snet-pathdb-XXXXXX");
	int fd = mkstemp(file);
	assert_true(fd >= 0);
	assert_true(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
	close(fd);
}

static void test_query(void **state)
{
	char json[4096], hex[2 * sizeof(golden_raw_path) + 1];
	for (size_t i = 0; i < sizeof(golden_raw_path); i++)
		sprintf(hex + 2 * i, "%02x", golden_raw_path[i]);
	snprintf(json, sizeof(json),
		 "{\"paths\": ["
		 "{\"src\": \"1-ff00:0:111\", \"dst\": \"1-ff00:0:110\", \"raw\": \"%s\", "
		 "\"next_hop\": \"10.111.0.1:30042\", \"interfaces\": [{\"ia\": \"1-ff00:0:111\", "
		 "\"id\": 41}, {\"ia\": \"1-ff00:0:110\", \"id\": 1}], \"mtu\": 1280, \"expiry\": 2000},"
		 "{\"src\": \"1-ff00:0:111\", \"dst\": \"1-ff00:0:110\", \"raw\": \"%s\", "
		 "\"next_hop\": \"[fd00::1]:30042\", \"interfaces\": [], \"mtu\": 1400, \"expiry\": 1000},"
		 "{\"src\": \"1-ff00:0:112\", \"dst\": \"1-ff00:0:110\", \"raw\": \"\", "
		 "\"interfaces\": [], \"mtu\": 1400, \"expiry\": 3000}]}",
		 hex, hex);
	write_db(json);
	snet_pathdb db;
	char err[256];
	assert_int_equal(snet_pathdb_load(file, &db, err, sizeof(err)), 0);
	unlink(file);
	assert_int_equal(db.n, 3);
	const snet_path *out[4];
	uint64_t src = 0x0001ff0000000111ull, dst = 0x0001ff0000000110ull;
	assert_int_equal(snet_pathdb_query(&db, src, dst, 500, out, 4), 2);
	assert_int_equal(snet_pathdb_query(&db, src, dst, 1500, out, 4), 1); /* one expired */
	assert_int_equal(out[0]->mtu, 1280);
	assert_int_equal(out[0]->n_ifs, 2);
	assert_int_equal(out[0]->ifs[0].id, 41);
	assert_int_equal(out[0]->len, sizeof(golden_raw_path));
	assert_int_equal(snet_pathdb_query(&db, src, dst, 2500, out, 4), 0);
	snet_udp_addr a = { 0 };
	snet_path_apply(out[0], &a);
	assert_ptr_equal(a.path, out[0]->raw);
	assert_int_equal(a.path_type, SNET_PATH_SCION);
	assert_int_equal(ntohs(((struct sockaddr_in *)&a.next_hop)->sin_port), 30042);
	assert_int_equal(snet_pathdb_query(&db, 0x0001ff0000000112ull, dst, 0, out, 4), 1);
	assert_int_equal(out[0]->type, SNET_PATH_EMPTY);
	snet_pathdb_free(&db);
}

static void test_errors(void **state)
{
	static const struct {
		const char *json, *want;
	} cases[] = {
		{ "{", ":1:1: string or '}' expected" },
		{ "{\"paths\": 1}", "paths: missing" },
		{ "{\"paths\": [{\"src\": \"x\"}]}", "paths[0].src" },
		{ "{\"paths\": [{\"src\": \"1-1\", \"dst\": \"1-2\", \"raw\": \"zz\"}]}", "paths[0].raw" },
		{ "{\"paths\": [{\"src\": \"1-1\", \"dst\": \"1-2\", \"raw\": \"00002080\"}]}",
		  "paths[0].raw" },
		{ "{\"paths\": [{\"src\": \"1-1\", \"dst\": \"1-2\", \"raw\": \"\", \"next_hop\": \"x\"}]}",
		  "paths[0].next_hop" },
		{ "{\"paths\": [{\"src\": \"1-1\", \"dst\": \"1-2\", \"raw\": \"\", \"mtu\": 1}]}",
		  "paths[0].expiry" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snet_pathdb db;
		char err[256] = "";
		write_db(cases[i].json);
		int r = snet_pathdb_load(file, &db, err, sizeof(err));
		unlink(file);
		if (r >= 0 || !strstr(err, cases[i].want))
			fail_msg("case %zu: r=%d err=\"%s\"", i, r, err);
	}
	/* A file that is not there: -errno and the path, never jansson's "line -1". */
	snet_pathdb db;
	char err[256] = "";
	assert_int_equal(snet_pathdb_load("/nonexistent/paths.json", &db, err, sizeof(err)), -ENOENT);
	assert_string_equal(err, "/nonexistent/paths.json: No such file or directory");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_query),
		cmocka_unit_test(test_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
