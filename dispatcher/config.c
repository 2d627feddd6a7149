/* SPDX-License-Identifier: Apache-2.0 */
/* The [dispatcher] section of Go's dispatcher TOML (dispatcher/config/config.go): id,
 * local_udp_forwarding, underlay_addr, service_addresses. Like Go, unknown keys are errors. */
#include <stdio.h>
#include <string.h>

#include "config.h"

void disp_config_default(struct disp_config *c)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->underlay, sizeof(c->underlay), "::");
}

int disp_config_add_service(struct disp_config *c, const char *key, const char *addr)
{
	const char *comma = strchr(key, ',');
	struct relay_svc *s = &c->relay.svcs[c->relay.n_svcs];
	if (!comma || c->relay.n_svcs == RELAY_MAX_SVCS ||
	    snet_ia_parse(key, (size_t)(comma - key), &s->ia) ||
	    snet_svc_parse(comma + 1, strlen(comma + 1), &s->svc) ||
	    (s->svc != SNET_SVC_CS && s->svc != SNET_SVC_DS) || snet_addrport_parse(addr, &s->addr))
		return -1;
	c->relay.n_svcs++;
	return 0;
}

/* Splits `key = value`, dropping quotes and spaces; -1 if the line is not of that form. */
static int split(char *line, char **key, char **val)
{
	char *eq = strchr(line, '=');
	if (!eq)
		return -1;
	*eq = 0;
	*key = line;
	*val = eq + 1;
	for (char **p = key; p; p = p == key ? val : NULL) {
		while (**p == ' ' || **p == '\t' || **p == '"')
			(*p)++;
		char *e = *p + strlen(*p);
		while (e > *p && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r' ||
				  e[-1] == '"'))
			*--e = 0;
	}
	return **key ? 0 : -1;
}

static int set_key(struct disp_config *c, const char *section, const char *key, const char *val)
{
	if (strcmp(section, "dispatcher.service_addresses") == 0)
		return disp_config_add_service(c, key, val) ? -2 : 0;
	if (strcmp(section, "dispatcher") != 0)
		return 0; /* log, metrics, api, features: Go's other sections, not ours */
	if (strcmp(key, "id") == 0)
		snprintf(c->id, sizeof(c->id), "%s", val);
	else if (strcmp(key, "underlay_addr") == 0)
		snprintf(c->underlay, sizeof(c->underlay), "%s", val);
	else if (strcmp(key, "local_udp_forwarding") == 0 && (!strcmp(val, "true") || !strcmp(val, "false")))
		c->relay.forwarding = strcmp(val, "true") == 0;
	else if (strcmp(key, "local_udp_forwarding") == 0)
		return -2;
	else
		return -1;
	return 0;
}

int disp_config_load(struct disp_config *c, const char *path, char *err, size_t errlen)
{
	char line[512], section[64] = "", *key, *val;
	FILE *f = fopen(path, "r");
	int no = 0;
	if (!f) {
		snprintf(err, errlen, "%s: cannot open", path);
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		no++;
		char *p = line;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '#' || *p == '\n' || *p == 0)
			continue;
		if (*p == '[') {
			char *end = strchr(p, ']');
			if (!end)
				goto bad;
			snprintf(section, sizeof(section), "%.*s", (int)(end - p - 1), p + 1);
			continue;
		}
		if (split(p, &key, &val))
			goto bad;
		int r = set_key(c, section, key, val);
		if (r == -1) {
			snprintf(err, errlen, "%s:%d: unknown key \"%s\" in [%s]", path, no, key, section);
			fclose(f);
			return -1;
		}
		if (r == -2) {
			snprintf(err, errlen, "%s:%d: bad value for \"%s\": \"%s\"", path, no, key, val);
			fclose(f);
			return -1;
		}
	}
	fclose(f);
	if (!c->id[0]) {
		snprintf(err, errlen, "%s: [dispatcher] id is required", path);
		return -1;
	}
	return 0;
bad:
	snprintf(err, errlen, "%s:%d: not a TOML key = value line", path, no);
	fclose(f);
	return -1;
}
