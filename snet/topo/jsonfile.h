/* SPDX-License-Identifier: Apache-2.0 */
/* Reading JSON files and text with one error style for every parser of the library:
 * "NAME:LINE:COLUMN: what jansson says" for syntax, "PATH: strerror" for a file that cannot be
 * read (never jansson's "line -1"). */
#ifndef SNET_TOPO_JSONFILE_H
#define SNET_TOPO_JSONFILE_H

#include <jansson.h>
#include <stddef.h>

/* Parses text; NULL with err (may be NULL) filled on a syntax error. */
json_t *snet__json_parse(const char *text, size_t len, const char *name, char *err,
			 size_t errlen);
/* Reads a whole file (at most 64 MiB) into *buf (NUL-terminated, the caller frees it).
 * Returns 0 or -errno (-EFBIG when larger), err filled. */
int snet__file_read(const char *path, char **buf, size_t *len, char *err, size_t errlen);
/* Both: 0 with *root, -errno, or SNET_E_BAD_JSON. */
int snet__json_load(const char *path, json_t **root, char *err, size_t errlen);

#endif
