/* SPDX-License-Identifier: Apache-2.0 */
/* Hop predicates and ACLs, as Go's pathpol (hop_pred.go, acl.go) parses and applies them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "snet/addr.h"
#include "snet/err.h"

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wformat-truncation"
#endif

static size_t count(const char *s, char c)
{
	size_t n = 0;
	for (; *s; s++)
		n += *s == c;
	return n;
}

/* strconv.ParseUint(s, 10, bits): digits only, no sign, in range. */
static bool parse_uint(const char *s, size_t len, unsigned bits, uint64_t *v)
{
	uint64_t x = 0, max = bits == 64 ? UINT64_MAX : (1ULL << bits) - 1;
	if (len == 0)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		unsigned d = (unsigned)(s[i] - '0');
		if (x > (max - d) / 10)
			return false;
		x = x * 10 + d;
	}
	*v = x;
	return true;
}

static int bad(char *err, size_t errlen, const char *why, const char *text)
{
	if (err)
		snprintf(err, errlen, "hop predicate \"%s\": %s", text, why);
	return SNET_E_BAD_FIELD;
}

int snet_hop_pred_parse(const char *text, snet_hop_pred *hp, char *err, size_t errlen)
{
	size_t dashes = count(text, '-'), hashes = count(text, '#'), commas = count(text, ',');
	memset(hp, 0, sizeof(*hp));
	hp->n_ifs = 1;
	if (dashes > 1 || hashes > 1 || commas > 1)
		return bad(err, errlen, "a delimiter ('-', '#' or ',') found too often", text);
	if (dashes == 0 && (hashes || commas))
		return bad(err, errlen, "interfaces without an AS", text);
	const char *dash = strchr(text, '-');
	size_t isd_len = dash ? (size_t)(dash - text) : strlen(text);
	uint64_t v;
	if (!parse_uint(text, isd_len, 16, &v))
		return bad(err, errlen, "not an ISD", text);
	hp->isd = (uint16_t)v;
	if (!dash)
		return 0;
	const char *as = dash + 1, *hash = strchr(as, '#');
	size_t as_len = hash ? (size_t)(hash - as) : strlen(as);
	if (snet_as_parse(as, as_len, &hp->as))
		return bad(err, errlen, "not an AS", text);
	if (!hash)
		return 0;
	const char *ifs = hash + 1, *comma = strchr(ifs, ',');
	if (!parse_uint(ifs, comma ? (size_t)(comma - ifs) : strlen(ifs), 64, &hp->ifs[0]))
		return bad(err, errlen, "not an interface ID", text);
	if (comma) {
		if (!parse_uint(comma + 1, strlen(comma + 1), 64, &hp->ifs[1]))
			return bad(err, errlen, "not an interface ID", text);
		hp->n_ifs = 2;
	}
	if (hp->as == 0 && (hp->ifs[0] || hp->ifs[1]))
		return bad(err, errlen, "interfaces must be 0 with a wildcard AS", text);
	return 0;
}

/* Go: HopPredicate.pathIFMatch. */
static bool if_match(const snet_hop_pred *hp, const snet_path_if *pi, bool ingress)
{
	if (hp->isd && (uint16_t)(pi->ia >> 48) != hp->isd)
		return false;
	if (hp->as && (pi->ia & 0xffffffffffffULL) != hp->as)
		return false;
	int k = hp->n_ifs == 2 && !ingress ? 1 : 0;
	return !hp->ifs[k] || hp->ifs[k] == pi->id;
}

/* Go: ACLEntry.LoadFromString: "+" or "-", then at most one predicate after one space. */
int snet__acl_entry_parse(const char *text, snet_acl_entry *e, char *err, size_t errlen)
{
	const char *sp = strchr(text, ' ');
	size_t alen = sp ? (size_t)(sp - text) : strlen(text);
	memset(e, 0, sizeof(*e));
	if (alen != 1 || (text[0] != '+' && text[0] != '-')) {
		if (err)
			snprintf(err, errlen, "ACL entry \"%s\": the action is not '+' or '-'", text);
		return SNET_E_BAD_FIELD;
	}
	e->allow = text[0] == '+';
	if (!sp) {
		e->any = true;
		return 0;
	}
	if (strchr(sp + 1, ' ')) {
		if (err)
			snprintf(err, errlen, "ACL entry \"%s\": too many parts", text);
		return SNET_E_BAD_FIELD;
	}
	return snet_hop_pred_parse(sp + 1, &e->rule, err, errlen);
}

/* Go: validateACL: a default entry (matching all) must exist, and come last. */
int snet__acl_check(const snet_acl_entry *v, size_t n, char *err, size_t errlen)
{
	size_t at = n;
	for (size_t i = 0; i < n && at == n; i++)
		if (v[i].any || (v[i].rule.isd == 0 && v[i].rule.as == 0))
			at = i;
	const char *why = at == n ? "ACL does not have a default"
		       : at != n - 1 ? "ACL has unused extra entries after a default entry"
				     : NULL;
	if (why && err)
		snprintf(err, errlen, "acl: %s", why);
	return why ? SNET_E_BAD_FIELD : 0;
}

/* Go: ACL.evalPath: every interface (odd positions are ingress) must be allowed. */
bool snet__acl_allows(const snet_acl_entry *v, size_t n, const snet_path *p)
{
	if (n == 0)
		return true;
	for (size_t i = 0; i < p->n_ifs; i++) {
		for (size_t k = 0; k < n; k++) {
			if (v[k].any || if_match(&v[k].rule, &p->ifs[i], i % 2 != 0)) {
				if (!v[k].allow)
					return false;
				break;
			}
		}
	}
	return true;
}
