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

int snet_pkt_reply(const snet_pkt *in, snet_pkt *out, uint8_t *pathbuf, size_t cap)
{
	*out = *in;
	int err = reply_l4(in, out);
	if (err < 0)
		return err;
	snet_scion_hdr *h = &out->hdr;
	h->dst_ia = in->hdr.src_ia;
	h->src_ia = in->hdr.dst_ia;
	h->dst_type = in->hdr.src_type;
	h->src_type = in->hdr.dst_type;
	memcpy(h->dst_host, in->hdr.src_host, sizeof(h->dst_host));
	memcpy(h->src_host, in->hdr.dst_host, sizeof(h->src_host));
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
