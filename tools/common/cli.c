/* SPDX-License-Identifier: Apache-2.0 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

int cli_parse_sockaddr(const char *s, struct sockaddr_storage *ss)
{
	char ip[64];
	unsigned long port = 0;
	const char *colon;
	memset(ss, 0, sizeof(*ss));
	if (s[0] == '[') {
		const char *end = strchr(s, ']');
		if (!end || (size_t)(end - s - 1) >= sizeof(ip))
			return -1;
		memcpy(ip, s + 1, (size_t)(end - s - 1));
		ip[end - s - 1] = 0;
		colon = end[1] == ':' ? end + 1 : NULL;
		if (end[1] && !colon)
			return -1;
	} else {
		colon = strrchr(s, ':');
		if (colon && strchr(s, ':') != colon)
			colon = NULL; /* a bare IPv6 address */
		size_t n = colon ? (size_t)(colon - s) : strlen(s);
		if (n >= sizeof(ip))
			return -1;
		memcpy(ip, s, n);
		ip[n] = 0;
	}
	if (colon) {
		char *e;
		port = strtoul(colon + 1, &e, 10);
		if (*e || e == colon + 1 || port > 65535)
			return -1;
	}
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
	if (inet_pton(AF_INET, ip, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
		return 0;
	}
	if (inet_pton(AF_INET6, ip, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		return 0;
	}
	return -1;
}

int cli_parse_prefix(const char *s, struct sockaddr_storage *ss, unsigned *len)
{
	char buf[96];
	const char *slash = strchr(s, '/');
	if (!slash || strlen(s) >= sizeof(buf))
		return -1;
	char *e;
	unsigned long l = strtoul(slash + 1, &e, 10);
	if (e == slash + 1 || *e != ':')
		return -1;
	/* Rebuild "ip:port" (or "[ip]:port") without the length. */
	size_t n = (size_t)(slash - s);
	memcpy(buf, s, n);
	strcpy(buf + n, e);
	*len = (unsigned)l;
	return cli_parse_sockaddr(buf, ss);
}

int cli_parse_ports(const char *s, uint16_t *start, uint16_t *end)
{
	unsigned a, b;
	char tail;
	if (strcmp(s, "-") == 0) {
		*start = *end = 0;
		return 0;
	}
	if (sscanf(s, "%u-%u%c", &a, &b, &tail) != 2 || a > 65535 || b > 65535 || a > b)
		return -1;
	*start = (uint16_t)a;
	*end = (uint16_t)b;
	return 0;
}

const char *cli_sockaddr_str(const struct sockaddr_storage *ss, char *buf, size_t cap)
{
	char ip[INET6_ADDRSTRLEN];
	static const uint8_t mapped[12] = { [10] = 0xff, [11] = 0xff };
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)ss;
		inet_ntop(AF_INET, &s4->sin_addr, ip, sizeof(ip));
		snprintf(buf, cap, "%s:%u", ip, ntohs(s4->sin_port));
	} else if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)ss;
		if (memcmp(&s6->sin6_addr, mapped, 12) == 0) {
			inet_ntop(AF_INET, (const uint8_t *)&s6->sin6_addr + 12, ip, sizeof(ip));
			snprintf(buf, cap, "%s:%u", ip, ntohs(s6->sin6_port));
		} else {
			inet_ntop(AF_INET6, &s6->sin6_addr, ip, sizeof(ip));
			snprintf(buf, cap, "[%s]:%u", ip, ntohs(s6->sin6_port));
		}
	} else {
		snprintf(buf, cap, "-");
	}
	return buf;
}

int cli_hex(const char *s, uint8_t *out, size_t cap)
{
	size_t n = strlen(s);
	if (n % 2 || n / 2 > cap)
		return -1;
	for (size_t i = 0; i < n / 2; i++) {
		unsigned v;
		if (sscanf(s + 2 * i, "%2x", &v) != 1)
			return -1;
		out[i] = (uint8_t)v;
	}
	return (int)(n / 2);
}

void cli_help(const char *text)
{
	printf("usage: %s\n", text);
	exit(0);
}

long cli_num(const char *tool, const char *option, const char *value, long min, long max)
{
	char *end, why[64];
	errno = 0;
	long v = strtol(value, &end, 0);
	if (errno || end == value || *end || v < min || v > max) {
		snprintf(why, sizeof(why), "expected an integer %ld..%ld", min, max);
		cli_bad(tool, option, why, value);
	}
	return v;
}

void cli_usage(const char *text)
{
	fprintf(stderr, "usage: %s\n", text);
	exit(2);
}

void cli_bad(const char *tool, const char *option, const char *why, const char *got)
{
	fprintf(stderr, "%s: %s: %s, got '%s'\n", tool, option, why, got);
	exit(2);
}

int cli_local_ip(const struct sockaddr_storage *dst, char *out, size_t cap)
{
	int fd = socket(dst->ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct sockaddr_storage me;
	socklen_t len = sizeof(me);
	if (fd < 0)
		return -errno;
	int rc = connect(fd, (const struct sockaddr *)dst,
			 dst->ss_family == AF_INET ? sizeof(struct sockaddr_in)
						   : sizeof(struct sockaddr_in6));
	if (rc == 0)
		rc = getsockname(fd, (struct sockaddr *)&me, &len);
	rc = rc ? -errno : 0;
	close(fd);
	if (rc)
		return rc;
	if (me.ss_family == AF_INET)
		inet_ntop(AF_INET, &((struct sockaddr_in *)&me)->sin_addr, out, (socklen_t)cap);
	else
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&me)->sin6_addr, out, (socklen_t)cap);
	return 0;
}
