/* SPDX-License-Identifier: Apache-2.0 */
/* The UDP transport: the underlay socket (options set before bind, the port scan over the
 * dispatched range), the uv_poll_t that watches it, recvmmsg into the network's ring (a
 * datagram the kernel coalesced, UDP_GRO, split back into SCION packets) and sendmmsg from the
 * sock's queue with each source in a pktinfo control message (runs of requests to one next
 * hop from one source, all of one size, as one UDP GSO super-packet). */
#include <errno.h>
#include <netinet/udp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

/* The kernel's limits for one GSO send (UDP_MAX_SEGMENTS; the largest UDP payload, with room
 * for the IPv6 header). */
#define GSO_MAX_SEGS 64
#define GSO_MAX_BYTES 65000

struct udp {
	uv_poll_t poll;
	int fd;
	unsigned events;
	uint8_t gso;     /* coalesce sends (off by flag, or after the device refused: EIO) */
	uint8_t solo;    /* the next batch sends its first request alone */
	size_t gso_max;  /* the largest segment that may ride in a super-packet */
	uint8_t once;    /* a full batch's second read found nothing: read once per wake-up */
	uint8_t probes;  /* full batches read once since then (every 8th reads again) */
	snet__sock *sock;
};

/* ---- opening ------------------------------------------------------------------------------ */

static int set_int(int fd, int level, int opt, int v)
{
	return setsockopt(fd, level, opt, &v, sizeof(v)) < 0 ? -errno : 0;
}

/* Pktinfo must be on before bind: datagrams queued earlier carry none. */
static int prepare(int fd, int family, int dual, const char *device, uint32_t mark,
		   unsigned net_flags)
{
	int err = 0;
	/* Coalesced arrivals, when the kernel has UDP_GRO (and the ring's slots can hold them). */
	if (!(net_flags & SNET_NETWORK_NO_GRO))
		(void)set_int(fd, SOL_UDP, UDP_GRO, 1);
	if (family == AF_INET6) {
		err = set_int(fd, IPPROTO_IPV6, IPV6_V6ONLY, !dual);
		if (!err)
			err = set_int(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, 1);
	}
	if (!err && (family == AF_INET || dual))
		err = set_int(fd, IPPROTO_IP, IP_PKTINFO, 1);
	if (!err && device && device[0] &&
	    setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, device, (socklen_t)strlen(device)) < 0)
		err = -errno;
	if (!err && mark && setsockopt(fd, SOL_SOCKET, SO_MARK, &mark, sizeof(mark)) < 0)
		err = -errno;
	return err;
}

static void set_port(struct sockaddr_storage *ss, uint16_t port)
{
	if (ss->ss_family == AF_INET)
		((struct sockaddr_in *)ss)->sin_port = htons(port);
	else
		((struct sockaddr_in6 *)ss)->sin6_port = htons(port);
}

/* Go: SCIONNetwork.OpenRaw: the highest free port of the range, never below 1024. */
static int bind_auto(int fd, struct sockaddr_storage *ss, const snet_topology *t)
{
	if (t->port_end == 0)
		return SNET_E_NO_PORT;
	unsigned low = t->port_start > 1024 ? t->port_start : 1024;
	for (unsigned p = t->port_end; p >= low && p > 0; p--) {
		set_port(ss, (uint16_t)p);
		if (bind(fd, (struct sockaddr *)ss, snet__sa_len((struct sockaddr *)ss)) == 0)
			return 0;
		if (errno != EADDRINUSE)
			return -errno;
	}
	return SNET_E_NO_PORT;
}

/* Binds fd to addr (port 0: a port of the dispatched range); *port gets the port bound. */
static int bind_socket(snet_network_t *net, int fd, const struct sockaddr *addr, uint16_t *port)
{
	const snet_topology *t = &NET(net)->topo;
	struct sockaddr_storage ss;
	uint8_t ip[16];
	uint16_t want;
	memset(&ss, 0, sizeof(ss));
	memcpy(&ss, addr, snet__sa_len(addr));
	snet__sa_plain(addr, ip, &want);
	int err;
	if (want == 0) {
		err = bind_auto(fd, &ss, t);
	} else {
		err = bind(fd, (struct sockaddr *)&ss, snet__sa_len(addr)) < 0 ? -errno : 0;
		if (!err && !snet_topology_port_dispatched(t, want))
			snet__log(net, SNET_LOG_INFO,
				  "port %u is outside the dispatched range %u-%u: it receives only "
				  "via a shim dispatcher on routers that dispatch by range",
				  want, t->port_start, t->port_end);
	}
	if (err)
		return err;
	socklen_t len = sizeof(ss);
	getsockname(fd, (struct sockaddr *)&ss, &len);
	snet__sa_plain((struct sockaddr *)&ss, ip, port);
	return 0;
}

static int is_wildcard6(const struct sockaddr *addr)
{
	return addr->sa_family == AF_INET6 &&
	       IN6_IS_ADDR_UNSPECIFIED(&((const struct sockaddr_in6 *)addr)->sin6_addr);
}

/* ---- receiving ------------------------------------------------------------------------------ */

/* One datagram, or each SCION packet of a coalesced one (every segment seg bytes, the last
 * possibly shorter), until a callback closes the socket. */
static void input_one(snet__sock *s, struct rx_ring *rx, unsigned i)
{
	struct msghdr *m = &rx->msg[i].msg_hdr;
	const uint8_t *buf = rx->iov[i].iov_base;
	size_t len = rx->msg[i].msg_len, seg;
	int fam;
	uint8_t ip[16];
	if (snet__pktinfo_dst(m, &fam, ip, &seg) < 0 || (m->msg_flags & MSG_TRUNC)) {
		s->stats.drop_other++;
		return;
	}
	if (!seg || seg >= len) {
		snet__sock_input(s, buf, len, &rx->from[i], fam, ip);
		return;
	}
	struct offload_stats *o = &NET(s->net)->offload;
	o->gro_receives++;
	for (size_t off = 0; off < len && !s->closing; off += seg) {
		o->gro_segments++;
		snet__sock_input(s, buf + off, len - off < seg ? len - off : seg, &rx->from[i], fam, ip);
	}
}

static int recv_batch(struct udp *u)
{
	snet__sock *s = u->sock;
	struct rx_ring *rx = &NET(s->net)->rx;
	int n = recvmmsg(u->fd, rx->msg, rx->batch, MSG_DONTWAIT, NULL);
	if (n < 0) {
		snet__rx_arm(rx, 0);
		return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? 0 : -errno;
	}
	snet__sock_input_begin(s);
	for (int i = 0; i < n && !s->closing; i++)
		input_one(s, rx, (unsigned)i);
	for (int i = 0; i < n; i++)
		snet__rx_arm(rx, (unsigned)i);
	snet__sock_input_end(s);
	return n;
}

/* After a full batch, whether to read again now or leave the rest to the next poll (the
 * poll is level-triggered, so nothing waits). Reading again saves a wake-up when more is
 * queued and costs a syscall for nothing when the batch took all there was, as it does every
 * time for a peer that keeps exactly a batch in flight. So read again while doing so finds
 * data, and once it did not, only on every 8th full batch, to notice when it would again. */
static int read_again(struct udp *u)
{
	return !u->once || (++u->probes & 7) == 0;
}

static void on_readable(struct udp *u)
{
	snet__sock *s = u->sock;
	/* Bounded work per wake-up, and stop as soon as a callback closed the socket. */
	for (int b = 0; b < MAX_RECV_BATCHES && !s->closing; b++) {
		int n = recv_batch(u);
		if (n < 0) {
			snet__sock_input_error(s, n);
			break;
		}
		if (b > 0)
			u->once = n == 0;
		if ((unsigned)n < NET(s->net)->rx.batch || !read_again(u))
			break;
	}
}

/* ---- sending -------------------------------------------------------------------------------- */

/* What one request puts on the wire: its iovecs and the length of its source control message
 * (both written in place, in the batch: the control message in the slot of the message it
 * would start), size and next hop. */
struct tx_item {
	snet_send_t *req;
	struct iovec *iov;
	size_t niov, len, cl;
	const struct sockaddr *dst;
	socklen_t dlen;
};

/* Whether it can ride in message m as one more GSO segment: the same next hop, source and
 * size as the segments before it, within the kernel's limits. */
static int joins(const struct udp *u, const struct tx_batch *b, unsigned m,
		 const struct tx_item *it)
{
	const struct msghdr *h = &b->msg[m].msg_hdr;
	return u->gso && !(u->solo && m == 0) && it->len == b->seg[m] && it->len <= u->gso_max &&
	       b->nreq[m] < GSO_MAX_SEGS && (b->nreq[m] + 1) * it->len <= GSO_MAX_BYTES &&
	       h->msg_namelen == it->dlen && snet__same(h->msg_name, it->dst, it->dlen) &&
	       b->ctrl_len[m] == it->cl && snet__send_same_source(b->first[m], it->req);
}

static void start_msg(struct tx_batch *b, unsigned m, const struct tx_item *it)
{
	struct msghdr *h = &b->msg[m].msg_hdr;
	memset(h, 0, sizeof(*h));
	h->msg_iov = it->iov;
	h->msg_iovlen = it->niov;
	h->msg_name = (void *)it->dst;
	h->msg_namelen = it->dlen;
	b->ctrl_len[m] = it->cl; /* written in b->ctrl[m] already */
	b->first[m] = it->req;
	b->last[m] = it->req;
	b->nreq[m] = 1;
	b->seg[m] = it->len;
}

/* A message of several requests becomes a GSO send: its segment size after the pktinfo. */
static void finish_msg(struct tx_batch *b, unsigned m)
{
	struct msghdr *h = &b->msg[m].msg_hdr;
	size_t cl = b->ctrl_len[m];
	if (b->nreq[m] > 1)
		cl = snet__gso_ctrl(b->ctrl[m], cl, (uint16_t)b->seg[m]);
	h->msg_control = cl ? b->ctrl[m] : NULL;
	h->msg_controllen = cl;
}

/* A small datagram's pieces copied into one buffer: the kernel then imports and walks one
 * iovec, not header and payload apart; a copy of 150 bytes costs less (conn_echo_ratio 0.81
 * -> 0.82, conn_echo_w1_ratio 0.886 -> 0.894 here, interleaved runs). */
static size_t flatten(uint8_t *flat, struct iovec *iov, size_t niov)
{
	size_t len = 0;
	for (size_t k = 0; k < niov; k++) {
		memcpy(flat + len, iov[k].iov_base, iov[k].iov_len);
		len += iov[k].iov_len;
	}
	iov[0] = (struct iovec){ flat, len };
	return 1;
}

static unsigned fill_batch(struct udp *u, struct tx_batch *b)
{
	snet__sock *s = u->sock;
	unsigned n = 0, niov = 0, nreq = 0;
	struct tx_item it;
	for (snet_send_t *r = s->sq_head; r && nreq < SEND_BATCH; r = snet__send_next(r), nreq++) {
		snet__send_refresh(r);
		it.req = r;
		it.iov = &b->iov[niov];
		it.niov = snet__send_iov(r, it.iov);
		it.len = 0;
		for (size_t k = 0; k < it.niov; k++)
			it.len += it.iov[k].iov_len;
		if (it.niov > 1 && it.len <= FLAT_MAX)
			it.niov = flatten(b->flat[nreq], it.iov, it.niov);
		it.dst = (const struct sockaddr *)snet__send_dst(r);
		it.dlen = snet__sa_len(it.dst);
		it.cl = snet__send_ctrl(r, s->family, b->ctrl[n]);
		niov += (unsigned)it.niov;
		if (n && joins(u, b, n - 1, &it)) {
			b->msg[n - 1].msg_hdr.msg_iovlen += it.niov;
			b->nreq[n - 1]++;
			b->last[n - 1] = r;
		} else {
			start_msg(b, n++, &it);
		}
	}
	for (unsigned m = 0; m < n; m++)
		finish_msg(b, m);
	u->solo = 0;
	return n;
}

/* The kernel refused a GSO send: the device cannot (EIO: no more GSO on this socket), or the
 * segment is too large for the route (EINVAL, EMSGSIZE: only smaller ones coalesce from now
 * on). Anything else is the first request's own error: it is sent alone next, and answered
 * as before. The requests stay queued. */
static void gso_refused(struct udp *u, const struct tx_batch *b, int err)
{
	struct offload_stats *o = &NET(u->sock->net)->offload;
	o->gso_fallbacks++;
	if (err == -EIO) {
		u->gso = 0;
		snet__log(u->sock->net, SNET_LOG_INFO, "port %u: no UDP GSO here (%s): sendmmsg",
			  u->sock->port, uv_strerror(err));
	} else if (err == -EINVAL || err == -EMSGSIZE) {
		u->gso_max = b->seg[0] - 1;
	}
	u->solo = 1;
}

/* The GSO counters for the first n messages, once sent. */
static void count_gso(struct udp *u, const struct tx_batch *b, int n)
{
	struct offload_stats *o = &NET(u->sock->net)->offload;
	for (int m = 0; m < n; m++) {
		if (b->nreq[m] > 1) {
			o->gso_sends++;
			o->gso_segments += b->nreq[m];
		}
	}
}

static void update(snet__sock *s);

/* The sent requests leave the queue before the first callback, so that each is reported
 * exactly once, as sent, whatever the callbacks close or send. Bounded like receiving. */
static void flush(struct udp *u)
{
	snet__sock *s = u->sock;
	struct tx_batch *b = &NET(s->net)->tx;
	for (int k = 0; k < MAX_SEND_BATCHES && s->sq_head && !s->closing; k++) {
		unsigned n = fill_batch(u, b);
		int sent = sendmmsg(u->fd, b->msg, n, MSG_DONTWAIT);
		if (sent < 0) {
			int err = -errno;
			if (err == -EAGAIN || err == -EWOULDBLOCK || err == -EINTR)
				break;
			if (b->nreq[0] > 1) {
				gso_refused(u, b, err);
				continue;
			}
			if (snet__send_retry(s->sq_head, err))
				continue;
			snet__send_complete(snet__sock_dequeue(s), err);
			continue;
		}
		if (sent > 0) {
			count_gso(u, b, sent);
			snet__send_complete_list(snet__sock_take_through(s, b->last[sent - 1]), 0);
		}
	}
	update(s);
}

/* ---- the poll handle --------------------------------------------------------------------- */

static void on_poll(uv_poll_t *h, int status, int events)
{
	struct udp *u = h->data;
	if (status < 0) {
		snet__log(u->sock->net, SNET_LOG_WARN, "poll error on port %u: %s", u->sock->port,
			  uv_strerror(status));
		return;
	}
	if (events & UV_WRITABLE)
		flush(u);
	if ((events & UV_READABLE) && !u->sock->closing)
		on_readable(u);
}

static void update(snet__sock *s)
{
	struct udp *u = s->transport;
	unsigned ev = 0;
	if (s->closing)
		return;
	if (snet__sock_receiving(s))
		ev |= UV_READABLE;
	if (s->sq_head)
		ev |= UV_WRITABLE;
	if (ev == u->events)
		return;
	u->events = ev;
	if (ev)
		uv_poll_start(&u->poll, (int)ev, on_poll);
	else
		uv_poll_stop(&u->poll);
}

/* Queued requests: sent in the next writable callback. Asking for UV_WRITABLE costs an
 * epoll_ctl only when the interest changes. */
static void kick(snet__sock *s)
{
	update(s);
}

static void on_closed(uv_handle_t *h)
{
	struct udp *u = h->data;
	close(u->fd);
	snet__sock_free(u->sock);
	free(u);
}

static void udp_close(snet__sock *s)
{
	struct udp *u = s->transport;
	uv_close((uv_handle_t *)&u->poll, on_closed);
}

static void flush_now(snet__sock *s)
{
	flush(s->transport);
}

static int udp_fileno(const snet__sock *s)
{
	return ((const struct udp *)s->transport)->fd;
}

static const struct snet__sock_ops udp_ops = { kick, update, udp_close, flush_now, udp_fileno };

/* ---- open -------------------------------------------------------------------------------------- */

static int open_fd(snet_network_t *net, const struct sockaddr *addr, int dual,
		   const char *device, uint32_t mark, uint16_t *port)
{
	int fd = socket(addr->sa_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	int err = prepare(fd, addr->sa_family, dual, device, mark, NET(net)->opts.flags);
	if (!err)
		err = bind_socket(net, fd, addr, port);
	if (err) {
		close(fd);
		return err;
	}
	return fd;
}

int snet__udp_open(snet_network_t *net, const struct sockaddr *addr, const char *device,
		   uint32_t mark, unsigned flags, int shared, snet__sock **out)
{
	int dual = is_wildcard6(addr) && !(flags & SNET_BIND_V6ONLY);
	uint16_t port;
	int fd = open_fd(net, addr, dual, device, mark, &port);
	if (fd < 0)
		return fd;
	struct udp *u = calloc(1, sizeof(*u));
	snet__sock *s = u ? snet__sock_new(net, addr->sa_family, dual, port, &udp_ops, u) : NULL;
	int err = s ? uv_poll_init(net->loop, &u->poll, fd) : -ENOMEM;
	if (err) {
		snet__sock_free(s);
		free(u);
		close(fd);
		return err;
	}
	u->fd = fd;
	u->sock = s;
	u->gso = !(NET(net)->opts.flags & SNET_NETWORK_NO_GSO);
	u->gso_max = GSO_MAX_BYTES;
	u->poll.data = u;
	s->shared = shared;
	if (device)
		snprintf(s->device, sizeof(s->device), "%s", device);
	*out = s;
	return 0;
}
