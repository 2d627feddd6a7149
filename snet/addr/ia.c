/* SPDX-License-Identifier: Apache-2.0 */
/* ISD-AS text forms (Go: pkg/addr/isdas.go, fmt.go). */
#include <stdint.h>

#include "snet/addr.h"
#include "fmt.h"

int snet_as_parse(const char *s, size_t len, uint64_t *as)
{
	const char *c1 = memchr(s, ':', len);
	if (!c1)
		return parse_uint(s, len, 10, SNET_BGP_AS_MAX, as) ? SNET_E_BAD_AS : 0;

	uint64_t v = 0;
	const char *p = s, *end = s + len;
	for (int i = 0; i < 3; i++) {
		const char *q = memchr(p, ':', (size_t)(end - p));
		if (i == 2 ? q != NULL : q == NULL)
			return SNET_E_BAD_AS; /* wrong number of separators */
		if (!q)
			q = end;
		uint64_t part;
		if (parse_uint(p, (size_t)(q - p), 16, 0xffff, &part))
			return SNET_E_BAD_AS;
		v = v << 16 | part;
		p = q + 1;
	}
	*as = v;
	return 0;
}

int snet_ia_parse(const char *s, size_t len, uint64_t *ia)
{
	const char *dash = memchr(s, '-', len);
	if (!dash || memchr(dash + 1, '-', len - (size_t)(dash - s) - 1))
		return SNET_E_BAD_IA;
	uint64_t isd, as;
	if (parse_uint(s, (size_t)(dash - s), 10, SNET_ISD_MAX, &isd))
		return SNET_E_BAD_ISD;
	int err = snet_as_parse(dash + 1, len - (size_t)(dash - s) - 1, &as);
	if (err)
		return err;
	*ia = snet_ia_from((uint16_t)isd, as);
	return 0;
}

static void as_put(sb *b, uint64_t as)
{
	if (as <= SNET_BGP_AS_MAX) {
		sb_printf(b, "%llu", (unsigned long long)as);
		return;
	}
	sb_printf(b, "%x:%x:%x", (unsigned)(as >> 32) & 0xffff, (unsigned)(as >> 16) & 0xffff,
		  (unsigned)as & 0xffff);
}

int snet_as_format(uint64_t as, char *buf, size_t cap)
{
	sb b = sb_init(buf, cap);
	as_put(&b, as & SNET_AS_MAX);
	return sb_done(&b);
}

int snet_ia_format(uint64_t ia, char *buf, size_t cap)
{
	sb b = sb_init(buf, cap);
	sb_printf(&b, "%u-", (unsigned)snet_ia_isd(ia));
	as_put(&b, snet_ia_as(ia));
	return sb_done(&b);
}
