/* SPDX-License-Identifier: Apache-2.0 */
/* JSON -> packet bytes. Lengths and checksums the JSON omits are computed; given ones are
 * written as they are, so that malformed packets can be built on purpose. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pkt_json.h"

#define EXT_MAX 1024
/* As many options as an extension can hold: all Pad1 in (255+1)*4 bytes less NextHdr/ExtLen. */
#define MAX_OPTS (EXT_MAX - 2)

struct ctx {
	char where[96];   /* the object being read: "path.hop_fields[2]" */
	char what[256];   /* what failed: "path.hop_fields[2].mac: expected 6 bytes of hex" */
	snet_opt opts[MAX_OPTS];
	uint8_t path[SNET_MAX_HDR_LEN];
	uint8_t ext[2][EXT_MAX];
	uint8_t opt_data[2][EXT_MAX];
	uint8_t payload[65536];
};

/* Descends into a member ("path", "[2]"); returns what leave() restores. */
static size_t enter(struct ctx *c, const char *fmt, ...)
{
	size_t old = strlen(c->where);
	va_list ap;
	if (old && fmt[0] != '[' && old + 1 < sizeof(c->where))
		strcat(c->where, ".");
	va_start(ap, fmt);
	vsnprintf(c->where + strlen(c->where), sizeof(c->where) - strlen(c->where), fmt, ap);
	va_end(ap);
	return old;
}

static void leave(struct ctx *c, size_t old)
{
	c->where[old] = 0;
}

/* Key k of the current object is wrong: why (NULL: the error's text). */
static int bad_why(struct ctx *c, const char *k, int err, const char *why)
{
	bool dot = *c->where && *k && *k != '[';
	snprintf(c->what, sizeof(c->what), "%s%s%s: %s", c->where, dot ? "." : "", k,
		 why ? why : snet_strerror(err));
	return err;
}

static int bad(struct ctx *c, const char *k, int err)
{
	return bad_why(c, k, err, NULL);
}

/* What a bad unsigned field should have been. */
static int bad_uint(struct ctx *c, const char *k, uint64_t max)
{
	char why[80];
	snprintf(why, sizeof(why), "expected an integer 0..%llu%s", (unsigned long long)max,
		 max > (uint64_t)INT64_MAX ? " (above 2^63-1 as a decimal string)" : "");
	return bad_why(c, k, SNET_E_BAD_FIELD, why);
}

/* A decimal string for a 64-bit field (json_out.c writes values above 2^63-1 so). */
static int u64_text(const char *t, uint64_t max, uint64_t *v)
{
	char *end;
	if (*t < '0' || *t > '9' || (t[0] == '0' && t[1]))
		return -1;
	errno = 0;
	unsigned long long x = strtoull(t, &end, 10);
	if (errno || *end || x > max)
		return -1;
	*v = x;
	return 0;
}

/* An unsigned integer field; absent leaves *v as is and returns 0 with *given false. A field
 * whose range passes 2^63-1 may also be a decimal string. */
static int get_uint(struct ctx *c, json_t *o, const char *k, uint64_t max, uint64_t *v,
		    bool *given)
{
	json_t *j = json_object_get(o, k);
	if (given)
		*given = j != NULL;
	if (!j)
		return 0;
	if (json_is_string(j) && max > (uint64_t)INT64_MAX)
		return u64_text(json_string_value(j), max, v) ? bad_uint(c, k, max) : 0;
	if (!json_is_integer(j) || json_integer_value(j) < 0 ||
	    (uint64_t)json_integer_value(j) > max)
		return bad_uint(c, k, max);
	*v = (uint64_t)json_integer_value(j);
	return 0;
}

#define GET(c, o, k, max, dst)                                                                     \
	do {                                                                                       \
		uint64_t v_ = (dst);                                                               \
		int e_ = get_uint((c), (o), (k), (max), &v_, NULL);                                \
		if (e_)                                                                            \
			return e_;                                                                 \
		(dst) = v_;                                                                        \
	} while (0)

static int get_bool(struct ctx *c, json_t *o, const char *k, bool *v)
{
	json_t *j = json_object_get(o, k);
	if (!j)
		return 0;
	if (!json_is_boolean(j))
		return bad_why(c, k, SNET_E_BAD_FIELD, "expected true or false");
	*v = json_is_true(j);
	return 0;
}

static int get_hex(struct ctx *c, json_t *o, const char *k, uint8_t *out, size_t cap, size_t *n)
{
	json_t *j = json_object_get(o, k);
	size_t off;
	*n = 0;
	if (!j)
		return 0;
	if (!json_is_string(j))
		return bad_why(c, k, SNET_E_BAD_FIELD, "expected a string of hex");
	int r = snet_hex_decode(json_string_value(j), json_string_length(j), out, cap, &off);
	if (r < 0)
		return bad(c, k, r);
	*n = (size_t)r;
	return 0;
}

static int get_ia(struct ctx *c, json_t *o, const char *k, uint64_t *ia)
{
	json_t *j = json_object_get(o, k);
	if (!j)
		return 0;
	if (!json_is_string(j))
		return bad_why(c, k, SNET_E_BAD_FIELD, "expected an ISD-AS string such as \"1-ff00:0:110\"");
	int e = snet_ia_parse(json_string_value(j), json_string_length(j), ia);
	return e ? bad(c, k, e) : 0;
}

static int parse_unknown_svc(const char *s, uint16_t *svc)
{
	unsigned v;
	char tail[4] = "";
	int n = sscanf(s, "<SVC:0x%4x>%3s", &v, tail);
	if (n < 1 || (n == 2 && strcmp(tail, "_M") != 0))
		return -1;
	*svc = (uint16_t)(v | (n == 2 ? SNET_SVC_MCAST : 0));
	return 0;
}

/* The 2 reserved bytes after an SVC value (dst_svc_rsv/src_svc_rsv), written as given. */
static int get_svc_rsv(struct ctx *c, json_t *o, const char *k, uint8_t raw[16])
{
	size_t n;
	int e = get_hex(c, o, k, raw + 2, 2, &n);
	if (e)
		return e;
	return json_object_get(o, k) && n != 2
		       ? bad_why(c, k, SNET_E_BAD_FIELD, "expected 2 bytes of hex")
		       : 0;
}

/* Host bytes as the JSON gives them, like slayers' raw addresses: an IPv4-mapped IPv6 text
 * stays 16 bytes (only replies and conns unmap, as Go's PackAddr does). */
static int get_host(struct ctx *c, json_t *o, const char *k, const char *rsv, uint8_t *type,
		    uint8_t raw[16])
{
	json_t *j = json_object_get(o, k);
	snet_host h;
	uint16_t svc;
	if (!j)
		return bad_why(c, k, SNET_E_BAD_FIELD, "missing");
	if (!json_is_string(j))
		return bad_why(c, k, SNET_E_BAD_FIELD, "expected an IP or SVC string");
	const char *s = json_string_value(j);
	bool unknown = parse_unknown_svc(s, &svc) == 0;
	int e = unknown ? 0 : snet_host_parse(s, json_string_length(j), &h);
	if (e)
		return bad(c, k, e);
	if (unknown || h.type == SNET_HOST_SVC) {
		snet_scion_hdr_set_svc(type, raw, unknown ? svc : h.svc);
		return get_svc_rsv(c, o, rsv, raw);
	}
	if (json_object_get(o, rsv))
		return bad_why(c, rsv, SNET_E_BAD_FIELD, "only with an SVC host");
	memset(raw, 0, 16);
	*type = h.type == SNET_HOST_IP4 ? SNET_ADDR_IP4 : SNET_ADDR_IP6;
	memcpy(raw, h.ip, h.type == SNET_HOST_IP4 ? 4 : 16);
	return 0;
}

static int info_from(struct ctx *c, json_t *o, snet_info_field *f)
{
	bool cons = false, peer = false;
	uint64_t rsvf = 0;
	if (!json_is_object(o))
		return bad_why(c, "", SNET_E_BAD_FIELD, "expected an info field object");
	memset(f, 0, sizeof(*f));
	int e = get_bool(c, o, "cons_dir", &cons);
	if (!e)
		e = get_bool(c, o, "peer", &peer);
	if (e)
		return e;
	GET(c, o, "seg_id", 0xffff, f->seg_id);
	GET(c, o, "timestamp", 0xffffffff, f->timestamp);
	GET(c, o, "rsv", 0xff, f->rsv);
	GET(c, o, "flags_rsv", 0xfc, rsvf);
	f->flags = (uint8_t)(rsvf | (cons ? SNET_INFO_CONS_DIR : 0) | (peer ? SNET_INFO_PEER : 0));
	return 0;
}

static int hop_from(struct ctx *c, json_t *o, snet_hop_field *f)
{
	bool in = false, eg = false;
	uint64_t rsvf = 0;
	size_t n;
	if (!json_is_object(o))
		return bad_why(c, "", SNET_E_BAD_FIELD, "expected a hop field object");
	memset(f, 0, sizeof(*f));
	int e = get_bool(c, o, "ingress_router_alert", &in);
	if (!e)
		e = get_bool(c, o, "egress_router_alert", &eg);
	if (e)
		return e;
	GET(c, o, "exp_time", 0xff, f->exp_time);
	GET(c, o, "cons_ingress", 0xffff, f->cons_ingress);
	GET(c, o, "cons_egress", 0xffff, f->cons_egress);
	GET(c, o, "flags_rsv", 0xfc, rsvf);
	f->flags = (uint8_t)(rsvf | (in ? SNET_HOP_INGRESS_ALERT : 0) | (eg ? SNET_HOP_EGRESS_ALERT : 0));
	if ((e = get_hex(c, o, "mac", f->mac, SNET_MAC_LEN, &n)))
		return e;
	return json_object_get(o, "mac") && n != SNET_MAC_LEN
		       ? bad_why(c, "mac", SNET_E_BAD_FIELD, "expected 6 bytes of hex")
		       : 0;
}

static int fields_from(struct ctx *c, json_t *o, snet_scion_path *p)
{
	json_t *infs = json_object_get(o, "info_fields"), *hops = json_object_get(o, "hop_fields");
	char why[64];
	snprintf(why, sizeof(why), "expected an array of %u (as seg_len says)", p->num_inf);
	if (!json_is_array(infs) || json_array_size(infs) != p->num_inf)
		return bad_why(c, "info_fields", SNET_E_BAD_FIELD, why);
	snprintf(why, sizeof(why), "expected an array of %u (as seg_len says)", p->num_hops);
	if (!json_is_array(hops) || json_array_size(hops) != p->num_hops)
		return bad_why(c, "hop_fields", SNET_E_BAD_FIELD, why);
	for (unsigned i = 0; i < p->num_inf; i++) {
		size_t at = enter(c, "info_fields[%u]", i);
		int e = info_from(c, json_array_get(infs, i), &p->inf[i]);
		if (e)
			return e;
		leave(c, at);
	}
	for (unsigned i = 0; i < p->num_hops; i++) {
		size_t at = enter(c, "hop_fields[%u]", i);
		int e = hop_from(c, json_array_get(hops, i), &p->hop[i]);
		if (e)
			return e;
		leave(c, at);
	}
	return 0;
}

static int scion_from(struct ctx *c, json_t *o, snet_scion_path *p)
{
	json_t *segs = json_object_get(o, "seg_len");
	memset(p, 0, sizeof(*p));
	if (!json_is_object(o))
		return bad_why(c, "", SNET_E_BAD_FIELD, "expected a SCION path object");
	GET(c, o, "curr_inf", 3, p->meta.curr_inf);
	GET(c, o, "curr_hf", 63, p->meta.curr_hf);
	GET(c, o, "rsv", 63, p->meta.rsv);
	if (!json_is_array(segs) || json_array_size(segs) != SNET_MAX_INFS)
		return bad_why(c, "seg_len", SNET_E_BAD_FIELD, "expected an array of 3 integers");
	for (int i = 0; i < SNET_MAX_INFS; i++) {
		json_t *s = json_array_get(segs, (size_t)i);
		if (!json_is_integer(s) || json_integer_value(s) < 0 || json_integer_value(s) > 63)
			return bad_why(c, "seg_len", SNET_E_BAD_FIELD, "expected integers 0..63");
		p->meta.seg_len[i] = (uint8_t)json_integer_value(s);
		p->num_hops = (uint8_t)(p->num_hops + p->meta.seg_len[i]);
		if (p->meta.seg_len[i])
			p->num_inf = (uint8_t)(i + 1);
	}
	if (p->num_hops > SNET_MAX_HOPS)
		return bad(c, "seg_len", SNET_E_TOO_MANY_HOPS);
	return fields_from(c, o, p);
}

static int onehop_from(struct ctx *c, json_t *o, size_t *len)
{
	snet_onehop_path oh;
	size_t at = enter(c, "info_field");
	int e = info_from(c, json_object_get(o, "info_field"), &oh.info);
	if (e)
		return e;
	leave(c, at);
	at = enter(c, "first_hop");
	if ((e = hop_from(c, json_object_get(o, "first_hop"), &oh.first)))
		return e;
	leave(c, at);
	at = enter(c, "second_hop");
	if ((e = hop_from(c, json_object_get(o, "second_hop"), &oh.second)))
		return e;
	leave(c, at);
	*len = (size_t)snet_onehop_emit(&oh, c->path, sizeof(c->path));
	return 0;
}

static int epic_from(struct ctx *c, json_t *o, size_t *len)
{
	snet_scion_path sp;
	snet_epic_path ep = { 0 };
	size_t n;
	GET(c, o, "timestamp", 0xffffffff, ep.timestamp);
	GET(c, o, "counter", 0xffffffff, ep.counter);
	int e = get_hex(c, o, "phvf", ep.phvf, 4, &n);
	if (!e)
		e = get_hex(c, o, "lhvf", ep.lhvf, 4, &n);
	if (e)
		return e;
	size_t at = enter(c, "scion");
	if ((e = scion_from(c, json_object_get(o, "scion"), &sp)))
		return e;
	leave(c, at);
	int r = snet_scion_path_emit(&sp, c->path + SNET_EPIC_META_LEN,
				     sizeof(c->path) - SNET_EPIC_META_LEN);
	ep.scion.raw = c->path + SNET_EPIC_META_LEN;
	ep.scion.len = (size_t)r;
	*len = (size_t)snet_epic_emit(&ep, c->path, sizeof(c->path));
	return 0;
}

static uint8_t infer_path_type(json_t *o)
{
	if (json_object_get(o, "scion"))
		return SNET_PATH_EPIC;
	if (json_object_get(o, "first_hop"))
		return SNET_PATH_ONEHOP;
	if (json_object_get(o, "hop_fields"))
		return SNET_PATH_SCION;
	return SNET_PATH_EMPTY;
}

static int path_from(struct ctx *c, json_t *root, snet_scion_hdr *h)
{
	json_t *o = json_object_get(root, "path");
	snet_scion_path sp;
	size_t len = 0;
	int e = 0;
	if (!json_is_object(o))
		return bad_why(c, "path", SNET_E_BAD_FIELD, o ? "expected an object" : "missing");
	h->path_type = infer_path_type(o);
	GET(c, root, "path_type", 0xff, h->path_type);
	size_t at = enter(c, "path");
	switch (h->path_type) {
	case SNET_PATH_SCION:
		if (!(e = scion_from(c, o, &sp)))
			len = (size_t)snet_scion_path_emit(&sp, c->path, sizeof(c->path));
		break;
	case SNET_PATH_ONEHOP:
		e = onehop_from(c, o, &len);
		break;
	case SNET_PATH_EPIC:
		e = epic_from(c, o, &len);
		break;
	case SNET_PATH_EMPTY:
		break;
	default:
		leave(c, at);
		return bad(c, "path_type", SNET_E_BAD_PATH_TYPE);
	}
	if (e)
		return e;
	leave(c, at);
	h->path = c->path;
	h->path_len = len;
	return 0;
}

static int opts_from(struct ctx *c, json_t *arr, int slot, snet_opt *opts, size_t *n)
{
	size_t used = 0;
	*n = 0;
	if (!arr || json_is_null(arr))
		return 0; /* no options: only the padding the length needs */
	if (!json_is_array(arr) || json_array_size(arr) > MAX_OPTS)
		return bad_why(c, "options", SNET_E_BAD_FIELD, "expected an array of at most 1022");
	*n = json_array_size(arr);
	for (size_t i = 0; i < *n; i++) {
		json_t *o = json_array_get(arr, i);
		size_t dl, at = enter(c, "options[%zu]", i);
		memset(&opts[i], 0, sizeof(opts[i]));
		if (!json_is_object(o))
			return bad_why(c, "", SNET_E_BAD_FIELD, "expected an option object");
		GET(c, o, "type", 0xff, opts[i].type);
		int e = get_hex(c, o, "data", c->opt_data[slot] + used, EXT_MAX - used, &dl);
		if (e)
			return e;
		if (dl > 255)
			return bad(c, "data", SNET_E_BAD_OPT_LEN);
		opts[i].data = c->opt_data[slot] + used;
		opts[i].len = (uint8_t)dl;
		used += dl;
		leave(c, at);
	}
	return 0;
}

static int ext_from(struct ctx *c, json_t *o, int slot, uint8_t next, snet_ext *e)
{
	snet_opt *opts = c->opts;
	size_t n;
	if (!json_is_object(o))
		return bad_why(c, "", SNET_E_BAD_FIELD, "expected an extension object");
	int r = opts_from(c, json_object_get(o, "options"), slot, opts, &n);
	if (r)
		return r;
	r = snet_ext_emit(next, opts, n, SNET_EXT_ALIGN, c->ext[slot], EXT_MAX);
	if (r < 0)
		return bad(c, "options", r);
	e->next_hdr = next;
	GET(c, o, "next_hdr", 0xff, e->next_hdr);
	e->ext_len = c->ext[slot][1];
	GET(c, o, "ext_len", 0xff, e->ext_len);
	e->opts = c->ext[slot] + 2;
	e->opts_len = (size_t)r - 2;
	return 0;
}

static int ext_kind(json_t *o)
{
	const char *k = json_string_value(json_object_get(o, "kind"));
	if (!k)
		return -1;
	return strcmp(k, "hbh") == 0 ? 0 : strcmp(k, "e2e") == 0 ? 1 : -1;
}

static int exts_from(struct ctx *c, json_t *root, snet_pkt *p)
{
	json_t *arr = json_object_get(root, "extensions");
	size_t n = arr ? json_array_size(arr) : 0;
	if (arr && (!json_is_array(arr) || n > 2))
		return bad_why(c, "extensions", SNET_E_BAD_FIELD, "expected an array of at most 2");
	for (size_t i = 0; i < n; i++) {
		json_t *o = json_array_get(arr, i);
		int kind = ext_kind(o);
		size_t at = enter(c, "extensions[%zu]", i);
		if (kind < 0)
			return bad_why(c, "kind", SNET_E_BAD_FIELD, "expected \"hbh\" or \"e2e\"");
		uint8_t next = i + 1 < n ? (uint8_t)(ext_kind(json_array_get(arr, i + 1)) ?
							     SNET_PROTO_E2E : SNET_PROTO_HBH)
					 : p->l4;
		int e = ext_from(c, o, (int)i, next, kind ? &p->e2e : &p->hbh);
		if (e)
			return e;
		leave(c, at);
		*(kind ? &p->has_e2e : &p->has_hbh) = true;
	}
	return 0;
}

static int scmp_from(struct ctx *c, json_t *o, snet_pkt *p)
{
	snet_scmp *s = &p->scmp;
	memset(s, 0, sizeof(*s));
	GET(c, o, "type", 0xff, s->type);
	GET(c, o, "code", 0xff, s->code);
	GET(c, o, "identifier", 0xffff, s->identifier);
	GET(c, o, "seq_number", 0xffff, s->seq);
	GET(c, o, "sequence", 0xffff, s->seq);
	GET(c, o, "interface", UINT64_MAX, s->interface);
	GET(c, o, "ingress", UINT64_MAX, s->ingress);
	GET(c, o, "egress", UINT64_MAX, s->egress);
	GET(c, o, "mtu", 0xffff, s->mtu);
	GET(c, o, "pointer", 0xffff, s->pointer);
	GET(c, o, "rsv", 0xffffffff, s->rsv);
	return get_ia(c, o, "ia", &s->ia);
}

static int l4_from(struct ctx *c, json_t *root, snet_pkt *p)
{
	json_t *udp = json_object_get(root, "udp"), *scmp = json_object_get(root, "scmp");
	size_t n;
	int e = get_hex(c, root, "payload", c->payload, sizeof(c->payload), &n);
	if (e)
		return e;
	p->payload = c->payload;
	p->payload_len = n;
	if (udp) {
		if (!json_is_object(udp))
			return bad_why(c, "udp", SNET_E_BAD_FIELD, "expected an object");
		p->l4 = SNET_PROTO_UDP;
		size_t at = enter(c, "udp");
		GET(c, udp, "src_port", 0xffff, p->udp.src_port);
		GET(c, udp, "dst_port", 0xffff, p->udp.dst_port);
		leave(c, at);
	} else if (scmp) {
		if (!json_is_object(scmp))
			return bad_why(c, "scmp", SNET_E_BAD_FIELD, "expected an object");
		p->l4 = SNET_PROTO_SCMP;
		size_t at = enter(c, "scmp");
		if ((e = scmp_from(c, scmp, p)))
			return e;
		if (!json_object_get(root, "payload") &&
		    (e = get_hex(c, scmp, "quote", c->payload, sizeof(c->payload), &p->payload_len)))
			return e;
		leave(c, at);
	} else {
		p->l4 = SNET_PROTO_NONE;
	}
	return 0;
}

static int hdr_from(struct ctx *c, json_t *o, snet_scion_hdr *h)
{
	GET(c, o, "version", 0xf, h->version);
	GET(c, o, "traffic_class", 0xff, h->traffic_class);
	GET(c, o, "flow_id", 0xfffff, h->flow_id);
	GET(c, o, "rsv", 0xffff, h->rsv);
	int e = get_ia(c, o, "dst_ia", &h->dst_ia);
	if (!e)
		e = get_ia(c, o, "src_ia", &h->src_ia);
	if (!e)
		e = get_host(c, o, "dst_host", "dst_svc_rsv", &h->dst_type, h->dst_host);
	if (!e)
		e = get_host(c, o, "src_host", "src_svc_rsv", &h->src_type, h->src_host);
	return e;
}

static size_t l4_hdr_len(const snet_pkt *p)
{
	if (p->l4 == SNET_PROTO_UDP)
		return SNET_UDP_HDR_LEN;
	if (p->l4 == SNET_PROTO_SCMP)
		return SNET_SCMP_HDR_LEN + snet_scmp_info_len(p->scmp.type);
	return 0;
}

/* Given lengths win; the rest follow from the parts. */
static int lengths_from(struct ctx *c, json_t *root, snet_pkt *p)
{
	size_t body = p->payload_len + l4_hdr_len(p);
	if (p->has_hbh)
		body += 2 + p->hbh.opts_len;
	if (p->has_e2e)
		body += 2 + p->e2e.opts_len;
	if (body > 0xffff)
		return bad_why(c, "payload", SNET_E_BAD_FIELD, "more than 65535 bytes after the header");
	p->hdr.hdr_len = (uint8_t)(snet_scion_hdr_len(&p->hdr) / SNET_LINE_LEN);
	p->hdr.payload_len = (uint16_t)body;
	GET(c, root, "hdr_len", 0xff, p->hdr.hdr_len);
	GET(c, root, "payload_len", 0xffff, p->hdr.payload_len);
	json_t *udp = json_object_get(root, "udp");
	if (udp) {
		size_t ul = SNET_UDP_HDR_LEN + p->payload_len, at = enter(c, "udp");
		p->udp.length = ul > 0xffff ? 0 : (uint16_t)ul;
		GET(c, udp, "length", 0xffff, p->udp.length);
		leave(c, at);
	}
	return 0;
}

static bool checksum_given(struct ctx *c, json_t *root, snet_pkt *p)
{
	json_t *l4 = json_object_get(root, p->l4 == SNET_PROTO_UDP ? "udp" : "scmp");
	uint64_t v = 0;
	bool given = false;
	if (!l4 || get_uint(c, l4, "checksum", 0xffff, &v, &given) || !given)
		return false;
	p->udp.checksum = p->scmp.checksum = (uint16_t)v;
	return true;
}

int pkt_from_json(json_t *root, uint8_t *buf, size_t cap, const char **what)
{
	static struct ctx c; /* large buffers; the tool is single-threaded */
	snet_pkt p;
	memset(&p, 0, sizeof(p));
	c.where[0] = 0;
	snprintf(c.what, sizeof(c.what), "packet");
	int e = json_is_object(root) ? 0
				     : bad_why(&c, "(top)", SNET_E_BAD_JSON, "expected a JSON object");
	if (!e)
		e = hdr_from(&c, root, &p.hdr);
	if (!e)
		e = path_from(&c, root, &p.hdr);
	if (!e)
		e = l4_from(&c, root, &p);
	if (!e)
		e = exts_from(&c, root, &p);
	if (!e) {
		uint64_t nh = p.has_hbh ? SNET_PROTO_HBH : p.has_e2e ? SNET_PROTO_E2E : p.l4;
		e = get_uint(&c, root, "next_hdr", 0xff, &nh, NULL);
		p.hdr.next_hdr = (uint8_t)nh;
		if (!e)
			e = lengths_from(&c, root, &p);
	}
	if (e) {
		*what = c.what;
		return e;
	}
	unsigned flags = checksum_given(&c, root, &p) ? 0 : SNET_EMIT_CHECKSUM;
	int n = snet_pkt_emit(&p, flags, buf, cap);
	if (n < 0) {
		snprintf(c.what, sizeof(c.what), "packet: %s", snet_strerror(n));
		*what = c.what;
	}
	return n;
}
