/* SPDX-License-Identifier: Apache-2.0 */
/* Writing what the description becomes: per AS a Go topology.json and keys, per router a Go
 * router TOML, the namespace plan and the path database. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include "topogen.h"

/* Paths are bounded by the OUTDIR the user gives; a cut path fails to open, loudly. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wformat-truncation"
#endif

void topo_as_dir(const struct topo *t, int as, const char *outdir, char *buf, size_t cap)
{
	char ia[SNET_IA_STRLEN];
	snet_ia_format(t->ases[as].ia, ia, sizeof(ia));
	char *as_part = strchr(ia, '-') + 1;
	for (char *p = as_part; *p; p++)
		if (*p == ':')
			*p = '_';
	snprintf(buf, cap, "%s/AS%s", outdir, as_part);
}

static json_t *link_json(const struct topo *t, const struct link_desc *l, bool a_side)
{
	const struct link_end *me = a_side ? &l->a : &l->b, *peer = a_side ? &l->b : &l->a;
	char ia[SNET_IA_STRLEN], local[80], remote[80];
	json_t *o = json_object(), *u = json_object();
	snet_ia_format(t->ases[t->brs[peer->br].as].ia, ia, sizeof(ia));
	json_object_set_new(o, "isd_as", json_string(ia));
	const char *to = l->core ? "CORE"
			 : l->peer ? "PEER"
				   : (a_side == l->a_is_parent ? "CHILD" : "PARENT");
	json_object_set_new(o, "link_to", json_string(to));
	if (l->peer) /* Go's topology needs the other end's interface for peering */
		json_object_set_new(o, "remote_interface_id", json_integer(a_side ? l->b.ifid : l->a.ifid));
	json_object_set_new(o, "mtu", json_integer(l->mtu));
	snprintf(local, sizeof(local), l->v6 ? "[%s]:50000" : "%s:50000", me->addr);
	snprintf(remote, sizeof(remote), l->v6 ? "[%s]:50000" : "%s:50000", peer->addr);
	json_object_set_new(u, "local", json_string(local));
	json_object_set_new(u, "remote", json_string(remote));
	json_object_set_new(o, "underlay", u);
	if (t->bfd)
		json_object_set_new(o, "bfd", json_pack("{s:b, s:i, s:s, s:s}", "disable", 0,
							 "detect_mult", t->bfd_mult,
							 "desired_min_tx_interval", t->bfd_interval,
							 "required_min_rx_interval", t->bfd_interval));
	return o;
}

static json_t *as_topology(const struct topo *t, int as)
{
	char ia[SNET_IA_STRLEN];
	const struct as_desc *a = &t->ases[as];
	json_t *o = json_object(), *brs = json_object(), *attrs = json_array();
	snet_ia_format(a->ia, ia, sizeof(ia));
	json_object_set_new(o, "isd_as", json_string(ia));
	json_object_set_new(o, "mtu", json_integer(a->mtu));
	json_object_set_new(o, "dispatched_ports", json_string(a->ports));
	if (a->core)
		json_array_append_new(attrs, json_string("core"));
	json_object_set_new(o, "attributes", attrs);
	for (int b = 0; b < t->n_brs; b++) {
		if (t->brs[b].as != as)
			continue;
		json_t *br = json_object(), *ifs = json_object();
		json_object_set_new(br, "internal_addr", json_string(t->brs[b].internal));
		for (int i = 0; i < t->n_links; i++) {
			const struct link_desc *l = &t->links[i];
			char key[8];
			if (l->a.br == b) {
				snprintf(key, sizeof(key), "%u", l->a.ifid);
				json_object_set_new(ifs, key, link_json(t, l, true));
			} else if (l->b.br == b) {
				snprintf(key, sizeof(key), "%u", l->b.ifid);
				json_object_set_new(ifs, key, link_json(t, l, false));
			}
		}
		json_object_set_new(br, "interfaces", ifs);
		json_object_set_new(brs, t->brs[b].id, br);
	}
	json_object_set_new(o, "border_routers", brs);
	if (t->control)
		topo_control_json(t, as, o);
	return o;
}

static int write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	if (!f || fputs(text, f) < 0) {
		fprintf(stderr, "snet-topogen: %s: %s\n", path, strerror(errno));
		if (f)
			fclose(f);
		return -1;
	}
	return fclose(f);
}

/* Master keys are secrets: 0600 in a 0700 directory, whatever was there before. */
static int write_secret(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	size_t n = strlen(text);
	if (fd < 0 || fchmod(fd, 0600) < 0 || write(fd, text, n) != (ssize_t)n) {
		fprintf(stderr, "snet-topogen: %s: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return close(fd);
}

static int write_keys(const struct topo *t, int as, const char *dir)
{
	char path[PATH_MAX], b64[64];
	snprintf(path, sizeof(path), "%s/keys", dir);
	mkdir(path, 0700);
	if (chmod(path, 0700) < 0) {
		fprintf(stderr, "snet-topogen: %s: %s\n", path, strerror(errno));
		return -1;
	}
	int k = EVP_EncodeBlock((unsigned char *)b64, t->ases[as].master, 16);
	b64[k++] = '\n';
	b64[k] = 0;
	for (int n = 0; n < 2; n++) {
		snprintf(path, sizeof(path), "%s/keys/master%d.key", dir, n);
		if (write_secret(path, b64))
			return -1;
	}
	return 0;
}

static int write_as(const struct topo *t, int as, const char *outdir)
{
	char dir[PATH_MAX], path[PATH_MAX + 64], toml[PATH_MAX * 2];
	topo_as_dir(t, as, outdir, dir, sizeof(dir));
	mkdir(dir, 0755);
	snprintf(path, sizeof(path), "%s/topology.json", dir);
	json_t *topo = as_topology(t, as);
	int e = json_dump_file(topo, path, JSON_INDENT(2));
	json_decref(topo);
	if (e || write_keys(t, as, dir))
		return -1;
	if (t->control && topo_control_as(t, as, dir))
		return -1;
	for (int b = 0; b < t->n_brs; b++) {
		if (t->brs[b].as != as)
			continue;
		/* Go's router TOML: strict keys; BFD off unless the description asks for it (the C
		 * test router does not speak it, and follows its links' state instead). */
		snprintf(toml, sizeof(toml),
			 "[general]\nid = \"%s\"\nconfig_dir = \"%s\"\n\n[router.bfd]\n"
			 "disable = %s\n\n[log.console]\nlevel = \"error\"\n",
			 t->brs[b].id, dir, t->bfd ? "false" : "true");
		snprintf(path, sizeof(path), "%s/%s.toml", dir, t->brs[b].id);
		if (write_text(path, toml))
			return -1;
	}
	return 0;
}

static void plan_nets(const struct topo *t, FILE *f)
{
	for (int n = 0; n < t->n_nets; n++) {
		const struct net_desc *nd = &t->nets[n];
		const char *owner = t->brs[nd->rtr[0]].ns;
		/* The network is a bridge in its first router's namespace. */
		fprintf(f, "bridge %s n%d\n", owner, n);
		fprintf(f, "addr %s n%d %s\n", owner, n, nd->rtr_cidr[0]);
		for (int r = 1; r < nd->n_rtrs; r++) {
			const char *ns = t->brs[nd->rtr[r]].ns;
			fprintf(f, "veth %s n%d %s n%dr%d\n", ns, n, owner, n, r);
			fprintf(f, "master %s n%dr%d n%d\n", owner, n, r, n);
			fprintf(f, "addr %s n%d %s\n", ns, n, nd->rtr_cidr[r]);
		}
	}
	for (int h = 0; h < t->n_hosts; h++) {
		const struct host_desc *hd = &t->hosts[h];
		for (int a = 0; a < hd->n_addrs; a++) {
			int n = hd->addr_net[a];
			const char *owner = t->brs[t->nets[n].rtr[0]].ns;
			bool first = true;
			for (int b = 0; b < a; b++)
				first &= hd->addr_net[b] != n;
			if (first) {
				fprintf(f, "veth %s n%d %s n%d%s\n", hd->ns, n, owner, n, hd->ns);
				fprintf(f, "master %s n%d%s n%d\n", owner, n, hd->ns, n);
			}
			fprintf(f, "addr %s n%d %s\n", hd->ns, n, hd->addr_cidr[a]);
		}
	}
}

/* Sibling routers on different internal networks get a backbone link and host routes to each
 * other's internal addresses: an AS is one network, and Go's router connects to its siblings. */
static void plan_backbone(const struct topo *t, FILE *f)
{
	int k = 0;
	for (int a = 0; a < t->n_brs; a++) {
		for (int b = a + 1; b < t->n_brs; b++) {
			const struct br_desc *x = &t->brs[a], *y = &t->brs[b];
			if (x->as != y->as || x->net == y->net)
				continue;
			bool v6x = strchr(x->internal, '[') != NULL, v6y = strchr(y->internal, '[') != NULL;
			if (v6x != v6y)
				continue;
			char ipx[64], ipy[64];
			snprintf(ipx, sizeof(ipx), "%s", x->internal + v6x);
			snprintf(ipy, sizeof(ipy), "%s", y->internal + v6y);
			*strrchr(ipx, v6x ? ']' : ':') = 0;
			*strrchr(ipy, v6y ? ']' : ':') = 0;
			k++;
			fprintf(f, "veth %s bb%d %s bb%d\n", x->ns, k, y->ns, k);
			if (v6x) {
				fprintf(f, "addr %s bb%d fd00:249:%x::1/64\n", x->ns, k, k);
				fprintf(f, "addr %s bb%d fd00:249:%x::2/64\n", y->ns, k, k);
				fprintf(f, "route %s %s/128 fd00:249:%x::2\n", x->ns, ipy, k);
				fprintf(f, "route %s %s/128 fd00:249:%x::1\n", y->ns, ipx, k);
			} else {
				fprintf(f, "addr %s bb%d 10.249.%d.1/24\n", x->ns, k, k);
				fprintf(f, "addr %s bb%d 10.249.%d.2/24\n", y->ns, k, k);
				fprintf(f, "route %s %s/32 10.249.%d.2\n", x->ns, ipy, k);
				fprintf(f, "route %s %s/32 10.249.%d.1\n", y->ns, ipx, k);
			}
		}
	}
}

/* The server, its checks and the live change, as topo_load checked them. */
static void plan_checks(const struct topo *t, FILE *f)
{
	json_t *srv = json_object_get(t->desc, "server"), *checks = json_object_get(t->desc, "checks");
	int sh = topo_host_index(t, json_string_value(json_object_get(srv, "host")));
	json_t *port = json_object_get(srv, "port");
	char ia[SNET_IA_STRLEN];
	snet_ia_format(t->ases[t->hosts[sh].as].ia, ia, sizeof(ia));
	fprintf(f, "server %s %s %lld\n", t->hosts[sh].ns, ia, json_integer_value(port));
	size_t i;
	json_t *c;
	json_array_foreach(checks, i, c)
	{
		int ch = topo_host_index(t, json_string_value(json_object_get(c, "client")));
		int br = topo_br_by_ref(t, json_string_value(json_object_get(c, "router")));
		const char *target = json_string_value(json_object_get(c, "target"));
		const char *expect = json_string_value(json_object_get(c, "expect"));
		fprintf(f, "check %s %s %s %s %s %s\n", t->hosts[ch].ns, t->hosts[ch].name, target,
			t->brs[br].ns, t->brs[br].id, expect);
	}
	json_t *lc = json_object_get(t->desc, "live_change");
	if (lc) {
		int ch = topo_host_index(t, json_string_value(json_object_get(lc, "client")));
		const char *target = json_string_value(json_object_get(lc, "target"));
		const char *old = json_string_value(json_object_get(lc, "old"));
		const char *nw = json_string_value(json_object_get(lc, "new"));
		/* The client's network holding old: its interface and its router's address. */
		const struct host_desc *hd = &t->hosts[ch];
		int net = topo_host_net_of(t, ch, old);
		char br_ip[64];
		snprintf(br_ip, sizeof(br_ip), "%s", t->nets[net].rtr_cidr[0]);
		*strchr(br_ip, '/') = 0;
		fprintf(f, "live %s %s %s %s %s n%d\n", hd->ns, target, old, nw, br_ip, net);
	}
}

static int write_plan(const struct topo *t, const char *outdir)
{
	char path[PATH_MAX], dir[PATH_MAX];
	snprintf(path, sizeof(path), "%s/plan.txt", outdir);
	FILE *f = fopen(path, "w");
	if (!f)
		return -1;
	fprintf(f, "# namespaces, links, addresses, processes and checks; read by "
		   "acceptance/multihomed/run\n");
	for (int b = 0; b < t->n_brs; b++)
		fprintf(f, "ns %s\n", t->brs[b].ns);
	for (int h = 0; h < t->n_hosts; h++)
		fprintf(f, "ns %s\n", t->hosts[h].ns);
	for (int i = 0; i < t->n_links; i++) {
		const struct link_desc *l = &t->links[i];
		const char *na = t->brs[l->a.br].ns, *nb = t->brs[l->b.br].ns;
		fprintf(f, "veth %s %s %s %s\n", na, l->a_if, nb, l->b_if);
		char ia_a[SNET_IA_STRLEN], ia_b[SNET_IA_STRLEN];
		snet_ia_format(t->ases[t->brs[l->a.br].as].ia, ia_a, sizeof(ia_a));
		snet_ia_format(t->ases[t->brs[l->b.br].as].ia, ia_b, sizeof(ia_b));
		/* Which device carries which interface: the failover runs break links by it. */
		fprintf(f, "iface %s %s %s %u\n", na, l->a_if, ia_a, l->a.ifid);
		fprintf(f, "iface %s %s %s %u\n", nb, l->b_if, ia_b, l->b.ifid);
		fprintf(f, "addr %s %s %s/%d\n", na, l->a_if, l->a.addr, l->v6 ? 64 : 24);
		fprintf(f, "addr %s %s %s/%d\n", nb, l->b_if, l->b.addr, l->v6 ? 64 : 24);
	}
	plan_nets(t, f);
	plan_backbone(t, f);
	for (int b = 0; b < t->n_brs; b++) {
		topo_as_dir(t, t->brs[b].as, outdir, dir, sizeof(dir));
		fprintf(f, "router %s %s %s/%s.toml\n", t->brs[b].ns, t->brs[b].id, dir, t->brs[b].id);
	}
	for (int h = 0; h < t->n_hosts; h++) {
		topo_as_dir(t, t->hosts[h].as, outdir, dir, sizeof(dir));
		fprintf(f, "host %s %s %s/topology.json\n", t->hosts[h].ns, t->hosts[h].name, dir);
	}
	if (t->control)
		topo_control_plan(t, f, outdir);
	plan_checks(t, f);
	return fclose(f) ? -1 : 0;
}

int topo_write(struct topo *t, const char *outdir)
{
	char path[PATH_MAX];
	mkdir(outdir, 0755);
	for (int a = 0; a < t->n_ases; a++)
		if (write_as(t, a, outdir))
			return -1;
	if (write_plan(t, outdir))
		return -1;
	if (t->control && topo_control_crypto(t, outdir))
		return -1;
	json_t *paths = topo_paths(t);
	snprintf(path, sizeof(path), "%s/paths.json", outdir);
	int e = json_dump_file(paths, path, JSON_INDENT(1));
	json_decref(paths);
	return e;
}
