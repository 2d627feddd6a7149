/* SPDX-License-Identifier: Apache-2.0 */
/* InfoField, HopField and PathMeta (Go: pkg/slayers/path/{infofield,hopfield}.go,
 * path/scion/base.go). */
#include <string.h>

#include "snet/wire.h"
#include "path_meta.h"
#include "rd.h"
#include "wr.h"

void snet_info_field_parse(const uint8_t b[SNET_INFO_LEN], snet_info_field *f)
{
	f->flags = b[0];
	f->rsv = b[1];
	f->seg_id = get16(b + 2);
	f->timestamp = get32(b + 4);
}

void snet_info_field_emit(const snet_info_field *f, uint8_t b[SNET_INFO_LEN])
{
	b[0] = f->flags;
	b[1] = f->rsv;
	put16(b + 2, f->seg_id);
	put32(b + 4, f->timestamp);
}

void snet_hop_field_parse(const uint8_t b[SNET_HOP_LEN], snet_hop_field *f)
{
	f->flags = b[0];
	f->exp_time = b[1];
	f->cons_ingress = get16(b + 2);
	f->cons_egress = get16(b + 4);
	memcpy(f->mac, b + 6, SNET_MAC_LEN);
}

void snet_hop_field_emit(const snet_hop_field *f, uint8_t b[SNET_HOP_LEN])
{
	b[0] = f->flags;
	b[1] = f->exp_time;
	put16(b + 2, f->cons_ingress);
	put16(b + 4, f->cons_egress);
	memcpy(b + 6, f->mac, SNET_MAC_LEN);
}

int snet_path_meta_parse(const uint8_t *buf, size_t len, snet_path_meta *m, uint8_t *num_inf,
			 uint8_t *num_hops)
{
	if (len < SNET_META_LEN)
		return SNET_E_TRUNCATED;
	return meta_decode(get32(buf), m, num_inf, num_hops);
}

void snet_path_meta_emit(const snet_path_meta *m, uint8_t b[SNET_META_LEN])
{
	uint32_t w = (uint32_t)(m->curr_inf & 0x3) << 30 | (uint32_t)(m->curr_hf & 0x3f) << 24 |
		     (uint32_t)(m->rsv & 0x3f) << 18 | (uint32_t)(m->seg_len[0] & 0x3f) << 12 |
		     (uint32_t)(m->seg_len[1] & 0x3f) << 6 | (uint32_t)(m->seg_len[2] & 0x3f);
	put32(b, w);
}

uint8_t snet_path_meta_inf_for_hf(const snet_path_meta *m, uint8_t hf)
{
	return meta_inf_for_hf(m, hf);
}
