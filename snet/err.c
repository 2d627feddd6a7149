/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>

#include "snet/err.h"

/* libuv's codes that are not -errno on Linux, with libuv's names and texts (uv.h's
 * UV_ERRNO_MAP), so that a status from a libuv callback passed through us prints as libuv
 * prints it. Copied rather than included: this file sits below the libuv layer. The unit test
 * checks every entry against uv_err_name/uv_strerror. */
#define SNET_UV_ONLY_MAP(XX)                                                                       \
	XX(EOF, -4095, "end of file")                                                             \
	XX(UNKNOWN, -4094, "unknown error")                                                       \
	XX(ECHARSET, -4080, "invalid Unicode character")                                          \
	XX(EFTYPE, -4028, "inappropriate file type or format")                                    \
	XX(EAI_ADDRFAMILY, -3000, "address family not supported")                                 \
	XX(EAI_AGAIN, -3001, "temporary failure")                                                 \
	XX(EAI_BADFLAGS, -3002, "bad ai_flags value")                                             \
	XX(EAI_CANCELED, -3003, "request canceled")                                               \
	XX(EAI_FAIL, -3004, "permanent failure")                                                  \
	XX(EAI_FAMILY, -3005, "ai_family not supported")                                          \
	XX(EAI_MEMORY, -3006, "out of memory")                                                    \
	XX(EAI_NODATA, -3007, "no address")                                                       \
	XX(EAI_NONAME, -3008, "unknown node or service")                                          \
	XX(EAI_OVERFLOW, -3009, "argument buffer overflow")                                       \
	XX(EAI_SERVICE, -3010, "service not available for socket type")                           \
	XX(EAI_SOCKTYPE, -3011, "socket type not supported")                                      \
	XX(EAI_BADHINTS, -3013, "invalid value for hints")                                        \
	XX(EAI_PROTOCOL, -3014, "resolved protocol is unknown")

/* -errno as the kernel numbers them (libuv's UV_E* equal these on Linux). */
static int is_errno(int err)
{
	return err < 0 && err > -3000;
}

const char *snet_strerror(int err)
{
	switch (err) {
#define XX(name, val, msg)                                                                         \
	case SNET_E_##name:                                                                        \
		return msg;
		SNET_ERR_MAP(XX)
#undef XX
#define XX(name, val, msg)                                                                         \
	case val:                                                                                  \
		return msg;
		SNET_UV_ONLY_MAP(XX)
#undef XX
	case 0:
		return "success";
	}
	if (is_errno(err))
		return strerror(-err);
	return "unknown error";
}

const char *snet_err_name(int err)
{
	switch (err) {
#define XX(name, val, msg)                                                                         \
	case SNET_E_##name:                                                                        \
		return "SNET_E_" #name;
		SNET_ERR_MAP(XX)
#undef XX
#define XX(name, val, msg)                                                                         \
	case val:                                                                                  \
		return #name;
		SNET_UV_ONLY_MAP(XX)
#undef XX
	case 0:
		return "OK";
	}
	if (is_errno(err)) {
		const char *n = strerrorname_np(-err);
		if (n)
			return n;
	}
	return "SNET_E_UNKNOWN";
}
