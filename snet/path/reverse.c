/* SPDX-License-Identifier: Apache-2.0 */
/* Path reversal (Go: pkg/slayers/path/scion/decoded.go, onehop/onehop.go, epic/epic.go). */
#include <string.h>

#include "snet/path.h"

static void clear_reserved(snet_scion_path *p)
{
	p->meta.rsv = 0;
	for (unsigned i = 0; i < p->num_inf; i++) {
		p->inf[i].flags &= SNET_INFO_CONS_DIR | SNET_INFO_PEER;
		p->inf[i].rsv = 0;
	}
	for (unsigned i = 0; i < p->num_hops; i++)
		p->hop[i].flags &= SNET_HOP_EGRESS_ALERT | SNET_HOP_INGRESS_ALERT;
}

int snet_scion_path_reverse(snet_scion_path *p)
{
	if (p->num_inf == 0)
		return SNET_E_EMPTY_PATH;
	clear_reserved(p);
	unsigned l = p->num_inf - 1u;
	snet_info_field t = p->inf[0];
	p->inf[0] = p->inf[l];
	p->inf[l] = t;
	uint8_t s = p->meta.seg_len[0];
	p->meta.seg_len[0] = p->meta.seg_len[l];
	p->meta.seg_len[l] = s;
	for (unsigned i = 0; i < p->num_inf; i++)
		p->inf[i].flags ^= SNET_INFO_CONS_DIR;
	for (unsigned i = 0, j = p->num_hops - 1u; i < j; i++, j--) {
		snet_hop_field h = p->hop[i];
		p->hop[i] = p->hop[j];
		p->hop[j] = h;
	}
	p->meta.curr_inf = (uint8_t)(p->num_inf - p->meta.curr_inf - 1);
	p->meta.curr_hf = (uint8_t)(p->num_hops - p->meta.curr_hf - 1);
	return 0;
}

int snet_onehop_to_scion(const snet_onehop_path *o, snet_scion_path *p)
{
	if (o->second.cons_ingress == 0)
		return SNET_E_INCOMPLETE_PATH;
	memset(p, 0, sizeof(*p));
	p->meta.seg_len[0] = 2;
	p->num_inf = 1;
	p->num_hops = 2;
	p->inf[0] = (snet_info_field){ .flags = SNET_INFO_CONS_DIR,
				       .seg_id = o->info.seg_id,
				       .timestamp = o->info.timestamp };
	p->hop[0] = o->first;
	p->hop[1] = o->second;
	return 0;
}

static int decode_for_reverse(uint8_t type, const uint8_t *in, size_t len, snet_scion_path *p)
{
	snet_onehop_path o;
	snet_epic_path e;
	int err;

	switch (type) {
	case SNET_PATH_SCION:
		return snet_scion_path_parse(in, len, p);
	case SNET_PATH_ONEHOP:
		if ((err = snet_onehop_parse(in, len, &o)) < 0)
			return err;
		if ((err = snet_onehop_to_scion(&o, p)) < 0)
			return err;
		return snet_scion_path_inc(p);
	case SNET_PATH_EPIC:
		if ((err = snet_epic_parse(in, len, &e)) < 0)
			return err;
		return snet_scion_path_parse(e.scion.raw, e.scion.len, p);
	default:
		return SNET_E_BAD_PATH_TYPE;
	}
}

int snet_path_reverse(uint8_t type, const uint8_t *in, size_t len, uint8_t *out, size_t cap,
		      uint8_t *out_type)
{
	snet_scion_path p;
	int err;

	if (type == SNET_PATH_EMPTY) {
		*out_type = SNET_PATH_EMPTY;
		return len == 0 ? 0 : SNET_E_BAD_PATH_LEN;
	}
	if ((err = decode_for_reverse(type, in, len, &p)) < 0)
		return err;
	if ((err = snet_scion_path_reverse(&p)) < 0)
		return err;
	*out_type = SNET_PATH_SCION;
	return snet_scion_path_emit(&p, out, cap);
}
