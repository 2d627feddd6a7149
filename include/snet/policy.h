/* SPDX-License-Identifier: Apache-2.0 */
/* Path policies in Go's language (private/path/pathpol): hop-predicate sequences as `scion
 * showpaths --sequence` takes them, ACLs, and the policy JSON with local/remote ISD-AS rules,
 * weighted options and extends. A policy Go accepts is accepted here with the same meaning;
 * one Go rejects is rejected, with an error that names the bad token or key. Pure: no I/O.
 *
 * Filters take an array of path pointers and keep, in place and in order, those the policy
 * allows; they return how many remain. */
#ifndef SNET_POLICY_H
#define SNET_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "snet/pathset.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Sequences (Go: pathpol.Sequence) ---- */

typedef struct snet_sequence snet_sequence;

/* Compiles a sequence such as "1-ff00:0:111#41 0* 1-ff00:0:112" (Go's grammar,
 * antlr/Sequence.g4, with its precedence: postfix ?, +, * bind tightest, then |, then
 * concatenation). "" is the sequence that allows every path. Returns 0, -ENOMEM, or
 * SNET_E_BAD_FIELD with err naming the column and token. */
SNET_EXTERN int snet_sequence_new(const char *text, snet_sequence **out, char *err,
				  size_t errlen);
SNET_EXTERN void snet_sequence_free(snet_sequence *s);
/* Go: Sequence.Eval for one path: its pathpol.GetSequence string matched against the whole
 * sequence. A path with an odd number of interfaces never matches. */
SNET_EXTERN bool snet_sequence_match(const snet_sequence *s, const snet_path *p);
SNET_EXTERN size_t snet_sequence_filter(const snet_sequence *s, const snet_path **paths,
					size_t n);

/* ---- Hop predicates and ACLs (Go: pathpol.HopPredicate, pathpol.ACL) ---- */

/* "ISD[-AS[#IF[,IF]]]": 0 is a wildcard; with two interfaces the first is the ingress. */
typedef struct snet_hop_pred {
	uint16_t isd;
	uint64_t as;
	uint8_t n_ifs; /* 1 or 2 */
	uint64_t ifs[2];
} snet_hop_pred;

/* Go: HopPredicateFromString. 0 or SNET_E_BAD_FIELD (err says why). */
SNET_EXTERN int snet_hop_pred_parse(const char *text, snet_hop_pred *hp, char *err,
				    size_t errlen);

typedef struct snet_acl_entry {
	bool allow;
	bool any;          /* no rule ("+" or "-" alone): matches every interface */
	snet_hop_pred rule;
} snet_acl_entry;

/* ---- Policies (Go: pathpol.Policy / ExtPolicy, as encoding/json reads them) ---- */

typedef struct snet_policy snet_policy;

/* Parses a policy: a JSON object with Go's keys (matched case-insensitively, as encoding/json
 * does; others ignored): "acl", "sequence", "local_isd_ases", "remote_isd_ases", "options"
 * ([{"weight", "policy"}]) and "extends"; and ours, which Go ignores:
 *   "snet_min_mtu", "snet_max_latency_ms", "snet_min_bandwidth_kbps" (filters; an unknown
 *   latency or bandwidth fails them), "snet_order": "hops" | "latency" | "bandwidth" | "mtu" |
 *   "expiry" (fewest hops, lowest known latency, highest bottleneck bandwidth, highest MTU,
 *   latest expiry; ties keep the filtered order).
 * With name non-NULL, json is a map of named policies (Go: PolicyMap) and the named one is
 * taken; "extends" names are looked up in that map (later names take precedence, as in Go).
 * Circular extends, which make Go recurse forever, are an error here. Returns 0, -ENOMEM,
 * SNET_E_BAD_JSON or SNET_E_BAD_FIELD with err naming the key. */
SNET_EXTERN int snet_policy_parse(const char *json, size_t len, const char *name,
				  snet_policy **out, char *err, size_t errlen);
SNET_EXTERN void snet_policy_free(snet_policy *p);
/* Go: Policy.Filter (local ISD-ASes, remote ISD-ASes, ACL, sequence, options, in that order),
 * then our filters and ordering. */
SNET_EXTERN size_t snet_policy_filter(const snet_policy *p, const snet_path **paths, size_t n);

#ifdef __cplusplus
}
#endif
#endif
