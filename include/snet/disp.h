/* SPDX-License-Identifier: Apache-2.0 */
/* The framing and registration protocol of Go's pre-v0.12 dispatcher socket
 * (v0.11.0: pkg/sock/reliable/{frame,registration,packetizer}.go). Pure: no I/O. */
#ifndef SNET_DISP_H
#define SNET_DISP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "snet/err.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SNET_DISP_COOKIE 0xde00ad01be02ef03ull
#define SNET_DISP_HDR_MIN 13           /* cookie, address type, length */
#define SNET_DISP_MAX_PAYLOAD 65536    /* larger lengths are malformed */
#define SNET_DISP_DEFAULT_SOCKET "/run/shm/dispatcher/default.sock"

enum { SNET_DISP_ADDR_NONE = 0, SNET_DISP_ADDR_IP4 = 1, SNET_DISP_ADDR_IP6 = 2,
       SNET_DISP_ADDR_SVC = 3 };

#define SNET_DISP_CMD_ALWAYS 0x01
#define SNET_DISP_CMD_SCMP 0x02
#define SNET_DISP_CMD_BIND 0x04

/* One frame: an optional underlay address (next hop going out, last hop coming in) and a
 * payload (a whole SCION packet, a registration or a confirmation). */
typedef struct snet_disp_frame {
	struct sockaddr_storage addr; /* AF_UNSPEC for ADDR_NONE */
	const uint8_t *payload;       /* points into the parsed buffer */
	size_t len;
} snet_disp_frame;

/* Parses one frame from the start of a stream buffer. Returns the frame's total length, 0
 * when more bytes are needed, or SNET_E_BAD_COOKIE, SNET_E_BAD_ADDR_TYPE, SNET_E_BAD_FIELD
 * (length over SNET_DISP_MAX_PAYLOAD): the stream cannot continue. */
SNET_EXTERN int snet_disp_frame_parse(const uint8_t *buf, size_t len, snet_disp_frame *f);
/* The stream reader for both ends (libmnl's mnl_cb_run shape): hands every whole frame at the
 * start of buf to cb, in order, until cb returns non-zero. Returns the bytes consumed (a
 * partial frame at the end stays for the next call, with more bytes), or a parse error: the
 * stream is broken and cannot continue. */
typedef int (*snet_disp_frame_cb)(const snet_disp_frame *f, void *arg);
SNET_EXTERN int snet_disp_frames_run(const uint8_t *buf, size_t len, snet_disp_frame_cb cb,
				     void *arg);
/* Writes the frame header (cookie .. port) for a payload of len bytes; the payload follows it.
 * Returns the header length or SNET_E_NOBUF. */
SNET_EXTERN int snet_disp_frame_header(const struct sockaddr *addr, size_t len, uint8_t *buf,
				       size_t cap);

typedef struct snet_disp_reg {
	uint8_t command;
	uint8_t l4;   /* 17 */
	uint64_t ia;
	struct sockaddr_storage public_addr;
	struct sockaddr_storage bind_addr; /* AF_UNSPEC unless SNET_DISP_CMD_BIND */
	uint16_t svc;                      /* SNET_SVC_NONE when absent */
} snet_disp_reg;

/* Registration payloads. parse: 0, SNET_E_TRUNCATED, SNET_E_BAD_ADDR_TYPE, SNET_E_BAD_FIELD
 * (trailing bytes other than an SVC). emit: the length or SNET_E_NOBUF. */
SNET_EXTERN int snet_disp_reg_parse(const uint8_t *buf, size_t len, snet_disp_reg *r);
SNET_EXTERN int snet_disp_reg_emit(const snet_disp_reg *r, uint8_t *buf, size_t cap);

#ifdef __cplusplus
}
#endif
#endif
