/* SPDX-License-Identifier: Apache-2.0 */
/* SCION common header and address header (Go: pkg/slayers/scion.go). */
#include <string.h>

#include "snet/wire.h"
#include "rd.h"
#include "wr.h"

static bool addr_type_known(uint8_t t)
{
	return t == SNET_ADDR_IP4 || t == SNET_ADDR_IP6 || t == SNET_ADDR_SVC;
}

static size_t addr_hdr_len(const snet_scion_hdr *h)
{
	return 16 + snet_addr_type_len(h->dst_type) + snet_addr_type_len(h->src_type);
}

static void parse_common(const uint8_t *b, snet_scion_hdr *h)
{
	uint32_t first = get32(b);

	h->version = (uint8_t)(first >> 28);
	h->traffic_class = (uint8_t)(first >> 20);
	h->flow_id = first & 0xfffff;
	h->next_hdr = b[4];
	h->hdr_len = b[5];
	h->payload_len = get16(b + 6);
	h->path_type = b[8];
	h->dst_type = b[9] >> 4;
	h->src_type = b[9] & 0xf;
	h->rsv = get16(b + 10);
}

static int set_off(size_t *off, size_t v, int err)
{
	if (off)
		*off = v;
	return err;
}

int snet_scion_hdr_parse(const uint8_t *buf, size_t len, snet_scion_hdr *h, size_t *off)
{
	if (len < SNET_CMN_HDR_LEN)
		return set_off(off, len, SNET_E_TRUNCATED);
	parse_common(buf, h);
	if (h->version != 0)
		return set_off(off, 0, SNET_E_BAD_VERSION);
	/* Go computes the lengths from unknown nibbles too; we reject them, since the host
	 * cannot be interpreted and a reply could not be addressed. */
	if (!addr_type_known(h->dst_type) || !addr_type_known(h->src_type))
		return set_off(off, 9, SNET_E_BAD_ADDR_TYPE);
	size_t ahl = addr_hdr_len(h);
	size_t hdr = (size_t)h->hdr_len * SNET_LINE_LEN;
	if (hdr < SNET_CMN_HDR_LEN + ahl)
		return set_off(off, 5, SNET_E_HDR_LEN_TOO_SMALL);
	if (len < SNET_CMN_HDR_LEN + ahl)
		return set_off(off, len, SNET_E_TRUNCATED);
	if (hdr > len)
		return set_off(off, 5, SNET_E_HDR_LEN_TOO_LARGE);

	const uint8_t *p = buf + SNET_CMN_HDR_LEN;
	size_t dl = snet_addr_type_len(h->dst_type), sl = snet_addr_type_len(h->src_type);
	h->dst_ia = get64(p);
	h->src_ia = get64(p + 8);
	memset(h->dst_host, 0, sizeof(h->dst_host));
	memset(h->src_host, 0, sizeof(h->src_host));
	memcpy(h->dst_host, p + 16, dl);
	memcpy(h->src_host, p + 16 + dl, sl);

	size_t path_off = SNET_CMN_HDR_LEN + ahl;
	h->path = buf + path_off;
	h->path_len = hdr - path_off;
	int err = snet_path_check(h->path_type, h->path, h->path_len);
	if (err < 0)
		return set_off(off, err == SNET_E_BAD_PATH_TYPE ? 8 : path_off, err);
	return (int)hdr;
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
	memset(host, 0, 16);
	if (ip_len == 16 && memcmp(ip, v4mapped, 12) == 0) {
		ip += 12;
		ip_len = 4;
	}
	*type = ip_len == 4 ? SNET_ADDR_IP4 : SNET_ADDR_IP6;
	memcpy(host, ip, ip_len == 4 ? 4 : 16);
}

void snet_scion_hdr_set_svc(uint8_t *type, uint8_t host[16], uint16_t svc)
{
	memset(host, 0, 16);
	*type = SNET_ADDR_SVC;
	put16(host, svc);
}
