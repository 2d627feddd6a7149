/* SPDX-License-Identifier: Apache-2.0 */
/* An in-process dispatcher (the Unix-socket side) on its own thread and loop, as the daemon
 * would run it: for the tests and benchmarks of dispatcher mode. */
#ifndef SNET_DISP_THREAD_H
#define SNET_DISP_THREAD_H

#include <stdint.h>

#include "server.h"

/* Starts it on path for AS ia with the dispatched ports start-end and the server options o
 * (NULL: the defaults). 0 or -1. */
int disp_thread_start(uint64_t ia, uint16_t start, uint16_t end, const char *path,
		      const struct disp_server_opts *o);
/* Stops it, joins the thread and removes the socket file. */
void disp_thread_stop(void);

#endif
