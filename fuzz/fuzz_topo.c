/* SPDX-License-Identifier: Apache-2.0 */
/* topology.json: any text, parsed into the fixed tables and turned into a snet_topology. */
#include <stdlib.h>
#include <string.h>

#include "snet/snet.h"
#include "fuzz.h"

int snet_fuzz_topo(const uint8_t *data, size_t size)
{
	static snet_topo_file f;
	snet_topology t;
	char err[256];
	if (snet_topo_file_parse((const char *)data, size, &f, err, sizeof(err)) == 0)
		snet_topo_file_topology(&f, &t);
	else if (!memchr(err, 0, sizeof(err)))
		abort();
	return 0;
}
SNET_FUZZ_ENTRY(snet_fuzz_topo)
