/* SPDX-License-Identifier: Apache-2.0 */
/* The selector's state machine, without I/O or clocks: candidates in policy order, what made
 * each unusable (an interface reported down, probes unanswered, expiry), and which one is
 * active. Time is passed in (ms); the libuv handle (selector.c) feeds it. Internal. */
#ifndef SNET_SELECT_CORE_H
#define SNET_SELECT_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "snet/policy.h"
#include "snet/select.h"

#define SEL_MAX_DOWN 64 /* interfaces remembered as down at once (the oldest is forgotten) */

struct sel_path {
	const snet_path *p;
	uint8_t fp[SNET_PATH_FINGERPRINT_LEN];
	bool has_fp;
	int64_t rtt_ns;          /* smoothed; -1 before the first answer */
	uint64_t probe_sent_ms;  /* the probe in flight, when probe_out */
	bool probe_out;
	uint16_t probe_seq;
	uint32_t misses;         /* probes in a row without an answer */
};

struct sel_down {
	uint64_t ia, ifid;
	uint64_t until_ms;
};

struct sel_core {
	const snet_policy *policy;
	uint64_t src, dst;       /* candidates are paths from src to dst (0: any, for tests) */
	snet_path_set *set;      /* owned: what the candidates point into */
	struct sel_path *v;      /* candidates, preferred first */
	size_t n;
	size_t active;           /* index into v, or SIZE_MAX when none is usable */
	bool lost;               /* a refresh dropped the active path: the next choice switches */
	uint32_t probe_misses;   /* 0: probing off */
	uint32_t hold_down_ms;
	uint32_t expiry_margin_ms;
	struct sel_down down[SEL_MAX_DOWN];
	size_t n_down;
	snet_selector_stats stats;
	snet_switch_reason last_reason;
};

void sel_init(struct sel_core *c, const snet_policy *policy, uint32_t probe_misses,
	      uint32_t hold_down_ms, uint32_t expiry_margin_ms);
void sel_free(struct sel_core *c);
/* Takes set over (freeing the previous one): filtered by the policy, probe state kept for the
 * paths that are still there (by fingerprint). Returns -ENOMEM or 0; then sel_choose. */
int sel_set_paths(struct sel_core *c, snet_path_set *set, uint64_t now_ms);
/* Picks the first usable candidate; returns true when the active path changed (why is
 * recorded as the reason, unless it is a return to a better path: RECOVERED). */
bool sel_choose(struct sel_core *c, uint64_t now_ms, snet_switch_reason why);
const snet_path *sel_active(const struct sel_core *c);
/* An interface reported down: remembered for hold_down_ms. */
void sel_if_down(struct sel_core *c, uint64_t ia, uint64_t ifid, uint64_t now_ms);
/* Probe bookkeeping: a probe on candidate i sent with seq, an answer for seq. */
void sel_probe_sent(struct sel_core *c, size_t i, uint16_t seq, uint64_t now_ms);
bool sel_probe_answer(struct sel_core *c, uint16_t seq, uint64_t now_ms);
/* Probes outstanding longer than timeout_ms count as missed. */
void sel_probe_timeouts(struct sel_core *c, uint64_t timeout_ms, uint64_t now_ms);
/* Whether candidate i may carry traffic now. */
bool sel_usable(const struct sel_core *c, size_t i, uint64_t now_ms);
/* The candidate whose hop fields equal those of raw path bytes (a quoted packet's path,
 * whatever its CurrINF/CurrHF and SegIDs), or SIZE_MAX. */
size_t sel_find_path(const struct sel_core *c, const uint8_t *raw, size_t len);
/* True when candidate i crosses interface ifid of ia. */
bool sel_crosses(const struct sel_core *c, size_t i, uint64_t ia, uint64_t ifid);

#endif
