/* SPDX-License-Identifier: Apache-2.0 */
/* Who is registered where in dispatcher mode, by Go v0.11's rules (dispatcher/internal/
 * registration): a public address per application (its port allocated when 0), an optional
 * SVC at a bind or public IP, and the SCMP identifiers the application used. Pure: no I/O. */
#ifndef SNET_DISP_REGISTRY_H
#define SNET_DISP_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum reg_err {
	REG_OK = 0,
	REG_E_OVERLAP = -1,        /* the address (or a wildcard over it) is taken */
	REG_E_NO_PORTS = -2,       /* every ephemeral port is taken */
	REG_E_BIND_WITHOUT_SVC = -3, /* Go: ErrBindWithoutSvc */
	REG_E_SVC_WILDCARD = -4,   /* an SVC needs a concrete IP (bind or public) */
	REG_E_PORT_RANGE = -5,     /* an explicit port outside the allowed ranges */
	REG_E_IA = -6,             /* not this dispatcher's AS */
	REG_E_FULL = -7,           /* too many registrations */
};

#define REG_BUCKETS 256
#define REG_MAX_IDS 16 /* SCMP identifiers remembered per registration */

struct reg_entry {
	int family;          /* AF_INET or AF_INET6: separate tables, as in Go */
	uint8_t ip[16];      /* all zero: the wildcard */
	uint16_t port;
	uint16_t svc;        /* SNET_SVC_NONE if none */
	uint8_t svc_ip[16];  /* the bind IP, else the public one */
	uint16_t ids[REG_MAX_IDS];
	unsigned n_ids;
	void *owner;
	/* private */
	struct reg_entry *next;
};

struct registry {
	uint64_t ia;
	uint16_t allowed_lo, allowed_hi; /* explicit ports: the dispatched range ... */
	uint16_t eph_lo, eph_hi;         /* ... and the ephemeral one, where port 0 is allocated */
	uint16_t next_port;
	unsigned size, max, svc_turn;
	struct reg_entry *buckets[REG_BUCKETS];
};

void registry_init(struct registry *r, uint64_t ia, uint16_t allowed_lo, uint16_t allowed_hi,
		   uint16_t eph_lo, uint16_t eph_hi, unsigned max);
/* Registers e (family, ip, port, svc, svc_ip, owner set by the caller; ia its AS, bind true
 * when a bind IP was given). Port 0 gets the next free ephemeral port, round-robin as Go does.
 * Returns REG_OK (e->port set) or a REG_E_*. */
int registry_add(struct registry *r, uint64_t ia, struct reg_entry *e, bool bind);
void registry_remove(struct registry *r, struct reg_entry *e);
/* The registration a packet to ip:port belongs to: that exact address, or a wildcard on the
 * port (IPv4 also matches an IPv6 wildcard: our dispatcher binds it dual-stack). */
struct reg_entry *registry_lookup(const struct registry *r, int family, const uint8_t ip[16],
				  uint16_t port);
/* The registrations for an SVC: for an anycast value one, in turn (Go: round-robin); for a
 * multicast value all of them. Returns how many were written to out (at most max). */
size_t registry_lookup_svc(struct registry *r, uint16_t svc, struct reg_entry **out, size_t max);
/* SCMP identifiers: an application that sends an echo/traceroute request owns its identifier
 * (Go v0.11 routes echo replies by it). */
void registry_add_id(struct reg_entry *e, uint16_t id);
struct reg_entry *registry_lookup_id(const struct registry *r, uint16_t id);
const char *registry_strerror(int err);

#endif
