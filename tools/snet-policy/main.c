/* SPDX-License-Identifier: Apache-2.0 */
/* snet-policy: Go's path policy language over JSON lines, for people and for the interop
 * check that holds it to Go's pathpol.
 *
 *   snet-policy < cases.jsonl
 *
 * Each input line: {"paths": [PATH...], and one of "sequence": "...", "policy": {...}, or
 * "policies": {NAME: {...}, ...} with "name": NAME}, where PATH is {"src": IA, "dst": IA,
 * "interfaces": [{"isd_as": IA, "id": N}, ...], "mtu": N, "expiry": UNIX, "latency": [NS...],
 * "bandwidth": [KBPS...]}. Each output line: {"selected": [indices of the paths the policy
 * keeps, in its order]} or {"error": "..."}. Exit 0 unless the input is not JSON lines. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snet/snet.h"

#define MAX_PATHS 4096

static int ia_of(json_t *v, uint64_t *ia)
{
	const char *s = json_string_value(v);
	return s && snet_ia_parse(s, strlen(s), ia) == 0 ? 0 : -1;
}

/* One path from its JSON; its arrays are allocated (freed by free_path). */
static int path_of(json_t *o, snet_path *p, snet_path_metadata *m)
{
	json_t *ifs = json_object_get(o, "interfaces"), *v;
	json_t *lat = json_object_get(o, "latency"), *bw = json_object_get(o, "bandwidth");
	size_t i;
	memset(p, 0, sizeof(*p));
	memset(m, 0, sizeof(*m));
	if (ia_of(json_object_get(o, "src"), &p->src) || ia_of(json_object_get(o, "dst"), &p->dst) ||
	    (ifs && !json_is_array(ifs)))
		return -1;
	snet_path_if *v_ifs = calloc(json_array_size(ifs) + 1, sizeof(*v_ifs));
	int64_t *v_lat = calloc(json_array_size(lat) + 1, sizeof(*v_lat));
	uint64_t *v_bw = calloc(json_array_size(bw) + 1, sizeof(*v_bw));
	p->ifs = v_ifs, m->latency_ns = v_lat, m->bandwidth_kbps = v_bw, p->meta = m;
	if (!v_ifs || !v_lat || !v_bw || json_array_size(ifs) > SNET_PATH_MAX_IFS)
		return -1;
	json_array_foreach(ifs, i, v)
	{
		if (ia_of(json_object_get(v, "isd_as"), &v_ifs[i].ia) ||
		    !json_is_integer(json_object_get(v, "id")))
			return -1;
		v_ifs[i].id = (uint64_t)json_integer_value(json_object_get(v, "id"));
	}
	p->n_ifs = json_array_size(ifs);
	json_array_foreach(lat, i, v)
		v_lat[i] = json_integer_value(v);
	m->n_latency = json_array_size(lat);
	json_array_foreach(bw, i, v)
		v_bw[i] = (uint64_t)json_integer_value(v);
	m->n_bandwidth = json_array_size(bw);
	p->type = p->n_ifs ? SNET_PATH_SCION : SNET_PATH_EMPTY;
	p->mtu = (uint16_t)json_integer_value(json_object_get(o, "mtu"));
	p->expiry = json_integer_value(json_object_get(o, "expiry"));
	return 0;
}

static void free_path(snet_path *p)
{
	free((void *)p->ifs);
	if (p->meta) {
		free((void *)p->meta->latency_ns);
		free((void *)p->meta->bandwidth_kbps);
	}
}

/* Runs one case; returns the output object. */
static json_t *run(json_t *in)
{
	static snet_path paths[MAX_PATHS];
	static snet_path_metadata metas[MAX_PATHS];
	static const snet_path *sel[MAX_PATHS];
	char err[512] = "";
	json_t *arr = json_object_get(in, "paths"), *v;
	size_t n = 0, i;
	int rc = 0;
	if (!json_is_array(arr) || json_array_size(arr) > MAX_PATHS)
		return json_pack("{s:s}", "error", "paths: missing or too many");
	json_array_foreach(arr, i, v)
	{
		rc = path_of(v, &paths[i], &metas[i]);
		n = i + 1;
		if (rc) {
			snprintf(err, sizeof(err), "paths[%zu]: malformed", i);
			break;
		}
		sel[i] = &paths[i];
	}
	json_t *seq = json_object_get(in, "sequence"), *pol = json_object_get(in, "policy");
	json_t *map = json_object_get(in, "policies");
	size_t k = 0;
	if (rc) {
	} else if (json_is_string(seq)) {
		snet_sequence *s;
		rc = snet_sequence_new(json_string_value(seq), &s, err, sizeof(err));
		if (!rc)
			k = snet_sequence_filter(s, sel, n);
		snet_sequence_free(s);
	} else if (pol || map) {
		snet_policy *p = NULL;
		char *text = json_dumps(pol ? pol : map, JSON_ENCODE_ANY);
		const char *name = json_string_value(json_object_get(in, "name"));
		rc = text ? snet_policy_parse(text, strlen(text), pol ? NULL : name, &p, err,
					      sizeof(err))
			  : -1;
		free(text);
		if (!rc)
			k = snet_policy_filter(p, sel, n);
		snet_policy_free(p);
	} else {
		rc = -1;
		snprintf(err, sizeof(err), "no sequence, policy or policies");
	}
	for (i = 0; i < n; i++)
		free_path(&paths[i]);
	if (rc)
		return json_pack("{s:s}", "error", *err ? err : snet_strerror(rc));
	json_t *out = json_array();
	for (i = 0; i < k; i++)
		json_array_append_new(out, json_integer(sel[i] - paths));
	return json_pack("{s:o}", "selected", out);
}

static const char usage[] =
	"usage: snet-policy < CASES.jsonl\n"
	"Go's path policy language (sequences, ACLs, policy JSON) over JSON lines.\n"
	"Each input line: {\"paths\": [PATH, ...], and one of \"sequence\": \"...\",\n"
	"  \"policy\": {...}, or \"policies\": {NAME: {...}, ...} with \"name\": NAME}\n"
	"  PATH: {\"src\": IA, \"dst\": IA, \"interfaces\": [{\"isd_as\": IA, \"id\": N}, ...],\n"
	"         \"mtu\": N, \"expiry\": UNIX, \"latency\": [NS, ...], \"bandwidth\": [KBPS, ...]}\n"
	"Each output line: {\"selected\": [indices of the paths kept, in the policy's order]}\n"
	"  or {\"error\": \"...\"} for a bad policy.\n"
	"  -h, --help   this text (snet-policy has no other options)\n"
	"Exit: 0 done, 1 a line is not a JSON object, 2 usage.\n";

int main(int argc, char **argv)
{
	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		fputs(usage, stdout);
		return 0;
	}
	if (argc != 1) {
		fprintf(stderr, "snet-policy: unexpected argument '%s'\n", argv[1]);
		fprintf(stderr, "usage: snet-policy < CASES.jsonl (--help)\n");
		return 2;
	}
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	long no = 0;
	while ((len = getline(&line, &cap, stdin)) > 0) {
		json_error_t je;
		no++;
		json_t *in = json_loadb(line, (size_t)len, 0, &je);
		if (!json_is_object(in)) {
			fprintf(stderr, "snet-policy: line %ld: %s\n", no, in ? "not an object" : je.text);
			json_decref(in);
			free(line);
			return 1;
		}
		json_t *out = run(in);
		char *s = json_dumps(out, JSON_COMPACT);
		printf("%s\n", s);
		free(s);
		json_decref(out);
		json_decref(in);
	}
	free(line);
	return 0;
}
