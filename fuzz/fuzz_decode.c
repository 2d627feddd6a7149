/* SPDX-License-Identifier: Apache-2.0 */
/* Packet decode: any bytes, never a crash or a read past the buffer. */
#include <stdlib.h>
#include <string.h>

#include "snet/snet.h"
#include "fuzz.h"

int snet_fuzz_decode(const uint8_t *data, size_t size)
{
	/* A copy of exactly size bytes, so that ASan sees any read past the end. */
	uint8_t *buf = malloc(size ? size : 1);
	snet_pkt p;
	size_t off = 0;
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	int r = snet_pkt_parse(buf, size, &p, &off);
	if (r >= 0 && (size_t)r != size)
		abort();
	if (off > size)
		abort();
	if (r >= 0) {
		snet_opt o;
		size_t pos = 0;
		while (p.has_hbh && snet_ext_next_opt(&p.hbh, &pos, &o) > 0)
			;
	}
	free(buf);
	return 0;
}
SNET_FUZZ_ENTRY(snet_fuzz_decode)
