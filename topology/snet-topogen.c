/* SPDX-License-Identifier: Apache-2.0 */
/* snet-topogen DESCRIPTION OUTDIR [--control] [--max-paths N]: per AS a Go topology.json and
 * keys/master{0,1}.key, per router a Go router TOML (BFD off), OUTDIR/plan.txt (namespaces,
 * links, addresses, processes, checks) and OUTDIR/paths.json (paths for every ordered pair of
 * ASes, MACs valid now). --control adds what Go's control plane needs (topogen_control.c):
 * control_service entries, cs.toml, sd-HOST.toml, staticInfoConfig.json, OUTDIR/crypto.topo.
 * --max-paths caps the paths per AS pair (default 64). */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "topogen.h"

int main(int argc, char **argv)
{
	struct topo *t = calloc(1, sizeof(*t));
	char out[PATH_MAX];
	bool control = false;
	long max_paths = 64;
	for (int i = 3; i < argc; i++) {
		char *e;
		if (strcmp(argv[i], "--control") == 0) {
			control = true;
		} else if (strcmp(argv[i], "--max-paths") == 0 && i + 1 < argc) {
			max_paths = strtol(argv[++i], &e, 10);
			if (*e || max_paths < 1 || max_paths > 4096) {
				fprintf(stderr, "snet-topogen: --max-paths: expected 1..4096, got '%s'\n",
					argv[i]);
				return 2;
			}
		} else {
			argc = 0;
		}
	}
	if (argc < 3) {
		fprintf(stderr, "usage: snet-topogen DESCRIPTION OUTDIR [--control] [--max-paths N]\n");
		return 2;
	}
	if (!t || topo_load(argv[1], t))
		return 1;
	t->now = (uint32_t)time(NULL);
	t->control = control;
	t->max_paths = (int)max_paths;
	if (!realpath(argv[2], out))
		snprintf(out, sizeof(out), "%s", argv[2]);
	if (topo_write(t, out)) {
		fprintf(stderr, "snet-topogen: writing %s failed\n", out);
		return 1;
	}
	json_decref(t->desc);
	free(t);
	return 0;
}
