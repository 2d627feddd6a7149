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

/* Before bind: use the dispatcher at path (NULL: SNET_DISP_DEFAULT_SOCKET). bind then
 * connects, registers the bound address and port (port 0: the dispatcher picks the highest
 * free port of the range) and waits up to 2 s for the confirmation; it blocks for that local
 * round trip. bind errors: -errno from connect, SNET_E_DISPATCHER when refused.
 * Returns 0, UV_EALREADY (bound), UV_EINVAL (path too long). If the dispatcher goes away,
 * writes to its socket raise SIGPIPE: as in any libuv program that writes to sockets, ignore
 * SIGPIPE (the library does not change signal dispositions); sends then fail with UV_EPIPE. */
SNET_EXTERN int snet_conn_set_dispatcher(snet_conn_t *conn, const char *path);

#ifdef __cplusplus
}
#endif
#endif
