/* SPDX-License-Identifier: Apache-2.0 */
/* A SCION/UDP echo client: one request, one reply or a timeout.
 *
 *   echo-client [--topology FILE] [--paths FILE] [--daemon ADDR] [IA,IP]:PORT [MESSAGE]
 *
 * The local AS comes from Go's topology.json (--topology) or else from the SCION daemon, as
 * on a real SCION host. A destination in another AS needs a path: the first one the daemon
 * gives, or the first unexpired one in a path file (--paths, written by snet-topogen). A
 * destination in the local AS needs none.
 *
 * libsnet has no deadline on a send or receive: a timeout is a uv_timer_t, and giving up is
 * closing the conn. The close order is conns first, then the network, then the daemon. */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <snet/snet.h>

#define TIMEOUT_MS 1000

static struct client {
	uv_loop_t *loop;
	const char *topology_file, *paths_file, *daemon_addr, *message;
	snet_udp_addr dst;
	snet_topology topo;
	snet_daemon_t daemon;
	snet_daemon_req_t dreq;
	bool have_daemon, have_network, have_conn;
	snet_network_t net;
	snet_conn_t conn;
	snet_send_t send;
	uv_timer_t timeout;
	int rc;
} C = { .rc = 1 };

static void on_network_closed(snet_network_t *net)
{
	if (C.have_daemon)
		snet_daemon_close(&C.daemon, NULL);
}

static void on_conn_closed(snet_conn_t *conn)
{
	snet_network_close(&C.net, on_network_closed);
}

/* Everything ends here, whatever happened: conn, network, daemon, timer. */
static void finish(int rc)
{
	C.rc = rc;
	uv_close((uv_handle_t *)&C.timeout, NULL);
	if (C.have_conn)
		snet_conn_close(&C.conn, on_conn_closed);
	else if (C.have_network)
		snet_network_close(&C.net, on_network_closed);
	else if (C.have_daemon)
		snet_daemon_close(&C.daemon, NULL);
}

static void fail(const char *what, int err)
{
	fprintf(stderr, "echo-client: %s: %s (%s)\n", what, snet_strerror(err), snet_err_name(err));
	finish(1);
}

static void on_timeout(uv_timer_t *t)
{
	fprintf(stderr, "echo-client: no reply within %d ms\n", TIMEOUT_MS);
	finish(1);
}

static void on_recv(snet_conn_t *conn, int status, const snet_msg *msg)
{
	char from[SNET_ADDR_STRLEN];
	if (status < 0)
		return fail("receive", status);
	snet_udp_addr_format(msg->from, from, sizeof(from));
	printf("reply from %s: %.*s\n", from, (int)msg->len, (const char *)msg->data);
	finish(0); /* closing our own conn from its callback is fine */
}

/* Routers answer with SCMP when a path is broken; without this callback they are dropped. */
static void on_scmp(snet_conn_t *conn, const snet_scmp_msg *m)
{
	fprintf(stderr, "echo-client: SCMP type %u code %u%s\n", m->scmp->type, m->scmp->code,
		m->path_down ? " (an interface on the path is down)" : "");
}

static void on_sent(snet_send_t *req, int status)
{
	if (status < 0 && status != UV_ECANCELED)
		fail("send", status);
}

static void send_request(void)
{
	uv_buf_t b = uv_buf_init((char *)C.message, (unsigned)strlen(C.message));
	int err = snet_conn_send(&C.send, &C.conn, &b, 1, &C.dst, on_sent);
	if (err)
		return fail("send", err);
	uv_timer_start(&C.timeout, on_timeout, TIMEOUT_MS, 0);
}

static void on_paths(snet_daemon_req_t *req, int status, snet_path_set *set)
{
	if (status < 0)
		return fail(snet_daemon_req_message(req), status);
	if (set->n == 0) {
		snet_path_set_free(set);
		return fail("daemon", SNET_E_NO_PATH);
	}
	snet_path_apply(&set->paths[0], &C.dst); /* dst borrows the path... */
	send_request();                          /* ...which the send copies */
	snet_path_set_free(set);
}

/* A path from the file: the first to the destination that has not expired. */
static int path_from_file(void)
{
	snet_pathdb db;
	const snet_path *p;
	char err[256];
	int rc = snet_pathdb_load(C.paths_file, &db, err, sizeof(err));
	if (rc) {
		fprintf(stderr, "echo-client: %s\n", err); /* names the file and what is wrong */
		return rc;
	}
	if (snet_pathdb_query(&db, C.topo.local_ia, C.dst.ia, (uint64_t)time(NULL), &p, 1) == 0)
		rc = SNET_E_NO_PATH;
	else
		snet_path_apply(p, &C.dst);
	if (!rc)
		send_request();
	snet_pathdb_free(&db);
	return rc;
}

static void start(void)
{
	/* [::] takes both families: the underlay towards the first router decides, not the
	 * server's address (an IPv6-only host reaches IPv4 servers across an IPv6 underlay). */
	struct sockaddr_in6 any = { .sin6_family = AF_INET6 };
	int err = snet_network_init(C.loop, &C.net, &C.topo, NULL);
	if (err)
		return fail("network", err);
	C.have_network = true;
	snet_conn_init(&C.net, &C.conn);
	C.have_conn = true;
	/* Port 0: a free port of the AS's dispatched range, so replies reach us directly. */
	err = snet_conn_bind(&C.conn, (struct sockaddr *)&any, 0);
	if (!err)
		err = snet_conn_recv_start(&C.conn, on_recv);
	if (err)
		return fail("bind", err);
	snet_conn_set_scmp_cb(&C.conn, on_scmp);
	if (C.dst.ia == C.topo.local_ia)
		send_request(); /* the local AS: no path, straight to the host */
	else if (C.paths_file)
		(err = path_from_file()) ? fail("path", err) : (void)0;
	else if ((err = snet_daemon_paths(&C.daemon, &C.dreq, 0, C.dst.ia, 0, on_paths)))
		fail("daemon", err);
}

static void on_topology(snet_daemon_req_t *req, int status)
{
	if (status < 0)
		return fail("daemon topology", status);
	start();
}

static int parse_args(int argc, char **argv)
{
	int i = 1;
	for (; i + 1 < argc && argv[i][0] == '-'; i += 2) {
		if (!strcmp(argv[i], "--topology"))
			C.topology_file = argv[i + 1];
		else if (!strcmp(argv[i], "--paths"))
			C.paths_file = argv[i + 1];
		else if (!strcmp(argv[i], "--daemon"))
			C.daemon_addr = argv[i + 1];
		else
			return -1;
	}
	if (i >= argc || argc - i > 2)
		return -1;
	int err = snet_udp_addr_parse(argv[i], strlen(argv[i]), &C.dst);
	if (err) {
		fprintf(stderr, "echo-client: %s: %s\n", argv[i], snet_strerror(err));
		return -1;
	}
	C.message = i + 1 < argc ? argv[i + 1] : "hello";
	return 0;
}

int main(int argc, char **argv)
{
	static snet_topo_file f;
	char addr[256], err[256];
	if (parse_args(argc, argv)) {
		fprintf(stderr, "usage: echo-client [--topology FILE] [--paths FILE] [--daemon ADDR] "
				"[IA,IP]:PORT [MESSAGE]\n");
		return 2;
	}
	C.loop = uv_default_loop();
	uv_timer_init(C.loop, &C.timeout);
	/* The daemon: for the topology when there is no file, and for paths when there is no
	 * path file. Init does no I/O; the connection opens on the first request. */
	if (!C.topology_file || !C.paths_file) {
		int rc = snet_daemon_address(C.daemon_addr, NULL, addr, sizeof(addr), err, sizeof(err));
		if (!rc)
			rc = snet_daemon_init(C.loop, &C.daemon, addr, NULL);
		if (rc) {
			fprintf(stderr, "echo-client: daemon: %s\n", rc == SNET_E_BAD_JSON ? err : snet_strerror(rc));
			return 1;
		}
		C.have_daemon = true;
	}
	if (C.topology_file) {
		int rc = snet_topo_file_load(C.topology_file, &f, err, sizeof(err));
		if (rc) {
			fprintf(stderr, "echo-client: %s\n", err); /* names the file and the key */
			finish(1);
		} else if ((rc = snet_topo_file_topology(&f, &C.topo))) {
			fail(C.topology_file, rc);
		} else {
			start();
		}
	} else {
		int rc = snet_daemon_topology(&C.daemon, &C.dreq, &C.topo, on_topology);
		if (rc)
			fail("daemon", rc);
	}
	uv_run(C.loop, UV_RUN_DEFAULT);
	uv_loop_close(C.loop);
	return C.rc;
}
