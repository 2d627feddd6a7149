/* SPDX-License-Identifier: Apache-2.0 */
/* Reading a topology description: ASes, links "IA-BR#IFID", internal networks, hosts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "topogen.h"

static int die(const char *what, const char *detail)
{
	fprintf(stderr, "snet-topogen: %s: %s\n", what, detail);
	return -1;
}

int topo_as_index(const struct topo *t, uint64_t ia)
{
	for (int i = 0; i < t->n_ases; i++)
		if (t->ases[i].ia == ia)
			return i;
	return -1;
}

static int load_ases(struct topo *t, json_t *ases)
{
	const char *k;
	json_t *v;
	if (!json_is_object(ases))
		return die("ases", "missing or not an object");
	json_object_foreach(ases, k, v)
	{
		struct as_desc *a = &t->ases[t->n_ases];
		if (t->n_ases == MAX_ASES || snet_ia_parse(k, strlen(k), &a->ia))
			return die("ases", k);
		a->core = json_is_true(json_object_get(v, "core"));
		json_t *mtu = json_object_get(v, "mtu");
		a->mtu = json_is_integer(mtu) ? (int)json_integer_value(mtu) : 1472;
		const char *ports = json_string_value(json_object_get(v, "dispatched_ports"));
		snprintf(a->ports, sizeof(a->ports), "%s", ports ? ports : "31000-32767");
		FILE *r = fopen("/dev/urandom", "rb");
		if (!r || fread(a->master, 1, 16, r) != 16)
			return die("random", "cannot read /dev/urandom");
		fclose(r);
		snet_hf_key_derive(a->master, 16, a->key);
		t->n_ases++;
	}
	return 0;
}

/* A router by "IA-ID"; created on first mention. */
static int br_index(struct topo *t, const char *ref)
{
	const char *dash = strrchr(ref, '-');
	uint64_t ia;
	if (!dash || snet_ia_parse(ref, (size_t)(dash - ref), &ia))
		return -1;
	int as = topo_as_index(t, ia);
	if (as < 0)
		return -1;
	for (int i = 0; i < t->n_brs; i++)
		if (t->brs[i].as == as && strcmp(t->brs[i].short_id, dash + 1) == 0)
			return i;
	if (t->n_brs == MAX_BRS)
		return -1;
	struct br_desc *b = &t->brs[t->n_brs];
	char ia_file[SNET_IA_STRLEN];
	snet_ia_format(ia, ia_file, sizeof(ia_file));
	for (char *p = ia_file; *p; p++)
		if (*p == ':')
			*p = '_';
	snprintf(b->short_id, sizeof(b->short_id), "%s", dash + 1);
	/* Go's naming: br<isd>-<as with _>-<id>, e.g. br1-ff00_0_110-1. */
	snprintf(b->id, sizeof(b->id), "br%s-%s", ia_file, dash + 1);
	snprintf(b->ns, sizeof(b->ns), "r%d", t->n_brs + 1);
	b->as = as;
	b->net = -1;
	return t->n_brs++;
}

static int link_end(struct topo *t, const char *s, struct link_end *e)
{
	char ref[96];
	const char *hash = strchr(s, '#');
	if (!hash || (size_t)(hash - s) >= sizeof(ref))
		return -1;
	memcpy(ref, s, (size_t)(hash - s));
	ref[hash - s] = 0;
	e->br = br_index(t, ref);
	e->ifid = (uint16_t)atoi(hash + 1);
	return e->br < 0 || e->ifid == 0 ? -1 : 0;
}

static int load_links(struct topo *t, json_t *links)
{
	size_t i;
	json_t *v;
	if (!json_is_array(links))
		return die("links", "missing or not an array");
	json_array_foreach(links, i, v)
	{
		struct link_desc *l = &t->links[t->n_links];
		const char *a = json_string_value(json_object_get(v, "a"));
		const char *b = json_string_value(json_object_get(v, "b"));
		const char *type = json_string_value(json_object_get(v, "type"));
		const char *ul = json_string_value(json_object_get(v, "underlay"));
		if (t->n_links == MAX_LINKS || !a || !b || !type || link_end(t, a, &l->a) ||
		    link_end(t, b, &l->b))
			return die("links", a ? a : "entry without a/b");
		l->core = strcasecmp(type, "CORE") == 0;
		l->a_is_parent = strcasecmp(type, "CHILD") == 0;
		if (!l->core && !l->a_is_parent)
			return die("links", "type must be CHILD or CORE");
		json_t *mtu = json_object_get(v, "mtu");
		l->mtu = json_is_integer(mtu) ? (int)json_integer_value(mtu) : 1472;
		l->v6 = ul && strstr(ul, "IPv6");
		int k = t->n_links + 1;
		if (l->v6) {
			snprintf(l->a.addr, sizeof(l->a.addr), "fd00:250:%x::1", k);
			snprintf(l->b.addr, sizeof(l->b.addr), "fd00:250:%x::2", k);
		} else {
			snprintf(l->a.addr, sizeof(l->a.addr), "10.250.%d.1", k);
			snprintf(l->b.addr, sizeof(l->b.addr), "10.250.%d.2", k);
		}
		snprintf(l->a_if, sizeof(l->a_if), "l%da", k);
		snprintf(l->b_if, sizeof(l->b_if), "l%db", k);
		t->n_links++;
	}
	return 0;
}

static void strip_prefix(const char *cidr, char *ip, size_t cap)
{
	snprintf(ip, cap, "%s", cidr);
	char *slash = strchr(ip, '/');
	if (slash)
		*slash = 0;
}

static int load_nets(struct topo *t, json_t *nets)
{
	const char *k;
	json_t *v;
	json_object_foreach(nets, k, v)
	{
		struct net_desc *n = &t->nets[t->n_nets];
		const char *as = json_string_value(json_object_get(v, "as"));
		uint64_t ia;
		if (t->n_nets == MAX_NETS || !as || snet_ia_parse(as, strlen(as), &ia) ||
		    (n->as = topo_as_index(t, ia)) < 0)
			return die("networks", k);
		snprintf(n->name, sizeof(n->name), "%s", k);
		const char *rk;
		json_t *rv;
		json_object_foreach(json_object_get(v, "routers"), rk, rv)
		{
			char ref[96];
			snprintf(ref, sizeof(ref), "%s-%s", as, rk);
			int br = br_index(t, ref);
			if (br < 0 || n->n_rtrs == MAX_NET_RTRS || !json_is_string(rv))
				return die("networks", k);
			snprintf(n->rtr_cidr[n->n_rtrs], sizeof(n->rtr_cidr[0]), "%s",
				 json_string_value(rv));
			n->rtr[n->n_rtrs++] = br;
			struct br_desc *b = &t->brs[br];
			if (b->net < 0) {
				char ip[64];
				b->net = t->n_nets;
				strip_prefix(json_string_value(rv), ip, sizeof(ip));
				snprintf(b->internal, sizeof(b->internal),
					 strchr(ip, ':') ? "[%s]:30042" : "%s:30042", ip);
			}
		}
		t->n_nets++;
	}
	return 0;
}

static int net_index(const struct topo *t, const char *name)
{
	for (int i = 0; i < t->n_nets; i++)
		if (strcmp(t->nets[i].name, name) == 0)
			return i;
	return -1;
}

static int load_hosts(struct topo *t, json_t *hosts)
{
	const char *k;
	json_t *v;
	json_object_foreach(hosts, k, v)
	{
		struct host_desc *h = &t->hosts[t->n_hosts];
		const char *as = json_string_value(json_object_get(v, "as"));
		uint64_t ia;
		if (t->n_hosts == MAX_HOSTS || !as || snet_ia_parse(as, strlen(as), &ia) ||
		    (h->as = topo_as_index(t, ia)) < 0)
			return die("hosts", k);
		snprintf(h->name, sizeof(h->name), "%s", k);
		snprintf(h->ns, sizeof(h->ns), "h%d", t->n_hosts + 1);
		const char *nk;
		json_t *nv;
		json_object_foreach(json_object_get(v, "addresses"), nk, nv)
		{
			size_t i;
			json_t *a;
			int net = net_index(t, nk);
			if (net < 0)
				return die("hosts: unknown network", nk);
			json_array_foreach(nv, i, a)
			{
				if (h->n_addrs == MAX_ADDRS || !json_is_string(a))
					return die("hosts", k);
				h->addr_net[h->n_addrs] = net;
				snprintf(h->addr_cidr[h->n_addrs++], 64, "%s", json_string_value(a));
			}
		}
		t->n_hosts++;
	}
	return 0;
}

/* "bfd": {"interval": "100ms", "detect_mult": 3} */
static int load_bfd(struct topo *t, json_t *b)
{
	if (!b)
		return 0;
	const char *iv = json_string_value(json_object_get(b, "interval"));
	json_t *m = json_object_get(b, "detect_mult");
	if (!json_is_object(b) || !iv || strlen(iv) >= sizeof(t->bfd_interval) ||
	    !json_is_integer(m) || json_integer_value(m) < 1 || json_integer_value(m) > 255)
		return die("bfd", "expected {\"interval\": \"100ms\", \"detect_mult\": 1..255}");
	t->bfd = true;
	snprintf(t->bfd_interval, sizeof(t->bfd_interval), "%s", iv);
	t->bfd_mult = (int)json_integer_value(m);
	return 0;
}

int topo_load(const char *file, struct topo *t)
{
	json_error_t je;
	memset(t, 0, sizeof(*t));
	t->desc = json_load_file(file, 0, &je);
	if (!t->desc) {
		fprintf(stderr, "snet-topogen: %s: line %d: %s\n", file, je.line, je.text);
		return -1;
	}
	if (load_ases(t, json_object_get(t->desc, "ases")) ||
	    load_links(t, json_object_get(t->desc, "links")) ||
	    load_nets(t, json_object_get(t->desc, "networks")) ||
	    load_hosts(t, json_object_get(t->desc, "hosts")))
		return -1;
	for (int i = 0; i < t->n_brs; i++)
		if (t->brs[i].net < 0)
			return die("router without an internal network", t->brs[i].id);
	/* One address family for the internal networks of an AS: siblings must reach each
	 * other (Go's router refuses to start otherwise, and transit breaks). */
	for (int i = 0; i < t->n_brs; i++)
		for (int j = i + 1; j < t->n_brs; j++)
			if (t->brs[i].as == t->brs[j].as &&
			    (t->brs[i].internal[0] == '[') != (t->brs[j].internal[0] == '[')) {
				char why[256];
				snprintf(why, sizeof(why), "routers %s and %s mix IPv4 and IPv6 internal addresses",
					 t->brs[i].id, t->brs[j].id);
				return die("networks", why);
			}
	return load_bfd(t, json_object_get(t->desc, "bfd"));
}
