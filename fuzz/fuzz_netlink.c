/* SPDX-License-Identifier: Apache-2.0 */
/* Netlink messages as the resolver reads them: route answers and change events, any bytes. */
#include <stdlib.h>
#include <string.h>

#include "snet/snet.h"
#include "fuzz.h"

int snet_fuzz_netlink(const uint8_t *data, size_t size)
{
	static snet_route_cache rc;
	uint8_t src[16];
	if (!rc.slots && snet_route_cache_init(&rc, 16))
		return 0;
	/* 4-byte aligned, as the kernel delivers netlink messages; exactly size bytes. */
	uint32_t *buf = malloc(size ? size : 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	uint32_t seq = size >= 12 ? buf[2] : 0;
	int r = snet_rtmsg_route_src(buf, size, seq, size & 1 ? 2 : 10, src);
	if (r > 1)
		abort();
	if (snet_route_cache_feed(&rc, buf, size) < 0)
		abort();
	free(buf);
	return 0;
}
SNET_FUZZ_ENTRY(snet_fuzz_netlink)
