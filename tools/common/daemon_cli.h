/* SPDX-License-Identifier: Apache-2.0 */
/* The daemon for the tools: one blocking call at a time while nothing else runs on the loop
 * (the tools ask for their topology and paths before they open a conn). */
#ifndef SNET_TOOLS_DAEMON_CLI_H
#define SNET_TOOLS_DAEMON_CLI_H

#include "snet/snet.h"

struct cli_daemon {
	snet_daemon_t d;
	uv_loop_t *loop;
	const char *tool;
	char addr[128];
	bool open;
};

/* --sciond / --daemon, else SCION_DAEMON, environment.json, the default. Each call's deadline
 * is timeout_ms (0: the library's default). Exits 2 on an address that cannot be used. */
void cli_daemon_open(struct cli_daemon *cd, uv_loop_t *loop, const char *tool, const char *addr,
		     uint32_t timeout_ms);
/* Go: daemon.LoadTopology. 0, or a negative code with the message in err. */
int cli_daemon_topology(struct cli_daemon *cd, snet_topology *t, char *err, size_t cap);
/* Go: Connector.Paths(dst, src, flags). *out is the caller's (snet_path_set_free). */
int cli_daemon_paths(struct cli_daemon *cd, uint64_t src, uint64_t dst, unsigned flags,
		     snet_path_set **out, char *err, size_t cap);
/* Go: Connector.ASInfo(0), the local AS. */
int cli_daemon_as(struct cli_daemon *cd, snet_daemon_as_info *info, char *err, size_t cap);
/* One URI of the service name ("control"), at random as Go picks one; SNET_E_BAD_REPLY with
 * err saying so when the daemon lists none. */
int cli_daemon_service_uri(struct cli_daemon *cd, const char *name, char *out, size_t cap,
			   char *err, size_t errcap);
/* Closes the handle and runs the loop until it is gone. */
void cli_daemon_close(struct cli_daemon *cd);
/* The error text for a failed call: "daemon ADDR: WHAT: MESSAGE". */
void cli_daemon_error(const struct cli_daemon *cd, const char *what, int rc,
		      const snet_daemon_req_t *req, char *err, size_t cap);

#endif
