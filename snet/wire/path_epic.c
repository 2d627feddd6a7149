/* SPDX-License-Identifier: Apache-2.0 */
/* EPIC path type 3: a 16-byte prefix before a SCION path (Go: pkg/slayers/path/epic). */
#include <string.h>

#include "snet/wire.h"
#include "rd.h"
#include "wr.h"

int snet_epic_parse(const uint8_t *buf, size_t len, snet_epic_path *p)
{
	if (len < SNET_EPIC_META_LEN)
		return SNET_E_TRUNCATED;
	p->timestamp = get32(buf);
	p->counter = get32(buf + 4);
	memcpy(p->phvf, buf + 8, 4);
	memcpy(p->lhvf, buf + 12, 4);
	return snet_scion_raw_parse(buf + SNET_EPIC_META_LEN, len - SNET_EPIC_META_LEN, &p->scion);
}

int snet_epic_emit(const snet_epic_path *p, uint8_t *buf, size_t cap)
{
	size_t n = SNET_EPIC_META_LEN + p->scion.len;
	if (cap < n)
		return SNET_E_NOBUF;
	put32(buf, p->timestamp);
	put32(buf + 4, p->counter);
	memcpy(buf + 8, p->phvf, 4);
	memcpy(buf + 12, p->lhvf, 4);
	if (p->scion.len)
		memmove(buf + SNET_EPIC_META_LEN, p->scion.raw, p->scion.len);
	return (int)n;
}

int snet_path_check(uint8_t path_type, const uint8_t *buf, size_t len)
{
	snet_scion_raw r;
	snet_onehop_path o;
	snet_epic_path e;

	switch (path_type) {
	case SNET_PATH_EMPTY:
		return len == 0 ? 0 : SNET_E_BAD_PATH_LEN;
	case SNET_PATH_SCION:
		return snet_scion_raw_parse(buf, len, &r);
	case SNET_PATH_ONEHOP:
		return snet_onehop_parse(buf, len, &o);
	case SNET_PATH_EPIC:
		return snet_epic_parse(buf, len, &e);
	default:
		return SNET_E_BAD_PATH_TYPE;
	}
}
