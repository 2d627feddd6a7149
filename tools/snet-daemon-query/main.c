/* SPDX-License-Identifier: Apache-2.0 */
/* snet-daemon-query: one DaemonService call through libsnet's client, its answer as JSON.
 *
 *   snet-daemon-query [--sciond|--daemon ADDR] [--timeout-ms MS] COMMAND [ARGS]
 *     as [IA]                 the local AS (or IA): isd_as, core, mtu
 *     port-range              the dispatched port range
 *     interfaces              interface ID -> border router internal address
 *     services                service type -> URIs
 *     topology                what snet_daemon_topology loads (Go: daemon.LoadTopology)
 *     reloading-topology      a network of the daemon's IA and port range whose interfaces
 *                             a reloader filled (Go: daemon.ReloadingTopology), after two
 *                             reloads
 *     paths DST [--refresh]   every path with all its metadata
 *     notify-if-down IA ID    revoke interface ID of IA (Go: RevNotification)
 *
 * --repeat N [--interval-ms MS] asks N times over the same handle, printing "attempt I ok" or
 * "attempt I error: ..." for each (the acceptance run restarts the daemon meanwhile: the
 * handle must reconnect), then the last answer.
 *
 * For people and for the acceptance run, which compares it with what Go's daemon.Connector
 * returns. Exit 0, or 2 with the (last) error on stderr (status, gRPC status and message). */
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "daemon_cli.h"

static const char usage[] =
	"snet-daemon-query [options] REQUEST\n"
	"One SCION daemon request at a time, its reply printed as Go's daemon.Connector gives it.\n"
	"REQUEST: as [IA] | port-range | interfaces | services | topology |\n"
	"         reloading-topology | paths DST [--refresh] | notify-if-down IA ID\n"
	"  --sciond ADDR      the daemon (also --daemon; default $SCION_DAEMON,\n"
	"                     environment.json, 127.0.0.1:30255)\n"
	"  --timeout-ms MS    per request (1..3600000)\n"
	"  --repeat N         the request N times (--interval-ms MS apart), for measurements\n"
	"Exit: 0 answered, 1 the daemon failed, 2 usage.";

static struct {
	struct cli_daemon cd;
	snet_daemon_req_t req;
	json_t *out;
	int status;
	bool done;
	snet_topology topo;
	/* reloading-topology */
	bool reloading;
	snet_network_t net;
	snet_topo_reloader_t rl;
	int reloads;
	char reload_err[SNET_DAEMON_MESSAGE_MAX + 64];
} Q;

static json_t *ia_json(uint64_t ia)
{
	char b[SNET_IA_STRLEN];
	snet_ia_format(ia, b, sizeof(b));
	return json_string(b);
}

static json_t *addr_json(const struct sockaddr_storage *ss)
{
	char b[80];
	return json_string(cli_sockaddr_str(ss, b, sizeof(b)));
}

static json_t *hex_json(const uint8_t *b, size_t n)
{
	char *s = malloc(2 * n + 1);
	for (size_t i = 0; i < n; i++)
		snprintf(s + 2 * i, 3, "%02x", b[i]);
	s[2 * n] = '\0';
	json_t *j = json_string(s);
	free(s);
	return j;
}

static json_t *u64_json(uint64_t v)
{
	/* jansson integers are signed 64-bit; IDs above that become decimal strings */
	if (v > INT64_MAX) {
		char b[24];
		snprintf(b, sizeof(b), "%" PRIu64, v);
		return json_string(b);
	}
	return json_integer((json_int_t)v);
}

static json_t *floats_bits(float f)
{
	uint32_t u;
	memcpy(&u, &f, 4);
	return json_integer(u);
}

static json_t *meta_json(const snet_path *p)
{
	const snet_path_metadata *m = p->meta;
	json_t *o = json_object(), *a;
	a = json_array();
	for (size_t i = 0; i < m->n_latency; i++)
		json_array_append_new(a, json_integer(m->latency_ns[i]));
	json_object_set_new(o, "latency", a);
	a = json_array();
	for (size_t i = 0; i < m->n_bandwidth; i++)
		json_array_append_new(a, u64_json(m->bandwidth_kbps[i]));
	json_object_set_new(o, "bandwidth", a);
	a = json_array();
	for (size_t i = 0; i < m->n_geo; i++)
		json_array_append_new(a, json_pack("{s:o, s:o, s:s}", "latitude_bits",
						   floats_bits(m->geo[i].latitude), "longitude_bits",
						   floats_bits(m->geo[i].longitude), "address",
						   m->geo[i].address));
	json_object_set_new(o, "geo", a);
	a = json_array();
	for (size_t i = 0; i < m->n_link_types; i++)
		json_array_append_new(a, json_integer(m->link_types[i]));
	json_object_set_new(o, "link_type", a);
	a = json_array();
	for (size_t i = 0; i < m->n_internal_hops; i++)
		json_array_append_new(a, json_integer(m->internal_hops[i]));
	json_object_set_new(o, "internal_hops", a);
	a = json_array();
	for (size_t i = 0; i < m->n_notes; i++)
		json_array_append_new(a, json_string(m->notes[i]));
	json_object_set_new(o, "notes", a);
	/* As Go's snet.EpicAuths shows it: empty authenticators are nil there, as if absent. */
	if (m->epic && (m->epic_phvf_len || m->epic_lhvf_len))
		json_object_set_new(o, "epic", json_pack("{s:o, s:o}", "phvf",
							 hex_json(m->epic_phvf, m->epic_phvf_len),
							 "lhvf",
							 hex_json(m->epic_lhvf, m->epic_lhvf_len)));
	json_t *d = json_object();
	for (size_t i = 0; i < m->n_discovery; i++) {
		const snet_path_discovery *di = &m->discovery[i];
		json_t *cs = json_array(), *ds = json_array();
		for (size_t k = 0; k < di->n_control; k++)
			json_array_append_new(cs, addr_json(&di->control[k]));
		for (size_t k = 0; k < di->n_discovery; k++)
			json_array_append_new(ds, addr_json(&di->discovery[k]));
		char ia[SNET_IA_STRLEN];
		snet_ia_format(di->ia, ia, sizeof(ia));
		json_object_set_new(d, ia, json_pack("{s:o, s:o}", "control", cs, "discovery", ds));
	}
	json_object_set_new(o, "discovery", d);
	return o;
}

static json_t *path_json(const snet_path *p)
{
	json_t *ifs = json_array();
	for (size_t i = 0; i < p->n_ifs; i++)
		json_array_append_new(ifs, json_pack("{s:o, s:o}", "isd_as", ia_json(p->ifs[i].ia),
						     "id", u64_json(p->ifs[i].id)));
	uint8_t fp[SNET_PATH_FINGERPRINT_LEN];
	bool has_fp = snet_path_fingerprint(p, fp);
	/* Go's time.Unix normalisation */
	int64_t sec = p->expiry + p->expiry_nsec / 1000000000;
	int64_t ns = p->expiry_nsec % 1000000000;
	if (ns < 0)
		ns += 1000000000, sec--;
	json_t *o = json_pack("{s:o, s:o, s:o, s:o, s:o, s:i, s:I, s:I, s:o, s:o}", "src",
			      ia_json(p->src), "dst", ia_json(p->dst), "raw",
			      hex_json(p->raw, p->len), "interfaces", ifs, "fingerprint",
			      has_fp ? hex_json(fp, sizeof(fp)) : json_string(""), "mtu", p->mtu,
			      "expiry_unix", (json_int_t)sec, "expiry_nsec", (json_int_t)ns,
			      "next_hop",
			      p->next_hop.ss_family ? addr_json(&p->next_hop) : json_string(""),
			      "metadata", meta_json(p));
	return o;
}

static void done(int status)
{
	Q.done = true;
	Q.status = status;
}

static void paths_cb(snet_daemon_req_t *req, int status, snet_path_set *set)
{
	done(status);
	if (status)
		return;
	Q.out = json_array();
	for (size_t i = 0; i < set->n; i++)
		json_array_append_new(Q.out, path_json(&set->paths[i]));
	snet_path_set_free(set);
}

static void as_cb(snet_daemon_req_t *req, int status, const snet_daemon_as_info *info)
{
	done(status);
	if (!status)
		Q.out = json_pack("{s:o, s:b, s:i}", "isd_as", ia_json(info->ia), "core", info->core,
				  "mtu", info->mtu);
}

static void ifs_cb(snet_daemon_req_t *req, int status, const snet_daemon_if *ifs, size_t n)
{
	done(status);
	if (status)
		return;
	Q.out = json_object();
	for (size_t i = 0; i < n; i++) {
		char k[24];
		snprintf(k, sizeof(k), "%" PRIu64, ifs[i].id);
		json_object_set_new(Q.out, k, addr_json(&ifs[i].addr));
	}
}

static void svc_cb(snet_daemon_req_t *req, int status, const snet_daemon_service *s, size_t n)
{
	done(status);
	if (status)
		return;
	Q.out = json_object();
	for (size_t i = 0; i < n; i++) {
		json_t *u = json_array();
		for (size_t k = 0; k < s[i].n_uris; k++)
			json_array_append_new(u, json_string(s[i].uris[k]));
		json_object_set_new(Q.out, s[i].name, u);
	}
}

static void ports_cb(snet_daemon_req_t *req, int status, uint16_t start, uint16_t end)
{
	done(status);
	if (!status)
		Q.out = json_pack("{s:i, s:i}", "start", start, "end", end);
}

static json_t *topology_json(const snet_topology *t)
{
	json_t *ifs = json_object();
	for (size_t i = 0; i < t->n_ifs; i++) {
		char k[8];
		snprintf(k, sizeof(k), "%u", t->ifs[i].ifid);
		json_object_set_new(ifs, k, addr_json(&t->ifs[i].br));
	}
	return json_pack("{s:o, s:i, s:i, s:o}", "isd_as", ia_json(t->local_ia), "port_start",
			 t->port_start, "port_end", t->port_end, "interfaces", ifs);
}

static void network_closed(snet_network_t *net)
{
	done(Q.status);
}

static void reloader_closed(snet_topo_reloader_t *r)
{
	snet_network_close(&Q.net, network_closed);
}

/* Two good reloads (the first fills the interfaces, the second finds them the same), or the
 * first failure, end it: the network's topology is the answer. */
static void on_reload(snet_topo_reloader_t *r, int status, const char *message)
{
	if (status < 0) {
		snprintf(Q.reload_err, sizeof(Q.reload_err), "reloading interfaces: %s",
			 *message ? message : snet_strerror(status));
		Q.status = status;
	} else if (++Q.reloads < 2) {
		return;
	} else {
		Q.out = topology_json(snet_network_topology(&Q.net));
	}
	snet_topo_reloader_close(r, reloader_closed);
}

/* Go's NewReloadingTopology: the IA and port range once, the interfaces by the reloader. */
static void start_reloading(snet_daemon_t *d)
{
	snet_topology base;
	snet_network_opts o;
	snet_topology_init(&base, Q.topo.local_ia, Q.topo.port_start, Q.topo.port_end);
	snet_network_opts_default(&o);
	o.flags = SNET_NETWORK_NO_NETLINK;
	int rc = snet_network_init(d->loop, &Q.net, &base, &o);
	if (rc) {
		done(rc);
		return;
	}
	rc = snet_topo_reloader_start(&Q.rl, d, &Q.net, 100, on_reload);
	if (rc) {
		Q.status = rc;
		snet_network_close(&Q.net, network_closed);
	}
}

static void done_cb(snet_daemon_req_t *req, int status)
{
	if (status || req->type != SNET_DAEMON_TOPOLOGY) {
		done(status);
		if (!status)
			Q.out = json_object();
		return;
	}
	if (Q.reloading) {
		start_reloading(req->daemon);
		return;
	}
	done(status);
	Q.out = topology_json(&Q.topo);
}

static uint64_t ia_arg(const char *s, const char *what)
{
	uint64_t ia;
	if (snet_ia_parse(s, strlen(s), &ia))
		cli_bad("snet-daemon-query", what, "not an ISD-AS", s);
	return ia;
}

/* Starts the call the command names. */
static int start(snet_daemon_t *d, int argc, char **argv)
{
	const char *cmd = argv[0];
	snet_daemon_req_t *r = &Q.req;
	if (!strcmp(cmd, "as") && argc <= 2)
		return snet_daemon_as(d, r, argc == 2 ? ia_arg(argv[1], "as") : 0, as_cb);
	if (!strcmp(cmd, "port-range") && argc == 1)
		return snet_daemon_port_range(d, r, ports_cb);
	if (!strcmp(cmd, "interfaces") && argc == 1)
		return snet_daemon_interfaces(d, r, ifs_cb);
	if (!strcmp(cmd, "services") && argc == 1)
		return snet_daemon_services(d, r, svc_cb);
	Q.reloading = !strcmp(cmd, "reloading-topology");
	if ((Q.reloading || !strcmp(cmd, "topology")) && argc == 1) {
		Q.reloads = 0;
		Q.status = 0;
		return snet_daemon_topology(d, r, &Q.topo, done_cb);
	}
	if (!strcmp(cmd, "paths") && (argc == 2 || (argc == 3 && !strcmp(argv[2], "--refresh"))))
		return snet_daemon_paths(d, r, 0, ia_arg(argv[1], "paths"),
					 argc == 3 ? SNET_DAEMON_REFRESH : 0, paths_cb);
	if (!strcmp(cmd, "notify-if-down") && argc == 3) {
		char *e;
		unsigned long long id = strtoull(argv[2], &e, 10);
		if (*e || e == argv[2])
			cli_bad("snet-daemon-query", "notify-if-down", "not an interface ID", argv[2]);
		return snet_daemon_notify_if_down(d, r, ia_arg(argv[1], "notify-if-down"), id,
						  done_cb);
	}
	cli_bad("snet-daemon-query", "request",
		"expected as [IA] | port-range | interfaces | services | topology | "
		"reloading-topology | paths DST [--refresh] | notify-if-down IA ID",
		cmd);
}

int main(int argc, char **argv)
{
	const char *sciond = NULL;
	long timeout = 0, repeat = 1, interval = 100;
	int i = 1;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if ((!strcmp(argv[i], "--sciond") || !strcmp(argv[i], "--daemon")) && i + 1 < argc) {
			sciond = argv[++i];
		} else if (!strcmp(argv[i], "--timeout-ms") && i + 1 < argc) {
			char *e;
			timeout = strtol(argv[++i], &e, 10);
			if (*e || timeout <= 0 || timeout > 3600000)
				cli_bad("snet-daemon-query", "--timeout-ms", "not 1..3600000", argv[i]);
		} else if ((!strcmp(argv[i], "--repeat") || !strcmp(argv[i], "--interval-ms")) &&
			   i + 1 < argc) {
			bool rep = !strcmp(argv[i], "--repeat");
			char *e;
			long v = strtol(argv[++i], &e, 10);
			if (*e || v < (rep ? 1 : 0) || v > 100000)
				cli_bad("snet-daemon-query", rep ? "--repeat" : "--interval-ms",
					rep ? "not 1..100000" : "not 0..100000", argv[i]);
			*(rep ? &repeat : &interval) = v;
		} else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			cli_help(usage);
		} else {
			cli_bad("snet-daemon-query", "option", "unknown (--help lists them)", argv[i]);
		}
	}
	if (i >= argc)
		cli_usage("snet-daemon-query [options] REQUEST (--help lists them)");
	uv_loop_t *loop = uv_default_loop();
	cli_daemon_open(&Q.cd, loop, "snet-daemon-query", sciond, (uint32_t)timeout);
	int rc = 0;
	char err[512];
	for (long k = 0; k < repeat; k++) {
		if (k)
			uv_sleep((unsigned)interval);
		json_decref(Q.out);
		Q.out = NULL;
		Q.done = false;
		Q.reload_err[0] = '\0';
		rc = start(&Q.cd.d, argc - i, argv + i);
		while (rc == 0 && !Q.done && uv_run(loop, UV_RUN_ONCE))
			;
		if (rc == 0)
			rc = Q.status;
		if (rc && *Q.reload_err)
			snprintf(err, sizeof(err), "daemon %s: %s", Q.cd.addr, Q.reload_err);
		else if (rc)
			cli_daemon_error(&Q.cd, argv[i], rc, Q.done ? &Q.req : NULL, err, sizeof(err));
		if (repeat > 1)
			printf("attempt %ld %s%s\n", k + 1, rc ? "error: " : "ok", rc ? err : "");
		fflush(stdout);
	}
	if (rc) {
		fprintf(stderr, "snet-daemon-query: %s\n", err);
		cli_daemon_close(&Q.cd);
		return 1;
	}
	cli_daemon_close(&Q.cd);
	char *s = json_dumps(Q.out, JSON_INDENT(2) | JSON_SORT_KEYS);
	printf("%s\n", s);
	free(s);
	json_decref(Q.out);
	return 0;
}
