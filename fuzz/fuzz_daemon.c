/* SPDX-License-Identifier: Apache-2.0 */
/* The daemon client's response side: whatever a daemon sends, through HTTP/2 (nghttp2), gRPC
 * framing and protobuf into paths and the other results. One call of each RPC is in flight.
 *
 * First byte even: the rest is the server's byte stream as it comes off the socket.
 * First byte odd: a well-formed HTTP/2 server (an nghttp2 server session in memory) answers the
 * calls in order, each as the input says: [kind][len:2][len bytes], kind picking a reply with
 * that message, a Trailers-Only error, a reset or a GOAWAY; so that the decoders see fuzzed
 * protobuf behind valid frames.
 * Every call must end exactly once, and every path must respect the documented bounds. */
#include <nghttp2/nghttp2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../snet/daemon/h2c.h"
#include "../snet/daemon/internal.h"
#include "../snet/daemon/messages.h"
#include "fuzz.h"
#include "snet/snet.h"

#define CALLS 6
static const snet_daemon_req_type rpc[CALLS] = { SNET_DAEMON_PATHS, SNET_DAEMON_AS,
						 SNET_DAEMON_INTERFACES, SNET_DAEMON_SERVICES,
						 SNET_DAEMON_PORT_RANGE,
						 SNET_DAEMON_NOTIFY_IF_DOWN };
static int ended[CALLS];

static void check_paths(const snet_path_set *set)
{
	for (size_t i = 0; i < set->n; i++) {
		const snet_path *p = &set->paths[i];
		if (p->n_ifs > SNET_PATH_MAX_IFS || p->len > sizeof(p->raw) || !p->meta)
			abort();
		for (size_t k = 0; k < p->meta->n_notes; k++)
			(void)strlen(p->meta->notes[k]);
		uint8_t fp[SNET_PATH_FINGERPRINT_LEN];
		char seq[4096];
		if (snet_path_fingerprint(p, fp) != (p->n_ifs > 0))
			abort();
		snet_path_sequence(p, seq, sizeof(seq));
	}
}

/* The interfaces as LoadTopology and the reloader take them: a refusal says why; a topology
 * has at most SNET_TOPO_MAX_IFS distinct non-zero IDs, each at the last address sent for it. */
static void check_topology(const snet_daemon_if *ifs, size_t n)
{
	snet_topology t;
	char why[SNET_DAEMON_MESSAGE_MAX] = "";
	snet_topology_init(&t, 0, 0, 0);
	if (snet__daemon_ifs_to_topology(&t, ifs, n, why, sizeof(why)) != 0) {
		if (!*why)
			abort();
		return;
	}
	if (t.n_ifs > SNET_TOPO_MAX_IFS || t.n_ifs > n)
		abort();
	for (size_t i = 0; i < t.n_ifs; i++)
		if (t.ifs[i].ifid == 0 || snet_topology_if(&t, t.ifs[i].ifid) != &t.ifs[i].br)
			abort();
	for (size_t i = 0; i < n; i++) {
		const struct sockaddr_storage *br = snet_topology_if(&t, (uint16_t)ifs[i].id);
		size_t last = i;
		for (size_t k = i + 1; k < n; k++)
			if (ifs[k].id == ifs[i].id)
				last = k;
		size_t len = ifs[i].addr.ss_family == AF_INET ? sizeof(struct sockaddr_in)
							      : sizeof(struct sockaddr_in6);
		if (!br || (last == i && memcmp(br, &ifs[i].addr, len) != 0))
			abort();
	}
}

static void on_reply(void *ctx, void *call, const struct snet__h2c_reply *r)
{
	size_t i = (size_t)(uintptr_t)call - 1;
	if (i >= CALLS || ended[i]++)
		abort();
	if (r->status || !r->message)
		return;
	char why[SNET_DAEMON_MESSAGE_MAX];
	switch (rpc[i]) {
	case SNET_DAEMON_PATHS: {
		snet_path_set *set;
		if (snet__daemon_decode_paths(r->msg, r->msg_len, 1, &set, why, sizeof(why)) == 0) {
			check_paths(set);
			snet_path_set_free(set);
		}
		break;
	}
	case SNET_DAEMON_AS: {
		snet_daemon_as_info a;
		snet__daemon_decode_as(r->msg, r->msg_len, &a, why, sizeof(why));
		break;
	}
	case SNET_DAEMON_INTERFACES: {
		snet_daemon_if *ifs;
		size_t n;
		if (snet__daemon_decode_ifs(r->msg, r->msg_len, &ifs, &n, why, sizeof(why)) == 0) {
			check_topology(ifs, n);
			free(ifs);
		}
		break;
	}
	case SNET_DAEMON_SERVICES: {
		snet_path_set *a;
		const snet_daemon_service *s;
		size_t n;
		if (snet__daemon_decode_services(r->msg, r->msg_len, &a, &s, &n, why, sizeof(why)) == 0) {
			for (size_t k = 0; k < n; k++)
				for (size_t u = 0; u < s[k].n_uris; u++)
					(void)strlen(s[k].uris[u]);
			snet_path_set_free(a);
		}
		break;
	}
	case SNET_DAEMON_PORT_RANGE: {
		uint16_t s, e;
		snet__daemon_decode_port_range(r->msg, r->msg_len, &s, &e, why, sizeof(why));
		break;
	}
	default:
		snet__daemon_decode_empty(r->msg, r->msg_len, why, sizeof(why));
	}
}

static const struct snet__h2c_callbacks cbs = { on_reply, NULL };

static void submit_all(struct snet__h2c *h)
{
	uint8_t body[SNET__DAEMON_REQ_MAX];
	for (size_t i = 0; i < CALLS; i++) {
		size_t n = rpc[i] == SNET_DAEMON_PATHS ? snet__daemon_encode_paths(0, 1, 0, body) : 0;
		if (snet__h2c_submit(h, snet__daemon_rpc_path(rpc[i]), "fuzz", 1000, body, n,
				     (void *)(uintptr_t)(i + 1)) < 0)
			abort();
	}
}

/* ---- The structured server ---- */

struct srv {
	nghttp2_session *ng;
	FILE *dump; /* make-seeds.sh: the server's bytes, to seed the raw mode */
	const uint8_t *in;
	size_t len, next_call;
	struct answer {
		const uint8_t *body;
		size_t len, off;
	} ans[CALLS];
};

static ssize_t srv_read(nghttp2_session *ng, int32_t id, uint8_t *buf, size_t len,
			uint32_t *flags, nghttp2_data_source *src, void *ud)
{
	struct answer *a = src->ptr;
	size_t n = a->len - a->off < len ? a->len - a->off : len;
	memcpy(buf, a->body + a->off, n);
	a->off += n;
	if (a->off == a->len) {
		*flags |= NGHTTP2_DATA_FLAG_EOF | NGHTTP2_DATA_FLAG_NO_END_STREAM;
		nghttp2_nv tr[] = { { (uint8_t *)"grpc-status", (uint8_t *)"0", 11, 1, 0 } };
		nghttp2_submit_trailer(ng, id, tr, 1);
	}
	return (ssize_t)n;
}

#define NV(n, v) { (uint8_t *)(n), (uint8_t *)(v), sizeof(n) - 1, sizeof(v) - 1, 0 }

static int srv_frame(nghttp2_session *ng, const nghttp2_frame *f, void *ud)
{
	struct srv *s = ud;
	if (!(f->hd.flags & NGHTTP2_FLAG_END_STREAM) || s->next_call >= CALLS)
		return 0;
	struct answer *a = &s->ans[s->next_call++];
	uint8_t kind = 0;
	uint16_t len = 0;
	if (s->len >= 3) {
		kind = s->in[0];
		len = (uint16_t)(s->in[1] << 8 | s->in[2]);
		s->in += 3, s->len -= 3;
	}
	if (len > s->len)
		len = (uint16_t)s->len;
	a->body = s->in;
	a->len = len;
	s->in += len, s->len -= len;
	int32_t id = f->hd.stream_id;
	switch (kind % 5) {
	case 1: {
		nghttp2_nv nv[] = { NV(":status", "200"), NV("content-type", "application/grpc"),
				    NV("grpc-status", "2"), NV("grpc-message", "TRC%20not found") };
		nghttp2_submit_response(ng, id, nv, 4, NULL);
		break;
	}
	case 2:
		nghttp2_submit_rst_stream(ng, NGHTTP2_FLAG_NONE, id, kind >> 3);
		break;
	case 3:
		nghttp2_submit_goaway(ng, NGHTTP2_FLAG_NONE, id - 2 * (kind >> 6), 0, NULL, 0);
		/* and answer */
		__attribute__((fallthrough));
	default: {
		/* The body goes out as given, its gRPC prefix included (the seeds carry one). */
		nghttp2_nv nv[] = { NV(":status", "200"), NV("content-type", "application/grpc") };
		nghttp2_data_provider dp = { .source.ptr = a, .read_callback = srv_read };
		nghttp2_submit_response(ng, id, nv, 2, &dp);
	}
	}
	return 0;
}

/* Moves bytes both ways until neither side has anything to say. */
static void pump(struct snet__h2c *h, struct srv *s)
{
	for (int round = 0; round < 64; round++) {
		const uint8_t *d;
		ssize_t n;
		bool moved = false;
		while ((n = snet__h2c_pull(h, &d)) > 0) {
			moved = true;
			if (s && nghttp2_session_mem_recv(s->ng, d, (size_t)n) < 0)
				return;
		}
		while (s && (n = nghttp2_session_mem_send(s->ng, &d)) > 0) {
			moved = true;
			if (s->dump)
				fwrite(d, 1, (size_t)n, s->dump);
			if (snet__h2c_recv(h, d, (size_t)n))
				return;
		}
		if (!moved)
			return;
	}
}

int snet_fuzz_daemon(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	struct snet__h2c h;
	memset(ended, 0, sizeof(ended));
	if (snet__h2c_init(&h, &cbs, NULL, 1 << 16))
		return 0;
	submit_all(&h);
	if (data[0] % 2 == 0) {
		pump(&h, NULL);
		/* Fed in two pieces (the first byte's upper bits say where the cut is), so that a
		 * frame split across reads is covered. */
		size_t cut = 1 + (size_t)(data[0] >> 1) * (size - 1) / 128;
		if (snet__h2c_recv(&h, data + 1, cut - 1) == 0)
			snet__h2c_recv(&h, data + cut, size - cut);
		pump(&h, NULL);
	} else {
		struct srv s = { .in = data + 1, .len = size - 1 };
		const char *dump = getenv("SNET_FUZZ_DAEMON_DUMP");
		if (dump && (s.dump = fopen(dump, "wb")))
			fputc(0, s.dump); /* raw mode, no cut */
		nghttp2_session_callbacks *cb;
		nghttp2_session_callbacks_new(&cb);
		nghttp2_session_callbacks_set_on_frame_recv_callback(cb, srv_frame);
		nghttp2_session_server_new(&s.ng, cb, &s);
		nghttp2_session_callbacks_del(cb);
		nghttp2_submit_settings(s.ng, NGHTTP2_FLAG_NONE, NULL, 0);
		pump(&h, &s);
		nghttp2_session_del(s.ng);
		if (s.dump)
			fclose(s.dump);
	}
	snet__h2c_free(&h, SNET_E_DAEMON_GONE, "fuzz: end of input");
	for (size_t i = 0; i < CALLS; i++)
		if (ended[i] != 1)
			abort();
	return 0;
}
SNET_FUZZ_ENTRY(snet_fuzz_daemon)
