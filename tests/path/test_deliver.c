/* SPDX-License-Identifier: Apache-2.0 */
/* Where a packet is delivered on the end host (Go's router dstScionPort/getDstPortSCMP and the
 * shim's getDstSCMP): every rule, every SCMP type with a rule, and quotes cut at every byte. */
#include "common.h"

static const uint8_t host4[4] = { 10, 0, 0, 1 };

static snet_pkt base(uint8_t l4)
{
	snet_pkt p;
	memset(&p, 0, sizeof(p));
	p.hdr.dst_ia = p.hdr.src_ia = 0x0001ff0000000110ull;
	snet_scion_hdr_set_ip(&p.hdr.dst_type, p.hdr.dst_host, host4, 4);
	snet_scion_hdr_set_ip(&p.hdr.src_type, p.hdr.src_host, host4, 4);
	p.hdr.next_hdr = p.l4 = l4;
	return p;
}

/* A quoted packet: UDP from sport (after an HBH extension when ext), or SCMP of type t. */
static size_t quote(uint8_t *buf, uint8_t l4, uint16_t sport, uint8_t t, bool ext)
{
	static const uint8_t opt_data[2] = { 1, 2 };
	uint8_t hbh[16];
	snet_pkt q = base(l4);
	q.udp.src_port = sport;
	q.udp.dst_port = 40000;
	q.scmp.type = t;
	q.scmp.identifier = 31234;
	q.payload = (const uint8_t *)"0123456789";
	q.payload_len = 10;
	if (ext) {
		snet_opt o = { .type = 0x3e, .len = 2, .data = opt_data };
		int n = snet_ext_emit(l4, &o, 1, SNET_EXT_ALIGN, hbh, sizeof(hbh));
		assert_true(n > 0);
		assert_int_equal(snet_ext_parse(hbh, (size_t)n, &q.hbh), n);
		q.has_hbh = true;
		q.hdr.next_hdr = SNET_PROTO_HBH;
	}
	int n = snet_pkt_emit(&q, SNET_EMIT_FIX, buf, 256);
	assert_true(n > 0);
	return (size_t)n;
}

static int error_port(uint8_t type, const uint8_t *q, size_t len)
{
	snet_pkt p = base(SNET_PROTO_SCMP);
	p.scmp.type = type;
	p.payload = q;
	p.payload_len = len;
	return snet_pkt_endhost_port(&p, NULL);
}

static void test_plain_rules(void **state)
{
	snet_pkt p = base(SNET_PROTO_UDP);
	p.udp.dst_port = 31005;
	assert_int_equal(snet_pkt_endhost_port(&p, NULL), 31005);
	uint8_t tcp[20] = { 0x12, 0x34, 0x7a, 0x69 };
	p = base(SNET_PROTO_TCP);
	p.payload = tcp;
	p.payload_len = 20;
	assert_int_equal(snet_pkt_endhost_port(&p, NULL), 0x7a69);
	p.payload_len = 19;
	assert_int_equal(snet_pkt_endhost_port(&p, NULL), SNET_E_TRUNCATED);
	p = base(SNET_PROTO_BFD);
	assert_int_equal(snet_pkt_endhost_port(&p, NULL), SNET_ENDHOST_PORT);
	p = base(99);
	assert_int_equal(snet_pkt_endhost_port(&p, NULL), SNET_ENDHOST_PORT);
	static const uint8_t info[] = { SNET_SCMP_ECHO_REQUEST, SNET_SCMP_TRACEROUTE_REQUEST,
					SNET_SCMP_ECHO_REPLY, SNET_SCMP_TRACEROUTE_REPLY };
	for (size_t i = 0; i < sizeof(info); i++) {
		p = base(SNET_PROTO_SCMP);
		p.scmp.type = info[i];
		p.scmp.identifier = 32001;
		assert_int_equal(snet_pkt_endhost_port(&p, NULL), i < 2 ? SNET_ENDHOST_PORT : 32001);
	}
	/* Every other type (unknown errors and unknown informational ones) has no rule. */
	for (unsigned t = 0; t < 256; t++) {
		if (t == 1 || t == 2 || t == 4 || t == 5 || t == 6 || (t >= 128 && t <= 131))
			continue;
		p = base(SNET_PROTO_SCMP);
		p.scmp.type = (uint8_t)t;
		assert_int_equal(snet_pkt_endhost_port(&p, NULL), SNET_E_UNSUPPORTED_SCMP);
	}
}

static void test_errors_by_quote(void **state)
{
	static const uint8_t errors[] = { 1, 2, 4, 5, 6 };
	uint8_t q[256];
	for (size_t e = 0; e < sizeof(errors); e++) {
		size_t n = quote(q, SNET_PROTO_UDP, 31777, 0, false);
		assert_int_equal(error_port(errors[e], q, n), 31777);
		n = quote(q, SNET_PROTO_UDP, 31778, 0, true);
		assert_int_equal(error_port(errors[e], q, n), 31778);
		n = quote(q, SNET_PROTO_SCMP, 0, SNET_SCMP_ECHO_REQUEST, false);
		assert_int_equal(error_port(errors[e], q, n), 31234);
		n = quote(q, SNET_PROTO_SCMP, 0, SNET_SCMP_TRACEROUTE_REQUEST, true);
		assert_int_equal(error_port(errors[e], q, n), 31234);
		/* No port in: a reply, an error about an error, UDP from port 0. */
		n = quote(q, SNET_PROTO_SCMP, 0, SNET_SCMP_ECHO_REPLY, false);
		assert_int_equal(error_port(errors[e], q, n), SNET_E_BAD_QUOTE);
		n = quote(q, SNET_PROTO_SCMP, 0, SNET_SCMP_DEST_UNREACHABLE, false);
		assert_int_equal(error_port(errors[e], q, n), SNET_E_BAD_QUOTE);
		n = quote(q, SNET_PROTO_UDP, 0, 0, false);
		assert_int_equal(error_port(errors[e], q, n), SNET_E_BAD_QUOTE);
	}
}

/* Cut at every byte: a port exactly when the whole UDP header (or the SCMP header and its
 * Identifier) is there, as Go's decoders need. */
static void test_quote_cut_everywhere(void **state)
{
	uint8_t q[256];
	size_t n = quote(q, SNET_PROTO_UDP, 31777, 0, true);
	size_t l4 = n - 10 - SNET_UDP_HDR_LEN;
	for (size_t len = 0; len <= n; len++)
		assert_int_equal(error_port(SNET_SCMP_EXT_IF_DOWN, q, len),
				 len >= l4 + SNET_UDP_HDR_LEN ? 31777 : SNET_E_BAD_QUOTE);
	n = quote(q, SNET_PROTO_SCMP, 0, SNET_SCMP_ECHO_REQUEST, false);
	l4 = n - 10 - 8;
	for (size_t len = 0; len <= n; len++)
		assert_int_equal(error_port(SNET_SCMP_PACKET_TOO_BIG, q, len),
				 len >= l4 + 8 ? 31234 : SNET_E_BAD_QUOTE);
	/* A UDP Length of 1..7 is refused by Go's decoder; 0 means "the rest". */
	n = quote(q, SNET_PROTO_UDP, 31777, 0, false);
	l4 = n - 10 - SNET_UDP_HDR_LEN;
	for (unsigned ulen = 0; ulen < 9; ulen++) {
		q[l4 + 4] = 0;
		q[l4 + 5] = (uint8_t)ulen;
		assert_int_equal(error_port(SNET_SCMP_DEST_UNREACHABLE, q, n),
				 ulen == 0 || ulen == 8 ? 31777 : SNET_E_BAD_QUOTE);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_rules),
		cmocka_unit_test(test_errors_by_quote),
		cmocka_unit_test(test_quote_cut_everywhere),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
