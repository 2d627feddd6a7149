/* SPDX-License-Identifier: Apache-2.0 */
/* Address strings: whatever parses formats to a string that parses to the same value. */
#include <stdlib.h>
#include <string.h>

#include "snet/snet.h"
#include "fuzz.h"

static void check_ia(const char *s, size_t n)
{
	uint64_t ia, back;
	char b[SNET_IA_STRLEN];
	if (snet_ia_parse(s, n, &ia) != 0)
		return;
	int m = snet_ia_format(ia, b, sizeof(b));
	if (m < 0 || snet_ia_parse(b, (size_t)m, &back) != 0 || back != ia)
		abort();
}

static void check_udp_addr(const char *s, size_t n)
{
	snet_udp_addr a, back;
	char b[SNET_ADDR_STRLEN], b2[SNET_ADDR_STRLEN];
	if (snet_udp_addr_parse(s, n, &a) != 0 || a.host.type == SNET_HOST_NONE)
		return;
	int m = snet_udp_addr_format(&a, b, sizeof(b));
	if (m < 0 || snet_udp_addr_parse(b, (size_t)m, &back) != 0)
		abort();
	int m2 = snet_udp_addr_format(&back, b2, sizeof(b2));
	if (m2 != m || memcmp(b, b2, (size_t)m) != 0)
		abort();
}

static void check_host(const char *s, size_t n)
{
	snet_host h;
	char b[SNET_ADDR_STRLEN];
	if (snet_host_parse(s, n, &h) == 0 && snet_host_format(&h, b, sizeof(b)) < 0)
		abort();
}

int snet_fuzz_addr(const uint8_t *data, size_t size)
{
	char *s = malloc(size ? size : 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	check_ia(s, size);
	check_udp_addr(s, size);
	check_host(s, size);
	free(s);
	return 0;
}
SNET_FUZZ_ENTRY(snet_fuzz_addr)
