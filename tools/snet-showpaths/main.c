/* SPDX-License-Identifier: Apache-2.0 */
/* snet-showpaths: Go's `scion showpaths` on libsnet's daemon client.
 *
 *   snet-showpaths DST_IA [--sciond|--daemon ADDR] [--format human|json] [--json]
 *                  [--extended] [--no-probe] [--refresh] [-m MAX] [--timeout DURATION]
 *                  [--local IP] [--epic] [--no-color] [--sequence SEQ]
 *
 * Paths come from the SCION daemon (--sciond, else SCION_DAEMON, /etc/scion/environment.json,
 * 127.0.0.1:30255). The JSON document is Go's, key for key. Exit status as Go's scion CLI:
 * 0, 1 when no path was found (or, probing, none is alive) in human output, 2 on any error. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "daemon_cli.h"
#include "gofmt.h"
#include "showpaths.h"

static const char usage[] =
	"snet-showpaths DST_IA [options]\n"
	"The paths to DST_IA from the SCION daemon, as Go's `scion showpaths` prints them.\n"
	"  --sciond ADDR         the daemon (also --daemon; default $SCION_DAEMON,\n"
	"                        environment.json, 127.0.0.1:30255)\n"
	"  --format human|json   output (default human; json is Go's, byte for byte)\n"
	"  -e, --extended        every metadata field\n"
	"  -m, --maxpaths N      at most N paths (default 10)\n"
	"  --no-probe            do not probe the paths' liveness\n"
	"  -r, --refresh         ask the daemon to fetch fresh paths\n"
	"  --timeout DURATION    overall, as Go's durations (default 5s)\n"
	"  -l, --local IP        the source address of probes\n"
	"  --sequence SEQ        only paths that match Go's hop-predicate sequence\n"
	"  --epic  --no-color    as in Go\n"
	"Exit: Go's (0 paths found, 1 none, 2 other errors).";

struct args {
	const char *sciond, *format, *local, *sequence;
	bool extended, no_probe, refresh, epic;
	long max;
	int64_t timeout_ns;
	uint64_t dst;
};

/* Go's `Error: ...` and exit code. */
_Noreturn static void fail(int code, const char *fmt, const char *msg)
{
	fprintf(stderr, "Error: ");
	fprintf(stderr, fmt, msg);
	fprintf(stderr, "\n");
	exit(code);
}

static void parse(int argc, char **argv, struct args *a)
{
	enum { O_SCIOND = 256, O_FORMAT, O_NOPROBE, O_TIMEOUT, O_EPIC, O_NOCOLOR, O_HELP, O_SEQ };
	static const struct option longs[] = {
		{ "sciond", 1, 0, O_SCIOND },	{ "daemon", 1, 0, O_SCIOND },
		{ "format", 1, 0, O_FORMAT },	{ "json", 0, 0, 'j' },
		{ "extended", 0, 0, 'e' },	{ "no-probe", 0, 0, O_NOPROBE },
		{ "refresh", 0, 0, 'r' },	{ "maxpaths", 1, 0, 'm' },
		{ "timeout", 1, 0, O_TIMEOUT }, { "local", 1, 0, 'l' },
		{ "epic", 0, 0, O_EPIC },	{ "no-color", 0, 0, O_NOCOLOR },
		{ "help", 0, 0, O_HELP },	{ "sequence", 1, 0, O_SEQ },
		{ 0, 0, 0, 0 },
	};
	bool json_flag = false;
	int o;
	while ((o = getopt_long(argc, argv, "jerm:l:h", longs, NULL)) != -1) {
		char *end;
		switch (o) {
		case O_SCIOND: a->sciond = optarg; break;
		case O_FORMAT: a->format = optarg; break;
		case 'j': json_flag = true; break;
		case 'e': a->extended = true; break;
		case O_NOPROBE: a->no_probe = true; break;
		case 'r': a->refresh = true; break;
		case 'm':
			a->max = strtol(optarg, &end, 10);
			if (*end || end == optarg || a->max < 0)
				cli_bad("snet-showpaths", "-m", "not a count", optarg);
			break;
		case O_TIMEOUT:
			if (go_duration_parse(optarg, &a->timeout_ns) || a->timeout_ns <= 0)
				cli_bad("snet-showpaths", "--timeout", "not a duration like 5s", optarg);
			break;
		case 'l': a->local = optarg; break;
		case O_EPIC: a->epic = true; break;
		case O_NOCOLOR: break; /* we never colour */
		case O_SEQ: a->sequence = optarg; break;
		case 'h':
		case O_HELP: printf("usage: %s\n", usage); exit(0);
		default: cli_usage(usage);
		}
	}
	/* Go: --json sets the format unless --format was given (and cobra warns). */
	if (json_flag)
		fprintf(stderr, "Flag --json has been deprecated, json flag is deprecated, use format flag\n");
	if (!a->format)
		a->format = json_flag ? "json" : "human";
	if (optind + 1 != argc)
		cli_usage(usage);
	if (snet_ia_parse(argv[optind], strlen(argv[optind]), &a->dst))
		fail(2, "invalid destination ISD-AS: %s", argv[optind]);
	if (strcmp(a->format, "human") && strcmp(a->format, "json"))
		fail(2, "get formatting: output format not supported: %s", a->format);
	if (a->local) {
		struct sockaddr_storage ss;
		if (cli_parse_sockaddr(a->local, &ss) || strchr(a->local, '['))
			cli_bad("snet-showpaths", "--local", "not an IP address", a->local);
	}
}

static bool supports_epic(const snet_path *p)
{
	const snet_path_metadata *m = p->meta;
	return m && m->epic && m->epic_phvf_len == 16 && m->epic_lhvf_len == 16;
}

static int alive(const struct sp_result *r)
{
	int n = 0;
	for (size_t i = 0; r->status && i < r->n; i++)
		n += r->status[i].status && !strcmp(r->status[i].status, "alive");
	return n;
}

int main(int argc, char **argv)
{
	struct args a = { .max = 10, .timeout_ns = 5000000000LL };
	parse(argc, argv, &a);
	uint32_t timeout_ms = (uint32_t)(a.timeout_ns / 1000000 ? a.timeout_ns / 1000000 : 1);
	uv_loop_t *loop = uv_default_loop();
	struct cli_daemon cd;
	char err[512];
	snet_topology topo;
	cli_daemon_open(&cd, loop, "snet-showpaths", a.sciond, timeout_ms);
	if (cli_daemon_topology(&cd, &topo, err, sizeof(err)))
		fail(2, "%s", err);
	struct sp_result r = { .local_ia = topo.local_ia, .dst = a.dst };
	snet_sequence *seq = NULL;
	if (snet_sequence_new(a.sequence ? a.sequence : "", &seq, err, sizeof(err)))
		fail(2, "Failed to parse a sequence: %s", err);
	snet_path_set *set = NULL;
	bool human = strcmp(a.format, "human") == 0;
	if (a.dst != topo.local_ia) {
		if (cli_daemon_paths(&cd, 0, a.dst, a.refresh ? SNET_DAEMON_REFRESH : 0, &set, err,
				     sizeof(err)))
			fail(2, "%s", err);
		r.paths = calloc(set->n + 1, sizeof(*r.paths));
		/* Go: the sequence filters; -m truncates the daemon's order, before the EPIC
		 * filter and the sort. */
		size_t n = 0;
		for (size_t i = 0; i < set->n; i++)
			if (snet_sequence_match(seq, &set->paths[i]))
				r.paths[n++] = &set->paths[i];
		if (a.max && n > (size_t)a.max)
			n = (size_t)a.max;
		for (size_t i = 0; i < n; i++)
			if (!a.epic || supports_epic(r.paths[i]))
				r.paths[r.n++] = r.paths[i];
		if (!a.no_probe && r.n &&
		    sp_probe(loop, &topo, &r, a.local, timeout_ms, err, sizeof(err)))
			fail(2, "getting statuses: %s", err);
		snet_path_sort(r.paths, r.n);
	}
	cli_daemon_close(&cd);
	int code = 0;
	if (!human) {
		sp_print_json(stdout, &r);
	} else if (a.dst == topo.local_ia) {
		char ia[SNET_IA_STRLEN];
		snet_ia_format(a.dst, ia, sizeof(ia));
		printf("Empty path, destination is local AS %s\n", ia);
	} else {
		char ia[SNET_IA_STRLEN];
		snet_ia_format(a.dst, ia, sizeof(ia));
		printf("Available paths to %s\n", ia);
		if (r.n == 0) {
			fflush(stdout);
			fail(1, "%s", "no path found");
		}
		sp_print_human(stdout, &r, a.extended);
		if (!a.no_probe && alive(&r) == 0) {
			fflush(stdout);
			fail(1, "%s", "no path alive");
		}
	}
	free(r.paths);
	free(r.status);
	snet_sequence_free(seq);
	snet_path_set_free(set);
	return code;
}
