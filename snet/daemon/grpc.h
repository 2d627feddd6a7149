/* SPDX-License-Identifier: Apache-2.0 */
/* gRPC over HTTP/2, the parts that are plain bytes: message framing, status and message
 * trailers, timeouts (github.com/grpc/grpc/blob/master/doc/PROTOCOL-HTTP2.md). Pure. */
#ifndef SNET_DAEMON_GRPC_H
#define SNET_DAEMON_GRPC_H

#include <stddef.h>
#include <stdint.h>

/* Length-Prefixed-Message: compressed flag, 4-byte big-endian length. */
#define SNET__GRPC_PREFIX 5

/* Writes the prefix for a message of len bytes. */
void snet__grpc_prefix(uint8_t out[SNET__GRPC_PREFIX], uint32_t len);
/* The one uncompressed message a unary reply must hold. SNET_E_BAD_REPLY otherwise, with why
 * (a static string). */
int snet__grpc_deframe(const uint8_t *body, size_t len, const uint8_t **msg, size_t *mlen,
		       const char **why);
/* grpc-status: a decimal 0..2^31-1 (grpc-go: strconv.ParseInt(v, 10, 32)). -1 if malformed. */
int snet__grpc_status_parse(const uint8_t *v, size_t len);
/* grpc-message is percent-encoded; decodes into out (NUL-terminated, cut at cap - 1). Bad
 * escapes are kept as they are, as grpc-go does. */
void snet__grpc_message_decode(const uint8_t *v, size_t len, char *out, size_t cap);
/* grpc-timeout: at most 8 digits and a unit. */
void snet__grpc_timeout_format(uint32_t ms, char out[16]);

#endif
