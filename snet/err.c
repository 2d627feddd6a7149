/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>

#include "snet/err.h"

const char *snet_strerror(int err)
{
	switch (err) {
#define XX(name, val, msg)                                                                         \
	case SNET_E_##name:                                                                        \
		return msg;
		SNET_ERR_MAP(XX)
#undef XX
	}
	if (err < 0 && err > -4096)
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
	}
	if (err < 0 && err > -4096) {
		const char *n = strerrorname_np(-err);
		if (n)
			return n;
	}
	return "SNET_E_UNKNOWN";
}
