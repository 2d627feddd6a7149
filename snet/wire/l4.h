/* SPDX-License-Identifier: Apache-2.0 */
/* Internal L4 header helpers shared by packet.c. */
#ifndef SNET_WIRE_L4_H
#define SNET_WIRE_L4_H

#include "snet/wire.h"
#include "rd.h"

/* Parse: return the header length or a negative SNET_E_*; n is the L4 length. */
int snet__scmp_parse(const uint8_t *b, size_t n, snet_scmp *s);
/* Emit: the caller has checked the capacity (8, or 4 + snet_scmp_info_len). */
void snet__udp_emit(const snet_udp *u, uint8_t *b);
size_t snet__scmp_emit(const snet_scmp *s, uint8_t *b);
/* The packet parser without its fast path (snet_pkt_parse_flags takes the fast one for the
 * common packet); fuzz_decode checks that both agree on every input. */
int snet__pkt_parse_full(const uint8_t *buf, size_t len, snet_pkt *p, size_t *off,
			 unsigned flags);

/* Inline: every received datagram runs it. */
static inline int snet__udp_parse(const uint8_t *b, size_t n, snet_udp *u)
{
	if (n < SNET_UDP_HDR_LEN)
		return SNET_E_TRUNCATED;
	u->src_port = get16(b);
	u->dst_port = get16(b + 2);
	u->length = get16(b + 4);
	u->checksum = get16(b + 6);
	/* Length 0 stands for "the rest" (Go: jumbogram); anything else must cover exactly the
	 * L4 bytes, where Go would silently clip or ignore the difference. */
	if (u->length != 0 && u->length != n)
		return SNET_E_BAD_UDP_LEN;
	return SNET_UDP_HDR_LEN;
}

#endif
