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

int snet_base64_decode(const char *text, size_t len, uint8_t *out, size_t cap)
{
	char clean[512];
	uint8_t tmp[512];
	size_t n = 0;
	for (size_t i = 0; i < len; i++) {
		char c = text[i];
		if (c == ' ' || c == '\n' || c == '\r' || c == '\t')
			continue;
		if (n == sizeof(clean))
			return SNET_E_NOBUF;
		clean[n++] = c;
	}
	if (n == 0 || n % 4)
		return SNET_E_BAD_FIELD;
	int r = EVP_DecodeBlock(tmp, (const unsigned char *)clean, (int)n);
	if (r < 0)
		return SNET_E_BAD_FIELD;
	/* EVP_DecodeBlock counts the padding as zero bytes. */
	size_t out_len = (size_t)r - (clean[n - 1] == '=') - (clean[n - 2] == '=');
	if (out_len > cap)
		return SNET_E_NOBUF;
	memcpy(out, tmp, out_len);
	return (int)out_len;
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
