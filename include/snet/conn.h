/* SPDX-License-Identifier: Apache-2.0 */
/* SCION/UDP connections on libuv, for multihomed hosts (Go: pkg/snet SCIONNetwork and Conn).
 *
 * A conn may be bound to a wildcard address (0.0.0.0, or :: for IPv4 and IPv6 in one
 * dual-stack socket). Each packet it sends then leaves from the address the kernel would use
 * towards the path's first hop: found by RTM_GETROUTE, cached per (next hop, mark, device) in
 * the snet_network_t, and flushed by any netlink link/address/route/rule event. A reply to a
 * received sender leaves from the exact address the packet arrived at.
 *
 * Handles and requests follow libuv: caller-owned memory, init/start/stop functions, callbacks
 * with a status, close with a callback after which the memory may be freed, negative error
 * codes (-errno, equal to UV_E* on Linux, or SNET_E_*). Their private members live in the
 * library (snet/abi.h says how the ABI is kept). Callbacks may close their own conn or any
 * other: every completion stays correct, and nothing is called back after a close callback. */
#ifndef SNET_CONN_H
#define SNET_CONN_H

#include <stdbool.h>
#include <sys/socket.h>
#include <uv.h>

#include "snet/abi.h"
#include "snet/addr.h"
#include "snet/path.h"
#include "snet/topology.h"
#include "snet/wire.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct snet_network_s snet_network_t;
typedef struct snet_conn_s snet_conn_t;
typedef struct snet_send_s snet_send_t;

typedef enum { SNET_LOG_DEBUG, SNET_LOG_INFO, SNET_LOG_WARN, SNET_LOG_ERROR } snet_log_level;
typedef void (*snet_log_fn)(void *ctx, snet_log_level lvl, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Called after each batch of netlink events that flushed the route cache, with the new
 * generation: the moment from which no packet leaves from a source chosen before it. */
typedef void (*snet_route_change_cb)(snet_network_t *net, uint64_t gen);

/* Network flags. */
#define SNET_NETWORK_NO_NETLINK 0x1 /* find sources by the connect() probe, not RTM_GETROUTE */
/* Queued sends to one next hop from one source, all of one size, leave as one UDP GSO
 * super-packet (UDP_SEGMENT; each segment a whole SCION packet) when the kernel can: off with
 * this flag. A socket whose device cannot (EIO) falls back to sendmmsg by itself. */
#define SNET_NETWORK_NO_GSO 0x2
/* Receiving takes coalesced datagrams (UDP_GRO) and splits them back into SCION packets; the
 * receive ring then has 64 KiB slots (recv_batch of them; pages are touched only as data
 * lands). Off with this flag: 9 KiB slots. */
#define SNET_NETWORK_NO_GRO 0x4

typedef struct snet_network_opts {
	size_t size;                /* set by snet_network_opts_default */
	snet_log_fn log;            /* NULL: silent */
	void *log_ctx;
	unsigned flags;             /* SNET_NETWORK_* */
	size_t route_cache_cap;     /* default 256 */
	unsigned recv_batch;        /* datagrams per recvmmsg, 1..64, default 32 */
	snet_route_change_cb route_change_cb;
} snet_network_opts;

SNET_EXTERN void snet_network_opts_init(snet_network_opts *o, size_t size);
#define snet_network_opts_default(o) snet_network_opts_init((o), sizeof(*(o)))

typedef struct snet_network_stats {
	uint64_t route_hits, route_misses, route_flushes;
	uint64_t route_miss_netlink, route_miss_probe;
	uint64_t route_events;    /* netlink link/address/route/rule messages (each flushes) */
	uint64_t route_overflows; /* times netlink events were lost (ENOBUFS): also a flush */
	uint64_t route_reopens;   /* times the event socket broke and was replaced */
	uint64_t restamps;        /* queued sends re-stamped with a new source before leaving */
	uint64_t echo_pool_full;  /* echo requests not answered: all answer slots in flight */
	uint64_t gso_sends;       /* UDP GSO super-packets sent (each several SCION packets) */
	uint64_t gso_segments;    /* SCION packets that left in them */
	uint64_t gso_fallbacks;   /* GSO sends refused by the kernel, then sent one by one */
	uint64_t gro_receives;    /* coalesced datagrams received and split */
	uint64_t gro_segments;    /* SCION packets they held */
} snet_network_stats;

/* State shared by conns: loop, topology, route cache and netlink watcher, and the buffers one
 * loop needs for receiving and sending (Go: SCIONNetwork). */
struct snet_network_s {
	void *data;               /* yours */
	uv_loop_t *loop;          /* read-only */
	struct snet__network *priv_;
};

/* Copies topo; opts may be NULL for the defaults. Returns 0, -ENOMEM, or UV_EINVAL (opts
 * without a size: fill it with snet_network_opts_default first). */
SNET_EXTERN int snet_network_init(uv_loop_t *loop, snet_network_t *net, const snet_topology *topo,
				  const snet_network_opts *opts);
/* Closes the netlink watcher and frees the network's memory; cb runs from the loop, after the
 * close callbacks of every conn. Allowed once every conn of the network is closed or closing
 * (snet_conn_close called): UV_EBUSY while one is open, UV_EALREADY the second time. */
SNET_EXTERN int snet_network_close(snet_network_t *net, void (*cb)(snet_network_t *net));
/* The topology the network was made with, with the interfaces last set. */
SNET_EXTERN const snet_topology *snet_network_topology(const snet_network_t *net);
/* Replaces the network's interfaces with the n in ifs (Go: what a ReloadingTopology answers
 * after a reload; snet_topo_reloader_start keeps them as the daemon says). The local IA and
 * port range stay. Replies and SCMP answers addressed from now on take the new routers;
 * queued sends keep the next hop they were given. Returns 1 when the interfaces changed, 0
 * when they are the same (order aside), SNET_E_BAD_FIELD (an ifid 0 or an address neither
 * IPv4 nor IPv6) or -ENOSPC (more than SNET_TOPO_MAX_IFS), leaving them as they were. */
SNET_EXTERN int snet_network_set_interfaces(snet_network_t *net, const snet_topo_if *ifs,
					    size_t n);
/* Bytes of the receive, send and echo buffers the network holds for all its conns (each conn
 * adds only its own small state and its socket). */
SNET_EXTERN size_t snet_network_ring_bytes(const snet_network_t *net);
SNET_EXTERN void snet_network_stats_get(const snet_network_t *net, snet_network_stats *s,
					size_t size);
#define snet_network_get_stats(net, s) snet_network_stats_get((net), (s), sizeof(*(s)))

/* ---- conns -------------------------------------------------------------------------------- */

typedef struct snet_conn_stats {
	uint64_t rx_packets, tx_packets;
	uint64_t drop_malformed;    /* did not decode */
	uint64_t drop_not_ours;     /* other destination IA, host, port or prefix */
	uint64_t drop_dst_mismatch; /* SCION destination host != address it arrived at */
	uint64_t drop_other;        /* other L4, SCMP nobody asked for, no last hop, no buffer */
	uint64_t scmp_received, echo_answered;
	uint64_t send_errors, send_retries;
	uint64_t drop_svc;          /* to or from an SVC address: for services, not for conns */
	uint64_t repaths;           /* queued sends stamped again with a remote source's new path */
} snet_conn_stats;

/* One received datagram. Everything is borrowed until the callback returns. */
typedef struct snet_msg {
	const uint8_t *data;        /* the UDP payload */
	size_t len;
	const snet_udp_addr *from;  /* sender: path reversed, next_hop = last hop, reply_src set */
	const snet_udp_addr *local; /* where it arrived: local IA, destination host and port */
	const snet_pkt *pkt;        /* the whole parsed packet */
} snet_msg;

/* status 0 with a message, or a negative error with msg NULL: from the socket, or
 * SNET_E_DISPATCHER when the dispatcher of a conn in dispatcher mode went away. */
typedef void (*snet_recv_cb)(snet_conn_t *conn, int status, const snet_msg *msg);

/* An SCMP message for this conn. path_down is set for External Interface Down (ingress = the
 * interface) and Internal Connectivity Down (ingress, egress), naming ia's interfaces. */
typedef struct snet_scmp_msg {
	const snet_scmp *scmp;
	const snet_udp_addr *from;
	const uint8_t *data; /* echo data or the quoted packet */
	size_t len;
	bool path_down;
	uint64_t ia, ingress, egress;
} snet_scmp_msg;
typedef void (*snet_scmp_cb)(snet_conn_t *conn, const snet_scmp_msg *msg);
typedef void (*snet_close_cb)(snet_conn_t *conn);

/* A packet that is for this host but not for this conn's port (another UDP port, an SCMP
 * message other than an echo/traceroute request, another L4, an SVC destination): what a
 * dispatcher relays. */
typedef struct snet_raw_msg {
	const uint8_t *data;  /* the whole SCION packet as received */
	size_t len;
	const snet_pkt *pkt;
	const snet_host *dst; /* the address it arrived at */
	const struct sockaddr_storage *from; /* underlay source */
} snet_raw_msg;
typedef void (*snet_raw_cb)(snet_conn_t *conn, const snet_raw_msg *msg);
typedef void (*snet_send_cb)(snet_send_t *req, int status);

/* Conn flags (snet_conn_set_flags). */
#define SNET_CONN_ANSWER_ECHO 0x1 /* answer SCMP echo/traceroute requests, as Go's shim does */
#define SNET_CONN_RAW_ALL 0x2     /* every packet for this host and port to the raw callback */

/* Bind flags. */
#define SNET_BIND_V6ONLY 0x1 /* with ::, serve IPv6 only (default: dual-stack) */

struct snet_conn_s {
	void *data;           /* yours; the library never touches it */
	snet_network_t *net;  /* read-only */
	SNET_PRIVATE(2304);
};

/* A send request: holds everything it needs (the emitted headers among it), so that a send
 * never allocates. One request per datagram in flight; reusable from its callback on. */
struct snet_send_s {
	void *data;          /* yours */
	snet_conn_t *conn;   /* read-only */
	SNET_PRIVATE(1856);
};

/* Go: part of SCIONNetwork.Listen/Dial. Returns 0. */
SNET_EXTERN int snet_conn_init(snet_network_t *net, snet_conn_t *conn);
/* Before bind: SO_BINDTODEVICE (only that interface in and out; the resolver asks for its
 * routes). Returns 0, UV_EINVAL (unknown device), UV_EALREADY (bound). */
SNET_EXTERN int snet_conn_set_device(snet_conn_t *conn, const char *ifname);
/* Before bind: SO_MARK, also passed to the route lookups. 0, UV_EALREADY. */
SNET_EXTERN int snet_conn_set_mark(snet_conn_t *conn, uint32_t mark);
SNET_EXTERN void snet_conn_set_flags(snet_conn_t *conn, unsigned flags);

/* Packets for this host that are not for this conn go to cb instead of being dropped (the
 * dispatcher's relay). NULL (default) drops them, counted. */
SNET_EXTERN void snet_conn_set_raw_cb(snet_conn_t *conn, snet_raw_cb cb);

/* Go: SCIONNetwork.Listen / OpenRaw. addr is an AF_INET or AF_INET6 sockaddr, its IP concrete or
 * a wildcard; port 0 picks the highest free port of the dispatched range, never below 1024. An
 * explicit port outside the range is allowed and logged (it receives only via a shim
 * dispatcher on routers that dispatch by range). Returns 0, UV_EALREADY, UV_EINVAL,
 * SNET_E_NO_PORT, or -errno from socket()/bind(). */
SNET_EXTERN int snet_conn_bind(snet_conn_t *conn, const struct sockaddr *addr, unsigned flags);
/* The user-space SO_BINDTOPREFIX: receive only packets whose SCION destination host lies in
 * addr/prefix_len. Conns of one network bound to the same port with prefixes share one
 * underlay socket; each packet goes to the conn whose prefix holds its destination. Port 0 is
 * not allowed here. Overlapping prefixes on one port: SNET_E_BIND_CONFLICT. */
SNET_EXTERN int snet_conn_bind_prefix(snet_conn_t *conn, const struct sockaddr *addr,
				      unsigned prefix_len, unsigned flags);
/* Go: Dial's remote. Copies remote and its path; sends with dst NULL go there. Does not filter
 * what is received (as in Go). Returns 0, SNET_E_NO_PATH or SNET_E_BAD_PATH_LEN. */
SNET_EXTERN int snet_conn_connect(snet_conn_t *conn, const snet_udp_addr *remote);
/* Go: Conn.LocalAddr. IA, bound IP (possibly a wildcard) and port. SNET_E_NOT_BOUND. */
SNET_EXTERN int snet_conn_local(const snet_conn_t *conn, snet_udp_addr *out);
/* libuv's uv_recv_buffer_size/uv_send_buffer_size for the conn's underlay socket (shared by
 * the conns bound to prefixes of one port): *value 0 reads the size into it, anything else
 * sets it (Linux doubles it and caps it at net.core.rmem_max/wmem_max). A burst larger than
 * the receive buffer is dropped by the kernel: bulk receivers raise it. Returns 0,
 * SNET_E_NOT_BOUND, UV_ENOTSUP (dispatcher mode), UV_EINVAL or -errno. */
SNET_EXTERN int snet_conn_recv_buffer_size(snet_conn_t *conn, int *value);
SNET_EXTERN int snet_conn_send_buffer_size(snet_conn_t *conn, int *value);

/* Go: Conn.ReadFrom. Starts delivering datagrams to cb. Malformed packets and packets not for
 * this conn are counted and dropped; they never reach cb. SCMP goes to the SCMP callback only.
 * Returns 0, SNET_E_NOT_BOUND, UV_EALREADY. */
SNET_EXTERN int snet_conn_recv_start(snet_conn_t *conn, snet_recv_cb cb);
SNET_EXTERN int snet_conn_recv_stop(snet_conn_t *conn);
/* SCMP errors and informational replies; NULL (default) drops them, counted. Never an error
 * on the receive path (unlike Go, scionproto/scion#4389). */
SNET_EXTERN void snet_conn_set_scmp_cb(snet_conn_t *conn, snet_scmp_cb cb);

/* Go: Conn.WriteTo (dst) / Conn.Write (dst NULL). The payload bufs are borrowed until cb; dst
 * and its path only during the call. dst in another AS needs path and next_hop; in the local AS
 * without next_hop the packet goes to the host, at its port when dispatched, else 30041. The
 * source is the bound IP, else dst->reply_src, else the resolver's answer towards the next hop;
 * if the route generation moves before the packet leaves, it is re-resolved and re-stamped.
 * Returns 0 (cb will run), or SNET_E_NOT_BOUND, SNET_E_NO_REMOTE, SNET_E_NO_PATH,
 * SNET_E_TOO_MANY_BUFS, SNET_E_MSG_TOO_LONG, UV_EAFNOSUPPORT, or the resolver's -errno. */
SNET_EXTERN int snet_conn_send(snet_send_t *req, snet_conn_t *conn, const uv_buf_t bufs[],
			       unsigned nbufs, const snet_udp_addr *dst, snet_send_cb cb);

/* The same for an SCMP message (Go: a snet.Packet with an SCMP payload, as `scion ping` sends):
 * the header and info block from scmp (checksum computed), the data from bufs. Echo replies
 * come back to the conn's port when the identifier is that port. */
SNET_EXTERN int snet_conn_send_scmp(snet_send_t *req, snet_conn_t *conn, const snet_scmp *scmp,
				    const uv_buf_t bufs[], unsigned nbufs, const snet_udp_addr *dst,
				    snet_send_cb cb);

/* Where sends go when their path may change while they wait in the queue (a path selector,
 * snet/select.h): current fills the destination IA and path (snet_path_apply) to use now and
 * returns 0, or SNET_E_NO_PATH; gen changes whenever its answer does. */
typedef struct snet_remote_source snet_remote_source;
struct snet_remote_source {
	int (*current)(snet_remote_source *src, snet_udp_addr *out);
	uint64_t gen;
};

/* Sends bufs to host:port in src's destination AS on src's path, as snet_conn_send does; if
 * src->gen has changed when the datagram is about to leave, it is stamped again with the path
 * current then (Go's Dial with a path querier; PAN's selectors): sends queued before a switch
 * leave on the new path. When src has no path by then, it leaves on the one it was given.
 * Returns what snet_conn_send returns. */
SNET_EXTERN int snet_conn_send_via(snet_send_t *req, snet_conn_t *conn, const uv_buf_t bufs[],
				   unsigned nbufs, snet_remote_source *src, const snet_host *host,
				   uint16_t port, snet_send_cb cb);
/* Before src goes away: sends made through it that still wait keep the path they have. */
SNET_EXTERN void snet_conn_forget_source(snet_conn_t *conn, snet_remote_source *src);

/* Sends bufs as one datagram to the underlay address to, unchanged (a relay), from the conn's
 * socket: from src when given (an IP), else from what the kernel picks. Same completion rules
 * as snet_conn_send. */
SNET_EXTERN int snet_conn_send_raw(snet_send_t *req, snet_conn_t *conn, const uv_buf_t bufs[],
				   unsigned nbufs, const struct sockaddr *to, const snet_host *src,
				   snet_send_cb cb);

/* Closes the conn; pending sends end with UV_ECANCELED, then cb runs (from the loop). */
SNET_EXTERN void snet_conn_close(snet_conn_t *conn, snet_close_cb cb);
/* Counters, including drops on a socket shared by prefix-bound conns. */
SNET_EXTERN void snet_conn_stats_get(const snet_conn_t *conn, snet_conn_stats *s, size_t size);
#define snet_conn_get_stats(conn, s) snet_conn_stats_get((conn), (s), sizeof(*(s)))

#ifdef __cplusplus
}
#endif
#endif
