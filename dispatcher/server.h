/* SPDX-License-Identifier: Apache-2.0 */
/* Dispatcher mode, the daemon's side: applications register over a Unix stream socket; the
 * dispatcher binds their underlay ports and moves their packets in frames. */
#ifndef SNET_DISP_SERVER_H
#define SNET_DISP_SERVER_H

#include "snet/snet.h"

struct disp_server_stats {
	uint64_t registrations, refused, conflicts, malformed_frames, clients_closed;
	uint64_t to_apps, from_apps, app_queue_drops, bad_app_packets;
};

/* Listens on path (mode 0770). Returns 0 or a negative libuv error. */
int disp_server_start(uv_loop_t *loop, snet_network_t *net, const char *path);
void disp_server_stats(struct disp_server_stats *s);
void disp_server_stop(void);

#endif
