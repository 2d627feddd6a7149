/* SPDX-License-Identifier: Apache-2.0 */
/* What decodes must emit to the same bytes; its reply must decode; a reversed SCION path
 * reversed again is the path with its reserved bits cleared. */
#include <stdlib.h>
#include <string.h>

#include "snet/snet.h"
#include "fuzz.h"

static void check_reply(const snet_pkt *p)
{
	static uint8_t pb[SNET_MAX_HDR_LEN], out[70000];
	snet_pkt r, back;
	if (snet_pkt_reply(p, &r, pb, sizeof(pb)) < 0)
		return;
	int n = snet_pkt_emit(&r, SNET_EMIT_FIX, out, sizeof(out));
	if (n < 0)
		return; /* e.g. a reply whose header would exceed 1020 bytes */
	if (snet_pkt_parse(out, (size_t)n, &back, NULL) != n || !back.checksum_ok)
		abort();
}

static void check_reverse_twice(const snet_pkt *p)
{
	snet_scion_path a, b;
	if (p->hdr.path_type != SNET_PATH_SCION ||
	    snet_scion_path_parse(p->hdr.path, p->hdr.path_len, &a) < 0 || a.num_inf == 0)
		return;
	snet_scion_path_reverse(&a);
	b = a;
	snet_scion_path_reverse(&b);
	snet_scion_path_reverse(&b);
	if (memcmp(&a, &b, sizeof(a)) != 0)
		abort();
}

int snet_fuzz_roundtrip(const uint8_t *data, size_t size)
{
	static uint8_t out[70000];
	snet_pkt p;
	if (snet_pkt_parse(data, size, &p, NULL) < 0)
		return 0;
	memset(out, 0xa5, size);
	int n = snet_pkt_emit(&p, 0, out, sizeof(out));
	if (n != (int)size || memcmp(out, data, size) != 0)
		abort();
	check_reply(&p);
	check_reverse_twice(&p);
	return 0;
}
SNET_FUZZ_ENTRY(snet_fuzz_roundtrip)
