/* SPDX-License-Identifier: Apache-2.0 */
/* SCION common header and address header (Go: pkg/slayers/scion.go). */
#include <string.h>

#include "snet/wire.h"
#include "scion_hdr.h"
#include "wr.h"

int snet_scion_hdr_parse(const uint8_t *buf, size_t len, snet_scion_hdr *h, size_t *off)
{
	return scion_hdr_parse(buf, len, h, off);
}

size_t snet_scion_hdr_len(const snet_scion_hdr *h)
{
	return SNET_CMN_HDR_LEN + addr_hdr_len(h) + h->path_len;
}

int snet_scion_hdr_emit(const snet_scion_hdr *h, uint8_t *buf, size_t cap)
{
	size_t n = snet_scion_hdr_len(h);

	if (n > SNET_MAX_HDR_LEN)
		return SNET_E_HDR_TOO_LONG;
	if (n % SNET_LINE_LEN)
		return SNET_E_HDR_NOT_ALIGNED;
	if (cap < n)
		return SNET_E_NOBUF;
	put32(buf, (uint32_t)(h->version & 0xf) << 28 | (uint32_t)h->traffic_class << 20 |
			   (h->flow_id & 0xfffff));
	buf[4] = h->next_hdr;
	buf[5] = (uint8_t)(n / SNET_LINE_LEN);
	put16(buf + 6, h->payload_len);
	buf[8] = h->path_type;
	buf[9] = (uint8_t)((h->dst_type & 0xf) << 4 | (h->src_type & 0xf));
	put16(buf + 10, h->rsv);

	uint8_t *p = buf + SNET_CMN_HDR_LEN;
	size_t dl = snet_addr_type_len(h->dst_type), sl = snet_addr_type_len(h->src_type);
	put64(p, h->dst_ia);
	put64(p + 8, h->src_ia);
	memcpy(p + 16, h->dst_host, dl);
	memcpy(p + 16 + dl, h->src_host, sl);
	if (h->path_len)
		memcpy(p + 16 + dl + sl, h->path, h->path_len);
	return (int)n;
}

static const uint8_t v4mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

void snet_scion_hdr_set_ip(uint8_t *type, uint8_t host[16], const uint8_t *ip, size_t ip_len)
{
	if (ip_len == 16 && memcmp(ip, v4mapped, 12) == 0) {
		ip += 12;
		ip_len = 4;
	}
	*type = ip_len == 4 ? SNET_ADDR_IP4 : SNET_ADDR_IP6;
	if (ip_len == 4)
		snet__ip4_in16(host, ip);
	else
		memcpy(host, ip, 16);
}

void snet_scion_hdr_set_svc(uint8_t *type, uint8_t host[16], uint16_t svc)
{
	memset(host, 0, 16);
	*type = SNET_ADDR_SVC;
	put16(host, svc);
}
