/* SPDX-License-Identifier: Apache-2.0 */
/* SCION wire codec: parse into plain structs, emit from them. Pure: no I/O, no allocation, no
 * read past the buffer. Parsed structs point into the caller's buffer where a field says so; such
 * pointers are valid as long as that buffer is. Layouts follow Go's pkg/slayers. */
#ifndef SNET_WIRE_H
#define SNET_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include "snet/err.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SNET_LINE_LEN 4
#define SNET_CMN_HDR_LEN 12
#define SNET_MAX_HDR_LEN 1020 /* HdrLen is 8 bits of 4-byte lines */
#define SNET_INFO_LEN 8
#define SNET_HOP_LEN 12
#define SNET_MAC_LEN 6
#define SNET_META_LEN 4
#define SNET_MAX_INFS 3
#define SNET_MAX_HOPS 64
#define SNET_ONEHOP_LEN (SNET_INFO_LEN + 2 * SNET_HOP_LEN)
#define SNET_EPIC_META_LEN 16
#define SNET_UDP_HDR_LEN 8
#define SNET_SCMP_HDR_LEN 4
#define SNET_MAX_SCMP_PKT_LEN 1232 /* Go: slayers.MaxSCMPPacketLen */

/* Path types (Go: pkg/slayers/path). */
enum {
	SNET_PATH_EMPTY = 0,
	SNET_PATH_SCION = 1,
	SNET_PATH_ONEHOP = 2,
	SNET_PATH_EPIC = 3,
};

/* NextHdr values (Go: pkg/slayers/l4.go). */
enum {
	SNET_PROTO_NONE = 0,
	SNET_PROTO_TCP = 6,
	SNET_PROTO_UDP = 17,
	SNET_PROTO_HBH = 200,
	SNET_PROTO_E2E = 201,
	SNET_PROTO_SCMP = 202,
	SNET_PROTO_BFD = 203,
};

/* Address type/length nibbles, T<<2|L; the host is 4*(L+1) bytes long. */
enum {
	SNET_ADDR_IP4 = 0x0,
	SNET_ADDR_IP6 = 0x3,
	SNET_ADDR_SVC = 0x4,
};

/* Bytes a host of the given type nibble occupies (4, 8, 12 or 16). */
static inline size_t snet_addr_type_len(uint8_t t)
{
	return 4u * ((t & 0x3u) + 1u);
}

/* ---- SCION common and address header ---------------------------------------------------- */

/* The first 12 bytes plus the address header, and the raw path. Reserved bits are carried so
 * that what parses emits to the same bytes. */
typedef struct snet_scion_hdr {
	uint8_t version;       /* 4 bits; parse rejects anything but 0 */
	uint8_t traffic_class;
	uint32_t flow_id;      /* 20 bits */
	uint8_t next_hdr;
	uint8_t hdr_len;       /* in 4-byte lines; emit writes the real length */
	uint16_t payload_len;  /* bytes after the SCION header */
	uint8_t path_type;
	uint8_t dst_type;      /* type/length nibble, SNET_ADDR_* */
	uint8_t src_type;
	uint16_t rsv;
	uint64_t dst_ia;
	uint64_t src_ia;
	uint8_t dst_host[16];  /* first snet_addr_type_len(dst_type) bytes are used */
	uint8_t src_host[16];
	const uint8_t *path;   /* raw path bytes; points into the parsed buffer */
	size_t path_len;
} snet_scion_hdr;

/* Parses the common and address header and checks the raw path against its path type.
 * Returns the SCION header length (HdrLen*4), or SNET_E_TRUNCATED, SNET_E_BAD_VERSION,
 * SNET_E_BAD_ADDR_TYPE, SNET_E_HDR_LEN_TOO_SMALL, SNET_E_HDR_LEN_TOO_LARGE, or a path error.
 * *off (may be NULL) gets the byte offset of the field where parsing stopped. */
SNET_EXTERN int snet_scion_hdr_parse(const uint8_t *buf, size_t len, snet_scion_hdr *h,
				     size_t *off);

/* Length emit will write: 12 + address header + path_len. */
SNET_EXTERN size_t snet_scion_hdr_len(const snet_scion_hdr *h);

/* Writes the header, HdrLen computed from the lengths (h->hdr_len is ignored). Returns the
 * length, SNET_E_NOBUF, SNET_E_HDR_TOO_LONG or SNET_E_HDR_NOT_ALIGNED. */
SNET_EXTERN int snet_scion_hdr_emit(const snet_scion_hdr *h, uint8_t *buf, size_t cap);

/* Sets a host from an IP (4 or 16 bytes; IPv4-mapped IPv6 is stored as IPv4, as Go's PackAddr
 * does) or an SVC value. */
SNET_EXTERN void snet_scion_hdr_set_ip(uint8_t *type, uint8_t host[16], const uint8_t *ip,
				       size_t ip_len);
SNET_EXTERN void snet_scion_hdr_set_svc(uint8_t *type, uint8_t host[16], uint16_t svc);

/* ---- Path fields ------------------------------------------------------------------------- */

#define SNET_INFO_CONS_DIR 0x01
#define SNET_INFO_PEER 0x02
#define SNET_HOP_EGRESS_ALERT 0x01
#define SNET_HOP_INGRESS_ALERT 0x02

typedef struct snet_info_field {
	uint8_t flags;  /* SNET_INFO_*; other bits are reserved and carried */
	uint8_t rsv;
	uint16_t seg_id;
	uint32_t timestamp;
} snet_info_field;

typedef struct snet_hop_field {
	uint8_t flags;  /* SNET_HOP_*; other bits are reserved and carried */
	uint8_t exp_time;
	uint16_t cons_ingress;
	uint16_t cons_egress;
	uint8_t mac[SNET_MAC_LEN];
} snet_hop_field;

typedef struct snet_path_meta {
	uint8_t curr_inf; /* 2 bits */
	uint8_t curr_hf;  /* 6 bits */
	uint8_t rsv;      /* 6 bits */
	uint8_t seg_len[SNET_MAX_INFS];
} snet_path_meta;

SNET_EXTERN void snet_info_field_parse(const uint8_t b[SNET_INFO_LEN], snet_info_field *f);
SNET_EXTERN void snet_info_field_emit(const snet_info_field *f, uint8_t b[SNET_INFO_LEN]);
SNET_EXTERN void snet_hop_field_parse(const uint8_t b[SNET_HOP_LEN], snet_hop_field *f);
SNET_EXTERN void snet_hop_field_emit(const snet_hop_field *f, uint8_t b[SNET_HOP_LEN]);

/* Decodes a PathMeta word and counts its segments and hops. Returns 0, SNET_E_TRUNCATED,
 * SNET_E_SEG_LEN_GAP or SNET_E_TOO_MANY_HOPS. */
SNET_EXTERN int snet_path_meta_parse(const uint8_t *buf, size_t len, snet_path_meta *m,
				     uint8_t *num_inf, uint8_t *num_hops);
SNET_EXTERN void snet_path_meta_emit(const snet_path_meta *m, uint8_t b[SNET_META_LEN]);

/* ---- SCION path (type 1): raw view and decoded form -------------------------------------- */

/* The raw view: only PathMeta decoded, fields read on demand from raw (Go: scion.Raw). */
typedef struct snet_scion_raw {
	snet_path_meta meta;
	uint8_t num_inf, num_hops;
	const uint8_t *raw; /* points into the parsed buffer */
	size_t len;         /* SNET_META_LEN + 8*num_inf + 12*num_hops */
} snet_scion_raw;

/* The decoded form (Go: scion.Decoded). About 1 KiB; meant for the stack. */
typedef struct snet_scion_path {
	snet_path_meta meta;
	uint8_t num_inf, num_hops;
	snet_info_field inf[SNET_MAX_INFS];
	snet_hop_field hop[SNET_MAX_HOPS];
} snet_scion_path;

/* Both parse exactly len bytes. Errors: SNET_E_TRUNCATED, SNET_E_BAD_PATH_LEN (bytes left
 * over), SNET_E_SEG_LEN_GAP, SNET_E_TOO_MANY_HOPS, SNET_E_BAD_CURR_INF, SNET_E_BAD_CURR_HF,
 * SNET_E_CURR_INF_MISMATCH. A path with no hops is accepted (Go decodes it) when its
 * CurrINF and CurrHF are 0. */
SNET_EXTERN int snet_scion_raw_parse(const uint8_t *buf, size_t len, snet_scion_raw *r);
SNET_EXTERN int snet_scion_path_parse(const uint8_t *buf, size_t len, snet_scion_path *p);
SNET_EXTERN void snet_scion_raw_info(const snet_scion_raw *r, unsigned i, snet_info_field *f);
SNET_EXTERN void snet_scion_raw_hop(const snet_scion_raw *r, unsigned i, snet_hop_field *f);

SNET_EXTERN size_t snet_scion_path_len(const snet_scion_path *p);
/* Returns the length or SNET_E_NOBUF. */
SNET_EXTERN int snet_scion_path_emit(const snet_scion_path *p, uint8_t *buf, size_t cap);

/* Which info field holds hop hf (Go: Base.infIndexForHF). */
SNET_EXTERN uint8_t snet_path_meta_inf_for_hf(const snet_path_meta *m, uint8_t hf);

/* Advances CurrHF and recomputes CurrINF (Go: Base.IncPath). SNET_E_EMPTY_PATH or
 * SNET_E_PATH_AT_END. The in-place variant rewrites the PathMeta of raw path bytes. */
SNET_EXTERN int snet_scion_path_inc(snet_scion_path *p);
SNET_EXTERN int snet_scion_raw_inc(uint8_t *buf, size_t len);
/* True when the next hop field belongs to another segment (Go: Base.IsXover). */
SNET_EXTERN bool snet_scion_path_is_xover(const snet_scion_path *p);

/* ---- OneHop (type 2) and EPIC (type 3) --------------------------------------------------- */

typedef struct snet_onehop_path {
	snet_info_field info;
	snet_hop_field first;
	snet_hop_field second;
} snet_onehop_path;

/* Parses exactly SNET_ONEHOP_LEN bytes: SNET_E_TRUNCATED or SNET_E_BAD_PATH_LEN otherwise. */
SNET_EXTERN int snet_onehop_parse(const uint8_t *buf, size_t len, snet_onehop_path *p);
SNET_EXTERN int snet_onehop_emit(const snet_onehop_path *p, uint8_t *buf, size_t cap);

typedef struct snet_epic_path {
	uint32_t timestamp; /* PktID: relative timestamp */
	uint32_t counter;   /* PktID: counter */
	uint8_t phvf[4];
	uint8_t lhvf[4];
	snet_scion_raw scion; /* the SCION path after the 16-byte prefix; points into the buffer */
} snet_epic_path;

SNET_EXTERN int snet_epic_parse(const uint8_t *buf, size_t len, snet_epic_path *p);
/* Writes the 16-byte prefix followed by p->scion.raw. */
SNET_EXTERN int snet_epic_emit(const snet_epic_path *p, uint8_t *buf, size_t cap);

/* Checks raw path bytes against their type. Returns 0 or a path error. */
SNET_EXTERN int snet_path_check(uint8_t path_type, const uint8_t *buf, size_t len);

/* ---- Extension headers (HBH 200, E2E 201) ------------------------------------------------ */

#define SNET_OPT_PAD1 0
#define SNET_OPT_PADN 1
#define SNET_OPT_SPAO 2

typedef struct snet_ext {
	uint8_t next_hdr;
	uint8_t ext_len;       /* (ext_len+1)*4 bytes in all */
	const uint8_t *opts;   /* the TLV area after NextHdr/ExtLen; points into the buffer */
	size_t opts_len;
} snet_ext;

/* One option. Pad1 has type 0, len 0 and no data. */
typedef struct snet_opt {
	uint8_t type;
	uint8_t len;          /* data length */
	const uint8_t *data;
	uint8_t align_x, align_y; /* emit only: place the option at offset x*n+y (Go's OptAlign) */
} snet_opt;

/* Parses one extension header. Returns its length or SNET_E_TRUNCATED, SNET_E_BAD_EXT_LEN,
 * SNET_E_BAD_OPT_LEN. */
SNET_EXTERN int snet_ext_parse(const uint8_t *buf, size_t len, snet_ext *e);

/* Iterates over options: *pos starts at 0. Returns 1 with *o filled, 0 at the end, or
 * SNET_E_BAD_OPT_LEN (and stops). */
SNET_EXTERN int snet_ext_next_opt(const snet_ext *e, size_t *pos, snet_opt *o);

/* Writes an extension header holding opts in order. With SNET_EXT_ALIGN, each option with
 * align_x set is placed at x*n+y and the end is padded to 4 bytes with Pad1/PadN, as Go's
 * serializeTLVOptions with FixLengths does; without it, options are written as given and the
 * total must already be a multiple of 4 (else SNET_E_HDR_NOT_ALIGNED). Returns the length or
 * SNET_E_NOBUF, SNET_E_BAD_OPT_ALIGN. */
#define SNET_EXT_ALIGN 0x1
SNET_EXTERN int snet_ext_emit(uint8_t next_hdr, const snet_opt *opts, size_t n, unsigned flags,
			      uint8_t *buf, size_t cap);

/* SPAO (Go: pkg/slayers/pkt_auth.go), the data of option type 2. */
typedef struct snet_spao {
	uint32_t spi;
	uint8_t algorithm;
	uint8_t rsv;
	uint64_t ts_seq;          /* 48 bits */
	const uint8_t *auth;      /* points into the option data */
	size_t auth_len;
} snet_spao;
SNET_EXTERN int snet_spao_parse(const snet_opt *o, snet_spao *s);
/* Writes the option data (12 + auth_len bytes). Returns the length or SNET_E_NOBUF. */
SNET_EXTERN int snet_spao_emit(const snet_spao *s, uint8_t *buf, size_t cap);

/* ---- UDP and SCMP ------------------------------------------------------------------------ */

typedef struct snet_udp {
	uint16_t src_port, dst_port;
	uint16_t length;    /* header + payload; 0 means "the rest of the packet" */
	uint16_t checksum;
} snet_udp;

enum {
	SNET_SCMP_DEST_UNREACHABLE = 1,
	SNET_SCMP_PACKET_TOO_BIG = 2,
	SNET_SCMP_PARAMETER_PROBLEM = 4,
	SNET_SCMP_EXT_IF_DOWN = 5,
	SNET_SCMP_INT_CONN_DOWN = 6,
	SNET_SCMP_ECHO_REQUEST = 128,
	SNET_SCMP_ECHO_REPLY = 129,
	SNET_SCMP_TRACEROUTE_REQUEST = 130,
	SNET_SCMP_TRACEROUTE_REPLY = 131,
};

/* The SCMP header and the info block of its type; fields a type lacks stay 0. */
typedef struct snet_scmp {
	uint8_t type, code;
	uint16_t checksum;
	uint16_t identifier;  /* echo, traceroute */
	uint16_t seq;         /* echo SeqNumber, traceroute Sequence */
	uint64_t ia;          /* traceroute, interface down */
	uint64_t interface;   /* traceroute, external interface down */
	uint64_t ingress, egress; /* internal connectivity down */
	uint16_t mtu;         /* packet too big */
	uint16_t pointer;     /* parameter problem */
	uint32_t rsv;         /* unused/reserved bytes of dest unreachable (4), PTB and PP (2) */
} snet_scmp;

/* Length of the info block that follows the 4-byte header for a type (0 for unknown types,
 * whose whole rest is data). */
SNET_EXTERN size_t snet_scmp_info_len(uint8_t type);
/* True for error messages (types below 128). */
static inline bool snet_scmp_is_error(uint8_t type)
{
	return type < 128;
}
SNET_EXTERN const char *snet_scmp_type_name(uint8_t type);

/* Write just the L4 header (UDP: 8 bytes; SCMP: 4 + info block), as given. Return the length or
 * SNET_E_NOBUF. For senders that keep headers and payload apart. */
SNET_EXTERN int snet_udp_hdr_emit(const snet_udp *u, uint8_t *buf, size_t cap);
SNET_EXTERN int snet_scmp_hdr_emit(const snet_scmp *s, uint8_t *buf, size_t cap);

/* ---- Whole packet ------------------------------------------------------------------------ */

typedef struct snet_pkt {
	snet_scion_hdr hdr;
	bool has_hbh, has_e2e;
	snet_ext hbh, e2e;
	uint8_t l4;            /* protocol after the extensions */
	snet_udp udp;          /* when l4 is UDP */
	snet_scmp scmp;        /* when l4 is SCMP */
	const uint8_t *payload; /* after the L4 header (UDP, SCMP info) or after the extensions */
	size_t payload_len;
	bool checksum_ok;      /* UDP/SCMP checksum as given matches the computed one */
} snet_pkt;

/* Parses a whole packet. Returns the packet length or a negative SNET_E_*; *off (may be NULL)
 * gets the byte offset where parsing stopped. Wrong checksums are accepted and reported in
 * checksum_ok. Unknown L4 protocols are carried as payload. */
SNET_EXTERN int snet_pkt_parse(const uint8_t *buf, size_t len, snet_pkt *p, size_t *off);
/* The same with flags: SNET_PARSE_NO_CHECKSUM skips the L4 checksum (checksum_ok is then
 * false), for callers that do not act on it, as Go's DecodeLayers does not verify it. */
#define SNET_PARSE_NO_CHECKSUM 0x1
SNET_EXTERN int snet_pkt_parse_flags(const uint8_t *buf, size_t len, snet_pkt *p, size_t *off,
				     unsigned flags);

/* Emit flags. SNET_EMIT_LENGTHS computes HdrLen, PayloadLen, ExtLen and UDP Length from the
 * parts; SNET_EMIT_CHECKSUM computes the UDP/SCMP checksum. Without them the values in the
 * struct are written as given, so that what parses emits to the same bytes. */
#define SNET_EMIT_LENGTHS 0x1
#define SNET_EMIT_CHECKSUM 0x2
#define SNET_EMIT_FIX (SNET_EMIT_LENGTHS | SNET_EMIT_CHECKSUM)

/* Writes a whole packet: the SCION header, the extensions (from their raw option bytes), the
 * L4 header and the payload. Returns the length or SNET_E_NOBUF, SNET_E_HDR_TOO_LONG,
 * SNET_E_HDR_NOT_ALIGNED. */
SNET_EXTERN int snet_pkt_emit(const snet_pkt *p, unsigned flags, uint8_t *buf, size_t cap);

/* The L4 checksum over the pseudo header (Go: SCION.computeChecksum): l4 points at the L4
 * header with its checksum field as found (it is skipped at csum_off), l4_len its length. */
SNET_EXTERN uint16_t snet_l4_checksum(const snet_scion_hdr *h, uint8_t proto, const uint8_t *l4,
				      size_t l4_len, size_t csum_off);

/* The same over scattered L4 bytes whose checksum field the caller has zeroed, for senders
 * that keep header and payload apart. */
SNET_EXTERN uint16_t snet_l4_checksum_v(const snet_scion_hdr *h, uint8_t proto,
					const struct iovec *iov, size_t n);

/* The UDP checksum from the header's fields (its checksum taken as zero) and the scattered
 * payload: for senders that have just written the header, whose bytes read back at once
 * would stall the CPU (a wide load over narrow stores is not forwarded from them). */
SNET_EXTERN uint16_t snet_udp_checksum_v(const snet_scion_hdr *h, const snet_udp *u,
					 const struct iovec *payload, size_t n);

#ifdef __cplusplus
}
#endif
#endif
