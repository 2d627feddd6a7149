/* SPDX-License-Identifier: Apache-2.0 */
/* The selector: its state machine on a fake clock (policy order, interface down and
 * hold-down, probe misses, expiry, refresh, return to the preferred path), and the handle's
 * SCMP checks with a real conn: only an interface-down message that quotes a packet we sent
 * on one of our paths, naming an interface on it, moves traffic. */
#include <stdlib.h>

#include "../../snet/select/core.h"
#include "common.h"

#define IA(isd, as) (((uint64_t)(isd) << 48) | (uint64_t)(as))
static const uint64_t SRC = IA(1, 0xff0000000111), CORE1 = IA(1, 0xff0000000110),
		      CORE2 = IA(1, 0xff0000000120), DST = IA(1, 0xff0000000112);

/* A path set of n paths SRC -> COREk -> DST, with distinct hops: path k crosses CORE(k%2)
 * with interfaces 10+k (in) and 20+k (out); all expire at `expiry`. */
static snet_path_set *paths(size_t n, int64_t expiry)
{
	/* Built through the path database parser: it owns every byte, as the daemon's does. */
	char *json = malloc(8192), *w = json;
	w += sprintf(w, "{\"paths\": [");
	for (size_t k = 0; k < n; k++) {
		snet_scion_path sp = { .num_inf = 1, .num_hops = 3 };
		sp.meta.seg_len[0] = 3;
		sp.inf[0].flags = SNET_INFO_CONS_DIR;
		sp.inf[0].timestamp = 1000;
		uint16_t in[3] = { 0, (uint16_t)(10 + k), 1 }, out[3] = { 41, (uint16_t)(20 + k), 0 };
		for (int h = 0; h < 3; h++) {
			sp.hop[h].exp_time = 63;
			sp.hop[h].cons_ingress = in[h];
			sp.hop[h].cons_egress = out[h];
			memset(sp.hop[h].mac, (int)(k * 3 + (size_t)h + 1), SNET_MAC_LEN);
		}
		uint8_t raw[256];
		int len = snet_scion_path_emit(&sp, raw, sizeof(raw));
		assert_true(len > 0);
		char hex[600];
		for (int i = 0; i < len; i++)
			sprintf(hex + 2 * i, "%02x", raw[i]);
		w += sprintf(w, "%s{\"src\": \"1-ff00:0:111\", \"dst\": \"1-ff00:0:112\", \"raw\": \"%s\", "
			     "\"next_hop\": \"127.0.0.1:30042\", \"mtu\": 1400, \"expiry\": %lld, "
			     "\"interfaces\": [{\"ia\": \"1-ff00:0:111\", \"id\": 41}, "
			     "{\"ia\": \"%s\", \"id\": %zu}, {\"ia\": \"%s\", \"id\": %zu}, "
			     "{\"ia\": \"1-ff00:0:112\", \"id\": 1}]}",
			     k ? ", " : "", hex, (long long)expiry, k % 2 ? "1-ff00:0:120" : "1-ff00:0:110",
			     10 + k, k % 2 ? "1-ff00:0:120" : "1-ff00:0:110", 20 + k);
	}
	sprintf(w, "]}");
	snet_pathdb db;
	char err[256];
	assert_int_equal(snet_pathdb_parse(json, strlen(json), &db, err, sizeof(err)), 0);
	free(json);
	snet_path_set *set = db.priv_set;
	return set;
}

#define FAR 4000000000LL /* an expiry far away */

static void test_order_down_and_return(void **state)
{
	struct sel_core c;
	sel_init(&c, NULL, 0, 10000, 10000);
	assert_null(sel_active(&c));
	assert_int_equal(sel_set_paths(&c, paths(3, FAR), 0), 0);
	assert_true(sel_choose(&c, 0, SNET_SWITCH_REFRESH));
	assert_int_equal(c.last_reason, SNET_SWITCH_FIRST);
	const snet_path *first = sel_active(&c);
	assert_true(first == &c.set->paths[0]);
	/* An interface on the active path down: the next path, reason SCMP. */
	sel_if_down(&c, CORE1, 10, 1000);
	assert_true(sel_choose(&c, 1000, SNET_SWITCH_SCMP));
	assert_true(sel_active(&c) == &c.set->paths[1]);
	assert_int_equal(c.last_reason, SNET_SWITCH_SCMP);
	/* An interface on no candidate changes nothing. */
	sel_if_down(&c, CORE2, 99, 1000);
	assert_false(sel_choose(&c, 1000, SNET_SWITCH_SCMP));
	/* After the hold-down, back to the preferred path. */
	assert_false(sel_choose(&c, 10999, SNET_SWITCH_SCMP));
	assert_true(sel_choose(&c, 11000, SNET_SWITCH_SCMP));
	assert_true(sel_active(&c) == first);
	assert_int_equal(c.last_reason, SNET_SWITCH_RECOVERED);
	assert_int_equal(c.stats.switches, 2);
	assert_true(c.stats.switch_scmp == 1 && c.stats.switch_recovered == 1);
	/* Every path down: none left, and nothing to send on. */
	sel_if_down(&c, SRC, 41, 12000);
	assert_true(sel_choose(&c, 12000, SNET_SWITCH_SCMP));
	assert_null(sel_active(&c));
	assert_int_equal(c.last_reason, SNET_SWITCH_NONE_LEFT);
	sel_free(&c);
}

static void test_probe_misses_and_answers(void **state)
{
	struct sel_core c;
	sel_init(&c, NULL, 3, 10000, 10000);
	sel_set_paths(&c, paths(2, FAR), 0);
	sel_choose(&c, 0, SNET_SWITCH_REFRESH);
	/* Path 0 stops answering, path 1 answers: after 3 misses, path 1. */
	uint16_t seq = 0;
	uint64_t t = 0;
	for (int round = 0; round < 3; round++, t += 100) {
		sel_probe_timeouts(&c, 100, t);
		sel_probe_sent(&c, 0, ++seq, t);
		sel_probe_sent(&c, 1, ++seq, t);
		assert_true(sel_probe_answer(&c, seq, t + 5));
		assert_false(sel_choose(&c, t, SNET_SWITCH_PROBE));
	}
	sel_probe_timeouts(&c, 100, t);
	assert_true(sel_choose(&c, t, SNET_SWITCH_PROBE));
	assert_true(sel_active(&c) == &c.set->paths[1]);
	assert_int_equal(c.last_reason, SNET_SWITCH_PROBE);
	assert_true(c.v[1].rtt_ns == 5000000);
	/* An unknown sequence number is no answer. */
	assert_false(sel_probe_answer(&c, 999, t));
	/* Path 0 answers again: traffic returns to it. */
	sel_probe_sent(&c, 0, ++seq, t);
	assert_true(sel_probe_answer(&c, seq, t + 7));
	assert_true(sel_choose(&c, t + 7, SNET_SWITCH_PROBE));
	assert_true(sel_active(&c) == &c.set->paths[0]);
	assert_int_equal(c.last_reason, SNET_SWITCH_RECOVERED);
	sel_free(&c);
}

static void test_expiry_and_refresh(void **state)
{
	struct sel_core c;
	sel_init(&c, NULL, 0, 10000, 10000);
	/* Expiring at 100 s: usable until 90 s (the margin), never after. */
	sel_set_paths(&c, paths(2, 100), 0);
	assert_true(sel_choose(&c, 0, SNET_SWITCH_REFRESH));
	assert_false(sel_choose(&c, 89999, SNET_SWITCH_EXPIRY));
	assert_true(sel_choose(&c, 90000, SNET_SWITCH_EXPIRY));
	assert_null(sel_active(&c));
	/* A refresh brings fresh paths; the probe record of a path that stays is kept. */
	sel_set_paths(&c, paths(2, FAR), 90000);
	assert_true(sel_choose(&c, 90000, SNET_SWITCH_REFRESH));
	c.v[1].rtt_ns = 42;
	sel_set_paths(&c, paths(3, FAR), 91000);
	assert_true(c.v[1].rtt_ns == 42 && c.v[2].rtt_ns == -1);
	assert_true(sel_active(&c) == &c.set->paths[0]); /* the same path, kept active */
	assert_false(sel_choose(&c, 91000, SNET_SWITCH_REFRESH));
	/* A refresh without the active path: the next one, reason REFRESH. */
	snet_path_set *one = paths(3, FAR);
	one->paths[0] = one->paths[2];
	one->n = 1;
	sel_set_paths(&c, one, 92000);
	assert_true(sel_choose(&c, 92000, SNET_SWITCH_REFRESH));
	assert_int_equal(c.last_reason, SNET_SWITCH_REFRESH);
	sel_free(&c);
}

static void test_policy_order(void **state)
{
	struct sel_core c;
	snet_policy *p;
	const char *json = "{\"acl\": [\"- 1-ff00:0:110\", \"+\"]}";
	assert_int_equal(snet_policy_parse(json, strlen(json), NULL, &p, NULL, 0), 0);
	sel_init(&c, p, 0, 10000, 10000);
	sel_set_paths(&c, paths(4, FAR), 0);
	assert_int_equal(c.n, 2); /* the paths through 110 are not candidates */
	sel_choose(&c, 0, SNET_SWITCH_REFRESH);
	assert_int_equal(sel_active(&c)->ifs[1].ia, CORE2);
	sel_free(&c);
	snet_policy_free(p);
}

static void test_find_path_by_hops(void **state)
{
	struct sel_core c;
	sel_init(&c, NULL, 0, 10000, 10000);
	sel_set_paths(&c, paths(3, FAR), 0);
	uint8_t raw[256];
	const snet_path *p = &c.set->paths[2];
	memcpy(raw, p->raw, p->len);
	/* In flight: CurrHF advanced, SegID changed. Still path 2. */
	snet_scion_raw_inc(raw, p->len);
	raw[SNET_META_LEN + 2] ^= 0x55;
	assert_int_equal(sel_find_path(&c, raw, p->len), 2);
	/* A hop field changed: no candidate. */
	raw[SNET_META_LEN + SNET_INFO_LEN + SNET_HOP_LEN + 3] ^= 1;
	assert_int_equal(sel_find_path(&c, raw, p->len), SIZE_MAX);
	assert_int_equal(sel_find_path(&c, raw, 3), SIZE_MAX);
	assert_true(sel_crosses(&c, 2, CORE1, 12) && !sel_crosses(&c, 2, CORE1, 11));
	sel_free(&c);
}

/* ---- The handle: SCMP checks ---- */

static uv_loop_t loop;
static snet_network_t net;
static snet_conn_t conn;
static snet_selector_t sel;
static int switches;
static snet_switch_reason last_why;

static void on_switch(snet_selector_t *s, const snet_path *now, snet_switch_reason why)
{
	switches++;
	last_why = why;
}

static int sent;
static void on_sent(snet_send_t *req, int status)
{
	sent++;
}

/* An SCMP interface-down message quoting a UDP packet from port sport on path p. */
static void scmp_for(const snet_path *p, uint16_t sport, uint64_t ia, uint64_t ifid,
		     uint8_t *buf, size_t cap, snet_scmp *sc, snet_scmp_msg *m)
{
	snet_pkt q = { 0 };
	q.hdr.next_hdr = SNET_PROTO_UDP;
	q.hdr.path_type = SNET_PATH_SCION;
	q.hdr.src_ia = SRC;
	q.hdr.dst_ia = DST;
	q.hdr.path = p->raw;
	q.hdr.path_len = p->len;
	snet_scion_hdr_set_ip(&q.hdr.src_type, q.hdr.src_host, (const uint8_t *)"\x7f\0\0\x01", 4);
	snet_scion_hdr_set_ip(&q.hdr.dst_type, q.hdr.dst_host, (const uint8_t *)"\x0a\0\0\x02", 4);
	q.l4 = SNET_PROTO_UDP;
	q.udp.src_port = sport;
	q.udp.dst_port = 31000;
	q.payload = (const uint8_t *)"hello";
	q.payload_len = 5;
	int n = snet_pkt_emit(&q, SNET_EMIT_FIX, buf, cap);
	assert_true(n > 0);
	*sc = (snet_scmp){ .type = SNET_SCMP_EXT_IF_DOWN, .ia = ia, .interface = ifid };
	*m = (snet_scmp_msg){ .scmp = sc, .data = buf, .len = (size_t)n };
}

static void test_scmp_must_quote_our_packet(void **state)
{
	snet_topology topo;
	snet_topology_init(&topo, SRC, 31000, 32767);
	uv_loop_init(&loop);
	assert_int_equal(snet_network_init(&loop, &net, &topo, NULL), 0);
	snet_conn_init(&net, &conn);
	struct sockaddr_in a;
	uv_ip4_addr("127.0.0.1", 0, &a);
	assert_int_equal(snet_conn_bind(&conn, (struct sockaddr *)&a, 0), 0);
	snet_udp_addr me;
	snet_conn_local(&conn, &me);
	snet_selector_opts o;
	snet_selector_opts_default(&o);
	o.switch_cb = on_switch;
	assert_int_equal(snet_selector_init(&sel, &conn, NULL, DST, &o), 0);
	assert_int_equal(snet_selector_set_paths(&sel, paths(2, FAR)), 0);
	const snet_path *p0 = snet_selector_path(&sel);
	assert_non_null(p0);
	assert_int_equal(switches, 1);
	uint8_t buf[512];
	snet_scmp sc;
	snet_scmp_msg m;
	/* From another port (not our packet): rejected. */
	scmp_for(p0, (uint16_t)(me.port + 1), CORE1, 10, buf, sizeof(buf), &sc, &m);
	assert_false(snet_selector_scmp(&sel, &m));
	/* Naming an interface not on the quoted path: rejected. */
	scmp_for(p0, me.port, CORE1, 11, buf, sizeof(buf), &sc, &m);
	assert_false(snet_selector_scmp(&sel, &m));
	/* A quote whose hops are no candidate's (forged): rejected. */
	snet_path forged = *p0;
	forged.raw[SNET_META_LEN + SNET_INFO_LEN + 5] ^= 1;
	scmp_for(&forged, me.port, CORE1, 10, buf, sizeof(buf), &sc, &m);
	assert_false(snet_selector_scmp(&sel, &m));
	/* A truncated quote: rejected. */
	scmp_for(p0, me.port, CORE1, 10, buf, sizeof(buf), &sc, &m);
	m.len = 20;
	assert_false(snet_selector_scmp(&sel, &m));
	assert_true(snet_selector_path(&sel) == p0);
	assert_int_equal(switches, 1);
	/* A send queued on p0 (the loop has not run)... */
	snet_send_t queued;
	snet_host qh = { .type = SNET_HOST_IP4, .ip = { 10, 0, 0, 2 } };
	uv_buf_t qb = uv_buf_init("q", 1);
	assert_int_equal(snet_selector_send(&sel, &queued, &qb, 1, &qh, 31000, on_sent), 0);
	/* Our packet, our path, its interface: the next path. */
	scmp_for(p0, me.port, CORE1, 10, buf, sizeof(buf), &sc, &m);
	assert_true(snet_selector_scmp(&sel, &m));
	assert_true(snet_selector_path(&sel) != p0);
	/* ...leaves on the new one. */
	while (!sent)
		uv_run(&loop, UV_RUN_ONCE);
	snet_conn_stats cs;
	snet_conn_get_stats(&conn, &cs);
	assert_int_equal(cs.repaths, 1);
	assert_int_equal(switches, 2);
	assert_int_equal(last_why, SNET_SWITCH_SCMP);
	snet_selector_stats st;
	snet_selector_get_stats(&sel, &st);
	assert_true(st.scmp_accepted == 1 && st.scmp_rejected == 4 && st.switch_scmp == 1);
	/* Sending without a path: on the active one; none left: SNET_E_NO_PATH. */
	scmp_for(snet_selector_path(&sel), me.port, SRC, 41, buf, sizeof(buf), &sc, &m);
	assert_true(snet_selector_scmp(&sel, &m));
	assert_null(snet_selector_path(&sel));
	snet_send_t req;
	snet_host h = { .type = SNET_HOST_IP4, .ip = { 10, 0, 0, 2 } };
	uv_buf_t b = uv_buf_init("x", 1);
	assert_int_equal(snet_selector_send(&sel, &req, &b, 1, &h, 31000, NULL), SNET_E_NO_PATH);
	snet_selector_close(&sel, NULL);
	snet_conn_close(&conn, NULL);
	snet_network_close(&net, NULL);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_null(sel.priv_);
	assert_int_equal(uv_loop_close(&loop), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order_down_and_return),
		cmocka_unit_test(test_probe_misses_and_answers),
		cmocka_unit_test(test_expiry_and_refresh),
		cmocka_unit_test(test_policy_order),
		cmocka_unit_test(test_find_path_by_hops),
		cmocka_unit_test(test_scmp_must_quote_our_packet),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
