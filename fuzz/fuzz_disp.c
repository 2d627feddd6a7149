/* SPDX-License-Identifier: Apache-2.0 */
/* What a local client can send the dispatcher: a byte stream of frames. Each frame is read as
 * a registration (into a registration table) and as a packet (through the relay's decision);
 * nothing may crash, leak or loop, and no decision may send to the dispatcher's own port. */
#include <stdlib.h>
#include <string.h>

#include "snet/snet.h"
#include "fuzz.h"
#include "registry.h"
#include "relay.h"

#define IA 0x0001ff0000000110ull

struct state {
	struct registry reg;
	struct reg_entry entries[16];
	unsigned n;
	struct relay_conf relay;
};

static void as_registration(struct state *s, const snet_disp_frame *f)
{
	snet_disp_reg r;
	if (snet_disp_reg_parse(f->payload, f->len, &r) < 0 || s->n == 16)
		return;
	struct reg_entry *e = &s->entries[s->n];
	memset(e, 0, sizeof(*e));
	e->family = r.public_addr.ss_family == AF_INET ? AF_INET : AF_INET6;
	e->port = ntohs(((const struct sockaddr_in *)&r.public_addr)->sin_port); /* v6: same place */
	e->svc = r.svc;
	memcpy(e->svc_ip, (const uint8_t *)&r.public_addr + 4, 4); /* any bytes will do */
	if (registry_add(&s->reg, r.ia, e, r.bind_addr.ss_family != AF_UNSPEC) == REG_OK) {
		if (e->port == 30041 || (e->port && e->port < 1024))
			abort();
		s->n++;
	}
}

static void as_packet(struct state *s, const snet_disp_frame *f)
{
	snet_pkt p;
	struct sockaddr_storage to;
	struct reg_entry *out[4];
	if (snet_pkt_parse(f->payload, f->len, &p, NULL) < 0)
		return;
	if (relay_dst(&s->relay, &p, &to) == RELAY_OK &&
	    ntohs(((struct sockaddr_in *)&to)->sin_port) == SNET_ENDHOST_PORT)
		abort();
	registry_lookup(&s->reg, AF_INET, p.hdr.dst_host, p.udp.dst_port);
	registry_lookup_svc(&s->reg, (uint16_t)(p.hdr.dst_host[0] << 8 | p.hdr.dst_host[1]), out, 4);
	registry_lookup_id(&s->reg, p.scmp.identifier);
	bool by_id;
	snet_pkt_endhost_port(&p, &by_id);
}

static int on_frame(const snet_disp_frame *f, void *arg)
{
	as_registration(arg, f);
	as_packet(arg, f);
	return 0;
}

int snet_fuzz_disp(const uint8_t *data, size_t size)
{
	static struct state s;
	uint8_t *buf = malloc(size ? size : 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	memset(&s, 0, sizeof(s));
	registry_init(&s.reg, IA, 31000, 32767, 32768, 65535, 8);
	s.relay.forwarding = true;
	s.relay.n_svcs = 1;
	s.relay.svcs[0].ia = IA;
	s.relay.svcs[0].svc = SNET_SVC_CS;
	s.relay.svcs[0].addr.ss_family = AF_INET;
	int k = snet_disp_frames_run(buf, size, on_frame, &s);
	if (k > (int)size)
		abort();
	free(buf);
	return 0;
}
SNET_FUZZ_ENTRY(snet_fuzz_disp)
