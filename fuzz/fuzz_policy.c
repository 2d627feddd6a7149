/* SPDX-License-Identifier: Apache-2.0 */
/* Policies from files: any text as a sequence (first byte 0 mod 3), a policy (1) or a map of
 * named policies asked for "p" (2), then applied to a few paths: what is kept is a subset,
 * and nothing crashes or leaks. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "snet/snet.h"

#define IA(isd, as) (((uint64_t)(isd) << 48) | (uint64_t)(as))

int snet_fuzz_policy(const uint8_t *data, size_t size)
{
	static const snet_path_if a[4] = { { IA(1, 0xff0000000111), 41 }, { IA(1, 0xff0000000110), 1 },
					   { IA(1, 0xff0000000110), 2 }, { IA(1, 0xff0000000112), 1 } };
	static const snet_path_if b[2] = { { IA(1, 110), 3 }, { IA(2, 0xff0000000210), 5 } };
	static const snet_path paths[4] = {
		{ .src = IA(1, 0xff0000000111), .dst = IA(1, 0xff0000000112), .n_ifs = 4, .ifs = a },
		{ .src = IA(1, 110), .dst = IA(2, 0xff0000000210), .n_ifs = 2, .ifs = b },
		{ .src = IA(1, 0xff0000000111), .dst = IA(1, 0xff0000000111) },
		{ .src = IA(1, 0xff0000000111), .dst = IA(1, 0xff0000000112), .n_ifs = 3, .ifs = a },
	};
	if (size < 1)
		return 0;
	char *text = malloc(size);
	if (!text)
		return 0;
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	const snet_path *v[4] = { &paths[0], &paths[1], &paths[2], &paths[3] };
	size_t k = 0;
	char err[256];
	if (data[0] % 3 == 0) {
		snet_sequence *s;
		if (snet_sequence_new(text, &s, err, sizeof(err)) == 0) {
			k = snet_sequence_filter(s, v, 4);
			snet_sequence_free(s);
		}
	} else {
		snet_policy *p;
		if (snet_policy_parse(text, size - 1, data[0] % 3 == 2 ? "p" : NULL, &p, err,
				      sizeof(err)) == 0) {
			k = snet_policy_filter(p, v, 4);
			snet_policy_free(p);
		}
	}
	/* A subset without repeats (snet_order may reorder it). */
	for (size_t i = 0; i < k; i++)
		for (size_t j = 0; j < i; j++)
			if (k > 4 || v[i] == v[j] || v[i] < paths || v[i] >= paths + 4)
				abort();
	free(text);
	return 0;
}
SNET_FUZZ_ENTRY(snet_fuzz_policy)
