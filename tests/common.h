/* SPDX-License-Identifier: Apache-2.0 */
/* Helpers shared by the unit tests: cmocka includes and golden-vector loading. */
#ifndef SNET_TEST_COMMON_H
#define SNET_TEST_COMMON_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "snet/snet.h"

static inline size_t load_vector(const char *name, uint8_t *buf, size_t cap)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/vectors/%s", SNET_TEST_DATA, name);
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	size_t n = fread(buf, 1, cap, f);
	fclose(f);
	return n;
}

static const char *const golden_names[] = {
	"scion-udp.bin",
	"empty-udp.bin",
	"scion-udp-extn.bin",
	"scion-scmp-dest-unreachable.bin",
	"scion-scmp-ext-int-down.bin",
	"scion-scmp-int-conn-down.bin",
	"scion-bfd.bin",
};
#define GOLDEN_COUNT (sizeof(golden_names) / sizeof(golden_names[0]))

#endif
