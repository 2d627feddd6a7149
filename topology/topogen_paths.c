/* SPDX-License-Identifier: Apache-2.0 */
/* Paths for every ordered pair of ASes: up, core and down segments combined, hop fields MACed
 * with each AS's key, SegIDs chained as the control plane does (Go:
 * control/beaconing/extender.go; acceptance/router_benchmark/cases/in.go). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "topogen.h"

#define MAX_SEG_HOPS 16

/* A segment in construction order: hop i belongs to AS as[i]. */
struct seg {
	int n;
	int as[MAX_SEG_HOPS];
	uint16_t in[MAX_SEG_HOPS], out[MAX_SEG_HOPS]; /* ConsIngress, ConsEgress */
};

/* The link end of a link in AS as (its ifid), and the neighbour AS. */
static int link_in_as(const struct topo *t, const struct link_desc *l, int as, uint16_t *ifid,
		      int *peer)
{
	if (t->brs[l->a.br].as == as) {
		*ifid = l->a.ifid;
		*peer = t->brs[l->b.br].as;
		return 1;
	}
	if (t->brs[l->b.br].as == as) {
		*ifid = l->b.ifid;
		*peer = t->brs[l->a.br].as;
		return 1;
	}
	return 0;
}

/* Up-segments from x to any core, collected in construction order (core first). */
static void up_segs(const struct topo *t, int x, struct seg *path, struct seg *out, int *n, int max)
{
	const struct as_desc *a = &t->ases[x];
	if (a->core) {
		/* path holds hops from the source up to here; construction order is reversed. */
		struct seg s = { 0 };
		for (int i = path->n - 1; i >= 0; i--) {
			s.as[s.n] = path->as[i];
			s.in[s.n] = path->out[i];
			s.out[s.n] = path->in[i];
			s.n++;
		}
		if (*n < max)
			out[(*n)++] = s;
		return;
	}
	for (int i = 0; i < t->n_links; i++) {
		const struct link_desc *l = &t->links[i];
		uint16_t my_if = 0, peer_if = 0;
		int peer, dummy;
		if (l->core || !link_in_as(t, l, x, &my_if, &peer))
			continue;
		/* Only child -> parent: x must be the link's child end. */
		int x_is_b = t->brs[l->b.br].as == x;
		if (x_is_b != l->a_is_parent || path->n + 2 > MAX_SEG_HOPS)
			continue;
		link_in_as(t, l, peer, &peer_if, &dummy);
		struct seg next = *path;
		/* Traversal order from the source: x leaves over my_if; peer enters over peer_if. */
		next.out[next.n - 1] = my_if;
		next.as[next.n] = peer;
		next.in[next.n] = peer_if;
		next.out[next.n] = 0;
		next.n++;
		up_segs(t, peer, &next, out, n, max);
	}
}

struct hopset {
	int n_inf;
	snet_scion_path p;
	int as_of_hop[SNET_MAX_HOPS];
};

/* Appends a segment, traversed along (cons_dir) or against its construction. */
static void add_seg(const struct topo *t, struct hopset *h, const struct seg *s, bool cons_dir)
{
	snet_hop_field hops[MAX_SEG_HOPS];
	uint16_t beta = (uint16_t)(rand() & 0xffff), beta0 = beta;
	for (int i = 0; i < s->n; i++) {
		uint8_t mac[16];
		hops[i] = (snet_hop_field){ .exp_time = 63, .cons_ingress = s->in[i],
					    .cons_egress = s->out[i] };
		snet_hf_mac(t->ases[s->as[i]].key, beta, t->now, &hops[i], mac);
		memcpy(hops[i].mac, mac, SNET_MAC_LEN);
		if (i + 1 < s->n)
			beta ^= (uint16_t)(mac[0] << 8 | mac[1]);
	}
	snet_scion_path *p = &h->p;
	snet_info_field *inf = &p->inf[p->num_inf];
	inf->flags = cons_dir ? SNET_INFO_CONS_DIR : 0;
	inf->timestamp = t->now;
	inf->seg_id = cons_dir ? beta0 : beta;
	for (int i = 0; i < s->n; i++) {
		int k = cons_dir ? i : s->n - 1 - i;
		h->as_of_hop[p->num_hops] = s->as[k];
		p->hop[p->num_hops++] = hops[k];
	}
	p->meta.seg_len[p->num_inf++] = (uint8_t)s->n;
}

/* Traversal ingress/egress interfaces of hop i. */
static void hop_ifs(const struct hopset *h, int i, uint16_t *in, uint16_t *out)
{
	int seg = snet_path_meta_inf_for_hf(&h->p.meta, (uint8_t)i);
	bool c = h->p.inf[seg].flags & SNET_INFO_CONS_DIR;
	*in = c ? h->p.hop[i].cons_ingress : h->p.hop[i].cons_egress;
	*out = c ? h->p.hop[i].cons_egress : h->p.hop[i].cons_ingress;
}

static const char *br_internal_for_if(const struct topo *t, int as, uint16_t ifid)
{
	for (int i = 0; i < t->n_links; i++) {
		const struct link_desc *l = &t->links[i];
		if (t->brs[l->a.br].as == as && l->a.ifid == ifid)
			return t->brs[l->a.br].internal;
		if (t->brs[l->b.br].as == as && l->b.ifid == ifid)
			return t->brs[l->b.br].internal;
	}
	return NULL;
}

static int link_mtu(const struct topo *t, int as, uint16_t ifid)
{
	for (int i = 0; i < t->n_links; i++) {
		const struct link_desc *l = &t->links[i];
		if ((t->brs[l->a.br].as == as && l->a.ifid == ifid) ||
		    (t->brs[l->b.br].as == as && l->b.ifid == ifid))
			return l->mtu;
	}
	return 1 << 30;
}

static json_t *path_json(const struct topo *t, struct hopset *h, int src, int dst)
{
	uint8_t raw[SNET_PATH_MAX_LEN];
	char hex[2 * SNET_PATH_MAX_LEN + 1], ia[SNET_IA_STRLEN];
	int n = snet_scion_path_emit(&h->p, raw, sizeof(raw));
	for (int i = 0; i < n; i++)
		sprintf(hex + 2 * i, "%02x", raw[i]);
	json_t *o = json_object(), *ifs = json_array();
	snet_ia_format(t->ases[src].ia, ia, sizeof(ia));
	json_object_set_new(o, "src", json_string(ia));
	snet_ia_format(t->ases[dst].ia, ia, sizeof(ia));
	json_object_set_new(o, "dst", json_string(ia));
	json_object_set_new(o, "raw", json_string(hex));
	int mtu = t->ases[src].mtu < t->ases[dst].mtu ? t->ases[src].mtu : t->ases[dst].mtu;
	for (int i = 0; i < h->p.num_hops; i++) {
		uint16_t in, out;
		hop_ifs(h, i, &in, &out);
		int as = h->as_of_hop[i];
		for (int k = 0; k < 2; k++) {
			uint16_t id = k ? out : in;
			if (!id)
				continue;
			json_t *e = json_object();
			snet_ia_format(t->ases[as].ia, ia, sizeof(ia));
			json_object_set_new(e, "ia", json_string(ia));
			json_object_set_new(e, "id", json_integer(id));
			json_array_append_new(ifs, e);
			if (link_mtu(t, as, id) < mtu)
				mtu = link_mtu(t, as, id);
		}
	}
	uint16_t in0, out0;
	hop_ifs(h, 0, &in0, &out0);
	const char *nh = br_internal_for_if(t, src, out0);
	json_object_set_new(o, "next_hop", json_string(nh ? nh : ""));
	json_object_set_new(o, "interfaces", ifs);
	json_object_set_new(o, "mtu", json_integer(mtu));
	/* ExpTime 63: (1+63) * 337.5 s = 6 h after the info field timestamp. */
	json_object_set_new(o, "expiry", json_integer((json_int_t)t->now + 21600));
	return o;
}

static void emit(const struct topo *t, json_t *arr, int src, int dst, const struct seg *segs[],
		 const bool dirs[], int n)
{
	struct hopset h;
	memset(&h, 0, sizeof(h));
	for (int i = 0; i < n; i++)
		add_seg(t, &h, segs[i], dirs[i]);
	h.p.num_inf = (uint8_t)n;
	json_array_append_new(arr, path_json(t, &h, src, dst));
}

/* The core segments over direct core links from a to b (one per parallel link), constructed
 * from a to b. Returns how many. */
static int core_segs(const struct topo *t, int a, int b, struct seg *out, int max)
{
	int n = 0;
	for (int i = 0; i < t->n_links && n < max; i++) {
		const struct link_desc *l = &t->links[i];
		uint16_t ia_if = 0, ib_if = 0;
		int pa, pb;
		if (!l->core || !link_in_as(t, l, a, &ia_if, &pa) || pa != b)
			continue;
		link_in_as(t, l, b, &ib_if, &pb);
		out[n++] = (struct seg){ .n = 2, .as = { a, b }, .in = { 0, ib_if }, .out = { ia_if, 0 } };
	}
	return n;
}

/* Every combination Go's combinator offers for up-core-down without shortcuts or peering:
 * each up-segment, each core segment (every parallel core link), each down-segment; at most
 * t->max_paths per pair, in that order. */
static void pair_paths(const struct topo *t, json_t *arr, int src, int dst, struct seg *ups,
		       int nups)
{
	const struct as_desc *S = &t->ases[src], *D = &t->ases[dst];
	struct seg cores[MAX_LINKS], downs[8], path = { .n = 1, .as = { dst } };
	int nd = 0, emitted = 0;
	if (!D->core)
		up_segs(t, dst, &path, downs, &nd, 8);
	for (int u = 0; u < (S->core ? 1 : nups); u++) {
		const struct seg *up = S->core ? NULL : &ups[u];
		int c1 = S->core ? src : up->as[0];
		/* The ends in the destination's core: the destination itself, or a down-segment. */
		for (int d = 0; d < (D->core ? 1 : nd); d++) {
			int c2 = D->core ? dst : downs[d].as[0];
			int nc = c1 == c2 ? 1 : core_segs(t, c1, c2, cores, MAX_LINKS);
			for (int k = 0; k < nc && emitted < t->max_paths; k++) {
				const struct seg *segs[3];
				bool dirs[3];
				int n = 0;
				if (up) {
					segs[n] = up;
					dirs[n++] = false;
				}
				if (c1 != c2) {
					segs[n] = &cores[k];
					dirs[n++] = true;
				}
				if (!D->core) {
					segs[n] = &downs[d];
					dirs[n++] = true;
				}
				if (n) {
					emit(t, arr, src, dst, segs, dirs, n);
					emitted++;
				}
			}
		}
	}
}

json_t *topo_paths(struct topo *t)
{
	json_t *root = json_object(), *arr = json_array();
	srand((unsigned)t->now);
	for (int s = 0; s < t->n_ases; s++) {
		struct seg ups[8], path = { .n = 1, .as = { s } };
		int nups = 0;
		if (!t->ases[s].core)
			up_segs(t, s, &path, ups, &nups, 8);
		for (int d = 0; d < t->n_ases; d++)
			if (d != s)
				pair_paths(t, arr, s, d, ups, nups);
	}
	json_object_set_new(root, "generated", json_integer(t->now));
	json_object_set_new(root, "paths", arr);
	return root;
}
