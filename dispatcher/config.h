/* SPDX-License-Identifier: Apache-2.0 */
/* snet-dispatcher's settings: Go's [dispatcher] TOML section plus command-line flags. */
#ifndef SNET_DISP_CONFIG_H
#define SNET_DISP_CONFIG_H

#include "relay.h"

struct disp_config {
	char id[64];
	char underlay[64];  /* IP; default "::" */
	char topology[512]; /* topology.json for the local IA and routers */
	char ia[32];        /* or the IA alone */
	char socket[256];   /* dispatcher mode: the Unix socket; "" = off */
	struct relay_conf relay;
};

/* Defaults as Go's: no forwarding, underlay "::". */
void disp_config_default(struct disp_config *c);
/* Reads a Go dispatcher TOML. Returns 0, or -1 with err naming the line and the problem. */
int disp_config_load(struct disp_config *c, const char *path, char *err, size_t errlen);
/* "IA,CS=ip:port" (or DS), the form of service_addresses. 0 or -1. */
int disp_config_add_service(struct disp_config *c, const char *key, const char *addr);

#endif
