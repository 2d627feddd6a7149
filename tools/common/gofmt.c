/* SPDX-License-Identifier: Apache-2.0 */
#include <inttypes.h>
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wformat-truncation"
#endif
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gofmt.h"

/* Go's fmtFrac/fmtInt into the end of b: the digits of v / 10^prec, with the fraction's
 * trailing zeros (and a lone dot) dropped. Returns the new start. */
static char *frac(char *w, uint64_t *v, int prec)
{
	bool print = false;
	for (int i = 0; i < prec; i++) {
		int digit = (int)(*v % 10);
		print = print || digit != 0;
		if (print)
			*--w = (char)('0' + digit);
		*v /= 10;
	}
	if (print)
		*--w = '.';
	return w;
}

static char *uint_rev(char *w, uint64_t v)
{
	if (v == 0)
		*--w = '0';
	while (v > 0) {
		*--w = (char)('0' + v % 10);
		v /= 10;
	}
	return w;
}

/* time.Duration.String, ported. */
const char *go_duration(int64_t d, char *buf, size_t cap)
{
	char b[32], *w = b + sizeof(b);
	*--w = '\0';
	uint64_t u = (uint64_t)d;
	bool neg = d < 0;
	if (neg)
		u = -u;
	if (u < 1000000000) {
		int prec;
		w--;
		if (u == 0) {
			snprintf(buf, cap, "0s");
			return buf;
		} else if (u < 1000) {
			prec = 0;
			*w = 's', *--w = 'n';
		} else if (u < 1000000) {
			prec = 3;
			/* "µ", U+00B5, as Go writes it */
			*w = 's', *--w = (char)0xb5, *--w = (char)0xc2;
		} else {
			prec = 6;
			*w = 's', *--w = 'm';
		}
		w = frac(w, &u, prec);
		w = uint_rev(w, u);
	} else {
		*--w = 's';
		w = frac(w, &u, 9);
		w = uint_rev(w, u % 60);
		u /= 60;
		if (u > 0) {
			*--w = 'm';
			w = uint_rev(w, u % 60);
			u /= 60;
			if (u > 0) {
				*--w = 'h';
				w = uint_rev(w, u);
			}
		}
	}
	if (neg)
		*--w = '-';
	snprintf(buf, cap, "%s", w);
	return buf;
}

/* Go's time.Unix normalisation, then the local broken-down time. */
static void local_tm(int64_t sec, int64_t nsec, struct tm *tm, int64_t *ns_out)
{
	sec += nsec / 1000000000;
	nsec %= 1000000000;
	if (nsec < 0)
		nsec += 1000000000, sec--;
	time_t t = (time_t)sec;
	localtime_r(&t, tm);
	*ns_out = nsec;
}

static void zone(const struct tm *tm, bool colon, char *z, size_t cap)
{
	long off = tm->tm_gmtoff;
	char sign = off < 0 ? '-' : '+';
	if (off < 0)
		off = -off;
	snprintf(z, cap, colon ? "%c%02ld:%02ld" : "%c%02ld%02ld", sign, off / 3600, off / 60 % 60);
}

/* ".123" for 123000000 ns: nine digits, trailing zeros dropped (Go's .999999999). */
static void nanos(int64_t ns, char *out, size_t cap)
{
	if (ns == 0) {
		*out = '\0';
		return;
	}
	snprintf(out, cap, ".%09" PRId64, ns);
	size_t n = strlen(out);
	while (out[n - 1] == '0')
		out[--n] = '\0';
}

/* The local time of time.Unix(sec, nsec) and its fraction text. */
static void broken_down(int64_t sec, int64_t nsec, struct tm *tm, char f[16])
{
	int64_t ns;
	local_tm(sec, nsec, tm, &ns);
	nanos(ns, f, 16);
}

const char *go_time_rfc3339nano(int64_t sec, int64_t nsec, char *buf, size_t cap)
{
	struct tm tm;
	char z[16], f[16];
	broken_down(sec, nsec, &tm, f);
	if (tm.tm_gmtoff == 0)
		snprintf(z, sizeof(z), "Z");
	else
		zone(&tm, true, z, sizeof(z));
	snprintf(buf, cap, "%04d-%02d-%02dT%02d:%02d:%02d%s%s", tm.tm_year + 1900, tm.tm_mon + 1,
		 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, f, z);
	return buf;
}

const char *go_time_string(int64_t sec, int64_t nsec, char *buf, size_t cap)
{
	struct tm tm;
	char z[16], f[16];
	broken_down(sec, nsec, &tm, f);
	zone(&tm, false, z, sizeof(z));
	snprintf(buf, cap, "%04d-%02d-%02d %02d:%02d:%02d%s %s %s", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, f, z,
		 tm.tm_zone ? tm.tm_zone : z);
	return buf;
}

/* Length of the valid UTF-8 sequence at s (0 when invalid), as Go's utf8.DecodeRune. */
static size_t utf8_len(const unsigned char *s, uint32_t *cp)
{
	size_t len;
	uint32_t min;
	if (s[0] < 0x80)
		return *cp = s[0], 1;
	if ((s[0] & 0xe0) == 0xc0)
		len = 2, *cp = s[0] & 0x1f, min = 0x80;
	else if ((s[0] & 0xf0) == 0xe0)
		len = 3, *cp = s[0] & 0x0f, min = 0x800;
	else if ((s[0] & 0xf8) == 0xf0)
		len = 4, *cp = s[0] & 0x07, min = 0x10000;
	else
		return 0;
	for (size_t k = 1; k < len; k++) {
		if ((s[k] & 0xc0) != 0x80)
			return 0;
		*cp = *cp << 6 | (s[k] & 0x3f);
	}
	if (*cp < min || *cp > 0x10ffff || (*cp >= 0xd800 && *cp <= 0xdfff))
		return 0;
	return len;
}

void go_json_string(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	fputc('"', f);
	while (*p) {
		uint32_t cp;
		size_t n = utf8_len(p, &cp);
		if (n == 0) {
			fputs("\\ufffd", f);
			p++;
			continue;
		}
		if (cp == '"' || cp == '\\')
			fprintf(f, "\\%c", (int)cp);
		else if (cp == '\n')
			fputs("\\n", f);
		else if (cp == '\r')
			fputs("\\r", f);
		else if (cp == '\t')
			fputs("\\t", f);
		else if (cp < 0x20)
			fprintf(f, "\\u%04x", cp);
		else if (cp == 0x2028 || cp == 0x2029)
			fprintf(f, "\\u%04x", cp);
		else
			fwrite(p, 1, n, f);
		p += n;
	}
	fputc('"', f);
}

const char *go_float32_g(float v, char *buf, size_t cap)
{
	for (int prec = 1; prec <= 9; prec++) {
		snprintf(buf, cap, "%.*g", prec, (double)v);
		if (strtof(buf, NULL) == v)
			break;
	}
	return buf;
}

int go_duration_parse(const char *s, int64_t *ns)
{
	static const struct {
		const char *unit;
		int64_t mul;
	} units[] = { { "ns", 1 },	 { "us", 1000 },	{ "\xc2\xb5s", 1000 },
		      { "ms", 1000000 }, { "s", 1000000000 },	{ "m", 60000000000LL },
		      { "h", 3600000000000LL } };
	double total = 0;
	if (!*s)
		return -1;
	if (strcmp(s, "0") == 0)
		return *ns = 0, 0;
	while (*s) {
		char *e;
		double v = strtod(s, &e);
		if (e == s || v < 0 || *s == '+' || *s == '-')
			return -1;
		size_t best = 0, len = 0;
		for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
			size_t l = strlen(units[i].unit);
			if (strncmp(e, units[i].unit, l) == 0 && l > len)
				best = i, len = l;
		}
		if (!len)
			return -1;
		total += v * (double)units[best].mul;
		s = e + len;
	}
	if (total > 9.2e18)
		return -1;
	*ns = (int64_t)total;
	return 0;
}
