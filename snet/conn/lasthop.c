/* SPDX-License-Identifier: Apache-2.0 */
/* The last hop of a received packet. Normally the datagram's underlay source; for packets a
 * shim dispatcher relayed from port 30041 on this host, the router that delivered it, found
 * from the path (Go: pkg/snet/packet_conn.go isShimDispatcher, lastHop). */
#include <string.h>

#include "internal.h"

int snet__is_shim(const struct sockaddr_storage *from, int dst_family, const uint8_t dst[16])
{
	uint8_t ip[16];
	uint16_t port;
	int fam = snet__sa_plain((const struct sockaddr *)from, ip, &port);
	if (port != SNET_ENDHOST_PORT)
		return 0;
	if (fam == AF_INET && ip[0] == 127)
		return 1;
	static const uint8_t loop6[16] = { [15] = 1 };
	if (fam == AF_INET6 && memcmp(ip, loop6, 16) == 0)
		return 1;
	return fam == dst_family && snet__same(ip, dst, fam == AF_INET ? 4 : 16);
}

static uint16_t scion_ingress_if(const uint8_t *raw, size_t len)
{
	snet_scion_raw r;
	snet_info_field inf;
	snet_hop_field hop;
	if (snet_scion_raw_parse(raw, len, &r) < 0 || r.num_hops == 0)
		return 0;
	snet_scion_raw_info(&r, r.meta.curr_inf, &inf);
	snet_scion_raw_hop(&r, r.meta.curr_hf, &hop);
	return (inf.flags & SNET_INFO_CONS_DIR) ? hop.cons_ingress : hop.cons_egress;
}

static uint16_t path_ingress_if(const snet_scion_hdr *h)
{
	snet_onehop_path o;
	switch (h->path_type) {
	case SNET_PATH_SCION:
		return scion_ingress_if(h->path, h->path_len);
	case SNET_PATH_EPIC:
		if (h->path_len < SNET_EPIC_META_LEN)
			return 0;
		return scion_ingress_if(h->path + SNET_EPIC_META_LEN,
					h->path_len - SNET_EPIC_META_LEN);
	case SNET_PATH_ONEHOP:
		return snet_onehop_parse(h->path, h->path_len, &o) < 0 ? 0 : o.second.cons_ingress;
	default:
		return 0;
	}
}

int snet__lasthop_from_path(const snet_topology *t, const snet_pkt *p,
			    struct sockaddr_storage *out)
{
	if (p->hdr.path_type == SNET_PATH_EMPTY) {
		/* AS-internal: the sender itself, at its port (30041 for SCMP). */
		snet_host h;
		snet__host_from_hdr(&h, p->hdr.src_type, p->hdr.src_host);
		if (!snet__host_is_ip(&h))
			return -1;
		uint16_t port = p->l4 == SNET_PROTO_UDP ? p->udp.src_port : SNET_ENDHOST_PORT;
		snet__host_to_sa(&h, port, 0, out);
		return 0;
	}
	uint16_t ifid = path_ingress_if(&p->hdr);
	const struct sockaddr_storage *br = ifid ? snet_topology_if(t, ifid) : NULL;
	if (!br)
		return -1;
	*out = *br;
	return 0;
}
