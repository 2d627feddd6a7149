/* SPDX-License-Identifier: Apache-2.0 */
/* Path reversal: Go's pathReverseCases (decoded_test.go), the golden reversed path
 * (epic_test.go rawScionReversePath), OneHop and EPIC replies, and reply packets. */
#include "common.h"
#include "golden_path.h"

struct seg_case {
	const char *what;
	uint8_t nseg;
	bool cons[3];
	uint8_t seg_len[3];
	uint16_t hops[9];      /* cons_ingress ids, in path order */
	bool want_cons[3];
	uint8_t want_seg_len[3];
	uint16_t want_hops[9];
	uint8_t in_idx[9][2];  /* (inf, hf) pairs to try */
	uint8_t want_idx[9][2];
	uint8_t n_idx;
};

static const struct seg_case cases[] = {
	{ "1 segment, 2 hops", 1, { true }, { 2 }, { 11, 12 }, { false }, { 2 }, { 12, 11 },
	  { { 0, 0 }, { 0, 1 } }, { { 0, 1 }, { 0, 0 } }, 2 },
	{ "1 segment, 5 hops", 1, { true }, { 5 }, { 11, 12, 13, 14, 15 }, { false }, { 5 },
	  { 15, 14, 13, 12, 11 }, { { 0, 0 }, { 0, 1 }, { 0, 2 }, { 0, 3 }, { 0, 4 } },
	  { { 0, 4 }, { 0, 3 }, { 0, 2 }, { 0, 1 }, { 0, 0 } }, 5 },
	{ "2 segments, 5 hops", 2, { true, false }, { 2, 3 }, { 11, 12, 13, 14, 15 },
	  { true, false }, { 3, 2 }, { 15, 14, 13, 12, 11 },
	  { { 0, 0 }, { 0, 1 }, { 1, 2 }, { 1, 3 }, { 1, 4 } },
	  { { 1, 4 }, { 1, 3 }, { 0, 2 }, { 0, 1 }, { 0, 0 } }, 5 },
	{ "3 segments, 9 hops", 3, { true, false, false }, { 2, 4, 3 },
	  { 11, 12, 13, 14, 15, 16, 17, 18, 19 }, { true, true, false }, { 3, 4, 2 },
	  { 19, 18, 17, 16, 15, 14, 13, 12, 11 },
	  { { 0, 0 }, { 0, 1 }, { 1, 2 }, { 1, 3 }, { 1, 4 }, { 1, 5 }, { 2, 6 }, { 2, 7 }, { 2, 8 } },
	  { { 2, 8 }, { 2, 7 }, { 1, 6 }, { 1, 5 }, { 1, 4 }, { 1, 3 }, { 0, 2 }, { 0, 1 }, { 0, 0 } },
	  9 },
};

static void make_path(snet_scion_path *p, uint8_t nseg, const bool *cons, const uint8_t *seg_len,
		      const uint16_t *hops, uint8_t inf, uint8_t hf)
{
	memset(p, 0, sizeof(*p));
	p->num_inf = nseg;
	for (int i = 0; i < nseg; i++) {
		p->meta.seg_len[i] = seg_len[i];
		p->num_hops = (uint8_t)(p->num_hops + seg_len[i]);
		p->inf[i].flags = cons[i] ? SNET_INFO_CONS_DIR : 0;
		p->inf[i].seg_id = (uint16_t)(0x100 + i); /* follows its info field */
	}
	for (int i = 0; i < p->num_hops; i++)
		p->hop[i].cons_ingress = hops[i];
	p->meta.curr_inf = inf;
	p->meta.curr_hf = hf;
}

static void test_go_reverse_cases(void **state)
{
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		const struct seg_case *k = &cases[c];
		for (int i = 0; i < k->n_idx; i++) {
			snet_scion_path in, want;
			make_path(&in, k->nseg, k->cons, k->seg_len, k->hops, k->in_idx[i][0],
				  k->in_idx[i][1]);
			make_path(&want, k->nseg, k->want_cons, k->want_seg_len, k->want_hops,
				  k->want_idx[i][0], k->want_idx[i][1]);
			/* SegIDs travel with their info field: the first and last swap. */
			for (int s = 0; s < k->nseg; s++)
				want.inf[s].seg_id = (uint16_t)(0x100 + (k->nseg - 1 - s));
			assert_int_equal(snet_scion_path_reverse(&in), 0);
			if (memcmp(&in, &want, sizeof(in)) != 0)
				fail_msg("%s case %d differs", k->what, i + 1);
			/* Reversing twice gives the input back. */
			assert_int_equal(snet_scion_path_reverse(&in), 0);
			make_path(&want, k->nseg, k->cons, k->seg_len, k->hops, k->in_idx[i][0],
				  k->in_idx[i][1]);
			assert_memory_equal(&in, &want, sizeof(in));
		}
	}
	snet_scion_path empty = { 0 };
	assert_int_equal(snet_scion_path_reverse(&empty), SNET_E_EMPTY_PATH);
}


static void test_golden_reverse_bytes(void **state)
{
	uint8_t out[128], type = 99;
	assert_int_equal(snet_path_reverse(SNET_PATH_SCION, golden_raw_path, sizeof(golden_raw_path), out,
					   sizeof(out), &type),
			 (int)sizeof(golden_raw_reversed));
	assert_int_equal(type, SNET_PATH_SCION);
	assert_memory_equal(out, golden_raw_reversed, sizeof(golden_raw_reversed));
	/* In place, and EPIC reduces to the same reversed SCION path. */
	uint8_t epic[16 + sizeof(golden_raw_path)] = { 0, 0, 0, 1, 2, 0, 0, 3, 1, 2, 3, 4, 5, 6, 7, 8 };
	memcpy(epic + 16, golden_raw_path, sizeof(golden_raw_path));
	assert_int_equal(snet_path_reverse(SNET_PATH_EPIC, epic, sizeof(epic), epic, sizeof(epic),
					   &type),
			 (int)sizeof(golden_raw_reversed));
	assert_memory_equal(epic, golden_raw_reversed, sizeof(golden_raw_reversed));
	assert_int_equal(snet_path_reverse(SNET_PATH_EMPTY, NULL, 0, out, 0, &type), 0);
	assert_int_equal(type, SNET_PATH_EMPTY);
}

/* Go's onehop Reverse: to SCION (SegLen [2,0,0], ConsDir), IncPath, Reverse. */
static void test_onehop_reverse(void **state)
{
	snet_onehop_path o = { .info = { 0, 0, 0x4242, 77 },
			       .first = { 0, 63, 0, 7, { 1, 1, 1, 1, 1, 1 } },
			       .second = { 0, 63, 9, 0, { 2, 2, 2, 2, 2, 2 } } };
	uint8_t raw[SNET_ONEHOP_LEN], out[64], type;
	snet_scion_path p;
	snet_onehop_emit(&o, raw, sizeof(raw));
	int n = snet_path_reverse(SNET_PATH_ONEHOP, raw, sizeof(raw), out, sizeof(out), &type);
	assert_int_equal(n, 4 + 8 + 24);
	assert_int_equal(type, SNET_PATH_SCION);
	assert_int_equal(snet_scion_path_parse(out, (size_t)n, &p), 0);
	assert_int_equal(p.meta.curr_hf, 0);
	assert_int_equal(p.inf[0].flags, 0); /* ConsDir flipped off */
	assert_int_equal(p.inf[0].seg_id, 0x4242);
	assert_int_equal(p.hop[0].cons_ingress, 9);
	assert_int_equal(p.hop[1].cons_egress, 7);
	o.second.cons_ingress = 0;
	snet_onehop_emit(&o, raw, sizeof(raw));
	assert_int_equal(snet_path_reverse(SNET_PATH_ONEHOP, raw, sizeof(raw), out, sizeof(out),
					   &type),
			 SNET_E_INCOMPLETE_PATH);
}

static void test_reply_packets(void **state)
{
	uint8_t buf[2048], out[2048], pb[SNET_MAX_HDR_LEN];
	snet_pkt in, rep, back;
	size_t n = load_vector("scion-udp.bin", buf, sizeof(buf));
	assert_int_equal(snet_pkt_parse(buf, n, &in, NULL), (int)n);
	assert_int_equal(snet_pkt_reply(&in, &rep, pb, sizeof(pb)), 0);
	int m = snet_pkt_emit(&rep, SNET_EMIT_FIX, out, sizeof(out));
	assert_true(m > 0);
	assert_int_equal(snet_pkt_parse(out, (size_t)m, &back, NULL), m);
	assert_true(back.checksum_ok);
	assert_true(back.hdr.dst_ia == in.hdr.src_ia && back.hdr.src_ia == in.hdr.dst_ia);
	assert_int_equal(back.hdr.dst_type, SNET_ADDR_IP4);
	assert_int_equal(back.udp.src_port, 80);
	assert_int_equal(back.udp.dst_port, 1280);
	assert_int_equal(back.hdr.flow_id, 1);
	assert_memory_equal(back.hdr.path, golden_raw_reversed, sizeof(golden_raw_reversed));
	assert_memory_equal(back.payload, in.payload, in.payload_len);
	/* SCMP errors have no reply. */
	n = load_vector("scion-scmp-dest-unreachable.bin", buf, sizeof(buf));
	assert_int_equal(snet_pkt_parse(buf, n, &in, NULL), (int)n);
	assert_int_equal(snet_pkt_reply(&in, &rep, pb, sizeof(pb)), SNET_E_NOT_REPLYABLE);
	/* An echo request becomes an echo reply with the same identifier and data. */
	buf[116] = SNET_SCMP_ECHO_REQUEST;
	assert_int_equal(snet_pkt_parse(buf, n, &in, NULL), (int)n);
	assert_int_equal(snet_pkt_reply(&in, &rep, pb, sizeof(pb)), 0);
	m = snet_pkt_emit(&rep, SNET_EMIT_FIX, out, sizeof(out));
	assert_int_equal(snet_pkt_parse(out, (size_t)m, &back, NULL), m);
	assert_int_equal(back.scmp.type, SNET_SCMP_ECHO_REPLY);
	assert_true(back.checksum_ok);
	assert_int_equal(back.payload_len, in.payload_len);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_go_reverse_cases),
		cmocka_unit_test(test_golden_reverse_bytes),
		cmocka_unit_test(test_onehop_reverse),
		cmocka_unit_test(test_reply_packets),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
