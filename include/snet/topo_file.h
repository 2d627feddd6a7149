/* SPDX-License-Identifier: Apache-2.0 */
/* Go's topology.json (private/topology/json/json.go, private/topology/topology.go): every key Go
 * reads, loaded with jansson into fixed-size tables. Unknown keys are ignored, as Go does. */
#ifndef SNET_TOPO_FILE_H
#define SNET_TOPO_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "snet/topology.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SNET_TOPO_MAX_BRS 16
#define SNET_TOPO_MAX_SVCS 8
#define SNET_TOPO_NAME_LEN 64

typedef enum {
	SNET_LINK_UNSET = 0,
	SNET_LINK_CORE,
	SNET_LINK_PARENT,
	SNET_LINK_CHILD,
	SNET_LINK_PEER,
} snet_link_type;

typedef struct snet_topo_link {
	uint16_t ifid;
	unsigned br;                     /* index into brs */
	uint64_t ia;                     /* the neighbour */
	snet_link_type link_to;
	int mtu;
	struct sockaddr_storage local, remote; /* underlay */
	char provider[16];               /* underlay provider, default "udpip" */
	uint16_t remote_ifid;            /* remote_interface_id (peer links) */
	bool has_bfd, bfd_disable;
	int bfd_detect_mult;
	char bfd_min_tx[16], bfd_min_rx[16]; /* durations as text, e.g. "200ms" */
} snet_topo_link;

typedef struct snet_topo_br {
	char id[SNET_TOPO_NAME_LEN];
	struct sockaddr_storage internal; /* internal_addr */
} snet_topo_br;

typedef struct snet_topo_svc {
	char id[SNET_TOPO_NAME_LEN];
	struct sockaddr_storage addr;
} snet_topo_svc;

typedef struct snet_topo_file {
	uint64_t ia;
	int mtu;
	bool core;
	uint16_t port_start, port_end; /* dispatched_ports; 0-0 when empty */
	size_t n_brs, n_links, n_cs, n_ds;
	snet_topo_br brs[SNET_TOPO_MAX_BRS];
	snet_topo_link links[SNET_TOPO_MAX_IFS];
	snet_topo_svc cs[SNET_TOPO_MAX_SVCS], ds[SNET_TOPO_MAX_SVCS];
} snet_topo_file;

/* Parses topology.json text. Returns 0, or SNET_E_BAD_JSON / SNET_E_BAD_FIELD with err (may be
 * NULL) naming the key and the problem, e.g. "border_routers.br1.interfaces.1.underlay.local:
 * not an ip:port". */
SNET_EXTERN int snet_topo_file_parse(const char *text, size_t len, snet_topo_file *f, char *err,
				     size_t errlen);
/* Reads and parses a file; -errno when it cannot be read. */
SNET_EXTERN int snet_topo_file_load(const char *path, snet_topo_file *f, char *err, size_t errlen);
/* What a conn needs: IA, port range, ifid -> the owning router's internal address. */
SNET_EXTERN int snet_topo_file_topology(const snet_topo_file *f, snet_topology *t);
/* "ip:port" or "[ip6]:port" as Go's netip.ParseAddrPort takes it. 0 or SNET_E_BAD_ADDR. */
SNET_EXTERN int snet_addrport_parse(const char *s, struct sockaddr_storage *ss);
/* Go: validatePortRange: "a-b", "" or "-" (empty), "all"/"ALL". 0 or SNET_E_BAD_FIELD. */
SNET_EXTERN int snet_port_range_parse(const char *s, uint16_t *start, uint16_t *end);

#ifdef __cplusplus
}
#endif
#endif
