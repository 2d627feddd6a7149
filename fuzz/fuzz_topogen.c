/* SPDX-License-Identifier: Apache-2.0 */
/* snet-topogen's description: any text. A description it accepts must be one it can write:
 * every index in range, every router with an internal address, every link between two ASes;
 * and its paths (every combination, shortcut and peering path, at most 4 per pair) must come
 * out well-formed: each parses as a SCION path and names its source and destination. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "topogen.h"
#include "fuzz.h"

static void check(const struct topo *t)
{
	for (int i = 0; i < t->n_brs; i++)
		if (t->brs[i].as < 0 || t->brs[i].as >= t->n_ases || t->brs[i].net < 0 ||
		    t->brs[i].net >= t->n_nets)
			abort();
	for (int i = 0; i < t->n_links; i++) {
		const struct link_desc *l = &t->links[i];
		if (l->a.br < 0 || l->a.br >= t->n_brs || l->b.br < 0 || l->b.br >= t->n_brs ||
		    !l->a.ifid || !l->b.ifid || t->brs[l->a.br].as == t->brs[l->b.br].as)
			abort();
	}
	for (int i = 0; i < t->n_hosts; i++)
		for (int a = 0; a < t->hosts[i].n_addrs; a++)
			if (t->nets[t->hosts[i].addr_net[a]].as != t->hosts[i].as)
				abort();
}

static void check_paths(struct topo *t)
{
	t->max_paths = 4;
	t->now = 1700000000;
	json_t *root = topo_paths(t), *p;
	size_t i;
	json_array_foreach(json_object_get(root, "paths"), i, p)
	{
		const char *hex = json_string_value(json_object_get(p, "raw"));
		uint8_t raw[SNET_PATH_MAX_LEN];
		size_t n = hex ? strlen(hex) / 2 : 0;
		snet_scion_path sp;
		if (!hex || n > sizeof(raw) || !json_is_string(json_object_get(p, "src")) ||
		    !json_is_string(json_object_get(p, "dst")))
			abort();
		for (size_t k = 0; k < n; k++)
			sscanf(hex + 2 * k, "%2hhx", &raw[k]);
		if (snet_scion_path_parse(raw, n, &sp) < 0 || sp.num_hops == 0)
			abort();
	}
	json_decref(root);
}

int snet_fuzz_topogen(const uint8_t *data, size_t size)
{
	static struct topo t;
	if (topo_load_buf("fuzz", (const char *)data, size, &t, NULL) == 0) {
		check(&t);
		check_paths(&t);
	}
	json_decref(t.desc);
	return 0;
}
SNET_FUZZ_ENTRY(snet_fuzz_topogen)
