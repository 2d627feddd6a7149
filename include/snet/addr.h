/* SPDX-License-Identifier: Apache-2.0 */
/* ISD-AS numbers, host addresses, SVC names and SCION UDP address strings, parsed and
 * formatted exactly as Go's pkg/addr and pkg/snet/udpaddr.go do. Pure: no I/O, no allocation.
 * Parsers take (s, len) and do not need NUL termination. Formatters return the length written
 * (without the NUL they always add) or SNET_E_NOBUF. */
#ifndef SNET_ADDR_H
#define SNET_ADDR_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "snet/err.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SNET_ISD_MAX 0xffffu
#define SNET_AS_MAX 0xffffffffffffull
#define SNET_BGP_AS_MAX 0xffffffffull
#define SNET_IA_STRLEN 24    /* "65535-ffff:ffff:ffff" + NUL, rounded up */
#define SNET_ZONE_LEN 16     /* IF_NAMESIZE */
#define SNET_ADDR_STRLEN 96  /* enough for any snet_udp_addr_format output */

static inline uint64_t snet_ia_from(uint16_t isd, uint64_t as)
{
	return (uint64_t)isd << 48 | (as & SNET_AS_MAX);
}
static inline uint16_t snet_ia_isd(uint64_t ia)
{
	return (uint16_t)(ia >> 48);
}
static inline uint64_t snet_ia_as(uint64_t ia)
{
	return ia & SNET_AS_MAX;
}
/* ISD 0 or AS 0 (Go: IA.IsWildcard). */
static inline int snet_ia_is_wildcard(uint64_t ia)
{
	return snet_ia_isd(ia) == 0 || snet_ia_as(ia) == 0;
}

/* "<isd>-<as>": ISD decimal; AS decimal (BGP style, at most 2^32-1) or three ':'-separated
 * 16-bit hex groups. Go: addr.ParseIA. SNET_E_BAD_IA, SNET_E_BAD_ISD, SNET_E_BAD_AS. */
SNET_EXTERN int snet_ia_parse(const char *s, size_t len, uint64_t *ia);
SNET_EXTERN int snet_as_parse(const char *s, size_t len, uint64_t *as);
/* Go: IA.String. AS up to 2^32-1 in decimal, else lowercase hex groups without leading zeros. */
SNET_EXTERN int snet_ia_format(uint64_t ia, char *buf, size_t cap);
SNET_EXTERN int snet_as_format(uint64_t as, char *buf, size_t cap);

/* SVC values (Go: pkg/addr/svc.go). */
#define SNET_SVC_DS 0x0001
#define SNET_SVC_CS 0x0002
#define SNET_SVC_WILDCARD 0x0010
#define SNET_SVC_NONE 0xffff
#define SNET_SVC_MCAST 0x8000

/* "DS", "CS", "Wildcard", each with an optional "_A" (anycast) or "_M" (multicast) suffix.
 * SNET_E_BAD_SVC. */
SNET_EXTERN int snet_svc_parse(const char *s, size_t len, uint16_t *svc);
/* Unknown values print as "<SVC:0x%04x>", multicast ones with a "_M" suffix. */
SNET_EXTERN int snet_svc_format(uint16_t svc, char *buf, size_t cap);

enum { SNET_HOST_NONE = 0, SNET_HOST_IP4 = 4, SNET_HOST_IP6 = 6, SNET_HOST_SVC = 3 };

/* A host: an IPv4 or IPv6 address (with zone), or an SVC value. */
typedef struct snet_host {
	uint8_t type;              /* SNET_HOST_* */
	uint8_t ip[16];            /* IPv4 in the first 4 bytes */
	uint16_t svc;
	char zone[SNET_ZONE_LEN];  /* IPv6 zone, "" if none */
} snet_host;

/* An IP literal as Go's netip.ParseAddr takes it: dotted IPv4 without leading zeros, or IPv6
 * with an optional %zone. SNET_E_BAD_HOST. IPv4-mapped IPv6 stays IPv6, as in Go. */
SNET_EXTERN int snet_ip_parse(const char *s, size_t len, snet_host *h);
/* Go: addr.ParseHost (SVC first, then IP). */
SNET_EXTERN int snet_host_parse(const char *s, size_t len, snet_host *h);
/* IPv4 dotted, IPv6 as Go prints it (RFC 5952), with %zone; SVC by name; NONE as "<nil>".
 * IPv4-mapped IPv6 prints as IPv4, as Go's net.IP.String does. */
SNET_EXTERN int snet_host_format(const snet_host *h, char *buf, size_t cap);

/* A SCION UDP address (Go: snet.UDPAddr). Parsing and formatting use ia, host and port only;
 * the rest is for sending and is zero after parsing. */
typedef struct snet_udp_addr {
	uint64_t ia;
	snet_host host;  /* IP, or SVC for service destinations; NONE prints as Go's nil host */
	uint16_t port;
	/* Go: UDPAddr.Path. The dataplane path, borrowed: valid until the call it is passed to
	 * returns (a send copies it into its header). path_type SNET_PATH_EMPTY with no bytes is
	 * the AS-internal path. */
	uint8_t path_type;
	const uint8_t *path;
	size_t path_len;
	/* Go: UDPAddr.NextHop. The underlay address of the first border router, or of the host
	 * for AS-internal destinations; AF_UNSPEC when not set. Only the bytes of its family's
	 * sockaddr are read and, on addresses a conn delivers, written. */
	struct sockaddr_storage next_hop;
	/* On addresses a conn delivers: the local address the packet arrived at. A reply sent to
	 * this address leaves from it (a sticky source, as WireGuard keeps one). NONE otherwise. */
	snet_host reply_src;
} snet_udp_addr;

/* Go: snet.ParseUDPAddr: "[ia,ip]:port", also "ia,ipv4:port" where it needs no brackets, and
 * the legacy "ia,ipv4:port", "ia,[ipv6]:port", "ia,[ipv6%zone]:port", "ia,ip", "ia,[ip]".
 * Unlike Go, host names and port names are not resolved (no I/O): a name in either form is
 * SNET_E_BAD_HOST. Errors name the part that is wrong: SNET_E_BAD_ISD/BAD_AS/BAD_IA,
 * SNET_E_BAD_HOST, SNET_E_BAD_PORT; SNET_E_BAD_ADDR when the string has neither form's shape. */
SNET_EXTERN int snet_udp_addr_parse(const char *s, size_t len, snet_udp_addr *a);
/* Go: UDPAddr.String, i.e. net.JoinHostPort("<ia>,<ip>[%zone]", port). */
SNET_EXTERN int snet_udp_addr_format(const snet_udp_addr *a, char *buf, size_t cap);

/* Hex text (white space between digits allowed) to bytes. Returns the length, or
 * SNET_E_BAD_HEX with *off (may be NULL) at the offending character, or SNET_E_NOBUF. */
SNET_EXTERN int snet_hex_decode(const char *s, size_t len, uint8_t *out, size_t cap, size_t *off);

#ifdef __cplusplus
}
#endif
#endif
