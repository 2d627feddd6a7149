/* SPDX-License-Identifier: Apache-2.0 */
/* Dispatcher frames and registrations (Go v0.11 pkg/sock/reliable): round trips, every
 * truncation, a bad cookie, an oversized length, a bad address type. */
#include <arpa/inet.h>

#include "common.h"

static void test_frame_round_trip_and_truncations(void **state)
{
	uint8_t buf[128];
	struct sockaddr_in6 a6 = { .sin6_family = AF_INET6, .sin6_port = htons(30042) };
	inet_pton(AF_INET6, "fd00::1", &a6.sin6_addr);
	static const uint8_t payload[5] = { 1, 2, 3, 4, 5 };
	int hl = snet_disp_frame_header((struct sockaddr *)&a6, sizeof(payload), buf, sizeof(buf));
	assert_int_equal(hl, 13 + 16 + 2);
	memcpy(buf + hl, payload, sizeof(payload));
	size_t total = (size_t)hl + sizeof(payload);
	snet_disp_frame f;
	assert_int_equal(snet_disp_frame_parse(buf, total, &f), (int)total);
	assert_int_equal(f.addr.ss_family, AF_INET6);
	assert_int_equal(ntohs(((struct sockaddr_in6 *)&f.addr)->sin6_port), 30042);
	assert_int_equal(f.len, 5);
	assert_memory_equal(f.payload, payload, 5);
	/* A stream delivers frames in pieces: every prefix asks for more. */
	for (size_t k = 0; k < total; k++)
		assert_int_equal(snet_disp_frame_parse(buf, k, &f), 0);
	/* Go's cookie, big-endian. */
	static const uint8_t cookie[8] = { 0xde, 0x00, 0xad, 0x01, 0xbe, 0x02, 0xef, 0x03 };
	assert_memory_equal(buf, cookie, 8);
	/* No address: no port either. */
	assert_int_equal(snet_disp_frame_header(NULL, 2, buf, sizeof(buf)), 13);
	assert_int_equal(snet_disp_frame_header(NULL, 2, buf, 12), SNET_E_NOBUF);
}

static void test_frame_malformed(void **state)
{
	uint8_t buf[64];
	snet_disp_frame f;
	snet_disp_frame_header(NULL, 0, buf, sizeof(buf));
	buf[0] ^= 0xff;
	assert_int_equal(snet_disp_frame_parse(buf, 13, &f), SNET_E_BAD_COOKIE);
	snet_disp_frame_header(NULL, 0, buf, sizeof(buf));
	buf[8] = SNET_DISP_ADDR_SVC;
	assert_int_equal(snet_disp_frame_parse(buf, 13, &f), SNET_E_BAD_ADDR_TYPE);
	buf[8] = 9;
	assert_int_equal(snet_disp_frame_parse(buf, 13, &f), SNET_E_BAD_ADDR_TYPE);
	snet_disp_frame_header(NULL, SNET_DISP_MAX_PAYLOAD + 1, buf, sizeof(buf));
	assert_int_equal(snet_disp_frame_parse(buf, 13, &f), SNET_E_BAD_FIELD);
	snet_disp_frame_header(NULL, 0xffffffffu, buf, sizeof(buf));
	assert_int_equal(snet_disp_frame_parse(buf, 13, &f), SNET_E_BAD_FIELD);
}

static void test_registration(void **state)
{
	uint8_t buf[64];
	snet_disp_reg r = { .command = SNET_DISP_CMD_ALWAYS | SNET_DISP_CMD_SCMP |
				       SNET_DISP_CMD_BIND,
			    .l4 = 17, .ia = 0x0001ff0000000110ull, .svc = SNET_SVC_CS }, back;
	struct sockaddr_in *pub = (struct sockaddr_in *)&r.public_addr;
	pub->sin_family = AF_INET;
	pub->sin_port = htons(31000);
	inet_pton(AF_INET, "10.110.1.2", &pub->sin_addr);
	struct sockaddr_in6 *bind6 = (struct sockaddr_in6 *)&r.bind_addr;
	bind6->sin6_family = AF_INET6;
	inet_pton(AF_INET6, "fd00::2", &bind6->sin6_addr);
	int n = snet_disp_reg_emit(&r, buf, sizeof(buf));
	assert_int_equal(n, 10 + 7 + 19 + 2);
	assert_int_equal(snet_disp_reg_parse(buf, (size_t)n, &back), 0);
	assert_int_equal(back.command, r.command);
	assert_true(back.ia == r.ia);
	assert_int_equal(back.svc, SNET_SVC_CS);
	assert_int_equal(ntohs(((struct sockaddr_in *)&back.public_addr)->sin_port), 31000);
	assert_int_equal(back.bind_addr.ss_family, AF_INET6);
	for (int k = 0; k < 13; k++)
		assert_int_equal(snet_disp_reg_parse(buf, (size_t)k, &back), SNET_E_TRUNCATED);
	for (int k = 13; k < 36; k++)
		assert_true(snet_disp_reg_parse(buf, (size_t)k, &back) < 0);
	assert_int_equal(snet_disp_reg_parse(buf, (size_t)n - 1, &back), SNET_E_BAD_FIELD);
	buf[12] = 7; /* public address type */
	assert_int_equal(snet_disp_reg_parse(buf, (size_t)n, &back), SNET_E_BAD_ADDR_TYPE);
	assert_int_equal(snet_disp_reg_emit(&r, buf, 20), SNET_E_NOBUF);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_frame_round_trip_and_truncations),
		cmocka_unit_test(test_frame_malformed),
		cmocka_unit_test(test_registration),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
