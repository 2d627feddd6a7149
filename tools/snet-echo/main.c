/* SPDX-License-Identifier: Apache-2.0 */
/* snet-echo: a SCION/UDP echo server and client on libsnet, used by the end-to-end tests.
 *
 *   snet-echo server --ia IA [--ports A-B] (--bind IP:PORT | --bind-prefix IP/LEN:PORT ...)
 *                    [--device DEV] [--answer-echo] [--count N]
 *   snet-echo client --ia IA [--ports A-B] --remote SCION-ADDR [--next-hop IP:PORT]
 *                    [--path-hex HEX [--path-type N]] [--local IP:PORT] [--device DEV]
 *                    [--mark N] [--count N] [--interval-ms MS] [--window N]
 *                    [--timeout-ms MS] [--expect SCION-ADDR] [--min-replies N]
 *   The topology: --topology topology.json, or --ia IA [--ports A-B], or else the SCION
 *   daemon's (--sciond|--daemon ADDR, SCION_DAEMON, environment.json, 127.0.0.1:30255).
 *   A client's path to another AS: --path-hex/--next-hop as given, --paths FILE (the first
 *   unexpired one in an snet-topogen path database, or with --path-index N the N-th), or
 *   else the daemon's first;
 *   --corrupt-mac flips a bit of its first MAC (the router must answer with SCMP 4/51),
 *   --corrupt-hop N that of hop N (answered by the router that owns it, across the links);
 *   --select picks each packet's path with a selector (snet/select.h) among all the paths to
 *   the remote's AS (--paths FILE, else the daemon), with --policy FILE (Go's policy JSON),
 *   --probe-interval-ms N (probing on) and --hold-down-ms N; it prints "switch t_ms=...",
 *   reply lines end with t_ms=, and SIGUSR2 prints "mark t_ms=..." (the failover runs).
 *   --dispatcher SOCKET runs the conn in dispatcher mode (--no-reconnect: a lost dispatcher
 *   stays lost). --window N (1..64) bounds the
 *   requests without a reply: --interval-ms 0 sends as fast as that window allows (default
 *   8; each reply sends the next; --timeout-ms without any reply ends the run); with an
 *   interval and --window, a tick that finds the window full skips (counted as window_full).
 *   A request whose send has not completed is never reused either (also window_full).
 *
 * The server prints one line per datagram and echoes it; the client prints one line per reply
 * and a summary, and exits 1 if replies are missing or come from another address than
 * --expect. Both print "route-change gen=G after-seq=S" when netlink events flush the route
 * cache, and "stats ..." on exit. */
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "select.h"
#include "source.h"

#define MAX_CONNS 8
#define SEQ_MAX 100000
#define SEND_SLOTS 64

struct echo_req {
	snet_send_t req;
	char buf[2048];
};

static struct app {
	uv_loop_t *loop;
	snet_topology topo;
	snet_network_t net;
	snet_conn_t conns[MAX_CONNS];
	int nconns, closing, rc;
	bool server, answer_echo, verbose;
	const char *device, *dispatcher;
	unsigned disp_flags;
	uint32_t mark;
	long count, seen, inflight;
	/* client */
	snet_udp_addr remote, expect;
	uint8_t path[SNET_MAX_HDR_LEN];
	bool has_expect;
	long interval_ms, timeout_ms, min_replies, sent, received, mismatches;
	uint64_t *sent_at;
	uv_timer_t tick, deadline;
	uv_signal_t sigs[3];
	snet_send_t sreq[SEND_SLOTS];
	char spay[SEND_SLOTS][32];
	bool sbusy[SEND_SLOTS];
	long window, send_failed, window_full, no_path;
	bool select;
	uint64_t start_ns;
	uv_signal_t mark_sig;
	struct echo_select_args sel_args;
} app = { .count = 0, .interval_ms = 10, .timeout_ms = 2000, .min_replies = -1 };

static void log_stderr(void *ctx, snet_log_level lvl, const char *fmt, ...)
{
	va_list ap;
	if (!app.verbose && lvl < SNET_LOG_WARN)
		return;
	va_start(ap, fmt);
	fprintf(stderr, "snet: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
}

static const char *addr_str(const snet_udp_addr *a, char *buf, size_t cap)
{
	snet_udp_addr_format(a, buf, cap);
	return buf;
}

static void print_stats(void)
{
	for (int i = 0; i < app.nconns; i++) {
		snet_conn_stats s;
		snet_conn_get_stats(&app.conns[i], &s);
		printf("stats conn=%d rx=%llu tx=%llu drop_malformed=%llu drop_not_ours=%llu "
		       "drop_dst_mismatch=%llu drop_other=%llu drop_svc=%llu scmp=%llu "
		       "echo_answered=%llu send_errors=%llu\n",
		       i, (unsigned long long)s.rx_packets, (unsigned long long)s.tx_packets,
		       (unsigned long long)s.drop_malformed, (unsigned long long)s.drop_not_ours,
		       (unsigned long long)s.drop_dst_mismatch, (unsigned long long)s.drop_other,
		       (unsigned long long)s.drop_svc, (unsigned long long)s.scmp_received, (unsigned long long)s.echo_answered,
		       (unsigned long long)s.send_errors);
	}
	snet_network_stats n;
	snet_network_get_stats(&app.net, &n);
	printf("stats route hits=%llu misses=%llu miss_netlink=%llu miss_probe=%llu flushes=%llu "
	       "events=%llu overflows=%llu reopens=%llu restamps=%llu\n",
	       (unsigned long long)n.route_hits, (unsigned long long)n.route_misses,
	       (unsigned long long)n.route_miss_netlink, (unsigned long long)n.route_miss_probe,
	       (unsigned long long)n.route_flushes, (unsigned long long)n.route_events,
	       (unsigned long long)n.route_overflows, (unsigned long long)n.route_reopens,
	       (unsigned long long)n.restamps);
	printf("stats offload gso_sends=%llu gso_segments=%llu gso_fallbacks=%llu gro_receives=%llu "
	       "gro_segments=%llu\n",
	       (unsigned long long)n.gso_sends, (unsigned long long)n.gso_segments,
	       (unsigned long long)n.gso_fallbacks, (unsigned long long)n.gro_receives,
	       (unsigned long long)n.gro_segments);
	fflush(stdout);
}

static void on_net_closed(snet_network_t *net)
{
}

static void on_conn_closed(snet_conn_t *c)
{
	if (--app.closing == 0)
		snet_network_close(&app.net, on_net_closed);
}

static void shutdown_app(void)
{
	if (app.closing)
		return;
	print_stats();
	app.closing = app.nconns;
	echo_select_close();
	if (app.select)
		uv_close((uv_handle_t *)&app.mark_sig, NULL);
	uv_timer_stop(&app.tick);
	uv_timer_stop(&app.deadline);
	uv_close((uv_handle_t *)&app.tick, NULL);
	uv_close((uv_handle_t *)&app.deadline, NULL);
	for (int i = 0; i < 3; i++)
		uv_close((uv_handle_t *)&app.sigs[i], NULL);
	for (int i = 0; i < app.nconns; i++)
		snet_conn_close(&app.conns[i], on_conn_closed);
}

static void on_route_change(snet_network_t *net, uint64_t gen)
{
	printf("route-change gen=%llu after-seq=%ld\n", (unsigned long long)gen, app.sent - 1);
	fflush(stdout);
}

/* ---- server ----------------------------------------------------------------------------- */

static void on_echo_sent(snet_send_t *req, int status)
{
	if (status < 0)
		fprintf(stderr, "snet-echo: send: %s\n", snet_strerror(status));
	free(req->data);
	/* With --count, stop once the last echo has left. */
	if (--app.inflight == 0 && app.count && app.seen >= app.count)
		shutdown_app();
}

static void printable(const uint8_t *d, size_t n, char *out, size_t cap)
{
	size_t k = 0;
	for (size_t i = 0; i < n && k + 1 < cap; i++)
		out[k++] = (d[i] >= 0x21 && d[i] < 0x7f) ? (char)d[i] : '_';
	out[k] = 0;
}

static void on_server_recv(snet_conn_t *c, int status, const snet_msg *m)
{
	char from[SNET_ADDR_STRLEN], local[SNET_ADDR_STRLEN], nh[64], text[64];
	if (status < 0) {
		fprintf(stderr, "snet-echo: recv: %s\n", snet_strerror(status));
		return;
	}
	printable(m->data, m->len, text, sizeof(text));
	printf("recv conn=%d payload=%s from=%s underlay=%s local=%s\n", (int)(c - app.conns), text,
	       addr_str(m->from, from, sizeof(from)), cli_sockaddr_str(&m->from->next_hop, nh, 64),
	       addr_str(m->local, local, sizeof(local)));
	fflush(stdout);
	struct echo_req *e = malloc(sizeof(*e));
	if (!e || m->len > sizeof(e->buf)) {
		free(e);
		return;
	}
	memcpy(e->buf, m->data, m->len);
	e->req.data = e;
	uv_buf_t b = uv_buf_init(e->buf, (unsigned)m->len);
	int err = snet_conn_send(&e->req, c, &b, 1, m->from, on_echo_sent);
	if (err) {
		fprintf(stderr, "snet-echo: reply: %s\n", snet_strerror(err));
		free(e);
	} else {
		app.inflight++;
	}
	if (app.count && ++app.seen >= app.count && app.inflight == 0)
		shutdown_app();
}

static int server_bind(snet_conn_t *c, const char *spec, bool prefix)
{
	struct sockaddr_storage ss;
	unsigned plen = 0;
	int err;
	if ((prefix ? cli_parse_prefix(spec, &ss, &plen) : cli_parse_sockaddr(spec, &ss)) < 0) {
		fprintf(stderr, "snet-echo: bad address '%s'\n", spec);
		exit(2);
	}
	snet_conn_init(&app.net, c);
	snet_conn_set_flags(c, app.answer_echo ? SNET_CONN_ANSWER_ECHO : 0);
	if (app.device && (err = snet_conn_set_device(c, app.device)))
		return err;
	if (app.dispatcher && (err = snet_conn_set_dispatcher(c, app.dispatcher, app.disp_flags)))
		return err;
	if (app.mark)
		snet_conn_set_mark(c, app.mark);
	err = prefix ? snet_conn_bind_prefix(c, (struct sockaddr *)&ss, plen, 0)
		     : snet_conn_bind(c, (struct sockaddr *)&ss, 0);
	if (err)
		return err;
	snet_udp_addr local;
	char b[SNET_ADDR_STRLEN];
	snet_conn_local(c, &local);
	printf("listening conn=%d %s\n", (int)(c - app.conns), addr_str(&local, b, sizeof(b)));
	fflush(stdout);
	return snet_conn_recv_start(c, on_server_recv);
}

/* ---- client ----------------------------------------------------------------------------- */

static void on_client_sent(snet_send_t *req, int status)
{
	app.sbusy[req - app.sreq] = false;
	if (status < 0) {
		app.send_failed++;
		fprintf(stderr, "snet-echo: send: %s\n", snet_strerror(status));
	}
}

/* Waits timeout_ms for the last replies (with --interval-ms 0: for the next reply). */
static void arm_deadline(void)
{
	uv_timer_start(&app.deadline, (uv_timer_cb)shutdown_app, (uint64_t)app.timeout_ms, 0);
}

static int free_slot(void)
{
	for (int k = 0; k < SEND_SLOTS; k++)
		if (!app.sbusy[k])
			return k;
	return -1;
}

/* One request, if the window has room; a request still in flight is never reused. */
static void send_one(void)
{
	long outstanding = app.sent - app.received - app.send_failed;
	int k = !app.window || outstanding < app.window ? free_slot() : -1;
	if (app.sent >= app.count)
		return;
	if (k < 0) {
		app.window_full++;
		return;
	}
	int n = snprintf(app.spay[k], sizeof(app.spay[k]), "seq-%ld", app.sent);
	uv_buf_t b = uv_buf_init(app.spay[k], (unsigned)n);
	if (app.select) {
		/* Each packet on the path the selector holds now. */
		const snet_path *p = echo_select_path();
		if (!p) {
			if (app.no_path++ % 100 == 0)
				fprintf(stderr, "snet-echo: send seq %ld: %s\n", app.sent,
					snet_strerror(SNET_E_NO_PATH));
			app.send_failed++;
			app.sent++;
			return;
		}
		snet_path_apply(p, &app.remote);
	}
	if (app.sent < SEQ_MAX)
		app.sent_at[app.sent] = uv_hrtime();
	int err = snet_conn_send(&app.sreq[k], &app.conns[0], &b, 1, &app.remote, on_client_sent);
	if (err) {
		app.send_failed++;
		fprintf(stderr, "snet-echo: send seq %ld: %s\n", app.sent, snet_strerror(err));
	} else {
		app.sbusy[k] = true;
	}
	app.sent++;
}

static void on_tick(uv_timer_t *t)
{
	send_one();
	if (app.sent >= app.count) {
		uv_timer_stop(&app.tick);
		arm_deadline();
	}
}

/* --interval-ms 0: fill the window; each reply sends the next (on_client_recv). */
static void fill_window(void)
{
	for (long i = 0; i < app.window && app.sent < app.count; i++)
		send_one();
	arm_deadline();
}

static bool same_endpoint(const snet_udp_addr *a, const snet_udp_addr *b)
{
	char x[SNET_ADDR_STRLEN], y[SNET_ADDR_STRLEN];
	return strcmp(addr_str(a, x, sizeof(x)), addr_str(b, y, sizeof(y))) == 0;
}

static void on_client_recv(snet_conn_t *c, int status, const snet_msg *m)
{
	char from[SNET_ADDR_STRLEN], text[64];
	long seq = -1;
	if (status < 0)
		return;
	printable(m->data, m->len, text, sizeof(text));
	sscanf(text, "seq-%ld", &seq);
	double rtt = seq >= 0 && seq < app.sent && seq < SEQ_MAX
			     ? (double)(uv_hrtime() - app.sent_at[seq]) / 1e6
			     : -1;
	bool ok = !app.has_expect || same_endpoint(m->from, &app.expect);
	app.received++;
	app.mismatches += !ok;
	printf("reply seq=%ld from=%s underlay=%s rtt_ms=%.3f %s", seq,
	       addr_str(m->from, from, sizeof(from)),
	       cli_sockaddr_str(&m->from->next_hop, text, sizeof(text)), rtt, ok ? "OK" : "MISMATCH");
	if (app.select)
		printf(" t_ms=%.1f", (double)(uv_hrtime() - app.start_ns) / 1e6);
	printf("\n");
	fflush(stdout);
	if (app.received >= app.count) {
		shutdown_app();
	} else if (app.interval_ms == 0) {
		send_one();
		arm_deadline();
	}
}

static void on_client_scmp(snet_conn_t *c, const snet_scmp_msg *m)
{
	char from[SNET_ADDR_STRLEN];
	if (echo_select_scmp(m))
		return; /* a probe answer, or an interface down that the selector acted on */
	printf("scmp type=%u code=%u from=%s\n", m->scmp->type, m->scmp->code,
	       addr_str(m->from, from, sizeof(from)));
	fflush(stdout);
}

static int client_start(const char *local_spec)
{
	struct sockaddr_storage ss;
	const char *spec = local_spec;
	if (!spec)
		spec = app.remote.next_hop.ss_family == AF_INET6 ||
				       (app.remote.next_hop.ss_family == AF_UNSPEC &&
					app.remote.host.type == SNET_HOST_IP6)
			       ? "[::]:0"
			       : "0.0.0.0:0";
	if (cli_parse_sockaddr(spec, &ss) < 0)
		cli_bad("snet-echo", "--local", "expected IP:PORT", spec);
	snet_conn_t *c = &app.conns[0];
	app.nconns = 1;
	snet_conn_init(&app.net, c);
	int err = app.device ? snet_conn_set_device(c, app.device) : 0;
	if (!err && app.dispatcher)
		err = snet_conn_set_dispatcher(c, app.dispatcher, app.disp_flags);
	if (app.mark)
		snet_conn_set_mark(c, app.mark);
	if (!err)
		err = snet_conn_bind(c, (struct sockaddr *)&ss, 0);
	if (!err)
		err = snet_conn_recv_start(c, on_client_recv);
	if (err)
		return err;
	snet_conn_set_scmp_cb(c, on_client_scmp);
	app.sent_at = calloc(SEQ_MAX, sizeof(*app.sent_at));
	if (app.select)
		echo_select_start(c, app.remote.ia, &app.sel_args);
	if (app.interval_ms) {
		uv_timer_start(&app.tick, on_tick, 0, (uint64_t)app.interval_ms);
	} else {
		if (!app.window)
			app.window = 8;
		fill_window();
	}
	return 0;
}

/* ---- main ------------------------------------------------------------------------------- */

static void on_signal(uv_signal_t *s, int signum)
{
	if (signum == SIGUSR1)
		print_stats();
	else
		shutdown_app();
}

/* SIGUSR2: a time mark in the output (the failover runs send it as they break a link). */
static void on_mark(uv_signal_t *s, int signum)
{
	printf("mark t_ms=%.1f after-seq=%ld\n", (double)(uv_hrtime() - app.start_ns) / 1e6,
	       app.sent - 1);
	fflush(stdout);
}

static void parse_remote(const char *opt, const char *s, snet_udp_addr *a)
{
	int err = snet_udp_addr_parse(s, strlen(s), a);
	if (err)
		cli_bad("snet-echo", opt, snet_strerror(err), s);
	if (a->host.type == SNET_HOST_NONE)
		cli_bad("snet-echo", opt, "a SCION address with an IP host, [IA,IP]:PORT", s);
}

enum { OPT_IA = 256, OPT_PORTS, OPT_BIND, OPT_PREFIX, OPT_DEVICE, OPT_ANSWER, OPT_COUNT, OPT_REMOTE, OPT_NH,
       OPT_PATH, OPT_PTYPE, OPT_LOCAL, OPT_MARK, OPT_INTERVAL, OPT_TIMEOUT, OPT_EXPECT, OPT_MIN, OPT_VERBOSE,
       OPT_NONL, OPT_TOPO, OPT_PATHS, OPT_CORRUPT, OPT_DISP, OPT_CORRUPT_HOP, OPT_WINDOW, OPT_NO_RECONNECT, OPT_SCIOND, OPT_SELECT, OPT_PROBE, OPT_HOLD, OPT_POLICY, OPT_PATH_INDEX };

static const struct option longs[] = {
	{ "ia", 1, 0, OPT_IA },           { "ports", 1, 0, OPT_PORTS },
	{ "bind", 1, 0, OPT_BIND },       { "bind-prefix", 1, 0, OPT_PREFIX },
	{ "device", 1, 0, OPT_DEVICE },   { "answer-echo", 0, 0, OPT_ANSWER },
	{ "count", 1, 0, OPT_COUNT },     { "remote", 1, 0, OPT_REMOTE },
	{ "next-hop", 1, 0, OPT_NH },     { "path-hex", 1, 0, OPT_PATH },
	{ "path-type", 1, 0, OPT_PTYPE }, { "local", 1, 0, OPT_LOCAL },
	{ "mark", 1, 0, OPT_MARK },       { "interval-ms", 1, 0, OPT_INTERVAL },
	{ "timeout-ms", 1, 0, OPT_TIMEOUT }, { "expect", 1, 0, OPT_EXPECT },
	{ "min-replies", 1, 0, OPT_MIN }, { "verbose", 0, 0, OPT_VERBOSE },
	{ "no-netlink", 0, 0, OPT_NONL }, { "topology", 1, 0, OPT_TOPO },
	{ "paths", 1, 0, OPT_PATHS },     { "corrupt-mac", 0, 0, OPT_CORRUPT },
	{ "dispatcher", 1, 0, OPT_DISP },   { "corrupt-hop", 1, 0, OPT_CORRUPT_HOP },
	{ "window", 1, 0, OPT_WINDOW },   { "no-reconnect", 0, 0, OPT_NO_RECONNECT },
	{ "sciond", 1, 0, OPT_SCIOND },   { "daemon", 1, 0, OPT_SCIOND },
	{ "select", 0, 0, OPT_SELECT },   { "probe-interval-ms", 1, 0, OPT_PROBE },
	{ "hold-down-ms", 1, 0, OPT_HOLD }, { "policy", 1, 0, OPT_POLICY },
	{ "path-index", 1, 0, OPT_PATH_INDEX }, { "help", 0, 0, 'h' },
	{ 0, 0, 0, 0 },
};

#define USAGE                                                                                      \
	"snet-echo server [options] (--bind IP:PORT | --bind-prefix IP/LEN:PORT)...\n"              \
	"       snet-echo client [options] --remote [IA,IP]:PORT\n"                                 \
	"A SCION/UDP echo server and client (libsnet's end-to-end test tool).\n"                   \
	"Where the AS comes from (the first that is given):\n"                                     \
	"  --topology FILE        Go's topology.json\n"                                            \
	"  --ia IA [--ports A-B]  an AS without a topology file (dispatched ports A-B)\n"         \
	"  --sciond ADDR          the SCION daemon (also --daemon; default $SCION_DAEMON,\n"       \
	"                         environment.json, 127.0.0.1:30255)\n"                            \
	"Both:\n"                                                                                 \
	"  --device DEV  --mark N  --no-netlink  --verbose\n"                                      \
	"  --dispatcher SOCKET [--no-reconnect]   dispatcher mode (pre-v0.12 dispatcher)\n"       \
	"  --count N              server: exit after N datagrams; client: requests (default 1)\n"  \
	"Server: --answer-echo (answer SCMP echo requests)\n"                                     \
	"Client:\n"                                                                               \
	"  --local IP:PORT        bind address (default the wildcard of the remote's family)\n"    \
	"  --paths FILE [--path-index N]   path from an snet-topogen path file (else the daemon)\n"\
	"  --path-hex HEX [--path-type N] --next-hop IP:PORT   a raw path\n"                      \
	"  --interval-ms MS (default 10; 0: as fast as --window allows)  --window N (1..64)\n"     \
	"  --timeout-ms MS (default 2000)  --expect [IA,IP]:PORT  --min-replies N\n"               \
	"  --select [--policy FILE] [--probe-interval-ms N] [--hold-down-ms N]   path selector\n"  \
	"  --corrupt-mac | --corrupt-hop N   flip a bit of a hop's MAC (router tests)\n"           \
	"Exit: 0 ok, 1 replies missing or from another address than --expect, 2 usage."
#define SHORT_USAGE "snet-echo server|client [options] (snet-echo --help lists them)"

struct args {
	const char *ia, *ports, *local, *topo, *paths, *sciond, *binds[MAX_CONNS];
	bool prefix[MAX_CONNS];
	int nbinds, path_type;
	bool no_netlink, corrupt_mac;
	int corrupt_hop;
	long path_index;
};

static const char *opt_name; /* the option being parsed, for errors */

static long num(const char *s, long max)
{
	return cli_num("snet-echo", opt_name, s, 0, max);
}

static void parse_opt(int o, const char *v, struct args *a)
{
	switch (o) {
	case 'h': cli_help(USAGE);
	case OPT_IA: a->ia = v; break;
	case OPT_PORTS: a->ports = v; break;
	case OPT_BIND:
	case OPT_PREFIX:
		if (a->nbinds == MAX_CONNS)
			cli_bad("snet-echo", opt_name, "at most 8 binds", v);
		a->prefix[a->nbinds] = o == OPT_PREFIX;
		a->binds[a->nbinds++] = v;
		break;
	case OPT_DEVICE: app.device = v; break;
	case OPT_ANSWER: app.answer_echo = true; break;
	case OPT_COUNT: app.count = num(v, LONG_MAX); break;
	case OPT_REMOTE: parse_remote(opt_name, v, &app.remote); break;
	case OPT_NH:
		if (cli_parse_sockaddr(v, &app.remote.next_hop) < 0)
			cli_bad("snet-echo", opt_name, "expected IP:PORT", v);
		break;
	case OPT_PATH: {
		int n = cli_hex(v, app.path, sizeof(app.path));
		if (n < 0)
			cli_bad("snet-echo", opt_name, "expected hex of at most 1020 bytes", v);
		app.remote.path_len = (size_t)n;
		app.remote.path = app.path;
		if (!a->path_type)
			a->path_type = SNET_PATH_SCION;
		break;
	}
	case OPT_PTYPE: a->path_type = (int)num(v, 255); break;
	case OPT_LOCAL: a->local = v; break;
	case OPT_MARK: app.mark = (uint32_t)num(v, UINT32_MAX); break;
	case OPT_INTERVAL: app.interval_ms = num(v, 3600000); break;
	case OPT_WINDOW: app.window = cli_num("snet-echo", opt_name, v, 1, SEND_SLOTS); break;
	case OPT_TIMEOUT: app.timeout_ms = num(v, 3600000); break;
	case OPT_EXPECT:
		parse_remote(opt_name, v, &app.expect);
		app.has_expect = true;
		break;
	case OPT_MIN: app.min_replies = num(v, LONG_MAX); break;
	case OPT_VERBOSE: app.verbose = true; break;
	case OPT_NONL: a->no_netlink = true; break;
	case OPT_TOPO: a->topo = v; break;
	case OPT_PATHS: a->paths = v; break;
	case OPT_CORRUPT: a->corrupt_mac = true; break;
	case OPT_CORRUPT_HOP: a->corrupt_mac = true, a->corrupt_hop = (int)num(v, 63); break;
	case OPT_DISP: app.dispatcher = v; break;
	case OPT_NO_RECONNECT: app.disp_flags = SNET_DISP_NO_RECONNECT; break;
	case OPT_SCIOND: a->sciond = v; break;
	case OPT_SELECT: app.select = true; break;
	case OPT_PROBE: app.sel_args.probe_interval_ms = num(v, 3600000); break;
	case OPT_HOLD: app.sel_args.hold_down_ms = num(v, 3600000); break;
	case OPT_POLICY: app.sel_args.policy = v; break;
	case OPT_PATH_INDEX: a->path_index = num(v, 63); break;
	default: cli_usage(SHORT_USAGE);
	}
}

/* --topology: IA, ports and routers from a Go topology.json; else --ia and --ports; else the
 * daemon's. */
static struct cli_source source;

static void load_topology(const struct args *a)
{
	uint64_t ia;
	uint16_t ps = 31000, pe = 32767;
	cli_source_init(&source, app.loop, "snet-echo", a->sciond);
	if (a->topo || !a->ia) {
		cli_source_topology(&source, a->topo, &app.topo);
		return;
	}
	if (snet_ia_parse(a->ia, strlen(a->ia), &ia) != 0)
		cli_bad("snet-echo", "--ia", "not an ISD-AS", a->ia);
	if (a->ports && cli_parse_ports(a->ports, &ps, &pe) < 0)
		cli_bad("snet-echo", "--ports", "expected START-END", a->ports);
	snet_topology_init(&app.topo, ia, ps, pe);
}

/* The AS that owns hop h of p: the path's ASes are its interfaces' (the first, then one per
 * ingress), and at each crossover two hop fields (the ends of two segments) share an AS. */
static uint64_t hop_owner(const snet_path *p, const snet_scion_raw *r, int h)
{
	int seg = 0, acc = 0;
	while (seg < SNET_MAX_INFS - 1 && h >= acc + r->meta.seg_len[seg])
		acc += r->meta.seg_len[seg++];
	size_t as = (size_t)(h - seg);
	if (as == 0 || p->n_ifs == 0)
		return p->src;
	return 2 * as - 1 < p->n_ifs ? p->ifs[2 * as - 1].ia : p->dst;
}

/* A test of the routers: flip a bit of hop h's MAC. Prints the hop's owner, which must be the
 * one to answer with SCMP 4/51. */
static void corrupt_hop(const snet_path *p, int h)
{
	snet_scion_raw r;
	char ia[SNET_IA_STRLEN];
	memcpy(app.path, p->raw, p->len);
	snet_scion_raw_parse(app.path, p->len, &r);
	if (h >= r.num_hops) {
		snprintf(ia, sizeof(ia), "%d", h);
		cli_bad("snet-echo", "--corrupt-hop", "past the path's hops", ia);
	}
	app.path[SNET_META_LEN + r.num_inf * SNET_INFO_LEN + h * SNET_HOP_LEN + 6] ^= 1;
	app.remote.path = app.path;
	snet_ia_format(hop_owner(p, &r, h), ia, sizeof(ia));
	printf("corrupt hop=%d owner=%s\n", h, ia);
	fflush(stdout);
}

/* The first unexpired path to the remote's IA, with its next hop: from --paths, else the
 * daemon (unless --path-hex gave one). */
static void choose_path(const struct args *a)
{
	char ia[SNET_IA_STRLEN];
	const snet_path *p = NULL;
	bool need = !app.server && app.remote.ia != app.topo.local_ia && !app.remote.path_len &&
		    !app.select;
	if (need)
		p = cli_source_path_at(&source, a->paths, app.topo.local_ia, app.remote.ia, NULL,
				       (size_t)a->path_index);
	cli_source_done(&source);
	if (!need)
		return;
	if (!p) {
		snet_ia_format(app.remote.ia, ia, sizeof(ia));
		fprintf(stderr, "snet-echo: no path to %s\n", ia);
		exit(1);
	}
	snet_path_apply(p, &app.remote);
	if (a->corrupt_mac && p->len > SNET_META_LEN)
		corrupt_hop(p, a->corrupt_hop);
}

static void setup_network(const struct args *a)
{
	load_topology(a);
	snet_network_opts o;
	snet_network_opts_default(&o);
	o.log = log_stderr;
	o.route_change_cb = on_route_change;
	if (a->no_netlink)
		o.flags = SNET_NETWORK_NO_NETLINK;
	int err = snet_network_init(app.loop, &app.net, &app.topo, &o);
	if (err) {
		fprintf(stderr, "snet-echo: network: %s\n", snet_strerror(err));
		exit(1);
	}
}

static void fail(const char *what, int err)
{
	fprintf(stderr, "snet-echo: %s: %s (%s)\n", what, snet_strerror(err), snet_err_name(err));
	exit(1);
}

int main(int argc, char **argv)
{
	/* A peer that went away (an application, the dispatcher) is an error, not our death. */
	signal(SIGPIPE, SIG_IGN);
	struct args a = { 0 };
	int o;
	int idx;
	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")))
		cli_help(USAGE);
	if (argc < 2)
		cli_usage(SHORT_USAGE);
	app.server = strcmp(argv[1], "server") == 0;
	if (!app.server && strcmp(argv[1], "client") != 0)
		cli_bad("snet-echo", "mode", "expected server or client", argv[1]);
	optind = 2;
	while ((o = getopt_long(argc, argv, "h", longs, &idx)) != -1) {
		static char name[32];
		snprintf(name, sizeof(name), "--%s", o == 'h' || o == '?' ? "" : longs[idx].name);
		opt_name = name;
		parse_opt(o, optarg, &a);
	}
	if (optind != argc)
		cli_bad("snet-echo", "arguments", "unexpected", argv[optind]);
	app.remote.path_type = (uint8_t)a.path_type;
	app.loop = uv_default_loop();
	app.start_ns = uv_hrtime();
	app.sel_args.sciond = a.sciond;
	app.sel_args.paths = a.paths;
	app.sel_args.start_ns = app.start_ns;
	app.sel_args.sent = &app.sent;
	setup_network(&a);
	choose_path(&a);
	uv_timer_init(app.loop, &app.tick);
	uv_timer_init(app.loop, &app.deadline);
	int signums[3] = { SIGINT, SIGTERM, SIGUSR1 };
	for (int i = 0; i < 3; i++) {
		uv_signal_init(app.loop, &app.sigs[i]);
		uv_signal_start(&app.sigs[i], on_signal, signums[i]);
		uv_unref((uv_handle_t *)&app.sigs[i]);
	}
	if (app.select) {
		uv_signal_init(app.loop, &app.mark_sig);
		uv_signal_start(&app.mark_sig, on_mark, SIGUSR2);
		uv_unref((uv_handle_t *)&app.mark_sig);
	}
	if (app.server) {
		if (a.nbinds == 0)
			cli_usage("snet-echo server: --bind or --bind-prefix is required (snet-echo --help)");
		for (int i = 0; i < a.nbinds; i++) {
			app.nconns = i + 1;
			int err = server_bind(&app.conns[i], a.binds[i], a.prefix[i]);
			if (err)
				fail("bind", err);
		}
	} else {
		if (app.remote.host.type == SNET_HOST_NONE)
			cli_usage("snet-echo client: --remote is required (snet-echo --help)");
		if (!app.count)
			app.count = 1;
		int err = client_start(a.local);
		if (err)
			fail("client", err);
	}
	uv_run(app.loop, UV_RUN_DEFAULT);
	if (!app.server) {
		long need = app.min_replies >= 0 ? app.min_replies : app.count;
		printf("summary sent=%ld received=%ld mismatches=%ld window_full=%ld no_path=%ld\n",
		       app.sent, app.received, app.mismatches, app.window_full, app.no_path);
		app.rc = app.received >= need && app.mismatches == 0 ? 0 : 1;
	}
	free(app.sent_at);
	uv_loop_close(app.loop);
	return app.rc;
}
