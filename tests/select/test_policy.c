/* SPDX-License-Identifier: Apache-2.0 */
/* Go's policy language: Go's own tables (pathpol's hop_pred_test.go, sequence_test.go
 * NewSequence), the precedence of its grammar, named syntax errors, ACL rules, the policy JSON
 * (extends, options, case-insensitive keys) and our additions. The random cross-check against
 * Go itself is acceptance/gointerop/policycheck. */
#include <stdlib.h>

#include "common.h"

#define IA(isd, as) (((uint64_t)(isd) << 48) | (uint64_t)(as))

/* A path through the given IAs, with 2 interfaces per link: ids[2k] leaves AS k, ids[2k+1]
 * enters AS k+1. */
struct tpath {
	snet_path p;
	snet_path_if ifs[8];
	snet_path_metadata m;
	int64_t lat[4];
	uint64_t bw[4];
};

static void mkpath(struct tpath *t, const uint64_t *ias, size_t n_as, const uint64_t *ids)
{
	memset(t, 0, sizeof(*t));
	for (size_t k = 0; k + 1 < n_as; k++) {
		t->ifs[2 * k] = (snet_path_if){ ias[k], ids[2 * k] };
		t->ifs[2 * k + 1] = (snet_path_if){ ias[k + 1], ids[2 * k + 1] };
	}
	t->p.n_ifs = n_as > 1 ? 2 * (n_as - 1) : 0;
	t->p.ifs = t->ifs;
	t->p.src = ias[0];
	t->p.dst = ias[n_as - 1];
	t->p.type = t->p.n_ifs ? SNET_PATH_SCION : SNET_PATH_EMPTY;
	t->p.mtu = 1280;
	t->p.meta = &t->m;
	t->m.latency_ns = t->lat;
	t->m.bandwidth_kbps = t->bw;
}

static const uint64_t A111 = IA(1, 0xff0000000111), A110 = IA(1, 0xff0000000110),
		      A112 = IA(1, 0xff0000000112), A120 = IA(1, 0xff0000000120);

static bool seq_matches(const char *seq, const snet_path *p)
{
	snet_sequence *s;
	char err[256];
	assert_int_equal(snet_sequence_new(seq, &s, err, sizeof(err)), 0);
	bool m = snet_sequence_match(s, p);
	snet_sequence_free(s);
	return m;
}

static void test_go_new_sequence(void **state)
{
	/* Go's TestNewSequence */
	static const struct {
		const char *seq;
		bool ok;
	} t[] = { { "0-0-0#0", false },	     { "0#0#0", false },
		  { "0", true },		     { "1#0", false },
		  { "1-0", true },		     { "", true },
		  { "  ", false },		     { "1-ff00:0:110#1,2*", true },
		  { "(0|1)+ 1-ff00:0:112", true },   { "0 |", false },
		  { "()", false },		     { "1-00:0:1", false },
		  { "1-FF00:0:110", true },	     { "01", true } };
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		snet_sequence *s = NULL;
		char err[256] = "";
		int rc = snet_sequence_new(t[i].seq, &s, err, sizeof(err));
		if ((rc == 0) != t[i].ok)
			fail_msg("\"%s\": %d (%s)", t[i].seq, rc, err);
		if (rc)
			assert_int_equal(rc, SNET_E_BAD_FIELD);
		snet_sequence_free(s);
	}
}

static void test_sequence_errors_name_the_token(void **state)
{
	snet_sequence *s;
	char err[256];
	assert_int_equal(snet_sequence_new("1-ff00:0:110 x", &s, err, sizeof(err)), SNET_E_BAD_FIELD);
	assert_string_equal(err, "sequence: column 13: no token starts at 'x'");
	assert_int_equal(snet_sequence_new("1-ff00:0:110#", &s, err, sizeof(err)), SNET_E_BAD_FIELD);
	assert_string_equal(err, "sequence: column 13: expected an interface ID, found the end");
	assert_int_equal(snet_sequence_new("(1 2", &s, err, sizeof(err)), SNET_E_BAD_FIELD);
	assert_string_equal(err, "sequence: column 4: expected ')', found the end");
	assert_int_equal(snet_sequence_new("1 )", &s, err, sizeof(err)), SNET_E_BAD_FIELD);
	assert_string_equal(err, "sequence: column 2: expected the end, found ')'");
}

static void test_sequence_semantics(void **state)
{
	struct tpath t, e, odd;
	uint64_t ias[3] = { A111, A110, A112 }, ids[4] = { 41, 1, 2, 1 };
	mkpath(&t, ias, 3, ids);
	mkpath(&e, ias, 1, ids);
	mkpath(&odd, ias, 3, ids);
	odd.p.n_ifs = 3;
	assert_true(seq_matches("1-ff00:0:111#41 0* 1-ff00:0:112", &t.p));
	assert_true(seq_matches("1-ff00:0:111#0,41 1-ff00:0:110#1,2 1-ff00:0:112#1,0", &t.p));
	assert_false(seq_matches("1-ff00:0:111#42 0*", &t.p));
	/* A single interface matches either side of a transit hop. */
	assert_true(seq_matches("0 1-ff00:0:110#2 0", &t.p));
	assert_true(seq_matches("0 1-ff00:0:110#1 0", &t.p));
	assert_false(seq_matches("0 1-ff00:0:110#1,1 0", &t.p));
	/* Go's precedence: | binds tighter than concatenation, so "a b | c" is a (b|c). */
	assert_true(seq_matches("1-ff00:0:111 1-ff00:0:110 | 1-ff00:0:120 1-ff00:0:112", &t.p));
	assert_false(seq_matches("(1-ff00:0:111 1-ff00:0:110) | (1-ff00:0:120 1-ff00:0:112)", &t.p));
	/* Postfix binds tightest; + needs one. */
	assert_true(seq_matches("0+", &t.p));
	assert_false(seq_matches("0 0+ 0 0", &t.p));
	/* Go's tables on the empty path. */
	assert_true(seq_matches("0*", &e.p));
	assert_true(seq_matches("1-ff00:0:110#1,2*", &e.p));
	assert_true(seq_matches("0* 0?", &e.p));
	assert_false(seq_matches("0+", &e.p));
	assert_false(seq_matches("0-0#0", &e.p));
	/* Hex ASes are matched as printed: lower case (Go's regexp is case-sensitive too). */
	assert_false(seq_matches("1-FF00:0:111 0*", &t.p));
	/* An odd number of interfaces never matches; the empty sequence allows everything. */
	assert_false(seq_matches("0*", &odd.p));
	assert_true(seq_matches("", &odd.p));
	/* A decimal (BGP) AS in a sequence matches that AS printed in decimal. */
	uint64_t dec[2] = { IA(1, 110), A112 }, dids[2] = { 3, 4 };
	struct tpath d;
	mkpath(&d, dec, 2, dids);
	assert_true(seq_matches("1-110#3 1-ff00:0:112#4", &d.p));
}

/* glibc's regcomp, which a first version used, needs exponential memory for nested
 * repetitions; the automaton is linear in the sequence. Nesting deeper than Go's parser
 * could follow is refused, by name. */
static void test_sequence_nested_repetition(void **state)
{
	char seq[4096] = "(1-ff00:0:111";
	size_t n = strlen(seq);
	for (int i = 0; i < 2000; i++)
		seq[n++] = i % 3 ? '+' : '*';
	strcpy(seq + n, ") 0*");
	struct tpath t;
	uint64_t ias[3] = { A111, A110, A112 }, ids[4] = { 41, 1, 2, 1 };
	mkpath(&t, ias, 3, ids);
	assert_true(seq_matches(seq, &t.p));
	char deep[1024];
	memset(deep, '(', 400);
	strcpy(deep + 400, "0");
	memset(deep + 401, ')', 400);
	deep[801] = '\0';
	snet_sequence *s;
	char err[256];
	assert_int_equal(snet_sequence_new(deep, &s, err, sizeof(err)), SNET_E_BAD_FIELD);
	assert_non_null(strstr(err, "nested too deeply"));
}

static void test_go_hop_predicates(void **state)
{
	/* Go's TestNewHopPredicate */
	static const struct {
		const char *in;
		bool ok;
		uint16_t isd;
		uint64_t as;
		uint8_t n;
		uint64_t if0, if1;
	} t[] = {
		{ "0", true, 0, 0, 1, 0, 0 },	      { "1", true, 1, 0, 1, 0, 0 },
		{ "1-0", true, 1, 0, 1, 0, 0 },	      { "1-0#0", true, 1, 0, 1, 0, 0 },
		{ "1-0#1", false, 0, 0, 0, 0, 0 },		      { "0-1#0", true, 0, 1, 1, 0, 0 },
		{ "0-1#2", true, 0, 1, 1, 2, 0 },     { "0-1", true, 0, 1, 1, 0, 0 },
		{ "1-2", true, 1, 2, 1, 0, 0 },	      { "1-2#3,4", true, 1, 2, 2, 3, 4 },
		{ "1-2#3,4,5", false, 0, 0, 0, 0, 0 },		      { "1-1-0", false, 0, 0, 0, 0, 0 },
		{ "1#2", false, 0, 0, 0, 0, 0 },		      { "1-1#0#", false, 0, 0, 0, 0, 0 },
		{ "1-1#e", false, 0, 0, 0, 0, 0 },		      { "1-2#1,3a", false, 0, 0, 0, 0, 0 },
		{ "1-0#1,3", false, 0, 0, 0, 0, 0 },		      { "1-12323433243534#0", false, 0, 0, 0, 0, 0 },
		{ "1123212-23#0", false, 0, 0, 0, 0, 0 },	      { "1-#1", false, 0, 0, 0, 0, 0 },
		{ "1-ff00:0:110#18446744073709551615", true, 1, 0xff0000000110, 1, UINT64_MAX, 0 },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		snet_hop_pred hp;
		char err[256];
		int rc = snet_hop_pred_parse(t[i].in, &hp, err, sizeof(err));
		if ((rc == 0) != t[i].ok)
			fail_msg("\"%s\": %d (%s)", t[i].in, rc, err);
		if (!t[i].ok)
			continue;
		assert_true(hp.isd == t[i].isd && hp.as == t[i].as && hp.n_ifs == t[i].n);
		assert_true(hp.ifs[0] == t[i].if0 && hp.ifs[1] == t[i].if1);
	}
}

static size_t filter_json(const char *json, const char *name, const snet_path **v, size_t n,
			  int *rc, char *err)
{
	snet_policy *p;
	*rc = snet_policy_parse(json, strlen(json), name, &p, err, 256);
	if (*rc)
		return 0;
	n = snet_policy_filter(p, v, n);
	snet_policy_free(p);
	return n;
}

static void test_policy_json(void **state)
{
	struct tpath a, b, c, e;
	uint64_t p1[3] = { A111, A110, A112 }, i1[4] = { 41, 1, 2, 1 };
	uint64_t p2[3] = { A111, A120, A112 }, i2[4] = { 42, 7, 8, 2 };
	uint64_t p3[2] = { A111, A112 }, i3[2] = { 43, 3 };
	mkpath(&a, p1, 3, i1);
	mkpath(&b, p2, 3, i2);
	mkpath(&c, p3, 2, i3);
	mkpath(&e, p1, 1, i1);
	const snet_path *v[4];
	char err[256];
	int rc;
#define RESET() (v[0] = &a.p, v[1] = &b.p, v[2] = &c.p, v[3] = &e.p)
	/* ACL: deny 110, default allow; the empty path has no interface to deny. */
	RESET();
	assert_int_equal(filter_json("{\"acl\": [\"- 1-ff00:0:110\", \"+\"]}", NULL, v, 4, &rc, err), 3);
	assert_true(v[0] == &b.p && v[1] == &c.p && v[2] == &e.p);
	/* encoding/json matches keys case-insensitively; unknown keys are ignored. */
	RESET();
	assert_int_equal(filter_json("{\"ACL\": [\"- 1-ff00:0:120\", \"+\"], \"x\": 1}", NULL, v, 4, &rc, err), 3);
	/* No default, extra entries: Go's errors. */
	RESET();
	filter_json("{\"acl\": [\"- 1-ff00:0:110\"]}", NULL, v, 4, &rc, err);
	assert_int_equal(rc, SNET_E_BAD_FIELD);
	assert_non_null(strstr(err, "ACL does not have a default"));
	filter_json("{\"acl\": [\"+\", \"- 1\"]}", NULL, v, 4, &rc, err);
	assert_non_null(strstr(err, "unused extra entries"));
	filter_json("{\"acl\": [\"+ 1-ff00:0:110#x\", \"+\"]}", NULL, v, 4, &rc, err);
	assert_non_null(strstr(err, "acl[0]"));
	/* Remote and local ISD-AS rules: the empty path is dropped by both. */
	RESET();
	assert_int_equal(filter_json("{\"remote_isd_ases\": [{\"isd_as\": \"1-ff00:0:112\", \"reject\": true}, {\"isd_as\": \"0-0\"}]}", NULL, v, 4, &rc, err), 0);
	RESET();
	assert_int_equal(filter_json("{\"local_isd_ases\": [\"1-ff00:0:111\"]}", NULL, v, 4, &rc, err), 3);
	/* Options: the highest weight whose union is not empty. */
	RESET();
	assert_int_equal(filter_json("{\"options\": [{\"weight\": 2, \"policy\": {\"sequence\": \"0 1-ff00:0:120 0\"}},"
				     "{\"weight\": 1, \"policy\": {\"sequence\": \"0 0\"}}]}", NULL, v, 4, &rc, err), 1);
	assert_true(v[0] == &b.p);
	RESET();
	assert_int_equal(filter_json("{\"options\": [{\"weight\": 2, \"policy\": {\"sequence\": \"0 1-ff00:0:130 0\"}},"
				     "{\"weight\": 1, \"policy\": {\"sequence\": \"0 0\"}}]}", NULL, v, 4, &rc, err), 1);
	assert_true(v[0] == &c.p);
	filter_json("{\"options\": [{\"weight\": 1, \"policy\": null}]}", NULL, v, 4, &rc, err);
	assert_int_equal(rc, SNET_E_BAD_FIELD);
	/* Extends: later names take precedence; the policy's own keys first. */
	const char *map = "{\"base\": {\"sequence\": \"0 1-ff00:0:110 0\", \"acl\": [\"- 1-ff00:0:120\", \"+\"]},"
			  "\"other\": {\"sequence\": \"0 0\"},"
			  "\"mine\": {\"extends\": [\"other\", \"base\"]},"
			  "\"own\": {\"sequence\": \"0 0\", \"extends\": [\"base\"]},"
			  "\"loop1\": {\"extends\": [\"loop2\"]}, \"loop2\": {\"extends\": [\"loop1\"]},"
			  "\"missing\": {\"extends\": [\"nope\"]}}";
	RESET();
	assert_int_equal(filter_json(map, "mine", v, 4, &rc, err), 1);
	assert_true(v[0] == &a.p);
	RESET();
	assert_int_equal(filter_json(map, "own", v, 4, &rc, err), 1);
	assert_true(v[0] == &c.p);
	filter_json(map, "loop1", v, 4, &rc, err);
	assert_int_equal(rc, SNET_E_BAD_FIELD);
	assert_non_null(strstr(err, "cycle"));
	filter_json(map, "missing", v, 4, &rc, err);
	assert_non_null(strstr(err, "could not be found"));
	filter_json(map, "absent", v, 4, &rc, err);
	assert_non_null(strstr(err, "no such policy"));
	/* A broken entry fails the whole map, used or not (Go reads it at once). */
	filter_json("{\"a\": {}, \"b\": {\"sequence\": \"x\"}}", "a", v, 4, &rc, err);
	assert_int_equal(rc, SNET_E_BAD_FIELD);
	filter_json("{\"acl\": ", NULL, v, 4, &rc, err);
	assert_int_equal(rc, SNET_E_BAD_JSON);
}

static void test_our_keys(void **state)
{
	struct tpath a, b, c;
	uint64_t p1[3] = { A111, A110, A112 }, i1[4] = { 41, 1, 2, 1 };
	uint64_t p3[2] = { A111, A112 }, i3[2] = { 43, 3 };
	mkpath(&a, p1, 3, i1);
	mkpath(&b, p1, 3, i1);
	mkpath(&c, p3, 2, i3);
	a.m.n_latency = b.m.n_latency = 3;
	a.lat[0] = 1000000, a.lat[1] = 1000000, a.lat[2] = 1000000; /* 3 ms */
	b.lat[0] = 1000000, b.lat[1] = -1, b.lat[2] = 1000000;      /* unknown */
	c.m.n_latency = 1, c.lat[0] = 5000000;                      /* 5 ms */
	a.p.mtu = 1400, c.p.mtu = 1472;
	a.m.n_bandwidth = 3, a.bw[0] = a.bw[1] = a.bw[2] = 1000;
	c.m.n_bandwidth = 1, c.bw[0] = 500;
	const snet_path *v[3] = { &c.p, &b.p, &a.p };
	char err[256];
	int rc;
	assert_int_equal(filter_json("{\"snet_order\": \"latency\"}", NULL, v, 3, &rc, err), 3);
	assert_true(v[0] == &a.p && v[1] == &c.p && v[2] == &b.p); /* unknown last */
	assert_int_equal(filter_json("{\"snet_order\": \"hops\"}", NULL, v, 3, &rc, err), 3);
	assert_true(v[0] == &c.p);
	assert_int_equal(filter_json("{\"snet_max_latency_ms\": 4}", NULL, v, 3, &rc, err), 1);
	v[0] = &a.p, v[1] = &b.p, v[2] = &c.p;
	assert_int_equal(filter_json("{\"snet_min_mtu\": 1300}", NULL, v, 3, &rc, err), 2);
	v[0] = &a.p, v[1] = &b.p, v[2] = &c.p;
	assert_int_equal(filter_json("{\"snet_min_bandwidth_kbps\": 600, \"snet_order\": \"bandwidth\"}", NULL, v, 3, &rc, err), 1);
	assert_true(v[0] == &a.p);
	filter_json("{\"snet_order\": \"fastest\"}", NULL, v, 3, &rc, err);
	assert_int_equal(rc, SNET_E_BAD_FIELD);
	assert_non_null(strstr(err, "snet_order"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_go_new_sequence),
		cmocka_unit_test(test_sequence_errors_name_the_token),
		cmocka_unit_test(test_sequence_semantics),
		cmocka_unit_test(test_sequence_nested_repetition),
		cmocka_unit_test(test_go_hop_predicates),
		cmocka_unit_test(test_policy_json),
		cmocka_unit_test(test_our_keys),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
