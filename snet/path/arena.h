/* SPDX-License-Identifier: Apache-2.0 */
/* A bump allocator in chunks: everything a path set points to is taken from it and released in
 * one call, so that a result has a single owner and a single free. Internal. */
#ifndef SNET_PATH_ARENA_H
#define SNET_PATH_ARENA_H

#include <stddef.h>

#include "snet/pathset.h"

struct snet__arena;

/* A new set whose struct lives in its own arena; NULL when out of memory. */
snet_path_set *snet__path_set_new(void);
/* n bytes, 16-aligned and zeroed, owned by set; NULL when out of memory (the set stays valid
 * and is freed as usual). */
void *snet__path_set_alloc(snet_path_set *set, size_t n);
/* A NUL-terminated copy of len bytes. */
char *snet__path_set_strdup(snet_path_set *set, const void *s, size_t len);

#endif
