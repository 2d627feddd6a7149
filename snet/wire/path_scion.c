/* SPDX-License-Identifier: Apache-2.0 */
/* SCION path type 1, raw view and decoded form (Go: pkg/slayers/path/scion). */
#include <string.h>

#include "snet/wire.h"
#include "path_meta.h"
#include "wr.h"

int snet_scion_raw_parse(const uint8_t *buf, size_t len, snet_scion_raw *r)
{
	return scion_raw_view(buf, len, r);
}

void snet_scion_raw_info(const snet_scion_raw *r, unsigned i, snet_info_field *f)
{
	snet_info_field_parse(r->raw + SNET_META_LEN + (size_t)i * SNET_INFO_LEN, f);
}

void snet_scion_raw_hop(const snet_scion_raw *r, unsigned i, snet_hop_field *f)
{
	size_t off = SNET_META_LEN + (size_t)r->num_inf * SNET_INFO_LEN + (size_t)i * SNET_HOP_LEN;
	snet_hop_field_parse(r->raw + off, f);
}

int snet_scion_path_parse(const uint8_t *buf, size_t len, snet_scion_path *p)
{
	snet_scion_raw r;
	int err = snet_scion_raw_parse(buf, len, &r);
	if (err < 0)
		return err;
	p->meta = r.meta;
	p->num_inf = r.num_inf;
	p->num_hops = r.num_hops;
	for (unsigned i = 0; i < r.num_inf; i++)
		snet_scion_raw_info(&r, i, &p->inf[i]);
	for (unsigned i = 0; i < r.num_hops; i++)
		snet_scion_raw_hop(&r, i, &p->hop[i]);
	return 0;
}

size_t snet_scion_path_len(const snet_scion_path *p)
{
	return scion_path_len(p->num_inf, p->num_hops);
}

int snet_scion_path_emit(const snet_scion_path *p, uint8_t *buf, size_t cap)
{
	size_t n = snet_scion_path_len(p);
	if (cap < n)
		return SNET_E_NOBUF;
	if (p->num_inf > SNET_MAX_INFS || p->num_hops > SNET_MAX_HOPS)
		return SNET_E_TOO_MANY_HOPS;
	snet_path_meta_emit(&p->meta, buf);
	uint8_t *q = buf + SNET_META_LEN;
	for (unsigned i = 0; i < p->num_inf; i++, q += SNET_INFO_LEN)
		snet_info_field_emit(&p->inf[i], q);
	for (unsigned i = 0; i < p->num_hops; i++, q += SNET_HOP_LEN)
		snet_hop_field_emit(&p->hop[i], q);
	return (int)n;
}

static int meta_inc(snet_path_meta *m, uint8_t num_inf, uint8_t num_hops)
{
	if (num_inf == 0)
		return SNET_E_EMPTY_PATH;
	if (m->curr_hf >= num_hops - 1) {
		m->curr_hf = (uint8_t)(num_hops - 1);
		return SNET_E_PATH_AT_END;
	}
	m->curr_hf++;
	m->curr_inf = meta_inf_for_hf(m, m->curr_hf);
	return 0;
}

int snet_scion_path_inc(snet_scion_path *p)
{
	return meta_inc(&p->meta, p->num_inf, p->num_hops);
}

int snet_scion_raw_inc(uint8_t *buf, size_t len)
{
	snet_scion_raw r;
	int err = snet_scion_raw_parse(buf, len, &r);
	if (err < 0)
		return err;
	err = meta_inc(&r.meta, r.num_inf, r.num_hops);
	if (err < 0)
		return err;
	snet_path_meta_emit(&r.meta, buf);
	return 0;
}

bool snet_scion_path_is_xover(const snet_scion_path *p)
{
	const snet_path_meta *m = &p->meta;
	return m->curr_hf + 1 < p->num_hops &&
	       m->curr_inf != meta_inf_for_hf(m, (uint8_t)(m->curr_hf + 1));
}
