/* SPDX-License-Identifier: Apache-2.0 */
/* What the conn tests share: running a loop until a count is reached, and sockaddrs and
 * SCION addresses from strings. */
#ifndef SNET_TEST_LOOP_HELPERS_H
#define SNET_TEST_LOOP_HELPERS_H

#include <arpa/inet.h>
#include <unistd.h>

#include "common.h"

/* Runs loop until *flag reaches want, or fails after timeout_ms. */
static inline void loop_run_until(uv_loop_t *loop, const int *flag, int want, unsigned timeout_ms)
{
	uint64_t end = uv_hrtime() + (uint64_t)timeout_ms * 1000000u;
	while (*flag < want) {
		uv_run(loop, UV_RUN_NOWAIT);
		if (uv_hrtime() > end)
			fail_msg("timed out (%d of %d)", *flag, want);
		usleep(50);
	}
}

static inline void loop_net_closed(snet_network_t *n)
{
	*(int *)n->data = 1;
}

/* Closes net (every conn closed), runs its close callback, and closes loop. */
static inline void loop_close_network(uv_loop_t *loop, snet_network_t *net)
{
	int closed = 0;
	net->data = &closed;
	assert_int_equal(snet_network_close(net, loop_net_closed), 0);
	uv_run(loop, UV_RUN_DEFAULT);
	assert_int_equal(closed, 1);
	assert_int_equal(uv_loop_close(loop), 0);
}

/* "10.0.0.1" or "fd00::1" and a port. */
static inline struct sockaddr_storage sa(const char *ip, uint16_t port)
{
	struct sockaddr_storage ss = { 0 };
	if (strchr(ip, ':')) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		inet_pton(AF_INET6, ip, &s6->sin6_addr);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		inet_pton(AF_INET, ip, &s4->sin_addr);
	}
	return ss;
}

/* [ia,ip]:port */
static inline snet_udp_addr scion_addr_in(uint64_t ia, const char *ip, uint16_t port)
{
	snet_udp_addr a = { .ia = ia, .port = port };
	assert_int_equal(snet_ip_parse(ip, strlen(ip), &a.host), 0);
	return a;
}

#endif
