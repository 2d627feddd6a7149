/* SPDX-License-Identifier: Apache-2.0 */
/* Reading a topology description (topology/README.md): ASes, links "IA-BR#IFID", internal
 * networks, hosts, the server and its checks. Everything is checked here, before anything is
 * written: an error names the file, the key path and the reason, e.g.
 * "snet-topogen: x.json: links[0].b: AS 1-ff00:0:113 is not in ases". */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "topogen.h"

#define KEY_LEN 160 /* a key path: "hosts.NAME.addresses.NAME[7]" with 31-byte names */
/* Key paths are built from names of at most 31 bytes but JSON keys of any length: a path cut
 * short in an error message is acceptable, and is all the truncation warnings could catch. */
#ifndef __clang__ /* clang has no such warning */
#pragma GCC diagnostic ignored "-Wformat-truncation"
#endif

static int bad(const struct topo *t, const char *path, const char *fmt, ...)
{
	va_list ap;
	if (!t->err)
		return -1;
	fprintf(t->err, "snet-topogen: %s: %s: ", t->file, path);
	va_start(ap, fmt);
	vfprintf(t->err, fmt, ap);
	va_end(ap);
	fputc('\n', t->err);
	return -1;
}

/* Keys outside `known` are typos until proven otherwise: refuse them. */
static int only_keys(const struct topo *t, json_t *o, const char *path, const char *known)
{
	const char *k;
	json_t *v;
	json_object_foreach(o, k, v)
	{
		char word[40];
		snprintf(word, sizeof(word), " %s ", k);
		if (strlen(k) < sizeof(word) - 3 && strstr(known, word))
			continue;
		char where[KEY_LEN];
		snprintf(where, sizeof(where), "%s%s%s", path, *path ? "." : "", k);
		return bad(t, where, "unknown key (known:%.*s)", (int)strlen(known) - 1, known);
	}
	return 0;
}

/* Names end up in namespace plans and file names: letters, digits, '_' and '-'. */
static int check_name(const struct topo *t, const char *path, const char *name, size_t cap)
{
	size_t n = strlen(name);
	if (n == 0 || n >= cap)
		return bad(t, path, "a name of 1..%zu characters, got '%s'", cap - 1, name);
	for (size_t i = 0; i < n; i++) {
		char c = name[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '-'))
			return bad(t, path, "only letters, digits, '_' and '-', got '%s'", name);
	}
	return 0;
}

static int get_string(const struct topo *t, json_t *o, const char *path, const char *key,
		      const char **out)
{
	char where[KEY_LEN];
	json_t *v = json_object_get(o, key);
	*out = "";
	snprintf(where, sizeof(where), "%s.%s", path, key);
	if (!v)
		return bad(t, where, "missing");
	if (!json_is_string(v))
		return bad(t, where, "expected a string");
	*out = json_string_value(v);
	return 0;
}

/* An optional integer key in [min, max], else def. */
static int get_int(const struct topo *t, json_t *o, const char *path, const char *key, long min,
		   long max, long def, int *out)
{
	char where[KEY_LEN];
	json_t *v = json_object_get(o, key);
	snprintf(where, sizeof(where), "%s.%s", path, key);
	if (!v) {
		if (def < min)
			return bad(t, where, "missing");
		*out = (int)def;
		return 0;
	}
	if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max)
		return bad(t, where, "expected an integer %ld..%ld", min, max);
	*out = (int)json_integer_value(v);
	return 0;
}

/* "IA" naming an AS of the description. */
static int get_as(const struct topo *t, json_t *o, const char *path, const char *key, int *as)
{
	const char *s;
	uint64_t ia;
	char where[KEY_LEN];
	if (get_string(t, o, path, key, &s))
		return -1;
	snprintf(where, sizeof(where), "%s.%s", path, key);
	if (snet_ia_parse(s, strlen(s), &ia))
		return bad(t, where, "not an ISD-AS such as 1-ff00:0:110, got '%s'", s);
	if ((*as = topo_as_index(t, ia)) < 0)
		return bad(t, where, "AS %s is not in ases", s);
	return 0;
}

/* "IP" or, with want_len, "IP/LEN". 4 or 6 for the family, else an error. */
static int ip_family(const struct topo *t, const char *path, const char *s, bool want_len)
{
	char ip[64];
	unsigned char buf[16];
	const char *slash = strchr(s, '/');
	size_t n = slash ? (size_t)(slash - s) : strlen(s);
	if (want_len != (slash != NULL) || n >= sizeof(ip))
		return bad(t, path, want_len ? "expected IP/LEN, got '%s'" : "expected an IP, got '%s'",
			   s);
	memcpy(ip, s, n);
	ip[n] = 0;
	int fam = inet_pton(AF_INET, ip, buf) == 1 ? 4 : inet_pton(AF_INET6, ip, buf) == 1 ? 6 : 0;
	if (!fam)
		return bad(t, path, "not an IPv4 or IPv6 address: '%s'", s);
	if (slash) {
		char *end;
		long len = strtol(slash + 1, &end, 10);
		if (end == slash + 1 || *end || len < 1 || len > (fam == 4 ? 31 : 127))
			return bad(t, path, "prefix length 1..%d, got '%s'", fam == 4 ? 31 : 127, s);
	}
	return fam;
}

int topo_as_index(const struct topo *t, uint64_t ia)
{
	for (int i = 0; i < t->n_ases; i++)
		if (t->ases[i].ia == ia)
			return i;
	return -1;
}

static int load_as(struct topo *t, const char *k, json_t *v, struct as_desc *a)
{
	char path[KEY_LEN];
	snprintf(path, sizeof(path), "ases.%s", k);
	if (snet_ia_parse(k, strlen(k), &a->ia))
		return bad(t, path, "not an ISD-AS such as 1-ff00:0:110");
	if (topo_as_index(t, a->ia) >= 0)
		return bad(t, path, "the same AS twice");
	if (!json_is_object(v))
		return bad(t, path, "expected an object");
	if (only_keys(t, v, path, " core mtu dispatched_ports "))
		return -1;
	json_t *core = json_object_get(v, "core");
	if (core && !json_is_boolean(core))
		return bad(t, path, "core: expected true or false");
	a->core = json_is_true(core);
	if (get_int(t, v, path, "mtu", 1280, 65535, 1472, &a->mtu))
		return -1;
	json_t *ports = json_object_get(v, "dispatched_ports");
	unsigned lo = 31000, hi = 32767;
	int used = 0;
	if (ports && (!json_is_string(ports) ||
		      sscanf(json_string_value(ports), "%u-%u%n", &lo, &hi, &used) != 2 ||
		      json_string_value(ports)[used] || lo < 1 || lo > hi || hi > 65535))
		return bad(t, path, "dispatched_ports: expected \"START-END\" within 1-65535");
	snprintf(a->ports, sizeof(a->ports), "%u-%u", lo, hi);
	return 0;
}

static int load_ases(struct topo *t, json_t *ases)
{
	const char *k;
	json_t *v;
	if (!json_is_object(ases) || json_object_size(ases) == 0)
		return bad(t, "ases", "missing, or not an object of ASes");
	json_object_foreach(ases, k, v)
	{
		if (t->n_ases == MAX_ASES)
			return bad(t, "ases", "at most %d ASes", MAX_ASES);
		if (load_as(t, k, v, &t->ases[t->n_ases]))
			return -1;
		t->n_ases++;
	}
	return 0;
}

/* A router by "IA-ID"; created on first mention. -1 after an error naming path. */
static int br_index(struct topo *t, const char *path, const char *ref)
{
	const char *dash = strrchr(ref, '-');
	uint64_t ia;
	if (!dash || snet_ia_parse(ref, (size_t)(dash - ref), &ia))
		return bad(t, path, "expected a router as IA-ID such as 1-ff00:0:110-1, got '%s'",
			   ref);
	int as = topo_as_index(t, ia);
	if (as < 0)
		return bad(t, path, "AS %.*s is not in ases", (int)(dash - ref), ref);
	for (int i = 0; i < t->n_brs; i++)
		if (t->brs[i].as == as && strcmp(t->brs[i].short_id, dash + 1) == 0)
			return i;
	if (t->n_brs == MAX_BRS)
		return bad(t, path, "at most %d routers", MAX_BRS);
	struct br_desc *b = &t->brs[t->n_brs];
	if (check_name(t, path, dash + 1, sizeof(b->short_id)))
		return -1;
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

/* An interface ID is unique within its AS (Go's topology requires it). */
static bool ifid_taken(const struct topo *t, int as, uint16_t ifid)
{
	for (int i = 0; i < t->n_links; i++) {
		const struct link_desc *l = &t->links[i];
		if ((t->brs[l->a.br].as == as && l->a.ifid == ifid) ||
		    (t->brs[l->b.br].as == as && l->b.ifid == ifid))
			return true;
	}
	return false;
}

/* "IA-BR#IFID" */
static int link_end(struct topo *t, const char *path, const char *s, struct link_end *e)
{
	char ref[96];
	const char *hash = strchr(s, '#');
	if (!hash || (size_t)(hash - s) >= sizeof(ref))
		return bad(t, path, "expected IA-ROUTER#IFID such as 1-ff00:0:110-1#1, got '%s'", s);
	memcpy(ref, s, (size_t)(hash - s));
	ref[hash - s] = 0;
	if ((e->br = br_index(t, path, ref)) < 0)
		return -1;
	char *end;
	long ifid = strtol(hash + 1, &end, 10);
	if (end == hash + 1 || *end || ifid < 1 || ifid > 65535)
		return bad(t, path, "interface ID 1..65535, got '%s'", hash + 1);
	e->ifid = (uint16_t)ifid;
	if (ifid_taken(t, t->brs[e->br].as, e->ifid))
		return bad(t, path, "interface %ld is already used in its AS", ifid);
	return 0;
}

static int load_link(struct topo *t, const char *path, json_t *v, struct link_desc *l)
{
	const char *a, *b, *type, *ul = "UDP/IPv4";
	char where[KEY_LEN];
	if (!json_is_object(v))
		return bad(t, path, "expected an object");
	if (only_keys(t, v, path, " a b type mtu underlay ") ||
	    get_string(t, v, path, "a", &a) || get_string(t, v, path, "b", &b) ||
	    get_string(t, v, path, "type", &type) ||
	    (json_object_get(v, "underlay") && get_string(t, v, path, "underlay", &ul)) ||
	    get_int(t, v, path, "mtu", 1280, 65535, 1472, &l->mtu))
		return -1;
	snprintf(where, sizeof(where), "%s.a", path);
	if (link_end(t, where, a, &l->a))
		return -1;
	snprintf(where, sizeof(where), "%s.b", path);
	if (link_end(t, where, b, &l->b))
		return -1;
	int as_a = t->brs[l->a.br].as, as_b = t->brs[l->b.br].as;
	if (as_a == as_b)
		return bad(t, path, "both ends are in the same AS");
	snprintf(where, sizeof(where), "%s.type", path);
	l->core = strcasecmp(type, "CORE") == 0;
	l->a_is_parent = strcasecmp(type, "CHILD") == 0;
	l->peer = strcasecmp(type, "PEER") == 0;
	if (!l->core && !l->a_is_parent && !l->peer)
		return bad(t, where, "expected CHILD (a is the parent), CORE or PEER, got '%s'", type);
	if (l->core && (!t->ases[as_a].core || !t->ases[as_b].core))
		return bad(t, where, "a CORE link joins two core ASes (\"core\": true)");
	/* Peering paths join an up- and a down-segment below the cores (Go's combinator). */
	if (l->peer && (t->ases[as_a].core || t->ases[as_b].core))
		return bad(t, where, "a PEER link joins two non-core ASes");
	snprintf(where, sizeof(where), "%s.underlay", path);
	if (strcmp(ul, "UDP/IPv4") && strcmp(ul, "UDP/IPv6"))
		return bad(t, where, "expected UDP/IPv4 or UDP/IPv6, got '%s'", ul);
	l->v6 = strcmp(ul, "UDP/IPv6") == 0;
	return 0;
}

/* Link addresses are ours to choose: one /24 (or /64) per link. */
static void link_addresses(struct link_desc *l, int k)
{
	if (l->v6) {
		snprintf(l->a.addr, sizeof(l->a.addr), "fd00:250:%x::1", k);
		snprintf(l->b.addr, sizeof(l->b.addr), "fd00:250:%x::2", k);
	} else {
		snprintf(l->a.addr, sizeof(l->a.addr), "10.250.%d.1", k);
		snprintf(l->b.addr, sizeof(l->b.addr), "10.250.%d.2", k);
	}
	snprintf(l->a_if, sizeof(l->a_if), "l%da", k);
	snprintf(l->b_if, sizeof(l->b_if), "l%db", k);
}

static int load_links(struct topo *t, json_t *links)
{
	size_t i;
	json_t *v;
	if (!json_is_array(links))
		return bad(t, "links", "missing, or not an array of links");
	json_array_foreach(links, i, v)
	{
		char path[32];
		snprintf(path, sizeof(path), "links[%zu]", i);
		if (t->n_links == MAX_LINKS)
			return bad(t, path, "at most %d links", MAX_LINKS);
		struct link_desc *l = &t->links[t->n_links];
		if (load_link(t, path, v, l))
			return -1;
		link_addresses(l, ++t->n_links);
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

/* routers: {"ID": "IP/LEN"}: the router's internal address, on this network. */
static int load_net_router(struct topo *t, struct net_desc *n, const char *path, const char *as,
			   const char *rk, json_t *rv)
{
	char ref[96], where[KEY_LEN], ip[64];
	snprintf(where, sizeof(where), "%s.routers.%s", path, rk);
	snprintf(ref, sizeof(ref), "%s-%s", as, rk);
	if (n->n_rtrs == MAX_NET_RTRS)
		return bad(t, where, "at most %d routers per network", MAX_NET_RTRS);
	if (!json_is_string(rv))
		return bad(t, where, "expected the router's address as \"IP/LEN\"");
	int br = br_index(t, where, ref);
	if (br < 0 || ip_family(t, where, json_string_value(rv), true) < 0)
		return -1;
	snprintf(n->rtr_cidr[n->n_rtrs], sizeof(n->rtr_cidr[0]), "%s", json_string_value(rv));
	n->rtr[n->n_rtrs++] = br;
	struct br_desc *b = &t->brs[br];
	if (b->net >= 0)
		return 0; /* on several networks: the first holds its internal address */
	b->net = t->n_nets;
	strip_prefix(json_string_value(rv), ip, sizeof(ip));
	snprintf(b->internal, sizeof(b->internal), strchr(ip, ':') ? "[%s]:30042" : "%s:30042", ip);
	return 0;
}

static int load_net(struct topo *t, const char *k, json_t *v, struct net_desc *n)
{
	char path[KEY_LEN];
	const char *as, *rk;
	json_t *rv, *routers;
	snprintf(path, sizeof(path), "networks.%s", k);
	if (check_name(t, path, k, sizeof(n->name)))
		return -1;
	if (!json_is_object(v))
		return bad(t, path, "expected an object");
	if (only_keys(t, v, path, " as routers ") || get_as(t, v, path, "as", &n->as) ||
	    get_string(t, v, path, "as", &as))
		return -1;
	snprintf(n->name, sizeof(n->name), "%s", k);
	routers = json_object_get(v, "routers");
	if (routers && !json_is_object(routers))
		return bad(t, path, "routers: expected an object {\"ID\": \"IP/LEN\"}");
	json_object_foreach(routers, rk, rv)
		if (load_net_router(t, n, path, as, rk, rv))
			return -1;
	return 0;
}

static int load_nets(struct topo *t, json_t *nets)
{
	const char *k;
	json_t *v;
	if (!json_is_object(nets))
		return bad(t, "networks", "missing, or not an object of networks");
	json_object_foreach(nets, k, v)
	{
		if (t->n_nets == MAX_NETS)
			return bad(t, "networks", "at most %d networks", MAX_NETS);
		if (load_net(t, k, v, &t->nets[t->n_nets]))
			return -1;
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

/* addresses: {"NETWORK": ["IP/LEN", ...]}, on networks of the host's AS. */
static int load_host_addrs(struct topo *t, struct host_desc *h, const char *path, json_t *addrs)
{
	const char *nk;
	json_t *nv;
	if (!json_is_object(addrs) || json_object_size(addrs) == 0)
		return bad(t, path, "addresses: expected {\"NETWORK\": [\"IP/LEN\", ...]}");
	json_object_foreach(addrs, nk, nv)
	{
		char where[KEY_LEN];
		size_t i;
		json_t *a;
		snprintf(where, sizeof(where), "%s.addresses.%s", path, nk);
		int net = net_index(t, nk);
		if (net < 0)
			return bad(t, where, "no network '%s' in networks", nk);
		if (t->nets[net].as != h->as)
			return bad(t, where, "network '%s' is in another AS than the host", nk);
		if (!json_is_array(nv) || json_array_size(nv) == 0)
			return bad(t, where, "expected a list of \"IP/LEN\"");
		json_array_foreach(nv, i, a)
		{
			char at[KEY_LEN + 8];
			snprintf(at, sizeof(at), "%s[%zu]", where, i);
			if (h->n_addrs == MAX_ADDRS)
				return bad(t, at, "at most %d addresses per host", MAX_ADDRS);
			if (!json_is_string(a) || ip_family(t, at, json_string_value(a), true) < 0)
				return json_is_string(a) ? -1 : bad(t, at, "expected \"IP/LEN\"");
			h->addr_net[h->n_addrs] = net;
			snprintf(h->addr_cidr[h->n_addrs++], 64, "%s", json_string_value(a));
		}
	}
	return 0;
}

static int load_hosts(struct topo *t, json_t *hosts)
{
	const char *k;
	json_t *v;
	if (!json_is_object(hosts))
		return bad(t, "hosts", "missing, or not an object of hosts");
	json_object_foreach(hosts, k, v)
	{
		char path[KEY_LEN];
		struct host_desc *h = &t->hosts[t->n_hosts];
		snprintf(path, sizeof(path), "hosts.%s", k);
		if (t->n_hosts == MAX_HOSTS)
			return bad(t, "hosts", "at most %d hosts", MAX_HOSTS);
		if (check_name(t, path, k, sizeof(h->name)))
			return -1;
		if (!json_is_object(v))
			return bad(t, path, "expected an object");
		if (only_keys(t, v, path, " as addresses ") || get_as(t, v, path, "as", &h->as))
			return -1;
		snprintf(h->name, sizeof(h->name), "%s", k);
		snprintf(h->ns, sizeof(h->ns), "h%d", t->n_hosts + 1);
		if (load_host_addrs(t, h, path, json_object_get(v, "addresses")))
			return -1;
		t->n_hosts++;
	}
	return 0;
}

/* "bfd": {"interval": "100ms", "detect_mult": 3} */
static int load_bfd(struct topo *t, json_t *b)
{
	const char *iv;
	char *end;
	if (!b)
		return 0;
	if (!json_is_object(b))
		return bad(t, "bfd", "expected {\"interval\": \"100ms\", \"detect_mult\": 3}");
	if (only_keys(t, b, "bfd", " interval detect_mult ") ||
	    get_string(t, b, "bfd", "interval", &iv) ||
	    get_int(t, b, "bfd", "detect_mult", 1, 255, 0, &t->bfd_mult))
		return -1;
	long ms = strtol(iv, &end, 10);
	if (end != iv && !strcmp(end, "s") && ms <= 60)
		ms *= 1000;
	else if (end == iv || strcmp(end, "ms"))
		ms = 0;
	if (ms < 1 || ms > 60000)
		return bad(t, "bfd.interval", "expected a duration 1ms..60s, got '%s'", iv);
	t->bfd = true;
	snprintf(t->bfd_interval, sizeof(t->bfd_interval), "%ldms", ms);
	return 0;
}

int topo_host_index(const struct topo *t, const char *name)
{
	for (int i = 0; name && i < t->n_hosts; i++)
		if (strcmp(t->hosts[i].name, name) == 0)
			return i;
	return -1;
}

int topo_br_by_ref(const struct topo *t, const char *ref)
{
	for (int b = 0; ref && b < t->n_brs; b++) {
		char ia[SNET_IA_STRLEN], name[96];
		snet_ia_format(t->ases[t->brs[b].as].ia, ia, sizeof(ia));
		snprintf(name, sizeof(name), "%s-%s", ia, t->brs[b].short_id);
		if (strcmp(name, ref) == 0)
			return b;
	}
	return -1;
}

static int get_host(const struct topo *t, json_t *o, const char *path, const char *key, int *h)
{
	const char *name;
	char where[KEY_LEN];
	if (get_string(t, o, path, key, &name))
		return -1;
	snprintf(where, sizeof(where), "%s.%s", path, key);
	if ((*h = topo_host_index(t, name)) < 0)
		return bad(t, where, "no host '%s' in hosts", name);
	return 0;
}

static int get_ip(const struct topo *t, json_t *o, const char *path, const char *key)
{
	const char *s;
	char where[KEY_LEN];
	snprintf(where, sizeof(where), "%s.%s", path, key);
	return get_string(t, o, path, key, &s) || ip_family(t, where, s, false) < 0 ? -1 : 0;
}

/* "server": {"host", "port"}, "checks": [{"client", "target", "router", "expect"}]. */
static int load_checks(struct topo *t)
{
	json_t *srv = json_object_get(t->desc, "server");
	json_t *checks = json_object_get(t->desc, "checks"), *c;
	int h, port;
	size_t i;
	if (!json_is_object(srv))
		return bad(t, "server", "missing, or not {\"host\": NAME, \"port\": N}");
	if (only_keys(t, srv, "server", " host port ") || get_host(t, srv, "server", "host", &h) ||
	    get_int(t, srv, "server", "port", 1, 65535, 0, &port))
		return -1;
	if (checks && !json_is_array(checks))
		return bad(t, "checks", "expected an array");
	json_array_foreach(checks, i, c)
	{
		char path[32];
		const char *router;
		snprintf(path, sizeof(path), "checks[%zu]", i);
		if (!json_is_object(c))
			return bad(t, path, "expected an object");
		if (only_keys(t, c, path, " client target router expect ") ||
		    get_host(t, c, path, "client", &h) || get_ip(t, c, path, "target") ||
		    get_ip(t, c, path, "expect") || get_string(t, c, path, "router", &router))
			return -1;
		if (topo_br_by_ref(t, router) < 0) {
			strcat(path, ".router");
			return bad(t, path, "no router '%s' (IA-ID of a link's end)", router);
		}
	}
	return 0;
}

/* "live_change": {"client", "target", "old", "new"}: old must be one of the client's. */
static int load_live_change(struct topo *t)
{
	json_t *lc = json_object_get(t->desc, "live_change");
	const char *old;
	int h;
	if (!lc)
		return 0;
	if (!json_is_object(lc))
		return bad(t, "live_change", "expected an object");
	if (only_keys(t, lc, "live_change", " client target old new ") ||
	    get_host(t, lc, "live_change", "client", &h) ||
	    get_ip(t, lc, "live_change", "target") || get_ip(t, lc, "live_change", "new") ||
	    get_ip(t, lc, "live_change", "old") || get_string(t, lc, "live_change", "old", &old))
		return -1;
	if (topo_host_net_of(t, h, old) < 0)
		return bad(t, "live_change.old", "%s is not an address of %s", old,
			   t->hosts[h].name);
	return 0;
}

int topo_host_net_of(const struct topo *t, int host, const char *ip)
{
	const struct host_desc *hd = &t->hosts[host];
	size_t n = strlen(ip);
	for (int a = 0; a < hd->n_addrs; a++)
		if (strncmp(hd->addr_cidr[a], ip, n) == 0 && hd->addr_cidr[a][n] == '/')
			return hd->addr_net[a];
	return -1;
}

/* Every router needs an internal address, and the routers of one AS one address family:
 * siblings must reach each other (Go's router refuses to start otherwise, and transit
 * breaks). */
static int check_routers(const struct topo *t)
{
	for (int i = 0; i < t->n_brs; i++) {
		char ia[SNET_IA_STRLEN], path[96];
		snet_ia_format(t->ases[t->brs[i].as].ia, ia, sizeof(ia));
		snprintf(path, sizeof(path), "routers: %s-%s", ia, t->brs[i].short_id);
		if (t->brs[i].net < 0)
			return bad(t, path, "no internal address: name it in a network's routers");
		for (int j = i + 1; j < t->n_brs; j++)
			if (t->brs[i].as == t->brs[j].as &&
			    (t->brs[i].internal[0] == '[') != (t->brs[j].internal[0] == '['))
				return bad(t, "networks",
					   "routers %s and %s mix IPv4 and IPv6 internal addresses",
					   t->brs[i].id, t->brs[j].id);
	}
	return 0;
}

int topo_load_buf(const char *name, const char *buf, size_t len, struct topo *t, FILE *err)
{
	json_error_t je;
	memset(t, 0, sizeof(*t));
	t->file = name;
	t->err = err;
	t->desc = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);
	if (!t->desc) {
		if (err)
			fprintf(err, "snet-topogen: %s:%d:%d: %s\n", name, je.line, je.column, je.text);
		return -1;
	}
	if (!json_is_object(t->desc))
		return bad(t, "(top)", "expected an object");
	if (only_keys(t, t->desc, "",
		      " comment ases links networks hosts server checks live_change bfd ") ||
	    load_ases(t, json_object_get(t->desc, "ases")) ||
	    load_links(t, json_object_get(t->desc, "links")) ||
	    load_nets(t, json_object_get(t->desc, "networks")) ||
	    load_hosts(t, json_object_get(t->desc, "hosts")) || check_routers(t) ||
	    load_checks(t) || load_live_change(t))
		return -1;
	return load_bfd(t, json_object_get(t->desc, "bfd"));
}

int topo_load(const char *file, struct topo *t)
{
	FILE *f = fopen(file, "rb");
	char *buf = NULL;
	size_t cap = 0, len = 0, n;
	if (!f) {
		fprintf(stderr, "snet-topogen: %s: %s\n", file, strerror(errno));
		return -1;
	}
	do {
		if (len == cap && !(buf = realloc(buf, cap = cap ? 2 * cap : 65536)))
			break;
		n = fread(buf + len, 1, cap - len, f);
		len += n;
	} while (n > 0 && len < (16u << 20));
	fclose(f);
	if (!buf || len >= (16u << 20)) {
		fprintf(stderr, "snet-topogen: %s: %s\n", file, buf ? "larger than 16 MiB" : "out of memory");
		free(buf);
		return -1;
	}
	int err = topo_load_buf(file, buf, len, t, stderr);
	free(buf);
	return err;
}

int topo_keys(struct topo *t)
{
	FILE *r = fopen("/dev/urandom", "rb");
	for (int i = 0; r && i < t->n_ases; i++) {
		if (fread(t->ases[i].master, 1, 16, r) != 16)
			break;
		snet_hf_key_derive(t->ases[i].master, 16, t->ases[i].key);
		t->ases[i].keyed = true;
	}
	if (r)
		fclose(r);
	for (int i = 0; i < t->n_ases; i++)
		if (!t->ases[i].keyed) {
			fprintf(stderr, "snet-topogen: cannot read /dev/urandom\n");
			return -1;
		}
	return 0;
}
