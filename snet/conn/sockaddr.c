/* SPDX-License-Identifier: Apache-2.0 */
/* Conversions between sockaddrs and hosts; IPv4-mapped IPv6 always counts as IPv4. */
#include <string.h>

#include "internal.h"

static const uint8_t v4mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

socklen_t snet__sa_len(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET)
		return sizeof(struct sockaddr_in);
	if (sa->sa_family == AF_INET6)
		return sizeof(struct sockaddr_in6);
	return 0;
}

int snet__sa_plain(const struct sockaddr *sa, uint8_t ip[16], uint16_t *port)
{
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)sa;
		snet__ip4_in16(ip, (const uint8_t *)&s4->sin_addr);
		if (port)
			*port = ntohs(s4->sin_port);
		return AF_INET;
	}
	if (sa->sa_family != AF_INET6) {
		memset(ip, 0, 16);
		return AF_UNSPEC;
	}
	const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;
	if (port)
		*port = ntohs(s6->sin6_port);
	if (memcmp(&s6->sin6_addr, v4mapped, 12) == 0) {
		snet__ip4_in16(ip, (const uint8_t *)&s6->sin6_addr + 12);
		return AF_INET;
	}
	memcpy(ip, &s6->sin6_addr, 16);
	return AF_INET6;
}

void snet__host_set_ip(snet_host *h, int family, const uint8_t ip[16])
{
	memset(h, 0, sizeof(*h));
	h->type = family == AF_INET ? SNET_HOST_IP4 : SNET_HOST_IP6;
	if (family == AF_INET)
		snet__ip4_in16(h->ip, ip);
	else
		memcpy(h->ip, ip, 16);
}

int snet__sa_to_host(const struct sockaddr *sa, snet_host *h, uint16_t *port)
{
	uint8_t ip[16];
	int fam = snet__sa_plain(sa, ip, port);
	if (fam == AF_UNSPEC)
		return SNET_E_BAD_HOST;
	snet__host_set_ip(h, fam, ip);
	return 0;
}

/* Only the sockaddr's own bytes are written (on every send: the rest of the storage is never
 * read). */
socklen_t snet__host_to_sa(const snet_host *h, uint16_t port, int dual, struct sockaddr_storage *ss)
{
	if (h->type == SNET_HOST_IP4 && !dual) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
		memset(s4, 0, sizeof(*s4));
		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		memcpy(&s4->sin_addr, h->ip, 4);
		return sizeof(*s4);
	}
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
	memset(s6, 0, sizeof(*s6));
	s6->sin6_family = AF_INET6;
	s6->sin6_port = htons(port);
	if (h->type == SNET_HOST_IP4) {
		memcpy(&s6->sin6_addr, v4mapped, 12);
		memcpy((uint8_t *)&s6->sin6_addr + 12, h->ip, 4);
	} else {
		memcpy(&s6->sin6_addr, h->ip, 16);
		if (h->zone[0])
			s6->sin6_scope_id = if_nametoindex(h->zone);
	}
	return sizeof(*s6);
}

int snet__host_is_ip(const snet_host *h)
{
	return h->type == SNET_HOST_IP4 || h->type == SNET_HOST_IP6;
}

int snet__host_eq_ip(const snet_host *h, int family, const uint8_t ip[16])
{
	if (family == AF_INET)
		return h->type == SNET_HOST_IP4 && memcmp(h->ip, ip, 4) == 0;
	if (h->type == SNET_HOST_IP6)
		return memcmp(h->ip, ip, 16) == 0;
	return 0;
}

void snet__host_from_hdr(snet_host *h, uint8_t type, const uint8_t raw[16])
{
	memset(h, 0, sizeof(*h));
	if (type == SNET_ADDR_SVC) {
		h->type = SNET_HOST_SVC;
		h->svc = (uint16_t)(raw[0] << 8 | raw[1]);
	} else if (type == SNET_ADDR_IP4) {
		h->type = SNET_HOST_IP4;
		snet__ip4_in16(h->ip, raw);
	} else {
		/* A 16-byte IPv4-mapped address on the wire is treated as the IPv4 it maps. */
		if (memcmp(raw, v4mapped, 12) == 0) {
			h->type = SNET_HOST_IP4;
			snet__ip4_in16(h->ip, raw + 12);
		} else {
			h->type = SNET_HOST_IP6;
			memcpy(h->ip, raw, 16);
		}
	}
}

void snet__host_to_hdr(const snet_host *h, uint8_t *type, uint8_t raw[16])
{
	if (h->type == SNET_HOST_SVC)
		snet_scion_hdr_set_svc(type, raw, h->svc);
	else
		snet_scion_hdr_set_ip(type, raw, h->ip, h->type == SNET_HOST_IP4 ? 4 : 16);
}
