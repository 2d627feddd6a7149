/* SPDX-License-Identifier: Apache-2.0 */
/* snet-address: Go's `scion address` on libsnet's daemon client.
 *
 *   snet-address [--sciond|--daemon ADDR] [--json]
 *
 * This host's SCION address as Go's tool finds it: the local AS from the daemon, and the
 * address the kernel would send from towards one of the AS's control services (a connected
 * UDP socket: nothing is sent). On a multihomed host that is one address of several, as
 * Go's help says. Output and exit status are Go's: "IA,IP", or with --json the document Go's
 * encoder writes; 2 on any error. */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "daemon_cli.h"

static const char usage[] =
	"snet-address [options]\n"
	"This host's SCION address (one of them), as Go's `scion address` shows it.\n"
	"  --sciond ADDR   the daemon (also --daemon; default $SCION_DAEMON,\n"
	"                  environment.json, 127.0.0.1:30255)\n"
	"  --json          Go's JSON document\n"
	"Exit: 0, or 2 on any error (Go's).";

_Noreturn static void fail(struct cli_daemon *cd, const char *msg)
{
	fprintf(stderr, "Error: %s\n", msg);
	cli_daemon_close(cd);
	exit(2);
}

/* {"addresses": [{"isd_as", "ip", "address"}]} with two-space indents, as Go encodes it. */
static void print_json(const char *ia, const char *ip, const char *address)
{
	json_t *one = json_pack("{s:s, s:s, s:s}", "isd_as", ia, "ip", ip, "address", address);
	json_t *doc = json_pack("{s:[o]}", "addresses", one);
	char *s = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	printf("%s\n", s);
	free(s);
	json_decref(doc);
}

int main(int argc, char **argv)
{
	enum { O_SCIOND = 256, O_JSON, O_HELP };
	static const struct option longs[] = { { "sciond", 1, 0, O_SCIOND },
					       { "daemon", 1, 0, O_SCIOND },
					       { "json", 0, 0, O_JSON },
					       { "help", 0, 0, O_HELP },
					       { 0, 0, 0, 0 } };
	const char *sciond = NULL;
	bool json = false;
	int o;
	opterr = 0;
	while ((o = getopt_long(argc, argv, ":h", longs, NULL)) != -1) {
		if (o == O_SCIOND)
			sciond = optarg;
		else if (o == O_JSON)
			json = true;
		else if (o == O_HELP || o == 'h')
			cli_help(usage);
		else if (o == ':')
			cli_bad("snet-address", argv[optind - 1], "expected a daemon address", "");
		else
			cli_bad("snet-address", "option", "unknown (--help lists them)",
				argv[optind - 1]);
	}
	if (optind != argc)
		cli_bad("snet-address", "arguments", "unexpected", argv[optind]);
	srand((unsigned)uv_hrtime());
	struct cli_daemon cd;
	char err[512], uri[256], ip[64], ia[SNET_IA_STRLEN], address[SNET_IA_STRLEN + 64];
	snet_daemon_as_info info;
	cli_daemon_open(&cd, uv_default_loop(), "snet-address", sciond, 1000);
	if (cli_daemon_as(&cd, &info, err, sizeof(err)))
		fail(&cd, err);
	if (cli_daemon_service_uri(&cd, "control", uri, sizeof(uri), err, sizeof(err)))
		fail(&cd, err);
	cli_daemon_close(&cd);
	struct sockaddr_storage cs;
	if (cli_parse_sockaddr(uri, &cs) != 0) {
		snprintf(err, sizeof(err), "control service address %s: not IP:port", uri);
		fail(&cd, err);
	}
	/* Go: addrutil.ResolveLocal, towards the control service's host at port 1. */
	if (cs.ss_family == AF_INET)
		((struct sockaddr_in *)&cs)->sin_port = htons(1);
	else
		((struct sockaddr_in6 *)&cs)->sin6_port = htons(1);
	int rc = cli_local_ip(&cs, ip, sizeof(ip));
	if (rc) {
		snprintf(err, sizeof(err), "local address towards %s: %s", uri, snet_strerror(rc));
		fail(&cd, err);
	}
	snet_ia_format(info.ia, ia, sizeof(ia));
	snprintf(address, sizeof(address), "%s,%s", ia, ip);
	if (json)
		print_json(ia, ip, address);
	else
		printf("%s\n", address);
	return 0;
}
