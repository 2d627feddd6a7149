/* SPDX-License-Identifier: Apache-2.0 */
/* snet-ping: SCMP echo, printed like Go's `scion ping`.
 *
 *   snet-ping [--sciond|--daemon ADDR] [--topology topology.json] [--paths paths.json]
 *             [--sequence SEQ] [--count N] [--interval-ms MS] [--timeout-ms MS] [--local IP]
 *             IA,HOST
 *
 * Topology and path from the SCION daemon, unless files are given (tools/common/source.h).
 * The identifier is the local port, as `scion ping` does, so that routers deliver the replies
 * to it. Exit status as Go's: 0 when a reply came, 1 when none did, 2 on an error (no path
 * among them). */
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "source.h"

#define USAGE                                                                                      \
	"snet-ping [options] IA,IP\n"                                                           \
	"SCMP echo to a SCION host, as Go's `scion ping` (its output and exit codes).\n"          \
	"  --sciond ADDR      the SCION daemon (also --daemon; default $SCION_DAEMON,\n"           \
	"                     environment.json, 127.0.0.1:30255)\n"                                \
	"  --topology FILE    Go's topology.json instead of asking the daemon for the AS\n"        \
	"  --paths FILE       paths from an snet-topogen path file instead of the daemon\n"       \
	"  --sequence SEQ     only paths that match Go's hop-predicate sequence\n"                 \
	"  -c, --count N      echo requests (1..65535, default 3)\n"                              \
	"  --interval-ms MS   between requests (default 1000)\n"                                 \
	"  --timeout-ms MS    wait for the last reply (default 1000)\n"                          \
	"  --local IP         the source address (default the kernel's choice per path)\n"       \
	"Exit: 0 a reply came, 1 no reply, 2 any other error."
#define MAX_COUNT 65535 /* the SCMP sequence number has 16 bits (Go: --count is uint16) */

static struct ping {
	uv_loop_t *loop;
	snet_topology topo;
	snet_network_t net;
	snet_conn_t conn;
	struct cli_source src;
	snet_udp_addr dst;
	const snet_path *path;
	uv_timer_t tick, deadline;
	snet_send_t req[64];
	long count, sent, received, duplicates, interval_ms, timeout_ms;
	uint64_t *sent_at, start; /* per sequence number */
	double *rtt;              /* per sequence number, < 0 until answered */
	uint16_t ident;
	int done;
} P = { .count = 3, .interval_ms = 1000, .timeout_ms = 1000 };

static void on_sent(snet_send_t *r, int status)
{
	if (status < 0)
		fprintf(stderr, "snet-ping: send: %s\n", snet_strerror(status));
}

static void closed(snet_conn_t *c)
{
	snet_network_close(&P.net, NULL);
}

static void finish(void)
{
	char t[SNET_ADDR_STRLEN];
	if (P.done++)
		return;
	snet_host_format(&P.dst.host, t, sizeof(t));
	char ia[SNET_IA_STRLEN];
	snet_ia_format(P.dst.ia, ia, sizeof(ia));
	double sum = 0, min = 1e18, max = 0, sq = 0;
	for (long i = 0; i < P.sent; i++) {
		if (P.rtt[i] < 0)
			continue;
		sum += P.rtt[i];
		sq += P.rtt[i] * P.rtt[i];
		min = P.rtt[i] < min ? P.rtt[i] : min;
		max = P.rtt[i] > max ? P.rtt[i] : max;
	}
	long loss = P.sent ? (P.sent - P.received) * 100 / P.sent : 0;
	printf("\n--- %s,%s statistics ---\n", ia, t);
	printf("%ld packets transmitted, %ld received, %ld%% packet loss, time %.0fms\n", P.sent,
	       P.received, loss, (double)(uv_hrtime() - P.start) / 1e6);
	if (P.duplicates)
		printf("%ld duplicates\n", P.duplicates);
	if (P.received) {
		double avg = sum / (double)P.received;
		printf("rtt min/avg/max/mdev = %.3f/%.3f/%.3f/%.3f ms\n", min, avg, max,
		       sqrt(fabs(sq / (double)P.received - avg * avg)));
	}
	fflush(stdout);
	uv_close((uv_handle_t *)&P.tick, NULL);
	uv_close((uv_handle_t *)&P.deadline, NULL);
	snet_conn_close(&P.conn, closed);
}

static void send_echo(uv_timer_t *t)
{
	if (P.sent >= P.count) {
		uv_timer_stop(&P.tick);
		uv_timer_start(&P.deadline, (uv_timer_cb)finish, (uint64_t)P.timeout_ms, 0);
		return;
	}
	snet_scmp m = { .type = SNET_SCMP_ECHO_REQUEST, .identifier = P.ident,
			.seq = (uint16_t)P.sent };
	P.sent_at[P.sent] = uv_hrtime();
	int e = snet_conn_send_scmp(&P.req[P.sent % 64], &P.conn, &m, NULL, 0, &P.dst, on_sent);
	if (e)
		fprintf(stderr, "snet-ping: %s\n", snet_strerror(e));
	P.sent++;
}

static void on_scmp(snet_conn_t *c, const snet_scmp_msg *m)
{
	char from[SNET_ADDR_STRLEN], ia[SNET_IA_STRLEN];
	if (m->scmp->type != SNET_SCMP_ECHO_REPLY) {
		printf("scmp type=%u code=%u (%s)\n", m->scmp->type, m->scmp->code,
		       snet_scmp_type_name(m->scmp->type));
		return;
	}
	long seq = m->scmp->seq;
	if (m->scmp->identifier != P.ident || seq >= P.sent)
		return;
	double rtt = (double)(uv_hrtime() - P.sent_at[seq]) / 1e6;
	bool dup = P.rtt[seq] >= 0;
	/* A duplicate is shown, but counts neither as received nor in the times. */
	if (dup)
		P.duplicates++;
	else
		P.rtt[seq] = rtt, P.received++;
	snet_host_format(&m->from->host, from, sizeof(from));
	snet_ia_format(m->from->ia, ia, sizeof(ia));
	printf("%zu bytes from %s,%s: scmp_seq=%ld time=%.3fms%s\n", m->len + 8, ia, from, seq, rtt,
	       dup ? " (DUP!)" : "");
	fflush(stdout);
	if (P.received >= P.count)
		finish();
}

static void print_path(void)
{
	char ia[SNET_IA_STRLEN], nh[64];
	printf("Using path:\n  Hops: [");
	for (size_t i = 0; i < P.path->n_ifs; i += 2) {
		snet_ia_format(P.path->ifs[i].ia, ia, sizeof(ia));
		printf("%s %llu>", ia, (unsigned long long)P.path->ifs[i].id);
		if (i + 1 < P.path->n_ifs)
			printf("%llu ", (unsigned long long)P.path->ifs[i + 1].id);
	}
	snet_ia_format(P.path->dst, ia, sizeof(ia));
	printf("%s] MTU: %u NextHop: %s\n\n", ia, P.path->mtu,
	       cli_sockaddr_str(&P.path->next_hop, nh, sizeof(nh)));
}

static void setup(const char *sciond, const char *topo, const char *paths, const char *local,
		  const char *sequence)
{
	char err[256];
	snet_sequence *seq = NULL;
	if (sequence && snet_sequence_new(sequence, &seq, err, sizeof(err)))
		cli_bad("snet-ping", "--sequence", err, sequence);
	P.loop = uv_default_loop();
	cli_source_init(&P.src, P.loop, "snet-ping", sciond);
	cli_source_topology(&P.src, topo, &P.topo);
	if (P.dst.ia != P.topo.local_ia) {
		P.path = cli_source_path(&P.src, paths, P.topo.local_ia, P.dst.ia, seq);
		if (!P.path)
			fprintf(stderr, "snet-ping: no path available\n"), exit(2);
		snet_path_apply(P.path, &P.dst);
		print_path();
	}
	cli_source_done(&P.src);
	snet_sequence_free(seq);
	struct sockaddr_storage ss;
	const char *spec = local ? local
				 : (P.dst.next_hop.ss_family == AF_INET6 ||
				    (!P.path && P.dst.host.type == SNET_HOST_IP6))
					   ? "[::]:0"
					   : "0.0.0.0:0";
	if (cli_parse_sockaddr(spec, &ss) < 0)
		cli_usage("snet-ping: bad --local");
	snet_network_init(P.loop, &P.net, &P.topo, NULL);
	snet_conn_init(&P.net, &P.conn);
	int e = snet_conn_bind(&P.conn, (struct sockaddr *)&ss, 0);
	if (e)
		fprintf(stderr, "snet-ping: bind: %s\n", snet_strerror(e)), exit(2);
	snet_udp_addr me;
	snet_conn_local(&P.conn, &me);
	P.ident = me.port;
	snet_conn_set_scmp_cb(&P.conn, on_scmp);
}

int main(int argc, char **argv)
{
	/* A peer that went away (an application, the dispatcher) is an error, not our death. */
	signal(SIGPIPE, SIG_IGN);
	static const struct option longs[] = {
		{ "topology", 1, 0, 't' },    { "paths", 1, 0, 'p' },   { "count", 1, 0, 'c' },
		{ "interval-ms", 1, 0, 'i' }, { "timeout-ms", 1, 0, 'w' }, { "local", 1, 0, 'l' },
		{ "sciond", 1, 0, 's' },      { "daemon", 1, 0, 's' },  { "sequence", 1, 0, 'q' },
		{ "help", 0, 0, 'h' },        { 0, 0, 0, 0 },
	};
	const char *topo = NULL, *paths = NULL, *local = NULL, *sciond = NULL, *sequence = NULL;
	int o;
	while ((o = getopt_long(argc, argv, "c:h", longs, NULL)) != -1) {
		switch (o) {
		case 'h': cli_help(USAGE);
		case 't': topo = optarg; break;
		case 'p': paths = optarg; break;
		case 'c': P.count = cli_num("snet-ping", "--count", optarg, 1, MAX_COUNT); break;
		case 'i':
			P.interval_ms = cli_num("snet-ping", "--interval-ms", optarg, 0, 3600000);
			break;
		case 'w':
			P.timeout_ms = cli_num("snet-ping", "--timeout-ms", optarg, 0, 3600000);
			break;
		case 'l': local = optarg; break;
		case 's': sciond = optarg; break;
		case 'q': sequence = optarg; break;
		default: cli_usage("snet-ping [options] IA,IP (snet-ping --help lists them)");
		}
	}
	if (optind + 1 != argc)
		cli_usage("snet-ping [options] IA,IP (snet-ping --help lists them)");
	int perr = snet_udp_addr_parse(argv[optind], strlen(argv[optind]), &P.dst);
	if (perr || P.dst.host.type == SNET_HOST_NONE)
		cli_bad("snet-ping", "destination", perr ? snet_strerror(perr) : "expected IA,IP",
			argv[optind]);
	P.sent_at = calloc((size_t)P.count, sizeof(*P.sent_at));
	P.rtt = malloc((size_t)P.count * sizeof(*P.rtt));
	if (!P.sent_at || !P.rtt)
		fprintf(stderr, "snet-ping: out of memory\n"), exit(2);
	for (long i = 0; i < P.count; i++)
		P.rtt[i] = -1;
	setup(sciond, topo, paths, local, sequence);
	char t[SNET_ADDR_STRLEN];
	snet_udp_addr_format(&P.dst, t, sizeof(t));
	printf("PING %s pld=0B\n", argv[optind]);
	uv_timer_init(P.loop, &P.tick);
	uv_timer_init(P.loop, &P.deadline);
	P.start = uv_hrtime();
	uv_timer_start(&P.tick, send_echo, 0, (uint64_t)P.interval_ms);
	uv_run(P.loop, UV_RUN_DEFAULT);
	cli_source_free(&P.src);
	free(P.sent_at);
	free(P.rtt);
	return P.received ? 0 : 1;
}
