/* SPDX-License-Identifier: Apache-2.0 */
/* Go's shim relay rules (dispatcher/dispatcher.go): the ports of snet_pkt_endhost_port, SVC
 * destinations to the configured services, nothing else and never back to port 30041. */
#include <netinet/in.h>
#include <string.h>

#include "relay.h"

const char *relay_drop_name(int reason)
{
	switch (reason) {
	case RELAY_NO_FORWARDING: return "forwarding_off";
	case RELAY_NO_SERVICE: return "no_service";
	case RELAY_BAD_QUOTE: return "bad_quote";
	case RELAY_OTHER_L4: return "other_l4";
	case RELAY_UNSUPPORTED: return "unsupported_scmp";
	case RELAY_TO_DISPATCHER: return "to_dispatcher";
	default: return "ok";
	}
}

static uint16_t sa_port(const struct sockaddr_storage *ss)
{
	return ntohs(ss->ss_family == AF_INET ? ((const struct sockaddr_in *)ss)->sin_port
					      : ((const struct sockaddr_in6 *)ss)->sin6_port);
}

static int service(const struct relay_conf *c, const snet_pkt *p, struct sockaddr_storage *to)
{
	uint16_t svc = (uint16_t)(p->hdr.dst_host[0] << 8 | p->hdr.dst_host[1]);
	for (size_t i = 0; i < c->n_svcs; i++) {
		if (c->svcs[i].ia == p->hdr.dst_ia &&
		    (c->svcs[i].svc & (uint16_t)~SNET_SVC_MCAST) == (svc & (uint16_t)~SNET_SVC_MCAST)) {
			*to = c->svcs[i].addr;
			return sa_port(to) == SNET_ENDHOST_PORT ? RELAY_TO_DISPATCHER : RELAY_OK;
		}
	}
	return RELAY_NO_SERVICE;
}

int relay_dst(const struct relay_conf *c, const snet_pkt *p, struct sockaddr_storage *to)
{
	if (!c->forwarding)
		return RELAY_NO_FORWARDING;
	if (p->l4 != SNET_PROTO_UDP && p->l4 != SNET_PROTO_SCMP)
		return RELAY_OTHER_L4; /* Go's shim: dropped */
	/* Go's shim relays SVC destinations for UDP only (getDstSCIONUDP). */
	if (p->hdr.dst_type == SNET_ADDR_SVC)
		return p->l4 == SNET_PROTO_UDP ? service(c, p, to) : RELAY_NO_SERVICE;
	int port = snet_pkt_endhost_port(p, NULL);
	if (port == SNET_E_UNSUPPORTED_SCMP)
		return RELAY_UNSUPPORTED;
	if (port < 0)
		return RELAY_BAD_QUOTE;
	if (port == SNET_ENDHOST_PORT)
		return RELAY_TO_DISPATCHER;
	memset(to, 0, sizeof(*to));
	if (p->hdr.dst_type == SNET_ADDR_IP4) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)to;
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
		memcpy(&s4->sin_addr, p->hdr.dst_host, 4);
	} else {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)to;
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		memcpy(&s6->sin6_addr, p->hdr.dst_host, 16);
	}
	return RELAY_OK;
}
