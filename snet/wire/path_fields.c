/* SPDX-License-Identifier: Apache-2.0 */
/* InfoField, HopField and PathMeta (Go: pkg/slayers/path/{infofield,hopfield}.go,
 * path/scion/base.go). */
#include <string.h>

#include "snet/wire.h"
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
	uint32_t w = get32(buf);
	m->curr_inf = (uint8_t)(w >> 30);
	m->curr_hf = (uint8_t)(w >> 24) & 0x3f;
	m->rsv = (uint8_t)(w >> 18) & 0x3f;
	m->seg_len[0] = (uint8_t)(w >> 12) & 0x3f;
	m->seg_len[1] = (uint8_t)(w >> 6) & 0x3f;
	m->seg_len[2] = (uint8_t)w & 0x3f;

	unsigned ninf = 0, nhops = 0;
	for (int i = SNET_MAX_INFS - 1; i >= 0; i--) {
		if (m->seg_len[i] == 0 && ninf > 0)
			return SNET_E_SEG_LEN_GAP;
		if (m->seg_len[i] > 0 && ninf == 0)
			ninf = (unsigned)i + 1;
		nhops += m->seg_len[i];
	}
	if (nhops > SNET_MAX_HOPS)
		return SNET_E_TOO_MANY_HOPS;
	*num_inf = (uint8_t)ninf;
	*num_hops = (uint8_t)nhops;
	return 0;
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
	if (hf < m->seg_len[0])
		return 0;
	if (hf < m->seg_len[0] + m->seg_len[1])
		return 1;
	return 2;
}
