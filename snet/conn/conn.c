/* SPDX-License-Identifier: Apache-2.0 */
/* snet_conn_t lifecycle: init, bind (address, device, prefix), connect, recv start/stop, close. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

int snet_conn_init(snet_network_t *net, snet_conn_t *conn)
{
	memset(conn, 0, sizeof(*conn));
	conn->net = net;
	conn->state = CONN_INIT;
	uv_check_init(net->loop, &conn->closer);
	conn->closer.data = conn;
	net->n_conns++;
	return 0;
}

int snet_conn_set_device(snet_conn_t *conn, const char *ifname)
{
	if (conn->state != CONN_INIT)
		return UV_EALREADY;
	unsigned idx = if_nametoindex(ifname);
	if (idx == 0 || strlen(ifname) >= IF_NAMESIZE)
		return UV_EINVAL;
	snprintf(conn->device, sizeof(conn->device), "%s", ifname);
	conn->ifindex = idx;
	return 0;
}

int snet_conn_set_mark(snet_conn_t *conn, uint32_t mark)
{
	if (conn->state != CONN_INIT)
		return UV_EALREADY;
	conn->mark = mark;
	return 0;
}

void snet_conn_set_flags(snet_conn_t *conn, unsigned flags)
{
	conn->flags = flags;
}

static void attach(snet_conn_t *conn, snet__usock *s, const struct sockaddr *addr)
{
	conn->sock = s;
	s->refs++;
	conn->next_on_sock = s->conns;
	s->conns = conn;
	memset(&conn->local, 0, sizeof(conn->local));
	memcpy(&conn->local, addr, snet__sa_len(addr));
	conn->family = addr->sa_family;
	if (addr->sa_family == AF_INET)
		((struct sockaddr_in *)&conn->local)->sin_port = htons(s->port);
	else
		((struct sockaddr_in6 *)&conn->local)->sin6_port = htons(s->port);
	conn->state = CONN_BOUND;
}

int snet_conn_bind(snet_conn_t *conn, const struct sockaddr *addr, unsigned flags)
{
	snet__usock *s;
	if (conn->state != CONN_INIT)
		return UV_EALREADY;
	if (snet__sa_len(addr) == 0)
		return UV_EINVAL;
	int err = conn->open_sock ? conn->open_sock(conn, addr, &s)
				  : snet__usock_open(conn->net, addr, conn->device, conn->mark, flags, 0, &s);
	if (err)
		return err;
	attach(conn, s, addr);
	return 0;
}

/* Two prefixes conflict when they agree on the shorter of their lengths (as in the seed). */
static int prefix_overlap(const uint8_t *a, const uint8_t *b, unsigned len)
{
	for (unsigned i = 0; i < len; i++) {
		unsigned byte = i / 8, bit = 7 - i % 8;
		if (((a[byte] >> bit) & 1) != ((b[byte] >> bit) & 1))
			return 0;
	}
	return 1;
}

int snet__prefix_holds(const snet_conn_t *c, int family, const uint8_t ip[16])
{
	return family == c->family && prefix_overlap(c->prefix, ip, c->prefix_len);
}

static int check_conflicts(const snet__usock *s, const uint8_t ip[16], unsigned plen)
{
	for (const snet_conn_t *c = s->conns; c; c = c->next_on_sock) {
		unsigned shorter = plen < c->prefix_len ? plen : c->prefix_len;
		if (c->state != CONN_CLOSING && prefix_overlap(c->prefix, ip, shorter))
			return SNET_E_BIND_CONFLICT;
	}
	return 0;
}

int snet_conn_bind_prefix(snet_conn_t *conn, const struct sockaddr *addr, unsigned prefix_len,
			  unsigned flags)
{
	uint8_t ip[16];
	uint16_t port;
	if (conn->state != CONN_INIT)
		return UV_EALREADY;
	int fam = snet__sa_plain(addr, ip, &port);
	unsigned max = fam == AF_INET ? 32 : 128;
	if (fam == AF_UNSPEC || fam != addr->sa_family || port == 0 || prefix_len == 0 ||
	    prefix_len > max)
		return UV_EINVAL;
	snet__usock *s = snet__usock_find_shared(conn->net, fam, port, conn->device);
	int err = s ? check_conflicts(s, ip, prefix_len) : 0;
	if (err)
		return err;
	if (!s) {
		struct sockaddr_storage any;
		memset(&any, 0, sizeof(any));
		any.ss_family = (sa_family_t)fam;
		if (fam == AF_INET)
			((struct sockaddr_in *)&any)->sin_port = htons(port);
		else
			((struct sockaddr_in6 *)&any)->sin6_port = htons(port);
		err = snet__usock_open(conn->net, (struct sockaddr *)&any, conn->device, conn->mark,
				       flags | SNET_BIND_V6ONLY, 1, &s);
		if (err)
			return err;
	}
	attach(conn, s, addr);
	memcpy(conn->prefix, ip, 16);
	conn->prefix_len = (uint8_t)prefix_len;
	return 0;
}

int snet_conn_connect(snet_conn_t *conn, const snet_udp_addr *remote)
{
	if (remote->ia != conn->net->topo.local_ia &&
	    (remote->next_hop.ss_family == AF_UNSPEC || remote->path_type == SNET_PATH_EMPTY))
		return SNET_E_NO_PATH;
	if (remote->path_len > sizeof(conn->remote_path))
		return SNET_E_BAD_PATH_LEN;
	conn->remote = *remote;
	if (remote->path_len)
		memcpy(conn->remote_path, remote->path, remote->path_len);
	conn->remote.path = conn->remote_path;
	conn->has_remote = 1;
	return 0;
}

int snet_conn_local(const snet_conn_t *conn, snet_udp_addr *out)
{
	if (conn->state != CONN_BOUND)
		return SNET_E_NOT_BOUND;
	memset(out, 0, sizeof(*out));
	out->ia = conn->net->topo.local_ia;
	snet__sa_to_host((const struct sockaddr *)&conn->local, &out->host, &out->port);
	return 0;
}

int snet_conn_recv_start(snet_conn_t *conn, snet_recv_cb cb)
{
	if (conn->state != CONN_BOUND)
		return SNET_E_NOT_BOUND;
	if (conn->recv_cb)
		return UV_EALREADY;
	conn->recv_cb = cb;
	snet__usock_update_poll(conn->sock);
	return 0;
}

int snet_conn_recv_stop(snet_conn_t *conn)
{
	conn->recv_cb = NULL;
	if (conn->sock)
		snet__usock_update_poll(conn->sock);
	return 0;
}

void snet_conn_set_scmp_cb(snet_conn_t *conn, snet_scmp_cb cb)
{
	conn->scmp_cb = cb;
	if (conn->sock)
		snet__usock_update_poll(conn->sock);
}

void snet_conn_set_raw_cb(snet_conn_t *conn, snet_raw_cb cb)
{
	conn->raw_cb = cb;
	if (conn->sock)
		snet__usock_update_poll(conn->sock);
}

static void finish_close(snet_conn_t *conn)
{
	conn->net->n_conns--;
	if (conn->close_cb)
		conn->close_cb(conn);
}

static void on_conn_closed(uv_handle_t *h)
{
	snet_conn_t *conn = h->data;
	snet_send_t *r = conn->cancelled;
	conn->cancelled = NULL;
	while (r) {
		snet_send_t *next = r->next;
		r->cb(r, UV_ECANCELED);
		r = next;
	}
	/* Requests a transport still holds (a write on the dispatcher's socket) complete first:
	 * the close callback is the last one, and the conn may be freed in it. */
	if (conn->held) {
		conn->close_deferred = 1;
		return;
	}
	finish_close(conn);
}

void snet__send_hold(snet_send_t *req)
{
	req->conn->held++;
}

void snet__send_release(snet_send_t *req, int status)
{
	snet_conn_t *conn = req->conn;
	conn->held--;
	snet__send_complete(req, status);
	if (conn->close_deferred && conn->held == 0) {
		conn->close_deferred = 0;
		finish_close(conn);
	}
}

static void detach(snet_conn_t *conn)
{
	snet__usock *s = conn->sock;
	for (snet_conn_t **pp = &s->conns; *pp; pp = &(*pp)->next_on_sock) {
		if (*pp == conn) {
			*pp = conn->next_on_sock;
			break;
		}
	}
	snet__usock_cancel(s, conn);
	snet__usock_update_poll(s);
	snet__usock_release(s);
	conn->sock = NULL;
}

void snet_conn_close(snet_conn_t *conn, snet_close_cb cb)
{
	if (conn->state == CONN_CLOSING)
		return;
	conn->close_cb = cb;
	conn->recv_cb = NULL;
	conn->scmp_cb = NULL;
	conn->raw_cb = NULL;
	if (conn->sock)
		detach(conn);
	conn->state = CONN_CLOSING;
	uv_close((uv_handle_t *)&conn->closer, on_conn_closed);
}

void snet_conn_get_stats(const snet_conn_t *conn, snet_conn_stats *s)
{
	*s = conn->stats;
	if (!conn->sock)
		return;
	const snet_conn_stats *u = &conn->sock->stats;
	s->drop_malformed += u->drop_malformed;
	s->drop_not_ours += u->drop_not_ours;
	s->drop_dst_mismatch += u->drop_dst_mismatch;
	s->drop_other += u->drop_other;
}
