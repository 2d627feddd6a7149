/* SPDX-License-Identifier: Apache-2.0 */
/* snet-showpaths' result (Go: scion/showpaths.Result) and its two printers. */
#ifndef SNET_SHOWPATHS_H
#define SNET_SHOWPATHS_H

#include <stdbool.h>
#include <stdio.h>

#include "snet/snet.h"

/* Go: pathprobe statuses, lower-cased as showpaths prints them. */
struct sp_status {
	const char *status; /* NULL when not probed */
	char info[128];     /* status_info */
	char local_ip[64];  /* "" when unknown */
};

struct sp_result {
	uint64_t local_ia, dst;
	size_t n;
	const snet_path **paths; /* sorted as Go's path.Sort */
	struct sp_status *status;
};

/* Go's json.Encoder with SetIndent("", "  ") and SetEscapeHTML(false) of Result. */
void sp_print_json(FILE *f, const struct sp_result *r);
/* Go's Result.Human without colours. */
void sp_print_human(FILE *f, const struct sp_result *r, bool extended);

/* Probes every path (Go: pathprobe.Prober.GetStatuses): an SCMP traceroute request to the
 * ingress interface of the destination AS, with the router alert flag on the last hop. Fills
 * r->status. Returns 0 or a negative code with err. */
int sp_probe(uv_loop_t *loop, const snet_topology *topo, struct sp_result *r, const char *local,
	     uint32_t timeout_ms, char *err, size_t cap);

#endif
