/* SPDX-License-Identifier: Apache-2.0 */
/* snet-dispatcher: the shim dispatcher on UDP 30041, on libsnet's multihomed sockets, and the
 * pre-v0.12 dispatcher for applications in dispatcher mode (--socket). See usage() below.
 *
 * What arrives on 30041: SCMP echo and traceroute requests are answered from the address they
 * reached, back to the router that delivered them. With --socket, packets for a registered
 * application go to it (by address and port, SVC, or SCMP identifier), whatever --forwarding
 * says: in the old world every packet arrives on 30041, as it did at Go v0.11's dispatcher.
 * Other packets are relayed with --forwarding on, unchanged, to the local port Go's rules give
 * (after the anti-reflection check), from the address they arrived at. SIGUSR1 prints
 * counters; SIGTERM/SIGINT print them and exit, removing the socket file. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "config.h"
#include "server.h"

#define POOL 256
#define TOOL "snet-dispatcher"

struct relay_req {
	snet_send_t req;
	int busy;
	uint8_t buf[9216];
};

static struct disp {
	uv_loop_t *loop;
	struct disp_config cfg;
	struct disp_server_opts srv;
	const char *ports, *ephemeral;
	long max_clients;
	snet_topology topo;
	snet_network_t net;
	snet_conn_t conn;
	uv_signal_t sig[3];
	struct relay_req pool[POOL];
	uint64_t relayed, dropped[RELAY_REASONS + 1], queue_full, reflection;
} D;

static void print_server_counters(void)
{
	struct disp_server_stats s2;
	disp_server_stats(&s2);
	printf("counter apps clients=%llu registrations=%llu refused=%llu conflicts=%llu "
	       "malformed_frames=%llu closed=%llu timeouts=%llu reaped=%llu refused_full=%llu "
	       "to_apps=%llu from_apps=%llu svc_delivered=%llu queue_drops=%llu "
	       "bad_packets=%llu\n",
	       (unsigned long long)s2.clients, (unsigned long long)s2.registrations,
	       (unsigned long long)s2.refused, (unsigned long long)s2.conflicts,
	       (unsigned long long)s2.malformed_frames, (unsigned long long)s2.clients_closed,
	       (unsigned long long)s2.timeouts, (unsigned long long)s2.reaped,
	       (unsigned long long)s2.refused_full, (unsigned long long)s2.to_apps,
	       (unsigned long long)s2.from_apps, (unsigned long long)s2.svc_delivered,
	       (unsigned long long)s2.app_queue_drops, (unsigned long long)s2.bad_app_packets);
}

static void print_counters(void)
{
	snet_conn_stats s;
	snet_conn_get_stats(&D.conn, &s);
	printf("counter answered=%llu relayed=%llu\n", (unsigned long long)s.echo_answered,
	       (unsigned long long)D.relayed);
	printf("counter drop=malformed n=%llu\n", (unsigned long long)s.drop_malformed);
	printf("counter drop=not_ours n=%llu\n", (unsigned long long)s.drop_not_ours);
	printf("counter drop=reflection n=%llu\n",
	       (unsigned long long)(s.drop_dst_mismatch + D.reflection));
	printf("counter drop=other n=%llu\n", (unsigned long long)s.drop_other);
	for (int r = 1; r <= RELAY_REASONS; r++)
		printf("counter drop=%s n=%llu\n", relay_drop_name(-r),
		       (unsigned long long)D.dropped[r]);
	printf("counter drop=queue_full n=%llu\n", (unsigned long long)D.queue_full);
	if (D.cfg.socket[0])
		print_server_counters();
	printf("counter end\n");
	fflush(stdout);
}

static void relayed(snet_send_t *req, int status)
{
	struct relay_req *r = req->data;
	r->busy = 0;
	if (status == 0)
		D.relayed++;
}

static bool same_ip(const struct sockaddr_storage *a, const snet_host *h)
{
	if (a->ss_family == AF_INET)
		return h->type == SNET_HOST_IP4 &&
		       memcmp(&((const struct sockaddr_in *)a)->sin_addr, h->ip, 4) == 0;
	return h->type == SNET_HOST_IP6 &&
	       memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr, h->ip, 16) == 0;
}

/* Go's shim relay: unchanged, to the local port its rules give. It leaves from the address
 * the packet arrived at, so that the application sees the address it was sent to. */
static void relay(snet_conn_t *c, const snet_raw_msg *m)
{
	struct sockaddr_storage to;
	int r = relay_dst(&D.cfg.relay, m->pkt, &to);
	if (r != RELAY_OK) {
		D.dropped[-r]++;
		return;
	}
	/* Go compares the destination it found with the arrival address: for an SVC packet the
	 * service's own address (the router resolved it to this host). */
	if (m->pkt->hdr.dst_type == SNET_ADDR_SVC && !same_ip(&to, m->dst)) {
		D.reflection++;
		return;
	}
	struct relay_req *q = NULL;
	for (int i = 0; i < POOL && !q; i++)
		if (!D.pool[i].busy)
			q = &D.pool[i];
	if (!q || m->len > sizeof(q->buf)) {
		D.queue_full++; /* bounded: a slow receiver costs its own packets only */
		return;
	}
	memcpy(q->buf, m->data, m->len);
	q->busy = 1;
	q->req.data = q;
	uv_buf_t b = uv_buf_init((char *)q->buf, (unsigned)m->len);
	if (snet_conn_send_raw(&q->req, c, &b, 1, (struct sockaddr *)&to, m->dst, relayed))
		q->busy = 0;
}

static void on_raw(snet_conn_t *c, const snet_raw_msg *m)
{
	if (D.cfg.socket[0] && disp_server_deliver(m))
		return;
	relay(c, m);
}

static void on_udp_to_self(snet_conn_t *c, int status, const snet_msg *m)
{
	/* Nothing listens behind the dispatcher's own port. */
	D.dropped[-RELAY_TO_DISPATCHER]++;
}

static void on_signal(uv_signal_t *s, int signum)
{
	print_counters();
	if (signum == SIGUSR1)
		return;
	if (D.cfg.socket[0])
		disp_server_stop();
	uv_stop(D.loop);
}

static _Noreturn void usage(FILE *f, int rc)
{
	fprintf(f, "usage: " TOOL " (--topology FILE | --ia IA) [options]\n"
		   "  --topology FILE       Go topology.json: local IA, dispatched ports, services\n"
		   "  --ia IA               or just the local IA\n"
		   "  --config FILE         Go's dispatcher TOML ([dispatcher] id, local_udp_forwarding,\n"
		   "                        underlay_addr, service_addresses)\n"
		   "  --id ID               the dispatcher's id (printed on start)\n"
		   "  --forwarding on|off   relay packets on 30041 to local ports (default off, as Go)\n"
		   "  --underlay-addr IP    the address 30041 is bound to (default ::)\n"
		   "  --service IA,CS=IP:PORT  where packets to an SVC go (CS or DS; repeatable)\n"
		   "  --socket PATH         serve applications in dispatcher mode (Go pre-v0.12)\n"
		   "  --ports A-B           ports applications may register (default: the topology's\n"
		   "                        dispatched range, else 31000-32767)\n"
		   "  --ephemeral A-B       ports for registrations of port 0 (default 32768-65535)\n"
		   "  --max-clients N       dispatcher-mode connections (default: by RLIMIT_NOFILE)\n"
		   "  --help                this text\n");
	exit(rc);
}

static void parse_ports(const char *opt, const char *v, uint16_t *lo, uint16_t *hi)
{
	if (cli_parse_ports(v, lo, hi) < 0 || *lo == 0)
		cli_bad(TOOL, opt, "expected a port range A-B with 0 < A <= B", v);
}

static void parse_opt(int o, char *v)
{
	char err[512], *eq, *e;
	switch (o) {
	case 't': snprintf(D.cfg.topology, sizeof(D.cfg.topology), "%s", v); break;
	case 'a': snprintf(D.cfg.ia, sizeof(D.cfg.ia), "%s", v); break;
	case 'c':
		if (disp_config_load(&D.cfg, v, err, sizeof(err)))
			fprintf(stderr, TOOL ": %s\n", err), exit(2);
		break;
	case 'i': snprintf(D.cfg.id, sizeof(D.cfg.id), "%s", v); break;
	case 'f':
		if (strcmp(v, "on") && strcmp(v, "off"))
			cli_bad(TOOL, "--forwarding", "expected on|off", v);
		D.cfg.relay.forwarding = strcmp(v, "on") == 0;
		break;
	case 'u': snprintf(D.cfg.underlay, sizeof(D.cfg.underlay), "%s", v); break;
	case 'S': snprintf(D.cfg.socket, sizeof(D.cfg.socket), "%s", v); break;
	case 's':
		eq = strchr(v, '=');
		if (!eq)
			cli_bad(TOOL, "--service", "expected IA,CS=IP:PORT or IA,DS=IP:PORT", v);
		*eq = 0;
		if (disp_config_add_service(&D.cfg, v, eq + 1))
			*eq = '=', cli_bad(TOOL, "--service", "expected IA,CS=IP:PORT or IA,DS=IP:PORT", v);
		break;
	case 'p': D.ports = v; break;
	case 'e': D.ephemeral = v; break;
	case 'm':
		D.max_clients = strtol(v, &e, 10);
		if (*e || e == v || D.max_clients < 1 || D.max_clients > 100000)
			cli_bad(TOOL, "--max-clients", "expected a number 1..100000", v);
		break;
	case 'h': usage(stdout, 0);
	default: usage(stderr, 2);
	}
}

static void parse_args(int argc, char **argv)
{
	static const struct option longs[] = {
		{ "topology", 1, 0, 't' }, { "ia", 1, 0, 'a' },	{ "config", 1, 0, 'c' },
		{ "id", 1, 0, 'i' },	   { "forwarding", 1, 0, 'f' }, { "underlay-addr", 1, 0, 'u' },
		{ "service", 1, 0, 's' },  { "socket", 1, 0, 'S' },	{ "ports", 1, 0, 'p' },
		{ "ephemeral", 1, 0, 'e' }, { "max-clients", 1, 0, 'm' }, { "help", 0, 0, 'h' },
		{ 0, 0, 0, 0 },
	};
	int o;
	disp_config_default(&D.cfg);
	while ((o = getopt_long(argc, argv, "", longs, NULL)) != -1)
		parse_opt(o, optarg);
	if (optind != argc)
		cli_bad(TOOL, "arguments", "none expected", argv[optind]);
	if (!D.cfg.topology[0] && !D.cfg.ia[0])
		fprintf(stderr, TOOL ": --topology FILE or --ia IA is required\n"), usage(stderr, 2);
}

static void load_topology(void)
{
	char err[256];
	uint64_t ia;
	if (D.cfg.topology[0]) {
		snet_topo_file *f = malloc(sizeof(*f));
		if (!f || snet_topo_file_load(D.cfg.topology, f, err, sizeof(err)) ||
		    snet_topo_file_topology(f, &D.topo))
			fprintf(stderr, TOOL ": %s\n", f ? err : "out of memory"), exit(1);
		free(f);
	} else if (snet_ia_parse(D.cfg.ia, strlen(D.cfg.ia), &ia) ||
		   snet_topology_init(&D.topo, ia, 0, 0)) {
		cli_bad(TOOL, "--ia", "expected an ISD-AS such as 1-ff00:0:110", D.cfg.ia);
	}
	disp_server_opts_default(&D.srv, &D.topo);
	if (D.ports)
		parse_ports("--ports", D.ports, &D.srv.ports_lo, &D.srv.ports_hi);
	if (D.ephemeral)
		parse_ports("--ephemeral", D.ephemeral, &D.srv.eph_lo, &D.srv.eph_hi);
	D.srv.max_clients = (unsigned)D.max_clients;
}

static void open_shim(const char *spec, struct sockaddr_storage *ss)
{
	D.loop = uv_default_loop();
	int e = snet_network_init(D.loop, &D.net, &D.topo, NULL);
	if (!e)
		e = snet_conn_init(&D.net, &D.conn);
	snet_conn_set_flags(&D.conn, SNET_CONN_ANSWER_ECHO);
	if (!e)
		e = snet_conn_bind(&D.conn, (struct sockaddr *)ss, 0);
	if (e)
		fprintf(stderr, TOOL ": %s: %s\n", spec, snet_strerror(e)), exit(1);
	snet_conn_set_raw_cb(&D.conn, on_raw);
	snet_conn_recv_start(&D.conn, on_udp_to_self);
}

int main(int argc, char **argv)
{
	/* A peer that went away (an application) is an error, not our death. */
	signal(SIGPIPE, SIG_IGN);
	struct sockaddr_storage ss;
	char spec[80];
	parse_args(argc, argv);
	load_topology();
	snprintf(spec, sizeof(spec), strchr(D.cfg.underlay, ':') ? "[%s]:%d" : "%s:%d",
		 D.cfg.underlay, SNET_ENDHOST_PORT);
	if (snet_addrport_parse(spec, &ss))
		cli_bad(TOOL, "--underlay-addr", "expected an IP address", D.cfg.underlay);
	open_shim(spec, &ss);
	int e;
	if (D.cfg.socket[0] && (e = disp_server_start(D.loop, &D.net, D.cfg.socket, &D.srv)))
		fprintf(stderr, TOOL ": %s: %s\n", D.cfg.socket, uv_strerror(e)), exit(1);
	int sigs[3] = { SIGUSR1, SIGTERM, SIGINT };
	for (int i = 0; i < 3; i++) {
		uv_signal_init(D.loop, &D.sig[i]);
		uv_signal_start(&D.sig[i], on_signal, sigs[i]);
	}
	printf("ready %s on %s forwarding=%s\n", D.cfg.id[0] ? D.cfg.id : "dispatcher", spec,
	       D.cfg.relay.forwarding ? "on" : "off");
	fflush(stdout);
	uv_run(D.loop, UV_RUN_DEFAULT);
	return 0;
}
