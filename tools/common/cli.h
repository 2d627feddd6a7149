/* SPDX-License-Identifier: Apache-2.0 */
/* Small helpers the tools share: parsing underlay addresses and printing SCION addresses. */
#ifndef SNET_TOOLS_CLI_H
#define SNET_TOOLS_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>

#include "snet/snet.h"

/* "ip:port", "[ipv6]:port" or a bare IP (port 0) into a sockaddr. 0 or -1. */
int cli_parse_sockaddr(const char *s, struct sockaddr_storage *ss);
/* "a.b.c.d/len:port" or "[v6]/len:port" for prefix binds. */
int cli_parse_prefix(const char *s, struct sockaddr_storage *ss, unsigned *len);
/* "start-end" dispatched ports. */
int cli_parse_ports(const char *s, uint16_t *start, uint16_t *end);
/* "ip:port" text of a sockaddr (IPv4-mapped shown as IPv4). */
const char *cli_sockaddr_str(const struct sockaddr_storage *ss, char *buf, size_t cap);
/* Go: addrutil.ResolveLocal, the kernel's source towards dst (a connected UDP socket: nothing
 * is sent), as text. 0 or -errno. */
int cli_local_ip(const struct sockaddr_storage *dst, char *out, size_t cap);
/* Hex text into bytes. Returns the length or -1. */
int cli_hex(const char *s, uint8_t *out, size_t cap);
/* --help: "usage: ..." on stdout, exit 0. */
_Noreturn void cli_help(const char *text);
/* An integer option in [min, max] (decimal, or 0x hex); anything else is cli_bad naming the
 * option and the range. */
long cli_num(const char *tool, const char *option, const char *value, long min, long max);
/* Prints "usage: ..." to stderr and exits 2. */
_Noreturn void cli_usage(const char *text);
/* A bad argument: "TOOL: OPTION: WHY, got 'VALUE'" on stderr, exit 2. */
_Noreturn void cli_bad(const char *tool, const char *option, const char *why, const char *got);

#endif
