/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonfile.h"
#include "snet/err.h"

#define FILE_MAX (64u << 20)

json_t *snet__json_parse(const char *text, size_t len, const char *name, char *err,
			 size_t errlen)
{
	json_error_t je;
	json_t *root = json_loadb(text, len, 0, &je);
	if (!root && err && errlen)
		snprintf(err, errlen, "%s:%d:%d: %s", name, je.line, je.column, je.text);
	return root;
}

static int read_fail(const char *path, int e, char *err, size_t errlen)
{
	if (err && errlen)
		snprintf(err, errlen, "%s: %s", path,
			 e == -EFBIG ? "larger than 64 MiB" : strerror(-e));
	return e;
}

int snet__file_read(const char *path, char **buf, size_t *len, char *err, size_t errlen)
{
	FILE *fp = fopen(path, "rb");
	size_t cap = 0, n = 0, r = 0;
	char *b = NULL;
	int e = 0;
	if (!fp)
		return read_fail(path, -errno, err, errlen);
	do {
		if (n + 1 >= cap) {
			char *nb = cap >= FILE_MAX ? NULL : realloc(b, cap = cap ? 2 * cap : 65536);
			if (!nb) {
				e = cap >= FILE_MAX ? -EFBIG : -ENOMEM;
				break;
			}
			b = nb;
		}
		r = fread(b + n, 1, cap - n - 1, fp);
		n += r;
	} while (r > 0);
	if (!e && ferror(fp))
		e = -EIO;
	fclose(fp);
	if (e) {
		free(b);
		return read_fail(path, e, err, errlen);
	}
	b[n] = 0;
	*buf = b;
	*len = n;
	return 0;
}

int snet__json_load(const char *path, json_t **root, char *err, size_t errlen)
{
	char *buf;
	size_t len;
	int e = snet__file_read(path, &buf, &len, err, errlen);
	if (e)
		return e;
	*root = snet__json_parse(buf, len, path, err, errlen);
	free(buf);
	return *root ? 0 : SNET_E_BAD_JSON;
}
