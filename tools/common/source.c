/* SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "source.h"

void cli_source_init(struct cli_source *s, uv_loop_t *loop, const char *tool, const char *sciond)
{
	memset(s, 0, sizeof(*s));
	s->loop = loop;
	s->tool = tool;
	s->sciond = sciond;
}

static void daemon_open(struct cli_source *s)
{
	if (!s->cd.open)
		cli_daemon_open(&s->cd, s->loop, s->tool, s->sciond, 0);
}

void cli_source_topology(struct cli_source *s, const char *file, snet_topology *t)
{
	char err[512];
	if (file) {
		snet_topo_file *f = malloc(sizeof(*f));
		if (!f || snet_topo_file_load(file, f, err, sizeof(err)) ||
		    snet_topo_file_topology(f, t)) {
			fprintf(stderr, "%s: %s\n", s->tool, f ? err : "out of memory");
			exit(2);
		}
		free(f);
		return;
	}
	daemon_open(s);
	if (cli_daemon_topology(&s->cd, t, err, sizeof(err))) {
		fprintf(stderr, "%s: %s\n", s->tool, err);
		exit(2);
	}
}

const snet_path *cli_source_path(struct cli_source *s, const char *file, uint64_t src,
				 uint64_t dst, const snet_sequence *seq)
{
	return cli_source_path_at(s, file, src, dst, seq, 0);
}

const snet_path *cli_source_path_at(struct cli_source *s, const char *file, uint64_t src,
				    uint64_t dst, const snet_sequence *seq, size_t index)
{
	char err[512];
	const snet_path *v[256];
	size_t n = 0;
	if (file) {
		if (!s->db.paths && snet_pathdb_load(file, &s->db, err, sizeof(err))) {
			fprintf(stderr, "%s: %s\n", s->tool, err);
			exit(2);
		}
		n = snet_pathdb_query(&s->db, src, dst, (uint64_t)time(NULL), v, 256);
	} else {
		daemon_open(s);
		snet_path_set_free(s->set);
		if (cli_daemon_paths(&s->cd, 0, dst, 0, &s->set, err, sizeof(err))) {
			fprintf(stderr, "%s: %s\n", s->tool, err);
			exit(2);
		}
		for (; n < s->set->n && n < 256; n++)
			v[n] = &s->set->paths[n];
	}
	if (seq)
		n = snet_sequence_filter(seq, v, n);
	return index < n ? v[index] : NULL;
}

void cli_source_done(struct cli_source *s)
{
	cli_daemon_close(&s->cd);
}

void cli_source_free(struct cli_source *s)
{
	cli_source_done(s);
	snet_pathdb_free(&s->db);
	snet_path_set_free(s->set);
	s->set = NULL;
}
