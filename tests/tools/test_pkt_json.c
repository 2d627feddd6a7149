/* SPDX-License-Identifier: Apache-2.0 */
/* Codec corners against Go (issue "Byte-identical with Go in every corner"): each test is one
 * reproducer, checked by hand against Go's slayers/snet/shim, through snet-pkt's own JSON code
 * and the library's reply. IAs 1-ff00:0:110 / 1-ff00:0:111, hosts 10.0.0.1 / 10.0.0.2. */
#include <stdlib.h>

#include "common.h"
#include "pkt_json.h"

static size_t unhex(const char *h, uint8_t *out, size_t cap)
{
	int n = snet_hex_decode(h, strlen(h), out, cap, NULL);
	assert_true(n > 0);
	return (size_t)n;
}

static const char *tohex(const uint8_t *b, size_t n)
{
	static char s[4096];
	hex_encode(b, n, s);
	return s;
}

/* decode -> JSON text; the JSON must encode back to the same bytes. */
static char *roundtrip(const char *hex)
{
	static uint8_t in[2048], out[2048];
	snet_pkt p;
	const char *what;
	size_t n = unhex(hex, in, sizeof(in));
	assert_int_equal(snet_pkt_parse(in, n, &p, NULL), (int)n);
	json_t *j = pkt_to_json(&p);
	char *text = json_dumps(j, JSON_COMPACT);
	int m = pkt_from_json(j, out, sizeof(out), &what);
	json_decref(j);
	assert_int_equal(m, (int)n);
	assert_string_equal(tohex(out, n), hex);
	return text;
}

static const char *reply_hex(const char *hex, int *err)
{
	static uint8_t in[2048], out[2048], path[SNET_MAX_HDR_LEN];
	snet_pkt p, r;
	size_t n = unhex(hex, in, sizeof(in));
	assert_int_equal(snet_pkt_parse(in, n, &p, NULL), (int)n);
	*err = snet_pkt_reply(&p, &r, path, sizeof(path));
	if (*err)
		return NULL;
	int m = snet_pkt_emit(&r, SNET_EMIT_FIX, out, sizeof(out));
	assert_true(m > 0);
	return tohex(out, (size_t)m);
}

/* 1: External Interface Down with IfID 2^64-1: Go reads 18446744073709551615. */
static void test_scmp_u64_above_2_63(void **state)
{
	char *j = roundtrip("00000000ca090014000000000001ff00000001100001ff00000001110a0000010a000002"
			    "0500e5e70001ff0000000110ffffffffffffffff");
	assert_non_null(strstr(j, "\"interface\":\"18446744073709551615\""));
	free(j);
	/* Up to 2^63-1 it stays a JSON number; above, both forms encode. */
	json_t *o = json_loads("{\"dst_ia\":\"1-ff00:0:110\",\"src_ia\":\"1-ff00:0:111\",\"dst_host\":"
			       "\"10.0.0.1\",\"src_host\":\"10.0.0.2\",\"path\":{},\"scmp\":{\"type\":6,"
			       "\"ia\":\"1-ff00:0:110\",\"ingress\":9223372036854775807,\"egress\":"
			       "\"9223372036854775808\"}}",
			       0, NULL);
	uint8_t out[256];
	const char *what;
	assert_true(pkt_from_json(o, out, sizeof(out), &what) > 0);
	json_object_set_new(json_object_get(o, "scmp"), "egress", json_string("18446744073709551616"));
	assert_int_equal(pkt_from_json(o, out, sizeof(out), &what), SNET_E_BAD_FIELD);
	assert_string_equal(what, "scmp.egress: expected an integer 0..18446744073709551615 (above "
				  "2^63-1 as a decimal string)");
	json_object_set_new(json_object_get(o, "scmp"), "egress", json_string("-1"));
	assert_int_equal(pkt_from_json(o, out, sizeof(out), &what), SNET_E_BAD_FIELD);
	json_decref(o);
}

/* 2: a 16-byte IPv4-mapped host stays 16 bytes through decode and encode (slayers keeps raw). */
static void test_mapped_host_stays_16_bytes(void **state)
{
	char *j = roundtrip("00000000110c0008003000000001ff00000001100001ff000000011100000000000000"
			    "000000ffff0a0000010a000002000100020008ebb3");
	assert_non_null(strstr(j, "\"dst_host\":\"::ffff:10.0.0.1\""));
	free(j);
}

/* 3: the reply unmaps it (Go: PackAddr -> Unmap), byte for byte Go's reply. */
static void test_reply_unmaps_mapped_host(void **state)
{
	int err;
	const char *r = reply_hex("00000000110c0008003000000001ff00000001100001ff0000000111000000000000"
				  "00000000ffff0a0000010a000002000100020008ebb3", &err);
	assert_int_equal(err, 0);
	assert_string_equal(r, "0000000111090008000000000001ff00000001110001ff00000001100a0000020a00"
			       "0001000200010008ebb3");
}

/* 4: SVC bytes 2-3 are carried by decode and encode (dst_svc_rsv), and zero in replies. */
static void test_svc_reserved_bytes(void **state)
{
	char *j = roundtrip("0000000011090008004000000001ff00000001100001ff00000001110002abcd0a0000"
			    "0200010002000849e5");
	assert_non_null(strstr(j, "\"dst_svc_rsv\":\"abcd\""));
	free(j);
	/* An echo request to CS with bytes 2-3 set: the shim's reply carries zeros there. */
	static const uint8_t lo[4] = { 10, 0, 0, 2 };
	uint8_t in[256], path[SNET_MAX_HDR_LEN];
	snet_pkt p = { 0 }, r;
	p.hdr.dst_ia = 0x0001ff0000000110ull;
	p.hdr.src_ia = 0x0001ff0000000111ull;
	snet_scion_hdr_set_svc(&p.hdr.dst_type, p.hdr.dst_host, SNET_SVC_CS);
	p.hdr.dst_host[2] = 0xab;
	p.hdr.dst_host[3] = 0xcd;
	snet_scion_hdr_set_ip(&p.hdr.src_type, p.hdr.src_host, lo, 4);
	p.hdr.next_hdr = p.l4 = SNET_PROTO_SCMP;
	p.scmp.type = SNET_SCMP_ECHO_REQUEST;
	int n = snet_pkt_emit(&p, SNET_EMIT_FIX, in, sizeof(in));
	assert_int_equal(snet_pkt_parse(in, (size_t)n, &p, NULL), n);
	assert_int_equal(snet_pkt_reply(&p, &r, path, sizeof(path)), 0);
	assert_int_equal(r.hdr.src_type, SNET_ADDR_SVC);
	assert_int_equal(r.hdr.src_host[1], SNET_SVC_CS);
	assert_int_equal(r.hdr.src_host[2] | r.hdr.src_host[3], 0);
}

/* 5: whatever decodes encodes: an HBH extension with 130 Pad1 options (and the most there is). */
static void test_many_options_encode(void **state)
{
	for (unsigned n = 130; n <= 1022; n += 892) {
		uint8_t pkt[2048], out[2048];
		snet_pkt p = { 0 };
		static const uint8_t a[4] = { 10, 0, 0, 1 }, b[4] = { 10, 0, 0, 2 };
		p.hdr.dst_ia = 0x0001ff0000000110ull;
		p.hdr.src_ia = 0x0001ff0000000111ull;
		snet_scion_hdr_set_ip(&p.hdr.dst_type, p.hdr.dst_host, a, 4);
		snet_scion_hdr_set_ip(&p.hdr.src_type, p.hdr.src_host, b, 4);
		uint8_t opts[1022] = { 0 }; /* Pad1 x n, then PadN to the 4-byte boundary */
		size_t len = n, pad = (4 - (2 + len) % 4) % 4;
		if (pad >= 2)
			opts[len] = SNET_OPT_PADN, opts[len + 1] = (uint8_t)(pad - 2);
		else if (pad == 1)
			opts[len] = 0;
		len += pad;
		p.has_hbh = true;
		p.hbh = (snet_ext){ SNET_PROTO_UDP, (uint8_t)((2 + len) / 4 - 1), opts, len };
		p.hdr.next_hdr = SNET_PROTO_HBH;
		p.l4 = SNET_PROTO_UDP;
		p.udp = (snet_udp){ 1, 2, 0, 0 };
		int k = snet_pkt_emit(&p, SNET_EMIT_FIX, pkt, sizeof(pkt));
		assert_true(k > 0);
		snet_pkt q;
		assert_int_equal(snet_pkt_parse(pkt, (size_t)k, &q, NULL), k);
		json_t *j = pkt_to_json(&q);
		assert_true(json_array_size(json_object_get(json_array_get(
				    json_object_get(j, "extensions"), 0), "options")) >= n);
		const char *what;
		assert_int_equal(pkt_from_json(j, out, sizeof(out), &what), k);
		assert_memory_equal(out, pkt, (size_t)k);
		json_decref(j);
	}
}

/* 6: no reply to UDP to or from an SVC host (Go's snet never sends one). */
static void test_reply_refuses_udp_svc(void **state)
{
	int err;
	assert_null(reply_hex("0000000011090008004000000001ff00000001100001ff000000011100020000"
			      "0a000002000100020008f5b2", &err));
	assert_int_equal(err, SNET_E_SVC_REPLY);
}

/* encode names the key path and what it should have been, for every level of the JSON. */
static void test_encode_errors_name_the_key(void **state)
{
	static const struct {
		const char *json, *what;
	} cases[] = {
		{ "{}", "dst_host: missing" },
		{ "[]", "(top): expected a JSON object" },
		{ "{\"dst_ia\": 5}", "dst_ia: expected an ISD-AS string such as \"1-ff00:0:110\"" },
		{ "{\"dst_host\": \"10.0.0.1\"}", "src_host: missing" },
		{ "{\"dst_host\": \"10.0.0.1\", \"src_host\": \"x\"}",
		  "src_host: malformed host address" },
		{ "{\"dst_host\": \"1.1.1.1\", \"src_host\": \"1.1.1.2\", \"traffic_class\": 256}",
		  "traffic_class: expected an integer 0..255" },
		{ "{\"dst_host\": \"1.1.1.1\", \"src_host\": \"1.1.1.2\"}", "path: missing" },
		{ "{\"dst_host\": \"1.1.1.1\", \"src_host\": \"1.1.1.2\", \"path\": {\"seg_len\": "
		  "[2,0,0], \"info_fields\": [{}], \"hop_fields\": [{}, {\"mac\": \"00\"}]}}",
		  "path.hop_fields[1].mac: expected 6 bytes of hex" },
		{ "{\"dst_host\": \"1.1.1.1\", \"src_host\": \"1.1.1.2\", \"path\": {\"seg_len\": "
		  "[2,0,0], \"info_fields\": [{}], \"hop_fields\": [{}]}}",
		  "path.hop_fields: expected an array of 2 (as seg_len says)" },
		{ "{\"dst_host\": \"1.1.1.1\", \"src_host\": \"1.1.1.2\", \"path\": {}, \"udp\": "
		  "{\"src_port\": 65536}}",
		  "udp.src_port: expected an integer 0..65535" },
		{ "{\"dst_host\": \"1.1.1.1\", \"src_host\": \"1.1.1.2\", \"path\": {}, "
		  "\"extensions\": [{\"kind\": \"hbh\", \"options\": [{\"type\": 1}, {\"data\": 7}]}]}",
		  "extensions[0].options[1].data: expected a string of hex" },
		{ "{\"dst_host\": \"1.1.1.1\", \"src_host\": \"1.1.1.2\", \"path\": {}, "
		  "\"extensions\": [{\"kind\": \"xyz\"}]}",
		  "extensions[0].kind: expected \"hbh\" or \"e2e\"" },
		{ "{\"dst_host\": \"1.1.1.1\", \"src_host\": \"1.1.1.2\", \"dst_svc_rsv\": \"0000\"}",
		  "dst_svc_rsv: only with an SVC host" },
		{ "{\"dst_host\": \"1.1.1.1\", \"src_host\": \"1.1.1.2\", \"path\": {\"first_hop\": {}, "
		  "\"info_field\": {}, \"second_hop\": 3}}",
		  "path.second_hop: expected a hop field object" },
	};
	uint8_t out[256];
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		json_t *o = json_loads(cases[i].json, 0, NULL);
		const char *what = NULL;
		assert_non_null(o);
		assert_true(pkt_from_json(o, out, sizeof(out), &what) < 0);
		if (strcmp(what, cases[i].what))
			fail_msg("%s: got \"%s\", want \"%s\"", cases[i].json, what, cases[i].what);
		json_decref(o);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scmp_u64_above_2_63),
		cmocka_unit_test(test_mapped_host_stays_16_bytes),
		cmocka_unit_test(test_reply_unmaps_mapped_host),
		cmocka_unit_test(test_svc_reserved_bytes),
		cmocka_unit_test(test_many_options_encode),
		cmocka_unit_test(test_reply_refuses_udp_svc),
		cmocka_unit_test(test_encode_errors_name_the_key),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
