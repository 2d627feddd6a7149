/* SPDX-License-Identifier: Apache-2.0 */
/* Path selection: what a send pays for a selector's choice (the active path into the
 * destination address), and what a refresh pays to order 32 paths by a policy; beside a
 * memcpy of the path, the baseline a send pays anyway. */
#include <stdlib.h>
#include <string.h>

#include "../snet/select/core.h"
#include "bench.h"
#include "snet/snet.h"

/* 32 paths 1-ff00:0:111 -> 1-ff00:0:112 over cores 1-ff00:0:1xx, as a path database. */
static snet_path_set *paths32(void)
{
	snet_scion_path sp = { .num_inf = 1, .num_hops = 3 };
	sp.meta.seg_len[0] = 3;
	sp.inf[0].flags = SNET_INFO_CONS_DIR;
	for (int h = 0; h < 3; h++)
		sp.hop[h] = (snet_hop_field){ .exp_time = 63, .cons_ingress = (uint16_t)h,
					      .cons_egress = (uint16_t)(h + 1) };
	uint8_t bytes[128];
	char raw[257];
	int len = snet_scion_path_emit(&sp, bytes, sizeof(bytes));
	for (int i = 0; i < len; i++)
		sprintf(raw + 2 * i, "%02x", bytes[i]);
	char *json = malloc(32 * 512 + 64), *w = json;
	w += sprintf(w, "{\"paths\": [");
	for (int k = 0; k < 32; k++)
		w += sprintf(w, "%s{\"src\": \"1-ff00:0:111\", \"dst\": \"1-ff00:0:112\", "
			     "\"raw\": \"%s\", \"next_hop\": \"10.0.0.1:30042\", \"mtu\": 1400, "
			     "\"expiry\": 4000000000, \"interfaces\": [{\"ia\": \"1-ff00:0:111\", "
			     "\"id\": %d}, {\"ia\": \"1-ff00:0:1%02d\", \"id\": 1}, "
			     "{\"ia\": \"1-ff00:0:1%02d\", \"id\": 2}, {\"ia\": \"1-ff00:0:112\", "
			     "\"id\": %d}]}",
			     k ? ", " : "", raw, 40 + k, k, k, 40 + k);
	sprintf(w, "]}");
	snet_pathdb db;
	if (snet_pathdb_parse(json, strlen(json), &db, NULL, 0)) {
		free(json);
		return NULL;
	}
	free(json);
	return snet_pathdb_release(&db);
}

void bench_select(void)
{
	snet_path_set *set = paths32();
	snet_policy *pol;
	const char *json = "{\"acl\": [\"- 1-ff00:0:107\", \"+\"], \"sequence\": \"1-ff00:0:111 0* 1-ff00:0:112\","
			   " \"snet_order\": \"mtu\"}";
	if (!set || snet_policy_parse(json, strlen(json), NULL, &pol, NULL, 0)) {
		fprintf(stderr, "bench: select: setup failed\n");
		return;
	}
	const snet_path *v[32];
	const int refreshes = 20000;
	uint64_t t0 = bench_now_ns();
	size_t kept = 0;
	for (int r = 0; r < refreshes; r++) {
		for (int i = 0; i < 32; i++)
			v[i] = &set->paths[i];
		kept += snet_policy_filter(pol, v, 32);
	}
	double filter_ns = (double)(bench_now_ns() - t0) / refreshes;
	bench_sink += kept;
	struct sel_core c;
	sel_init(&c, pol, 3, 10000, 10000);
	sel_set_paths(&c, set, 0);
	sel_choose(&c, 0, SNET_SWITCH_REFRESH);
	snet_udp_addr dst = { 0 };
	const int sends = 20000000;
	t0 = bench_now_ns();
	for (int i = 0; i < sends; i++) {
		const snet_path *p = sel_active(&c);
		snet_path_apply(p, &dst);
		bench_sink += dst.path_len;
	}
	double select_ns = (double)(bench_now_ns() - t0) / sends;
	uint8_t buf[SNET_PATH_MAX_LEN];
	t0 = bench_now_ns();
	for (int i = 0; i < sends; i++) {
		memcpy(buf, sel_active(&c)->raw, sel_active(&c)->len);
		bench_sink += buf[i & 7];
	}
	double copy_ns = (double)(bench_now_ns() - t0) / sends;
	bench_report("select_ns", select_ns, "ns");
	bench_report("select_path_copy_ns", copy_ns, "ns");
	bench_report("policy_filter_32_ns", filter_ns, "ns");
	sel_free(&c);
	snet_policy_free(pol);
}
