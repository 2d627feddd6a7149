/* SPDX-License-Identifier: Apache-2.0 */
/* With --control: what Go's control plane needs on top of the routers' files. Per AS a
 * control service (in the namespace of the AS's first router, on that router's internal IP,
 * port 30252) and its TOML; per end host a daemon TOML (127.0.0.1:30255 in the host's
 * namespace); a staticInfoConfig.json so that paths carry every kind of metadata; and
 * crypto.topo, the ASes section `scion-pki testcrypto` reads to make the TRCs and AS
 * certificates. Beaconing runs every second (Go's default is 5 s), so that paths exist within
 * a few seconds of the start. */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "topogen.h"

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wformat-truncation"
#endif

#define CS_PORT 30252

/* The first router of an AS: its namespace and internal IP carry the control service. */
static int first_br(const struct topo *t, int as)
{
	for (int b = 0; b < t->n_brs; b++)
		if (t->brs[b].as == as)
			return b;
	return -1;
}

/* "10.110.1.1:30252" or "[fd00::1]:30252": the router's internal address, another port. */
static void cs_addr(const struct topo *t, int as, char *out, size_t cap)
{
	char ip[64];
	const struct br_desc *b = &t->brs[first_br(t, as)];
	snprintf(ip, sizeof(ip), "%s", b->internal);
	*strrchr(ip, ':') = '\0';
	snprintf(out, cap, "%s:%d", ip, CS_PORT);
}

static void cs_id(const struct topo *t, int as, char *out, size_t cap)
{
	/* Go's naming, as the routers': cs<isd>-<as with _>-1 */
	const char *br = t->brs[first_br(t, as)].id;
	snprintf(out, cap, "cs%.*s-1", (int)(strrchr(br, '-') - br - 2), br + 2);
}

void topo_control_json(const struct topo *t, int as, json_t *topo)
{
	char id[80], addr[80];
	if (first_br(t, as) < 0)
		return;
	cs_id(t, as, id, sizeof(id));
	cs_addr(t, as, addr, sizeof(addr));
	json_object_set_new(topo, "control_service",
			    json_pack("{s:{s:s}}", id, "addr", addr));
	json_object_set_new(topo, "discovery_service",
			    json_pack("{s:{s:s}}", id, "addr", addr));
}

static int write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	if (!f || fputs(text, f) < 0) {
		fprintf(stderr, "snet-topogen: cannot write %s\n", path);
		if (f)
			fclose(f);
		return -1;
	}
	return fclose(f);
}

/* Every interface of the AS gets latency, bandwidth, link type, coordinates and a note
 * (Go: control/beaconing staticinfo), deterministic from its ID. */
static json_t *static_info(const struct topo *t, int as)
{
	json_t *lat = json_object(), *bw = json_object(), *lt = json_object(), *geo = json_object(),
	       *hops = json_object();
	uint16_t ids[64];
	int n = 0;
	for (int i = 0; i < t->n_links && n < 64; i++) {
		const struct link_desc *l = &t->links[i];
		if (t->brs[l->a.br].as == as)
			ids[n++] = l->a.ifid;
		if (t->brs[l->b.br].as == as && n < 64)
			ids[n++] = l->b.ifid;
	}
	for (int i = 0; i < n; i++) {
		char k[8], d[16];
		json_t *intra_l = json_object(), *intra_b = json_object(), *intra_h = json_object();
		for (int j = 0; j < n; j++) {
			char kj[8];
			if (j == i)
				continue;
			snprintf(kj, sizeof(kj), "%u", ids[j]);
			snprintf(d, sizeof(d), "%dms", 3 + (ids[i] + ids[j]) % 5);
			json_object_set_new(intra_l, kj, json_string(d));
			json_object_set_new(intra_b, kj, json_integer(10000000));
			json_object_set_new(intra_h, kj, json_integer(1 + (ids[i] + ids[j]) % 3));
		}
		snprintf(k, sizeof(k), "%u", ids[i]);
		snprintf(d, sizeof(d), "%dms", 1 + ids[i] % 4);
		json_object_set_new(lat, k, json_pack("{s:s, s:o}", "Inter", d, "Intra", intra_l));
		json_object_set_new(bw, k, json_pack("{s:I, s:o}", "Inter",
						     (json_int_t)(100000 * (1 + ids[i] % 10)), "Intra",
						     intra_b));
		json_object_set_new(lt, k, json_string(ids[i] % 2 ? "direct" : "multihop"));
		json_object_set_new(geo, k, json_pack("{s:f, s:f, s:s}", "Latitude",
						      46.5 + 0.25 * (ids[i] % 8), "Longitude",
						      7.25 + 0.5 * (as % 4), "Address", "Zürich"));
		json_object_set_new(hops, k, json_pack("{s:o}", "Intra", intra_h));
	}
	char note[64], ia[SNET_IA_STRLEN];
	snet_ia_format(t->ases[as].ia, ia, sizeof(ia));
	snprintf(note, sizeof(note), "AS %s, \"libsnet\" acceptance", ia);
	return json_pack("{s:o, s:o, s:o, s:o, s:o, s:s}", "Latency", lat, "Bandwidth", bw,
			 "LinkType", lt, "Geo", geo, "Hops", hops, "Note", note);
}

/* cs.toml, staticInfoConfig.json and one sd-HOST.toml per end host of the AS. */
int topo_control_as(const struct topo *t, int as, const char *dir)
{
	char path[PATH_MAX + 64], text[4 * PATH_MAX], id[80];
	if (first_br(t, as) < 0)
		return 0;
	snprintf(path, sizeof(path), "%s/cache", dir);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/certs", dir);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/crypto", dir);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/crypto/as", dir);
	mkdir(path, 0700);
	cs_id(t, as, id, sizeof(id));
	snprintf(text, sizeof(text),
		 "[general]\nid = \"%s\"\nconfig_dir = \"%s\"\n\n[log.console]\nlevel = \"error\"\n\n"
		 "[trust_db]\nconnection = \"%s/cache/cs.trust.db\"\n\n"
		 "[beacon_db]\nconnection = \"%s/cache/cs.beacon.db\"\n\n"
		 "[path_db]\nconnection = \"%s/cache/cs.path.db\"\n\n"
		 "[beaconing]\norigination_interval = \"1s\"\npropagation_interval = \"1s\"\n"
		 "registration_interval = \"1s\"\n",
		 id, dir, dir, dir, dir);
	snprintf(path, sizeof(path), "%s/cs.toml", dir);
	if (write_file(path, text))
		return -1;
	json_t *si = static_info(t, as);
	snprintf(path, sizeof(path), "%s/staticInfoConfig.json", dir);
	int e = json_dump_file(si, path, JSON_INDENT(2));
	json_decref(si);
	if (e)
		return -1;
	for (int h = 0; h < t->n_hosts; h++) {
		const struct host_desc *hd = &t->hosts[h];
		if (hd->as != as)
			continue;
		snprintf(text, sizeof(text),
			 "[general]\nid = \"sd-%s\"\nconfig_dir = \"%s\"\n\n[log.console]\n"
			 "level = \"error\"\n\n[trust_db]\nconnection = \"%s/cache/sd-%s.trust.db\"\n\n"
			 "[path_db]\nconnection = \"%s/cache/sd-%s.path.db\"\n\n[sd]\n"
			 "address = \"127.0.0.1:30255\"\n",
			 hd->name, dir, dir, hd->name, dir, hd->name);
		snprintf(path, sizeof(path), "%s/sd-%s.toml", dir, hd->name);
		if (write_file(path, text))
			return -1;
	}
	return 0;
}

/* The ASes section of a .topo file: in each ISD the core ASes vote, are authoritative and
 * issue; the others get their certificate from the ISD's first core AS. */
int topo_control_crypto(const struct topo *t, const char *outdir)
{
	char path[PATH_MAX + 16];
	snprintf(path, sizeof(path), "%s/crypto.topo", outdir);
	FILE *f = fopen(path, "w");
	if (!f)
		return -1;
	fprintf(f, "--- # for scion-pki testcrypto, written by snet-topogen --control\nASes:\n");
	int rc = 0;
	for (int a = 0; a < t->n_ases; a++) {
		char ia[SNET_IA_STRLEN], issuer[SNET_IA_STRLEN] = "";
		const struct as_desc *d = &t->ases[a];
		snet_ia_format(d->ia, ia, sizeof(ia));
		fprintf(f, "  \"%s\":\n", ia);
		if (d->core) {
			fprintf(f, "    core: true\n    voting: true\n    authoritative: true\n"
				   "    issuing: true\n");
			continue;
		}
		for (int c = 0; c < t->n_ases && !*issuer; c++)
			if (t->ases[c].core && t->ases[c].ia >> 48 == d->ia >> 48)
				snet_ia_format(t->ases[c].ia, issuer, sizeof(issuer));
		if (!*issuer) {
			fprintf(stderr, "snet-topogen: --control: ISD of %s has no core AS\n", ia);
			rc = -1;
		}
		fprintf(f, "    cert_issuer: %s\n", issuer);
	}
	return fclose(f) || rc ? -1 : 0;
}

/* Plan lines: "cs NS ID TOML" per AS, "daemon NS HOST TOML" per end host. */
void topo_control_plan(const struct topo *t, FILE *f, const char *outdir)
{
	char dir[PATH_MAX], id[80];
	for (int a = 0; a < t->n_ases; a++) {
		int b = first_br(t, a);
		if (b < 0)
			continue;
		topo_as_dir(t, a, outdir, dir, sizeof(dir));
		cs_id(t, a, id, sizeof(id));
		fprintf(f, "cs %s %s %s/cs.toml\n", t->brs[b].ns, id, dir);
	}
	for (int h = 0; h < t->n_hosts; h++) {
		topo_as_dir(t, t->hosts[h].as, outdir, dir, sizeof(dir));
		fprintf(f, "daemon %s %s %s/sd-%s.toml\n", t->hosts[h].ns, t->hosts[h].name, dir,
			t->hosts[h].name);
	}
}
