/* SPDX-License-Identifier: Apache-2.0 */
/* Internal to the conn layer: the underlay socket shared by conns, and helpers. */
#ifndef SNET_CONN_INTERNAL_H
#define SNET_CONN_INTERNAL_H

#include <netinet/in.h>
#include <sys/socket.h>

#include "snet/conn.h"

#define RECV_MAX_BATCH 64
#define RECV_BUF 9216  /* Go: common.SupportedMTU rounded up */
#define CTRL_BUF 128
#define SEND_BATCH 64
#define MAX_SEND_BATCHES 4 /* per wake-up, then the loop runs again */
#define ECHO_POOL 8

enum { CONN_INIT, CONN_BOUND, CONN_CLOSING };
enum { SRC_BOUND, SRC_STICKY, SRC_RESOLVED, SRC_KERNEL };

/* Per received datagram: the buffer and the decoded view handed to the callback. */
struct rslot {
	uint8_t buf[RECV_BUF];
	uint8_t ctrl[CTRL_BUF];
	struct sockaddr_storage from;
};

/* The sendmmsg batch, built from the queue at each flush; too large for a callback's stack. */
struct send_batch {
	struct mmsghdr msg[SEND_BATCH];
	struct iovec iov[SEND_BATCH][5];
	uint8_t ctrl[SEND_BATCH][CTRL_BUF];
};

/* Another way to move datagrams than the UDP socket (the dispatcher client): flush sends the
 * queue (completing requests later, from the loop); close ends it and frees the socket. */
struct usock_ops {
	void (*flush)(snet__usock *s);
	void (*close)(snet__usock *s);
};

/* One UDP socket. A conn bound normally has one to itself; prefix-bound conns on one port share
 * one. Allocated at bind, freed from its poll handle's close callback. */
struct snet__usock {
	snet_network_t *net;
	snet__usock *next;
	uv_poll_t poll;
	int fd, family;
	int dual;           /* AF_INET6 socket that also carries IPv4 (v4-mapped) */
	int shared;         /* prefix-bound conns */
	uint16_t port;
	char device[IF_NAMESIZE];
	int refs, closing;
	int in_recv;        /* callbacks running: queued sends are flushed after the batch */
	const struct usock_ops *ops; /* NULL: the UDP socket */
	void *transport;
	unsigned poll_events;
	snet_conn_t *conns;
	snet_send_t *sq_head, *sq_tail;
	snet_conn_stats stats; /* drops before a conn is known */
	unsigned batch;
	struct mmsghdr rmsg[RECV_MAX_BATCH];
	struct iovec riov[RECV_MAX_BATCH];
	struct rslot slots[RECV_MAX_BATCH];
	struct send_batch sbatch;
	uint8_t path_rev[SNET_MAX_HDR_LEN];
	snet_send_t echo[ECHO_POOL];
	uint8_t echo_busy[ECHO_POOL];
	uint8_t echo_payload[ECHO_POOL][SNET_MAX_SCMP_PKT_LEN];
};

/* The arrival of one datagram, as the checks, the callback and the echo answer need it. */
struct arrival {
	snet_pkt pkt;
	const uint8_t *buf;
	size_t len;
	int dst_family;
	uint8_t dst_ip[16];
	const struct sockaddr_storage *from;
	snet_udp_addr sender, local;
};

/* network.c: replaces a broken netlink event socket (also the tests' way to break it). */
void snet__network_reopen_events(snet_network_t *net, int err);

/* usock.c */
int snet__usock_open(snet_network_t *net, const struct sockaddr *addr, const char *device,
		     uint32_t mark, unsigned flags, int shared, snet__usock **out);
snet__usock *snet__usock_find_shared(snet_network_t *net, int family, uint16_t port,
				     const char *device);
void snet__usock_update_poll(snet__usock *s);
void snet__usock_release(snet__usock *s);
void snet__usock_log(snet_network_t *net, snet_log_level lvl, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* recv.c / send.c */
/* One received packet; dst_family AF_UNSPEC takes the SCION destination as the arrival
 * address (for packets a dispatcher checked). */
void snet__usock_process(snet__usock *s, const uint8_t *buf, size_t len,
			 const struct sockaddr_storage *from, int dst_family, const uint8_t *dst_ip);
void snet__send_complete(snet_send_t *req, int status);
/* A transport that keeps a request beyond the queue (until its own completion callback)
 * holds it; release completes it, and the conn's close waits for every held request. */
void snet__send_hold(snet_send_t *req);
void snet__send_release(snet_send_t *req, int status);
snet_send_t *snet__usock_dequeue(snet__usock *s);
void snet__usock_on_readable(snet__usock *s);
void snet__usock_on_writable(snet__usock *s);
void snet__usock_cancel(snet__usock *s, snet_conn_t *conn);
int snet__answer_echo(snet__usock *s, snet_conn_t *c, const struct arrival *a);
int snet__prefix_holds(const snet_conn_t *c, int family, const uint8_t ip[16]);

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
/* SCION header host bytes <-> snet_host */
void snet__host_from_hdr(snet_host *h, uint8_t type, const uint8_t raw[16]);
void snet__host_to_hdr(const snet_host *h, uint8_t *type, uint8_t raw[16]);

/* pktinfo.c */
/* The destination a datagram arrived at, from its IP_PKTINFO/IPV6_PKTINFO; plain family. */
int snet__pktinfo_dst(struct msghdr *m, int *family, uint8_t ip[16]);
/* Writes a source control message into ctrl (CTRL_BUF bytes); returns its length. */
size_t snet__pktinfo_src(uint8_t *ctrl, int sock_family, int family, const uint8_t ip[16]);

/* lasthop.c */
int snet__is_shim(const struct sockaddr_storage *from, int dst_family, const uint8_t dst[16]);
int snet__lasthop_from_path(const snet_topology *t, const snet_pkt *p,
			    struct sockaddr_storage *out);

#endif
