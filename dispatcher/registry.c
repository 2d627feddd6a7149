/* SPDX-License-Identifier: Apache-2.0 */
/* The registration table of dispatcher mode (Go v0.11: dispatcher/internal/registration). */
#include <netinet/in.h>
#include <string.h>

#include "snet/addr.h"
#include "registry.h"

static const uint8_t zero[16];

void registry_init(struct registry *r, uint64_t ia, uint16_t allowed_lo, uint16_t allowed_hi,
		   uint16_t eph_lo, uint16_t eph_hi, unsigned max)
{
	memset(r, 0, sizeof(*r));
	r->ia = ia;
	r->allowed_lo = allowed_lo;
	r->allowed_hi = allowed_hi;
	r->eph_lo = eph_lo;
	r->eph_hi = eph_hi;
	r->next_port = eph_lo;
	r->max = max;
}

static bool is_wild(const uint8_t ip[16])
{
	return memcmp(ip, zero, 16) == 0;
}

static size_t ip_len(int family)
{
	return family == AF_INET ? 4 : 16;
}

/* Go's IPTable.OverlapsWith, per family, plus the dual-stack rule of our IPv6 wildcard. */
static bool overlaps(const struct reg_entry *o, int family, const uint8_t ip[16])
{
	bool dual = (o->family == AF_INET6 && is_wild(o->ip)) ||
		    (family == AF_INET6 && is_wild(ip));
	if (o->family != family)
		return dual;
	return is_wild(ip) || is_wild(o->ip) || memcmp(o->ip, ip, ip_len(family)) == 0;
}

static bool taken(const struct registry *r, int family, const uint8_t ip[16], uint16_t port)
{
	for (const struct reg_entry *o = r->buckets[port % REG_BUCKETS]; o; o = o->next)
		if (o->port == port && overlaps(o, family, ip))
			return true;
	return false;
}

static bool in(uint16_t p, uint16_t lo, uint16_t hi)
{
	return hi && p >= lo && p <= hi;
}

/* Go's UDPPortAllocator: round-robin over the range from where the last search stopped. */
static int allocate(struct registry *r, struct reg_entry *e)
{
	unsigned n = (unsigned)r->eph_hi - r->eph_lo + 1;
	for (unsigned i = 0; i < n && r->eph_hi; i++) {
		uint16_t p = r->next_port;
		r->next_port = p == r->eph_hi ? r->eph_lo : (uint16_t)(p + 1);
		if (!taken(r, e->family, e->ip, p)) {
			e->port = p;
			return REG_OK;
		}
	}
	return REG_E_NO_PORTS;
}

static int check(const struct registry *r, uint64_t ia, const struct reg_entry *e, bool bind)
{
	if (ia != r->ia)
		return REG_E_IA;
	if (r->size >= r->max)
		return REG_E_FULL;
	if (bind && e->svc == SNET_SVC_NONE)
		return REG_E_BIND_WITHOUT_SVC;
	if (e->svc != SNET_SVC_NONE && is_wild(e->svc_ip))
		return REG_E_SVC_WILDCARD;
	if (e->port && !in(e->port, r->allowed_lo, r->allowed_hi) &&
	    !in(e->port, r->eph_lo, r->eph_hi))
		return REG_E_PORT_RANGE;
	if (e->port && taken(r, e->family, e->ip, e->port))
		return REG_E_OVERLAP;
	return REG_OK;
}

int registry_add(struct registry *r, uint64_t ia, struct reg_entry *e, bool bind)
{
	int err = check(r, ia, e, bind);
	if (!err && e->port == 0)
		err = allocate(r, e);
	if (err)
		return err;
	e->n_ids = 0;
	struct reg_entry **b = &r->buckets[e->port % REG_BUCKETS];
	e->next = *b;
	*b = e;
	r->size++;
	return REG_OK;
}

void registry_remove(struct registry *r, struct reg_entry *e)
{
	for (struct reg_entry **pp = &r->buckets[e->port % REG_BUCKETS]; *pp; pp = &(*pp)->next) {
		if (*pp == e) {
			*pp = e->next;
			r->size--;
			return;
		}
	}
}

struct reg_entry *registry_lookup(const struct registry *r, int family, const uint8_t ip[16],
				  uint16_t port)
{
	struct reg_entry *wild = NULL;
	for (struct reg_entry *o = r->buckets[port % REG_BUCKETS]; o; o = o->next) {
		if (o->port != port)
			continue;
		if (o->family == family && memcmp(o->ip, ip, ip_len(family)) == 0 && !is_wild(ip))
			return o;
		if (is_wild(o->ip) && (o->family == family || o->family == AF_INET6))
			wild = o;
	}
	return wild;
}

static bool serves(const struct reg_entry *e, uint16_t base)
{
	if (e->svc == SNET_SVC_NONE)
		return false;
	/* Go registers a Wildcard as both CS and DS. */
	if (e->svc == SNET_SVC_WILDCARD)
		return base == SNET_SVC_CS || base == SNET_SVC_DS;
	return e->svc == base;
}

size_t registry_lookup_svc(struct registry *r, uint16_t svc, struct reg_entry **out, size_t max)
{
	uint16_t base = svc & (uint16_t)~SNET_SVC_MCAST;
	size_t n = 0, seen = 0;
	for (unsigned b = 0; b < REG_BUCKETS; b++)
		for (struct reg_entry *e = r->buckets[b]; e; e = e->next)
			if (serves(e, base))
				seen++;
	if (seen == 0 || max == 0)
		return 0;
	size_t pick = (svc & SNET_SVC_MCAST) ? SIZE_MAX : r->svc_turn++ % seen, i = 0;
	for (unsigned b = 0; b < REG_BUCKETS; b++) {
		for (struct reg_entry *e = r->buckets[b]; e && n < max; e = e->next) {
			if (!serves(e, base))
				continue;
			if (pick == SIZE_MAX || i == pick)
				out[n++] = e;
			i++;
		}
	}
	return n;
}

void registry_add_id(struct reg_entry *e, uint16_t id)
{
	for (unsigned i = 0; i < e->n_ids; i++)
		if (e->ids[i] == id)
			return;
	/* The newest REG_MAX_IDS stay: a pinger moves on to new identifiers. */
	if (e->n_ids == REG_MAX_IDS)
		memmove(e->ids, e->ids + 1, sizeof(e->ids) - sizeof(e->ids[0])), e->n_ids--;
	e->ids[e->n_ids++] = id;
}

struct reg_entry *registry_lookup_id(const struct registry *r, uint16_t id)
{
	for (unsigned b = 0; b < REG_BUCKETS; b++)
		for (struct reg_entry *e = r->buckets[b]; e; e = e->next)
			for (unsigned i = 0; i < e->n_ids; i++)
				if (e->ids[i] == id)
					return e;
	return NULL;
}

const char *registry_strerror(int err)
{
	switch (err) {
	case REG_OK: return "ok";
	case REG_E_OVERLAP: return "address in use";
	case REG_E_NO_PORTS: return "no free ephemeral port";
	case REG_E_BIND_WITHOUT_SVC: return "bind address without SVC";
	case REG_E_SVC_WILDCARD: return "SVC registration needs a concrete IP";
	case REG_E_PORT_RANGE: return "port outside the dispatched and ephemeral ranges";
	case REG_E_IA: return "another AS";
	case REG_E_FULL: return "too many registrations";
	default: return "unknown";
	}
}
