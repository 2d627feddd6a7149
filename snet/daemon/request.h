/* SPDX-License-Identifier: Apache-2.0 */
/* Between the daemon handle (daemon.c) and its requests (request.c). Internal. */
#ifndef SNET_DAEMON_REQUEST_H
#define SNET_DAEMON_REQUEST_H

#include "internal.h"

/* Runs the timer's work on the next loop iteration (deadlines, queued requests). */
void snet__daemon_kick(struct snet__daemon *dm);
/* Starts r's call on c. */
void snet__dreq_submit(struct snet__daemon *dm, struct dreq *r, struct dconn *c);
/* The call's reply arrived (or its connection failed): decode, go on, or complete. */
void snet__dreq_reply(struct snet__daemon *dm, struct dreq *r, const struct snet__h2c_reply *rep);
/* Ends r with status (< 0) and message, calling its callback with no result. */
void snet__dreq_complete(struct snet__daemon *dm, struct dreq *r, int status, const char *msg);

#endif
