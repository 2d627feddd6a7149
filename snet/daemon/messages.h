/* SPDX-License-Identifier: Apache-2.0 */
/* DaemonService requests and replies as protobuf bytes (protobuf-c, code generated from
 * proto/daemon.proto), and their conversion into the library's types exactly as Go's
 * pkg/daemon/grpc.go converts them. Pure: no I/O. Internal. */
#ifndef SNET_DAEMON_MESSAGES_H
#define SNET_DAEMON_MESSAGES_H

#include <stddef.h>
#include <stdint.h>

#include "snet/daemon.h"

/* The largest request message we send (a NotifyInterfaceDown or Paths request). */
#define SNET__DAEMON_REQ_MAX 32

/* "/proto.daemon.v1.DaemonService/Paths" and so on; NULL for TOPOLOGY (several calls). */
const char *snet__daemon_rpc_path(snet_daemon_req_type t);

/* Each returns the length written to out (cap >= SNET__DAEMON_REQ_MAX). */
size_t snet__daemon_encode_paths(uint64_t src, uint64_t dst, unsigned flags, uint8_t *out);
size_t snet__daemon_encode_ia(uint64_t ia, uint8_t *out); /* ASRequest */
size_t snet__daemon_encode_if_down(uint64_t ia, uint64_t id, uint8_t *out);

/* Decoders: 0, or SNET_E_BAD_REPLY with why (cap bytes) naming what did not decode. */
int snet__daemon_decode_paths(const uint8_t *m, size_t len, uint64_t dst, snet_path_set **out,
			      char *why, size_t cap);
int snet__daemon_decode_as(const uint8_t *m, size_t len, snet_daemon_as_info *out, char *why,
			   size_t cap);
int snet__daemon_decode_port_range(const uint8_t *m, size_t len, uint16_t *start, uint16_t *end,
				   char *why, size_t cap);
/* *ifs is allocated (free() it); in wire order, a repeated ID keeping its last address. */
int snet__daemon_decode_ifs(const uint8_t *m, size_t len, snet_daemon_if **ifs, size_t *n,
			    char *why, size_t cap);
/* The services live in *arena (snet_path_set_free it). */
int snet__daemon_decode_services(const uint8_t *m, size_t len, snet_path_set **arena,
				 const snet_daemon_service **svcs, size_t *n, char *why,
				 size_t cap);
/* An empty reply (NotifyInterfaceDownResponse): any valid message. */
int snet__daemon_decode_empty(const uint8_t *m, size_t len, char *why, size_t cap);

#endif
