/* SPDX-License-Identifier: Apache-2.0 */
/* Dispatcher frames and registrations (Go v0.11.0: pkg/sock/reliable). */
#include <netinet/in.h>
#include <string.h>

#include "snet/addr.h"
#include "snet/disp.h"
#include "../wire/rd.h"
#include "../wire/wr.h"

static size_t addr_len(uint8_t t)
{
	return t == SNET_DISP_ADDR_IP4 ? 4 : t == SNET_DISP_ADDR_IP6 ? 16 : 0;
}

/* Clears as much as either family's sockaddr, not all 128 bytes of the storage (no reader
 * looks past the sockaddr, and this runs once per datagram); type NONE leaves AF_UNSPEC. */
static void set_addr(struct sockaddr_storage *ss, uint8_t t, const uint8_t *ip, uint16_t port)
{
	memset(ss, 0, sizeof(struct sockaddr_in6));
	if (t == SNET_DISP_ADDR_IP4) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
		s4->sin_family = AF_INET;
		memcpy(&s4->sin_addr, ip, 4);
		s4->sin_port = htons(port);
	} else if (t == SNET_DISP_ADDR_IP6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
		s6->sin6_family = AF_INET6;
		memcpy(&s6->sin6_addr, ip, 16);
		s6->sin6_port = htons(port);
	}
}

int snet_disp_frame_parse(const uint8_t *buf, size_t len, snet_disp_frame *f)
{
	if (len < SNET_DISP_HDR_MIN)
		return 0;
	if (get64(buf) != SNET_DISP_COOKIE)
		return SNET_E_BAD_COOKIE;
	uint8_t t = buf[8];
	uint32_t plen = get32(buf + 9);
	if (t > SNET_DISP_ADDR_IP6)
		return SNET_E_BAD_ADDR_TYPE; /* SVC is not a frame address either */
	if (plen > SNET_DISP_MAX_PAYLOAD)
		return SNET_E_BAD_FIELD;
	size_t al = addr_len(t), hl = SNET_DISP_HDR_MIN + al + (al ? 2 : 0);
	if (len < hl + plen)
		return 0;
	set_addr(&f->addr, t, buf + SNET_DISP_HDR_MIN, al ? get16(buf + SNET_DISP_HDR_MIN + al) : 0);
	f->payload = buf + hl;
	f->len = plen;
	return (int)(hl + plen);
}

int snet_disp_frames_run(const uint8_t *buf, size_t len, snet_disp_frame_cb cb, void *arg)
{
	size_t at = 0;
	snet_disp_frame f;
	for (;;) {
		int k = snet_disp_frame_parse(buf + at, len - at, &f);
		if (k < 0)
			return k;
		if (k == 0)
			return (int)at;
		at += (size_t)k;
		if (cb(&f, arg) != 0)
			return (int)at;
	}
}

/* The address type and raw bytes of a sockaddr (IPv4-mapped IPv6 as IPv4). */
static uint8_t raw_addr(const struct sockaddr *sa, const uint8_t **ip, uint16_t *port)
{
	static const uint8_t mapped[12] = { [10] = 0xff, [11] = 0xff };
	if (!sa || sa->sa_family == AF_UNSPEC)
		return SNET_DISP_ADDR_NONE;
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)sa;
		*ip = (const uint8_t *)&s4->sin_addr;
		*port = ntohs(s4->sin_port);
		return SNET_DISP_ADDR_IP4;
	}
	const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;
	*port = ntohs(s6->sin6_port);
	*ip = (const uint8_t *)&s6->sin6_addr;
	if (memcmp(*ip, mapped, 12) == 0) {
		*ip += 12;
		return SNET_DISP_ADDR_IP4;
	}
	return SNET_DISP_ADDR_IP6;
}

int snet_disp_frame_header(const struct sockaddr *addr, size_t len, uint8_t *buf, size_t cap)
{
	const uint8_t *ip = NULL;
	uint16_t port = 0;
	uint8_t t = raw_addr(addr, &ip, &port);
	size_t al = addr_len(t), hl = SNET_DISP_HDR_MIN + al + (al ? 2 : 0);
	if (cap < hl)
		return SNET_E_NOBUF;
	put64(buf, SNET_DISP_COOKIE);
	buf[8] = t;
	put32(buf + 9, (uint32_t)len);
	if (al) {
		memcpy(buf + SNET_DISP_HDR_MIN, ip, al);
		put16(buf + SNET_DISP_HDR_MIN + al, port);
	}
	return (int)hl;
}

/* {port (2), type (1), address (4/16)} */
static int field_parse(const uint8_t *b, size_t len, struct sockaddr_storage *ss)
{
	if (len < 3)
		return SNET_E_TRUNCATED;
	uint8_t t = b[2];
	if (t != SNET_DISP_ADDR_IP4 && t != SNET_DISP_ADDR_IP6)
		return SNET_E_BAD_ADDR_TYPE;
	size_t al = addr_len(t);
	if (len < 3 + al)
		return SNET_E_TRUNCATED;
	set_addr(ss, t, b + 3, get16(b));
	return (int)(3 + al);
}

static int field_emit(const struct sockaddr *sa, uint8_t *b, size_t cap)
{
	const uint8_t *ip = NULL;
	uint16_t port = 0;
	uint8_t t = raw_addr(sa, &ip, &port);
	size_t al = addr_len(t);
	if (t == SNET_DISP_ADDR_NONE)
		return SNET_E_BAD_ADDR_TYPE;
	if (cap < 3 + al)
		return SNET_E_NOBUF;
	put16(b, port);
	b[2] = t;
	memcpy(b + 3, ip, al);
	return (int)(3 + al);
}

int snet_disp_reg_parse(const uint8_t *buf, size_t len, snet_disp_reg *r)
{
	memset(r, 0, sizeof(*r));
	r->svc = SNET_SVC_NONE;
	if (len < 13)
		return SNET_E_TRUNCATED;
	r->command = buf[0];
	r->l4 = buf[1];
	r->ia = get64(buf + 2);
	size_t at = 10;
	int n = field_parse(buf + at, len - at, &r->public_addr);
	if (n < 0)
		return n;
	at += (size_t)n;
	if (r->command & SNET_DISP_CMD_BIND) {
		n = field_parse(buf + at, len - at, &r->bind_addr);
		if (n < 0)
			return n;
		at += (size_t)n;
	}
	if (len - at == 2)
		r->svc = get16(buf + at);
	else if (len != at)
		return SNET_E_BAD_FIELD;
	return 0;
}

int snet_disp_reg_emit(const snet_disp_reg *r, uint8_t *buf, size_t cap)
{
	if (cap < 10)
		return SNET_E_NOBUF;
	buf[0] = r->command;
	buf[1] = r->l4;
	put64(buf + 2, r->ia);
	size_t at = 10;
	int n = field_emit((const struct sockaddr *)&r->public_addr, buf + at, cap - at);
	if (n < 0)
		return n;
	at += (size_t)n;
	if (r->command & SNET_DISP_CMD_BIND) {
		n = field_emit((const struct sockaddr *)&r->bind_addr, buf + at, cap - at);
		if (n < 0)
			return n;
		at += (size_t)n;
	}
	if (r->svc != SNET_SVC_NONE) {
		if (cap - at < 2)
			return SNET_E_NOBUF;
		put16(buf + at, r->svc);
		at += 2;
	}
	return (int)at;
}
