/* SPDX-License-Identifier: Apache-2.0 */
/* snet-topogen DESCRIPTION OUTDIR [--control] [--max-paths N]: per AS a Go topology.json and
 * keys/master{0,1}.key, per router a Go router TOML, OUTDIR/plan.txt (namespaces, links,
 * addresses, processes, checks) and OUTDIR/paths.json (paths for every ordered pair of ASes,
 * MACs valid now). --control adds what Go's control plane needs (topogen_control.c). The
 * description format: topology/README.md. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "topogen.h"

#ifndef SNET_DOCDIR
#define SNET_DOCDIR "/usr/local/share/doc/snet"
#endif

static const char usage[] =
	"usage: snet-topogen DESCRIPTION OUTDIR [--control] [--max-paths N]\n"
	"Writes a SCION topology for Linux network namespaces from a JSON description:\n"
	"per AS Go's topology.json and forwarding keys, per router Go's router TOML, and\n"
	"OUTDIR/plan.txt and OUTDIR/paths.json for acceptance/multihomed/run.\n"
	"  --control      also Go's control services and daemons (cs.toml, sd-HOST.toml,\n"
	"                 staticInfoConfig.json, crypto.topo for scion-pki testcrypto)\n"
	"  --max-paths N  paths per pair of ASes in paths.json (1..4096, default 64)\n"
	"  --check        read and check DESCRIPTION only (OUTDIR not written, may be omitted)\n"
	"The description format: " SNET_DOCDIR "/topogen.md (topology/README.md in the\n"
	"source tree).\n"
	"Exit: 0 written, 1 a bad description or a write error, 2 usage.\n";

static _Noreturn void bad_usage(const char *what, const char *got)
{
	if (what)
		fprintf(stderr, "snet-topogen: %s, got '%s'\n", what, got);
	fprintf(stderr, "usage: snet-topogen DESCRIPTION OUTDIR [--control] [--max-paths N]"
			" (--help for more)\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *files[2] = { NULL, NULL };
	int nfiles = 0;
	bool control = false, check = false;
	long max_paths = 64;
	for (int i = 1; i < argc; i++) {
		char *e;
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			fputs(usage, stdout);
			return 0;
		} else if (!strcmp(argv[i], "--control")) {
			control = true;
		} else if (!strcmp(argv[i], "--check")) {
			check = true;
		} else if (!strcmp(argv[i], "--max-paths")) {
			if (i + 1 == argc)
				bad_usage("--max-paths: expected a number", "");
			max_paths = strtol(argv[++i], &e, 10);
			if (*e || e == argv[i] || max_paths < 1 || max_paths > 4096)
				bad_usage("--max-paths: expected 1..4096", argv[i]);
		} else if (argv[i][0] == '-' && argv[i][1]) {
			bad_usage("unknown option", argv[i]);
		} else if (nfiles == 2) {
			bad_usage("unexpected argument", argv[i]);
		} else {
			files[nfiles++] = argv[i];
		}
	}
	if (nfiles < (check ? 1 : 2))
		bad_usage(NULL, NULL);
	struct topo *t = calloc(1, sizeof(*t));
	char out[PATH_MAX];
	int rc = 1;
	if (!t || topo_load(files[0], t))
		goto done;
	if (check) {
		rc = 0;
		goto done;
	}
	t->now = (uint32_t)time(NULL);
	t->control = control;
	t->max_paths = (int)max_paths;
	if (!realpath(files[1], out))
		snprintf(out, sizeof(out), "%s", files[1]);
	if (topo_keys(t))
		goto done;
	if (topo_write(t, out)) {
		fprintf(stderr, "snet-topogen: writing %s failed\n", out);
		goto done;
	}
	rc = 0;
done:
	if (t)
		json_decref(t->desc);
	free(t);
	return rc;
}
