/* SPDX-License-Identifier: Apache-2.0 */
/* The dispatcher's relay rules (Go's shim) and its configuration file. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <unistd.h>

#include "common.h"
#include "config.h"
#include "relay.h"

static snet_pkt base(uint8_t l4)
{
	snet_pkt p;
	memset(&p, 0, sizeof(p));
	static const uint8_t dst[4] = { 10, 110, 1, 2 };
	p.hdr.dst_ia = 0x0001ff0000000110ull;
	snet_scion_hdr_set_ip(&p.hdr.dst_type, p.hdr.dst_host, dst, 4);
	p.l4 = l4;
	return p;
}

static uint16_t port_of(const struct sockaddr_storage *ss)
{
	return ntohs(((const struct sockaddr_in *)ss)->sin_port);
}

static void test_rules(void **state)
{
	struct relay_conf c = { .forwarding = true };
	struct sockaddr_storage to;
	snet_pkt p = base(SNET_PROTO_UDP);
	p.udp.dst_port = 31005;
	assert_int_equal(relay_dst(&c, &p, &to), RELAY_OK);
	assert_int_equal(port_of(&to), 31005);
	assert_int_equal(ntohl(((struct sockaddr_in *)&to)->sin_addr.s_addr), 0x0a6e0102);

	p = base(SNET_PROTO_SCMP);
	p.scmp.type = SNET_SCMP_ECHO_REPLY;
	p.scmp.identifier = 32001;
	assert_int_equal(relay_dst(&c, &p, &to), RELAY_OK);
	assert_int_equal(port_of(&to), 32001);

	/* An error quoting a UDP packet goes to the quoted source port. */
	uint8_t quote[128];
	snet_pkt q = base(SNET_PROTO_UDP);
	q.hdr.next_hdr = SNET_PROTO_UDP;
	q.hdr.src_ia = q.hdr.dst_ia;
	memcpy(q.hdr.src_host, q.hdr.dst_host, 16);
	q.udp.src_port = 31777;
	q.payload = (const uint8_t *)"payload";
	q.payload_len = 7;
	int n = snet_pkt_emit(&q, SNET_EMIT_FIX, quote, sizeof(quote));
	p = base(SNET_PROTO_SCMP);
	p.scmp.type = SNET_SCMP_DEST_UNREACHABLE;
	p.payload = quote;
	p.payload_len = (size_t)n - 4; /* cut short, as quotes are */
	assert_int_equal(relay_dst(&c, &p, &to), RELAY_OK);
	assert_int_equal(port_of(&to), 31777);
	p.payload_len = (size_t)n - 7 - 4; /* into the UDP header: Go drops it */
	assert_int_equal(relay_dst(&c, &p, &to), RELAY_BAD_QUOTE);
	p.payload_len = 10;
	assert_int_equal(relay_dst(&c, &p, &to), RELAY_BAD_QUOTE);

	/* Nothing is relayed to port 30041, the dispatcher itself: an echo reply with that
	 * identifier, or an error quoting that source port, would loop forever. */
	p = base(SNET_PROTO_SCMP);
	p.scmp.type = SNET_SCMP_ECHO_REPLY;
	p.scmp.identifier = SNET_ENDHOST_PORT;
	assert_int_equal(relay_dst(&c, &p, &to), RELAY_TO_DISPATCHER);
	q.udp.src_port = SNET_ENDHOST_PORT;
	n = snet_pkt_emit(&q, SNET_EMIT_FIX, quote, sizeof(quote));
	p = base(SNET_PROTO_SCMP);
	p.scmp.type = SNET_SCMP_EXT_IF_DOWN;
	p.payload = quote;
	p.payload_len = (size_t)n;
	assert_int_equal(relay_dst(&c, &p, &to), RELAY_TO_DISPATCHER);
	p = base(SNET_PROTO_UDP);
	p.udp.dst_port = SNET_ENDHOST_PORT;
	assert_int_equal(relay_dst(&c, &p, &to), RELAY_TO_DISPATCHER);

	p = base(SNET_PROTO_SCMP);
	p.scmp.type = 200;
	assert_int_equal(relay_dst(&c, &p, &to), RELAY_UNSUPPORTED);
	p = base(SNET_PROTO_BFD);
	assert_int_equal(relay_dst(&c, &p, &to), RELAY_OTHER_L4);
	c.forwarding = false;
	p = base(SNET_PROTO_UDP);
	assert_int_equal(relay_dst(&c, &p, &to), RELAY_NO_FORWARDING);
}

static void test_services(void **state)
{
	struct disp_config c;
	struct sockaddr_storage to;
	disp_config_default(&c);
	c.relay.forwarding = true;
	assert_int_equal(disp_config_add_service(&c, "1-ff00:0:110,CS", "10.110.1.9:31000"), 0);
	assert_int_equal(disp_config_add_service(&c, "1-ff00:0:110,Wildcard", "10.0.0.1:1"), -1);
	assert_int_equal(disp_config_add_service(&c, "1-ff00:0:110,CS", "10.0.0.1"), -1);
	snet_pkt p = base(SNET_PROTO_UDP);
	snet_scion_hdr_set_svc(&p.hdr.dst_type, p.hdr.dst_host, SNET_SVC_CS);
	assert_int_equal(relay_dst(&c.relay, &p, &to), RELAY_OK);
	assert_int_equal(port_of(&to), 31000);
	snet_scion_hdr_set_svc(&p.hdr.dst_type, p.hdr.dst_host, SNET_SVC_DS);
	assert_int_equal(relay_dst(&c.relay, &p, &to), RELAY_NO_SERVICE);
	/* A service "at" port 30041 would be the dispatcher itself. */
	assert_int_equal(disp_config_add_service(&c, "1-ff00:0:110,DS", "10.110.1.9:30041"), 0);
	assert_int_equal(relay_dst(&c.relay, &p, &to), RELAY_TO_DISPATCHER);
}

static int load(const char *text, struct disp_config *c, char *err, size_t n)
{
	char file[] = "/tmp/snet-disp-XXXXXX";
	int fd = mkstemp(file);
	assert_true(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
	close(fd);
	disp_config_default(c);
	int r = disp_config_load(c, file, err, n);
	unlink(file);
	return r;
}

static void test_config_file(void **state)
{
	struct disp_config c;
	char err[256];
	assert_int_equal(load("[dispatcher]\nid = \"d1\"\nlocal_udp_forwarding = true\n"
			      "underlay_addr = \"10.0.0.1\"\n\n[dispatcher.service_addresses]\n"
			      "\"1-ff00:0:110,CS\" = \"10.0.0.2:31000\"\n[log.console]\nlevel = \"debug\"\n",
			      &c, err, sizeof(err)),
			 0);
	assert_string_equal(c.id, "d1");
	assert_true(c.relay.forwarding);
	assert_string_equal(c.underlay, "10.0.0.1");
	assert_int_equal(c.relay.n_svcs, 1);
	assert_int_equal(load("[dispatcher]\nid = \"d\"\nbogus = 1\n", &c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "unknown key \"bogus\""));
	assert_int_equal(load("[dispatcher]\nid = \"d\"\nlocal_udp_forwarding = yes\n", &c, err,
			      sizeof(err)),
			 -1);
	assert_non_null(strstr(err, "local_udp_forwarding"));
	assert_int_equal(load("[dispatcher]\nlocal_udp_forwarding = true\n", &c, err, sizeof(err)),
			 -1);
	assert_non_null(strstr(err, "id is required"));
	assert_int_equal(load("[dispatcher]\njust text\n", &c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, ":2:"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rules),
		cmocka_unit_test(test_services),
		cmocka_unit_test(test_config_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
