/* SPDX-License-Identifier: Apache-2.0 */
/* snet-topogen's description: any text. A description it accepts must be one it can write:
 * every index in range, every router with an internal address, every link between two ASes. */
#include <stdlib.h>

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

int snet_fuzz_topogen(const uint8_t *data, size_t size)
{
	static struct topo t;
	if (topo_load_buf("fuzz", (const char *)data, size, &t, NULL) == 0)
		check(&t);
	json_decref(t.desc);
	return 0;
}
SNET_FUZZ_ENTRY(snet_fuzz_topogen)
