/* SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "daemon_cli.h"

void cli_daemon_open(struct cli_daemon *cd, uv_loop_t *loop, const char *tool, const char *addr,
		     uint32_t timeout_ms)
{
	char err[256] = "";
	memset(cd, 0, sizeof(*cd));
	cd->loop = loop;
	cd->tool = tool;
	int rc = snet_daemon_address(addr, NULL, cd->addr, sizeof(cd->addr), err, sizeof(err));
	if (rc) {
		fprintf(stderr, "%s: daemon address: %s\n", tool, *err ? err : snet_strerror(rc));
		exit(2);
	}
	snet_daemon_opts o;
	snet_daemon_opts_default(&o);
	if (timeout_ms)
		o.timeout_ms = timeout_ms;
	rc = snet_daemon_init(loop, &cd->d, cd->addr, &o);
	if (rc)
		cli_bad(tool, "--sciond", snet_strerror(rc), cd->addr);
	cd->open = true;
}

void cli_daemon_error(const struct cli_daemon *cd, const char *what, int rc,
		      const snet_daemon_req_t *req, char *err, size_t cap)
{
	const char *m = req ? snet_daemon_req_message(req) : "";
	char code[24];
	/* grpc-go's words, so that the text reads as Go's scion CLI does */
	if (rc == SNET_E_GRPC)
		snprintf(err, cap, "%s: rpc error: code = %s desc = %s", what,
			 snet_grpc_code_name(snet_daemon_req_grpc_status(req), code, sizeof(code)), m);
	else
		snprintf(err, cap, "daemon %s: %s: %s", cd->addr, what, *m ? m : snet_strerror(rc));
}

/* Every call's waiting state starts with this (the callbacks find it through req->data). */
struct wait {
	bool done;
	int status;
};

static void run(struct cli_daemon *cd, const bool *done)
{
	while (!*done && uv_run(cd->loop, UV_RUN_ONCE))
		;
}

static void note(snet_daemon_req_t *req, int status)
{
	struct wait *w = req->data;
	w->done = true;
	w->status = status;
}

/* A call that started with rc, waited for; the error, if any, in err. */
static int finish(struct cli_daemon *cd, int rc, const struct wait *w,
		  const snet_daemon_req_t *req, const char *what, char *err, size_t cap)
{
	if (rc == 0) {
		run(cd, &w->done);
		rc = w->status;
	}
	if (rc)
		cli_daemon_error(cd, what, rc, w->done ? req : NULL, err, cap);
	return rc;
}

int cli_daemon_topology(struct cli_daemon *cd, snet_topology *t, char *err, size_t cap)
{
	struct wait w = { 0 };
	snet_daemon_req_t req;
	req.data = &w;
	return finish(cd, snet_daemon_topology(&cd->d, &req, t, note), &w, &req,
		      "loading topology", err, cap);
}

struct paths_wait {
	struct wait w;
	snet_path_set *set;
};

static void paths_done(snet_daemon_req_t *req, int status, snet_path_set *set)
{
	note(req, status);
	((struct paths_wait *)req->data)->set = set;
}

int cli_daemon_paths(struct cli_daemon *cd, uint64_t src, uint64_t dst, unsigned flags,
		     snet_path_set **out, char *err, size_t cap)
{
	struct paths_wait p = { 0 };
	snet_daemon_req_t req;
	req.data = &p;
	int rc = finish(cd, snet_daemon_paths(&cd->d, &req, src, dst, flags, paths_done), &p.w,
			&req, "retrieving paths from the SCION Daemon", err, cap);
	*out = p.set;
	return rc;
}

struct as_wait {
	struct wait w;
	snet_daemon_as_info info;
};

static void as_done(snet_daemon_req_t *req, int status, const snet_daemon_as_info *info)
{
	note(req, status);
	if (info)
		((struct as_wait *)req->data)->info = *info;
}

int cli_daemon_as(struct cli_daemon *cd, snet_daemon_as_info *info, char *err, size_t cap)
{
	struct as_wait a = { 0 };
	snet_daemon_req_t req;
	req.data = &a;
	int rc = finish(cd, snet_daemon_as(&cd->d, &req, 0, as_done), &a.w, &req, "AS info", err,
			cap);
	*info = a.info;
	return rc;
}

struct svc_wait {
	struct wait w;
	const char *name;
	char *out;
	size_t cap, n;
};

/* One of the service's URIs, at random (Go: TopoQuerier.UnderlayAnycast). */
static void svc_done(snet_daemon_req_t *req, int status, const snet_daemon_service *s, size_t n)
{
	struct svc_wait *v = req->data;
	note(req, status);
	for (size_t i = 0; i < n; i++) {
		if (strcmp(s[i].name, v->name) != 0 || s[i].n_uris == 0)
			continue;
		v->n = s[i].n_uris;
		snprintf(v->out, v->cap, "%s", s[i].uris[(size_t)rand() % s[i].n_uris]);
	}
}

int cli_daemon_service_uri(struct cli_daemon *cd, const char *name, char *out, size_t cap,
			   char *err, size_t errcap)
{
	struct svc_wait v = { .name = name, .out = out, .cap = cap };
	snet_daemon_req_t req;
	req.data = &v;
	*out = '\0';
	int rc = finish(cd, snet_daemon_services(&cd->d, &req, svc_done), &v.w, &req, "services",
			err, errcap);
	if (rc)
		return rc;
	if (v.n == 0) {
		snprintf(err, errcap, "no entry found: the daemon %s knows no %s service", cd->addr,
			 name);
		return SNET_E_BAD_REPLY;
	}
	return 0;
}

static void on_closed(snet_daemon_t *d)
{
	*(bool *)d->data = true;
}

void cli_daemon_close(struct cli_daemon *cd)
{
	bool done = false;
	if (!cd->open)
		return;
	cd->open = false;
	cd->d.data = &done;
	snet_daemon_close(&cd->d, on_closed);
	run(cd, &done);
}
