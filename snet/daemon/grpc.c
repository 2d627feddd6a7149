/* SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <string.h>

#include "grpc.h"
#include "snet/addr.h"
#include "snet/daemon.h"
#include "snet/err.h"

void snet__grpc_prefix(uint8_t out[SNET__GRPC_PREFIX], uint32_t len)
{
	out[0] = 0;
	out[1] = (uint8_t)(len >> 24);
	out[2] = (uint8_t)(len >> 16);
	out[3] = (uint8_t)(len >> 8);
	out[4] = (uint8_t)len;
}

int snet__grpc_deframe(const uint8_t *body, size_t len, const uint8_t **msg, size_t *mlen,
		       const char **why)
{
	if (len == 0) {
		*why = "reply holds no message";
		return SNET_E_BAD_REPLY;
	}
	if (len < SNET__GRPC_PREFIX) {
		*why = "reply ends inside the message prefix";
		return SNET_E_BAD_REPLY;
	}
	if (body[0] != 0) {
		/* We offer no grpc-accept-encoding, so a compressed message is a server error. */
		*why = body[0] == 1 ? "reply is compressed, which was not offered"
				    : "reply's message prefix has an unknown flag";
		return SNET_E_BAD_REPLY;
	}
	size_t n = (size_t)body[1] << 24 | (size_t)body[2] << 16 | (size_t)body[3] << 8 | body[4];
	if (n > len - SNET__GRPC_PREFIX) {
		*why = "reply ends inside its message";
		return SNET_E_BAD_REPLY;
	}
	if (n < len - SNET__GRPC_PREFIX) {
		*why = "reply holds more than one message";
		return SNET_E_BAD_REPLY;
	}
	*msg = body + SNET__GRPC_PREFIX;
	*mlen = n;
	return 0;
}

int snet__grpc_status_parse(const uint8_t *v, size_t len)
{
	if (len == 0 || len > 10)
		return -1;
	long long x = 0;
	for (size_t i = 0; i < len; i++) {
		if (v[i] < '0' || v[i] > '9')
			return -1;
		x = x * 10 + (v[i] - '0');
	}
	return x > 0x7fffffff ? -1 : (int)x;
}

void snet__grpc_message_decode(const uint8_t *v, size_t len, char *out, size_t cap)
{
	size_t o = 0;
	if (cap == 0)
		return;
	for (size_t i = 0; i < len && o + 1 < cap; i++) {
		uint8_t c = v[i];
		if (c == '%' && i + 2 < len &&
		    snet_hex_decode((const char *)v + i + 1, 2, &c, 1, NULL) == 1)
			i += 2;
		else
			c = v[i];
		/* A NUL would end the C string early: show it as a space. */
		out[o++] = c ? (char)c : ' ';
	}
	out[o] = '\0';
}

void snet__grpc_timeout_format(uint32_t ms, char out[16])
{
	if (ms <= 99999999)
		snprintf(out, 16, "%um", ms);
	else
		snprintf(out, 16, "%uS", ms / 1000);
}

const char *snet_grpc_code_name(int code, char *buf, size_t cap)
{
	static const char *const names[] = {
		"OK",	     "Canceled",	   "Unknown",	      "InvalidArgument",
		"DeadlineExceeded", "NotFound",	   "AlreadyExists",   "PermissionDenied",
		"ResourceExhausted", "FailedPrecondition", "Aborted",	      "OutOfRange",
		"Unimplemented", "Internal",	   "Unavailable",     "DataLoss",
		"Unauthenticated",
	};
	if (code >= 0 && code < (int)(sizeof(names) / sizeof(names[0])))
		snprintf(buf, cap, "%s", names[code]);
	else
		snprintf(buf, cap, "Code(%d)", code);
	return buf;
}
