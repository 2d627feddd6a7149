/* SPDX-License-Identifier: Apache-2.0 */
/* Each fuzz target is a plain function, so that the unit tests can replay the corpus and the
 * kept crashers through the same code; SNET_LIBFUZZER adds libFuzzer's entry point. */
#ifndef SNET_FUZZ_H
#define SNET_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int snet_fuzz_decode(const uint8_t *data, size_t size);
int snet_fuzz_roundtrip(const uint8_t *data, size_t size);
int snet_fuzz_addr(const uint8_t *data, size_t size);
int snet_fuzz_disp(const uint8_t *data, size_t size);
int snet_fuzz_pkt_json(const uint8_t *data, size_t size);
int snet_fuzz_topo(const uint8_t *data, size_t size);
int snet_fuzz_pathdb(const uint8_t *data, size_t size);
int snet_fuzz_netlink(const uint8_t *data, size_t size);
int snet_fuzz_key(const uint8_t *data, size_t size);
int snet_fuzz_daemon(const uint8_t *data, size_t size);
int snet_fuzz_policy(const uint8_t *data, size_t size);
int snet_fuzz_topogen(const uint8_t *data, size_t size);

#ifdef SNET_LIBFUZZER
#define SNET_FUZZ_ENTRY(fn)                                                                        \
	int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);                              \
	int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)                               \
	{                                                                                          \
		return fn(data, size);                                                             \
	}
#else
#define SNET_FUZZ_ENTRY(fn)
#endif

#endif
