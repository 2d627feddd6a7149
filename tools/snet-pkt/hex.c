/* SPDX-License-Identifier: Apache-2.0 */
#include <ctype.h>
#include <stdlib.h>

#include "pkt_json.h"

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

int hex_decode(const char *s, size_t len, uint8_t *out, size_t cap, size_t *off)
{
	size_t n = 0;
	int hi = -1;
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

void hex_encode(const uint8_t *b, size_t len, char *out)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < len; i++) {
		out[2 * i] = digits[b[i] >> 4];
		out[2 * i + 1] = digits[b[i] & 0xf];
	}
	out[2 * len] = 0;
}

json_t *json_hex(const uint8_t *b, size_t len)
{
	char *s = malloc(2 * len + 1);
	if (!s)
		return NULL;
	hex_encode(b, len, s);
	json_t *j = json_string(s);
	free(s);
	return j;
}
