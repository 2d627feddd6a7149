/* SPDX-License-Identifier: Apache-2.0 */
/* Big-endian writes. Callers check the capacity first; the helpers never check. */
#ifndef SNET_WIRE_WR_H
#define SNET_WIRE_WR_H

#include <stdint.h>

static inline void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

static inline void put48(uint8_t *p, uint64_t v)
{
	put16(p, (uint16_t)(v >> 32));
	put32(p + 2, (uint32_t)v);
}

static inline void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)(v >> 32));
	put32(p + 4, (uint32_t)v);
}

#endif
