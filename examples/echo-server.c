/* SPDX-License-Identifier: Apache-2.0 */
/* A wildcard SCION/UDP echo server: the smallest complete libsnet server.
 *
 *   echo-server TOPOLOGY.json PORT
 *
 * It binds [::]:PORT (IPv6 and IPv4 in one socket) and answers every datagram with the same
 * bytes. On a multihomed host the answer leaves from the exact address the client reached,
 * towards the router the request came through: the conn does that by itself, because the
 * sender address it hands us (msg->from) carries the reversed path, the last hop and the
 * local address (reply_src). SIGINT prints counters and closes: conns first, then the
 * network. */
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

static struct server {
	uv_loop_t *loop;
	snet_network_t net;
	snet_conn_t conn;
	uv_signal_t sigint;
	struct reply slots[SLOTS];
	unsigned long received, answered, no_slot, send_errors;
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
	uv_close((uv_handle_t *)&S.sigint, NULL);
}

static void on_conn_closed(snet_conn_t *conn)
{
	/* The network goes last: every conn of it must be closed (or closing) first. */
	snet_network_close(&S.net, on_network_closed);
}

static void on_sigint(uv_signal_t *sig, int signum)
{
	printf("received %lu answered %lu no_slot %lu send_errors %lu\n", S.received, S.answered,
	       S.no_slot, S.send_errors);
	snet_conn_close(&S.conn, on_conn_closed);
	uv_signal_stop(sig);
}

/* The local AS, its dispatched ports and its routers, from Go's topology.json. (A program on
 * a real SCION host can ask the daemon instead: snet_daemon_topology, see paths.c.) */
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

int main(int argc, char **argv)
{
	snet_topology topo;
	struct sockaddr_in6 any = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_ANY_INIT };
	char *end;
	long port = argc == 3 ? strtol(argv[2], &end, 10) : -1;

	if (argc != 3 || *end || port < 1 || port > 65535) {
		fprintf(stderr, "usage: echo-server TOPOLOGY.json PORT\n");
		return 2;
	}
	if (load_topology(argv[1], &topo))
		return 1;
	S.loop = uv_default_loop();
	int err = snet_network_init(S.loop, &S.net, &topo, NULL);
	if (!err) {
		snet_conn_init(&S.net, &S.conn);
		any.sin6_port = htons((uint16_t)port);
		err = snet_conn_bind(&S.conn, (struct sockaddr *)&any, 0);
		if (!err)
			err = snet_conn_recv_start(&S.conn, on_recv);
	}
	if (err) {
		fprintf(stderr, "echo-server: %s (%s)\n", snet_strerror(err), snet_err_name(err));
		return 1;
	}
	uv_signal_init(S.loop, &S.sigint);
	uv_signal_start(&S.sigint, on_sigint, SIGINT);
	printf("listening on [::]:%ld\n", port);
	fflush(stdout);
	uv_run(S.loop, UV_RUN_DEFAULT);
	return uv_loop_close(S.loop) ? 1 : 0;
}
