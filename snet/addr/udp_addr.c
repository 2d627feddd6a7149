/* SPDX-License-Identifier: Apache-2.0 */
/* SCION UDP address strings (Go: pkg/snet/udpaddr.go, pkg/addr/addr.go, net.SplitHostPort). */
#include <stdbool.h>

#include "snet/addr.h"
#include "fmt.h"

void snet__host_put(sb *b, const snet_host *h);

typedef struct span {
	const char *p;
	size_t n;
} span;

static const char *find(span s, char c)
{
	return memchr(s.p, c, s.n);
}

static const char *find_last(span s, char c)
{
	for (size_t i = s.n; i > 0; i--)
		if (s.p[i - 1] == c)
			return s.p + i - 1;
	return NULL;
}

static span sub(span s, const char *from, const char *to)
{
	(void)s;
	return (span){ from, (size_t)(to - from) };
}

static span tail(span s, const char *from)
{
	return (span){ from, (size_t)(s.p + s.n - from) };
}

/* net.SplitHostPort, with its rules on brackets and colons. */
static int split_host_port(span s, span *host, span *port)
{
	const char *i = find_last(s, ':');
	const char *j = s.p, *k = s.p;
	if (!i)
		return -1;
	if (s.p[0] == '[') {
		const char *end = find(s, ']');
		if (!end || end + 1 != i)
			return -1;
		*host = sub(s, s.p + 1, end);
		j = s.p + 1;
		k = end + 1;
	} else {
		*host = sub(s, s.p, i);
		if (find(*host, ':'))
			return -1;
	}
	if (find(tail(s, j), '[') || find(tail(s, k), ']'))
		return -1;
	*port = tail(s, i + 1);
	return 0;
}

static int parse_port(span s, uint16_t *port)
{
	uint64_t v;
	if (parse_uint(s.p, s.n, 10, 0xffff, &v))
		return SNET_E_BAD_PORT;
	*port = (uint16_t)v;
	return 0;
}

/* addr.ParseAddr: IA and host split at the first ','. An SVC host leaves the UDP address
 * without IP, as Go's parseUDPAddr does (Host.IP() of an SVC is the zero address). */
static int parse_ia_host(span s, snet_udp_addr *a)
{
	const char *comma = find(s, ',');
	if (!comma)
		return SNET_E_BAD_ADDR;
	int err = snet_ia_parse(s.p, (size_t)(comma - s.p), &a->ia);
	if (err)
		return err;
	span h = tail(s, comma + 1);
	err = snet_host_parse(h.p, h.n, &a->host);
	if (!err && a->host.type == SNET_HOST_SVC)
		memset(&a->host, 0, sizeof(a->host));
	return err;
}

static int parse_new(span s, snet_udp_addr *a)
{
	span host, port;
	if (split_host_port(s, &host, &port))
		return SNET_E_BAD_ADDR;
	int err = parse_ia_host(host, a);
	return err ? err : parse_port(port, &a->port);
}

/* The legacy regexp ^(\d+-[\d:A-Fa-f]+),(.+)$ and its bracket and trailing-colon checks. */
static int legacy_split(span s, span *ia, span *host)
{
	size_t i = 0, lb = 0, rb = 0;
	while (i < s.n && s.p[i] >= '0' && s.p[i] <= '9')
		i++;
	if (i == 0 || i >= s.n || s.p[i] != '-')
		return -1;
	size_t as0 = ++i;
	while (i < s.n && (s.p[i] == ':' || (s.p[i] >= '0' && s.p[i] <= '9') ||
			   (s.p[i] >= 'a' && s.p[i] <= 'f') || (s.p[i] >= 'A' && s.p[i] <= 'F')))
		i++;
	if (i == as0 || i + 1 >= s.n || s.p[i] != ',')
		return -1;
	for (size_t k = 0; k < s.n; k++) {
		lb += s.p[k] == '[';
		rb += s.p[k] == ']';
	}
	if (lb != rb || s.p[s.n - 1] == ':')
		return -1;
	*ia = (span){ s.p, i };
	*host = tail(s, s.p + i + 1);
	return 0;
}

static span trim_brackets(span s)
{
	while (s.n && (s.p[0] == '[' || s.p[0] == ']')) {
		s.p++;
		s.n--;
	}
	while (s.n && (s.p[s.n - 1] == '[' || s.p[s.n - 1] == ']'))
		s.n--;
	return s;
}

/* netip.ParseAddrPort: "ip:port", IPv6 only in brackets, IPv4 never. */
static bool netip_addr_port_ok(span s)
{
	const char *i = find_last(s, ':');
	snet_host h;
	uint16_t port;
	if (!i || i == s.p)
		return false;
	span ip = sub(s, s.p, i);
	bool v6 = ip.p[0] == '[';
	if (v6) {
		if (ip.n < 2 || ip.p[ip.n - 1] != ']')
			return false;
		ip = (span){ ip.p + 1, ip.n - 2 };
	}
	if (parse_port(tail(s, i + 1), &port) || snet_ip_parse(ip.p, ip.n, &h))
		return false;
	return v6 == (h.type == SNET_HOST_IP6);
}

static int parse_legacy(span s, snet_udp_addr *a)
{
	span ia, host, port;
	if (legacy_split(s, &ia, &host))
		return SNET_E_BAD_ADDR;
	int err = snet_ia_parse(ia.p, ia.n, &a->ia);
	if (err)
		return err;
	span bare = trim_brackets(host);
	if (!netip_addr_port_ok(host) && snet_ip_parse(bare.p, bare.n, &a->host) == 0) {
		a->port = 0;
		return 0;
	}
	/* net.ResolveUDPAddr, restricted to literal IPs and numeric ports. The IA was good: what
	 * follows it is the host's fault. */
	if (split_host_port(host, &bare, &port))
		return SNET_E_BAD_HOST;
	if (port.n == 0) {
		a->port = 0;
	} else if ((err = parse_port(port, &a->port))) {
		return err;
	}
	return snet_ip_parse(bare.p, bare.n, &a->host);
}

int snet_udp_addr_parse(const char *s, size_t len, snet_udp_addr *a)
{
	span str = { s, len };
	snet_udp_addr tmp;

	memset(&tmp, 0, sizeof(tmp));
	int new_err = parse_new(str, &tmp);
	if (new_err == 0) {
		*a = tmp;
		return 0;
	}
	memset(&tmp, 0, sizeof(tmp));
	int err = parse_legacy(str, &tmp);
	if (err == 0)
		*a = tmp;
	/* Neither form: name the part that was wrong ("[1-ff00:0:110,host]:80" has a bad host),
	 * not just the shape, whichever parser got further. */
	if (err == SNET_E_BAD_ADDR)
		return new_err;
	return err;
}

int snet_udp_addr_format(const snet_udp_addr *a, char *buf, size_t cap)
{
	char host[SNET_ADDR_STRLEN];
	sb h = sb_init(host, sizeof(host));
	char ia[SNET_IA_STRLEN];

	snet_ia_format(a->ia, ia, sizeof(ia));
	sb_str(&h, ia);
	sb_str(&h, ",");
	snet__host_put(&h, &a->host);

	sb b = sb_init(buf, cap);
	if (memchr(host, ':', h.len))
		sb_printf(&b, "[%s]:%u", host, a->port);
	else
		sb_printf(&b, "%s:%u", host, a->port);
	return sb_done(&b);
}
