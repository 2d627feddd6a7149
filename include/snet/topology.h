/* SPDX-License-Identifier: Apache-2.0 */
/* What a connection needs to know of its AS (Go: snet.Topology): the local IA, the dispatched
 * port range, and for each interface the internal address of the border router that owns it.
 * Plain values, no I/O; the topology.json loader fills the same struct. */
#ifndef SNET_TOPOLOGY_H
#define SNET_TOPOLOGY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "snet/err.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SNET_TOPO_MAX_IFS 64
#define SNET_ENDHOST_PORT 30041 /* Go: topology.EndhostPort, the shim dispatcher's port */

typedef struct snet_topo_if {
	uint16_t ifid;
	struct sockaddr_storage br; /* the owning router's internal_addr */
} snet_topo_if;

typedef struct snet_topology {
	uint64_t local_ia;
	/* Dispatched ports, inclusive (Go: Topology.PortRange). end == 0 is the empty range. */
	uint16_t port_start, port_end;
	size_t n_ifs;
	snet_topo_if ifs[SNET_TOPO_MAX_IFS];
} snet_topology;

/* A topology with no interfaces. SNET_E_BAD_FIELD if start > end (unless end is 0). */
SNET_EXTERN int snet_topology_init(snet_topology *t, uint64_t ia, uint16_t port_start,
				   uint16_t port_end);
/* Maps ifid to a router's internal address (AF_INET or AF_INET6 sockaddr). A second call for
 * the same ifid replaces it. SNET_E_BAD_FIELD (ifid 0 or bad family), -ENOSPC
 * when full. */
SNET_EXTERN int snet_topology_add_if(snet_topology *t, uint16_t ifid, const struct sockaddr *br);
/* Go: Topology.Interface. NULL when unknown. */
SNET_EXTERN const struct sockaddr_storage *snet_topology_if(const snet_topology *t, uint16_t ifid);
/* True when port lies in the dispatched range. */
SNET_EXTERN bool snet_topology_port_dispatched(const snet_topology *t, uint16_t port);

#ifdef __cplusplus
}
#endif
#endif
