/* SPDX-License-Identifier: Apache-2.0 */
/* A wildcard SCION/UDP echo server: the smallest complete libsnet server.
 *
 *   echo-server TOPOLOGY.json PORT
 *   echo-server --daemon ADDR PORT
 *
 * It binds [::]:PORT (IPv6 and IPv4 in one socket) and answers every datagram with the same
 * bytes. On a multihomed host the answer leaves from the exact address the client reached,
 * towards the router the request came through: the conn does that by itself, because the
 * sender address it hands us (msg->from) carries the reversed path, the last hop and the
 * local address (reply_src). The local AS, its ports and its routers come from Go's
 * topology.json, or from the SCION daemon as on a real SCION host; then a reloader keeps the
 * routers as the daemon reports them for as long as the server runs (Go's ReloadingTopology).
 * SIGINT prints counters and closes: the reloader, the conn, the network, the daemon. */
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <snet/snet.h>

/* One reply in flight. A send borrows its payload until its callback, and the received data
 * is only ours during the receive callback: each reply copies the payload into its own slot. */
struct reply {
	snet_send_t req;
	bool busy;
	char buf[2048];
};

#define SLOTS 64 /* replies in flight at once; a request that finds none free is dropped */

#define RELOAD_MS 30000 /* how often the routers are asked for again (Go's example: 30 s) */

static struct server {
	uv_loop_t *loop;
	snet_network_t net;
	snet_conn_t conn;
	uv_signal_t sigint;
	struct reply slots[SLOTS];
	unsigned long received, answered, no_slot, send_errors;
	uint16_t port;
	/* --daemon */
	bool have_daemon, have_reloader;
	snet_daemon_t daemon;
	snet_daemon_req_t dreq;
	snet_topology topo;
	snet_topo_reloader_t reloader;
} S;

static void on_sent(snet_send_t *req, int status)
{
	struct reply *r = req->data;
	r->busy = false; /* reusable from its callback on */
	if (status < 0) /* UV_ECANCELED when the conn closed under it */
		S.send_errors++;
	else
		S.answered++;
}

static struct reply *free_slot(void)
{
	for (int i = 0; i < SLOTS; i++)
		if (!S.slots[i].busy)
			return &S.slots[i];
	return NULL;
}

static void on_recv(snet_conn_t *conn, int status, const snet_msg *msg)
{
	if (status < 0) {
		fprintf(stderr, "echo-server: receive: %s\n", snet_strerror(status));
		return;
	}
	S.received++;
	struct reply *r = free_slot();
	if (!r || msg->len > sizeof(r->buf)) {
		S.no_slot++;
		return;
	}
	memcpy(r->buf, msg->data, msg->len);
	uv_buf_t b = uv_buf_init(r->buf, (unsigned)msg->len);
	r->req.data = r;
	/* msg->from is borrowed too, but only for this call: send copies what it needs. */
	int err = snet_conn_send(&r->req, conn, &b, 1, msg->from, on_sent);
	if (err) /* nothing was queued: the callback will not run */
		S.send_errors++;
	else
		r->busy = true;
}

static void on_network_closed(snet_network_t *net)
{
	if (S.have_daemon) /* it may go now: nothing uses it any more */
		snet_daemon_close(&S.daemon, NULL);
	uv_close((uv_handle_t *)&S.sigint, NULL);
}

static void on_conn_closed(snet_conn_t *conn)
{
	/* The network goes last: every conn of it must be closed (or closing) first. */
	snet_network_close(&S.net, on_network_closed);
}

static void close_conn(snet_topo_reloader_t *r)
{
	snet_conn_close(&S.conn, on_conn_closed);
}

static void on_sigint(uv_signal_t *sig, int signum)
{
	printf("received %lu answered %lu no_slot %lu send_errors %lu\n", S.received, S.answered,
	       S.no_slot, S.send_errors);
	fflush(stdout);
	uv_signal_stop(sig);
	/* The reloader first: it writes into the network. It lets a request in flight finish. */
	if (S.have_reloader)
		snet_topo_reloader_close(&S.reloader, close_conn);
	else
		close_conn(NULL);
}

/* After each reload: a change of routers is news; a failure keeps the routers there were. */
static void on_reload(snet_topo_reloader_t *r, int status, const char *message)
{
	if (status < 0)
		fprintf(stderr, "echo-server: reloading the routers: %s%s%s\n",
			snet_strerror(status), *message ? ": " : "", message);
	else if (status == 1)
		printf("routers: %zu interfaces\n", snet_network_topology(&S.net)->n_ifs);
	fflush(stdout);
}

/* The local AS, its dispatched ports and its routers, from Go's topology.json. (On a real
 * SCION host, ask the daemon instead: --daemon, ask_daemon below.) */
static int load_topology(const char *file, snet_topology *topo)
{
	static snet_topo_file f; /* large: fixed tables of routers and interfaces */
	char err[256];
	int rc = snet_topo_file_load(file, &f, err, sizeof(err));
	if (rc) {
		fprintf(stderr, "echo-server: %s\n", err); /* names the file and what is wrong */
		return rc;
	}
	return snet_topo_file_topology(&f, topo);
}

/* The network of topo, the conn on [::]:port, and (with the daemon) the reloader. */
static int serve(const snet_topology *topo)
{
	struct sockaddr_in6 any = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_ANY_INIT };
	int err = snet_network_init(S.loop, &S.net, topo, NULL);
	if (err)
		return err;
	snet_conn_init(&S.net, &S.conn);
	any.sin6_port = htons(S.port);
	err = snet_conn_bind(&S.conn, (struct sockaddr *)&any, 0);
	if (!err)
		err = snet_conn_recv_start(&S.conn, on_recv);
	if (!err && S.have_daemon) {
		err = snet_topo_reloader_start(&S.reloader, &S.daemon, &S.net, RELOAD_MS, on_reload);
		S.have_reloader = err == 0;
	}
	if (err)
		return err;
	uv_signal_init(S.loop, &S.sigint);
	uv_signal_start(&S.sigint, on_sigint, SIGINT);
	printf("listening on [::]:%u\n", S.port);
	fflush(stdout);
	return 0;
}

static void give_up(const char *what, int err)
{
	fprintf(stderr, "echo-server: %s: %s (%s)\n", what, snet_strerror(err), snet_err_name(err));
	exit(1);
}

static void on_topology(snet_daemon_req_t *req, int status)
{
	char ia[SNET_IA_STRLEN];
	if (status < 0) {
		fprintf(stderr, "echo-server: %s\n", snet_daemon_req_message(req));
		give_up("daemon topology", status);
	}
	snet_ia_format(S.topo.local_ia, ia, sizeof(ia));
	printf("AS %s from the daemon, %zu interfaces\n", ia, S.topo.n_ifs);
	int err = serve(&S.topo);
	if (err)
		give_up("serve", err);
}

/* The daemon's address as Go's tools find it (ADDR, else $SCION_DAEMON, environment.json,
 * 127.0.0.1:30255); the topology comes back in on_topology. */
static void ask_daemon(const char *given)
{
	char addr[256], err[256];
	int rc = snet_daemon_address(given, NULL, addr, sizeof(addr), err, sizeof(err));
	if (!rc)
		rc = snet_daemon_init(S.loop, &S.daemon, addr, NULL);
	if (rc)
		give_up(rc == SNET_E_BAD_JSON ? err : "daemon", rc);
	S.have_daemon = true;
	rc = snet_daemon_topology(&S.daemon, &S.dreq, &S.topo, on_topology);
	if (rc)
		give_up("daemon", rc);
}

int main(int argc, char **argv)
{
	bool daemon = argc == 4 && !strcmp(argv[1], "--daemon");
	char *end;
	long port = argc == 3 || daemon ? strtol(argv[argc - 1], &end, 10) : -1;

	if ((argc != 3 && !daemon) || *end || port < 1 || port > 65535) {
		fprintf(stderr, "usage: echo-server TOPOLOGY.json PORT\n"
				"       echo-server --daemon ADDR PORT\n");
		return 2;
	}
	S.loop = uv_default_loop();
	S.port = (uint16_t)port;
	if (daemon) {
		ask_daemon(argv[2]);
	} else {
		if (load_topology(argv[1], &S.topo))
			return 1;
		int err = serve(&S.topo);
		if (err)
			give_up("serve", err);
	}
	uv_run(S.loop, UV_RUN_DEFAULT);
	return uv_loop_close(S.loop) ? 1 : 0;
}
