/* SPDX-License-Identifier: Apache-2.0 */
/* The registration table of dispatcher mode, against Go v0.11's rules (dispatcher/internal/
 * registration): overlaps, round-robin ephemeral ports, bind only with an SVC, SVC anycast and
 * multicast, SCMP identifiers; and our range check. */
#include <arpa/inet.h>

#include "common.h"
#include "registry.h"

#define IA 0x0001ff0000000110ull

static struct registry r;

static struct reg_entry mk(const char *ip, uint16_t port, uint16_t svc)
{
	struct reg_entry e;
	memset(&e, 0, sizeof(e));
	e.family = strchr(ip, ':') ? AF_INET6 : AF_INET;
	inet_pton(e.family, ip, e.ip);
	e.port = port;
	e.svc = svc;
	memcpy(e.svc_ip, e.ip, 16);
	return e;
}

static int setup(void **state)
{
	registry_init(&r, IA, 31000, 32767, 32768, 65535, 1000);
	return 0;
}

static void test_overlaps_like_go(void **state)
{
	struct reg_entry a = mk("10.0.0.1", 31000, SNET_SVC_NONE), b = a, c, d, w, v6;
	assert_int_equal(registry_add(&r, IA, &a, false), REG_OK);
	assert_int_equal(registry_add(&r, IA, &b, false), REG_E_OVERLAP); /* duplicate */
	c = mk("10.0.0.2", 31000, SNET_SVC_NONE);                          /* same port, other IP */
	assert_int_equal(registry_add(&r, IA, &c, false), REG_OK);
	w = mk("0.0.0.0", 31000, SNET_SVC_NONE); /* a wildcard over existing addresses */
	assert_int_equal(registry_add(&r, IA, &w, false), REG_E_OVERLAP);
	w = mk("0.0.0.0", 31001, SNET_SVC_NONE);
	assert_int_equal(registry_add(&r, IA, &w, false), REG_OK);
	d = mk("10.0.0.3", 31001, SNET_SVC_NONE); /* an address under an existing wildcard */
	assert_int_equal(registry_add(&r, IA, &d, false), REG_E_OVERLAP);
	v6 = mk("fd00::1", 31000, SNET_SVC_NONE); /* IPv6 is a table of its own */
	assert_int_equal(registry_add(&r, IA, &v6, false), REG_OK);
	/* Lookups: exact address, else the wildcard on the port. */
	uint8_t ip[16] = { 10, 0, 0, 2 };
	assert_ptr_equal(registry_lookup(&r, AF_INET, ip, 31000), &c);
	ip[3] = 9;
	assert_null(registry_lookup(&r, AF_INET, ip, 31000));
	assert_ptr_equal(registry_lookup(&r, AF_INET, ip, 31001), &w);
	/* A port is free again once its registration is gone. */
	registry_remove(&r, &a);
	b = mk("10.0.0.1", 31000, SNET_SVC_NONE);
	assert_int_equal(registry_add(&r, IA, &b, false), REG_OK);
	assert_int_equal(r.size, 4); /* c, w, v6 and b */
}

/* Port 0: the next free ephemeral port, round-robin from where the last search stopped. */
static void test_ephemeral_round_robin(void **state)
{
	registry_init(&r, IA, 31000, 32767, 40000, 40002, 1000);
	struct reg_entry e[5];
	for (int i = 0; i < 3; i++) {
		e[i] = mk("10.0.0.1", 0, SNET_SVC_NONE);
		assert_int_equal(registry_add(&r, IA, &e[i], false), REG_OK);
		assert_int_equal(e[i].port, 40000 + i);
	}
	e[3] = mk("10.0.0.1", 0, SNET_SVC_NONE);
	assert_int_equal(registry_add(&r, IA, &e[3], false), REG_E_NO_PORTS);
	registry_remove(&r, &e[1]);
	assert_int_equal(registry_add(&r, IA, &e[3], false), REG_OK);
	assert_int_equal(e[3].port, 40001);
	/* Another IP shares the ports. */
	e[4] = mk("10.0.0.2", 0, SNET_SVC_NONE);
	assert_int_equal(registry_add(&r, IA, &e[4], false), REG_OK);
	assert_int_equal(e[4].port, 40002);
}

static void test_refusals(void **state)
{
	struct reg_entry e = mk("10.0.0.1", 53, SNET_SVC_NONE);
	assert_int_equal(registry_add(&r, IA, &e, false), REG_E_PORT_RANGE);
	e = mk("10.0.0.1", 30041, SNET_SVC_NONE);
	assert_int_equal(registry_add(&r, IA, &e, false), REG_E_PORT_RANGE);
	e = mk("10.0.0.1", 31000, SNET_SVC_NONE);
	assert_int_equal(registry_add(&r, IA + 1, &e, false), REG_E_IA);
	assert_int_equal(registry_add(&r, 0, &e, false), REG_E_IA);
	assert_int_equal(registry_add(&r, IA, &e, true), REG_E_BIND_WITHOUT_SVC);
	e = mk("0.0.0.0", 31000, SNET_SVC_CS); /* an SVC needs a concrete IP */
	assert_int_equal(registry_add(&r, IA, &e, false), REG_E_SVC_WILDCARD);
	e = mk("10.0.0.1", 65535, SNET_SVC_NONE); /* the top of the ephemeral range is allowed */
	assert_int_equal(registry_add(&r, IA, &e, false), REG_OK);
	registry_init(&r, IA, 31000, 32767, 32768, 65535, 1);
	e = mk("10.0.0.1", 31000, SNET_SVC_NONE);
	struct reg_entry f = mk("10.0.0.1", 31001, SNET_SVC_NONE);
	assert_int_equal(registry_add(&r, IA, &e, false), REG_OK);
	assert_int_equal(registry_add(&r, IA, &f, false), REG_E_FULL);
}

static void test_svc(void **state)
{
	struct reg_entry a = mk("10.0.0.1", 31000, SNET_SVC_CS), b = mk("10.0.0.2", 31000, SNET_SVC_CS),
			 c = mk("10.0.0.3", 31000, SNET_SVC_WILDCARD), *out[8];
	assert_int_equal(registry_add(&r, IA, &a, false), REG_OK);
	assert_int_equal(registry_add(&r, IA, &b, false), REG_OK);
	assert_int_equal(registry_add(&r, IA, &c, false), REG_OK);
	/* Anycast: one at a time, in turn, among CS and the Wildcard (which is CS and DS). */
	struct reg_entry *seen[3] = { 0 };
	for (int i = 0; i < 3; i++) {
		assert_int_equal(registry_lookup_svc(&r, SNET_SVC_CS, out, 8), 1);
		seen[i] = out[0];
	}
	assert_true(seen[0] != seen[1] && seen[1] != seen[2] && seen[0] != seen[2]);
	assert_int_equal(registry_lookup_svc(&r, SNET_SVC_DS, out, 8), 1);
	assert_ptr_equal(out[0], &c);
	/* Multicast: all of them. */
	assert_int_equal(registry_lookup_svc(&r, SNET_SVC_CS | SNET_SVC_MCAST, out, 8), 3);
	assert_int_equal(registry_lookup_svc(&r, 0x0123, out, 8), 0);
	/* A bind address registers the service there. */
	struct reg_entry d = mk("0.0.0.0", 31001, SNET_SVC_DS);
	inet_pton(AF_INET, "10.0.0.9", d.svc_ip);
	assert_int_equal(registry_add(&r, IA, &d, true), REG_OK);
}

static void test_scmp_ids(void **state)
{
	struct reg_entry a = mk("10.0.0.1", 31000, SNET_SVC_NONE), b = mk("10.0.0.1", 31001, SNET_SVC_NONE);
	registry_add(&r, IA, &a, false);
	registry_add(&r, IA, &b, false);
	registry_add_id(&a, 4242);
	registry_add_id(&b, 777);
	assert_ptr_equal(registry_lookup_id(&r, 4242), &a);
	assert_ptr_equal(registry_lookup_id(&r, 777), &b);
	assert_null(registry_lookup_id(&r, 1));
	/* The newest identifiers stay. */
	for (uint16_t i = 0; i < REG_MAX_IDS; i++)
		registry_add_id(&a, (uint16_t)(1000 + i));
	assert_null(registry_lookup_id(&r, 4242));
	assert_ptr_equal(registry_lookup_id(&r, 1000 + REG_MAX_IDS - 1), &a);
	registry_remove(&r, &b);
	assert_null(registry_lookup_id(&r, 777));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_overlaps_like_go, setup),
		cmocka_unit_test_setup(test_ephemeral_round_robin, setup),
		cmocka_unit_test_setup(test_refusals, setup),
		cmocka_unit_test_setup(test_svc, setup),
		cmocka_unit_test_setup(test_scmp_ids, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
