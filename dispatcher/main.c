/* SPDX-License-Identifier: Apache-2.0 */
/* snet-dispatcher: the shim dispatcher on UDP 30041, on libsnet's multihomed sockets.
 *
 *   snet-dispatcher (--topology topology.json | --ia IA) [--config dispatcher.toml]
 *                   [--id ID] [--forwarding on|off] [--underlay-addr IP]
 *                   [--service IA,CS=IP:PORT ...] [--socket PATH]
 *
 * Answers SCMP echo and traceroute requests from the address they reached, back to the router
 * that delivered them; with forwarding on, relays other packets unchanged to local
 * applications by Go's rules, after the anti-reflection check (the SCION destination host must
 * be the address the datagram reached). With --socket, applications in dispatcher mode register
 * over that Unix socket (Go's pre-v0.12 protocol) and their ports are bound here. SIGUSR1
 * prints counters. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "server.h"

#define POOL 256

struct relay_req {
	snet_send_t req;
	int busy;
	uint8_t buf[9216];
};

static struct disp {
	uv_loop_t *loop;
	struct disp_config cfg;
	snet_topology topo;
	snet_network_t net;
	snet_conn_t conn;
	uv_signal_t sig[3];
	struct relay_req pool[POOL];
	uint64_t relayed, dropped[RELAY_REASONS + 1], queue_full;
} D;

static void print_counters(void)
{
	snet_conn_stats s;
	snet_conn_get_stats(&D.conn, &s);
	printf("counter answered=%llu relayed=%llu\n", (unsigned long long)s.echo_answered,
	       (unsigned long long)D.relayed);
	printf("counter drop=malformed n=%llu\n", (unsigned long long)s.drop_malformed);
	printf("counter drop=not_ours n=%llu\n", (unsigned long long)s.drop_not_ours);
	printf("counter drop=reflection n=%llu\n", (unsigned long long)s.drop_dst_mismatch);
	printf("counter drop=other n=%llu\n", (unsigned long long)s.drop_other);
	for (int r = 1; r <= RELAY_REASONS; r++)
		printf("counter drop=%s n=%llu\n", relay_drop_name(-r),
		       (unsigned long long)D.dropped[r]);
	printf("counter drop=queue_full n=%llu\n", (unsigned long long)D.queue_full);
	if (D.cfg.socket[0]) {
		struct disp_server_stats s2;
		disp_server_stats(&s2);
		printf("counter apps registrations=%llu refused=%llu conflicts=%llu "
		       "malformed_frames=%llu closed=%llu to_apps=%llu from_apps=%llu "
		       "queue_drops=%llu bad_packets=%llu\n",
		       (unsigned long long)s2.registrations, (unsigned long long)s2.refused,
		       (unsigned long long)s2.conflicts, (unsigned long long)s2.malformed_frames,
		       (unsigned long long)s2.clients_closed, (unsigned long long)s2.to_apps,
		       (unsigned long long)s2.from_apps, (unsigned long long)s2.app_queue_drops,
		       (unsigned long long)s2.bad_app_packets);
	}
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

static void on_raw(snet_conn_t *c, const snet_raw_msg *m)
{
	struct sockaddr_storage to;
	int r = relay_dst(&D.cfg.relay, m->pkt, &to);
	if (r != RELAY_OK) {
		D.dropped[-r]++;
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
	if (snet_conn_send_raw(&q->req, c, &b, 1, (struct sockaddr *)&to, NULL, relayed))
		q->busy = 0;
}

static void on_udp_to_self(snet_conn_t *c, int status, const snet_msg *m)
{
	/* Nothing listens behind the dispatcher's own port. */
	D.dropped[-RELAY_TO_DISPATCHER]++;
}

static void on_signal(uv_signal_t *s, int signum)
{
	print_counters();
	if (signum != SIGUSR1)
		uv_stop(D.loop);
}

static _Noreturn void usage(void)
{
	fprintf(stderr, "usage: snet-dispatcher (--topology FILE | --ia IA) [--config FILE] "
			"[--id ID] [--forwarding on|off] [--underlay-addr IP] "
			"[--service IA,CS=IP:PORT] [--socket PATH]\n");
	exit(2);
}

static void parse_args(int argc, char **argv)
{
	static const struct option longs[] = {
		{ "topology", 1, 0, 't' }, { "ia", 1, 0, 'a' },       { "config", 1, 0, 'c' },
		{ "id", 1, 0, 'i' },       { "forwarding", 1, 0, 'f' }, { "underlay-addr", 1, 0, 'u' },
		{ "service", 1, 0, 's' },  { "socket", 1, 0, 'S' }, { 0, 0, 0, 0 },
	};
	char err[512];
	int o;
	disp_config_default(&D.cfg);
	while ((o = getopt_long(argc, argv, "", longs, NULL)) != -1) {
		char *eq;
		switch (o) {
		case 't': snprintf(D.cfg.topology, sizeof(D.cfg.topology), "%s", optarg); break;
		case 'a': snprintf(D.cfg.ia, sizeof(D.cfg.ia), "%s", optarg); break;
		case 'c':
			if (disp_config_load(&D.cfg, optarg, err, sizeof(err)))
				fprintf(stderr, "snet-dispatcher: %s\n", err), exit(2);
			break;
		case 'i': snprintf(D.cfg.id, sizeof(D.cfg.id), "%s", optarg); break;
		case 'f':
			if (strcmp(optarg, "on") && strcmp(optarg, "off"))
				usage();
			D.cfg.relay.forwarding = strcmp(optarg, "on") == 0;
			break;
		case 'u': snprintf(D.cfg.underlay, sizeof(D.cfg.underlay), "%s", optarg); break;
		case 'S': snprintf(D.cfg.socket, sizeof(D.cfg.socket), "%s", optarg); break;
		case 's':
			eq = strchr(optarg, '=');
			if (!eq)
				usage();
			*eq = 0;
			if (disp_config_add_service(&D.cfg, optarg, eq + 1))
				fprintf(stderr, "snet-dispatcher: bad --service %s\n", optarg), exit(2);
			break;
		default: usage();
		}
	}
	if (optind != argc || (!D.cfg.topology[0] && !D.cfg.ia[0]))
		usage();
}

static void load_topology(void)
{
	char err[256];
	uint64_t ia;
	if (D.cfg.topology[0]) {
		snet_topo_file *f = malloc(sizeof(*f));
		if (!f || snet_topo_file_load(D.cfg.topology, f, err, sizeof(err)) ||
		    snet_topo_file_topology(f, &D.topo))
			fprintf(stderr, "snet-dispatcher: %s\n", err), exit(1);
		free(f);
	} else if (snet_ia_parse(D.cfg.ia, strlen(D.cfg.ia), &ia) ||
		   snet_topology_init(&D.topo, ia, 0, 0)) {
		fprintf(stderr, "snet-dispatcher: bad --ia %s\n", D.cfg.ia);
		exit(2);
	}
}

int main(int argc, char **argv)
{
	/* A peer that went away (an application, the dispatcher) is an error, not our death. */
	signal(SIGPIPE, SIG_IGN);
	struct sockaddr_storage ss;
	char spec[80];
	parse_args(argc, argv);
	load_topology();
	snprintf(spec, sizeof(spec), strchr(D.cfg.underlay, ':') ? "[%s]:%d" : "%s:%d",
		 D.cfg.underlay, SNET_ENDHOST_PORT);
	if (snet_addrport_parse(spec, &ss))
		fprintf(stderr, "snet-dispatcher: bad underlay address %s\n", D.cfg.underlay), exit(2);
	D.loop = uv_default_loop();
	int e = snet_network_init(D.loop, &D.net, &D.topo, NULL);
	if (!e)
		e = snet_conn_init(&D.net, &D.conn);
	snet_conn_set_flags(&D.conn, SNET_CONN_ANSWER_ECHO);
	if (!e)
		e = snet_conn_bind(&D.conn, (struct sockaddr *)&ss, 0);
	if (e)
		fprintf(stderr, "snet-dispatcher: %s: %s\n", spec, snet_strerror(e)), exit(1);
	snet_conn_set_raw_cb(&D.conn, on_raw);
	snet_conn_recv_start(&D.conn, on_udp_to_self);
	if (D.cfg.socket[0] && (e = disp_server_start(D.loop, &D.net, D.cfg.socket)))
		fprintf(stderr, "snet-dispatcher: %s: %s\n", D.cfg.socket, uv_strerror(e)), exit(1);
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
