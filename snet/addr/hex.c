/* SPDX-License-Identifier: Apache-2.0 */
/* Hex text to bytes, for snet-pkt and the path database. */
#include <ctype.h>

#include "snet/addr.h"

static int nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int snet_hex_decode(const char *s, size_t len, uint8_t *out, size_t cap, size_t *off)
{
	size_t n = 0, dummy;
	int hi = -1;
	if (!off)
		off = &dummy;
	for (size_t i = 0; i < len; i++) {
		if (isspace((unsigned char)s[i]))
			continue;
		int v = nibble(s[i]);
		if (v < 0) {
			*off = i;
			return SNET_E_BAD_HEX;
		}
		if (hi < 0) {
			hi = v;
			continue;
		}
		if (n == cap)
			return SNET_E_NOBUF;
		out[n++] = (uint8_t)(hi << 4 | v);
		hi = -1;
	}
	if (hi >= 0) {
		*off = len;
		return SNET_E_BAD_HEX;
	}
	return (int)n;
}
