/* SPDX-License-Identifier: Apache-2.0 */
/* The path database file: {"paths": [{src, dst, raw, next_hop, interfaces, mtu, expiry}]}. */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../path/arena.h"
#include "snet/pathdb.h"
#include "snet/topo_file.h"
#include "jsonfile.h"

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wformat-truncation"
#endif

static int ia_of(json_t *o, const char *k, uint64_t *ia)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s && snet_ia_parse(s, strlen(s), ia) == 0 ? 0 : -1;
}

static const char *parse_ifs(json_t *arr, snet_path *p, snet_path_set *set)
{
	size_t i;
	json_t *v;
	if (!json_is_array(arr) || json_array_size(arr) > SNET_PATH_MAX_IFS)
		return "interfaces";
	snet_path_if *ifs = snet__path_set_alloc(set, json_array_size(arr) * sizeof(*ifs));
	if (!ifs)
		return "interfaces";
	json_array_foreach(arr, i, v)
	{
		json_t *id = json_object_get(v, "id");
		if (ia_of(v, "ia", &ifs[i].ia) || !json_is_integer(id))
			return "interfaces";
		ifs[i].id = (uint64_t)json_integer_value(id);
	}
	p->ifs = ifs;
	p->n_ifs = json_array_size(arr);
	return NULL;
}

/* Returns NULL or the key that was wrong. */
static const char *parse_path(json_t *o, snet_path *p, snet_path_set *set)
{
	const char *raw = json_string_value(json_object_get(o, "raw"));
	const char *nh = json_string_value(json_object_get(o, "next_hop"));
	json_t *mtu = json_object_get(o, "mtu"), *exp = json_object_get(o, "expiry");
	memset(p, 0, sizeof(*p));
	if (ia_of(o, "src", &p->src))
		return "src";
	if (ia_of(o, "dst", &p->dst))
		return "dst";
	int n = raw ? snet_hex_decode(raw, strlen(raw), p->raw, sizeof(p->raw), NULL) : -1;
	if (n < 0)
		return "raw";
	p->len = (size_t)n;
	p->type = p->len ? SNET_PATH_SCION : SNET_PATH_EMPTY;
	if (p->len && snet_path_check(SNET_PATH_SCION, p->raw, p->len) < 0)
		return "raw";
	if (nh && snet_addrport_parse(nh, &p->next_hop))
		return "next_hop";
	if (!json_is_integer(mtu) || json_integer_value(mtu) < 0 || json_integer_value(mtu) > 65535)
		return "mtu";
	if (!json_is_integer(exp))
		return "expiry";
	p->mtu = (uint16_t)json_integer_value(mtu);
	p->expiry = json_integer_value(exp);
	return parse_ifs(json_object_get(o, "interfaces"), p, set);
}

/* The paths of a parsed document; name (the file) prefixes the errors. */
static int from_root(json_t *root, const char *name, snet_pathdb *db, char *err, size_t errlen)
{
	json_t *arr = json_object_get(root, "paths");
	if (!json_is_array(arr)) {
		if (err)
			snprintf(err, errlen, "%s: paths: missing or not an array", name);
		return SNET_E_BAD_FIELD;
	}
	db->priv_set = snet__path_set_new();
	db->paths = db->priv_set ? snet__path_set_alloc(db->priv_set,
							(json_array_size(arr) + 1) * sizeof(*db->paths))
				 : NULL;
	if (!db->paths) {
		snet_pathdb_free(db);
		return -ENOMEM;
	}
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v)
	{
		const char *bad = json_is_object(v) ? parse_path(v, &db->paths[i], db->priv_set) : "entry";
		if (bad) {
			if (err)
				snprintf(err, errlen, "%s: paths[%zu].%s: missing or malformed", name, i,
					 bad);
			snet_pathdb_free(db);
			return SNET_E_BAD_FIELD;
		}
	}
	db->n = json_array_size(arr);
	db->priv_set->paths = db->paths;
	db->priv_set->n = db->n;
	return 0;
}

int snet_pathdb_parse(const char *text, size_t len, snet_pathdb *db, char *err, size_t errlen)
{
	memset(db, 0, sizeof(*db));
	json_t *root = snet__json_parse(text, len, "paths", err, errlen);
	if (!root)
		return SNET_E_BAD_JSON;
	int rc = from_root(root, "paths", db, err, errlen);
	json_decref(root);
	return rc;
}

int snet_pathdb_load(const char *file, snet_pathdb *db, char *err, size_t errlen)
{
	json_t *root;
	memset(db, 0, sizeof(*db));
	int rc = snet__json_load(file, &root, err, errlen);
	if (rc)
		return rc;
	rc = from_root(root, file, db, err, errlen);
	json_decref(root);
	return rc;
}

void snet_pathdb_free(snet_pathdb *db)
{
	snet_path_set_free(db->priv_set);
	db->priv_set = NULL;
	db->paths = NULL;
	db->n = 0;
}

snet_path_set *snet_pathdb_release(snet_pathdb *db)
{
	snet_path_set *set = db->priv_set;
	db->priv_set = NULL;
	db->paths = NULL;
	db->n = 0;
	return set;
}

size_t snet_pathdb_query(const snet_pathdb *db, uint64_t src, uint64_t dst, uint64_t now,
			 const snet_path **out, size_t max)
{
	size_t k = 0;
	for (size_t i = 0; i < db->n && k < max; i++) {
		const snet_path *p = &db->paths[i];
		if (p->src == src && p->dst == dst && p->expiry > (int64_t)now)
			out[k++] = p;
	}
	return k;
}
