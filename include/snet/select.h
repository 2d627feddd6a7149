/* SPDX-License-Identifier: Apache-2.0 */
/* A path selector for one destination AS, on the libuv loop (what PAN's selectors, or Go's
 * snet with a path querier, give an application): candidates from the SCION daemon (or a set
 * the application hands in), filtered and ordered by a policy (snet/policy.h); refreshed
 * periodically and before the active path expires (an expired path is never used); switched
 * away from when an SCMP External Interface Down / Internal Connectivity Down names an
 * interface on it (only when that SCMP quotes a packet we sent on one of our candidates: an
 * off-path sender cannot move traffic with a forged one), the daemon being told
 * (NotifyInterfaceDown, as Go's SCMP handler does); and, with probing on, when probes stop
 * being answered (a silent blackhole). Probes are Go's path probes: an SCMP traceroute request
 * with the router alert on the last hop, answered by the destination AS's ingress router.
 * When the preferred path is usable again, traffic returns to it. */
#ifndef SNET_SELECT_H
#define SNET_SELECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "snet/conn.h"
#include "snet/daemon.h"
#include "snet/pathset.h"
#include "snet/policy.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct snet_selector_s snet_selector_t;

typedef enum {
	SNET_SWITCH_FIRST,     /* the first path chosen */
	SNET_SWITCH_SCMP,      /* an interface on the active path reported down */
	SNET_SWITCH_PROBE,     /* the active path stopped answering probes */
	SNET_SWITCH_EXPIRY,    /* the active path is about to expire */
	SNET_SWITCH_REFRESH,   /* a refresh no longer offers the active path */
	SNET_SWITCH_RECOVERED, /* a preferred path is usable again */
	SNET_SWITCH_NONE_LEFT, /* no candidate is usable: sends fail with SNET_E_NO_PATH */
} snet_switch_reason;

SNET_EXTERN const char *snet_switch_reason_name(snet_switch_reason r);

/* Called after every change of the active path; now is NULL when none is left. */
typedef void (*snet_selector_switch_cb)(snet_selector_t *s, const snet_path *now,
					snet_switch_reason why);

typedef struct snet_selector_opts {
	size_t size;                  /* set by snet_selector_opts_default */
	const snet_policy *policy;    /* NULL: every path, in the daemon's order; kept by pointer */
	uint32_t refresh_ms;          /* periodic refresh from the daemon; default 30000 */
	uint32_t expiry_margin_ms;    /* a path this close to expiry is not used; default 10000 */
	uint32_t probe_interval_ms;   /* 0 (default): no probing */
	uint32_t probe_misses;        /* unanswered probes in a row that make a path down; 3 */
	uint32_t hold_down_ms;        /* how long an interface reported down stays down; 10000 */
	bool no_notify;               /* do not tell the daemon of interfaces reported down */
	snet_selector_switch_cb switch_cb;
} snet_selector_opts;

SNET_EXTERN void snet_selector_opts_init(snet_selector_opts *o, size_t size);
#define snet_selector_opts_default(o) snet_selector_opts_init((o), sizeof(*(o)))

typedef struct snet_selector_stats {
	uint64_t switches;                   /* changes of the active path */
	uint64_t switch_scmp, switch_probe, switch_expiry, switch_refresh, switch_recovered;
	uint64_t refreshes, refresh_errors;
	uint64_t scmp_accepted, scmp_rejected; /* interface-down messages */
	uint64_t probes_sent, probes_answered;
} snet_selector_stats;

struct snet_selector_s {
	void *data;                  /* yours */
	struct snet__selector *priv_;
};

/* Selects paths to dst for sends on conn (bound), probing over conn. daemon (may be NULL:
 * then give candidates with snet_selector_set_paths) must outlive the selector. The first
 * paths are asked for at once; snet_selector_path is NULL until they come. Returns 0,
 * -ENOMEM, UV_EINVAL (opts without a size). */
SNET_EXTERN int snet_selector_init(snet_selector_t *s, snet_conn_t *conn, snet_daemon_t *daemon,
				   uint64_t dst, const snet_selector_opts *opts);
/* Candidates from elsewhere (a path database): the selector takes set over. */
SNET_EXTERN int snet_selector_set_paths(snet_selector_t *s, snet_path_set *set);
/* The path to send on now, or NULL. Valid until the next callback from the loop. */
SNET_EXTERN const snet_path *snet_selector_path(const snet_selector_t *s);
/* Sends bufs to host:port in the destination AS on the active path (snet_conn_send's rules);
 * a send still queued when the active path changes leaves on the new one
 * (snet_conn_send_via). SNET_E_NO_PATH when no path is usable. */
SNET_EXTERN int snet_selector_send(snet_selector_t *s, snet_send_t *req, const uv_buf_t bufs[],
				   unsigned nbufs, const snet_host *host, uint16_t port,
				   snet_send_cb cb);
/* Give every SCMP message the conn receives to this first (from the conn's SCMP callback):
 * returns true when the selector used it (a probe answer, or an interface-down message for
 * one of its paths, verified), false when it is not the selector's. */
SNET_EXTERN bool snet_selector_scmp(snet_selector_t *s, const snet_scmp_msg *m);
/* RTT of the active path's last probes (ns, -1 unknown). */
SNET_EXTERN int64_t snet_selector_rtt(const snet_selector_t *s);
SNET_EXTERN void snet_selector_get_stats_(const snet_selector_t *s, snet_selector_stats *st,
					  size_t size);
#define snet_selector_get_stats(s, st) snet_selector_get_stats_((s), (st), sizeof(*(st)))
/* Stops timers and requests; cb (may be NULL) when the memory may be freed. */
SNET_EXTERN void snet_selector_close(snet_selector_t *s, void (*cb)(snet_selector_t *s));

#ifdef __cplusplus
}
#endif
#endif
