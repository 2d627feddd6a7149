/* SPDX-License-Identifier: Apache-2.0 */
/* Dispatcher mode: a conn that does not own an underlay port. Its bind registers with a
 * dispatcher over a Unix stream socket (Go's pre-v0.12 protocol), which binds the port on its
 * behalf and forwards what arrives there; sends go to the dispatcher as frames. The rest of
 * the conn API is unchanged. */
#ifndef SNET_DISP_CLIENT_H
#define SNET_DISP_CLIENT_H

#include "snet/conn.h"
#include "snet/disp.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Dispatcher flags. */
#define SNET_DISP_NO_RECONNECT 0x1 /* a lost dispatcher stays lost (default: reconnect) */

/* Before bind: use the dispatcher at path (NULL: SNET_DISP_DEFAULT_SOCKET). bind then
 * connects, registers the bound address and port (port 0: the dispatcher picks one) and waits
 * up to 2 s for the confirmation; it blocks for that local round trip. bind errors: -errno
 * from connect, SNET_E_DISPATCHER when refused. Returns 0, UV_EALREADY (bound), UV_EINVAL
 * (path too long).
 *
 * When the dispatcher goes away (a restart, a crash), every receive callback of the conn gets
 * SNET_E_DISPATCHER once (and the network's log a line), and sends complete with
 * SNET_E_DISPATCHER until it is back: datagrams are lost, senders never block. By default the
 * conn reconnects in the background (100 ms, doubling to 5 s) and registers the same address
 * and port again, as Go v0.11's pkg/sock/reliable/reconnect did; traffic resumes once the
 * dispatcher confirms the port (a line in the log). Reconnecting is the default because the
 * outage is the operator's, not the application's, and an application that wants to stop
 * can close its conn on the first SNET_E_DISPATCHER; with SNET_DISP_NO_RECONNECT the conn
 * stays broken. Writes to a dispatcher that went away raise SIGPIPE: as in any libuv program
 * that writes to sockets, ignore SIGPIPE (the library does not change signal dispositions). */
SNET_EXTERN int snet_conn_set_dispatcher(snet_conn_t *conn, const char *path, unsigned flags);

#ifdef __cplusplus
}
#endif
#endif
