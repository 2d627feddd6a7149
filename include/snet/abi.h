/* SPDX-License-Identifier: Apache-2.0 */
/* How libsnet keeps its ABI while its handles stay in memory the caller owns (as libuv's do).
 *
 * - A handle or request (snet_conn_t, snet_send_t, ...) shows its public members and an opaque
 *   private area of fixed size, SNET_PRIVATE(bytes). The library's own headers define what the
 *   area holds; callers never see it, and the library can change it without breaking them as
 *   long as it fits. A handle whose internals are large or grow with use (snet_network_t) keeps
 *   a pointer to memory it allocates instead.
 * - Option structs start with a size member set by their *_opts_default() macro from the
 *   caller's sizeof; the library reads only what that size covers and defaults the rest, so new
 *   members can be appended. Statistics are copied out the same way (the getters are macros
 *   that pass sizeof).
 * - Versions: SNET_VERSION_MAJOR.MINOR.PATCH. The shared library is libsnet.so.MAJOR (SONAME).
 *   While MAJOR is 0, a MINOR release may break the ABI and then bumps the SONAME to
 *   libsnet.so.0.MINOR; PATCH releases never do. From 1.0 on, an ABI break bumps MAJOR.
 *   Appending to option and statistics structs, and adding functions, is not a break. */
#ifndef SNET_ABI_H
#define SNET_ABI_H

#include <stdint.h>

#include "snet/version.h"

/* Private storage of n bytes (a multiple of 8), aligned for any member the library puts there. */
#define SNET_PRIVATE(n)                                                                            \
	union {                                                                                    \
		uint8_t u8[n];                                                                     \
		uint64_t align_;                                                                   \
		void *ptr_;                                                                        \
		long double ld_;                                                                   \
	} priv_

#endif
