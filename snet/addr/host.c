/* SPDX-License-Identifier: Apache-2.0 */
/* Host addresses and SVC names (Go: pkg/addr/host.go, svc.go; netip text forms). */
#include <arpa/inet.h>

#include "snet/addr.h"
#include "fmt.h"

static const struct {
	const char *name;
	uint16_t svc;
} svc_names[] = {
	{ "DS", SNET_SVC_DS },
	{ "CS", SNET_SVC_CS },
	{ "Wildcard", SNET_SVC_WILDCARD },
};

static bool has_suffix(const char *s, size_t len, const char *suf)
{
	return len >= 2 && s[len - 2] == suf[0] && s[len - 1] == suf[1];
}

int snet_svc_parse(const char *s, size_t len, uint16_t *svc)
{
	uint16_t m = 0;
	if (has_suffix(s, len, "_A")) {
		len -= 2;
	} else if (has_suffix(s, len, "_M")) {
		len -= 2;
		m = SNET_SVC_MCAST;
	}
	for (size_t i = 0; i < sizeof(svc_names) / sizeof(svc_names[0]); i++) {
		if (strlen(svc_names[i].name) == len && memcmp(svc_names[i].name, s, len) == 0) {
			*svc = svc_names[i].svc | m;
			return 0;
		}
	}
	return SNET_E_BAD_SVC;
}

static void svc_put(sb *b, uint16_t svc)
{
	uint16_t base = svc & (uint16_t)~SNET_SVC_MCAST;
	const char *name = NULL;
	for (size_t i = 0; i < sizeof(svc_names) / sizeof(svc_names[0]); i++)
		if (svc_names[i].svc == base)
			name = svc_names[i].name;
	if (name)
		sb_str(b, name);
	else
		sb_printf(b, "<SVC:0x%04x>", svc);
	if (svc & SNET_SVC_MCAST)
		sb_str(b, "_M");
}

int snet_svc_format(uint16_t svc, char *buf, size_t cap)
{
	sb b = sb_init(buf, cap);
	svc_put(&b, svc);
	return sb_done(&b);
}

/* netip.ParseAddr: no surrounding space, zone only on IPv6 and never empty. */
int snet_ip_parse(const char *s, size_t len, snet_host *h)
{
	char tmp[64];
	memset(h, 0, sizeof(*h));
	if (len == 0 || len >= sizeof(tmp))
		return SNET_E_BAD_HOST;
	memcpy(tmp, s, len);
	tmp[len] = 0;
	if (strlen(tmp) != len)
		return SNET_E_BAD_HOST; /* embedded NUL */
	if (!memchr(tmp, ':', len)) {
		if (inet_pton(AF_INET, tmp, h->ip) != 1)
			return SNET_E_BAD_HOST;
		h->type = SNET_HOST_IP4;
		return 0;
	}
	char *pct = strchr(tmp, '%');
	if (pct) {
		size_t zl = strlen(pct + 1);
		/* Go takes any zone text; brackets in it would make a string that does not parse
		 * back (found by fuzz_addr), so we refuse them. */
		if (zl == 0 || zl >= SNET_ZONE_LEN || strpbrk(pct + 1, "[]%"))
			return SNET_E_BAD_HOST;
		memcpy(h->zone, pct + 1, zl + 1);
		*pct = 0;
	}
	if (inet_pton(AF_INET6, tmp, h->ip) != 1)
		return SNET_E_BAD_HOST;
	h->type = SNET_HOST_IP6;
	return 0;
}

int snet_host_parse(const char *s, size_t len, snet_host *h)
{
	uint16_t svc;
	if (snet_svc_parse(s, len, &svc) == 0) {
		memset(h, 0, sizeof(*h));
		h->type = SNET_HOST_SVC;
		h->svc = svc;
		return 0;
	}
	return snet_ip_parse(s, len, h);
}

static bool is_v4mapped(const uint8_t ip[16])
{
	static const uint8_t pfx[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	return memcmp(ip, pfx, 12) == 0;
}

/* RFC 5952 as Go's netip prints it: the first longest run of two or more zero groups
 * becomes "::". glibc's inet_ntop differs (it prints ::/96 as IPv4-compatible). */
static void ip6_put(sb *b, const uint8_t ip[16])
{
	int zs = -1, ze = -1;
	for (int i = 0; i < 8; i++) {
		int j = i;
		while (j < 8 && ip[2 * j] == 0 && ip[2 * j + 1] == 0)
			j++;
		if (j - i >= 2 && j - i > ze - zs) {
			zs = i;
			ze = j;
		}
	}
	for (int i = 0; i < 8; i++) {
		if (i == zs) {
			sb_str(b, "::");
			i = ze - 1;
			continue;
		}
		if (i > 0 && i != ze)
			sb_str(b, ":");
		sb_printf(b, "%x", (unsigned)(ip[2 * i] << 8 | ip[2 * i + 1]));
	}
}

void snet__host_put(sb *b, const snet_host *h);
void snet__host_put(sb *b, const snet_host *h)
{
	switch (h->type) {
	case SNET_HOST_IP4:
		sb_printf(b, "%u.%u.%u.%u", h->ip[0], h->ip[1], h->ip[2], h->ip[3]);
		break;
	case SNET_HOST_IP6:
		/* Go's net.IP prints IPv4-mapped as IPv4; with a zone that is no longer an address
		 * (zones are IPv6 only), so there we keep netip's "::ffff:a.b.c.d" form. */
		if (is_v4mapped(h->ip) && !h->zone[0])
			sb_printf(b, "%u.%u.%u.%u", h->ip[12], h->ip[13], h->ip[14], h->ip[15]);
		else if (is_v4mapped(h->ip))
			sb_printf(b, "::ffff:%u.%u.%u.%u", h->ip[12], h->ip[13], h->ip[14], h->ip[15]);
		else
			ip6_put(b, h->ip);
		break;
	case SNET_HOST_SVC:
		svc_put(b, h->svc);
		return;
	default:
		sb_str(b, "<nil>");
		return;
	}
	if (h->zone[0]) {
		sb_str(b, "%");
		sb_str(b, h->zone);
	}
}

int snet_host_format(const snet_host *h, char *buf, size_t cap)
{
	sb b = sb_init(buf, cap);
	snet__host_put(&b, h);
	return sb_done(&b);
}
