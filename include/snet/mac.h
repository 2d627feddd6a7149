/* SPDX-License-Identifier: Apache-2.0 */
/* Hop-field MACs (Go: pkg/slayers/path/mac.go, pkg/scrypto/mac.go): AES-128-CMAC under a key
 * derived from the AS master key by PBKDF2-HMAC-SHA256 (salt "Derive OF Key", 1000 rounds, 16
 * bytes), truncated to 6 bytes. Uses OpenSSL 3 libcrypto (EVP_MAC). */
#ifndef SNET_MAC_H
#define SNET_MAC_H

#include <stddef.h>
#include <stdint.h>

#include "snet/wire.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SNET_HF_KEY_LEN 16

/* The forwarding key from a raw (already base64-decoded) master key. 0 or SNET_E_BAD_FIELD. */
SNET_EXTERN int snet_hf_key_derive(const uint8_t *master, size_t len, uint8_t key[SNET_HF_KEY_LEN]);
/* Decodes a master key file's base64 text as Go's base64.StdEncoding does (the key loader,
 * private/keyconf): padding required, CR/LF ignored, anything else outside the alphabet an
 * error. Unlike Go, an empty key is an error too. Returns the length, SNET_E_BAD_BASE64 (with
 * *off, may be NULL, at the offending byte; at len for a missing end) or SNET_E_NOBUF. */
SNET_EXTERN int snet_base64_decode(const char *text, size_t len, uint8_t *out, size_t cap,
				   size_t *off);
/* The 16-byte MAC input block for a hop under an info field's SegID and timestamp. */
SNET_EXTERN void snet_hf_mac_input(uint16_t seg_id, uint32_t timestamp, const snet_hop_field *h,
				   uint8_t block[16]);
/* The full 16-byte CMAC (the hop carries its first 6 bytes). 0 or SNET_E_BAD_FIELD. */
SNET_EXTERN int snet_hf_mac(const uint8_t key[SNET_HF_KEY_LEN], uint16_t seg_id,
			    uint32_t timestamp, const snet_hop_field *h, uint8_t mac[16]);

#ifdef __cplusplus
}
#endif
#endif
