/* SPDX-License-Identifier: Apache-2.0 */
/* A stand-in for Go's daemon for the tools' end-to-end test: the replies captured from Go's
 * daemon (tests/data/daemon) over our test HTTP/2 server, chosen by RPC and request.
 *
 *   fake_daemon DATADIR   prints "listening PORT", serves until killed */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon.pb-c.h"
#include "h2server.h"

static const char *dir;
static uint8_t buf[1 << 16];

static void serve_file(const char *name, struct h2s_action *out)
{
	char path[1024];
	snprintf(path, sizeof(path), "%s/%s.pb", dir, name);
	FILE *f = fopen(path, "rb");
	size_t n = f ? fread(buf, 1, sizeof(buf), f) : 0;
	if (f)
		fclose(f);
	*out = (struct h2s_action){ .kind = H2S_REPLY, .msg = buf, .len = n };
}

static void handler(struct h2server *s, const char *path, const uint8_t *body, size_t len,
		    struct h2s_action *out)
{
	const char *rpc = strrchr(path, '/') + 1;
	if (!strcmp(rpc, "Paths")) {
		Proto__Daemon__V1__PathsRequest *r =
			proto__daemon__v1__paths_request__unpack(NULL, len, body);
		uint64_t dst = r ? r->destination_isd_as : 0;
		proto__daemon__v1__paths_request__free_unpacked(r, NULL);
		if (dst >> 48 != 1) {
			*out = (struct h2s_action){ .kind = H2S_ERROR, .grpc_status = 2,
						    .grpc_message = "TRC not found" };
		} else if (dst == 0x0001ff0000000112ULL) {
			serve_file("paths-111-112", out);
		} else if (dst == 0x0001ff0000000111ULL) {
			serve_file("paths-111-111", out);
		} else {
			*out = (struct h2s_action){ .kind = H2S_REPLY, .len = 0 };
		}
	} else if (!strcmp(rpc, "AS")) {
		serve_file(len ? "as-110" : "as-local", out);
	} else if (!strcmp(rpc, "Interfaces")) {
		serve_file("interfaces", out);
	} else if (!strcmp(rpc, "Services")) {
		serve_file("services", out);
	} else if (!strcmp(rpc, "PortRange")) {
		serve_file("port-range", out);
	} else {
		*out = (struct h2s_action){ .kind = H2S_REPLY, .len = 0 };
	}
}

int main(int argc, char **argv)
{
	static struct h2server srv;
	if (argc != 2) {
		fprintf(stderr, "usage: fake_daemon DATADIR\n");
		return 2;
	}
	dir = argv[1];
	if (h2s_start(uv_default_loop(), &srv, handler))
		return 1;
	printf("listening %u\n", srv.port);
	fflush(stdout);
	return uv_run(uv_default_loop(), UV_RUN_DEFAULT);
}
