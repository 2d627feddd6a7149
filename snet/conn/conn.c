/* SPDX-License-Identifier: Apache-2.0 */
/* snet_conn_t lifecycle: init, bind (address, device, prefix), connect, recv start/stop, close. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

/* The private area must hold what the library keeps there (snet/abi.h). */
_Static_assert(sizeof(struct conn_priv) <= sizeof(((snet_conn_t *)0)->priv_),
	       "snet_conn_t's private area is too small");
_Static_assert(sizeof(struct send_priv) <= sizeof(((snet_send_t *)0)->priv_),
	       "snet_send_t's private area is too small");

int snet_conn_init(snet_network_t *net, snet_conn_t *conn)
{
	memset(conn, 0, sizeof(*conn));
	conn->net = net;
	struct conn_priv *p = CONN(conn);
	p->state = CONN_INIT;
	uv_check_init(net->loop, &p->closer);
	p->closer.data = conn;
	NET(net)->n_conns++;
	return 0;
}

int snet_conn_set_device(snet_conn_t *conn, const char *ifname)
{
	struct conn_priv *p = CONN(conn);
	if (p->state != CONN_INIT)
		return UV_EALREADY;
	unsigned idx = if_nametoindex(ifname);
	if (idx == 0 || strlen(ifname) >= IF_NAMESIZE)
		return UV_EINVAL;
	snprintf(p->device, sizeof(p->device), "%s", ifname);
	p->ifindex = idx;
	return 0;
}

int snet_conn_set_mark(snet_conn_t *conn, uint32_t mark)
{
	if (CONN(conn)->state != CONN_INIT)
		return UV_EALREADY;
	CONN(conn)->mark = mark;
	return 0;
}

void snet_conn_set_flags(snet_conn_t *conn, unsigned flags)
{
	CONN(conn)->flags = flags;
}

void snet__conn_set_opener(snet_conn_t *conn, snet__sock_opener opener, void *arg)
{
	CONN(conn)->opener = opener;
	CONN(conn)->opener_arg = arg;
}

void *snet__conn_scratch(snet_conn_t *conn, size_t size)
{
	return size <= sizeof(CONN(conn)->scratch) ? CONN(conn)->scratch : NULL;
}

int snet__conn_bound(const snet_conn_t *conn)
{
	return CONN(conn)->state != CONN_INIT;
}

static void attach(snet_conn_t *conn, snet__sock *s, const struct sockaddr *addr)
{
	struct conn_priv *p = CONN(conn);
	snet__sock_attach(s, conn);
	memset(&p->local, 0, sizeof(p->local));
	memcpy(&p->local, addr, snet__sa_len(addr));
	p->family = addr->sa_family;
	p->local_family = snet__sa_plain(addr, p->local_ip, NULL);
	static const uint8_t zero[16];
	p->bound_src = memcmp(p->local_ip, zero, 16) != 0;
	if (addr->sa_family == AF_INET)
		((struct sockaddr_in *)&p->local)->sin_port = htons(s->port);
	else
		((struct sockaddr_in6 *)&p->local)->sin6_port = htons(s->port);
	p->state = CONN_BOUND;
}

int snet_conn_bind(snet_conn_t *conn, const struct sockaddr *addr, unsigned flags)
{
	struct conn_priv *p = CONN(conn);
	snet__sock *s;
	if (p->state != CONN_INIT)
		return UV_EALREADY;
	if (snet__sa_len(addr) == 0)
		return UV_EINVAL;
	int err = p->opener ? p->opener(conn, addr, p->opener_arg, &s)
			    : snet__udp_open(conn->net, addr, p->device, p->mark, flags, 0, &s);
	if (err)
		return err;
	attach(conn, s, addr);
	return 0;
}

static int open_shared(snet_conn_t *conn, int fam, uint16_t port, unsigned flags, snet__sock **s)
{
	struct sockaddr_storage any;
	memset(&any, 0, sizeof(any));
	any.ss_family = (sa_family_t)fam;
	if (fam == AF_INET)
		((struct sockaddr_in *)&any)->sin_port = htons(port);
	else
		((struct sockaddr_in6 *)&any)->sin6_port = htons(port);
	return snet__udp_open(conn->net, (struct sockaddr *)&any, CONN(conn)->device,
			      CONN(conn)->mark, flags | SNET_BIND_V6ONLY, 1, s);
}

int snet_conn_bind_prefix(snet_conn_t *conn, const struct sockaddr *addr, unsigned prefix_len,
			  unsigned flags)
{
	struct conn_priv *p = CONN(conn);
	uint8_t ip[16];
	uint16_t port;
	if (p->state != CONN_INIT)
		return UV_EALREADY;
	int fam = snet__sa_plain(addr, ip, &port);
	unsigned max = fam == AF_INET ? 32 : 128;
	if (fam == AF_UNSPEC || fam != addr->sa_family || port == 0 || prefix_len == 0 ||
	    prefix_len > max || p->opener)
		return UV_EINVAL;
	snet__sock *s = snet__sock_find_shared(conn->net, fam, port, p->device);
	int err = s ? snet__prefix_conflicts(s, ip, prefix_len) : open_shared(conn, fam, port,
									       flags, &s);
	if (err)
		return err;
	attach(conn, s, addr);
	memcpy(p->prefix, ip, 16);
	p->prefix_len = (uint8_t)prefix_len;
	p->bound_src = false;
	return 0;
}

int snet_conn_connect(snet_conn_t *conn, const snet_udp_addr *remote)
{
	struct conn_priv *p = CONN(conn);
	if (remote->ia != NET(conn->net)->topo.local_ia &&
	    (remote->next_hop.ss_family == AF_UNSPEC || remote->path_type == SNET_PATH_EMPTY))
		return SNET_E_NO_PATH;
	if (remote->path_len > sizeof(p->remote_path))
		return SNET_E_BAD_PATH_LEN;
	p->remote = *remote;
	if (remote->path_len)
		memcpy(p->remote_path, remote->path, remote->path_len);
	p->remote.path = p->remote_path;
	p->has_remote = 1;
	return 0;
}

int snet_conn_local(const snet_conn_t *conn, snet_udp_addr *out)
{
	const struct conn_priv *p = CONN(conn);
	if (p->state != CONN_BOUND)
		return SNET_E_NOT_BOUND;
	memset(out, 0, sizeof(*out));
	out->ia = NET(conn->net)->topo.local_ia;
	snet__sa_to_host((const struct sockaddr *)&p->local, &out->host, &out->port);
	return 0;
}

/* libuv's uv__socket_sockopt: 0 reads the size, anything else sets it. */
static int buffer_size(snet_conn_t *conn, int opt, int *value)
{
	snet__sock *s = CONN(conn)->sock;
	if (CONN(conn)->state != CONN_BOUND || !s)
		return SNET_E_NOT_BOUND;
	if (!s->ops->fileno)
		return UV_ENOTSUP;
	if (!value)
		return UV_EINVAL;
	int fd = s->ops->fileno(s);
	socklen_t len = sizeof(*value);
	int rc = *value == 0 ? getsockopt(fd, SOL_SOCKET, opt, value, &len)
			     : setsockopt(fd, SOL_SOCKET, opt, value, len);
	return rc < 0 ? -errno : 0;
}

int snet_conn_recv_buffer_size(snet_conn_t *conn, int *value)
{
	return buffer_size(conn, SO_RCVBUF, value);
}

int snet_conn_send_buffer_size(snet_conn_t *conn, int *value)
{
	return buffer_size(conn, SO_SNDBUF, value);
}

static void update(snet_conn_t *conn)
{
	snet__sock *s = CONN(conn)->sock;
	if (s)
		s->ops->update(s);
}

int snet_conn_recv_start(snet_conn_t *conn, snet_recv_cb cb)
{
	struct conn_priv *p = CONN(conn);
	if (p->state != CONN_BOUND)
		return SNET_E_NOT_BOUND;
	if (p->recv_cb)
		return UV_EALREADY;
	p->recv_cb = cb;
	update(conn);
	return 0;
}

int snet_conn_recv_stop(snet_conn_t *conn)
{
	CONN(conn)->recv_cb = NULL;
	update(conn);
	return 0;
}

void snet_conn_set_scmp_cb(snet_conn_t *conn, snet_scmp_cb cb)
{
	CONN(conn)->scmp_cb = cb;
	update(conn);
}

void snet_conn_set_raw_cb(snet_conn_t *conn, snet_raw_cb cb)
{
	CONN(conn)->raw_cb = cb;
	update(conn);
}

/* ---- close --------------------------------------------------------------------------------- */

static void finish_close(snet_conn_t *conn)
{
	snet_network_t *net = conn->net;
	snet_close_cb cb = CONN(conn)->close_cb;
	NET(net)->n_conns--;
	NET(net)->n_closing--;
	if (cb)
		cb(conn); /* the conn may be freed here */
	snet__network_conn_gone(net);
}

static void on_conn_closed(uv_handle_t *h)
{
	snet_conn_t *conn = h->data;
	struct conn_priv *p = CONN(conn);
	snet_send_t *r = p->cancelled;
	p->cancelled = NULL;
	snet__send_cancel_list(r);
	/* Requests a transport still holds (a write on the dispatcher's socket) complete first:
	 * the close callback is the last one, and the conn may be freed in it. */
	if (p->held) {
		p->close_deferred = 1;
		return;
	}
	finish_close(conn);
}

void snet__send_hold(snet_send_t *req)
{
	CONN(req->conn)->held++;
}

void snet__send_release(snet_send_t *req, int status)
{
	snet_conn_t *conn = req->conn;
	struct conn_priv *p = CONN(conn);
	p->held--;
	snet__send_complete(req, status);
	if (p->close_deferred && p->held == 0) {
		p->close_deferred = 0;
		finish_close(conn);
	}
}

void snet_conn_close(snet_conn_t *conn, snet_close_cb cb)
{
	struct conn_priv *p = CONN(conn);
	if (p->state == CONN_CLOSING)
		return;
	p->close_cb = cb;
	NET(conn->net)->n_closing++;
	p->recv_cb = NULL;
	p->scmp_cb = NULL;
	p->raw_cb = NULL;
	p->state = CONN_CLOSING;
	if (p->sock)
		snet__sock_detach(p->sock, conn);
	uv_close((uv_handle_t *)&p->closer, on_conn_closed);
}

void snet_conn_stats_get(const snet_conn_t *conn, snet_conn_stats *out, size_t size)
{
	const struct conn_priv *p = CONN(conn);
	snet_conn_stats s = p->stats;
	if (p->sock) {
		const snet_conn_stats *u = &p->sock->stats;
		s.drop_malformed += u->drop_malformed;
		s.drop_not_ours += u->drop_not_ours;
		s.drop_dst_mismatch += u->drop_dst_mismatch;
		s.drop_other += u->drop_other;
	}
	memset(out, 0, size);
	memcpy(out, &s, size < sizeof(s) ? size : sizeof(s));
}
