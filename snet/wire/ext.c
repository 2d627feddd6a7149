/* SPDX-License-Identifier: Apache-2.0 */
/* Hop-by-hop and end-to-end extension headers with TLV options, and the SPAO option
 * (Go: pkg/slayers/extn.go, pkt_auth.go). */
#include <string.h>

#include "snet/wire.h"
#include "rd.h"
#include "wr.h"

#define EXT_MAX_LEN (256 * SNET_LINE_LEN)
#define SPAO_META_LEN 12

static int opt_at(const uint8_t *p, size_t avail, snet_opt *o)
{
	memset(o, 0, sizeof(*o));
	o->type = p[0];
	if (o->type == SNET_OPT_PAD1)
		return 1;
	if (avail < 2 || avail < 2u + p[1])
		return SNET_E_BAD_OPT_LEN;
	o->len = p[1];
	o->data = p + 2;
	return 2 + o->len;
}

int snet_ext_next_opt(const snet_ext *e, size_t *pos, snet_opt *o)
{
	if (*pos >= e->opts_len)
		return 0;
	int n = opt_at(e->opts + *pos, e->opts_len - *pos, o);
	if (n < 0) {
		*pos = e->opts_len;
		return n;
	}
	*pos += (size_t)n;
	return 1;
}

int snet_ext_parse(const uint8_t *buf, size_t len, snet_ext *e)
{
	if (len < 2)
		return SNET_E_TRUNCATED;
	e->next_hdr = buf[0];
	e->ext_len = buf[1];
	size_t n = ((size_t)e->ext_len + 1) * SNET_LINE_LEN;
	if (n > len)
		return SNET_E_BAD_EXT_LEN;
	e->opts = buf + 2;
	e->opts_len = n - 2;

	snet_opt o;
	size_t pos = 0;
	int r;
	while ((r = snet_ext_next_opt(e, &pos, &o)) > 0)
		;
	return r < 0 ? r : (int)n;
}

/* Pad1 for one byte, PadN otherwise (Go: serializeTLVOptionPadding). */
static void write_pad(uint8_t *p, size_t n)
{
	if (n == 0)
		return;
	memset(p, 0, n);
	if (n > 1) {
		p[0] = SNET_OPT_PADN;
		p[1] = (uint8_t)(n - 2);
	}
}

static size_t opt_len(const snet_opt *o)
{
	return o->type == SNET_OPT_PAD1 ? 1 : 2u + o->len;
}

/* Offset where an aligned option starts (Go: serializeTLVOptions), counted from the start of
 * the extension header. */
static size_t aligned(size_t at, const snet_opt *o)
{
	size_t x = o->align_x, y = o->align_y;
	size_t off = x * (at / x) + y;
	return off < at ? off + x : off;
}

static int emit_opts(const snet_opt *opts, size_t n, unsigned flags, uint8_t *buf, size_t cap)
{
	size_t at = 2;
	for (size_t i = 0; i < n; i++) {
		const snet_opt *o = &opts[i];
		if ((flags & SNET_EXT_ALIGN) && o->align_x) {
			if (o->align_y >= o->align_x)
				return SNET_E_BAD_OPT_ALIGN;
			size_t to = aligned(at, o);
			if (to > cap)
				return SNET_E_NOBUF;
			write_pad(buf + at, to - at);
			at = to;
		}
		if (at + opt_len(o) > cap)
			return SNET_E_NOBUF;
		buf[at] = o->type;
		if (o->type != SNET_OPT_PAD1) {
			buf[at + 1] = o->len;
			if (o->len)
				memcpy(buf + at + 2, o->data, o->len);
		}
		at += opt_len(o);
	}
	return (int)at;
}

int snet_ext_emit(uint8_t next_hdr, const snet_opt *opts, size_t n, unsigned flags, uint8_t *buf,
		  size_t cap)
{
	if (cap > EXT_MAX_LEN)
		cap = EXT_MAX_LEN;
	if (cap < 2)
		return SNET_E_NOBUF;
	int r = emit_opts(opts, n, flags, buf, cap);
	if (r < 0)
		return r;
	size_t at = (size_t)r;
	if ((flags & SNET_EXT_ALIGN) && at % SNET_LINE_LEN) {
		size_t pad = SNET_LINE_LEN - at % SNET_LINE_LEN;
		if (at + pad > cap)
			return SNET_E_NOBUF;
		write_pad(buf + at, pad);
		at += pad;
	}
	if (at % SNET_LINE_LEN)
		return SNET_E_HDR_NOT_ALIGNED;
	buf[0] = next_hdr;
	buf[1] = (uint8_t)(at / SNET_LINE_LEN - 1);
	return (int)at;
}

int snet_spao_parse(const snet_opt *o, snet_spao *s)
{
	if (o->type != SNET_OPT_SPAO || o->len < SPAO_META_LEN)
		return SNET_E_BAD_SPAO;
	s->spi = get32(o->data);
	s->algorithm = o->data[4];
	s->rsv = o->data[5];
	s->ts_seq = get48(o->data + 6);
	s->auth = o->data + SPAO_META_LEN;
	s->auth_len = o->len - SPAO_META_LEN;
	return 0;
}

int snet_spao_emit(const snet_spao *s, uint8_t *buf, size_t cap)
{
	size_t n = SPAO_META_LEN + s->auth_len;
	if (n > 255)
		return SNET_E_BAD_FIELD;
	if (cap < n)
		return SNET_E_NOBUF;
	put32(buf, s->spi);
	buf[4] = s->algorithm;
	buf[5] = s->rsv;
	put48(buf + 6, s->ts_seq);
	if (s->auth_len)
		memcpy(buf + SPAO_META_LEN, s->auth, s->auth_len);
	return (int)n;
}
