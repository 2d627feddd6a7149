/* SPDX-License-Identifier: Apache-2.0 */
/* Hop-field MACs with OpenSSL 3's EVP_MAC (CMAC over AES-128-CBC) and PBKDF2. */
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <string.h>

#include "snet/mac.h"

static const char salt[] = "Derive OF Key";

int snet_hf_key_derive(const uint8_t *master, size_t len, uint8_t key[SNET_HF_KEY_LEN])
{
	int ok = PKCS5_PBKDF2_HMAC((const char *)master, (int)len, (const unsigned char *)salt,
				   (int)strlen(salt), 1000, EVP_sha256(), SNET_HF_KEY_LEN, key);
	return ok == 1 ? 0 : SNET_E_BAD_FIELD;
}

static int b64_value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	return c == '+' ? 62 : c == '/' ? 63 : -1;
}

/* Go's base64.StdEncoding.Decode: the standard alphabet in quanta of 4, '=' padding only in
 * the last quantum ("xx==" or "xxx="), nothing after it; CR and LF are ignored wherever they
 * are (so a trailing newline is fine); non-zero trailing bits are accepted, as Go's
 * non-strict decoder does. */
int snet_base64_decode(const char *text, size_t len, uint8_t *out, size_t cap, size_t *off)
{
	uint32_t acc = 0;
	size_t n = 0, q = 0, pad = 0, at = 0;
	for (at = 0; at < len; at++) {
		char c = text[at];
		if (c == '\r' || c == '\n')
			continue;
		int v = b64_value(c);
		if (c == '=' && q >= 2 && pad + q < 4) {
			pad++;
			continue;
		}
		if (v < 0 || pad)
			goto bad;
		acc = acc << 6 | (uint32_t)v;
		if (++q < 4)
			continue;
		if (n + 3 > cap)
			return SNET_E_NOBUF;
		out[n++] = (uint8_t)(acc >> 16), out[n++] = (uint8_t)(acc >> 8), out[n++] = (uint8_t)acc;
		acc = 0, q = 0;
	}
	if (q == 0 && pad == 0 && n)
		return (int)n;
	if (q + pad != 4) /* an unfinished quantum, or no key at all */
		goto bad;
	if (n + (q - 1) > cap)
		return SNET_E_NOBUF;
	acc <<= 6 * (4 - q);
	out[n++] = (uint8_t)(acc >> 16);
	if (q == 3)
		out[n++] = (uint8_t)(acc >> 8);
	return (int)n;
bad:
	if (off)
		*off = at;
	return SNET_E_BAD_BASE64;
}

void snet_hf_mac_input(uint16_t seg_id, uint32_t timestamp, const snet_hop_field *h,
		       uint8_t b[16])
{
	memset(b, 0, 16);
	b[2] = (uint8_t)(seg_id >> 8);
	b[3] = (uint8_t)seg_id;
	b[4] = (uint8_t)(timestamp >> 24);
	b[5] = (uint8_t)(timestamp >> 16);
	b[6] = (uint8_t)(timestamp >> 8);
	b[7] = (uint8_t)timestamp;
	b[9] = h->exp_time;
	b[10] = (uint8_t)(h->cons_ingress >> 8);
	b[11] = (uint8_t)h->cons_ingress;
	b[12] = (uint8_t)(h->cons_egress >> 8);
	b[13] = (uint8_t)h->cons_egress;
}

int snet_hf_mac(const uint8_t key[SNET_HF_KEY_LEN], uint16_t seg_id, uint32_t timestamp,
		const snet_hop_field *h, uint8_t mac[16])
{
	uint8_t in[16];
	size_t outl = 0;
	int ok = 0;
	char cipher[] = "AES-128-CBC";
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_CIPHER, cipher, 0),
		OSSL_PARAM_construct_end(),
	};
	snet_hf_mac_input(seg_id, timestamp, h, in);
	EVP_MAC *m = EVP_MAC_fetch(NULL, "CMAC", NULL);
	EVP_MAC_CTX *ctx = m ? EVP_MAC_CTX_new(m) : NULL;
	if (ctx && EVP_MAC_init(ctx, key, SNET_HF_KEY_LEN, params) == 1 &&
	    EVP_MAC_update(ctx, in, sizeof(in)) == 1 && EVP_MAC_final(ctx, mac, &outl, 16) == 1)
		ok = outl == 16;
	EVP_MAC_CTX_free(ctx);
	EVP_MAC_free(m);
	return ok ? 0 : SNET_E_BAD_FIELD;
}
