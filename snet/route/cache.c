/* SPDX-License-Identifier: Apache-2.0 */
/* Route cache: open addressing over a fixed table; a generation counter makes a flush O(1). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "snet/route.h"

#define PROBES 8

static uint64_t key_hash(const snet_route_key *k)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a */
	const uint8_t *p = k->addr;
	for (int i = 0; i < 16; i++)
		h = (h ^ p[i]) * 1099511628211ull;
	h = (h ^ k->family) * 1099511628211ull;
	h = (h ^ k->mark) * 1099511628211ull;
	return (h ^ k->oif) * 1099511628211ull;
}

static bool key_eq(const snet_route_key *a, const snet_route_key *b)
{
	return a->family == b->family && a->mark == b->mark && a->oif == b->oif &&
	       memcmp(a->addr, b->addr, 16) == 0;
}

int snet_route_cache_init(snet_route_cache *rc, size_t cap)
{
	size_t c = 16;
	while (c < cap)
		c <<= 1;
	memset(rc, 0, sizeof(*rc));
	rc->slots = calloc(c, sizeof(*rc->slots));
	if (!rc->slots)
		return -ENOMEM;
	rc->cap = c;
	rc->gen = 1;
	return 0;
}

void snet_route_cache_free(snet_route_cache *rc)
{
	free(rc->slots);
	rc->slots = NULL;
	rc->cap = 0;
}

bool snet_route_cache_get(snet_route_cache *rc, const snet_route_key *k, uint8_t src[16])
{
	uint64_t h = key_hash(k);
	for (size_t i = 0; i < PROBES; i++) {
		snet_route_entry *e = &rc->slots[(h + i) & (rc->cap - 1)];
		if (e->gen == rc->gen && key_eq(&e->key, k)) {
			memcpy(src, e->src, 16);
			rc->hits++;
			return true;
		}
	}
	rc->misses++;
	return false;
}

void snet_route_cache_put(snet_route_cache *rc, const snet_route_key *k, const uint8_t src[16])
{
	uint64_t h = key_hash(k);
	snet_route_entry *victim = &rc->slots[h & (rc->cap - 1)];
	for (size_t i = 0; i < PROBES; i++) {
		snet_route_entry *e = &rc->slots[(h + i) & (rc->cap - 1)];
		if (e->gen != rc->gen || key_eq(&e->key, k)) {
			victim = e;
			break;
		}
	}
	victim->key = *k;
	memcpy(victim->src, src, 16);
	victim->gen = rc->gen;
}

void snet_route_cache_flush(snet_route_cache *rc)
{
	rc->gen++;
	rc->flushes++;
}
