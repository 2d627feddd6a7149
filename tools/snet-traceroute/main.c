/* SPDX-License-Identifier: Apache-2.0 */
/* snet-traceroute: Go's `scion traceroute` on libsnet: SCMP traceroute requests with the router
 * alert set on each interface of the path in turn (scion/traceroute/traceroute.go), three per
 * interface, printed as Go prints them.
 *
 *   snet-traceroute [--sciond|--daemon ADDR] [--topology FILE] [--paths FILE] [--sequence SEQ]
 *                   [--timeout DURATION] [--local IP] IA,HOST
 *
 * Exit status as Go's: 0, 1 when probes were lost, 2 on an error. */
#include <arpa/inet.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cli.h"
#include "gofmt.h"
#include "source.h"

#define PROBES 3
#define USAGE                                                                                      \
	"snet-traceroute [options] IA,HOST\n"                                                     \
	"SCMP traceroute along a path to a SCION host, as Go's `scion traceroute`.\n"            \
	"  --sciond ADDR        the daemon (also --daemon; default $SCION_DAEMON,\n"              \
	"                       environment.json, 127.0.0.1:30255)\n"                             \
	"  --topology FILE      Go's topology.json instead of asking the daemon for the AS\n"     \
	"  --paths FILE         paths from an snet-topogen path file instead of the daemon\n"    \
	"  --sequence SEQ       only paths that match Go's hop-predicate sequence\n"             \
	"  --timeout DURATION   per probe, as Go's durations (default 1s)\n"                      \
	"  -l, --local IP       the source address (default the kernel's choice)\n"             \
	"Exit: Go's (0 done, 2 errors)."

/* One interface to probe: the hop field and which of its alerts. */
struct probe_at {
	uint8_t hf;
	bool egress;
};

static struct {
	uv_loop_t *loop;
	snet_topology topo;
	snet_network_t net;
	snet_conn_t conn;
	struct cli_source src;
	const snet_path *path;
	snet_udp_addr dst;
	uint16_t ident, seq;
	struct probe_at at[2 * SNET_MAX_HOPS];
	size_t n_at, cur;
	int k;              /* probes sent for at[cur] */
	uint64_t sent_ns, timeout_ms;
	double rtt[PROBES]; /* < 0: timed out */
	char remote[SNET_ADDR_STRLEN + SNET_IA_STRLEN];
	uint64_t ifid;
	long sent, recv;
	uv_timer_t timer;
	snet_send_t req;
	uint8_t raw[SNET_PATH_MAX_LEN];
	int rc;
} T;

/* Go's Traceroute: which interfaces, in which order. */
static int plan(void)
{
	snet_scion_path d;
	int rc = snet_scion_path_parse(T.path->raw, T.path->len, &d);
	if (rc)
		return rc;
	bool prev_xover = false;
	for (unsigned i = 0; i < d.num_hops; i++) {
		uint8_t hf = d.meta.curr_hf;
		const snet_info_field *inf = &d.inf[d.meta.curr_inf];
		bool cons = inf->flags & SNET_INFO_CONS_DIR, peer = inf->flags & SNET_INFO_PEER;
		/* The first hop's ingress and, after a crossover, the ingress in the previous hop's
		 * AS are not probed. */
		if (i != 0 && !prev_xover)
			T.at[T.n_at++] = (struct probe_at){ hf, !cons };
		bool xover = snet_scion_path_is_xover(&d) && !peer;
		if (i + 1 < d.num_hops && !xover)
			T.at[T.n_at++] = (struct probe_at){ hf, cons };
		if (i + 1 < d.num_hops && (rc = snet_scion_path_inc(&d)))
			return rc;
		prev_xover = xover;
	}
	return 0;
}

static void finish(void)
{
	uv_close((uv_handle_t *)&T.timer, NULL);
	snet_conn_close(&T.conn, NULL);
	snet_network_close(&T.net, NULL);
}

static void print_hop(void)
{
	printf("%zu %s", T.cur, *T.remote ? T.remote : "??");
	if (*T.remote)
		printf(" IfID=%llu", (unsigned long long)T.ifid);
	for (int i = 0; i < PROBES; i++) {
		if (T.rtt[i] < 0)
			printf(" *");
		else
			printf(" %.3fms", T.rtt[i]);
	}
	printf("\n");
	fflush(stdout);
}

static void send_probe(void);

static void next(void)
{
	if (++T.k < PROBES) {
		send_probe();
		return;
	}
	print_hop();
	T.k = 0;
	*T.remote = '\0';
	if (++T.cur == T.n_at) {
		finish();
		return;
	}
	send_probe();
}

static void on_timeout(uv_timer_t *t)
{
	T.rtt[T.k] = -1;
	next();
}

static void on_sent(snet_send_t *r, int status)
{
	if (status < 0)
		fprintf(stderr, "ERROR: writing: %s\n", snet_strerror(status));
}

static void send_probe(void)
{
	snet_scion_path d;
	snet_scion_path_parse(T.path->raw, T.path->len, &d);
	struct probe_at *a = &T.at[T.cur];
	d.hop[a->hf].flags |= a->egress ? SNET_HOP_EGRESS_ALERT : SNET_HOP_INGRESS_ALERT;
	int n = snet_scion_path_emit(&d, T.raw, sizeof(T.raw));
	T.dst.path = T.raw;
	T.dst.path_len = n > 0 ? (size_t)n : 0;
	snet_scmp m = { .type = SNET_SCMP_TRACEROUTE_REQUEST, .identifier = T.ident,
			.seq = ++T.seq };
	T.sent++;
	T.sent_ns = uv_hrtime();
	int rc = snet_conn_send_scmp(&T.req, &T.conn, &m, NULL, 0, &T.dst, on_sent);
	if (rc)
		fprintf(stderr, "ERROR: writing: %s\n", snet_strerror(rc));
	uv_timer_start(&T.timer, on_timeout, T.timeout_ms, 0);
}

static void on_scmp(snet_conn_t *c, const snet_scmp_msg *m)
{
	if (m->scmp->type != SNET_SCMP_TRACEROUTE_REPLY) {
		fprintf(stderr, "ERROR: SCMP %s\n", snet_scmp_type_name(m->scmp->type));
		return;
	}
	if (m->scmp->identifier != T.ident) {
		fprintf(stderr, "ERROR: wrong SCMP ID {expected=%u; actual=%u}\n", T.ident,
			m->scmp->identifier);
		return;
	}
	if (m->scmp->seq != T.seq)
		return; /* a late answer to a probe that timed out */
	uv_timer_stop(&T.timer);
	T.recv++;
	/* Go rounds to the microsecond. */
	T.rtt[T.k] = (double)((uv_hrtime() - T.sent_ns + 500) / 1000) / 1e3;
	char ia[SNET_IA_STRLEN], host[SNET_ADDR_STRLEN];
	snet_ia_format(m->from->ia, ia, sizeof(ia));
	snet_host_format(&m->from->host, host, sizeof(host));
	snprintf(T.remote, sizeof(T.remote), "%s,%s", ia, host);
	T.ifid = m->scmp->interface;
	next();
}

static void on_recv(snet_conn_t *c, int status, const snet_msg *m)
{
}

/* Go: "Hops: [IA ID>ID IA ID>ID IA] MTU: N NextHop: ADDR" (snet path String). */
static void print_path(void)
{
	char ia[SNET_IA_STRLEN], nh[80];
	const snet_path *p = T.path;
	printf("Using path:\n  Hops: [");
	for (size_t i = 0; i < p->n_ifs; i++) {
		snet_ia_format(p->ifs[i].ia, ia, sizeof(ia));
		if (i == 0)
			printf("%s %llu", ia, (unsigned long long)p->ifs[i].id);
		else if (i % 2)
			printf(">%llu %s", (unsigned long long)p->ifs[i].id, ia);
		else
			printf(" %llu", (unsigned long long)p->ifs[i].id);
	}
	printf("] MTU: %u NextHop: %s\n\n", p->mtu, cli_sockaddr_str(&p->next_hop, nh, sizeof(nh)));
}

/* Go: addrutil.ResolveLocal, the kernel's source towards the next hop. */
static void resolve_local(char *out, size_t cap)
{
	const struct sockaddr_storage *nh = &T.path->next_hop;
	struct sockaddr_storage me;
	socklen_t len = sizeof(me);
	int fd = socket(nh->ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (const struct sockaddr *)nh,
			      nh->ss_family == AF_INET ? sizeof(struct sockaddr_in)
						       : sizeof(struct sockaddr_in6)) ||
	    getsockname(fd, (struct sockaddr *)&me, &len)) {
		fprintf(stderr, "Error: resolving local address: %s\n", strerror(errno));
		exit(2);
	}
	close(fd);
	inet_ntop(me.ss_family,
		  me.ss_family == AF_INET ? (void *)&((struct sockaddr_in *)&me)->sin_addr
					  : (void *)&((struct sockaddr_in6 *)&me)->sin6_addr,
		  out, (socklen_t)cap);
}

int main(int argc, char **argv)
{
	signal(SIGPIPE, SIG_IGN);
	static const struct option longs[] = {
		{ "sciond", 1, 0, 's' },   { "daemon", 1, 0, 's' },  { "topology", 1, 0, 't' },
		{ "paths", 1, 0, 'p' },	   { "sequence", 1, 0, 'q' }, { "timeout", 1, 0, 'w' },
		{ "local", 1, 0, 'l' },	   { "help", 0, 0, 'h' },    { 0, 0, 0, 0 },
	};
	const char *sciond = NULL, *topo = NULL, *paths = NULL, *sequence = NULL, *local = NULL;
	int64_t timeout_ns = 1000000000;
	int o;
	while ((o = getopt_long(argc, argv, "l:h", longs, NULL)) != -1) {
		switch (o) {
		case 's': sciond = optarg; break;
		case 't': topo = optarg; break;
		case 'p': paths = optarg; break;
		case 'q': sequence = optarg; break;
		case 'w':
			if (go_duration_parse(optarg, &timeout_ns) || timeout_ns <= 0)
				cli_bad("snet-traceroute", "--timeout", "not a duration like 1s", optarg);
			break;
		case 'l': local = optarg; break;
		case 'h': printf("usage: %s\n", USAGE); return 0;
		default: cli_usage(USAGE);
		}
	}
	if (optind + 1 != argc)
		cli_usage(USAGE);
	if (snet_udp_addr_parse(argv[optind], strlen(argv[optind]), &T.dst) ||
	    T.dst.host.type == SNET_HOST_NONE)
		cli_bad("snet-traceroute", "destination", "not IA,HOST", argv[optind]);
	T.timeout_ms = (uint64_t)(timeout_ns / 1000000 ? timeout_ns / 1000000 : 1);
	char err[256];
	snet_sequence *seq = NULL;
	if (sequence && snet_sequence_new(sequence, &seq, err, sizeof(err)))
		cli_bad("snet-traceroute", "--sequence", err, sequence);
	T.loop = uv_default_loop();
	cli_source_init(&T.src, T.loop, "snet-traceroute", sciond);
	cli_source_topology(&T.src, topo, &T.topo);
	if (T.dst.ia == T.topo.local_ia) {
		fprintf(stderr, "Error: empty path is not allowed for traceroute\n");
		return 2;
	}
	T.path = cli_source_path(&T.src, paths, T.topo.local_ia, T.dst.ia, seq);
	cli_source_done(&T.src);
	snet_sequence_free(seq);
	if (!T.path) {
		fprintf(stderr, "Error: no path available\n");
		return 2;
	}
	snet_path_apply(T.path, &T.dst);
	char ip[64];
	if (!local) {
		resolve_local(ip, sizeof(ip));
		printf("Resolved local address:\n  %s\n", ip);
		local = ip;
	}
	print_path();
	if (plan()) {
		fprintf(stderr, "Error: decoding path\n");
		return 2;
	}
	struct sockaddr_storage ss;
	if (cli_parse_sockaddr(local, &ss) < 0)
		cli_bad("snet-traceroute", "--local", "not an IP address", local);
	snet_network_init(T.loop, &T.net, &T.topo, NULL);
	snet_conn_init(&T.net, &T.conn);
	int rc = snet_conn_bind(&T.conn, (struct sockaddr *)&ss, 0);
	snet_udp_addr me;
	if (rc || (rc = snet_conn_local(&T.conn, &me))) {
		fprintf(stderr, "Error: %s\n", snet_strerror(rc));
		return 2;
	}
	T.ident = me.port;
	snet_conn_set_scmp_cb(&T.conn, on_scmp);
	snet_conn_recv_start(&T.conn, on_recv);
	uv_timer_init(T.loop, &T.timer);
	if (T.n_at)
		send_probe();
	else
		finish();
	uv_run(T.loop, UV_RUN_DEFAULT);
	cli_source_free(&T.src);
	if (T.sent != T.recv) {
		fprintf(stderr, "Error: packets were lost\n");
		return 1;
	}
	return 0;
}
