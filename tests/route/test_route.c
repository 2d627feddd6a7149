/* SPDX-License-Identifier: Apache-2.0 */
/* Route cache (pure), netlink message building and parsing on captured-shape bytes, and the
 * resolver against this host's loopback routes. */
#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>
#include <stdlib.h>
#include <sys/socket.h>

#include "common.h"
#include "../../snet/route/resolver.h" /* internal: the resolver a network owns */

static snet_route_key key4(const char *ip)
{
	snet_route_key k = { .family = AF_INET };
	inet_pton(AF_INET, ip, k.addr);
	return k;
}

static void test_cache_get_put_flush(void **state)
{
	snet_route_cache rc;
	uint8_t src[16], a[16] = { 10, 1, 0, 2 }, b[16] = { 10, 2, 0, 2 };
	snet_route_key k = key4("10.9.0.1"), k2 = key4("10.9.0.2");
	assert_int_equal(snet_route_cache_init(&rc, 100), 0);
	assert_int_equal(rc.cap, 128);
	assert_false(snet_route_cache_get(&rc, &k, src));
	snet_route_cache_put(&rc, &k, a);
	assert_true(snet_route_cache_get(&rc, &k, src));
	assert_memory_equal(src, a, 16);
	assert_false(snet_route_cache_get(&rc, &k2, src));
	/* Mark and device are part of the key. */
	snet_route_key km = k;
	km.mark = 7;
	assert_false(snet_route_cache_get(&rc, &km, src));
	snet_route_cache_put(&rc, &km, b);
	assert_true(snet_route_cache_get(&rc, &km, src));
	assert_memory_equal(src, b, 16);
	snet_route_cache_flush(&rc);
	assert_false(snet_route_cache_get(&rc, &k, src));
	assert_false(snet_route_cache_get(&rc, &km, src));
	assert_int_equal(rc.flushes, 1);
	assert_int_equal(rc.hits, 2);
	/* Overfilled: it keeps working and never grows. */
	for (unsigned i = 0; i < 1000; i++) {
		snet_route_key ki = key4("10.0.0.0");
		ki.addr[2] = (uint8_t)(i >> 8);
		ki.addr[3] = (uint8_t)i;
		snet_route_cache_put(&rc, &ki, a);
		assert_true(snet_route_cache_get(&rc, &ki, src));
	}
	assert_int_equal(rc.cap, 128);
	snet_route_cache_free(&rc);
}

static void test_getroute_message(void **state)
{
	uint8_t buf[512];
	snet_route_key k = key4("192.0.2.7");
	k.mark = 7;
	k.oif = 3;
	int n = snet_rtmsg_getroute(buf, sizeof(buf), 42, &k);
	assert_true(n > 0);
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	assert_int_equal(nlh->nlmsg_type, RTM_GETROUTE);
	assert_int_equal(nlh->nlmsg_seq, 42);
	assert_int_equal(nlh->nlmsg_len, (unsigned)n);
	struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	assert_int_equal(rtm->rtm_family, AF_INET);
	assert_int_equal(rtm->rtm_dst_len, 32);
	int seen = 0;
	struct nlattr *a;
	mnl_attr_for_each(a, nlh, sizeof(*rtm)) {
		if (mnl_attr_get_type(a) == RTA_DST)
			seen |= 1, assert_memory_equal(mnl_attr_get_payload(a), k.addr, 4);
		if (mnl_attr_get_type(a) == RTA_MARK)
			seen |= 2, assert_int_equal(mnl_attr_get_u32(a), 7);
		if (mnl_attr_get_type(a) == RTA_OIF)
			seen |= 4, assert_int_equal(mnl_attr_get_u32(a), 3);
	}
	assert_int_equal(seen, 7);
	assert_int_equal(snet_rtmsg_getroute(buf, 16, 1, &k), SNET_E_NOBUF);
}

/* An answer as the kernel shapes it: RTM_NEWROUTE with RTA_TABLE, RTA_DST, RTA_OIF,
 * RTA_PREFSRC; or an NLMSG_ERROR carrying -ENETUNREACH. */
static size_t make_answer(uint8_t *buf, uint32_t seq, const char *prefsrc)
{
	memset(buf, 0, 512);
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWROUTE;
	nlh->nlmsg_seq = seq;
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = AF_INET;
	rtm->rtm_dst_len = 32;
	uint8_t dst[4] = { 192, 0, 2, 7 }, src[4];
	mnl_attr_put_u32(nlh, RTA_TABLE, 254);
	mnl_attr_put(nlh, RTA_DST, 4, dst);
	mnl_attr_put_u32(nlh, RTA_OIF, 2);
	if (prefsrc) {
		inet_pton(AF_INET, prefsrc, src);
		mnl_attr_put(nlh, RTA_PREFSRC, 4, src);
	}
	return nlh->nlmsg_len;
}

static void test_parse_answers(void **state)
{
	uint8_t buf[512], src[16];
	size_t n = make_answer(buf, 9, "10.1.0.3");
	assert_int_equal(snet_rtmsg_route_src(buf, n, 9, AF_INET, src), 1);
	uint8_t want[4] = { 10, 1, 0, 3 };
	assert_memory_equal(src, want, 4);
	n = make_answer(buf, 9, NULL);
	assert_int_equal(snet_rtmsg_route_src(buf, n, 9, AF_INET, src), 0);
	/* Another request's answer is not taken for ours. */
	n = make_answer(buf, 8, "10.1.0.3");
	assert_int_equal(snet_rtmsg_route_src(buf, n, 9, AF_INET, src), -EPROTO);
	memset(buf, 0, sizeof(buf));
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = NLMSG_ERROR;
	nlh->nlmsg_seq = 9;
	struct nlmsgerr *e = mnl_nlmsg_put_extra_header(nlh, sizeof(*e));
	e->error = -ENETUNREACH;
	assert_int_equal(snet_rtmsg_route_src(buf, nlh->nlmsg_len, 9, AF_INET, src), -ENETUNREACH);
}

static void test_feed_events(void **state)
{
	snet_route_cache rc;
	uint8_t buf[1024], src[16] = { 1 };
	snet_route_key k = key4("10.9.0.1");
	snet_route_cache_init(&rc, 16);
	snet_route_cache_put(&rc, &k, src);
	/* Two messages in one read: a new address and a route deletion; one flush. */
	size_t off = 0;
	uint16_t types[] = { RTM_NEWADDR, RTM_DELROUTE };
	for (int i = 0; i < 2; i++) {
		struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf + off);
		nlh->nlmsg_type = types[i];
		mnl_nlmsg_put_extra_header(nlh, 16);
		off += nlh->nlmsg_len;
	}
	assert_int_equal(snet_route_cache_feed(&rc, buf, off), 2);
	assert_int_equal(rc.flushes, 1);
	assert_false(snet_route_cache_get(&rc, &k, src));
	/* Neighbour messages leave the cache alone. */
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWNEIGH;
	assert_int_equal(snet_route_cache_feed(&rc, buf, nlh->nlmsg_len), 0);
	assert_int_equal(rc.flushes, 1);
	snet_route_cache_free(&rc);
}

static void check_resolver(unsigned flags)
{
	snet__resolver r;
	uint8_t src[16];
	snet_route_key k = key4("127.0.0.1");
	assert_int_equal(snet__resolver_init(&r, 64, flags), 0);
	assert_int_equal(snet__resolver_lookup(&r, &k, 31000, src), 0);
	assert_int_equal(src[0], 127);
	assert_int_equal(snet__resolver_lookup(&r, &k, 31000, src), 0);
	assert_int_equal(r.cache.hits, 1);
	if (flags & SNET__RESOLVER_NO_NETLINK)
		assert_int_equal(r.miss_probe, 1);
	else
		assert_int_equal(r.miss_netlink + r.miss_probe, 1);
	snet_route_key k6 = { .family = AF_INET6 };
	k6.addr[15] = 1;
	if (snet__resolver_lookup(&r, &k6, 31000, src) == 0)
		assert_int_equal(src[15], 1);
	/* No route at all: the kernel's error, not a made-up source. */
	snet_route_key none = key4("0.0.0.0");
	none.oif = 999999;
	assert_true(snet__resolver_lookup(&r, &none, 1, src) < 0);
	snet__resolver_close(&r);
}

static void test_resolver_loopback(void **state)
{
	check_resolver(0);
	check_resolver(SNET__RESOLVER_NO_NETLINK);
}

/* A message claiming more bytes than the buffer holds (above 2^31 too, where libmnl's int
 * walk goes wrong) ends the walk; nothing is read past the buffer. */
static void test_lengths_not_trusted(void **state)
{
	snet_route_cache rc;
	uint8_t src[16];
	snet_route_cache_init(&rc, 16);
	static const uint32_t lens[] = { 0x80000010u, 0xffffffffu, 33, 15, 0 };
	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		uint8_t *buf = malloc(32); /* exactly 32: ASan sees any read past it */
		memset(buf, 0, 32);
		struct nlmsghdr h = { .nlmsg_len = lens[i], .nlmsg_type = RTM_NEWROUTE, .nlmsg_seq = 9 };
		memcpy(buf, &h, sizeof(h));
		assert_int_equal(snet_route_cache_feed(&rc, buf, 32), 0);
		assert_true(snet_rtmsg_route_src(buf, 32, 9, AF_INET, src) <= 0);
		free(buf);
	}
	assert_int_equal(rc.flushes, 0);
	snet_route_cache_free(&rc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cache_get_put_flush),
		cmocka_unit_test(test_getroute_message),
		cmocka_unit_test(test_parse_answers),
		cmocka_unit_test(test_feed_events),
		cmocka_unit_test(test_lengths_not_trusted),
		cmocka_unit_test(test_resolver_loopback),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
