/* SPDX-License-Identifier: Apache-2.0 */
/* The underlay UDP socket: options set before bind (pktinfo, device, mark), the port scan over
 * the dispatched range, and the uv_poll_t that watches it. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

void snet__usock_log(snet_network_t *net, snet_log_level lvl, const char *fmt, ...)
{
	char msg[256];
	va_list ap;
	if (!net->opts.log)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	net->opts.log(net->opts.log_ctx, lvl, "%s", msg);
}

static int set_int(int fd, int level, int opt, int v)
{
	return setsockopt(fd, level, opt, &v, sizeof(v)) < 0 ? -errno : 0;
}

/* Pktinfo must be on before bind: datagrams queued earlier carry none. */
static int prepare(int fd, int family, int dual, const char *device, uint32_t mark)
{
	int err = 0;
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

static int is_wildcard6(const struct sockaddr *addr)
{
	return addr->sa_family == AF_INET6 &&
	       IN6_IS_ADDR_UNSPECIFIED(&((const struct sockaddr_in6 *)addr)->sin6_addr);
}

static void on_poll(uv_poll_t *h, int status, int events)
{
	snet__usock *s = h->data;
	if (status < 0) {
		snet__usock_log(s->net, SNET_LOG_WARN, "poll error on port %u: %s", s->port,
				uv_strerror(status));
		return;
	}
	if (events & UV_WRITABLE)
		snet__usock_on_writable(s);
	if ((events & UV_READABLE) && !s->closing)
		snet__usock_on_readable(s);
}

static int bind_socket(snet__usock *s, const struct sockaddr *addr)
{
	struct sockaddr_storage ss;
	memset(&ss, 0, sizeof(ss));
	memcpy(&ss, addr, snet__sa_len(addr));
	uint16_t port;
	uint8_t ip[16];
	snet__sa_plain(addr, ip, &port);
	const snet_topology *t = &s->net->topo;
	int err;
	if (port == 0) {
		err = bind_auto(s->fd, &ss, t);
	} else {
		err = bind(s->fd, (struct sockaddr *)&ss, snet__sa_len(addr)) < 0 ? -errno : 0;
		if (!err && !snet_topology_port_dispatched(t, port))
			snet__usock_log(s->net, SNET_LOG_INFO,
					"port %u is outside the dispatched range %u-%u: it receives "
					"only via a shim dispatcher on routers that dispatch by range",
					port, t->port_start, t->port_end);
	}
	if (err)
		return err;
	socklen_t len = sizeof(ss);
	getsockname(s->fd, (struct sockaddr *)&ss, &len);
	snet__sa_plain((struct sockaddr *)&ss, ip, &s->port);
	return 0;
}

static void init_ring(snet__usock *s)
{
	unsigned b = s->net->opts.recv_batch;
	s->batch = b < 1 ? 1 : b > RECV_MAX_BATCH ? RECV_MAX_BATCH : b;
	for (unsigned i = 0; i < s->batch; i++) {
		s->riov[i] = (struct iovec){ s->slots[i].buf, RECV_BUF };
		s->rmsg[i].msg_hdr.msg_iov = &s->riov[i];
		s->rmsg[i].msg_hdr.msg_iovlen = 1;
	}
}

int snet__usock_open(snet_network_t *net, const struct sockaddr *addr, const char *device,
		     uint32_t mark, unsigned flags, int shared, snet__usock **out)
{
	snet__usock *s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->net = net;
	s->family = addr->sa_family;
	s->dual = is_wildcard6(addr) && !(flags & SNET_BIND_V6ONLY);
	s->shared = shared;
	if (device)
		snprintf(s->device, sizeof(s->device), "%s", device);
	s->fd = socket(s->family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	int err = s->fd < 0 ? -errno : 0;
	if (!err)
		err = prepare(s->fd, s->family, s->dual, device, mark);
	if (!err)
		err = bind_socket(s, addr);
	if (!err)
		err = uv_poll_init(net->loop, &s->poll, s->fd);
	if (err) {
		if (s->fd >= 0)
			close(s->fd);
		free(s);
		return err;
	}
	s->poll.data = s;
	init_ring(s);
	s->next = net->socks;
	net->socks = s;
	*out = s;
	return 0;
}

snet__usock *snet__usock_find_shared(snet_network_t *net, int family, uint16_t port,
				     const char *device)
{
	for (snet__usock *s = net->socks; s; s = s->next)
		if (s->shared && !s->closing && s->family == family && s->port == port &&
		    strcmp(s->device, device ? device : "") == 0)
			return s;
	return NULL;
}

void snet__usock_update_poll(snet__usock *s)
{
	unsigned ev = 0;
	if (s->closing)
		return;
	if (s->ops) {
		if (s->sq_head)
			s->ops->flush(s);
		return;
	}
	for (snet_conn_t *c = s->conns; c; c = c->next_on_sock)
		if (c->recv_cb || c->scmp_cb || c->raw_cb)
			ev |= UV_READABLE;
	if (s->sq_head)
		ev |= UV_WRITABLE;
	if (ev == s->poll_events)
		return;
	s->poll_events = ev;
	if (ev)
		uv_poll_start(&s->poll, (int)ev, on_poll);
	else
		uv_poll_stop(&s->poll);
}

static void on_closed(uv_handle_t *h)
{
	snet__usock *s = h->data;
	close(s->fd);
	free(s);
}

void snet__usock_release(snet__usock *s)
{
	if (--s->refs > 0)
		return;
	snet_network_t *net = s->net;
	for (snet__usock **pp = &net->socks; *pp; pp = &(*pp)->next) {
		if (*pp == s) {
			*pp = s->next;
			break;
		}
	}
	s->closing = 1;
	if (s->ops)
		s->ops->close(s);
	else
		uv_close((uv_handle_t *)&s->poll, on_closed);
}
