/* SPDX-License-Identifier: Apache-2.0 */
/* The path database: any text. Every path it accepts is a valid SCION path for its length. */
#include <stdlib.h>

#include "snet/snet.h"
#include "fuzz.h"

int snet_fuzz_pathdb(const uint8_t *data, size_t size)
{
	snet_pathdb db;
	char err[256];
	if (snet_pathdb_parse((const char *)data, size, &db, err, sizeof(err)) != 0)
		return 0;
	for (size_t i = 0; i < db.n; i++) {
		const snet_path *p = &db.paths[i];
		if (p->len > sizeof(p->raw) || p->n_ifs > SNET_PATH_MAX_IFS ||
		    (p->len && snet_path_check(SNET_PATH_SCION, p->raw, p->len) < 0))
			abort();
	}
	snet_pathdb_free(&db);
	return 0;
}
SNET_FUZZ_ENTRY(snet_fuzz_pathdb)
