/* SPDX-License-Identifier: Apache-2.0 */
/* Control messages: IP_PKTINFO / IPV6_PKTINFO (where a datagram arrived, and which source a
 * datagram leaves from), UDP_GRO (the segments of a coalesced datagram) and UDP_SEGMENT (the
 * segments of a GSO send). */
#include <netinet/udp.h>
#include <stddef.h>
#include <string.h>

#include "internal.h"

static const uint8_t v4mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

int snet__pktinfo_dst(struct msghdr *m, int *family, uint8_t ip[16], size_t *gro_seg)
{
	int found = -1;
	memset(ip, 0, 16);
	*gro_seg = 0;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(m); c; c = CMSG_NXTHDR(m, c)) {
		/* The first pktinfo counts, as ever (a dual-stack socket may get both kinds). */
		if (found < 0 && c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
			struct in_pktinfo pi;
			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			snet__ip4_in16(ip, (const uint8_t *)&pi.ipi_addr);
			*family = AF_INET;
			found = 0;
		} else if (found < 0 && c->cmsg_level == IPPROTO_IPV6 &&
			   c->cmsg_type == IPV6_PKTINFO) {
			struct in6_pktinfo pi;
			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			if (memcmp(&pi.ipi6_addr, v4mapped, 12) == 0) {
				snet__ip4_in16(ip, (const uint8_t *)&pi.ipi6_addr + 12);
				*family = AF_INET;
			} else {
				memcpy(ip, &pi.ipi6_addr, 16);
				*family = AF_INET6;
			}
			found = 0;
		} else if (c->cmsg_level == SOL_UDP && c->cmsg_type == UDP_GRO &&
			   c->cmsg_len >= CMSG_LEN(sizeof(int))) {
			int seg;
			memcpy(&seg, CMSG_DATA(c), sizeof(seg));
			*gro_seg = seg > 0 ? (size_t)seg : 0;
		}
	}
	return found;
}

/* The fields go straight into the control buffer, each by its own store: a pktinfo built on
 * the stack and copied over is read back by wide loads right after narrow stores, which the
 * CPU cannot forward (a stall of a dozen cycles on every send). */
size_t snet__pktinfo_src(uint8_t *ctrl, int sock_family, int family, const uint8_t ip[16])
{
	static const uint8_t zero[16];
	struct msghdr m = { .msg_control = ctrl, .msg_controllen = CTRL_BUF };
	/* The padding after the data is left as it was (the send batch is zeroed when the network
	 * is made); coalescing compares requests, not these bytes. */
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);
	uint8_t *d = CMSG_DATA(c);
	if (sock_family == AF_INET) {
		/* spec_dst drives the source and the rule lookup; ifindex 0 leaves routing free. */
		c->cmsg_level = IPPROTO_IP;
		c->cmsg_type = IP_PKTINFO;
		c->cmsg_len = CMSG_LEN(sizeof(struct in_pktinfo));
		memcpy(d + offsetof(struct in_pktinfo, ipi_ifindex), zero, sizeof(int));
		memcpy(d + offsetof(struct in_pktinfo, ipi_spec_dst), ip, 4);
		memcpy(d + offsetof(struct in_pktinfo, ipi_addr), zero, 4);
		return CMSG_SPACE(sizeof(struct in_pktinfo));
	}
	/* On a dual-stack socket an IPv4 source goes v4-mapped in IPV6_PKTINFO. */
	uint8_t *a = d + offsetof(struct in6_pktinfo, ipi6_addr);
	if (family == AF_INET) {
		memcpy(a, v4mapped, 12);
		memcpy(a + 12, ip, 4);
	} else {
		memcpy(a, ip, 16);
	}
	memcpy(d + offsetof(struct in6_pktinfo, ipi6_ifindex), zero, sizeof(int));
	c->cmsg_level = IPPROTO_IPV6;
	c->cmsg_type = IPV6_PKTINFO;
	c->cmsg_len = CMSG_LEN(sizeof(struct in6_pktinfo));
	return CMSG_SPACE(sizeof(struct in6_pktinfo));
}

size_t snet__gso_ctrl(uint8_t *ctrl, size_t len, uint16_t seg)
{
	struct cmsghdr *c = (struct cmsghdr *)(void *)(ctrl + len);
	memset(c, 0, CMSG_SPACE(sizeof(seg)));
	c->cmsg_level = SOL_UDP;
	c->cmsg_type = UDP_SEGMENT;
	c->cmsg_len = CMSG_LEN(sizeof(seg));
	memcpy(CMSG_DATA(c), &seg, sizeof(seg));
	return len + CMSG_SPACE(sizeof(seg));
}
