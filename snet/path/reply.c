/* SPDX-License-Identifier: Apache-2.0 */
/* Reply packets: what Go's snet (UDP) or shim dispatcher (SCMP echo/traceroute) sends back. */
#include <string.h>

#include "snet/path.h"

static int reply_l4(const snet_pkt *in, snet_pkt *out)
{
	switch (in->l4) {
	case SNET_PROTO_UDP:
		out->udp.src_port = in->udp.dst_port;
		out->udp.dst_port = in->udp.src_port;
		/* snet.Packet.Serialize: TC 0, FlowID 1 (pkg/snet/packet.go). */
		out->hdr.traffic_class = 0;
		out->hdr.flow_id = 1;
		return 0;
	case SNET_PROTO_SCMP:
		if (in->scmp.type == SNET_SCMP_ECHO_REQUEST)
			out->scmp.type = SNET_SCMP_ECHO_REPLY;
		else if (in->scmp.type == SNET_SCMP_TRACEROUTE_REQUEST)
			out->scmp.type = SNET_SCMP_TRACEROUTE_REPLY;
		else
			return SNET_E_NOT_REPLYABLE;
		out->scmp.code = 0;
		return 0;
	default:
		return SNET_E_NOT_REPLYABLE;
	}
}

/* A host as Go packs an address it builds a header from (slayers.PackAddr): IPv4-mapped IPv6
 * becomes the 4-byte IPv4, SVC keeps its value with zero bytes 2-3. */
static void pack_host(uint8_t type, const uint8_t raw[16], uint8_t *out_type, uint8_t out[16])
{
	if (type == SNET_ADDR_SVC)
		snet_scion_hdr_set_svc(out_type, out, (uint16_t)(raw[0] << 8 | raw[1]));
	else
		snet_scion_hdr_set_ip(out_type, out, raw, snet_addr_type_len(type));
}

int snet_pkt_reply(const snet_pkt *in, snet_pkt *out, uint8_t *pathbuf, size_t cap)
{
	/* Go's snet cannot answer an SVC host (its reader panics on Host.IP()); SVC traffic is
	 * for services. An SCMP echo to an SVC address is answered, as Go's shim does. */
	if (in->l4 == SNET_PROTO_UDP &&
	    (in->hdr.dst_type == SNET_ADDR_SVC || in->hdr.src_type == SNET_ADDR_SVC))
		return SNET_E_SVC_REPLY;
	*out = *in;
	int err = reply_l4(in, out);
	if (err < 0)
		return err;
	snet_scion_hdr *h = &out->hdr;
	h->dst_ia = in->hdr.src_ia;
	h->src_ia = in->hdr.dst_ia;
	pack_host(in->hdr.src_type, in->hdr.src_host, &h->dst_type, h->dst_host);
	pack_host(in->hdr.dst_type, in->hdr.dst_host, &h->src_type, h->src_host);
	h->rsv = 0;
	/* Go's dispatcher ignores extensions (scionproto/scion#4128); snet never sends them. */
	out->has_hbh = out->has_e2e = false;
	h->next_hdr = in->l4;
	int n = snet_path_reverse(in->hdr.path_type, in->hdr.path, in->hdr.path_len, pathbuf, cap,
				  &h->path_type);
	if (n < 0)
		return n;
	h->path = pathbuf;
	h->path_len = (size_t)n;
	return 0;
}
