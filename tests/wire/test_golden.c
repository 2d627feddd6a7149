/* SPDX-License-Identifier: Apache-2.0 */
/* Go's golden packets (pkg/slayers/testdata) decode to the fields Go gives them and emit to
 * the same bytes; every truncation is rejected; the codec never allocates. */
#include "common.h"

/* Linked with --wrap=malloc,calloc,realloc: any allocation by the codec is counted. */
void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t m);
void *__real_realloc(void *p, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t m);
void *__wrap_realloc(void *p, size_t n);
static int allocations;
void *__wrap_malloc(size_t n)
{
	allocations++;
	return __real_malloc(n);
}
void *__wrap_calloc(size_t n, size_t m)
{
	allocations++;
	return __real_calloc(n, m);
}
void *__wrap_realloc(void *p, size_t n)
{
	allocations++;
	return __real_realloc(p, n);
}

static uint8_t buf[2048], out[2048];

static const uint8_t ip6_dst[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x68 };
static const uint8_t ip4_src[4] = { 10, 0, 0, 100 };
static const uint8_t mac123456[6] = { 1, 2, 3, 4, 5, 6 };

static void check_common(const snet_pkt *p)
{
	assert_int_equal(p->hdr.version, 0);
	assert_int_equal(p->hdr.traffic_class, 0xb8);
	assert_int_equal(p->hdr.flow_id, 0xdead);
}

static void check_addrs_111_222(const snet_pkt *p)
{
	assert_true(p->hdr.dst_ia == snet_ia_from(1, 0xff0000000111ull));
	assert_true(p->hdr.src_ia == snet_ia_from(2, 0xff0000000222ull));
	assert_int_equal(p->hdr.dst_type, SNET_ADDR_IP6);
	assert_int_equal(p->hdr.src_type, SNET_ADDR_IP4);
	assert_memory_equal(p->hdr.dst_host, ip6_dst, 16);
	assert_memory_equal(p->hdr.src_host, ip4_src, 4);
}

/* The 68-byte path of the non-empty vectors: meta 00002080, two info fields, four hops. */
static void check_golden_path(const snet_pkt *p)
{
	snet_scion_path sp;
	static const uint16_t in[4] = { 1, 3, 0, 1 }, eg[4] = { 0, 2, 2, 0 };
	assert_int_equal(p->hdr.path_type, SNET_PATH_SCION);
	assert_int_equal(p->hdr.hdr_len, 29);
	assert_int_equal(snet_scion_path_parse(p->hdr.path, p->hdr.path_len, &sp), 0);
	assert_int_equal(sp.meta.curr_inf, 0);
	assert_int_equal(sp.meta.curr_hf, 0);
	assert_int_equal(sp.meta.seg_len[0], 2);
	assert_int_equal(sp.meta.seg_len[1], 2);
	assert_int_equal(sp.meta.seg_len[2], 0);
	assert_int_equal(sp.num_inf, 2);
	assert_int_equal(sp.num_hops, 4);
	assert_int_equal(sp.inf[0].flags, 0);
	assert_int_equal(sp.inf[0].seg_id, 0x111);
	assert_int_equal(sp.inf[0].timestamp, 0x100);
	assert_int_equal(sp.inf[1].flags, SNET_INFO_CONS_DIR);
	assert_int_equal(sp.inf[1].seg_id, 0x222);
	for (int i = 0; i < 4; i++) {
		assert_int_equal(sp.hop[i].exp_time, 63);
		assert_int_equal(sp.hop[i].cons_ingress, in[i]);
		assert_int_equal(sp.hop[i].cons_egress, eg[i]);
		assert_memory_equal(sp.hop[i].mac, mac123456, 6);
	}
}

static void check_udp_payload(const snet_pkt *p, uint16_t csum)
{
	assert_int_equal(p->l4, SNET_PROTO_UDP);
	assert_int_equal(p->udp.src_port, 1280);
	assert_int_equal(p->udp.dst_port, 80);
	assert_int_equal(p->udp.length, 1032);
	assert_int_equal(p->udp.checksum, csum);
	assert_true(p->checksum_ok);
	assert_int_equal(p->payload_len, 1024);
	for (size_t i = 0; i < p->payload_len; i++)
		assert_int_equal(p->payload[i], i & 0xff);
}

static size_t parse_vector(const char *name, snet_pkt *p)
{
	size_t n = load_vector(name, buf, sizeof(buf));
	allocations = 0;
	assert_int_equal(snet_pkt_parse(buf, n, p, NULL), (int)n);
	assert_int_equal(allocations, 0);
	check_common(p);
	return n;
}

static void test_scion_udp(void **state)
{
	snet_pkt p;
	assert_int_equal(parse_vector("scion-udp.bin", &p), 1148);
	check_addrs_111_222(&p);
	check_golden_path(&p);
	assert_false(p.has_hbh || p.has_e2e);
	check_udp_payload(&p, 0xb7d2);
}

static void test_empty_udp(void **state)
{
	snet_pkt p;
	assert_int_equal(parse_vector("empty-udp.bin", &p), 1080);
	assert_int_equal(p.hdr.path_type, SNET_PATH_EMPTY);
	assert_int_equal(p.hdr.hdr_len, 12);
	assert_int_equal(p.hdr.path_len, 0);
	assert_true(p.hdr.dst_ia == p.hdr.src_ia);
	check_udp_payload(&p, 0xb8e4);
}

static void test_scion_udp_extn(void **state)
{
	snet_pkt p;
	snet_opt o;
	size_t pos = 0;
	static const uint8_t types_hbh[] = { 0x1e, SNET_OPT_PADN, 0x3e };
	static const uint8_t types_e2e[] = { SNET_OPT_PAD1, 0x3e, SNET_OPT_PADN, 0x1e };

	assert_int_equal(parse_vector("scion-udp-extn.bin", &p), 1208);
	check_golden_path(&p);
	assert_int_equal(p.hdr.payload_len, 1092);
	assert_true(p.has_hbh && p.has_e2e);
	assert_int_equal(p.hbh.next_hdr, SNET_PROTO_E2E);
	assert_int_equal(p.hbh.ext_len, 6);
	assert_int_equal(p.e2e.next_hdr, SNET_PROTO_UDP);
	assert_int_equal(p.e2e.ext_len, 7);
	for (size_t i = 0; i < sizeof(types_hbh); i++) {
		assert_int_equal(snet_ext_next_opt(&p.hbh, &pos, &o), 1);
		assert_int_equal(o.type, types_hbh[i]);
	}
	assert_int_equal(snet_ext_next_opt(&p.hbh, &pos, &o), 0);
	pos = 0;
	for (size_t i = 0; i < sizeof(types_e2e); i++) {
		assert_int_equal(snet_ext_next_opt(&p.e2e, &pos, &o), 1);
		assert_int_equal(o.type, types_e2e[i]);
	}
	assert_int_equal(o.len, 12);
	check_udp_payload(&p, 0xb7d2);
}

static void test_scmp_dest_unreachable(void **state)
{
	snet_pkt p;
	parse_vector("scion-scmp-dest-unreachable.bin", &p);
	assert_int_equal(p.l4, SNET_PROTO_SCMP);
	assert_int_equal(p.scmp.type, SNET_SCMP_DEST_UNREACHABLE);
	assert_int_equal(p.scmp.code, 6);
	assert_int_equal(p.scmp.checksum, 0);
	assert_false(p.checksum_ok); /* Go leaves these checksums uncomputed */
	assert_int_equal(p.payload_len, 18);
	for (int i = 0; i < 18; i++)
		assert_int_equal(p.payload[i], 0xff);
}

static void test_scmp_ext_if_down(void **state)
{
	snet_pkt p;
	parse_vector("scion-scmp-ext-int-down.bin", &p);
	assert_int_equal(p.scmp.type, SNET_SCMP_EXT_IF_DOWN);
	assert_true(p.scmp.ia == snet_ia_from(1, 0xff0000000111ull));
	assert_int_equal(p.scmp.interface, 5);
	assert_int_equal(p.payload_len, 18);
}

static void test_scmp_int_conn_down(void **state)
{
	snet_pkt p;
	parse_vector("scion-scmp-int-conn-down.bin", &p);
	assert_int_equal(p.scmp.type, SNET_SCMP_INT_CONN_DOWN);
	assert_true(p.scmp.ia == snet_ia_from(1, 0xff0000000111ull));
	assert_int_equal(p.scmp.ingress, 5);
	assert_int_equal(p.scmp.egress, 15);
	assert_int_equal(p.payload_len, 18);
}

static void test_bfd_opaque(void **state)
{
	snet_pkt p;
	static const uint8_t lo9[4] = { 127, 0, 0, 9 }, lo10[4] = { 127, 0, 0, 10 };
	assert_int_equal(parse_vector("scion-bfd.bin", &p), 60);
	assert_int_equal(p.hdr.next_hdr, SNET_PROTO_BFD);
	assert_int_equal(p.l4, SNET_PROTO_BFD);
	assert_memory_equal(p.hdr.dst_host, lo9, 4);
	assert_memory_equal(p.hdr.src_host, lo10, 4);
	assert_int_equal(p.payload_len, 24);
	assert_ptr_equal(p.payload, buf + 36);
}

/* Emitting into a buffer full of 0xa5 shows any field the emitter forgets to write. */
static void test_emit_same_bytes(void **state)
{
	for (size_t i = 0; i < GOLDEN_COUNT; i++) {
		snet_pkt p;
		size_t n = load_vector(golden_names[i], buf, sizeof(buf));
		assert_int_equal(snet_pkt_parse(buf, n, &p, NULL), (int)n);
		memset(out, 0xa5, sizeof(out));
		allocations = 0;
		assert_int_equal(snet_pkt_emit(&p, 0, out, sizeof(out)), (int)n);
		assert_int_equal(allocations, 0);
		assert_memory_equal(out, buf, n);
		assert_int_equal(snet_pkt_emit(&p, 0, out, n - 1), SNET_E_NOBUF);
		if (p.checksum_ok) {
			/* Recomputing lengths and checksums gives Go's values too. */
			memset(out, 0xa5, sizeof(out));
			assert_int_equal(snet_pkt_emit(&p, SNET_EMIT_FIX, out, sizeof(out)), (int)n);
			assert_memory_equal(out, buf, n);
		}
	}
}

/* Without the checksum: the same result and fields, checksum_ok false, the same bytes out. */
static void test_parse_without_checksum(void **state)
{
	for (size_t i = 0; i < GOLDEN_COUNT; i++) {
		snet_pkt p, q;
		size_t n = load_vector(golden_names[i], buf, sizeof(buf));
		assert_int_equal(snet_pkt_parse(buf, n, &p, NULL), (int)n);
		assert_int_equal(snet_pkt_parse_flags(buf, n, &q, NULL, SNET_PARSE_NO_CHECKSUM), (int)n);
		assert_false(q.checksum_ok);
		assert_true(q.l4 == p.l4 && q.payload == p.payload && q.payload_len == p.payload_len);
		assert_int_equal(snet_pkt_emit(&q, 0, out, sizeof(out)), (int)n);
		assert_memory_equal(out, buf, n);
	}
}

static void test_every_truncation(void **state)
{
	for (size_t i = 0; i < GOLDEN_COUNT; i++) {
		snet_pkt p;
		size_t n = load_vector(golden_names[i], buf, sizeof(buf));
		for (size_t k = 0; k < n; k++) {
			size_t off = 9999;
			int r = snet_pkt_parse(buf, k, &p, &off);
			if (r >= 0)
				fail_msg("%s truncated to %zu bytes decoded", golden_names[i], k);
			assert_true(off <= k);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scion_udp),
		cmocka_unit_test(test_empty_udp),
		cmocka_unit_test(test_scion_udp_extn),
		cmocka_unit_test(test_scmp_dest_unreachable),
		cmocka_unit_test(test_scmp_ext_if_down),
		cmocka_unit_test(test_scmp_int_conn_down),
		cmocka_unit_test(test_bfd_opaque),
		cmocka_unit_test(test_emit_same_bytes),
		cmocka_unit_test(test_every_truncation),
		cmocka_unit_test(test_parse_without_checksum),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
