/* SPDX-License-Identifier: Apache-2.0 */
/* UDP and SCMP headers (Go: pkg/slayers/udp.go, scmp.go, scmp_msg.go). */
#include "snet/wire.h"
#include "l4.h"
#include "rd.h"
#include "wr.h"

size_t snet_scmp_info_len(uint8_t type)
{
	switch (type) {
	case SNET_SCMP_DEST_UNREACHABLE:
	case SNET_SCMP_PACKET_TOO_BIG:
	case SNET_SCMP_PARAMETER_PROBLEM:
	case SNET_SCMP_ECHO_REQUEST:
	case SNET_SCMP_ECHO_REPLY:
		return 4;
	case SNET_SCMP_EXT_IF_DOWN:
		return 16;
	case SNET_SCMP_INT_CONN_DOWN:
		return 24;
	case SNET_SCMP_TRACEROUTE_REQUEST:
	case SNET_SCMP_TRACEROUTE_REPLY:
		return 20;
	default:
		return 0;
	}
}

const char *snet_scmp_type_name(uint8_t type)
{
	switch (type) {
	case SNET_SCMP_DEST_UNREACHABLE: return "DestinationUnreachable";
	case SNET_SCMP_PACKET_TOO_BIG: return "PacketTooBig";
	case SNET_SCMP_PARAMETER_PROBLEM: return "ParameterProblem";
	case SNET_SCMP_EXT_IF_DOWN: return "ExternalInterfaceDown";
	case SNET_SCMP_INT_CONN_DOWN: return "InternalConnectivityDown";
	case SNET_SCMP_ECHO_REQUEST: return "EchoRequest";
	case SNET_SCMP_ECHO_REPLY: return "EchoReply";
	case SNET_SCMP_TRACEROUTE_REQUEST: return "TracerouteRequest";
	case SNET_SCMP_TRACEROUTE_REPLY: return "TracerouteReply";
	default: return "Unknown";
	}
}

void snet__udp_emit(const snet_udp *u, uint8_t *b)
{
	put16(b, u->src_port);
	put16(b + 2, u->dst_port);
	put16(b + 4, u->length);
	put16(b + 6, u->checksum);
}

static void scmp_info_parse(const uint8_t *p, snet_scmp *s)
{
	switch (s->type) {
	case SNET_SCMP_ECHO_REQUEST:
	case SNET_SCMP_ECHO_REPLY:
		s->identifier = get16(p);
		s->seq = get16(p + 2);
		break;
	case SNET_SCMP_TRACEROUTE_REQUEST:
	case SNET_SCMP_TRACEROUTE_REPLY:
		s->identifier = get16(p);
		s->seq = get16(p + 2);
		s->ia = get64(p + 4);
		s->interface = get64(p + 12);
		break;
	case SNET_SCMP_DEST_UNREACHABLE:
		s->rsv = get32(p);
		break;
	case SNET_SCMP_PACKET_TOO_BIG:
		s->rsv = get16(p);
		s->mtu = get16(p + 2);
		break;
	case SNET_SCMP_PARAMETER_PROBLEM:
		s->rsv = get16(p);
		s->pointer = get16(p + 2);
		break;
	case SNET_SCMP_EXT_IF_DOWN:
		s->ia = get64(p);
		s->interface = get64(p + 8);
		break;
	case SNET_SCMP_INT_CONN_DOWN:
		s->ia = get64(p);
		s->ingress = get64(p + 8);
		s->egress = get64(p + 16);
		break;
	}
}

int snet__scmp_parse(const uint8_t *b, size_t n, snet_scmp *s)
{
	if (n < SNET_SCMP_HDR_LEN)
		return SNET_E_TRUNCATED;
	*s = (snet_scmp){ .type = b[0], .code = b[1], .checksum = get16(b + 2) };
	size_t info = snet_scmp_info_len(s->type);
	if (n < SNET_SCMP_HDR_LEN + info)
		return SNET_E_TRUNCATED;
	scmp_info_parse(b + SNET_SCMP_HDR_LEN, s);
	return (int)(SNET_SCMP_HDR_LEN + info);
}

static void scmp_info_emit(const snet_scmp *s, uint8_t *p)
{
	switch (s->type) {
	case SNET_SCMP_ECHO_REQUEST:
	case SNET_SCMP_ECHO_REPLY:
		put16(p, s->identifier);
		put16(p + 2, s->seq);
		break;
	case SNET_SCMP_TRACEROUTE_REQUEST:
	case SNET_SCMP_TRACEROUTE_REPLY:
		put16(p, s->identifier);
		put16(p + 2, s->seq);
		put64(p + 4, s->ia);
		put64(p + 12, s->interface);
		break;
	case SNET_SCMP_DEST_UNREACHABLE:
		put32(p, s->rsv);
		break;
	case SNET_SCMP_PACKET_TOO_BIG:
		put16(p, (uint16_t)s->rsv);
		put16(p + 2, s->mtu);
		break;
	case SNET_SCMP_PARAMETER_PROBLEM:
		put16(p, (uint16_t)s->rsv);
		put16(p + 2, s->pointer);
		break;
	case SNET_SCMP_EXT_IF_DOWN:
		put64(p, s->ia);
		put64(p + 8, s->interface);
		break;
	case SNET_SCMP_INT_CONN_DOWN:
		put64(p, s->ia);
		put64(p + 8, s->ingress);
		put64(p + 16, s->egress);
		break;
	}
}

size_t snet__scmp_emit(const snet_scmp *s, uint8_t *b)
{
	b[0] = s->type;
	b[1] = s->code;
	put16(b + 2, s->checksum);
	scmp_info_emit(s, b + SNET_SCMP_HDR_LEN);
	return SNET_SCMP_HDR_LEN + snet_scmp_info_len(s->type);
}

int snet_udp_hdr_emit(const snet_udp *u, uint8_t *buf, size_t cap)
{
	if (cap < SNET_UDP_HDR_LEN)
		return SNET_E_NOBUF;
	snet__udp_emit(u, buf);
	return SNET_UDP_HDR_LEN;
}

int snet_scmp_hdr_emit(const snet_scmp *s, uint8_t *buf, size_t cap)
{
	if (cap < SNET_SCMP_HDR_LEN + snet_scmp_info_len(s->type))
		return SNET_E_NOBUF;
	return (int)snet__scmp_emit(s, buf);
}
