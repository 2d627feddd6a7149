/* SPDX-License-Identifier: Apache-2.0 */
/* PathMeta and the raw SCION path view, inline: every received packet runs them, so the packet
 * parser gets them without a call (path_fields.c and path_scion.c export them). */
#ifndef SNET_WIRE_PATH_META_H
#define SNET_WIRE_PATH_META_H

#include "snet/wire.h"
#include "rd.h"

/* The segment that holds hop field hf (Go: Base.infIndexForHF). */
static inline uint8_t meta_inf_for_hf(const snet_path_meta *m, unsigned hf)
{
	return (uint8_t)((hf >= m->seg_len[0]) + (hf >= (unsigned)m->seg_len[0] + m->seg_len[1]));
}

/* The PathMeta word. Go's loop over the SegLens accepts no zero length before a non-zero one
 * and counts the segments: with n0-n2 saying which are non-zero, a gap is a later one set
 * where an earlier one is not. (As a table over the three bits, the lookup and its index cost
 * the packet parser's fast path 5 % more.) */
static inline int meta_decode(uint32_t w, snet_path_meta *m, uint8_t *num_inf, uint8_t *num_hops)
{
	unsigned s0 = (w >> 12) & 0x3f, s1 = (w >> 6) & 0x3f, s2 = w & 0x3f;
	unsigned n0 = s0 != 0, n1 = s1 != 0, n2 = s2 != 0;
	uint8_t n = ((n1 > n0) | (n2 > n1)) ? 0xff : (uint8_t)(n0 + n1 + n2);

	m->curr_inf = (uint8_t)(w >> 30);
	m->curr_hf = (uint8_t)(w >> 24) & 0x3f;
	m->rsv = (uint8_t)(w >> 18) & 0x3f;
	m->seg_len[0] = (uint8_t)s0;
	m->seg_len[1] = (uint8_t)s1;
	m->seg_len[2] = (uint8_t)s2;
	if (n == 0xff)
		return SNET_E_SEG_LEN_GAP;
	if (s0 + s1 + s2 > SNET_MAX_HOPS)
		return SNET_E_TOO_MANY_HOPS;
	*num_inf = n;
	*num_hops = (uint8_t)(s0 + s1 + s2);
	return 0;
}

/* Go leaves the current-field checks to the router; a packet we accept must be one a router
 * would forward or an end host could have received, so we check here once. */
static inline int meta_check_curr(const snet_path_meta *m, uint8_t num_inf, uint8_t num_hops)
{
	/* The common case in one test: a hop field inside the path lies in a segment below
	 * num_inf (no gaps), so CurrINF matching it is in range too. */
	if (m->curr_hf < num_hops && meta_inf_for_hf(m, m->curr_hf) == m->curr_inf)
		return 0;
	if (num_hops == 0)
		return m->curr_inf || m->curr_hf ? SNET_E_BAD_CURR_HF : 0;
	if (m->curr_inf >= num_inf)
		return SNET_E_BAD_CURR_INF;
	if (m->curr_hf >= num_hops)
		return SNET_E_BAD_CURR_HF;
	return SNET_E_CURR_INF_MISMATCH;
}

static inline size_t scion_path_len(uint8_t num_inf, uint8_t num_hops)
{
	return SNET_META_LEN + (size_t)num_inf * SNET_INFO_LEN + (size_t)num_hops * SNET_HOP_LEN;
}

static inline int scion_raw_view(const uint8_t *buf, size_t len, snet_scion_raw *r)
{
	if (len < SNET_META_LEN)
		return SNET_E_TRUNCATED;
	int err = meta_decode(get32(buf), &r->meta, &r->num_inf, &r->num_hops);
	if (err < 0)
		return err;
	size_t n = scion_path_len(r->num_inf, r->num_hops);
	if (len < n)
		return SNET_E_TRUNCATED;
	if (len > n)
		return SNET_E_BAD_PATH_LEN;
	err = meta_check_curr(&r->meta, r->num_inf, r->num_hops);
	if (err < 0)
		return err;
	r->raw = buf;
	r->len = n;
	return 0;
}

#endif
