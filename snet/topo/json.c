/* SPDX-License-Identifier: Apache-2.0 */
/* topology.json with jansson. Each error names the key path and what was wrong with it. */
#include <arpa/inet.h>
#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "snet/addr.h"
#include "snet/topo_file.h"
#include "jsonfile.h"

/* Key paths in error messages are cut at the buffer size; a cut message is still clear. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wformat-truncation"
#endif

struct ctx {
	char *err;
	size_t errlen;
};

__attribute__((format(printf, 3, 4))) static int fail(struct ctx *c, int code, const char *fmt, ...)
{
	if (c->err && c->errlen) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(c->err, c->errlen, fmt, ap);
		va_end(ap);
	}
	return code;
}

int snet_addrport_parse(const char *s, struct sockaddr_storage *ss)
{
	char ip[64];
	const char *colon = strrchr(s, ':');
	memset(ss, 0, sizeof(*ss));
	if (!colon || colon == s)
		return SNET_E_BAD_ADDR;
	size_t n = (size_t)(colon - s);
	int v6 = s[0] == '[';
	if (v6 && (n < 2 || s[n - 1] != ']'))
		return SNET_E_BAD_ADDR;
	if (n - 2 * v6 >= sizeof(ip))
		return SNET_E_BAD_ADDR;
	memcpy(ip, s + v6, n - 2 * v6);
	ip[n - 2 * v6] = 0;
	char *e;
	unsigned long port = strtoul(colon + 1, &e, 10);
	if (*e || e == colon + 1 || port > 65535)
		return SNET_E_BAD_ADDR;
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
	if (!v6 && inet_pton(AF_INET, ip, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
		return 0;
	}
	if (v6 && inet_pton(AF_INET6, ip, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		return 0;
	}
	return SNET_E_BAD_ADDR;
}

int snet_port_range_parse(const char *s, uint16_t *start, uint16_t *end)
{
	unsigned long a, b;
	char *e;
	*start = *end = 0;
	if (!s || !*s || strcmp(s, "-") == 0)
		return 0;
	if (strcmp(s, "all") == 0 || strcmp(s, "ALL") == 0) {
		*start = 1;
		*end = 65535;
		return 0;
	}
	const char *dash = strchr(s, '-');
	if (!dash || strchr(dash + 1, '-'))
		return SNET_E_BAD_FIELD;
	a = strtoul(s, &e, 10);
	if (e != dash || e == s)
		return SNET_E_BAD_FIELD;
	b = strtoul(dash + 1, &e, 10);
	if (*e || e == dash + 1 || a < 1 || b < 1 || a > 65535 || b > 65535 || a > b)
		return SNET_E_BAD_FIELD;
	*start = (uint16_t)a;
	*end = (uint16_t)b;
	return 0;
}

static const char *str_of(json_t *o, const char *k)
{
	json_t *j = json_object_get(o, k);
	return json_is_string(j) ? json_string_value(j) : NULL;
}

static int get_addr(struct ctx *c, json_t *o, const char *key, const char *path,
		    struct sockaddr_storage *ss)
{
	const char *s = str_of(o, key);
	if (!s)
		return fail(c, SNET_E_BAD_FIELD, "%s.%s: missing or not a string", path, key);
	if (snet_addrport_parse(s, ss))
		return fail(c, SNET_E_BAD_FIELD, "%s.%s: \"%s\" is not an ip:port", path, key, s);
	return 0;
}

static int get_ia(struct ctx *c, json_t *o, const char *key, const char *path, uint64_t *ia)
{
	const char *s = str_of(o, key);
	if (!s)
		return fail(c, SNET_E_BAD_FIELD, "%s%s: missing or not a string", path, key);
	if (snet_ia_parse(s, strlen(s), ia))
		return fail(c, SNET_E_BAD_FIELD, "%s%s: \"%s\" is not an ISD-AS", path, key, s);
	return 0;
}

static int link_type(const char *s, snet_link_type *t)
{
	static const char *names[] = { NULL, "core", "parent", "child", "peer" };
	for (int i = 1; i < 5; i++) {
		if (strcasecmp(s, names[i]) == 0) {
			*t = (snet_link_type)i;
			return 0;
		}
	}
	return -1;
}

static int parse_bfd(struct ctx *c, json_t *o, const char *path, snet_topo_link *l)
{
	json_t *b = json_object_get(o, "bfd");
	if (!b)
		return 0;
	if (!json_is_object(b))
		return fail(c, SNET_E_BAD_FIELD, "%s.bfd: not an object", path);
	l->has_bfd = true;
	l->bfd_disable = json_is_true(json_object_get(b, "disable"));
	json_t *dm = json_object_get(b, "detect_mult");
	l->bfd_detect_mult = json_is_integer(dm) ? (int)json_integer_value(dm) : 0;
	const char *tx = str_of(b, "desired_min_tx_interval"), *rx = str_of(b, "required_min_rx_interval");
	snprintf(l->bfd_min_tx, sizeof(l->bfd_min_tx), "%s", tx ? tx : "");
	snprintf(l->bfd_min_rx, sizeof(l->bfd_min_rx), "%s", rx ? rx : "");
	return 0;
}

static int parse_underlay(struct ctx *c, json_t *o, const char *path, snet_topo_link *l)
{
	char p[160];
	json_t *u = json_object_get(o, "underlay");
	snprintf(p, sizeof(p), "%s.underlay", path);
	if (!json_is_object(u))
		return fail(c, SNET_E_BAD_FIELD, "%s: missing or not an object", p);
	int e = get_addr(c, u, "local", p, &l->local);
	if (!e)
		e = get_addr(c, u, "remote", p, &l->remote);
	const char *prov = str_of(u, "provider");
	snprintf(l->provider, sizeof(l->provider), "%s", prov ? prov : "udpip");
	return e;
}

static int parse_link(struct ctx *c, snet_topo_file *f, unsigned br, const char *key, json_t *o,
		      const char *path)
{
	char *end;
	unsigned long ifid = strtoul(key, &end, 10);
	if (*end || end == key || ifid == 0 || ifid > 0xffff)
		return fail(c, SNET_E_BAD_FIELD, "%s: interface ID \"%s\" is not a number in 1-65535",
			    path, key);
	if (f->n_links == SNET_TOPO_MAX_IFS)
		return fail(c, SNET_E_BAD_FIELD, "%s: more than %d interfaces", path,
			    SNET_TOPO_MAX_IFS);
	if (!json_is_object(o))
		return fail(c, SNET_E_BAD_FIELD, "%s: not an object", path);
	for (size_t i = 0; i < f->n_links; i++)
		if (f->links[i].ifid == ifid)
			return fail(c, SNET_E_BAD_FIELD, "%s: interface %lu defined twice", path, ifid);
	snet_topo_link *l = &f->links[f->n_links];
	memset(l, 0, sizeof(*l));
	l->ifid = (uint16_t)ifid;
	l->br = br;
	char p[160];
	snprintf(p, sizeof(p), "%s.", path);
	int e = get_ia(c, o, "isd_as", p, &l->ia);
	const char *lt = str_of(o, "link_to");
	if (!e && (!lt || link_type(lt, &l->link_to)))
		e = fail(c, SNET_E_BAD_FIELD, "%s.link_to: \"%s\" is not core, parent, child or peer",
			 path, lt ? lt : "(missing)");
	json_t *mtu = json_object_get(o, "mtu");
	l->mtu = json_is_integer(mtu) ? (int)json_integer_value(mtu) : 0;
	json_t *rid = json_object_get(o, "remote_interface_id");
	l->remote_ifid = json_is_integer(rid) ? (uint16_t)json_integer_value(rid) : 0;
	if (!e && l->link_to == SNET_LINK_PEER && !rid)
		e = fail(c, SNET_E_BAD_FIELD, "%s.remote_interface_id: required for peer links", path);
	if (!e)
		e = parse_underlay(c, o, path, l);
	if (!e)
		e = parse_bfd(c, o, path, l);
	if (!e)
		f->n_links++;
	return e;
}

static int parse_br(struct ctx *c, snet_topo_file *f, const char *id, json_t *o)
{
	char path[128];
	snprintf(path, sizeof(path), "border_routers.%s", id);
	if (f->n_brs == SNET_TOPO_MAX_BRS)
		return fail(c, SNET_E_BAD_FIELD, "%s: more than %d routers", path, SNET_TOPO_MAX_BRS);
	if (!json_is_object(o))
		return fail(c, SNET_E_BAD_FIELD, "%s: not an object", path);
	snet_topo_br *br = &f->brs[f->n_brs];
	snprintf(br->id, sizeof(br->id), "%s", id);
	int e = get_addr(c, o, "internal_addr", path, &br->internal);
	if (e)
		return e;
	json_t *ifs = json_object_get(o, "interfaces");
	if (ifs && !json_is_object(ifs))
		return fail(c, SNET_E_BAD_FIELD, "%s.interfaces: not an object", path);
	const char *k;
	json_t *v;
	json_object_foreach(ifs, k, v)
	{
		char ip[160];
		snprintf(ip, sizeof(ip), "%s.interfaces.%s", path, k);
		if ((e = parse_link(c, f, (unsigned)f->n_brs, k, v, ip)))
			return e;
	}
	f->n_brs++;
	return 0;
}

static int parse_svcs(struct ctx *c, json_t *root, const char *key, snet_topo_svc *out,
		      size_t *n)
{
	json_t *o = json_object_get(root, key);
	const char *k;
	json_t *v;
	*n = 0;
	if (!o)
		return 0;
	if (!json_is_object(o))
		return fail(c, SNET_E_BAD_FIELD, "%s: not an object", key);
	json_object_foreach(o, k, v)
	{
		char path[128];
		snprintf(path, sizeof(path), "%s.%s", key, k);
		if (*n == SNET_TOPO_MAX_SVCS)
			return fail(c, SNET_E_BAD_FIELD, "%s: too many entries", key);
		if (!json_is_object(v))
			return fail(c, SNET_E_BAD_FIELD, "%s: not an object", path);
		snprintf(out[*n].id, sizeof(out[*n].id), "%s", k);
		int e = get_addr(c, v, "addr", path, &out[*n].addr);
		if (e)
			return e;
		(*n)++;
	}
	return 0;
}

static int parse_top(struct ctx *c, json_t *root, snet_topo_file *f)
{
	int e = get_ia(c, root, "isd_as", "", &f->ia);
	if (e)
		return e;
	if (snet_ia_is_wildcard(f->ia))
		return fail(c, SNET_E_BAD_FIELD, "isd_as: wildcard IA not allowed");
	json_t *mtu = json_object_get(root, "mtu");
	if (!json_is_integer(mtu) || json_integer_value(mtu) <= 0)
		return fail(c, SNET_E_BAD_FIELD, "mtu: missing or not a positive integer");
	f->mtu = (int)json_integer_value(mtu);
	json_t *dp = json_object_get(root, "dispatched_ports");
	if (dp && !json_is_string(dp))
		return fail(c, SNET_E_BAD_FIELD, "dispatched_ports: not a string");
	if (snet_port_range_parse(dp ? json_string_value(dp) : "", &f->port_start, &f->port_end))
		return fail(c, SNET_E_BAD_FIELD,
			    "dispatched_ports: \"%s\" is not start-end, \"-\" or \"all\"",
			    json_string_value(dp));
	json_t *attrs = json_object_get(root, "attributes");
	if (attrs && !json_is_array(attrs))
		return fail(c, SNET_E_BAD_FIELD, "attributes: not an array");
	size_t i;
	json_t *a;
	json_array_foreach(attrs, i, a)
	{
		if (!json_is_string(a))
			return fail(c, SNET_E_BAD_FIELD, "attributes[%zu]: not a string", i);
		if (strcmp(json_string_value(a), "core") == 0)
			f->core = true;
	}
	return 0;
}

/* name: what a syntax error is attributed to (the file, or "topology" for text). */
static int parse_named(const char *name, const char *text, size_t len, snet_topo_file *f,
		       char *err, size_t errlen)
{
	struct ctx c = { err, errlen };
	memset(f, 0, sizeof(*f));
	json_t *root = snet__json_parse(text, len, name, err, errlen);
	if (!root)
		return SNET_E_BAD_JSON;
	int e = json_is_object(root) ? parse_top(&c, root, f)
				     : fail(&c, SNET_E_BAD_JSON, "top level: not an object");
	json_t *brs = json_object_get(root, "border_routers");
	if (!e && brs && !json_is_object(brs))
		e = fail(&c, SNET_E_BAD_FIELD, "border_routers: not an object");
	const char *k;
	json_t *v;
	if (!e) {
		json_object_foreach(brs, k, v)
		{
			if ((e = parse_br(&c, f, k, v)))
				break;
		}
	}
	if (!e)
		e = parse_svcs(&c, root, "control_service", f->cs, &f->n_cs);
	if (!e)
		e = parse_svcs(&c, root, "discovery_service", f->ds, &f->n_ds);
	json_decref(root);
	return e;
}

int snet_topo_file_parse(const char *text, size_t len, snet_topo_file *f, char *err, size_t errlen)
{
	return parse_named("topology", text, len, f, err, errlen);
}

int snet_topo_file_load(const char *path, snet_topo_file *f, char *err, size_t errlen)
{
	char *buf;
	size_t n;
	int e = snet__file_read(path, &buf, &n, err, errlen);
	if (e)
		return e;
	e = parse_named(path, buf, n, f, err, errlen);
	free(buf);
	return e;
}

int snet_topo_file_topology(const snet_topo_file *f, snet_topology *t)
{
	int e = snet_topology_init(t, f->ia, f->port_start, f->port_end);
	for (size_t i = 0; !e && i < f->n_links; i++)
		e = snet_topology_add_if(t, f->links[i].ifid,
					 (const struct sockaddr *)&f->brs[f->links[i].br].internal);
	return e;
}
