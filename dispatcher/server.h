/* SPDX-License-Identifier: Apache-2.0 */
/* Dispatcher mode, the daemon's side: applications register over a Unix stream socket (Go's
 * pre-v0.12 protocol); the dispatcher binds their underlay ports, hands them what arrives
 * there or on 30041 for them, and sends their packets. */
#ifndef SNET_DISP_SERVER_H
#define SNET_DISP_SERVER_H

#include "snet/snet.h"

struct disp_server_opts {
	uint16_t ports_lo, ports_hi;     /* explicit ports allowed (the dispatched range) */
	uint16_t eph_lo, eph_hi;         /* port 0 is allocated here (Go v0.11: 32768-65535) */
	unsigned max_clients;            /* 0: from RLIMIT_NOFILE */
	unsigned reg_timeout_ms;         /* a registration must complete this fast */
	unsigned frame_timeout_ms;       /* and so must a frame, once begun */
	size_t app_queue_bytes;          /* per application, towards it */
	size_t total_queue_bytes;        /* all applications together */
	size_t total_input_bytes;        /* frames being received from all clients */
};

struct disp_server_stats {
	uint64_t registrations, refused, conflicts, malformed_frames, clients_closed;
	uint64_t to_apps, from_apps, app_queue_drops, bad_app_packets;
	uint64_t timeouts, reaped, refused_full, svc_delivered, closed_memory;
	uint64_t clients; /* now */
};

/* The defaults: ports from the topology's range (else Go's 31000-32767), ephemeral 32768-65535,
 * 5 s timeouts, 1 MiB per application and 64 MiB in all queued towards them, 32 MiB of
 * partial frames from all clients together. */
void disp_server_opts_default(struct disp_server_opts *o, const snet_topology *t);
/* Listens on path (mode 0770; a stale socket file is replaced). Returns 0 or a negative libuv
 * error. */
int disp_server_start(uv_loop_t *loop, snet_network_t *net, const char *path,
		      const struct disp_server_opts *o);
/* A packet that arrived on 30041 (the shim's port): handed to the registered application it
 * is for, if any (UDP by destination address and port or SVC; SCMP by identifier or quoted
 * port). true when an application took it (or it was counted as dropped for one). */
bool disp_server_deliver(const snet_raw_msg *m);
void disp_server_stats(struct disp_server_stats *s);
/* Closes every client and the listener, and removes the socket file. */
void disp_server_stop(void);

#endif
