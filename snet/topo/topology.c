/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include "snet/topology.h"

int snet_topology_init(snet_topology *t, uint64_t ia, uint16_t port_start, uint16_t port_end)
{
	memset(t, 0, sizeof(*t));
	if (port_end != 0 && port_start > port_end)
		return SNET_E_BAD_FIELD;
	t->local_ia = ia;
	t->port_start = port_start;
	t->port_end = port_end;
	return 0;
}

static size_t sa_len(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET)
		return sizeof(struct sockaddr_in);
	if (sa->sa_family == AF_INET6)
		return sizeof(struct sockaddr_in6);
	return 0;
}

int snet_topology_add_if(snet_topology *t, uint16_t ifid, const struct sockaddr *br)
{
	size_t n = sa_len(br);
	if (ifid == 0 || n == 0)
		return SNET_E_BAD_FIELD;
	snet_topo_if *slot = NULL;
	for (size_t i = 0; i < t->n_ifs; i++)
		if (t->ifs[i].ifid == ifid)
			slot = &t->ifs[i];
	if (!slot) {
		if (t->n_ifs == SNET_TOPO_MAX_IFS)
			return -ENOSPC;
		slot = &t->ifs[t->n_ifs++];
	}
	memset(slot, 0, sizeof(*slot));
	slot->ifid = ifid;
	memcpy(&slot->br, br, n);
	return 0;
}

const struct sockaddr_storage *snet_topology_if(const snet_topology *t, uint16_t ifid)
{
	for (size_t i = 0; i < t->n_ifs; i++)
		if (t->ifs[i].ifid == ifid)
			return &t->ifs[i].br;
	return NULL;
}

bool snet_topology_port_dispatched(const snet_topology *t, uint16_t port)
{
	return t->port_end != 0 && port >= t->port_start && port <= t->port_end;
}
