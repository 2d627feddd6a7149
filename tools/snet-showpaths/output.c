/* SPDX-License-Identifier: Apache-2.0 */
/* The two ways Go's `scion showpaths` prints its result (scion/showpaths/showpaths.go). */
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "gofmt.h"
#include "showpaths.h"

/* Go: the first 16 hex digits of snet.Fingerprint, "local" without interfaces. */
static void fingerprint(const snet_path *p, char out[17])
{
	uint8_t fp[SNET_PATH_FINGERPRINT_LEN];
	if (!snet_path_fingerprint(p, fp)) {
		snprintf(out, 17, "local");
		return;
	}
	for (int i = 0; i < 8; i++)
		snprintf(out + 2 * i, 3, "%02x", fp[i]);
}

static const char *ia_str(uint64_t ia, char *b)
{
	snet_ia_format(ia, b, SNET_IA_STRLEN);
	return b;
}

/* Go: net.UDPAddr.String() of the next hop; "" for none. */
static const char *next_hop(const snet_path *p, char *b, size_t cap)
{
	if (p->next_hop.ss_family == AF_UNSPEC) {
		*b = '\0';
		return b;
	}
	return cli_sockaddr_str(&p->next_hop, b, cap);
}

/* map[addr.IA]DiscoveryInformation: keys sorted as encoding/json sorts them (by text). */
static int disc_cmp(const void *a, const void *b)
{
	char x[SNET_IA_STRLEN], y[SNET_IA_STRLEN];
	const snet_path_discovery *const *da = a, *const *db = b;
	return strcmp(ia_str((*da)->ia, x), ia_str((*db)->ia, y));
}

static void addr_list(FILE *f, const char *key, const struct sockaddr_storage *v, size_t n,
		      bool *first, const char *ind)
{
	char b[80];
	if (!n)
		return; /* omitempty */
	fprintf(f, "%s\n%s  \"%s\": [", *first ? "" : ",", ind, key);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%s\n%s    \"%s\"", i ? "," : "", ind, cli_sockaddr_str(&v[i], b, sizeof(b)));
	fprintf(f, "\n%s  ]", ind);
	*first = false;
}

static void json_discovery(FILE *f, const snet_path *p)
{
	const snet_path_metadata *m = p->meta;
	const snet_path_discovery *v[64];
	size_t n = 0;
	for (size_t i = 0; m && i < m->n_discovery && n < 64; i++)
		if (m->discovery[i].n_control || m->discovery[i].n_discovery)
			v[n++] = &m->discovery[i];
	if (!n)
		return; /* omitempty */
	qsort(v, n, sizeof(v[0]), disc_cmp);
	fprintf(f, ",\n      \"discovery\": {");
	for (size_t i = 0; i < n; i++) {
		char ia[SNET_IA_STRLEN];
		bool first = true;
		/* A repeated IA (possible on the wire, impossible in Go's map): the last wins. */
		if (i + 1 < n && v[i]->ia == v[i + 1]->ia)
			continue;
		fprintf(f, "%s\n        \"%s\": {", i ? "," : "", ia_str(v[i]->ia, ia));
		addr_list(f, "control_services", v[i]->control, v[i]->n_control, &first, "        ");
		addr_list(f, "discovery_services", v[i]->discovery, v[i]->n_discovery, &first,
			  "        ");
		fprintf(f, first ? "}" : "\n        }");
	}
	fprintf(f, "\n      }");
}

static void json_path(FILE *f, const snet_path *p, const struct sp_status *st)
{
	char fp[17], ia[SNET_IA_STRLEN], nh[80], t[64], seq[4096];
	fingerprint(p, fp);
	fprintf(f, "    {\n      \"fingerprint\": \"%s\",\n      \"hops\": [", fp);
	for (size_t i = 0; i < p->n_ifs; i++)
		fprintf(f, "%s\n        {\n          \"interface\": %" PRIu64 ",\n"
			   "          \"isd_as\": \"%s\"\n        }",
			i ? "," : "", p->ifs[i].id, ia_str(p->ifs[i].ia, ia));
	fprintf(f, p->n_ifs ? "\n      ],\n" : "],\n");
	if (snet_path_sequence(p, seq, sizeof(seq)) < 0)
		snprintf(seq, sizeof(seq), "invalid");
	fprintf(f, "      \"sequence\": ");
	go_json_string(f, seq);
	fprintf(f, ",\n      \"next_hop\": \"%s\",\n", next_hop(p, nh, sizeof(nh)));
	fprintf(f, "      \"expiry\": \"%s\",\n",
		go_time_rfc3339nano(p->expiry, p->expiry_nsec, t, sizeof(t)));
	fprintf(f, "      \"mtu\": %u,\n      \"latency\": [", p->mtu);
	size_t nl = p->meta ? p->meta->n_latency : 0;
	for (size_t i = 0; i < nl; i++)
		fprintf(f, "%s\n        %" PRId64, i ? "," : "", p->meta->latency_ns[i]);
	fprintf(f, nl ? "\n      ]" : "]");
	if (st && st->status) {
		fprintf(f, ",\n      \"status\": ");
		go_json_string(f, st->status);
		if (*st->info) {
			fprintf(f, ",\n      \"status_info\": ");
			go_json_string(f, st->info);
		}
	}
	/* netip.Addr is a struct: omitempty never drops it, and the zero Addr is "". */
	fprintf(f, ",\n      \"local_ip\": \"%s\"", st ? st->local_ip : "");
	json_discovery(f, p);
	fprintf(f, "\n    }");
}

void sp_print_json(FILE *f, const struct sp_result *r)
{
	char a[SNET_IA_STRLEN], b[SNET_IA_STRLEN];
	fprintf(f, "{\n  \"local_isd_as\": \"%s\",\n  \"destination\": \"%s\"",
		ia_str(r->local_ia, a), ia_str(r->dst, b));
	if (r->n) {
		fprintf(f, ",\n  \"paths\": [\n");
		for (size_t i = 0; i < r->n; i++) {
			json_path(f, r->paths[i], r->status ? &r->status[i] : NULL);
			fprintf(f, i + 1 < r->n ? ",\n" : "\n");
		}
		fprintf(f, "  ]");
	}
	fprintf(f, "\n}\n");
}

/* ---- Human ---- */

/* Go: ColorScheme.Path: "[IA ID>ID IA ID>ID IA]". */
static void hops_str(const snet_path *p, char *b, size_t cap)
{
	char ia[SNET_IA_STRLEN];
	size_t n = p->n_ifs, off = 0;
	if (!n) {
		*b = '\0';
		return;
	}
	off += (size_t)snprintf(b + off, cap - off, "[%s %" PRIu64, ia_str(p->ifs[0].ia, ia),
				p->ifs[0].id);
	for (size_t i = 1; i + 1 < n && off < cap; i += 2)
		off += (size_t)snprintf(b + off, cap - off, ">%" PRIu64 " %s %" PRIu64, p->ifs[i].id,
					ia_str(p->ifs[i].ia, ia), p->ifs[i + 1].id);
	if (off < cap)
		snprintf(b + off, cap - off, ">%" PRIu64 " %s]", p->ifs[n - 1].id,
			 ia_str(p->ifs[n - 1].ia, ia));
}

/* Go's humanLatency, humanBandwidth, ...: "" when there is nothing to show. */
static void latency_str(const snet_path_metadata *m, char *b, size_t cap)
{
	bool complete = true;
	int64_t tot = 0;
	char d[32];
	for (size_t i = 0; m && i < m->n_latency; i++) {
		complete = complete && m->latency_ns[i] >= 0;
		if (m->latency_ns[i] >= 0)
			tot += m->latency_ns[i];
	}
	if (complete)
		snprintf(b, cap, "%s", go_duration(tot, d, sizeof(d)));
	else if (tot > 0)
		snprintf(b, cap, ">%s (information incomplete)", go_duration(tot, d, sizeof(d)));
	else
		*b = '\0';
}

static void bandwidth_str(const snet_path_metadata *m, char *b, size_t cap)
{
	bool complete = true;
	uint64_t bottleneck = UINT64_MAX;
	for (size_t i = 0; m && i < m->n_bandwidth; i++) {
		uint64_t v = m->bandwidth_kbps[i];
		complete = complete && v > 0;
		if (v > 0 && v < bottleneck)
			bottleneck = v;
	}
	if (complete)
		snprintf(b, cap, "%" PRIu64 "Kbit/s", bottleneck);
	else if (bottleneck < UINT64_MAX)
		snprintf(b, cap, "%" PRIu64 "Kbit/s (information incomplete)", bottleneck);
	else
		*b = '\0';
}

/* Go's sanitizeString: newlines become ", ", then trimmed, control characters, DEL and '"'
 * dropped. */
static void sanitize(const char *s, char *out, size_t cap)
{
	size_t o = 0;
	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\v' || *s == '\f')
		s++;
	for (; *s && o + 3 < cap; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '\n') {
			out[o++] = ',';
			out[o++] = ' ';
		} else if (c >= 32 && c != 127 && c != '"') {
			out[o++] = (char)c;
		}
	}
	while (o && (out[o - 1] == ' ' || out[o - 1] == '\t'))
		o--;
	out[o] = '\0';
}

static void geo_str(const snet_path_metadata *m, char *b, size_t cap)
{
	size_t off = 0;
	bool any = false;
	*b = '\0';
	for (size_t i = 0; m && i < m->n_geo && off + 1 < cap; i++) {
		const snet_path_geo *g = &m->geo[i];
		char la[32], lo[32], ad[256];
		bool ll = g->latitude != 0 || g->longitude != 0;
		sanitize(g->address, ad, sizeof(ad));
		any = any || ll || *ad;
		off += (size_t)snprintf(b + off, cap - off, "%s", i ? " > " : "[");
		if (off >= cap)
			break;
		go_float32_g(g->latitude, la, sizeof(la));
		go_float32_g(g->longitude, lo, sizeof(lo));
		if (ll && *ad)
			off += (size_t)snprintf(b + off, cap - off, "%s,%s (\"%s\")", la, lo, ad);
		else if (ll)
			off += (size_t)snprintf(b + off, cap - off, "%s,%s", la, lo);
		else if (*ad)
			off += (size_t)snprintf(b + off, cap - off, "\"%s\"", ad);
		else
			off += (size_t)snprintf(b + off, cap - off, "N/A");
	}
	if (!any)
		*b = '\0';
	else if (off + 1 < cap)
		snprintf(b + off, cap - off, "]");
}

static void link_type_str(const snet_path_metadata *m, char *b, size_t cap)
{
	static const char *const names[] = { "unset", "direct", "multihop", "opennet" };
	bool any = false;
	size_t off = 0;
	*b = '\0';
	for (size_t i = 0; m && i < m->n_link_types; i++)
		any = any || m->link_types[i] != SNET_PATH_LINK_UNSET;
	if (!any)
		return;
	for (size_t i = 0; i < m->n_link_types && off < cap; i++)
		off += (size_t)snprintf(b + off, cap - off, "%s%s", i ? ", " : "[",
					names[m->link_types[i] <= 3 ? m->link_types[i] : 0]);
	if (off < cap)
		snprintf(b + off, cap - off, "]");
}

static void internal_hops_str(const snet_path *p, char *b, size_t cap)
{
	const snet_path_metadata *m = p->meta;
	size_t off = 0;
	char ia[SNET_IA_STRLEN];
	*b = '\0';
	for (size_t i = 0; m && i < m->n_internal_hops && off < cap; i++) {
		if (!m->internal_hops[i] || 2 * i + 1 >= p->n_ifs)
			continue;
		off += (size_t)snprintf(b + off, cap - off, "%s%s: %u", off ? ", " : "[",
					ia_str(p->ifs[2 * i + 1].ia, ia), m->internal_hops[i]);
	}
	if (off && off < cap)
		snprintf(b + off, cap - off, "]");
}

static void notes_str(const snet_path *p, char *b, size_t cap)
{
	const snet_path_metadata *m = p->meta;
	size_t off = 0;
	char ia[SNET_IA_STRLEN], s[256];
	*b = '\0';
	for (size_t i = 0; m && i < m->n_notes && off < cap; i++) {
		size_t k = i ? 2 * i - 1 : 0;
		if (!*m->notes[i] || k >= p->n_ifs)
			continue;
		sanitize(m->notes[i], s, sizeof(s));
		off += (size_t)snprintf(b + off, cap - off, "%s%s: \"%s\"", off ? ", " : "[",
					ia_str(p->ifs[k].ia, ia), s);
	}
	if (off && off < cap)
		snprintf(b + off, cap - off, "]");
}

/* Go's humanDiscovery, in the daemon's order (Go's map order is random). */
static void discovery_str(const snet_path_metadata *m, char *b, size_t cap)
{
	size_t off = 0;
	*b = '\0';
	for (size_t i = 0; m && i < m->n_discovery && off < cap; i++) {
		const snet_path_discovery *d = &m->discovery[i];
		char ia[SNET_IA_STRLEN], a[80];
		if (!d->n_control && !d->n_discovery)
			continue;
		off += (size_t)snprintf(b + off, cap - off, "%s%s: {Control: ", off ? ", " : "{",
					ia_str(d->ia, ia));
		for (size_t k = 0; k < d->n_control && off < cap; k++)
			off += (size_t)snprintf(b + off, cap - off, "%s%s", k ? ", " : "",
						cli_sockaddr_str(&d->control[k], a, sizeof(a)));
		off += off < cap ? (size_t)snprintf(b + off, cap - off, ", Discovery: ") : 0;
		for (size_t k = 0; k < d->n_discovery && off < cap; k++)
			off += (size_t)snprintf(b + off, cap - off, "%s%s", k ? ", " : "",
						cli_sockaddr_str(&d->discovery[k], a, sizeof(a)));
		off += off < cap ? (size_t)snprintf(b + off, cap - off, "}") : 0;
	}
	if (off && off < cap)
		snprintf(b + off, cap - off, "}");
}

static void human_path(FILE *f, size_t idx, int width, const struct sp_result *r, bool extended)
{
	const snet_path *p = r->paths[idx];
	const struct sp_status *st = r->status ? &r->status[idx] : NULL;
	static char v[16][2048];
	const char *k[16];
	size_t n = 0;
	char nh[80];
	k[n] = "Hops", hops_str(p, v[n], sizeof(v[n])), n++;
	k[n] = "MTU", snprintf(v[n], sizeof(v[n]), "%u", p->mtu), n++;
	k[n] = "NextHop", snprintf(v[n], sizeof(v[n]), "%s", next_hop(p, nh, sizeof(nh))), n++;
	if (extended) {
		char t[64], d[32];
		/* Go: time.Until(expiry).Truncate(time.Second) */
		struct timespec now;
		clock_gettime(CLOCK_REALTIME, &now);
		int64_t ttl = (p->expiry - (int64_t)now.tv_sec) * 1000000000 +
			      (p->expiry_nsec - now.tv_nsec);
		ttl -= ttl % 1000000000;
		k[n] = "Expires";
		snprintf(v[n++], sizeof(v[0]), "%s (%s)",
			 go_time_string(p->expiry, p->expiry_nsec, t, sizeof(t)),
			 go_duration(ttl, d, sizeof(d)));
		const snet_path_metadata *m = p->meta;
		k[n] = "Latency", latency_str(m, v[n], sizeof(v[n])), n += *v[n] != 0;
		k[n] = "Bandwidth", bandwidth_str(m, v[n], sizeof(v[n])), n += *v[n] != 0;
		k[n] = "Geo", geo_str(m, v[n], sizeof(v[n])), n += *v[n] != 0;
		k[n] = "LinkType", link_type_str(m, v[n], sizeof(v[n])), n += *v[n] != 0;
		k[n] = "InternalHops", internal_hops_str(p, v[n], sizeof(v[n])), n += *v[n] != 0;
		k[n] = "Notes", notes_str(p, v[n], sizeof(v[n])), n += *v[n] != 0;
		bool epic = m && m->epic && m->epic_phvf_len == 16 && m->epic_lhvf_len == 16;
		k[n] = "SupportsEPIC", snprintf(v[n], sizeof(v[n]), epic ? "true" : "false"), n++;
		k[n] = "Discovery", discovery_str(m, v[n], sizeof(v[n])), n += *v[n] != 0;
	}
	if (st && st->status) {
		k[n] = "Status", snprintf(v[n], sizeof(v[n]), "%s", st->status), n++;
		k[n] = "LocalIP", snprintf(v[n], sizeof(v[n]), "%s", *st->local_ip ? st->local_ip : "invalid IP"), n++;
	}
	fprintf(f, "[%*zu] ", width, idx);
	for (size_t i = 0; i < n; i++) {
		if (i)
			fprintf(f, n > 6 ? "\n%*s" : " ", n > 6 ? width + 3 : 0, "");
		fprintf(f, "%s: %s", k[i], v[i]);
	}
	fprintf(f, "\n");
}

void sp_print_human(FILE *f, const struct sp_result *r, bool extended)
{
	int width = snprintf(NULL, 0, "%zu", r->n - 1);
	for (size_t i = 0; i < r->n; i++) {
		if (i == 0 || r->paths[i - 1]->n_ifs != r->paths[i]->n_ifs)
			fprintf(f, "%zu Hops:\n", r->paths[i]->n_ifs / 2 + 1);
		human_path(f, i, width, r, extended);
	}
}
