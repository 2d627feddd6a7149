/* SPDX-License-Identifier: Apache-2.0 */
/* Path probing as Go's pathprobe does it: for each path, an SCMP traceroute request with the
 * router alert flag on the last hop field, to the destination AS (SVC none). The router at
 * the ingress of the destination AS answers: alive. An SCMP interface-down error names what is
 * broken; silence until the deadline is a timeout. Replies are matched by sequence number
 * (Go matches by reply path; both identify the probe). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cli.h"
#include "showpaths.h"

static struct probe {
	struct sp_result *r;
	snet_network_t net;
	snet_conn_t conn;
	uv_timer_t deadline;
	snet_send_t *req;
	uint8_t (*raw)[SNET_PATH_MAX_LEN];
	size_t pending;
	bool done;
	int open; /* handles not yet closed: the timer, the conn, the network */
} P;

static void timer_closed(uv_handle_t *h)
{
	P.open--;
}

static void conn_closed(snet_conn_t *c)
{
	P.open--;
}

static void net_closed(snet_network_t *n)
{
	P.open--;
}

static void finish(void)
{
	if (P.done)
		return;
	P.done = true;
	uv_close((uv_handle_t *)&P.deadline, timer_closed);
	if (P.net.priv_) {
		snet_conn_close(&P.conn, conn_closed);
		snet_network_close(&P.net, net_closed);
	}
}

/* Runs the loop until the probe's own handles are gone (the loop may hold others). */
static void run(uv_loop_t *loop)
{
	while (P.open > 0 && uv_run(loop, UV_RUN_ONCE))
		;
}

static void on_deadline(uv_timer_t *t)
{
	finish();
}

static void on_recv(snet_conn_t *c, int status, const snet_msg *m)
{
	/* Probes get SCMP only; anything else is not ours to read. */
}

static void set(size_t i, const char *status, const char *info)
{
	struct sp_status *st = &P.r->status[i];
	if (strcmp(st->status, "timeout") != 0)
		return; /* the first answer counts */
	st->status = status;
	snprintf(st->info, sizeof(st->info), "%s", info);
	if (--P.pending == 0)
		finish();
}

/* The probe an SCMP message answers: its sequence number, directly or in the quote. */
static long probe_of(const snet_scmp_msg *m)
{
	if (m->scmp->type == SNET_SCMP_TRACEROUTE_REPLY)
		return m->scmp->seq;
	snet_pkt q;
	size_t off;
	if (snet_pkt_parse(m->data, m->len, &q, &off) != 0 || q.l4 != SNET_PROTO_SCMP ||
	    q.scmp.type != SNET_SCMP_TRACEROUTE_REQUEST)
		return -1;
	return q.scmp.seq;
}

static void on_scmp(snet_conn_t *c, const snet_scmp_msg *m)
{
	long seq = probe_of(m) - 1;
	char ia[SNET_IA_STRLEN], info[128];
	if (seq < 0 || (size_t)seq >= P.r->n)
		return;
	snet_ia_format(m->scmp->ia, ia, sizeof(ia));
	switch (m->scmp->type) {
	case SNET_SCMP_TRACEROUTE_REPLY:
		set((size_t)seq, "alive", "");
		break;
	case SNET_SCMP_EXT_IF_DOWN:
		snprintf(info, sizeof(info), "external interface down: isd_as=%s interface=%llu", ia,
			 (unsigned long long)m->scmp->interface);
		set((size_t)seq, "scmp", info);
		break;
	case SNET_SCMP_INT_CONN_DOWN:
		snprintf(info, sizeof(info),
			 "internal connectivity down: isd_as=%s ingress=%llu egress=%llu", ia,
			 (unsigned long long)m->scmp->ingress, (unsigned long long)m->scmp->egress);
		set((size_t)seq, "scmp", info);
		break;
	default:
		snprintf(info, sizeof(info), "unknown payload type: (SCMP %s)",
			 snet_scmp_type_name(m->scmp->type));
		set((size_t)seq, "unknown", info);
	}
}

static void on_sent(snet_send_t *r, int status)
{
	size_t i = (size_t)(r - P.req);
	if (status < 0 && !P.done) {
		char info[128];
		snprintf(info, sizeof(info), "sending probe: %s", snet_strerror(status));
		set(i, "unknown", info);
	}
}

int sp_probe(uv_loop_t *loop, const snet_topology *topo, struct sp_result *r, const char *local,
	     uint32_t timeout_ms, char *err, size_t cap)
{
	memset(&P, 0, sizeof(P));
	P.r = r;
	r->status = calloc(r->n + 1, sizeof(*r->status));
	P.req = calloc(r->n + 1, sizeof(*P.req));
	P.raw = calloc(r->n + 1, sizeof(*P.raw));
	if (!r->status || !P.req || !P.raw)
		return -ENOMEM;
	uv_timer_init(loop, &P.deadline);
	int rc = snet_network_init(loop, &P.net, topo, NULL);
	P.open = rc ? 1 : 3;
	if (rc == 0)
		snet_conn_init(&P.net, &P.conn);
	struct sockaddr_storage ss;
	cli_parse_sockaddr(local ? local : "[::]:0", &ss);
	if (rc == 0)
		rc = snet_conn_bind(&P.conn, (struct sockaddr *)&ss, 0);
	snet_udp_addr me;
	if (rc == 0)
		rc = snet_conn_local(&P.conn, &me);
	if (rc) {
		snprintf(err, cap, "creating packet conn: %s", snet_strerror(rc));
		finish();
		run(loop);
		return rc;
	}
	snet_conn_set_scmp_cb(&P.conn, on_scmp);
	snet_conn_recv_start(&P.conn, on_recv);
	for (size_t i = 0; i < r->n; i++) {
		const snet_path *p = r->paths[i];
		struct sp_status *st = &r->status[i];
		if (p->type != SNET_PATH_SCION)
			continue; /* Go: FilterEmptyPaths; no status */
		int e = cli_local_ip(&p->next_hop, st->local_ip, sizeof(st->local_ip));
		if (e) {
			st->status = "unknown";
			snprintf(st->info, sizeof(st->info), "Failed to resolve local IP: %s",
				 strerror(-e));
			continue;
		}
		st->status = "timeout";
		int n = snet_path_alert_last(p->raw, p->len, P.raw[i], SNET_PATH_MAX_LEN);
		snet_udp_addr dst = { .ia = r->dst, .path_type = SNET_PATH_SCION, .path = P.raw[i],
				      .path_len = n > 0 ? (size_t)n : 0, .next_hop = p->next_hop };
		dst.host.type = SNET_HOST_SVC;
		dst.host.svc = SNET_SVC_NONE;
		snet_scmp m = { .type = SNET_SCMP_TRACEROUTE_REQUEST, .identifier = me.port,
				.seq = (uint16_t)(i + 1) };
		P.pending++;
		e = n < 0 ? n : snet_conn_send_scmp(&P.req[i], &P.conn, &m, NULL, 0, &dst, on_sent);
		if (e) {
			char info[128];
			snprintf(info, sizeof(info), "sending probe: %s", snet_strerror(e));
			set(i, "unknown", info);
		}
	}
	uv_timer_start(&P.deadline, on_deadline, timeout_ms, 0);
	if (P.pending == 0)
		finish();
	run(loop);
	free(P.req);
	free(P.raw);
	return 0;
}
