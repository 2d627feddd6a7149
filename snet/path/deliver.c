/* SPDX-License-Identifier: Apache-2.0 */
/* Where on the end host a packet is delivered: Go's router and shim dispatcher rules. */
#include "snet/path.h"
#include "snet/topology.h"

/* The quoted packet of an SCMP error, as Go decodes it (a whole SCION header, extensions, then
 * at least a whole UDP header or an SCMP header with its Identifier). */
static int quoted_port(const uint8_t *q, size_t len, bool *by_id)
{
	snet_scion_hdr h;
	int hl = snet_scion_hdr_parse(q, len, &h, NULL);
	if (hl < 0)
		return SNET_E_BAD_QUOTE;
	size_t at = (size_t)hl;
	uint8_t next = h.next_hdr;
	while (next == SNET_PROTO_HBH || next == SNET_PROTO_E2E) {
		snet_ext e;
		int n = snet_ext_parse(q + at, len - at, &e);
		if (n < 0)
			return SNET_E_BAD_QUOTE;
		at += (size_t)n;
		next = e.next_hdr;
	}
	const uint8_t *l4 = q + at;
	size_t left = len - at;
	if (next == SNET_PROTO_UDP && left >= SNET_UDP_HDR_LEN) {
		/* Go's UDP decoder refuses a Length of 1..7; port 0 reads as a truncated header. */
		uint16_t port = (uint16_t)(l4[0] << 8 | l4[1]), ulen = (uint16_t)(l4[4] << 8 | l4[5]);
		return port && (ulen == 0 || ulen >= SNET_UDP_HDR_LEN) ? port : SNET_E_BAD_QUOTE;
	}
	/* Only echo and traceroute requests name a port; an error about an error has none. */
	if (next == SNET_PROTO_SCMP && left >= 8 &&
	    (l4[0] == SNET_SCMP_ECHO_REQUEST || l4[0] == SNET_SCMP_TRACEROUTE_REQUEST)) {
		*by_id = true;
		return l4[4] << 8 | l4[5];
	}
	return SNET_E_BAD_QUOTE;
}

static int scmp_port(const snet_pkt *p, bool *by_id)
{
	switch (p->scmp.type) {
	case SNET_SCMP_ECHO_REQUEST:
	case SNET_SCMP_TRACEROUTE_REQUEST:
		return SNET_ENDHOST_PORT;
	case SNET_SCMP_ECHO_REPLY:
	case SNET_SCMP_TRACEROUTE_REPLY:
		*by_id = true;
		return p->scmp.identifier;
	case SNET_SCMP_DEST_UNREACHABLE:
	case SNET_SCMP_PACKET_TOO_BIG:
	case SNET_SCMP_PARAMETER_PROBLEM:
	case SNET_SCMP_EXT_IF_DOWN:
	case SNET_SCMP_INT_CONN_DOWN:
		return quoted_port(p->payload, p->payload_len, by_id);
	default:
		return SNET_E_UNSUPPORTED_SCMP; /* Go decodes no layer for it: dropped */
	}
}

int snet_pkt_endhost_port(const snet_pkt *p, bool *by_id)
{
	bool id_unused;
	if (!by_id)
		by_id = &id_unused;
	*by_id = false;
	switch (p->l4) {
	case SNET_PROTO_UDP:
		return p->udp.dst_port;
	case SNET_PROTO_SCMP:
		return scmp_port(p, by_id);
	case SNET_PROTO_TCP:
		if (p->payload_len < 20)
			return SNET_E_TRUNCATED;
		return p->payload[2] << 8 | p->payload[3];
	default:
		return SNET_ENDHOST_PORT;
	}
}
