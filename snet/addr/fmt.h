/* SPDX-License-Identifier: Apache-2.0 */
/* A bounded string builder shared by the formatters. */
#ifndef SNET_ADDR_FMT_H
#define SNET_ADDR_FMT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "snet/err.h"

typedef struct sb {
	char *buf;
	size_t cap, len;
	bool overflow;
} sb;

static inline sb sb_init(char *buf, size_t cap)
{
	sb b = { buf, cap, 0, cap == 0 };
	if (cap)
		buf[0] = 0;
	return b;
}

static inline void sb_put(sb *b, const char *s, size_t n)
{
	if (b->overflow || b->len + n + 1 > b->cap) {
		b->overflow = true;
		return;
	}
	memcpy(b->buf + b->len, s, n);
	b->len += n;
	b->buf[b->len] = 0;
}

static inline void sb_str(sb *b, const char *s)
{
	sb_put(b, s, strlen(s));
}

__attribute__((format(printf, 2, 3))) static inline void sb_printf(sb *b, const char *fmt, ...)
{
	char tmp[160];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(tmp)) {
		b->overflow = true;
		return;
	}
	sb_put(b, tmp, (size_t)n);
}

static inline int sb_done(const sb *b)
{
	return b->overflow ? SNET_E_NOBUF : (int)b->len;
}

/* strconv.ParseUint(s, base, bits) for base 10 and 16: digits only, no sign, no prefix. */
static inline int parse_uint(const char *s, size_t len, unsigned base, uint64_t max, uint64_t *v)
{
	uint64_t x = 0;
	if (len == 0)
		return -1;
	for (size_t i = 0; i < len; i++) {
		int d;
		char c = s[i];
		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (base == 16 && c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (base == 16 && c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return -1;
		if (x > (max - (uint64_t)d) / base)
			return -1;
		x = x * base + (uint64_t)d;
	}
	*v = x;
	return 0;
}

#endif
