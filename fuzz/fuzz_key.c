/* SPDX-License-Identifier: Apache-2.0 */
/* Master key files: any bytes. What decodes re-encodes (OpenSSL's encoder) to text that
 * decodes to the same key, and every key derives a forwarding key. */
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "snet/snet.h"
#include "fuzz.h"

int snet_fuzz_key(const uint8_t *data, size_t size)
{
	uint8_t *key = malloc(size + 1), *back = malloc(size + 1), fk[SNET_HF_KEY_LEN];
	char *text = malloc(size * 2 + 8);
	size_t off = 0;
	if (!key || !back || !text)
		goto out;
	int n = snet_base64_decode((const char *)data, size, key, size + 1, &off);
	if (n < 0) {
		if (n == SNET_E_BAD_BASE64 && off > size)
			abort();
		goto out;
	}
	int t = EVP_EncodeBlock((unsigned char *)text, key, n);
	if (snet_base64_decode(text, (size_t)t, back, size + 1, NULL) != n ||
	    memcmp(key, back, (size_t)n) != 0 || snet_hf_key_derive(key, (size_t)n, fk) != 0)
		abort();
out:
	free(key);
	free(back);
	free(text);
	return 0;
}
SNET_FUZZ_ENTRY(snet_fuzz_key)
