/* SPDX-License-Identifier: Apache-2.0 */
/* Where the shim dispatcher relays a packet (Go: dispatcher/dispatcher.go getDst*): pure. */
#ifndef SNET_DISP_RELAY_H
#define SNET_DISP_RELAY_H

#include "snet/snet.h"

enum relay_drop {
	RELAY_OK = 0,
	RELAY_NO_FORWARDING = -1, /* local_udp_forwarding is off */
	RELAY_NO_SERVICE = -2,    /* SVC destination without a configured address */
	RELAY_BAD_QUOTE = -3,     /* SCMP error whose quote names no port */
	RELAY_OTHER_L4 = -4,      /* neither UDP nor SCMP */
	RELAY_UNSUPPORTED = -5,   /* SCMP type without a rule */
	RELAY_TO_DISPATCHER = -6, /* it would come back to port 30041: a loop */
};
#define RELAY_REASONS 6

#define RELAY_MAX_SVCS 8

struct relay_svc {
	uint64_t ia;
	uint16_t svc;
	struct sockaddr_storage addr;
};

struct relay_conf {
	bool forwarding;
	size_t n_svcs;
	struct relay_svc svcs[RELAY_MAX_SVCS];
};

/* The underlay destination for p: the SCION destination host at the port Go's rules give, or
 * a service address. Returns RELAY_OK or a reason to drop. Never port 30041 (the dispatcher's
 * own): Go's shim relays an echo reply with Identifier 30041, or an error quoting source port
 * 30041, back to itself, forever; we drop it (RELAY_TO_DISPATCHER). */
int relay_dst(const struct relay_conf *c, const snet_pkt *p, struct sockaddr_storage *to);
const char *relay_drop_name(int reason);

#endif
