/* SPDX-License-Identifier: Apache-2.0 */
/* snet-topogen's model of a topology description. */
#ifndef SNET_TOPOGEN_H
#define SNET_TOPOGEN_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "snet/snet.h"

#define MAX_ASES 16
#define MAX_BRS 32
#define MAX_LINKS 32
#define MAX_NETS 32
#define MAX_HOSTS 32
#define MAX_ADDRS 8
#define MAX_NET_RTRS 4

struct as_desc {
	uint64_t ia;
	bool core;
	int mtu;
	char ports[32];
	uint8_t master[16];
	uint8_t key[16]; /* derived forwarding key */
	bool keyed;      /* master and key drawn (topo_keys) */
};

struct br_desc {
	int as;          /* index into ases */
	char short_id[16], id[64], ns[16];
	char internal[64]; /* ip:port */
	int net;         /* the network holding its internal address */
};

struct link_end {
	int br;
	uint16_t ifid;
	char addr[64]; /* ip */
};

struct link_desc {
	struct link_end a, b;
	bool a_is_parent, core, peer;
	int mtu;
	bool v6;
	char a_if[16], b_if[16];
};

struct net_desc {
	char name[32];
	int as;
	int n_rtrs;
	int rtr[MAX_NET_RTRS];
	char rtr_cidr[MAX_NET_RTRS][64];
};

struct host_desc {
	char name[32], ns[16];
	int as;
	int n_addrs;
	int addr_net[MAX_ADDRS];
	char addr_cidr[MAX_ADDRS][64];
};

struct topo {
	int n_ases, n_brs, n_links, n_nets, n_hosts;
	struct as_desc ases[MAX_ASES];
	struct br_desc brs[MAX_BRS];
	struct link_desc links[MAX_LINKS];
	struct net_desc nets[MAX_NETS];
	struct host_desc hosts[MAX_HOSTS];
	json_t *desc;
	const char *file; /* the description's name, for errors */
	FILE *err;        /* where errors go; NULL: nowhere */
	uint32_t now;
	bool control; /* --control: Go's control services and daemons too */
	/* "bfd": {"interval": "100ms", "detect_mult": 3}: BFD on every link (Go's routers;
	 * failover needs it), else off. */
	bool bfd;
	char bfd_interval[16];
	int bfd_mult;
	int max_paths; /* per AS pair (--max-paths, default 64) */
};

/* topogen_desc.c: a description read and checked (errors on stderr, by key path). */
int topo_load(const char *file, struct topo *t);
int topo_load_buf(const char *name, const char *buf, size_t len, struct topo *t, FILE *err);
/* Fresh master keys (and derived forwarding keys) for every AS. */
int topo_keys(struct topo *t);
int topo_as_index(const struct topo *t, uint64_t ia);
int topo_host_index(const struct topo *t, const char *name);
/* A router by "IA-ID" (e.g. 1-ff00:0:110-1). */
int topo_br_by_ref(const struct topo *t, const char *ref);
/* The network on which host has address ip ("10.0.0.2", no prefix), or -1. */
int topo_host_net_of(const struct topo *t, int host, const char *ip);
/* topogen_paths.c */
json_t *topo_paths(struct topo *t);
/* topogen_out.c */
int topo_write(struct topo *t, const char *outdir);
/* OUTDIR/ASff00_0_110 for AS 1-ff00:0:110. */
void topo_as_dir(const struct topo *t, int as, const char *outdir, char *buf, size_t cap);
/* topogen_control.c (--control) */
void topo_control_json(const struct topo *t, int as, json_t *topo);
int topo_control_as(const struct topo *t, int as, const char *dir);
int topo_control_crypto(const struct topo *t, const char *outdir);
void topo_control_plan(const struct topo *t, FILE *f, const char *outdir);

#endif
