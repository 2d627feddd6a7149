/* SPDX-License-Identifier: Apache-2.0 */
/* The common and address header parser, inline: the packet parser runs it for every packet
 * (scion.c exports it as snet_scion_hdr_parse). */
#ifndef SNET_WIRE_SCION_HDR_H
#define SNET_WIRE_SCION_HDR_H

#include <string.h>

#include "snet/wire.h"
#include "ip16.h"
#include "path_meta.h"
#include "rd.h"

static inline bool addr_type_known(uint8_t t)
{
	return t == SNET_ADDR_IP4 || t == SNET_ADDR_IP6 || t == SNET_ADDR_SVC;
}

static inline size_t addr_hdr_len(const snet_scion_hdr *h)
{
	return 16 + snet_addr_type_len(h->dst_type) + snet_addr_type_len(h->src_type);
}

static inline void parse_common(const uint8_t *b, snet_scion_hdr *h)
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

/* A host of 4 or 16 bytes into its 16-byte field, the rest zero: fixed-size moves, no calls. */
static inline void parse_host(uint8_t dst[16], const uint8_t *src, size_t n)
{
	if (n == 16)
		memcpy(dst, src, 16);
	else
		snet__ip4_in16(dst, src);
}

/* The address header and where the path lies, once the lengths are known to fit: hdr is the
 * whole SCION header's length. Returns the path's offset. */
static inline size_t parse_addr(const uint8_t *buf, snet_scion_hdr *h, size_t hdr)
{
	const uint8_t *p = buf + SNET_CMN_HDR_LEN;
	size_t dl = snet_addr_type_len(h->dst_type), sl = snet_addr_type_len(h->src_type);
	size_t path_off = SNET_CMN_HDR_LEN + addr_hdr_len(h);
	h->dst_ia = get64(p);
	h->src_ia = get64(p + 8);
	parse_host(h->dst_host, p + 16, dl);
	parse_host(h->src_host, p + 16 + dl, sl);
	h->path = buf + path_off;
	h->path_len = hdr - path_off;
	return path_off;
}

static inline int set_off(size_t *off, size_t v, int err)
{
	if (off)
		*off = v;
	return err;
}

/* The SCION path, the common case, without a call; the rest by type. */
static inline int check_path(uint8_t type, const uint8_t *buf, size_t len)
{
	snet_scion_raw r;
	if (type == SNET_PATH_SCION)
		return scion_raw_view(buf, len, &r);
	return snet_path_check(type, buf, len);
}

static inline int scion_hdr_parse(const uint8_t *restrict buf, size_t len, snet_scion_hdr *restrict h,
				  size_t *off)
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

	size_t path_off = parse_addr(buf, h, hdr);
	int err = check_path(h->path_type, h->path, h->path_len);
	if (err < 0)
		return set_off(off, err == SNET_E_BAD_PATH_TYPE ? 8 : path_off, err);
	return (int)hdr;
}

#endif
