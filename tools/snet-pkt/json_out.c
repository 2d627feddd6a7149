/* SPDX-License-Identifier: Apache-2.0 */
/* Parsed packet -> JSON. Keys are snake_case after Go's slayers field names. */
#include <stdio.h>
#include <string.h>

#include "pkt_json.h"

static void set_int(json_t *o, const char *k, uint64_t v)
{
	json_object_set_new(o, k, json_integer((json_int_t)v));
}

/* Unsigned 64-bit values: a JSON number up to 2^63-1, a decimal string above (JSON numbers
 * past that lose precision or sign in most parsers; json_in.c accepts both forms). */
static void set_u64(json_t *o, const char *k, uint64_t v)
{
	char b[24];
	if (v <= (uint64_t)INT64_MAX) {
		json_object_set_new(o, k, json_integer((json_int_t)v));
		return;
	}
	snprintf(b, sizeof(b), "%llu", (unsigned long long)v);
	json_object_set_new(o, k, json_string(b));
}

static void set_str(json_t *o, const char *k, const char *v)
{
	json_object_set_new(o, k, json_string(v));
}

static json_t *ia_json(uint64_t ia)
{
	char b[SNET_IA_STRLEN];
	snet_ia_format(ia, b, sizeof(b));
	return json_string(b);
}

/* Hosts as netip prints them: a 16-byte IPv4-mapped address stays "::ffff:a.b.c.d", so that
 * encoding the text gives the same address type back. */
static json_t *host_json(uint8_t type, const uint8_t raw[16])
{
	char b[SNET_ADDR_STRLEN];
	snet_host h = { 0 };
	if (type == SNET_ADDR_SVC) {
		snet_svc_format((uint16_t)(raw[0] << 8 | raw[1]), b, sizeof(b));
		return json_string(b);
	}
	h.type = type == SNET_ADDR_IP4 ? SNET_HOST_IP4 : SNET_HOST_IP6;
	memcpy(h.ip, raw, 16);
	static const uint8_t pfx[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	if (h.type == SNET_HOST_IP6 && memcmp(raw, pfx, 12) == 0)
		snprintf(b, sizeof(b), "::ffff:%u.%u.%u.%u", raw[12], raw[13], raw[14], raw[15]);
	else
		snet_host_format(&h, b, sizeof(b));
	return json_string(b);
}

static json_t *info_json(const snet_info_field *f)
{
	json_t *o = json_object();
	json_object_set_new(o, "cons_dir", json_boolean(f->flags & SNET_INFO_CONS_DIR));
	json_object_set_new(o, "peer", json_boolean(f->flags & SNET_INFO_PEER));
	set_int(o, "seg_id", f->seg_id);
	set_int(o, "timestamp", f->timestamp);
	/* Reserved bits only when set, so that such packets still round-trip. */
	if (f->flags & ~(SNET_INFO_CONS_DIR | SNET_INFO_PEER))
		set_int(o, "flags_rsv", f->flags & ~(SNET_INFO_CONS_DIR | SNET_INFO_PEER));
	if (f->rsv)
		set_int(o, "rsv", f->rsv);
	return o;
}

static json_t *hop_json(const snet_hop_field *f)
{
	json_t *o = json_object();
	json_object_set_new(o, "ingress_router_alert",
			    json_boolean(f->flags & SNET_HOP_INGRESS_ALERT));
	json_object_set_new(o, "egress_router_alert", json_boolean(f->flags & SNET_HOP_EGRESS_ALERT));
	set_int(o, "exp_time", f->exp_time);
	set_int(o, "cons_ingress", f->cons_ingress);
	set_int(o, "cons_egress", f->cons_egress);
	json_object_set_new(o, "mac", json_hex(f->mac, SNET_MAC_LEN));
	if (f->flags & ~(SNET_HOP_INGRESS_ALERT | SNET_HOP_EGRESS_ALERT))
		set_int(o, "flags_rsv", f->flags & ~(SNET_HOP_INGRESS_ALERT | SNET_HOP_EGRESS_ALERT));
	return o;
}

static json_t *scion_json(const snet_scion_raw *r)
{
	json_t *o = json_object(), *segs = json_array(), *infs = json_array(),
	       *hops = json_array();
	set_int(o, "curr_inf", r->meta.curr_inf);
	set_int(o, "curr_hf", r->meta.curr_hf);
	set_int(o, "rsv", r->meta.rsv);
	for (int i = 0; i < SNET_MAX_INFS; i++)
		json_array_append_new(segs, json_integer(r->meta.seg_len[i]));
	json_object_set_new(o, "seg_len", segs);
	for (unsigned i = 0; i < r->num_inf; i++) {
		snet_info_field f;
		snet_scion_raw_info(r, i, &f);
		json_array_append_new(infs, info_json(&f));
	}
	for (unsigned i = 0; i < r->num_hops; i++) {
		snet_hop_field f;
		snet_scion_raw_hop(r, i, &f);
		json_array_append_new(hops, hop_json(&f));
	}
	json_object_set_new(o, "info_fields", infs);
	json_object_set_new(o, "hop_fields", hops);
	return o;
}

static json_t *path_json(const snet_scion_hdr *h)
{
	snet_scion_raw r;
	snet_onehop_path oh;
	snet_epic_path e;
	json_t *o;

	/* The header parser already checked the path, so these cannot fail. */
	switch (h->path_type) {
	case SNET_PATH_SCION:
		snet_scion_raw_parse(h->path, h->path_len, &r);
		return scion_json(&r);
	case SNET_PATH_ONEHOP:
		snet_onehop_parse(h->path, h->path_len, &oh);
		o = json_object();
		json_object_set_new(o, "info_field", info_json(&oh.info));
		json_object_set_new(o, "first_hop", hop_json(&oh.first));
		json_object_set_new(o, "second_hop", hop_json(&oh.second));
		return o;
	case SNET_PATH_EPIC:
		snet_epic_parse(h->path, h->path_len, &e);
		o = json_object();
		set_int(o, "timestamp", e.timestamp);
		set_int(o, "counter", e.counter);
		json_object_set_new(o, "phvf", json_hex(e.phvf, 4));
		json_object_set_new(o, "lhvf", json_hex(e.lhvf, 4));
		json_object_set_new(o, "scion", scion_json(&e.scion));
		return o;
	default:
		return json_object();
	}
}

static json_t *ext_json(const char *kind, const snet_ext *e)
{
	json_t *o = json_object(), *opts = json_array();
	snet_opt opt;
	size_t pos = 0;
	set_str(o, "kind", kind);
	set_int(o, "next_hdr", e->next_hdr);
	set_int(o, "ext_len", e->ext_len);
	while (snet_ext_next_opt(e, &pos, &opt) > 0) {
		json_t *j = json_object();
		set_int(j, "type", opt.type);
		json_object_set_new(j, "data", json_hex(opt.data, opt.len));
		json_array_append_new(opts, j);
	}
	json_object_set_new(o, "options", opts);
	return o;
}

static json_t *udp_json(const snet_pkt *p)
{
	json_t *o = json_object();
	set_int(o, "src_port", p->udp.src_port);
	set_int(o, "dst_port", p->udp.dst_port);
	set_int(o, "length", p->udp.length);
	set_int(o, "checksum", p->udp.checksum);
	json_object_set_new(o, "checksum_ok", json_boolean(p->checksum_ok));
	return o;
}

static void scmp_fields(json_t *o, const snet_scmp *s)
{
	switch (s->type) {
	case SNET_SCMP_ECHO_REQUEST:
	case SNET_SCMP_ECHO_REPLY:
		set_int(o, "identifier", s->identifier);
		set_int(o, "seq_number", s->seq);
		break;
	case SNET_SCMP_TRACEROUTE_REQUEST:
	case SNET_SCMP_TRACEROUTE_REPLY:
		set_int(o, "identifier", s->identifier);
		set_int(o, "sequence", s->seq);
		json_object_set_new(o, "ia", ia_json(s->ia));
		set_u64(o, "interface", s->interface);
		break;
	case SNET_SCMP_PACKET_TOO_BIG:
		set_int(o, "mtu", s->mtu);
		break;
	case SNET_SCMP_PARAMETER_PROBLEM:
		set_int(o, "pointer", s->pointer);
		break;
	case SNET_SCMP_EXT_IF_DOWN:
		json_object_set_new(o, "ia", ia_json(s->ia));
		set_u64(o, "interface", s->interface);
		break;
	case SNET_SCMP_INT_CONN_DOWN:
		json_object_set_new(o, "ia", ia_json(s->ia));
		set_u64(o, "ingress", s->ingress);
		set_u64(o, "egress", s->egress);
		break;
	}
	if (s->rsv)
		set_int(o, "rsv", s->rsv);
}

static json_t *scmp_json(const snet_pkt *p)
{
	json_t *o = json_object();
	set_int(o, "type", p->scmp.type);
	set_int(o, "code", p->scmp.code);
	set_int(o, "checksum", p->scmp.checksum);
	json_object_set_new(o, "checksum_ok", json_boolean(p->checksum_ok));
	scmp_fields(o, &p->scmp);
	if (snet_scmp_is_error(p->scmp.type) && snet_scmp_info_len(p->scmp.type))
		json_object_set_new(o, "quote", json_hex(p->payload, p->payload_len));
	return o;
}

json_t *pkt_to_json(const snet_pkt *p)
{
	const snet_scion_hdr *h = &p->hdr;
	json_t *o = json_object(), *exts = json_array();
	set_int(o, "version", h->version);
	set_int(o, "traffic_class", h->traffic_class);
	set_int(o, "flow_id", h->flow_id);
	set_int(o, "next_hdr", h->next_hdr);
	set_int(o, "hdr_len", h->hdr_len);
	set_int(o, "payload_len", h->payload_len);
	set_int(o, "path_type", h->path_type);
	set_int(o, "rsv", h->rsv);
	json_object_set_new(o, "dst_ia", ia_json(h->dst_ia));
	json_object_set_new(o, "src_ia", ia_json(h->src_ia));
	json_object_set_new(o, "dst_host", host_json(h->dst_type, h->dst_host));
	json_object_set_new(o, "src_host", host_json(h->src_type, h->src_host));
	/* Bytes 2-3 of an SVC host are carried as they came (slayers keeps them), shown only
	 * when set, like the other reserved fields. */
	if (h->dst_type == SNET_ADDR_SVC && (h->dst_host[2] || h->dst_host[3]))
		json_object_set_new(o, "dst_svc_rsv", json_hex(h->dst_host + 2, 2));
	if (h->src_type == SNET_ADDR_SVC && (h->src_host[2] || h->src_host[3]))
		json_object_set_new(o, "src_svc_rsv", json_hex(h->src_host + 2, 2));
	json_object_set_new(o, "path", path_json(h));
	if (p->has_hbh)
		json_array_append_new(exts, ext_json("hbh", &p->hbh));
	if (p->has_e2e)
		json_array_append_new(exts, ext_json("e2e", &p->e2e));
	json_object_set_new(o, "extensions", exts);
	if (p->l4 == SNET_PROTO_UDP)
		json_object_set_new(o, "udp", udp_json(p));
	else if (p->l4 == SNET_PROTO_SCMP)
		json_object_set_new(o, "scmp", scmp_json(p));
	json_object_set_new(o, "payload", json_hex(p->payload, p->payload_len));
	return o;
}
