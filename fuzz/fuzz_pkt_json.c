/* SPDX-License-Identifier: Apache-2.0 */
/* snet-pkt's JSON input (encode): any text. A packet built without explicit lengths or
 * checksums must decode; nothing may crash or write past the output buffer. */
#include <stdlib.h>
#include <string.h>

#include "snet/snet.h"
#include "fuzz.h"
#include "pkt_json.h"

int snet_fuzz_pkt_json(const uint8_t *data, size_t size)
{
	static uint8_t out[70000];
	const char *what;
	json_t *j = json_loadb((const char *)data, size, 0, NULL);
	if (!j)
		return 0;
	int n = pkt_from_json(j, out, sizeof(out), &what);
	if (n > (int)sizeof(out))
		abort();
	json_decref(j);
	return 0;
}
SNET_FUZZ_ENTRY(snet_fuzz_pkt_json)
