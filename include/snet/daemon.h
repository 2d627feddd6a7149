/* SPDX-License-Identifier: Apache-2.0 */
/* A client of the SCION daemon (Go: pkg/daemon, daemon.Connector) on a libuv loop: the local
 * AS, its dispatched port range and interfaces, services, and paths, over gRPC on HTTP/2
 * cleartext, as Go's daemon serves them (proto/daemon/v1 DaemonService).
 *
 * One snet_daemon_t holds one TCP connection, opened on the first request and shared by all of
 * them (one HTTP/2 stream each). Requests are caller-owned snet_daemon_req_t, completed once
 * through their callback: status 0, or a negative code: SNET_E_GRPC (the daemon answered with
 * a gRPC error; snet_daemon_req_grpc_status/message tell which), SNET_E_BAD_REPLY (a reply that
 * does not decode; the message names the field), SNET_E_REPLY_TOO_LARGE, SNET_E_NOT_HTTP2,
 * SNET_E_DAEMON_GONE (the connection closed before the reply), UV_ETIMEDOUT (the request's
 * deadline passed), UV_ECANCELED (snet_daemon_close), or -errno from connecting
 * (UV_ECONNREFUSED when nothing listens).
 *
 * When the connection breaks, requests in flight fail and the next request reconnects. A
 * failed connect starts a backoff (doubling from backoff_min_ms to backoff_max_ms) during
 * which requests fail at once with the connect error, as grpc-go's fail-fast RPCs do. A GOAWAY
 * lets the streams it covers finish and sends later requests over a new connection. The client
 * sends no keepalive PINGs (grpc-go closes connections that ping more than every 5 minutes).
 *
 * Callbacks may start new requests and may close the daemon handle; results passed to a
 * callback are borrowed for its duration unless the callback says it hands them over. */
#ifndef SNET_DAEMON_H
#define SNET_DAEMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <uv.h>

#include "snet/abi.h"
#include "snet/conn.h"
#include "snet/pathset.h"
#include "snet/topology.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Go: daemon.DefaultAPIAddress. */
#define SNET_DAEMON_DEFAULT_ADDRESS "127.0.0.1:30255"
/* Go: the environment file the scion CLI reads (private/app/flag/env.go). */
#define SNET_DAEMON_ENVIRONMENT_FILE "/etc/scion/environment.json"
/* grpc-message text kept per request, NUL included; longer messages are cut here (they are
 * for people, not programs). */
#define SNET_DAEMON_MESSAGE_MAX 256

typedef struct snet_daemon_s snet_daemon_t;
typedef struct snet_daemon_req_s snet_daemon_req_t;

typedef struct snet_daemon_opts {
	size_t size;              /* set by snet_daemon_opts_default */
	uint32_t timeout_ms;      /* each request's deadline, sent as grpc-timeout; default 10000 */
	size_t max_reply;         /* largest reply message; default 4 MiB (grpc-go's default) */
	uint32_t backoff_min_ms;  /* after a failed connect; default 100 */
	uint32_t backoff_max_ms;  /* default 5000 */
} snet_daemon_opts;

SNET_EXTERN void snet_daemon_opts_init(snet_daemon_opts *o, size_t size);
#define snet_daemon_opts_default(o) snet_daemon_opts_init((o), sizeof(*(o)))

typedef struct snet_daemon_stats {
	uint64_t connects;        /* TCP connections established */
	uint64_t connect_failures;
	uint64_t goaways;         /* GOAWAY frames received */
	uint64_t requests, failures; /* completed requests, and those with a status < 0 */
	uint64_t bad_replies;     /* SNET_E_BAD_REPLY, REPLY_TOO_LARGE and NOT_HTTP2 */
	uint64_t timeouts;
} snet_daemon_stats;

struct snet_daemon_s {
	void *data;               /* yours */
	uv_loop_t *loop;          /* read-only */
	struct snet__daemon *priv_;
};

typedef void (*snet_daemon_close_cb)(snet_daemon_t *d);

/* Resolves the daemon's address as Go's scion CLI does: explicit (the tools' --sciond; the
 * word "default" means the default address), else $SCION_DAEMON, else the daemon_address of the
 * default AS (general.default_isd_as) in env_file (NULL: SNET_DAEMON_ENVIRONMENT_FILE) when that
 * file exists, else SNET_DAEMON_DEFAULT_ADDRESS (where Go would fall back to its standalone
 * mode). Writes it to out. Returns 0, -ENOSPC, or SNET_E_BAD_JSON with err saying what is wrong
 * with env_file. */
SNET_EXTERN int snet_daemon_address(const char *explicit_addr, const char *env_file, char *out,
				    size_t cap, char *err, size_t errlen);

/* address: "IP:port", "[IPv6]:port" or "name:port" (a name is resolved here, blocking, once).
 * opts may be NULL. Connects lazily: init does no I/O. Returns 0, SNET_E_BAD_ADDR,
 * SNET_E_BAD_PORT, -ENOMEM, or UV_EINVAL for opts without a size. */
SNET_EXTERN int snet_daemon_init(uv_loop_t *loop, snet_daemon_t *d, const char *address,
				 const snet_daemon_opts *opts);
/* Fails every pending request with UV_ECANCELED (their callbacks run first), then closes; cb
 * (may be NULL) runs when the memory may be freed. */
SNET_EXTERN void snet_daemon_close(snet_daemon_t *d, snet_daemon_close_cb cb);
SNET_EXTERN void snet_daemon_get_stats_(const snet_daemon_t *d, snet_daemon_stats *s,
					size_t size);
#define snet_daemon_get_stats(d, s) snet_daemon_get_stats_((d), (s), sizeof(*(s)))

/* ---- Requests ---- */

typedef enum {
	SNET_DAEMON_PATHS = 1,
	SNET_DAEMON_AS,
	SNET_DAEMON_INTERFACES,
	SNET_DAEMON_SERVICES,
	SNET_DAEMON_PORT_RANGE,
	SNET_DAEMON_NOTIFY_IF_DOWN,
	SNET_DAEMON_TOPOLOGY,
} snet_daemon_req_type;

/* Go: daemontypes.ASInfo plus the reply's core flag. */
typedef struct snet_daemon_as_info {
	uint64_t ia;
	bool core;
	uint16_t mtu; /* Go: uint16(Mtu); 0 for an AS other than the local one */
} snet_daemon_as_info;

/* One interface of the local AS and its border router's internal address. */
typedef struct snet_daemon_if {
	uint64_t id;
	struct sockaddr_storage addr;
} snet_daemon_if;

/* One service type and its URIs, in the order the daemon sent them (Go: SVCInfo keeps only
 * "control"; we pass all of them). Strings are NUL-terminated. */
typedef struct snet_daemon_service {
	const char *name;
	size_t n_uris;
	const char *const *uris;
} snet_daemon_service;

/* Paths flags (Go: daemontypes.PathReqFlags). */
#define SNET_DAEMON_REFRESH 0x1
#define SNET_DAEMON_HIDDEN 0x2

/* status as above. set: on success, the paths (possibly none: an AS the daemon knows no path
 * to is not an error; the local AS gives one empty path), handed over to the callback, which
 * frees it with snet_path_set_free. NULL on error. */
typedef void (*snet_daemon_paths_cb)(snet_daemon_req_t *req, int status, snet_path_set *set);
typedef void (*snet_daemon_as_cb)(snet_daemon_req_t *req, int status,
				  const snet_daemon_as_info *info);
/* Borrowed for the callback; n 0 on error. In the order the daemon sent them. */
typedef void (*snet_daemon_ifs_cb)(snet_daemon_req_t *req, int status,
				   const snet_daemon_if *ifs, size_t n);
typedef void (*snet_daemon_services_cb)(snet_daemon_req_t *req, int status,
					const snet_daemon_service *svcs, size_t n);
/* Go: uint16 casts of the reply's values. */
typedef void (*snet_daemon_port_range_cb)(snet_daemon_req_t *req, int status, uint16_t start,
					  uint16_t end);
typedef void (*snet_daemon_done_cb)(snet_daemon_req_t *req, int status);

struct snet_daemon_req_s {
	void *data;               /* yours */
	snet_daemon_t *daemon;    /* read-only from here on */
	snet_daemon_req_type type;
	SNET_PRIVATE(448);
};

/* Each returns 0 (the callback will run, never from inside this call) or an error without
 * calling back: UV_EBUSY (req still pending), UV_EINVAL (closing daemon). */
SNET_EXTERN int snet_daemon_paths(snet_daemon_t *d, snet_daemon_req_t *req, uint64_t src,
				  uint64_t dst, unsigned flags, snet_daemon_paths_cb cb);
/* ia 0: the local AS. */
SNET_EXTERN int snet_daemon_as(snet_daemon_t *d, snet_daemon_req_t *req, uint64_t ia,
			       snet_daemon_as_cb cb);
SNET_EXTERN int snet_daemon_interfaces(snet_daemon_t *d, snet_daemon_req_t *req,
				       snet_daemon_ifs_cb cb);
SNET_EXTERN int snet_daemon_services(snet_daemon_t *d, snet_daemon_req_t *req,
				     snet_daemon_services_cb cb);
SNET_EXTERN int snet_daemon_port_range(snet_daemon_t *d, snet_daemon_req_t *req,
				       snet_daemon_port_range_cb cb);
/* Go: Connector.RevNotification: the daemon revokes interface id of ia for a while. */
SNET_EXTERN int snet_daemon_notify_if_down(snet_daemon_t *d, snet_daemon_req_t *req, uint64_t ia,
					   uint64_t id, snet_daemon_done_cb cb);
/* Go: daemon.LoadTopology: AS(0) for the local IA, PortRange, Interfaces, in that order, into
 * *topo (which must stay valid until the callback). SNET_E_BAD_REPLY when an interface ID
 * does not fit the topology's 16 bits or there are more than SNET_TOPO_MAX_IFS. */
SNET_EXTERN int snet_daemon_topology(snet_daemon_t *d, snet_daemon_req_t *req,
				     snet_topology *topo, snet_daemon_done_cb cb);

/* ---- Go: daemon.ReloadingTopology ---- */

/* Keeps a network's interfaces as the daemon reports them: asks for Interfaces at once and
 * then every period, and puts each good answer into the network (snet_network_set_interfaces).
 * The local IA and port range stay as the network was made (Go reloads only the interfaces
 * too; a daemon of another AS is a configuration error, not a reload). A failed reload keeps
 * the interfaces there were and is reported, as Go logs it; the next period tries again. A
 * period that finds the last request still pending sends none. */
typedef struct snet_topo_reloader_s snet_topo_reloader_t;

/* After each reload: status 1 (the interfaces changed), 0 (the same), or the request's
 * negative code (see above) with message saying why ("" when the code says it all). */
typedef void (*snet_topo_reload_cb)(snet_topo_reloader_t *r, int status, const char *message);
typedef void (*snet_topo_reloader_close_cb)(snet_topo_reloader_t *r);

typedef struct snet_topo_reloader_stats {
	uint64_t reloads;  /* answers put into the network */
	uint64_t changes;  /* of them, those that changed its interfaces */
	uint64_t failures; /* requests that failed or answered what does not fit a topology */
	uint64_t skipped;  /* periods that found the last request still pending */
} snet_topo_reloader_stats;

struct snet_topo_reloader_s {
	void *data;               /* yours */
	snet_daemon_t *daemon;    /* read-only */
	snet_network_t *net;      /* read-only */
	SNET_PRIVATE(768);
};

/* Starts reloading every period_ms (> 0); cb may be NULL. Close the reloader before the daemon
 * and the network it uses. Returns 0 or UV_EINVAL (period 0, or a closing daemon). */
SNET_EXTERN int snet_topo_reloader_start(snet_topo_reloader_t *r, snet_daemon_t *d,
					 snet_network_t *net, uint32_t period_ms,
					 snet_topo_reload_cb cb);
/* Stops a started reloader (one whose start returned 0): no reload callback runs from here on,
 * and a request in flight is let finish (its answer is dropped); cb (may be NULL) runs when r
 * may be freed. A second close does nothing. */
SNET_EXTERN void snet_topo_reloader_close(snet_topo_reloader_t *r, snet_topo_reloader_close_cb cb);
SNET_EXTERN void snet_topo_reloader_get_stats_(const snet_topo_reloader_t *r,
					       snet_topo_reloader_stats *s, size_t size);
#define snet_topo_reloader_get_stats(r, s) snet_topo_reloader_get_stats_((r), (s), sizeof(*(s)))

/* After a completion: the gRPC status (0 OK; -1 when the reply never got that far) and its
 * message ("" when none); for SNET_E_BAD_REPLY the message says what did not decode. Valid
 * until the request is reused. */
SNET_EXTERN int snet_daemon_req_grpc_status(const snet_daemon_req_t *req);
SNET_EXTERN const char *snet_daemon_req_message(const snet_daemon_req_t *req);
/* grpc-go's name of a status code ("Unknown" for 2, "Unavailable" for 14), "Code(N)" for a
 * code it does not know (in buf, at least 24 bytes). */
SNET_EXTERN const char *snet_grpc_code_name(int code, char *buf, size_t cap);

#ifdef __cplusplus
}
#endif
#endif
