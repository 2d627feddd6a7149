/* SPDX-License-Identifier: Apache-2.0 */
#ifndef SNET_ERR_H
#define SNET_ERR_H

#include "snet/version.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One table for every libsnet error. Values start at -9000 so that they never collide with
 * -errno (OS failures are returned as -errno, equal to libuv's UV_E* on Linux) nor with
 * libuv's own codes (-3000..-3014, -4000..-4095). */
#define SNET_ERR_MAP(XX)                                                                          \
	XX(TRUNCATED, -9001, "buffer ends before the header does")                                \
	XX(BAD_VERSION, -9002, "SCION version is not 0")                                          \
	XX(HDR_LEN_TOO_SMALL, -9003, "HdrLen smaller than the headers it holds")                  \
	XX(HDR_LEN_TOO_LARGE, -9004, "HdrLen larger than the buffer")                             \
	XX(BAD_PAYLOAD_LEN, -9005, "PayloadLen differs from the bytes after the SCION header")    \
	XX(BAD_ADDR_TYPE, -9006, "unknown address type/length combination")                       \
	XX(BAD_PATH_TYPE, -9007, "unknown path type")                                             \
	XX(BAD_PATH_LEN, -9008, "path length does not match the header")                          \
	XX(SEG_LEN_GAP, -9009, "a zero SegLen is followed by a non-zero one")                     \
	XX(TOO_MANY_HOPS, -9010, "more than 64 hop fields")                                       \
	XX(BAD_CURR_INF, -9011, "CurrINF out of range")                                           \
	XX(BAD_CURR_HF, -9012, "CurrHF out of range")                                             \
	XX(CURR_INF_MISMATCH, -9013, "CurrINF does not hold CurrHF")                              \
	XX(PATH_AT_END, -9014, "path already at its last hop")                                    \
	XX(EMPTY_PATH, -9015, "path has no hop fields")                                           \
	XX(EXT_ORDER, -9016, "extension header repeated or out of order")                         \
	XX(BAD_EXT_LEN, -9017, "extension header longer than the payload")                        \
	XX(BAD_OPT_LEN, -9018, "option runs past the end of its extension header")                \
	XX(BAD_UDP_LEN, -9019, "UDP length differs from the bytes it covers")                     \
	XX(HDR_TOO_LONG, -9020, "SCION header longer than 1020 bytes")                            \
	XX(NOBUF, -9021, "output buffer too small")                                               \
	XX(BAD_OPT_ALIGN, -9022, "option alignment is not of the form xn+y with y < x")           \
	XX(INCOMPLETE_PATH, -9023, "one-hop path lacks its second hop")                           \
	XX(NOT_REPLYABLE, -9024, "packet has no reply (an SCMP error, or no L4 to answer)")       \
	XX(BAD_IA, -9025, "malformed ISD-AS")                                                     \
	XX(BAD_ISD, -9026, "ISD out of range")                                                    \
	XX(BAD_AS, -9027, "AS out of range or malformed")                                         \
	XX(BAD_HOST, -9028, "malformed host address")                                             \
	XX(BAD_PORT, -9029, "malformed or out-of-range port")                                     \
	XX(BAD_ADDR, -9030, "malformed SCION address")                                            \
	XX(BAD_SVC, -9031, "unknown SVC name")                                                    \
	XX(BAD_FIELD, -9032, "field value out of range")                                          \
	XX(BAD_SPAO, -9033, "SPAO option data too short")                                         \
	XX(HDR_NOT_ALIGNED, -9034, "header length is not a multiple of 4")                       \
	XX(BAD_JSON, -9035, "malformed JSON or a field of the wrong kind")                        \
	XX(BAD_HEX, -9036, "malformed hex text")                                                  \
	XX(NOT_BOUND, -9037, "connection is not bound")                                           \
	XX(NO_PATH, -9038, "destination in another AS needs a path and a next hop")               \
	XX(NO_REMOTE, -9039, "no destination given and the connection has no remote")            \
	XX(TOO_MANY_BUFS, -9040, "more than 4 buffers in one send")                               \
	XX(BIND_CONFLICT, -9041, "prefix overlaps one already bound on this port")                \
	XX(NO_PORT, -9042, "no free port in the dispatched range")                                \
	XX(MSG_TOO_LONG, -9043, "datagram longer than the SCION/UDP length field allows")          \
	XX(BAD_COOKIE, -9044, "dispatcher frame without the expected cookie")                     \
	XX(DISPATCHER, -9045, "the dispatcher refused the registration, or went away")                \
	XX(BAD_QUOTE, -9046, "SCMP error quotes no packet a port can be read from")             \
	XX(UNSUPPORTED_SCMP, -9047, "SCMP type without a delivery rule")                          \
	XX(SVC_REPLY, -9048, "no reply to a UDP packet to or from an SVC address")                \
	XX(BAD_BASE64, -9049, "malformed base64 (or an empty key)")                               \
	XX(GRPC, -9050, "the daemon answered with a gRPC error status")                           \
	XX(BAD_REPLY, -9051, "the daemon's reply is not valid HTTP/2, gRPC or protobuf")         \
	XX(REPLY_TOO_LARGE, -9052, "the daemon's reply is larger than the limit")                 \
	XX(NOT_HTTP2, -9053, "the daemon's address does not speak HTTP/2 (gRPC)")                 \
	XX(DAEMON_GONE, -9054, "the connection to the daemon closed before the reply")

typedef enum {
#define SNET_ERR_ENUM_(name, val, msg) SNET_E_##name = (val),
	SNET_ERR_MAP(SNET_ERR_ENUM_)
#undef SNET_ERR_ENUM_
} snet_err;

/* Text for an error: ours for SNET_E_*, strerror(-err) for -errno, libuv's text for libuv's
 * own codes (UV_EOF, UV_EAI_*, ...), "success" for 0. Never NULL; the string is static. */
SNET_EXTERN const char *snet_strerror(int err);

/* The name of an error ("SNET_E_TRUNCATED", "EINVAL", libuv's "EOF"/"EAI_AGAIN"), for logs and
 * snet-pkt; "OK" for 0. Static, never NULL; unknown values give "SNET_E_UNKNOWN". */
SNET_EXTERN const char *snet_err_name(int err);

#ifdef __cplusplus
}
#endif
#endif
