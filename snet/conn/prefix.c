/* SPDX-License-Identifier: Apache-2.0 */
/* Prefix binding (the user-space SO_BINDTOPREFIX of the seed): which conn a destination
 * belongs to, and which prefixes may not share a port. */
#include "internal.h"

/* Two prefixes conflict when they agree on the shorter of their lengths (as in the seed). */
static int prefix_overlap(const uint8_t *a, const uint8_t *b, unsigned len)
{
	for (unsigned i = 0; i < len; i++) {
		unsigned byte = i / 8, bit = 7 - i % 8;
		if (((a[byte] >> bit) & 1) != ((b[byte] >> bit) & 1))
			return 0;
	}
	return 1;
}

int snet__prefix_holds(const snet_conn_t *c, int family, const uint8_t ip[16])
{
	const struct conn_priv *p = CONN(c);
	return family == p->family && prefix_overlap(p->prefix, ip, p->prefix_len);
}

int snet__prefix_conflicts(const snet__sock *s, const uint8_t ip[16], unsigned plen)
{
	for (const snet_conn_t *c = s->conns; c; c = CONN(c)->next_on_sock) {
		const struct conn_priv *p = CONN(c);
		unsigned shorter = plen < p->prefix_len ? plen : p->prefix_len;
		if (p->state != CONN_CLOSING && prefix_overlap(p->prefix, ip, shorter))
			return SNET_E_BIND_CONFLICT;
	}
	return 0;
}
