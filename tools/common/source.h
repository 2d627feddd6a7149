/* SPDX-License-Identifier: Apache-2.0 */
/* Where a tool gets its topology and paths: the files it was given (--topology, --paths), else
 * the SCION daemon (--sciond/--daemon, SCION_DAEMON, /etc/scion/environment.json, the default
 * 127.0.0.1:30255). Errors are printed and exit the tool. */
#ifndef SNET_TOOLS_SOURCE_H
#define SNET_TOOLS_SOURCE_H

#include "daemon_cli.h"

struct cli_source {
	const char *tool;
	const char *sciond;     /* --sciond / --daemon, or NULL */
	uv_loop_t *loop;
	struct cli_daemon cd;
	snet_pathdb db;
	snet_path_set *set;
};

void cli_source_init(struct cli_source *s, uv_loop_t *loop, const char *tool, const char *sciond);
/* Go: topology.json's, or daemon.LoadTopology. Exits 2 on failure. */
void cli_source_topology(struct cli_source *s, const char *file, snet_topology *t);
/* The first unexpired path from src to dst that seq (NULL: any) allows: the file's, or the
 * daemon's first (Go's CLI picks one at random). NULL when there is none. Exits 2 on
 * failure. */
const snet_path *cli_source_path(struct cli_source *s, const char *file, uint64_t src,
				 uint64_t dst, const snet_sequence *seq);
/* The same, the index-th of them (0: the first). */
const snet_path *cli_source_path_at(struct cli_source *s, const char *file, uint64_t src,
				    uint64_t dst, const snet_sequence *seq, size_t index);
/* Closes the daemon (the paths stay until cli_source_free). */
void cli_source_done(struct cli_source *s);
void cli_source_free(struct cli_source *s);

#endif
