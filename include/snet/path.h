/* SPDX-License-Identifier: Apache-2.0 */
/* Path operations above the codec: reversal for replies (Go: Decoded.Reverse,
 * onehop.Path.Reverse, epic.Path.Reverse, snet.DefaultReplyPather) and reply packets. */
#ifndef SNET_PATH_H
#define SNET_PATH_H

#include "snet/wire.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Reverses a decoded SCION path in place (Go: scion.Decoded.Reverse): swaps the first and
 * last info fields and SegLens, flips every ConsDir, reverses the hop fields and mirrors
 * CurrINF/CurrHF. SegIDs stay. Reserved bits are cleared, as Go's re-serialization does.
 * SNET_E_EMPTY_PATH for a path without info fields. */
SNET_EXTERN int snet_scion_path_reverse(snet_scion_path *p);

/* The 1-segment SCION path a one-hop path stands for (Go: onehop.Path.ToSCIONDecoded).
 * SNET_E_INCOMPLETE_PATH when the second hop was never filled in (ConsIngress 0). */
SNET_EXTERN int snet_onehop_to_scion(const snet_onehop_path *o, snet_scion_path *p);

/* Reverses raw path bytes of any type into out: SCION reversed; OneHop converted, advanced
 * and reversed; EPIC reduced to its SCION path and reversed; Empty stays empty. *out_type
 * gets the resulting path type (SCION or Empty). in and out may be the same buffer. Returns
 * the length written or a path error, SNET_E_NOBUF. */
SNET_EXTERN int snet_path_reverse(uint8_t type, const uint8_t *in, size_t len, uint8_t *out,
				  size_t cap, uint8_t *out_type);

/* Builds in *out the reply to in, as Go would send it: IAs and hosts swapped, path reversed
 * into pathbuf (at least in->hdr.path_len bytes), no extensions. UDP: ports swapped, payload
 * kept, TC 0 and FlowID 1 (snet.Conn.WriteTo). SCMP echo and traceroute requests become
 * replies with TC and FlowID kept (Go's shim dispatcher). out's payload points into in's
 * buffer. Hosts are packed as Go's PackAddr does (IPv4-mapped IPv6 unmapped, SVC bytes 2-3
 * zero). Emit it with SNET_EMIT_FIX. SNET_E_NOT_REPLYABLE for SCMP errors, other SCMP and
 * other L4; SNET_E_SVC_REPLY for UDP to or from an SVC address. */
SNET_EXTERN int snet_pkt_reply(const snet_pkt *in, snet_pkt *out, uint8_t *pathbuf, size_t cap);

/* The underlay port a router delivers p to on the end host, which the shim dispatcher's
 * relay also follows (Go v0.15: router/dataplane.go dstScionPort and getDstPortSCMP,
 * dispatcher/dispatcher.go getDstSCMP): UDP and TCP by destination port; SCMP echo and
 * traceroute requests and any other L4 to 30041; echo and traceroute replies by Identifier;
 * SCMP errors by the quoted packet's UDP source port (0 counts as truncated) or the Identifier
 * of a quoted echo/traceroute request. SVC destinations go to a service instead: not here.
 * Returns the port, or SNET_E_BAD_QUOTE, SNET_E_UNSUPPORTED_SCMP, or SNET_E_TRUNCATED (a TCP
 * header under 20 bytes). *by_id (may be NULL) tells whether it is an SCMP Identifier (which Go
 * v0.11's dispatcher routed by the identifiers applications used, not by port). */
SNET_EXTERN int snet_pkt_endhost_port(const snet_pkt *p, bool *by_id);

/* Go: pathprobe's setAlertFlag: the SCION path raw with the router alert set on its last hop
 * field (ingress when the last segment runs in construction direction, else egress), so that
 * an SCMP traceroute request over it is answered by the router at the ingress of the
 * destination AS. out may be raw. Returns the length written or a path error, SNET_E_NOBUF. */
SNET_EXTERN int snet_path_alert_last(const uint8_t *raw, size_t len, uint8_t *out, size_t cap);

#ifdef __cplusplus
}
#endif
#endif
