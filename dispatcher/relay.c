/* SPDX-License-Identifier: Apache-2.0 */
/* Go's shim relay rules: UDP by destination port, SCMP replies by identifier, SCMP errors by
 * the quoted packet's UDP source port or echo/traceroute identifier. */
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

/* The quoted packet is usually cut short: read only its headers. */
static int quoted_port(const snet_pkt *p, uint16_t *port)
{
	snet_scion_hdr h;
	int hl = snet_scion_hdr_parse(p->payload, p->payload_len, &h, NULL);
	if (hl < 0)
		return RELAY_BAD_QUOTE;
	const uint8_t *l4 = p->payload + hl;
	size_t left = p->payload_len - (size_t)hl;
	if (h.next_hdr == SNET_PROTO_UDP && left >= 2) {
		*port = (uint16_t)(l4[0] << 8 | l4[1]);
		return RELAY_OK;
	}
	if (h.next_hdr == SNET_PROTO_SCMP && left >= 6 &&
	    (l4[0] == SNET_SCMP_ECHO_REQUEST || l4[0] == SNET_SCMP_TRACEROUTE_REQUEST)) {
		*port = (uint16_t)(l4[4] << 8 | l4[5]);
		return RELAY_OK;
	}
	return RELAY_BAD_QUOTE;
}

static int scmp_port(const snet_pkt *p, uint16_t *port)
{
	switch (p->scmp.type) {
	case SNET_SCMP_ECHO_REPLY:
	case SNET_SCMP_TRACEROUTE_REPLY:
		*port = p->scmp.identifier;
		return RELAY_OK;
	case SNET_SCMP_DEST_UNREACHABLE:
	case SNET_SCMP_PACKET_TOO_BIG:
	case SNET_SCMP_PARAMETER_PROBLEM:
	case SNET_SCMP_EXT_IF_DOWN:
	case SNET_SCMP_INT_CONN_DOWN:
		return quoted_port(p, port);
	default:
		return RELAY_UNSUPPORTED;
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
	uint16_t port;
	int r;
	if (!c->forwarding)
		return RELAY_NO_FORWARDING;
	if (p->l4 == SNET_PROTO_UDP)
		port = p->udp.dst_port;
	else if (p->l4 == SNET_PROTO_SCMP)
		r = scmp_port(p, &port);
	else
		return RELAY_OTHER_L4;
	if (p->l4 == SNET_PROTO_SCMP && r != RELAY_OK)
		return r;
	if (p->hdr.dst_type == SNET_ADDR_SVC)
		return service(c, p, to);
	if (port == SNET_ENDHOST_PORT)
		return RELAY_TO_DISPATCHER;
	memset(to, 0, sizeof(*to));
	if (p->hdr.dst_type == SNET_ADDR_IP4) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)to;
		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		memcpy(&s4->sin_addr, p->hdr.dst_host, 4);
	} else {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)to;
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		memcpy(&s6->sin6_addr, p->hdr.dst_host, 16);
	}
	return RELAY_OK;
}
