/* SPDX-License-Identifier: Apache-2.0 */
/* Netlink route messages, built and parsed in caller buffers (libmnl never touches a socket
 * here). */
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <sys/socket.h>

#include "snet/route.h"

int snet_rtmsg_getroute(void *buf, size_t cap, uint32_t seq, const snet_route_key *k)
{
	size_t alen = k->family == AF_INET ? 4 : 16;
	size_t need = MNL_ALIGN(sizeof(struct nlmsghdr)) + MNL_ALIGN(sizeof(struct rtmsg)) +
		      3 * MNL_ALIGN(sizeof(struct nlattr) + 16);
	if (cap < need)
		return SNET_E_NOBUF;
	memset(buf, 0, need);
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_GETROUTE;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	nlh->nlmsg_seq = seq;
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = k->family;
	rtm->rtm_dst_len = (uint8_t)(alen * 8);
	mnl_attr_put(nlh, RTA_DST, alen, k->addr);
	if (k->mark)
		mnl_attr_put_u32(nlh, RTA_MARK, k->mark);
	if (k->oif)
		mnl_attr_put_u32(nlh, RTA_OIF, k->oif);
	return (int)nlh->nlmsg_len;
}

struct route_answer {
	uint8_t family;
	uint8_t *src;
	int found;
};

static int attr_cb(const struct nlattr *a, void *data)
{
	struct route_answer *ans = data;
	size_t alen = ans->family == AF_INET ? 4 : 16;
	if (mnl_attr_get_type(a) == RTA_PREFSRC && mnl_attr_get_payload_len(a) == alen) {
		memset(ans->src, 0, 16);
		memcpy(ans->src, mnl_attr_get_payload(a), alen);
		ans->found = 1;
	}
	return MNL_CB_OK;
}

static int route_cb(const struct nlmsghdr *nlh, void *data)
{
	if (nlh->nlmsg_type != RTM_NEWROUTE)
		return MNL_CB_OK;
	if (nlh->nlmsg_len < MNL_NLMSG_HDRLEN + sizeof(struct rtmsg))
		return MNL_CB_ERROR;
	mnl_attr_parse(nlh, sizeof(struct rtmsg), attr_cb, data);
	return MNL_CB_STOP;
}

/* The next whole message at *off (its header in *h), advancing *off past it. Only the kernel
 * (or CAP_NET_ADMIN) sends to us, but the parser does not trust it: libmnl's walk casts
 * lengths to int (a message claiming more than 2^31 bytes takes it past the buffer), and its
 * attribute walk ends at the length rounded up to 4 bytes, so a message counts only when that
 * rounded length is in the buffer. */
static bool next_msg(const uint8_t *buf, size_t len, size_t *off, struct nlmsghdr *h)
{
	if (len - *off < sizeof(*h))
		return false;
	memcpy(h, buf + *off, sizeof(*h));
	size_t step = ((size_t)h->nlmsg_len + 3) & ~(size_t)3;
	if (h->nlmsg_len < sizeof(*h) || step > len - *off)
		return false;
	*off += step;
	return true;
}

/* The bytes of whole messages at the start of buf (what libmnl may walk). */
static size_t whole_msgs(const void *buf, size_t len)
{
	struct nlmsghdr h;
	size_t off = 0;
	while (next_msg(buf, len, &off, &h))
		;
	return off;
}

int snet_rtmsg_route_src(const void *buf, size_t len, uint32_t seq, uint8_t family,
			 uint8_t src[16])
{
	struct route_answer ans = { family, src, 0 };
	len = whole_msgs(buf, len);
	/* Port id 0: the kernel's; mnl_cb_run checks seq and turns NLMSG_ERROR into errno. */
	errno = 0;
	int r = mnl_cb_run(buf, len, seq, 0, route_cb, &ans);
	if (r != MNL_CB_ERROR)
		return ans.found;
	/* libmnl passes NLMSG_ERROR's value on as errno; only a real errno is taken for one (a
	 * forged INT_MIN would not even negate). */
	return errno > 0 && errno < 4096 ? -errno : SNET_E_TRUNCATED;
}

static bool is_change(uint16_t type)
{
	switch (type) {
	case RTM_NEWLINK:
	case RTM_DELLINK:
	case RTM_NEWADDR:
	case RTM_DELADDR:
	case RTM_NEWROUTE:
	case RTM_DELROUTE:
	case RTM_NEWRULE:
	case RTM_DELRULE:
		return true;
	default:
		return false;
	}
}

int snet_route_cache_feed(snet_route_cache *rc, const void *nlbuf, size_t len)
{
	struct nlmsghdr h;
	int n = 0;
	size_t off = 0;
	while (next_msg(nlbuf, len, &off, &h))
		if (is_change(h.nlmsg_type))
			n++;
	if (n > 0)
		snet_route_cache_flush(rc);
	return n;
}
