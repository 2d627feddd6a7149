/* SPDX-License-Identifier: Apache-2.0 */
/* Paths from the SCION daemon, filtered by one of Go's path sequences.
 *
 *   paths [--daemon ADDR] DST_IA [SEQUENCE]
 *
 * Prints each path as Go's `scion showpaths` orders them: its fingerprint (Go's
 * snet.Fingerprint), its hops ("IA#in,out", Go's pathpol sequence), MTU and expiry. The daemon
 * is --daemon, else $SCION_DAEMON, else /etc/scion/environment.json, else 127.0.0.1:30255, as
 * for Go's scion tool. Requests are caller-owned, like libuv's; the path set the callback gets
 * is ours to free. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <snet/snet.h>

static snet_daemon_t daemon_;
static snet_daemon_req_t req;
static snet_sequence *seq; /* NULL: every path */
static int rc = 1;

static void print_path(const snet_path *p)
{
	uint8_t fp[SNET_PATH_FINGERPRINT_LEN];
	char hops[4096];
	if (snet_path_fingerprint(p, fp))
		for (int i = 0; i < SNET_PATH_FINGERPRINT_LEN; i++)
			printf("%02x", fp[i]);
	else
		printf("(local AS: no interfaces)");
	if (snet_path_sequence(p, hops, sizeof(hops)) < 0)
		snprintf(hops, sizeof(hops), "?");
	printf(" [%s] mtu=%u expiry=%lld\n", hops, p->mtu, (long long)p->expiry);
}

static void on_paths(snet_daemon_req_t *r, int status, snet_path_set *set)
{
	if (status < 0) {
		/* The daemon's own words where it gave some (gRPC status message). */
		fprintf(stderr, "paths: %s: %s\n", snet_strerror(status), snet_daemon_req_message(r));
	} else {
		const snet_path **list = calloc(set->n ? set->n : 1, sizeof(*list));
		size_t n = 0;
		rc = list ? 0 : 1;
		for (size_t i = 0; list && i < set->n; i++)
			list[n++] = &set->paths[i];
		snet_path_sort(list, n);
		if (seq)
			n = snet_sequence_filter(seq, list, n);
		printf("%zu paths\n", n);
		for (size_t i = 0; i < n; i++)
			print_path(list[i]);
		free(list);
		snet_path_set_free(set); /* handed over to us */
	}
	snet_daemon_close(&daemon_, NULL); /* closing from a callback is allowed */
}

int main(int argc, char **argv)
{
	const char *explicit_addr = NULL;
	char addr[256], err[256];
	uint64_t dst;
	int i = 1;
	if (argc > 2 && !strcmp(argv[1], "--daemon"))
		explicit_addr = argv[2], i = 3;
	if (i >= argc || argc - i > 2 || snet_ia_parse(argv[i], strlen(argv[i]), &dst)) {
		fprintf(stderr, "usage: paths [--daemon ADDR] DST_IA [SEQUENCE]\n");
		return 2;
	}
	if (i + 1 < argc && snet_sequence_new(argv[i + 1], &seq, err, sizeof(err))) {
		fprintf(stderr, "paths: sequence: %s\n", err);
		return 2;
	}
	int e = snet_daemon_address(explicit_addr, NULL, addr, sizeof(addr), err, sizeof(err));
	if (!e)
		e = snet_daemon_init(uv_default_loop(), &daemon_, addr, NULL);
	if (!e)
		e = snet_daemon_paths(&daemon_, &req, 0, dst, 0, on_paths);
	if (e) {
		fprintf(stderr, "paths: daemon %s: %s\n", addr, e == SNET_E_BAD_JSON ? err : snet_strerror(e));
		return 1;
	}
	uv_run(uv_default_loop(), UV_RUN_DEFAULT);
	snet_sequence_free(seq);
	uv_loop_close(uv_default_loop());
	return rc;
}
