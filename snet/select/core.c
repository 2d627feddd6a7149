/* SPDX-License-Identifier: Apache-2.0 */
/* The selector's state machine (core.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"

void sel_init(struct sel_core *c, const snet_policy *policy, uint32_t probe_misses,
	      uint32_t hold_down_ms, uint32_t expiry_margin_ms)
{
	memset(c, 0, sizeof(*c));
	c->policy = policy;
	c->active = SIZE_MAX;
	c->probe_misses = probe_misses;
	c->hold_down_ms = hold_down_ms;
	c->expiry_margin_ms = expiry_margin_ms;
}

void sel_free(struct sel_core *c)
{
	free(c->v);
	snet_path_set_free(c->set);
	c->v = NULL;
	c->set = NULL;
	c->n = 0;
	c->active = SIZE_MAX;
}

static bool same_fp(const struct sel_path *a, const struct sel_path *b)
{
	return a->has_fp == b->has_fp && (!a->has_fp || !memcmp(a->fp, b->fp, sizeof(a->fp)));
}

int sel_set_paths(struct sel_core *c, snet_path_set *set, uint64_t now_ms)
{
	const snet_path **order = calloc(set->n + 1, sizeof(*order));
	struct sel_path *v = calloc(set->n + 1, sizeof(*v));
	if (!order || !v) {
		free(order), free(v);
		snet_path_set_free(set);
		return -ENOMEM;
	}
	size_t n = 0;
	for (size_t i = 0; i < set->n; i++)
		if ((!c->dst || set->paths[i].dst == c->dst) &&
		    (!c->src || set->paths[i].src == c->src))
			order[n++] = &set->paths[i];
	n = c->policy ? snet_policy_filter(c->policy, order, n) : n;
	const struct sel_path *old_active = c->active < c->n ? &c->v[c->active] : NULL;
	size_t keep = SIZE_MAX;
	for (size_t i = 0; i < n; i++) {
		v[i] = (struct sel_path){ .p = order[i], .rtt_ns = -1 };
		v[i].has_fp = snet_path_fingerprint(order[i], v[i].fp);
		/* The same path as before keeps its probe record. */
		for (size_t j = 0; j < c->n; j++) {
			if (same_fp(&v[i], &c->v[j])) {
				v[i].rtt_ns = c->v[j].rtt_ns;
				v[i].probe_sent_ms = c->v[j].probe_sent_ms;
				v[i].probe_out = c->v[j].probe_out;
				v[i].probe_seq = c->v[j].probe_seq;
				v[i].misses = c->v[j].misses;
				if (old_active == &c->v[j])
					keep = i;
				break;
			}
		}
	}
	free(order);
	free(c->v);
	snet_path_set_free(c->set);
	c->set = set;
	c->v = v;
	c->n = n;
	c->lost = c->lost || (old_active && keep == SIZE_MAX);
	c->active = keep;
	c->stats.refreshes++;
	(void)now_ms;
	return 0;
}

const snet_path *sel_active(const struct sel_core *c)
{
	return c->active < c->n ? c->v[c->active].p : NULL;
}

bool sel_crosses(const struct sel_core *c, size_t i, uint64_t ia, uint64_t ifid)
{
	const snet_path *p = c->v[i].p;
	for (size_t k = 0; k < p->n_ifs; k++)
		if (p->ifs[k].ia == ia && p->ifs[k].id == ifid)
			return true;
	return false;
}

bool sel_usable(const struct sel_core *c, size_t i, uint64_t now_ms)
{
	const struct sel_path *sp = &c->v[i];
	const snet_path *p = sp->p;
	/* Never an expired path, nor one about to expire. */
	if (p->expiry && (int64_t)((now_ms + c->expiry_margin_ms) / 1000) >= p->expiry)
		return false;
	if (c->probe_misses && sp->misses >= c->probe_misses)
		return false;
	for (size_t d = 0; d < c->n_down; d++)
		if (c->down[d].until_ms > now_ms && sel_crosses(c, i, c->down[d].ia, c->down[d].ifid))
			return false;
	return true;
}

bool sel_choose(struct sel_core *c, uint64_t now_ms, snet_switch_reason why)
{
	size_t best = SIZE_MAX;
	for (size_t i = 0; i < c->n && best == SIZE_MAX; i++)
		if (sel_usable(c, i, now_ms))
			best = i;
	if (best == c->active && !c->lost)
		return false;
	/* A better path than the active one, which is still usable: a return. */
	if (best != SIZE_MAX && c->active < c->n && best < c->active &&
	    sel_usable(c, c->active, now_ms))
		why = SNET_SWITCH_RECOVERED;
	else if (best == SIZE_MAX)
		why = SNET_SWITCH_NONE_LEFT;
	bool had = c->active != SIZE_MAX || c->lost;
	c->lost = false;
	c->active = best;
	c->last_reason = had ? why : SNET_SWITCH_FIRST;
	if (!had)
		return true;
	c->stats.switches++;
	switch (why) {
	case SNET_SWITCH_SCMP: c->stats.switch_scmp++; break;
	case SNET_SWITCH_PROBE: c->stats.switch_probe++; break;
	case SNET_SWITCH_EXPIRY: c->stats.switch_expiry++; break;
	case SNET_SWITCH_REFRESH: c->stats.switch_refresh++; break;
	case SNET_SWITCH_RECOVERED: c->stats.switch_recovered++; break;
	default: break;
	}
	return true;
}

void sel_if_down(struct sel_core *c, uint64_t ia, uint64_t ifid, uint64_t now_ms)
{
	size_t slot = c->n_down;
	for (size_t d = 0; d < c->n_down; d++)
		if ((c->down[d].ia == ia && c->down[d].ifid == ifid) || c->down[d].until_ms <= now_ms) {
			slot = d;
			break;
		}
	if (slot == SEL_MAX_DOWN) {
		/* Full: forget the one that ends first. */
		slot = 0;
		for (size_t d = 1; d < SEL_MAX_DOWN; d++)
			if (c->down[d].until_ms < c->down[slot].until_ms)
				slot = d;
	}
	c->down[slot] = (struct sel_down){ ia, ifid, now_ms + c->hold_down_ms };
	if (slot == c->n_down)
		c->n_down++;
}

void sel_probe_sent(struct sel_core *c, size_t i, uint16_t seq, uint64_t now_ms)
{
	c->v[i].probe_sent_ms = now_ms;
	c->v[i].probe_out = true;
	c->v[i].probe_seq = seq;
	c->stats.probes_sent++;
}

bool sel_probe_answer(struct sel_core *c, uint16_t seq, uint64_t now_ms)
{
	for (size_t i = 0; i < c->n; i++) {
		struct sel_path *sp = &c->v[i];
		if (!sp->probe_out || sp->probe_seq != seq)
			continue;
		int64_t rtt = (int64_t)(now_ms - sp->probe_sent_ms) * 1000000;
		sp->rtt_ns = sp->rtt_ns < 0 ? rtt : (sp->rtt_ns * 7 + rtt) / 8;
		sp->probe_out = false;
		sp->misses = 0;
		c->stats.probes_answered++;
		return true;
	}
	return false;
}

void sel_probe_timeouts(struct sel_core *c, uint64_t timeout_ms, uint64_t now_ms)
{
	for (size_t i = 0; i < c->n; i++) {
		struct sel_path *sp = &c->v[i];
		if (sp->probe_out && now_ms - sp->probe_sent_ms >= timeout_ms) {
			sp->probe_out = false;
			sp->misses++;
		}
	}
}

/* Hop fields of raw SCION path bytes: what a router cannot change in flight (its router
 * alert bits aside: a probe sets one on the last hop). */
static bool same_hops(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	snet_scion_raw x, y;
	if (snet_scion_raw_parse(a, alen, &x) || snet_scion_raw_parse(b, blen, &y) ||
	    x.num_hops != y.num_hops || x.num_inf != y.num_inf)
		return false;
	const uint8_t alerts = SNET_HOP_INGRESS_ALERT | SNET_HOP_EGRESS_ALERT;
	for (unsigned i = 0; i < x.num_hops; i++) {
		size_t off = SNET_META_LEN + (size_t)x.num_inf * SNET_INFO_LEN + i * SNET_HOP_LEN;
		if ((a[off] & ~alerts) != (b[off] & ~alerts) ||
		    memcmp(a + off + 1, b + off + 1, SNET_HOP_LEN - 1) != 0)
			return false;
	}
	return true;
}

size_t sel_find_path(const struct sel_core *c, const uint8_t *raw, size_t len)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->v[i].p->type == SNET_PATH_SCION &&
		    same_hops(c->v[i].p->raw, c->v[i].p->len, raw, len))
			return i;
	return SIZE_MAX;
}
