/* SPDX-License-Identifier: Apache-2.0 */
#include <stdlib.h>

#include "pkt_json.h"

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
