/* SPDX-License-Identifier: Apache-2.0 */
/* An IPv4 address into a 16-byte host field, inline: the receive and send paths write one
 * for every datagram and read it back moments later. */
#ifndef SNET_WIRE_IP16_H
#define SNET_WIRE_IP16_H

#include <stdint.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* The 4 bytes at src, then 12 zero bytes, in one 16-byte store. Written as a zeroed field and
 * then 4 bytes, the compare, hash or copy that reads the field soon after with 8- or 16-byte
 * loads spans two stores; the CPU forwards a load from one store only, so such a load waits
 * until both have reached the cache (the route cache's hash and the arrival checks did). */
static inline void snet__ip4_in16(uint8_t dst[16], const uint8_t *src)
{
#if defined(__SSE2__)
	int32_t w;
	memcpy(&w, src, sizeof(w));
	_mm_storeu_si128((__m128i *)(void *)dst, _mm_cvtsi32_si128(w));
#else
	uint8_t t[16] = { 0 };
	memcpy(t, src, 4);
	memcpy(dst, t, 16);
#endif
}

#endif
