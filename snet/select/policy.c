/* SPDX-License-Identifier: Apache-2.0 */
/* Go's path policy (private/path/pathpol/policy.go, local_isdas.go, remote_isdas.go) as
 * encoding/json reads it, and its Filter; plus our filters and ordering (snet_* keys). */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "internal.h"
#include "snet/addr.h"
#include "snet/err.h"
#include "../topo/jsonfile.h"

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wformat-truncation"
#endif

struct remote_rule {
	uint64_t ia;
	bool reject;
};

struct option {
	long long weight;
	snet_policy *policy; /* NULL: an option whose policy has no keys (Go: allows all) */
};

enum order { ORDER_NONE, ORDER_HOPS, ORDER_LATENCY, ORDER_BANDWIDTH, ORDER_MTU, ORDER_EXPIRY };

struct snet_policy {
	bool has_acl, has_local, has_remote;
	size_t n_acl, n_local, n_remote, n_opts;
	snet_acl_entry *acl;
	snet_sequence *seq;
	uint64_t *local;
	struct remote_rule *remote;
	struct option *opts;
	/* ours */
	uint32_t min_mtu;
	int64_t max_latency_ns; /* < 0: none */
	uint64_t min_bw;
	enum order order;
};

struct ctx {
	json_t *map; /* named policies, for extends; NULL for a single one */
	char *err;
	size_t errlen;
	const char *stack[32]; /* names being resolved: a cycle is an error */
	int depth;
	int in_option; /* Go filters with an option's own keys: its "extends" are ignored */
};

static int fail(struct ctx *c, const char *where, const char *why)
{
	if (c->err)
		snprintf(c->err, c->errlen, "%s: %s", where, why);
	return SNET_E_BAD_FIELD;
}

/* encoding/json: a key matches a field exactly or, failing that, case-insensitively; among
 * several, the last in the document wins. */
static json_t *field(json_t *o, const char *name)
{
	json_t *exact = json_object_get(o, name), *v, *last = NULL;
	const char *k;
	if (exact)
		return exact;
	json_object_foreach(o, k, v)
		if (strcasecmp(k, name) == 0)
			last = v;
	return last;
}

static bool is_null(json_t *v)
{
	return !v || json_is_null(v);
}

static int parse_policy(struct ctx *c, json_t *o, const char *where, snet_policy *p);

static int parse_acl(struct ctx *c, json_t *v, const char *where, snet_policy *p)
{
	char w[256], e[256];
	if (!json_is_array(v))
		return fail(c, where, "acl: not an array of strings");
	p->n_acl = json_array_size(v);
	p->acl = calloc(p->n_acl + 1, sizeof(*p->acl));
	if (!p->acl)
		return -ENOMEM;
	for (size_t i = 0; i < p->n_acl; i++) {
		const char *s = json_string_value(json_array_get(v, i));
		snprintf(w, sizeof(w), "%s: acl[%zu]", where, i);
		if (!s)
			return fail(c, w, "not a string");
		if (snet__acl_entry_parse(s, &p->acl[i], e, sizeof(e)))
			return fail(c, w, e);
	}
	p->has_acl = true;
	if (snet__acl_check(p->acl, p->n_acl, e, sizeof(e)))
		return fail(c, where, e);
	return 0;
}

static int parse_ia(json_t *v, uint64_t *ia)
{
	const char *s = json_string_value(v);
	return s && snet_ia_parse(s, strlen(s), ia) == 0 ? 0 : -1;
}

static int parse_local(struct ctx *c, json_t *v, const char *where, snet_policy *p)
{
	if (!json_is_array(v))
		return fail(c, where, "local_isd_ases: not an array of ISD-AS strings");
	p->n_local = json_array_size(v);
	p->local = calloc(p->n_local + 1, sizeof(*p->local));
	if (!p->local)
		return -ENOMEM;
	for (size_t i = 0; i < p->n_local; i++)
		if (parse_ia(json_array_get(v, i), &p->local[i]))
			return fail(c, where, "local_isd_ases: not an ISD-AS");
	p->has_local = true;
	return 0;
}

static int parse_remote(struct ctx *c, json_t *v, const char *where, snet_policy *p)
{
	if (!json_is_array(v))
		return fail(c, where, "remote_isd_ases: not an array of rules");
	p->n_remote = json_array_size(v);
	p->remote = calloc(p->n_remote + 1, sizeof(*p->remote));
	if (!p->remote)
		return -ENOMEM;
	for (size_t i = 0; i < p->n_remote; i++) {
		json_t *r = json_array_get(v, i), *ia = json_is_object(r) ? field(r, "isd_as") : NULL;
		json_t *rej = json_is_object(r) ? field(r, "reject") : NULL;
		if (!json_is_object(r) || (!is_null(ia) && parse_ia(ia, &p->remote[i].ia)) ||
		    (!is_null(rej) && !json_is_boolean(rej)))
			return fail(c, where, "remote_isd_ases: a rule is {\"isd_as\": IA, \"reject\": bool}");
		p->remote[i].reject = json_is_true(rej);
	}
	p->has_remote = true;
	return 0;
}

/* True when an ExtPolicy object has none of Policy's keys (Go leaves its *Policy nil). */
static bool no_policy_keys(json_t *o)
{
	static const char *const keys[] = { "acl", "sequence", "local_isd_ases",
					    "remote_isd_ases", "options" };
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (field(o, keys[i]))
			return false;
	return true;
}

static int parse_options(struct ctx *c, json_t *v, const char *where, snet_policy *p)
{
	char w[256];
	if (!json_is_array(v))
		return fail(c, where, "options: not an array");
	p->n_opts = json_array_size(v);
	p->opts = calloc(p->n_opts + 1, sizeof(*p->opts));
	if (!p->opts)
		return -ENOMEM;
	for (size_t i = 0; i < p->n_opts; i++) {
		json_t *o = json_array_get(v, i), *wt, *pol;
		snprintf(w, sizeof(w), "%s: options[%zu]", where, i);
		if (!json_is_object(o))
			return fail(c, w, "not an object");
		wt = field(o, "weight");
		pol = field(o, "policy");
		if (!is_null(wt) && !json_is_integer(wt))
			return fail(c, w, "weight: not an integer");
		p->opts[i].weight = json_integer_value(wt);
		/* Go dereferences a null policy and panics: an error here. */
		if (!json_is_object(pol))
			return fail(c, w, "policy: missing or not an object");
		/* Go filters with the option's own keys; its "extends" are not applied. */
		if (no_policy_keys(pol))
			continue;
		p->opts[i].policy = calloc(1, sizeof(snet_policy));
		if (!p->opts[i].policy)
			return -ENOMEM;
		snprintf(w, sizeof(w), "%s: options[%zu].policy", where, i);
		c->in_option++;
		int rc = parse_policy(c, pol, w, p->opts[i].policy);
		c->in_option--;
		if (rc)
			return rc;
	}
	return 0;
}

static int parse_ours(struct ctx *c, json_t *o, const char *where, snet_policy *p)
{
	json_t *v;
	p->max_latency_ns = -1;
	if ((v = json_object_get(o, "snet_min_mtu"))) {
		if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 65535)
			return fail(c, where, "snet_min_mtu: not 0..65535");
		p->min_mtu = (uint32_t)json_integer_value(v);
	}
	if ((v = json_object_get(o, "snet_max_latency_ms"))) {
		if (!json_is_integer(v) || json_integer_value(v) < 0 ||
		    json_integer_value(v) > 1000000000)
			return fail(c, where, "snet_max_latency_ms: not a count of milliseconds");
		p->max_latency_ns = (int64_t)json_integer_value(v) * 1000000;
	}
	if ((v = json_object_get(o, "snet_min_bandwidth_kbps"))) {
		if (!json_is_integer(v) || json_integer_value(v) < 0)
			return fail(c, where, "snet_min_bandwidth_kbps: not a count");
		p->min_bw = (uint64_t)json_integer_value(v);
	}
	if ((v = json_object_get(o, "snet_order"))) {
		static const char *const names[] = { "", "hops", "latency", "bandwidth", "mtu",
						     "expiry" };
		const char *s = json_string_value(v);
		for (int i = 1; s && i < 6; i++)
			if (strcmp(s, names[i]) == 0)
				p->order = (enum order)i;
		if (!p->order)
			return fail(c, where,
				    "snet_order: not hops, latency, bandwidth, mtu or expiry");
	}
	return 0;
}

/* Go: applyExtended: later names take precedence; each fills what is still unset. */
static int apply_extends(struct ctx *c, json_t *ext, const char *where, snet_policy *p);

static void take(snet_policy *p, snet_policy *from)
{
	if (!p->has_acl && from->has_acl) {
		p->has_acl = true, p->acl = from->acl, p->n_acl = from->n_acl;
		from->acl = NULL, from->has_acl = false;
	}
	if (!p->n_opts) {
		p->opts = from->opts, p->n_opts = from->n_opts;
		from->opts = NULL, from->n_opts = 0;
	}
	if (!p->seq)
		p->seq = from->seq, from->seq = NULL;
	if (!p->has_local && from->has_local) {
		p->has_local = true, p->local = from->local, p->n_local = from->n_local;
		from->local = NULL, from->has_local = false;
	}
	if (!p->has_remote && from->has_remote) {
		p->has_remote = true, p->remote = from->remote, p->n_remote = from->n_remote;
		from->remote = NULL, from->has_remote = false;
	}
	/* ours, likewise */
	if (!p->min_mtu)
		p->min_mtu = from->min_mtu;
	if (p->max_latency_ns < 0)
		p->max_latency_ns = from->max_latency_ns;
	if (!p->min_bw)
		p->min_bw = from->min_bw;
	if (!p->order)
		p->order = from->order;
}

static int resolve(struct ctx *c, const char *name, snet_policy *out)
{
	json_t *o = c->map ? json_object_get(c->map, name) : NULL;
	char w[128];
	snprintf(w, sizeof(w), "extends \"%s\"", name);
	if (!json_is_object(o))
		return fail(c, w, "Extended policy could not be found");
	for (int i = 0; i < c->depth; i++)
		if (strcmp(c->stack[i], name) == 0)
			return fail(c, w, "extends itself (a cycle)");
	if (c->depth == (int)(sizeof(c->stack) / sizeof(c->stack[0])))
		return fail(c, w, "extends nested too deeply");
	c->stack[c->depth++] = name;
	int rc = parse_policy(c, o, name, out);
	c->depth--;
	return rc;
}

static int apply_extends(struct ctx *c, json_t *ext, const char *where, snet_policy *p)
{
	if (is_null(ext))
		return 0;
	if (!json_is_array(ext))
		return fail(c, where, "extends: not an array of names");
	for (size_t i = json_array_size(ext); i-- > 0;) {
		const char *name = json_string_value(json_array_get(ext, i));
		if (!name)
			return fail(c, where, "extends: not an array of names");
		snet_policy *base = calloc(1, sizeof(*base));
		if (!base)
			return -ENOMEM;
		base->max_latency_ns = -1;
		int rc = resolve(c, name, base);
		if (rc == 0)
			take(p, base);
		snet_policy_free(base);
		if (rc)
			return rc;
	}
	return 0;
}

/* Frees what a policy field holds, before a later key of the same field replaces it. */
static void clear_field(snet_policy *p, int f)
{
	switch (f) {
	case 0: free(p->acl), p->acl = NULL, p->n_acl = 0, p->has_acl = false; break;
	case 1: snet_sequence_free(p->seq), p->seq = NULL; break;
	case 2: free(p->local), p->local = NULL, p->n_local = 0, p->has_local = false; break;
	case 3: free(p->remote), p->remote = NULL, p->n_remote = 0, p->has_remote = false; break;
	default:
		for (size_t i = 0; i < p->n_opts; i++)
			snet_policy_free(p->opts[i].policy);
		free(p->opts), p->opts = NULL, p->n_opts = 0;
	}
}

static int parse_field(struct ctx *c, int f, json_t *v, const char *where, snet_policy *p)
{
	char e[256];
	clear_field(p, f);
	if (is_null(v))
		return 0; /* Go: a null leaves the pointer nil */
	switch (f) {
	case 0: return parse_acl(c, v, where, p);
	case 1: {
		if (!json_is_string(v))
			return fail(c, where, "sequence: not a string");
		int rc = snet_sequence_new(json_string_value(v), &p->seq, e, sizeof(e));
		return rc == SNET_E_BAD_FIELD ? fail(c, where, e) : rc;
	}
	case 2: return parse_local(c, v, where, p);
	case 3: return parse_remote(c, v, where, p);
	default: return parse_options(c, v, where, p);
	}
}

/* encoding/json assigns every key that names a field (exactly or case-insensitively) in
 * document order: the last one stays, and any one that does not decode fails the whole. */
static int parse_policy(struct ctx *c, json_t *o, const char *where, snet_policy *p)
{
	static const char *const fields[] = { "acl", "sequence", "local_isd_ases",
					      "remote_isd_ases", "options" };
	const char *k;
	json_t *v;
	int rc = 0;
	if (!json_is_object(o))
		return fail(c, where, "not an object");
	json_object_foreach(o, k, v)
	{
		for (int f = 0; !rc && f < 5; f++)
			if (strcasecmp(k, fields[f]) == 0)
				rc = parse_field(c, f, v, where, p);
		if (rc)
			return rc;
	}
	rc = parse_ours(c, o, where, p);
	if (!rc && !c->in_option)
		rc = apply_extends(c, field(o, "extends"), where, p);
	return rc;
}

/* Go reads the whole map at once: an entry that does not decode fails it, used or not. */
static int validate_map(struct ctx *c, json_t *map)
{
	const char *k;
	json_t *v;
	if (!json_is_object(map))
		return fail(c, "policies", "not a map of named policies");
	json_object_foreach(map, k, v)
	{
		snet_policy *tmp = calloc(1, sizeof(*tmp));
		if (!tmp)
			return -ENOMEM;
		c->in_option++; /* extends are resolved for the chosen policy only */
		int rc = is_null(v) ? 0 : parse_policy(c, v, k, tmp);
		c->in_option--;
		snet_policy_free(tmp);
		if (rc)
			return rc;
	}
	return 0;
}

int snet_policy_parse(const char *text, size_t len, const char *name, snet_policy **out,
		      char *err, size_t errlen)
{
	*out = NULL;
	json_t *root = snet__json_parse(text, len, "policy", err, errlen);
	if (!root)
		return SNET_E_BAD_JSON;
	struct ctx c = { .err = err, .errlen = errlen };
	snet_policy *p = calloc(1, sizeof(*p));
	int rc = p ? 0 : -ENOMEM;
	if (p)
		p->max_latency_ns = -1;
	if (!rc && name) {
		rc = validate_map(&c, root);
		c.map = root;
		c.stack[c.depth++] = name;
		json_t *o = json_object_get(root, name);
		if (!rc)
			rc = json_is_object(o) ? parse_policy(&c, o, name, p)
					       : fail(&c, name, "no such policy in the map");
	} else if (!rc) {
		rc = parse_policy(&c, root, "policy", p);
	}
	json_decref(root);
	if (rc) {
		snet_policy_free(p);
		return rc;
	}
	*out = p;
	return 0;
}

void snet_policy_free(snet_policy *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n_opts; i++)
		snet_policy_free(p->opts[i].policy);
	free(p->opts);
	free(p->acl);
	free(p->local);
	free(p->remote);
	snet_sequence_free(p->seq);
	free(p);
}

/* ---- Filter ---- */

static bool local_ok(const snet_policy *p, const snet_path *path)
{
	if (path->src == path->dst)
		return false;
	for (size_t i = 0; i < p->n_local; i++)
		if (p->local[i] == path->src)
			return true;
	return false;
}

static bool remote_ok(const snet_policy *p, const snet_path *path)
{
	if (!path->n_ifs)
		return false;
	for (size_t i = 0; i < p->n_remote; i++) {
		uint64_t r = p->remote[i].ia;
		if ((r >> 48 && r >> 48 != path->dst >> 48) ||
		    ((r & 0xffffffffffffULL) && (r & 0xffffffffffffULL) != (path->dst & 0xffffffffffffULL)))
			continue;
		return !p->remote[i].reject;
	}
	return false;
}

/* Go compares snet.Fingerprint values; an empty path's is "". */
static bool same_fp(const snet_path *a, const snet_path *b)
{
	uint8_t x[SNET_PATH_FINGERPRINT_LEN], y[SNET_PATH_FINGERPRINT_LEN];
	bool fa = snet_path_fingerprint(a, x), fb = snet_path_fingerprint(b, y);
	return fa == fb && (!fa || memcmp(x, y, sizeof(x)) == 0);
}

static size_t go_filter(const snet_policy *p, const snet_path **v, size_t n);

/* Go: evalOptions: the union of what the options of the highest weight allow (lower weights
 * only while that union is empty), by fingerprint, in the order of the input. */
static size_t eval_options(const snet_policy *p, const snet_path **v, size_t n)
{
	const snet_path **tmp = calloc(n + 1, sizeof(*tmp));
	bool *in = calloc(n + 1, sizeof(*in)), any = false;
	size_t k = 0;
	if (!tmp || !in) {
		free(tmp), free(in);
		return 0; /* out of memory: nothing allowed, never more than asked */
	}
	long long curr = p->opts[0].weight;
	for (size_t i = 0; i < p->n_opts; i++) {
		if (curr > p->opts[i].weight && any)
			break;
		curr = p->opts[i].weight;
		memcpy(tmp, v, n * sizeof(*v));
		size_t m = p->opts[i].policy ? go_filter(p->opts[i].policy, tmp, n) : n;
		for (size_t j = 0; j < m; j++)
			for (size_t x = 0; x < n; x++)
				if (!in[x] && same_fp(v[x], tmp[j]))
					in[x] = any = true;
	}
	for (size_t i = 0; i < n; i++)
		if (in[i])
			v[k++] = v[i];
	free(tmp);
	free(in);
	return k;
}

static size_t go_filter(const snet_policy *p, const snet_path **v, size_t n)
{
	size_t k;
	if (p->has_local) {
		k = 0;
		for (size_t i = 0; i < n; i++)
			if (local_ok(p, v[i]))
				v[k++] = v[i];
		n = k;
	}
	if (p->has_remote) {
		k = 0;
		for (size_t i = 0; i < n; i++)
			if (remote_ok(p, v[i]))
				v[k++] = v[i];
		n = k;
	}
	k = 0;
	for (size_t i = 0; i < n; i++)
		if (snet__acl_allows(p->acl, p->n_acl, v[i]))
			v[k++] = v[i];
	n = k;
	if (p->seq)
		n = snet_sequence_filter(p->seq, v, n);
	if (p->n_opts)
		n = eval_options(p, v, n);
	return n;
}

/* Known total latency, or -1 when a link's is unknown (or none is given). */
static int64_t latency(const snet_path *p)
{
	const snet_path_metadata *m = p->meta;
	int64_t t = 0;
	if (!m || (!m->n_latency && p->n_ifs))
		return -1;
	for (size_t i = 0; i < m->n_latency; i++) {
		if (m->latency_ns[i] < 0)
			return -1;
		t += m->latency_ns[i];
	}
	return t;
}

/* Bottleneck bandwidth, 0 when a link's is unknown. */
static uint64_t bandwidth(const snet_path *p)
{
	const snet_path_metadata *m = p->meta;
	uint64_t b = UINT64_MAX;
	if (!m || !m->n_bandwidth)
		return 0;
	for (size_t i = 0; i < m->n_bandwidth; i++)
		if (m->bandwidth_kbps[i] < b)
			b = m->bandwidth_kbps[i];
	return b;
}

static bool ours_ok(const snet_policy *p, const snet_path *path)
{
	int64_t l;
	if (path->mtu < p->min_mtu)
		return false;
	if (p->max_latency_ns >= 0 && ((l = latency(path)) < 0 || l > p->max_latency_ns))
		return false;
	return !p->min_bw || bandwidth(path) >= p->min_bw;
}

/* Negative when a comes first. Unknown latency sorts last. */
static int order_cmp(enum order o, const snet_path *a, const snet_path *b)
{
	switch (o) {
	case ORDER_HOPS:
		return (a->n_ifs > b->n_ifs) - (a->n_ifs < b->n_ifs);
	case ORDER_LATENCY: {
		int64_t x = latency(a), y = latency(b);
		if (x < 0 || y < 0)
			return (x < 0) - (y < 0);
		return (x > y) - (x < y);
	}
	case ORDER_BANDWIDTH: {
		uint64_t x = bandwidth(a), y = bandwidth(b);
		return (x < y) - (x > y);
	}
	case ORDER_MTU:
		return (a->mtu < b->mtu) - (a->mtu > b->mtu);
	case ORDER_EXPIRY:
		return (a->expiry < b->expiry) - (a->expiry > b->expiry);
	default:
		return 0;
	}
}

size_t snet_policy_filter(const snet_policy *p, const snet_path **v, size_t n)
{
	n = go_filter(p, v, n);
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (ours_ok(p, v[i]))
			v[k++] = v[i];
	/* Stable insertion sort: path sets are small and the filtered order breaks ties. */
	for (size_t i = 1; p->order && i < k; i++) {
		const snet_path *x = v[i];
		size_t j = i;
		for (; j > 0 && order_cmp(p->order, x, v[j - 1]) < 0; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
	return k;
}
