/* SPDX-License-Identifier: Apache-2.0 */
/* DaemonService messages <-> library types (Go: pkg/daemon/grpc.go). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../path/arena.h"
#include "daemon.pb-c.h"
#include "messages.h"
#include "snet/err.h"
#include "snet/topo_file.h"

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wformat-truncation"
#endif

typedef Proto__Daemon__V1__Path PbPath;

const char *snet__daemon_rpc_path(snet_daemon_req_type t)
{
	switch (t) {
	case SNET_DAEMON_PATHS:
		return "/proto.daemon.v1.DaemonService/Paths";
	case SNET_DAEMON_AS:
		return "/proto.daemon.v1.DaemonService/AS";
	case SNET_DAEMON_INTERFACES:
		return "/proto.daemon.v1.DaemonService/Interfaces";
	case SNET_DAEMON_SERVICES:
		return "/proto.daemon.v1.DaemonService/Services";
	case SNET_DAEMON_PORT_RANGE:
		return "/proto.daemon.v1.DaemonService/PortRange";
	case SNET_DAEMON_NOTIFY_IF_DOWN:
		return "/proto.daemon.v1.DaemonService/NotifyInterfaceDown";
	default:
		return NULL;
	}
}

size_t snet__daemon_encode_paths(uint64_t src, uint64_t dst, unsigned flags, uint8_t *out)
{
	Proto__Daemon__V1__PathsRequest r = PROTO__DAEMON__V1__PATHS_REQUEST__INIT;
	r.source_isd_as = src;
	r.destination_isd_as = dst;
	r.refresh = (flags & SNET_DAEMON_REFRESH) != 0;
	r.hidden = (flags & SNET_DAEMON_HIDDEN) != 0;
	return proto__daemon__v1__paths_request__pack(&r, out);
}

size_t snet__daemon_encode_ia(uint64_t ia, uint8_t *out)
{
	Proto__Daemon__V1__ASRequest r = PROTO__DAEMON__V1__ASREQUEST__INIT;
	r.isd_as = ia;
	return proto__daemon__v1__asrequest__pack(&r, out);
}

size_t snet__daemon_encode_if_down(uint64_t ia, uint64_t id, uint8_t *out)
{
	Proto__Daemon__V1__NotifyInterfaceDownRequest r =
		PROTO__DAEMON__V1__NOTIFY_INTERFACE_DOWN_REQUEST__INIT;
	r.isd_as = ia;
	r.id = id;
	return proto__daemon__v1__notify_interface_down_request__pack(&r, out);
}

__attribute__((format(printf, 3, 4))) static int bad(char *why, size_t cap, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (why && cap)
		vsnprintf(why, cap, fmt, ap);
	va_end(ap);
	return SNET_E_BAD_REPLY;
}

/* Go's utf8.Valid: no overlong forms, surrogates or code points past U+10FFFF. */
static bool utf8_valid(const uint8_t *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		uint8_t c = s[i];
		size_t len;
		uint32_t cp, min;
		if (c < 0x80) {
			i++;
			continue;
		} else if ((c & 0xe0) == 0xc0) {
			len = 2, cp = c & 0x1f, min = 0x80;
		} else if ((c & 0xf0) == 0xe0) {
			len = 3, cp = c & 0x0f, min = 0x800;
		} else if ((c & 0xf8) == 0xf0) {
			len = 4, cp = c & 0x07, min = 0x10000;
		} else {
			return false;
		}
		if (n - i < len)
			return false;
		for (size_t k = 1; k < len; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += len;
	}
	return true;
}

static bool has_nul(ProtobufCBinaryData b)
{
	return b.len && memchr(b.data, 0, b.len);
}

/* A protobuf string (declared bytes, see daemon.proto) as a C string in the arena. */
static const char *str_of(snet_path_set *a, ProtobufCBinaryData b, const char *field, char *why,
			  size_t cap, int *rc)
{
	if (!utf8_valid(b.data, b.len) || has_nul(b)) {
		*rc = bad(why, cap, "%s: %s", field,
			  has_nul(b) ? "string holds a NUL" : "invalid UTF-8");
		return NULL;
	}
	const char *s = snet__path_set_strdup(a, b.data, b.len);
	if (!s)
		*rc = -ENOMEM;
	return s;
}

/* An "ip:port" string field (Go: netip.ParseAddrPort). */
static int addr_of(ProtobufCBinaryData b, struct sockaddr_storage *ss, const char *field,
		   char *why, size_t cap)
{
	char s[80];
	if (b.len >= sizeof(s) || has_nul(b))
		return bad(why, cap, "%s: not an ip:port", field);
	if (b.len)
		memcpy(s, b.data, b.len);
	s[b.len] = '\0';
	if (snet_addrport_parse(s, ss))
		return bad(why, cap, "%s: not an ip:port: \"%s\"", field, s);
	return 0;
}

static void *take(snet_path_set *a, size_t n, size_t size, int *rc)
{
	if (n && size > SIZE_MAX / n) {
		*rc = -ENOMEM;
		return NULL;
	}
	void *p = snet__path_set_alloc(a, n * size);
	if (!p)
		*rc = -ENOMEM;
	return p;
}

static int convert_discovery(snet_path_set *a, const PbPath *pb, snet_path_metadata *m,
			     const char *at, char *why, size_t cap)
{
	int rc = 0;
	snet_path_discovery *d = take(a, pb->n_discovery_information, sizeof(*d), &rc);
	for (size_t i = 0; !rc && i < pb->n_discovery_information; i++) {
		const Proto__Daemon__V1__Path__DiscoveryInformationEntry *e =
			pb->discovery_information[i];
		const Proto__Daemon__V1__DiscoveryInformation *v = e->value;
		size_t nc = v ? v->n_control_service_addresses : 0;
		size_t nd = v ? v->n_discovery_service_addresses : 0;
		struct sockaddr_storage *cs = take(a, nc, sizeof(*cs), &rc);
		struct sockaddr_storage *ds = take(a, nd, sizeof(*ds), &rc);
		char f[96];
		for (size_t k = 0; !rc && k < nc; k++) {
			snprintf(f, sizeof(f), "%s.discovery_information[%zu].control_service_addresses[%zu]",
				 at, i, k);
			rc = addr_of(v->control_service_addresses[k], &cs[k], f, why, cap);
		}
		for (size_t k = 0; !rc && k < nd; k++) {
			snprintf(f, sizeof(f), "%s.discovery_information[%zu].discovery_service_addresses[%zu]",
				 at, i, k);
			rc = addr_of(v->discovery_service_addresses[k], &ds[k], f, why, cap);
		}
		if (!rc)
			d[i] = (snet_path_discovery){ .ia = e->key, .n_control = nc,
						      .n_discovery = nd, .control = cs,
						      .discovery = ds };
	}
	m->discovery = d;
	m->n_discovery = rc ? 0 : pb->n_discovery_information;
	return rc;
}

/* Latency, bandwidth, geo, link types, internal hops, notes, EPIC. */
static int convert_lists(snet_path_set *a, const PbPath *pb, snet_path_metadata *m,
			 const char *at, char *why, size_t cap)
{
	int rc = 0;
	int64_t *lat = take(a, pb->n_latency, sizeof(*lat), &rc);
	for (size_t i = 0; !rc && i < pb->n_latency; i++) {
		const Google__Protobuf__Duration *d = pb->latency[i];
		/* time.Second*time.Duration(v.Seconds) + time.Duration(v.Nanos), wrapping as Go */
		lat[i] = (int64_t)((uint64_t)d->seconds * 1000000000u + (uint64_t)(int64_t)d->nanos);
	}
	uint64_t *bw = take(a, pb->n_bandwidth, sizeof(*bw), &rc);
	if (!rc && pb->n_bandwidth)
		memcpy(bw, pb->bandwidth, pb->n_bandwidth * sizeof(*bw));
	snet_path_geo *geo = take(a, pb->n_geo, sizeof(*geo), &rc);
	for (size_t i = 0; !rc && i < pb->n_geo; i++) {
		char f[64];
		snprintf(f, sizeof(f), "%s.geo[%zu].address", at, i);
		geo[i].latitude = pb->geo[i]->latitude;
		geo[i].longitude = pb->geo[i]->longitude;
		geo[i].address = str_of(a, pb->geo[i]->address, f, why, cap, &rc);
	}
	uint8_t *lt = take(a, pb->n_link_type, 1, &rc);
	for (size_t i = 0; !rc && i < pb->n_link_type; i++) {
		unsigned v = (unsigned)pb->link_type[i];
		lt[i] = v <= SNET_PATH_LINK_OPENNET ? (uint8_t)v : SNET_PATH_LINK_UNSET;
	}
	uint32_t *hops = take(a, pb->n_internal_hops, sizeof(*hops), &rc);
	if (!rc && pb->n_internal_hops)
		memcpy(hops, pb->internal_hops, pb->n_internal_hops * sizeof(*hops));
	const char **notes = take(a, pb->n_notes, sizeof(*notes), &rc);
	for (size_t i = 0; !rc && i < pb->n_notes; i++) {
		char f[64];
		snprintf(f, sizeof(f), "%s.notes[%zu]", at, i);
		notes[i] = str_of(a, pb->notes[i], f, why, cap, &rc);
	}
	if (rc)
		return rc;
	*m = (snet_path_metadata){ .n_latency = pb->n_latency, .latency_ns = lat,
				   .n_bandwidth = pb->n_bandwidth, .bandwidth_kbps = bw,
				   .n_geo = pb->n_geo, .geo = geo,
				   .n_link_types = pb->n_link_type, .link_types = lt,
				   .n_internal_hops = pb->n_internal_hops, .internal_hops = hops,
				   .n_notes = pb->n_notes, .notes = notes };
	if (pb->epic_auths) {
		const ProtobufCBinaryData *p = &pb->epic_auths->auth_phvf, *l = &pb->epic_auths->auth_lhvf;
		uint8_t *pv = take(a, p->len, 1, &rc), *lv = take(a, l->len, 1, &rc);
		if (rc)
			return rc;
		if (p->len)
			memcpy(pv, p->data, p->len);
		if (l->len)
			memcpy(lv, l->data, l->len);
		m->epic = true;
		m->epic_phvf = pv, m->epic_phvf_len = p->len;
		m->epic_lhvf = lv, m->epic_lhvf_len = l->len;
	}
	return 0;
}

/* Go: convertPath. */
static int convert_path(snet_path_set *a, const PbPath *pb, uint64_t dst, snet_path *p,
			size_t idx, char *why, size_t cap)
{
	char at[24];
	snprintf(at, sizeof(at), "paths[%zu]", idx);
	if (!pb->expiration)
		return bad(why, cap, "%s.expiration: missing", at);
	int rc = 0;
	snet_path_metadata *m = take(a, 1, sizeof(*m), &rc);
	if (rc)
		return rc;
	p->meta = m;
	p->mtu = (uint16_t)pb->mtu;
	p->expiry = pb->expiration->seconds;
	p->expiry_nsec = pb->expiration->nanos;
	p->dst = dst;
	if (pb->n_interfaces == 0) {
		p->src = dst;
		p->type = SNET_PATH_EMPTY;
		return 0;
	}
	if (pb->n_interfaces > SNET_PATH_MAX_IFS)
		return bad(why, cap, "%s.interfaces: %zu, more than %d", at, pb->n_interfaces,
			   SNET_PATH_MAX_IFS);
	if (pb->raw.len > sizeof(p->raw))
		return bad(why, cap, "%s.raw: %zu bytes, more than a SCION path holds (%zu)", at,
			   pb->raw.len, sizeof(p->raw));
	if (!pb->interface || !pb->interface->address)
		return bad(why, cap, "%s.interface: missing", at);
	char f[40];
	snprintf(f, sizeof(f), "%s.interface.address", at);
	rc = addr_of(pb->interface->address->address, &p->next_hop, f, why, cap);
	snet_path_if *ifs = rc ? NULL : take(a, pb->n_interfaces, sizeof(*ifs), &rc);
	if (rc)
		return rc;
	for (size_t i = 0; i < pb->n_interfaces; i++)
		ifs[i] = (snet_path_if){ pb->interfaces[i]->isd_as, pb->interfaces[i]->id };
	p->ifs = ifs;
	p->n_ifs = pb->n_interfaces;
	p->src = ifs[0].ia;
	p->type = SNET_PATH_SCION;
	if (pb->raw.len)
		memcpy(p->raw, pb->raw.data, pb->raw.len);
	p->len = pb->raw.len;
	rc = convert_lists(a, pb, m, at, why, cap);
	return rc ? rc : convert_discovery(a, pb, m, at, why, cap);
}

int snet__daemon_decode_paths(const uint8_t *msg, size_t len, uint64_t dst, snet_path_set **out,
			      char *why, size_t cap)
{
	*out = NULL;
	Proto__Daemon__V1__PathsResponse *r = proto__daemon__v1__paths_response__unpack(NULL, len, msg);
	if (!r)
		return bad(why, cap, "PathsResponse does not decode");
	int rc = 0;
	snet_path_set *set = snet__path_set_new();
	snet_path *paths = set ? take(set, r->n_paths, sizeof(*paths), &rc) : NULL;
	if (!paths)
		rc = -ENOMEM;
	for (size_t i = 0; !rc && i < r->n_paths; i++)
		rc = convert_path(set, r->paths[i], dst, &paths[i], i, why, cap);
	if (!rc) {
		set->paths = paths;
		set->n = r->n_paths;
		*out = set;
	} else {
		snet_path_set_free(set);
	}
	proto__daemon__v1__paths_response__free_unpacked(r, NULL);
	return rc;
}

int snet__daemon_decode_as(const uint8_t *msg, size_t len, snet_daemon_as_info *out, char *why,
			   size_t cap)
{
	Proto__Daemon__V1__ASResponse *r = proto__daemon__v1__asresponse__unpack(NULL, len, msg);
	if (!r)
		return bad(why, cap, "ASResponse does not decode");
	*out = (snet_daemon_as_info){ .ia = r->isd_as, .core = r->core, .mtu = (uint16_t)r->mtu };
	proto__daemon__v1__asresponse__free_unpacked(r, NULL);
	return 0;
}

int snet__daemon_decode_port_range(const uint8_t *msg, size_t len, uint16_t *start,
				   uint16_t *end, char *why, size_t cap)
{
	Proto__Daemon__V1__PortRangeResponse *r =
		proto__daemon__v1__port_range_response__unpack(NULL, len, msg);
	if (!r)
		return bad(why, cap, "PortRangeResponse does not decode");
	*start = (uint16_t)r->dispatched_port_start;
	*end = (uint16_t)r->dispatched_port_end;
	proto__daemon__v1__port_range_response__free_unpacked(r, NULL);
	return 0;
}

int snet__daemon_decode_ifs(const uint8_t *msg, size_t len, snet_daemon_if **ifs, size_t *n,
			    char *why, size_t cap)
{
	*ifs = NULL;
	*n = 0;
	Proto__Daemon__V1__InterfacesResponse *r =
		proto__daemon__v1__interfaces_response__unpack(NULL, len, msg);
	if (!r)
		return bad(why, cap, "InterfacesResponse does not decode");
	int rc = 0;
	snet_daemon_if *v = calloc(r->n_interfaces + 1, sizeof(*v));
	size_t k = 0;
	if (!v)
		rc = -ENOMEM;
	for (size_t i = 0; !rc && i < r->n_interfaces; i++) {
		const Proto__Daemon__V1__InterfacesResponse__InterfacesEntry *e = r->interfaces[i];
		char f[48];
		snprintf(f, sizeof(f), "interfaces[%llu].address", (unsigned long long)e->key);
		if (!e->value || !e->value->address) {
			rc = bad(why, cap, "%s: missing", f);
			break;
		}
		/* A map key repeated on the wire: the last one wins, as in Go's map. */
		size_t j = 0;
		while (j < k && v[j].id != e->key)
			j++;
		rc = addr_of(e->value->address->address, &v[j].addr, f, why, cap);
		v[j].id = e->key;
		k += j == k;
	}
	proto__daemon__v1__interfaces_response__free_unpacked(r, NULL);
	if (rc) {
		free(v);
		return rc;
	}
	*ifs = v;
	*n = k;
	return 0;
}

int snet__daemon_decode_services(const uint8_t *msg, size_t len, snet_path_set **arena,
				 const snet_daemon_service **svcs, size_t *n, char *why,
				 size_t cap)
{
	*arena = NULL;
	*svcs = NULL;
	*n = 0;
	Proto__Daemon__V1__ServicesResponse *r =
		proto__daemon__v1__services_response__unpack(NULL, len, msg);
	if (!r)
		return bad(why, cap, "ServicesResponse does not decode");
	int rc = 0;
	snet_path_set *a = snet__path_set_new();
	snet_daemon_service *v = a ? take(a, r->n_services, sizeof(*v), &rc) : NULL;
	size_t k = 0;
	if (!v)
		rc = -ENOMEM;
	for (size_t i = 0; !rc && i < r->n_services; i++) {
		const Proto__Daemon__V1__ServicesResponse__ServicesEntry *e = r->services[i];
		const Proto__Daemon__V1__ListService *ls = e->value;
		size_t nu = ls ? ls->n_services : 0;
		const char **uris = take(a, nu, sizeof(*uris), &rc);
		ProtobufCBinaryData key = { strlen(e->key), (uint8_t *)e->key };
		const char *name = rc ? NULL : str_of(a, key, "services key", why, cap, &rc);
		for (size_t u = 0; !rc && u < nu; u++) {
			char f[64];
			snprintf(f, sizeof(f), "services[%zu].services[%zu].uri", i, u);
			uris[u] = str_of(a, ls->services[u]->uri, f, why, cap, &rc);
		}
		if (rc)
			break;
		size_t j = 0;
		while (j < k && strcmp(v[j].name, name))
			j++;
		v[j] = (snet_daemon_service){ .name = name, .n_uris = nu, .uris = uris };
		k += j == k;
	}
	proto__daemon__v1__services_response__free_unpacked(r, NULL);
	if (rc) {
		snet_path_set_free(a);
		return rc;
	}
	*arena = a;
	*svcs = v;
	*n = k;
	return 0;
}

int snet__daemon_decode_empty(const uint8_t *msg, size_t len, char *why, size_t cap)
{
	Proto__Daemon__V1__NotifyInterfaceDownResponse *r =
		proto__daemon__v1__notify_interface_down_response__unpack(NULL, len, msg);
	if (!r)
		return bad(why, cap, "NotifyInterfaceDownResponse does not decode");
	proto__daemon__v1__notify_interface_down_response__free_unpacked(r, NULL);
	return 0;
}
