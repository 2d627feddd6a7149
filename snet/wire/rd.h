/* SPDX-License-Identifier: Apache-2.0 */
/* Big-endian reads. Callers check the length first (rd_has); the helpers never check. */
#ifndef SNET_WIRE_RD_H
#define SNET_WIRE_RD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

static inline uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline uint64_t get48(const uint8_t *p)
{
	return (uint64_t)get16(p) << 32 | get32(p + 2);
}

static inline uint64_t get64(const uint8_t *p)
{
	return (uint64_t)get32(p) << 32 | get32(p + 4);
}

#endif
