/* SPDX-License-Identifier: Apache-2.0 */
/* snet-pkt: packets to JSON and back, and hex text. */
#ifndef SNET_PKT_JSON_H
#define SNET_PKT_JSON_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "snet/snet.h"

/* The JSON object for a parsed packet (new reference). */
json_t *pkt_to_json(const snet_pkt *p);

/* Builds the packet a JSON object describes into buf. Returns the length or a negative
 * SNET_E_*; *what names the offending field. */
int pkt_from_json(json_t *o, uint8_t *buf, size_t cap, const char **what);

/* Lowercase hex; out needs 2*len+1 bytes. */
void hex_encode(const uint8_t *b, size_t len, char *out);
/* A JSON string of lowercase hex (new reference). */
json_t *json_hex(const uint8_t *b, size_t len);

#endif
