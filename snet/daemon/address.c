/* SPDX-License-Identifier: Apache-2.0 */
/* Where the daemon is: the order of Go's scion CLI (private/app/flag/env.go). */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "snet/addr.h"
#include "snet/daemon.h"
#include "snet/err.h"
#include "../topo/jsonfile.h"

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wformat-truncation"
#endif

static int put(const char *s, char *out, size_t cap)
{
	if (strlen(s) >= cap)
		return -ENOSPC;
	memcpy(out, s, strlen(s) + 1);
	return 0;
}

static int env_fail(const char *file, const char *what, char *err, size_t errlen)
{
	if (err && errlen)
		snprintf(err, errlen, "%s: %s", file, what);
	return SNET_E_BAD_JSON;
}

/* {"general": {"default_isd_as": IA}, "ases": {IA: {"daemon_address": "ip:port"}}}. Sets
 * *found when the default AS has a daemon_address. */
static int from_env_file(const char *file, char *out, size_t cap, bool *found, char *err,
			 size_t errlen)
{
	*found = false;
	if (access(file, F_OK) != 0)
		return 0; /* Go: the file does not have to exist */
	json_t *root;
	int e = snet__json_load(file, &root, err, errlen);
	if (e)
		return e;
	int rc = 0;
	uint64_t def = 0;
	json_t *g = json_object_get(root, "general");
	json_t *dia = g ? json_object_get(g, "default_isd_as") : NULL;
	json_t *ases = json_object_get(root, "ases");
	if ((g && !json_is_object(g)) || (ases && !json_is_object(ases)))
		rc = env_fail(file, json_is_object(g) || !g ? "ases: not an object"
							    : "general: not an object", err, errlen);
	else if (dia && (!json_is_string(dia) ||
			 snet_ia_parse(json_string_value(dia), json_string_length(dia), &def)))
		rc = env_fail(file, "general.default_isd_as: not an ISD-AS", err, errlen);
	const char *k;
	json_t *v;
	if (!rc && ases)
		json_object_foreach(ases, k, v)
		{
			uint64_t ia;
			if (snet_ia_parse(k, strlen(k), &ia)) {
				char m[160];
				snprintf(m, sizeof(m), "ases.%s: not an ISD-AS", k);
				rc = env_fail(file, m, err, errlen);
				break;
			}
			json_t *a = json_is_object(v) ? json_object_get(v, "daemon_address") : NULL;
			if (!json_is_object(v) || (a && !json_is_string(a))) {
				char m[160];
				snprintf(m, sizeof(m), "ases.%s.daemon_address: not a string", k);
				rc = env_fail(file, m, err, errlen);
				break;
			}
			if (ia == def && a && json_string_length(a)) {
				rc = put(json_string_value(a), out, cap);
				*found = rc == 0;
			}
		}
	json_decref(root);
	return rc;
}

int snet_daemon_address(const char *explicit_addr, const char *env_file, char *out, size_t cap,
			char *err, size_t errlen)
{
	if (explicit_addr && *explicit_addr)
		return put(strcmp(explicit_addr, "default") ? explicit_addr
							    : SNET_DAEMON_DEFAULT_ADDRESS,
			   out, cap);
	const char *env = getenv("SCION_DAEMON");
	if (env && *env)
		return put(env, out, cap);
	bool found;
	int rc = from_env_file(env_file ? env_file : SNET_DAEMON_ENVIRONMENT_FILE, out, cap, &found,
			       err, errlen);
	if (rc || found)
		return rc;
	return put(SNET_DAEMON_DEFAULT_ADDRESS, out, cap);
}
