/* SPDX-License-Identifier: Apache-2.0 */
/* snet-echo client --select: paths from a selector (snet/select.h) instead of one fixed path,
 * for the failover runs. Prints "switch t_ms=T after-seq=S reason=R to=FINGERPRINT|-
 * hops=IA#ID,..." on every change. */
#ifndef SNET_ECHO_SELECT_H
#define SNET_ECHO_SELECT_H

#include "snet/snet.h"

struct echo_select_args {
	const char *sciond, *paths, *policy;
	long probe_interval_ms, hold_down_ms;
	uint64_t start_ns; /* the client's clock origin, for t_ms */
	const long *sent;  /* datagrams sent so far, for after-seq */
};

/* Starts selecting paths to dst for c: from the path database file when given, else from the
 * daemon. Exits 2 on bad arguments. */
void echo_select_start(snet_conn_t *c, uint64_t dst, const struct echo_select_args *a);
const snet_path *echo_select_path(void);
/* SCMP for the selector: true when it used the message. */
bool echo_select_scmp(const snet_scmp_msg *m);
void echo_select_close(void);

#endif
