/* SPDX-License-Identifier: Apache-2.0 */
/* Internal to the conn layer: the private members of networks, conns and send requests, the
 * shared sock, and the helpers between the files of this folder. */
#ifndef SNET_CONN_INTERNAL_H
#define SNET_CONN_INTERNAL_H

#include <net/if.h>
#include <netinet/in.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>

#include "snet/conn.h"
#include "../route/resolver.h"
#include "../wire/ip16.h"
#include "transport.h"

#define RECV_MAX_BATCH 64
#define RECV_BUF 9216 /* Go: common.SupportedMTU rounded up */
#define RECV_BUF_GRO 65536 /* a coalesced datagram: up to the largest UDP payload */
#define CTRL_BUF 128
/* Requests per send batch: 32 datagrams of 1244 bytes make one GSO message; 64 left as
 * 52 + 12 segments and moved 10 % less bulk here. */
#define SEND_BATCH 32
#define FLAT_MAX 256 /* datagrams up to this long leave as one iovec (udp.c: flatten) */
#define MAX_SEND_BATCHES 4 /* per wake-up, then the loop runs again */
#define MAX_RECV_BATCHES 4
#define ECHO_POOL 16

enum { CONN_INIT, CONN_BOUND, CONN_CLOSING };
enum { SRC_BOUND, SRC_STICKY, SRC_RESOLVED, SRC_KERNEL };
enum { EV_OFF, EV_ON, EV_REOPENING };

/* ---- the network ------------------------------------------------------------------------- */

/* The receive ring: one loop runs one callback at a time, so every socket of a network reads
 * into the same buffers (a ring per socket cost about 600 KiB each). */
struct rx_ring {
	unsigned batch;
	struct mmsghdr msg[RECV_MAX_BATCH];
	struct iovec iov[RECV_MAX_BATCH];
	struct sockaddr_storage from[RECV_MAX_BATCH];
	uint8_t ctrl[RECV_MAX_BATCH][CTRL_BUF];
	size_t slot;   /* RECV_BUF, or RECV_BUF_GRO where GRO may coalesce */
	uint8_t *bufs; /* batch * slot bytes */
	uint8_t path_rev[SNET_MAX_HDR_LEN]; /* the reversed path a callback borrows */
};

/* Slot i ready for recvmmsg: the kernel rewrites the lengths and flags of the slots it fills,
 * so only those are armed again after a batch (one, not the whole ring, when one datagram was
 * ready). */
static inline void snet__rx_arm(struct rx_ring *rx, unsigned i)
{
	struct msghdr *m = &rx->msg[i].msg_hdr;
	m->msg_name = &rx->from[i];
	m->msg_namelen = sizeof(rx->from[i]);
	m->msg_control = rx->ctrl[i];
	m->msg_controllen = CTRL_BUF;
	m->msg_flags = 0;
}

/* The sendmmsg batch, built from a queue at each flush and used up before any callback. A
 * message carries one request, or several as the segments of one GSO super-packet. */
struct tx_batch {
	struct mmsghdr msg[SEND_BATCH];
	unsigned nreq[SEND_BATCH];   /* requests in each message */
	size_t seg[SEND_BATCH];      /* the size of each of its segments */
	size_t ctrl_len[SEND_BATCH]; /* its pktinfo, before the UDP_SEGMENT message */
	const snet_send_t *first[SEND_BATCH]; /* its first request */
	snet_send_t *last[SEND_BATCH];        /* and its last: where the sent ones end */
	struct iovec iov[SEND_BATCH * 5];
	_Alignas(struct cmsghdr) uint8_t ctrl[SEND_BATCH][CTRL_BUF];
	uint8_t flat[SEND_BATCH][FLAT_MAX]; /* small datagrams copied whole: one iovec */
};

/* GSO and GRO counters (snet_network_stats). */
struct offload_stats {
	uint64_t gso_sends, gso_segments, gso_fallbacks, gro_receives, gro_segments;
};

/* Answers to SCMP echo/traceroute requests, for every conn that answers them. */
struct echo_pool {
	snet_send_t req[ECHO_POOL];
	uint8_t busy[ECHO_POOL];
	uint8_t payload[ECHO_POOL][SNET_MAX_SCMP_PKT_LEN];
	uint64_t full;
};

struct snet__network {
	snet_network_t *pub;
	snet_network_opts opts;
	snet_topology topo;
	snet__resolver resolver;
	uv_poll_t events_poll;
	uv_check_t closer;
	int events_state, close_pending;
	void (*close_cb)(snet_network_t *net);
	snet__sock *socks;
	unsigned n_conns;   /* initialized and not yet past their close callback */
	unsigned n_closing; /* of those, closed */
	int close_requested;
	uint64_t restamps;
	struct rx_ring rx;
	struct tx_batch tx;
	struct echo_pool echo;
	struct offload_stats offload;
};

static inline struct snet__network *NET(const snet_network_t *n)
{
	return n->priv_;
}

/* ---- conns and requests -------------------------------------------------------------------- */

struct conn_priv {
	snet__sock *sock;
	snet_conn_t *next_on_sock;
	struct sockaddr_storage local; /* bound address and port */
	uint8_t local_ip[16];          /* its address, plain (all zero: a wildcard) */
	int local_family;              /* of local_ip (AF_INET for IPv4-mapped) */
	bool bound_src;                /* bound to one address (not a wildcard, not a prefix):
					* every send leaves from local_ip */
	uint8_t prefix_len;            /* 0: not prefix-bound */
	uint8_t prefix[16];
	int family;
	char device[IF_NAMESIZE];
	uint32_t ifindex, mark;
	unsigned flags;
	int state;
	int has_remote;
	snet_udp_addr remote;
	uint8_t remote_path[SNET_MAX_HDR_LEN];
	snet_recv_cb recv_cb;
	snet_scmp_cb scmp_cb;
	snet_raw_cb raw_cb;
	snet__sock_opener opener; /* NULL: a UDP socket */
	void *opener_arg;
	uint64_t scratch[16];     /* the opener's settings */
	snet_close_cb close_cb;
	snet_send_t *cancelled;
	unsigned held;      /* requests a transport holds until its own completion */
	int close_deferred; /* closed, waiting for those */
	uv_check_t closer;
	snet_conn_stats stats;
};

struct send_priv {
	snet_send_cb cb;
	snet_send_t *next;
	snet_scion_hdr h; /* h.path points into hdr */
	uint8_t hdr[SNET_MAX_HDR_LEN + SNET_UDP_HDR_LEN];
	uint16_t hdr_len, src_off, l4_off;
	uint8_t l4;
	uint8_t src_mode, retried;
	unsigned nbufs;
	uv_buf_t bufs[4];
	struct sockaddr_storage nh;
	snet_route_key key;
	uint64_t gen;
	uint8_t src[16];
	snet_remote_source *via; /* snet_conn_send_via: its generation when stamped, host, port */
	uint64_t via_gen;
	snet_host via_host;
	uint16_t via_port;
	uv_write_t wreq; /* a transport's own request (dispatcher mode) */
	uint8_t fhdr[32];
};

static inline struct conn_priv *CONN(const snet_conn_t *c)
{
	return (struct conn_priv *)(void *)c->priv_.u8;
}
static inline struct send_priv *REQ(const snet_send_t *r)
{
	return (struct send_priv *)(void *)r->priv_.u8;
}

/* ---- the sock conns share ---------------------------------------------------------------- */

struct snet__sock {
	snet_network_t *net;
	snet__sock *next;
	const struct snet__sock_ops *ops;
	void *transport;
	int family;
	int dual;   /* AF_INET6 socket that also carries IPv4 (v4-mapped) */
	int shared; /* prefix-bound conns */
	uint16_t port;
	char device[IF_NAMESIZE];
	int refs, closing;
	int in_input; /* callbacks running: queued sends wait for the end of the run */
	snet_conn_t *conns;
	snet_send_t *sq_head, *sq_tail;
	snet_conn_stats stats; /* drops before a conn is known */
};

/* An arrival: one datagram, as the checks, the callback and the echo answer need it. */
struct arrival {
	snet_pkt pkt;
	const uint8_t *buf;
	size_t len;
	int dst_family;
	uint8_t dst_ip[16];
	const struct sockaddr_storage *from;
	snet_udp_addr sender, local;
};

/* network.c */
/* Replaces a broken netlink event socket (also the tests' way to break it). */
void snet__network_reopen_events(snet_network_t *net, int err);
/* A conn finished closing: a close of the network waiting for it may go on. */
void snet__network_conn_gone(snet_network_t *net);

/* sock.c */
snet__sock *snet__sock_find_shared(snet_network_t *net, int family, uint16_t port,
				   const char *device);
void snet__sock_attach(snet__sock *s, snet_conn_t *conn);
void snet__sock_detach(snet__sock *s, snet_conn_t *conn);
int snet__sock_receiving(const snet__sock *s);

/* queue.c */
void snet__sock_enqueue(snet__sock *s, snet_send_t *req);
void snet__send_complete_list(snet_send_t *r, int status);
/* Runs each callback of a list with UV_ECANCELED (not counted as a send error). */
void snet__send_cancel_list(snet_send_t *r);
/* Moves conn's queued requests to its cancelled list, reported before its close callback. */
void snet__sock_cancel(snet__sock *s, snet_conn_t *conn);
snet_send_t *snet__send_next(const snet_send_t *r);
/* The queue's requests up to and including last (which is in it), taken off as a list. */
snet_send_t *snet__sock_take_through(snet__sock *s, snet_send_t *last);

/* send.c */
/* A request from an older route generation is looked up again (and re-stamped) before it
 * leaves. */
void snet__send_refresh(snet_send_t *req);
/* A source that vanished: look it up again once. 1 if it was retried. */
int snet__send_retry(snet_send_t *req, int err);
/* The source a request leaves from, as pktinfo in ctrl, or 0 to let the kernel choose. */
size_t snet__send_ctrl(const snet_send_t *req, int sock_family, uint8_t *ctrl);
/* Whether two requests' control messages say the same (both none, or the same source). */
int snet__send_same_source(const snet_send_t *a, const snet_send_t *b);
/* Emits the headers of an SCMP answer into req (h set, bufs the payload). */
int snet__send_prepare_answer(snet_send_t *req, snet_conn_t *c, const snet_scmp *scmp,
			      const uint8_t src[16], const struct sockaddr_storage *nh);

/* echo.c */
int snet__echo_answer(snet__sock *s, snet_conn_t *c, const struct arrival *a);

/* prefix.c */
int snet__prefix_holds(const snet_conn_t *c, int family, const uint8_t ip[16]);
int snet__prefix_conflicts(const snet__sock *s, const uint8_t ip[16], unsigned plen);

/* udp.c: the UDP transport. */
int snet__udp_open(snet_network_t *net, const struct sockaddr *addr, const char *device,
		   uint32_t mark, unsigned flags, int shared, snet__sock **out);

/* sockaddr.c: conversions between sockaddrs, hosts and route keys. */
int snet__sa_to_host(const struct sockaddr *sa, snet_host *h, uint16_t *port);
socklen_t snet__host_to_sa(const snet_host *h, uint16_t port, int dual,
			   struct sockaddr_storage *ss);
socklen_t snet__sa_len(const struct sockaddr *sa);
/* The plain family of an address (AF_INET for v4-mapped IPv6). */
int snet__sa_plain(const struct sockaddr *sa, uint8_t ip[16], uint16_t *port);
void snet__host_set_ip(snet_host *h, int family, const uint8_t ip[16]);
int snet__host_is_ip(const snet_host *h);
int snet__host_eq_ip(const snet_host *h, int family, const uint8_t ip[16]);
/* Whether a and b hold the same len bytes, for the lengths of addresses (an IP, a sockaddr):
 * each compared inline. A memcmp whose length is known only at run time is a call into libc
 * on every datagram. */
static inline int snet__same(const void *a, const void *b, size_t len)
{
	switch (len) {
	case 4:
		return memcmp(a, b, 4) == 0;
	case 16:
		return memcmp(a, b, 16) == 0;
	case 28:
		return memcmp(a, b, 28) == 0;
	default:
		return memcmp(a, b, len) == 0;
	}
}

/* An underlay address copied as far as an IP one goes (a sockaddr_in6's 28 bytes, which hold a
 * sockaddr_in too); other families whole. A struct copy moved all 128 bytes for every arrival
 * and every send, and its loads past the part the kernel had just written waited on it. The
 * bytes past the address are left as they were, as snet__udp_addr_clear leaves them. */
static inline void snet__sa_copy(struct sockaddr_storage *dst, const struct sockaddr_storage *src)
{
	if (src->ss_family == AF_INET || src->ss_family == AF_INET6)
		memcpy(dst, src, sizeof(struct sockaddr_in6));
	else
		*dst = *src;
}

/* An address with nothing in it (no IA, host, port, path, next hop or reply source), set
 * field by field: a memset of its 232 bytes compiles to a rep stos, slow on a per-datagram
 * path. Bytes a reader never looks at (next_hop past its family) are left as they were. */
static inline void snet__udp_addr_clear(snet_udp_addr *a)
{
	a->ia = 0;
	a->host = (snet_host){ .type = SNET_HOST_NONE };
	a->port = 0;
	a->path_type = SNET_PATH_EMPTY;
	a->path = NULL;
	a->path_len = 0;
	a->next_hop.ss_family = AF_UNSPEC;
	a->reply_src = (snet_host){ .type = SNET_HOST_NONE };
}
/* SCION header host bytes <-> snet_host */
void snet__host_from_hdr(snet_host *h, uint8_t type, const uint8_t raw[16]);
void snet__host_to_hdr(const snet_host *h, uint8_t *type, uint8_t raw[16]);

/* pktinfo.c */
/* The destination a datagram arrived at, from its IP_PKTINFO/IPV6_PKTINFO (plain family), and
 * in the same pass the segment size of a datagram the kernel coalesced (UDP_GRO), else 0. */
int snet__pktinfo_dst(struct msghdr *m, int *family, uint8_t ip[16], size_t *gro_seg);
/* Writes a source control message into ctrl (CTRL_BUF bytes); returns its length. */
size_t snet__pktinfo_src(uint8_t *ctrl, int sock_family, int family, const uint8_t ip[16]);
/* Appends a UDP_SEGMENT message (GSO segment size seg) after len bytes of ctrl; new length. */
size_t snet__gso_ctrl(uint8_t *ctrl, size_t len, uint16_t seg);

/* lasthop.c */
int snet__is_shim(const struct sockaddr_storage *from, int dst_family, const uint8_t dst[16]);
int snet__lasthop_from_path(const snet_topology *t, const snet_pkt *p,
			    struct sockaddr_storage *out);

#endif
