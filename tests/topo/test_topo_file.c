/* SPDX-License-Identifier: Apache-2.0 */
/* Go's topology.json samples load; bad files give an error naming the key. */
#include <arpa/inet.h>
#include <errno.h>

#include "common.h"
#include "snet/topo_file.h"

static void test_go_samples(void **state)
{
	snet_topo_file f;
	char err[256] = "";
	int r = snet_topo_file_load(SNET_TEST_DATA "/topology/go-testdata-topology.json", &f, err,
				    sizeof(err));
	if (r)
		fail_msg("%s", err);
	assert_true(f.ia == snet_ia_from(6, 0xff0000000362ull));
	assert_int_equal(f.mtu, 1472);
	assert_true(f.core);
	assert_int_equal(f.port_start, 1024);
	assert_int_equal(f.port_end, 65535);
	assert_int_equal(f.n_brs, 2);
	assert_int_equal(f.n_links, 2);
	const snet_topo_link *l91 = f.links[0].ifid == 91 ? &f.links[0] : &f.links[1];
	assert_int_equal(l91->ifid, 91);
	assert_int_equal(l91->link_to, SNET_LINK_CORE);
	assert_true(l91->has_bfd);
	assert_int_equal(l91->bfd_detect_mult, 3);
	assert_string_equal(l91->bfd_min_tx, "25ms");
	assert_string_equal(l91->provider, "udpip");
	snet_topology t;
	assert_int_equal(snet_topo_file_topology(&f, &t), 0);
	const struct sockaddr_storage *br = snet_topology_if(&t, 32);
	assert_non_null(br);
	assert_int_equal(br->ss_family, AF_INET6);

	r = snet_topo_file_load(SNET_TEST_DATA "/topology/tiny-as110-topology.json", &f, err,
				sizeof(err));
	if (r)
		fail_msg("%s", err);
	assert_int_equal(f.n_brs, 2);
	assert_int_equal(f.n_cs, 1);
	snet_topo_file_topology(&f, &t);
	const struct sockaddr_in *b2 = (const struct sockaddr_in *)snet_topology_if(&t, 2);
	assert_int_equal(ntohs(b2->sin_port), 31012);
	assert_true(snet_topology_port_dispatched(&t, 1024));
}

static void test_bad_files(void **state)
{
	static const struct {
		const char *json, *want;
	} cases[] = {
		{ "{", "topology:1:1: string or '}' expected" },
		{ "[]", "top level" },
		{ "{\"mtu\": 1}", "isd_as: missing" },
		{ "{\"isd_as\": \"1-0\", \"mtu\": 1}", "isd_as: wildcard" },
		{ "{\"isd_as\": \"1-ff00:0:1x0\", \"mtu\": 1}", "isd_as: \"1-ff00:0:1x0\" is not" },
		{ "{\"isd_as\": \"1-ff00:0:110\"}", "mtu: missing" },
		{ "{\"isd_as\": \"1-1\", \"mtu\": 9, \"dispatched_ports\": \"9-1\"}", "dispatched_ports" },
		{ "{\"isd_as\": \"1-1\", \"mtu\": 9, \"dispatched_ports\": \"0-10\"}", "dispatched_ports" },
		{ "{\"isd_as\": \"1-1\", \"mtu\": 9, \"attributes\": {}}", "attributes: not an array" },
		{ "{\"isd_as\": \"1-1\", \"mtu\": 9, \"border_routers\": {\"br\": {}}}",
		  "border_routers.br.internal_addr: missing" },
		{ "{\"isd_as\": \"1-1\", \"mtu\": 9, \"border_routers\": {\"br\": "
		  "{\"internal_addr\": \"10.0.0.1\"}}}",
		  "border_routers.br.internal_addr: \"10.0.0.1\" is not an ip:port" },
		{ "{\"isd_as\": \"1-1\", \"mtu\": 9, \"border_routers\": {\"br\": "
		  "{\"internal_addr\": \"10.0.0.1:1\", \"interfaces\": {\"x\": {}}}}}",
		  "border_routers.br.interfaces.x: interface ID" },
		{ "{\"isd_as\": \"1-1\", \"mtu\": 9, \"border_routers\": {\"br\": "
		  "{\"internal_addr\": \"10.0.0.1:1\", \"interfaces\": {\"1\": {\"isd_as\": \"1-2\", "
		  "\"link_to\": \"sideways\"}}}}}",
		  "interfaces.1.link_to: \"sideways\"" },
		{ "{\"isd_as\": \"1-1\", \"mtu\": 9, \"border_routers\": {\"br\": "
		  "{\"internal_addr\": \"10.0.0.1:1\", \"interfaces\": {\"1\": {\"isd_as\": \"1-2\", "
		  "\"link_to\": \"child\", \"underlay\": {\"local\": \":50000\", \"remote\": "
		  "\"10.0.0.2:5\"}}}}}}",
		  "interfaces.1.underlay.local: \":50000\" is not an ip:port" },
		{ "{\"isd_as\": \"1-1\", \"mtu\": 9, \"border_routers\": {\"br\": "
		  "{\"internal_addr\": \"10.0.0.1:1\", \"interfaces\": {\"1\": {\"isd_as\": \"1-2\", "
		  "\"link_to\": \"PEER\", \"underlay\": {}}}}}}",
		  "remote_interface_id: required" },
		{ "{\"isd_as\": \"1-1\", \"mtu\": 9, \"control_service\": {\"cs\": {\"addr\": 5}}}",
		  "control_service.cs.addr: missing or not a string" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snet_topo_file f;
		char err[256] = "";
		int r = snet_topo_file_parse(cases[i].json, strlen(cases[i].json), &f, err,
					     sizeof(err));
		if (r >= 0 || !strstr(err, cases[i].want))
			fail_msg("case %zu: r=%d err=\"%s\", want \"%s\"", i, r, err, cases[i].want);
	}
	snet_topo_file f;
	char err[128];
	assert_int_equal(snet_topo_file_load("/nonexistent/topology.json", &f, err, sizeof(err)),
			 -ENOENT);
}

static void test_port_ranges(void **state)
{
	uint16_t a, b;
	assert_int_equal(snet_port_range_parse("31000-32767", &a, &b), 0);
	assert_int_equal(a, 31000);
	assert_int_equal(snet_port_range_parse("-", &a, &b), 0);
	assert_int_equal(b, 0);
	assert_int_equal(snet_port_range_parse("ALL", &a, &b), 0);
	assert_int_equal(b, 65535);
	assert_int_equal(snet_port_range_parse("1-2-3", &a, &b), SNET_E_BAD_FIELD);
	assert_int_equal(snet_port_range_parse("5-70000", &a, &b), SNET_E_BAD_FIELD);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_go_samples),
		cmocka_unit_test(test_bad_files),
		cmocka_unit_test(test_port_ranges),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
