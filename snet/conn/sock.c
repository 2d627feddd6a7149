/* SPDX-License-Identifier: Apache-2.0 */
/* The sock: what conns on one underlay port share (their transport, send queue and counters).
 * A conn bound normally has one to itself; prefix-bound conns on one port share one. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

snet__sock *snet__sock_new(snet_network_t *net, int family, int dual, uint16_t port,
			   const struct snet__sock_ops *ops, void *transport)
{
	snet__sock *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->net = net;
	s->family = family;
	s->dual = dual;
	s->port = port;
	s->ops = ops;
	s->transport = transport;
	return s;
}

void snet__sock_free(snet__sock *s)
{
	free(s);
}

void *snet__sock_transport(const snet__sock *s)
{
	return s->transport;
}

int snet__sock_closing(const snet__sock *s)
{
	return s->closing;
}

snet__sock *snet__sock_find_shared(snet_network_t *net, int family, uint16_t port,
				   const char *device)
{
	for (snet__sock *s = NET(net)->socks; s; s = s->next)
		if (s->shared && !s->closing && s->family == family && s->port == port &&
		    strcmp(s->device, device ? device : "") == 0)
			return s;
	return NULL;
}

int snet__sock_receiving(const snet__sock *s)
{
	for (const snet_conn_t *c = s->conns; c; c = CONN(c)->next_on_sock) {
		const struct conn_priv *p = CONN(c);
		if (p->recv_cb || p->scmp_cb || p->raw_cb)
			return 1;
	}
	return 0;
}

/* The first conn puts the sock on the network's list (where prefix binds find it). */
void snet__sock_attach(snet__sock *s, snet_conn_t *conn)
{
	if (s->refs == 0) {
		s->next = NET(s->net)->socks;
		NET(s->net)->socks = s;
	}
	CONN(conn)->sock = s;
	CONN(conn)->next_on_sock = s->conns;
	s->conns = conn;
	s->refs++;
}

static void unlink_sock(snet__sock *s)
{
	for (snet__sock **pp = &NET(s->net)->socks; *pp; pp = &(*pp)->next) {
		if (*pp == s) {
			*pp = s->next;
			return;
		}
	}
}

/* The conn leaves: its queued requests are cancelled; the last one out closes the transport. */
void snet__sock_detach(snet__sock *s, snet_conn_t *conn)
{
	for (snet_conn_t **pp = &s->conns; *pp; pp = &CONN(*pp)->next_on_sock) {
		if (*pp == conn) {
			*pp = CONN(conn)->next_on_sock;
			break;
		}
	}
	CONN(conn)->sock = NULL;
	snet__sock_cancel(s, conn);
	if (--s->refs > 0) {
		s->ops->update(s);
		return;
	}
	unlink_sock(s);
	s->closing = 1;
	s->ops->close(s);
}
