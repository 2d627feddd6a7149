/* SPDX-License-Identifier: Apache-2.0 */
/* Internal L4 header helpers shared by packet.c. */
#ifndef SNET_WIRE_L4_H
#define SNET_WIRE_L4_H

#include "snet/wire.h"

/* Parse: return the header length or a negative SNET_E_*; n is the L4 length. */
int snet__udp_parse(const uint8_t *b, size_t n, snet_udp *u);
int snet__scmp_parse(const uint8_t *b, size_t n, snet_scmp *s);
/* Emit: the caller has checked the capacity (8, or 4 + snet_scmp_info_len). */
void snet__udp_emit(const snet_udp *u, uint8_t *b);
size_t snet__scmp_emit(const snet_scmp *s, uint8_t *b);

#endif
