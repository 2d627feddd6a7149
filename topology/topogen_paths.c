/* SPDX-License-Identifier: Apache-2.0 */
/* Paths for every ordered pair of ASes: up, core and down segments combined, shortcuts (an up-
 * and a down-segment cut where they share an AS) and peering paths (cut where a PEER link joins
 * them), none through an AS twice (Go's combinator drops loops), hop fields MACed with each AS's
 * key, SegIDs chained as the control plane does (Go: control/beaconing/extender.go;
 * acceptance/router_benchmark/cases/in.go). */
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
		if (l->core || l->peer || !link_in_as(t, l, x, &my_if, &peer))
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

/* A segment as a path uses it: hops from..n-1 of s (construction order), traversed along
 * (cons_dir) or against its construction; with peer_if, hop `from` is its AS's peer hop
 * (ConsIngress: the peering interface, ConsEgress: the regular one). */
struct part {
	const struct seg *s;
	int from;
	uint16_t peer_if;
	bool cons_dir;
};

static void add_seg(const struct topo *t, struct hopset *h, const struct part *pt)
{
	const struct seg *s = pt->s;
	snet_hop_field hops[MAX_SEG_HOPS];
	uint16_t beta = (uint16_t)(rand() & 0xffff), used[MAX_SEG_HOPS];
	for (int i = 0; i < s->n; i++) {
		uint8_t mac[16];
		hops[i] = (snet_hop_field){ .exp_time = 63, .cons_ingress = s->in[i],
					    .cons_egress = s->out[i] };
		snet_hf_mac(t->ases[s->as[i]].key, beta, t->now, &hops[i], mac);
		memcpy(hops[i].mac, mac, SNET_MAC_LEN);
		used[i] = beta;
		beta ^= (uint16_t)(mac[0] << 8 | mac[1]);
		/* Go's extender: the peer hop is MACed with the beta after the regular hop, and
		 * routers neither update the SegID for it nor after it (peerBeta). */
		if (pt->peer_if && i == pt->from) {
			uint8_t pmac[16];
			hops[i].cons_ingress = pt->peer_if;
			snet_hf_mac(t->ases[s->as[i]].key, beta, t->now, &hops[i], pmac);
			memcpy(hops[i].mac, pmac, SNET_MAC_LEN);
			used[i] = beta;
		}
	}
	snet_scion_path *p = &h->p;
	snet_info_field *inf = &p->inf[p->num_inf];
	inf->flags = (pt->cons_dir ? SNET_INFO_CONS_DIR : 0) | (pt->peer_if ? SNET_INFO_PEER : 0);
	inf->timestamp = t->now;
	/* The SegID the first hop traversed is verified with. */
	inf->seg_id = used[pt->cons_dir ? pt->from : s->n - 1];
	for (int i = pt->from; i < s->n; i++) {
		int k = pt->cons_dir ? i : s->n - 1 - (i - pt->from);
		h->as_of_hop[p->num_hops] = s->as[k];
		p->hop[p->num_hops++] = hops[k];
	}
	p->meta.seg_len[p->num_inf++] = (uint8_t)(s->n - pt->from);
}

/* Traversal ingress/egress interfaces of hop i. */
static void hop_ifs(const struct hopset *h, int i, uint16_t *in, uint16_t *out)
{
	int seg = snet_path_meta_inf_for_hf(&h->p.meta, (uint8_t)i);
	bool c = h->p.inf[seg].flags & SNET_INFO_CONS_DIR;
	*in = c ? h->p.hop[i].cons_ingress : h->p.hop[i].cons_egress;
	*out = c ? h->p.hop[i].cons_egress : h->p.hop[i].cons_ingress;
}

/* The interfaces a packet crosses at hop i: not the source's ingress, not the destination's
 * egress, and not those a crossover inside one AS skips (a shortcut's hop fields name the
 * interfaces towards the core the packet never takes). */
static void crossed_ifs(const struct hopset *h, int i, uint16_t *in, uint16_t *out)
{
	hop_ifs(h, i, in, out);
	if (i == 0 || (h->as_of_hop[i - 1] == h->as_of_hop[i]))
		*in = 0;
	if (i == h->p.num_hops - 1 || (h->as_of_hop[i + 1] == h->as_of_hop[i]))
		*out = 0;
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
		crossed_ifs(h, i, &in, &out);
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

/* An AS twice, other than on both sides of a crossover (the same AS ends one segment and
 * starts the next). */
static bool loops(const struct hopset *h)
{
	for (int i = 0; i < h->p.num_hops; i++)
		for (int j = i + 2; j < h->p.num_hops; j++)
			if (h->as_of_hop[i] == h->as_of_hop[j])
				return true;
	return false;
}

/* Candidates per pair before Go's order and the cap. */
#define MAX_CANDIDATES 512

/* Adds the path of these parts to the pair's candidates, unless it loops or another
 * candidate crosses the same interfaces (Go: filterLongPaths, filterDuplicates); whether it
 * did. Each carries its segment count for the ordering ("_segments", removed after). */
static bool emit(const struct topo *t, json_t *arr, int src, int dst, const struct part parts[],
		 int n)
{
	struct hopset h;
	memset(&h, 0, sizeof(h));
	for (int i = 0; i < n; i++)
		add_seg(t, &h, &parts[i]);
	h.p.num_inf = (uint8_t)n;
	if (loops(&h) || json_array_size(arr) >= MAX_CANDIDATES)
		return false;
	json_t *o = path_json(t, &h, src, dst), *seen;
	size_t i;
	json_array_foreach(arr, i, seen)
	{
		if (json_equal(json_object_get(seen, "interfaces"), json_object_get(o, "interfaces"))) {
			json_decref(o);
			return false;
		}
	}
	json_object_set_new(o, "_segments", json_integer(n));
	json_array_append_new(arr, o);
	return true;
}

/* Go's combinator order: fewest inter-AS links (two interfaces each), then fewest segments;
 * otherwise as generated. */
struct ranked {
	json_t *path;
	size_t links, segs, pos;
};

static int by_rank(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;
	if (x->links != y->links)
		return x->links < y->links ? -1 : 1;
	if (x->segs != y->segs)
		return x->segs < y->segs ? -1 : 1;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/* The pair's candidates into arr, in Go's order, at most max. */
static void append_ranked(json_t *arr, json_t *pair, int max)
{
	size_t n = json_array_size(pair), i;
	struct ranked *r = calloc(n ? n : 1, sizeof(*r));
	json_t *p;
	if (!r)
		return;
	json_array_foreach(pair, i, p)
	{
		r[i] = (struct ranked){ p, json_array_size(json_object_get(p, "interfaces")) / 2,
					(size_t)json_integer_value(json_object_get(p, "_segments")), i };
		json_object_del(p, "_segments");
	}
	qsort(r, n, sizeof(*r), by_rank);
	for (i = 0; i < n && i < (size_t)max; i++)
		json_array_append(arr, r[i].path);
	free(r);
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

/* The PEER link between as a and as b, if any: a's and b's interface. */
static bool peer_link(const struct topo *t, int a, int b, uint16_t *a_if, uint16_t *b_if)
{
	for (int i = 0; i < t->n_links; i++) {
		const struct link_desc *l = &t->links[i];
		int pa, pb;
		if (l->peer && link_in_as(t, l, a, a_if, &pa) && pa == b) {
			link_in_as(t, l, b, b_if, &pb);
			return true;
		}
	}
	return false;
}

/* Up-segment u cut at its AS x, down-segment d at its AS y, below the cores (Go's combinator):
 * a shortcut where x is y (the segments cross over there; from the source itself the down-
 * segment alone, to the destination itself the up-segment alone: Go's routers want a packet
 * for their IA at its path's last hop), a peering path where a PEER link joins x and y (both
 * info fields flagged Peer, x's and y's peer hop fields). */
static void cut_pair(const struct topo *t, json_t *arr, int src, int dst, const struct seg *up,
		     const struct seg *down, int x, int y, int *emitted)
{
	uint16_t x_if = 0, y_if = 0;
	struct part parts[2] = { { .s = up, .from = x }, { .s = down, .from = y, .cons_dir = true } };
	int n = 2;
	if (up->as[x] == down->as[y]) {
		if (x == up->n - 1) /* the source is on the down-segment */
			parts[0] = parts[1], n = 1;
		else if (y == down->n - 1) /* the destination is on the up-segment */
			n = 1;
	} else if (peer_link(t, up->as[x], down->as[y], &x_if, &y_if)) {
		parts[0].peer_if = x_if;
		parts[1].peer_if = y_if;
	} else {
		return;
	}
	if (emit(t, arr, src, dst, parts, n))
		(*emitted)++;
}

static void cut_paths(const struct topo *t, json_t *arr, int src, int dst, const struct seg *ups,
		      int nups, const struct seg *downs, int nd, int *emitted)
{
	for (int u = 0; u < nups; u++)
		for (int d = 0; d < nd; d++)
			for (int x = 1; x < ups[u].n; x++)
				for (int y = 1; y < downs[d].n; y++)
					cut_pair(t, arr, src, dst, &ups[u], &downs[d], x, y, emitted);
}

/* Every combination Go's combinator offers: each up-segment, each core segment (every
 * parallel core link), each down-segment; the shortcuts and peering paths; in Go's order, at
 * most t->max_paths per pair. */
static void pair_paths(const struct topo *t, json_t *all, int src, int dst, struct seg *ups,
		       int nups)
{
	json_t *arr = json_array();
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
			for (int k = 0; k < nc; k++) {
				struct part parts[3];
				int n = 0;
				if (up)
					parts[n++] = (struct part){ .s = up };
				if (c1 != c2)
					parts[n++] = (struct part){ .s = &cores[k], .cons_dir = true };
				if (!D->core)
					parts[n++] = (struct part){ .s = &downs[d], .cons_dir = true };
				if (n && emit(t, arr, src, dst, parts, n))
					emitted++;
			}
		}
	}
	if (!S->core && !D->core)
		cut_paths(t, arr, src, dst, ups, nups, downs, nd, &emitted);
	append_ranked(all, arr, t->max_paths);
	json_decref(arr);
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
