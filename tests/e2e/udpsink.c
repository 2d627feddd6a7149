/* SPDX-License-Identifier: Apache-2.0 */
/* udpsink IP:PORT COUNT TIMEOUT_MS: a plain UDP listener for the end-to-end tests (a service
 * the dispatcher relays to). Prints "got LEN from IP:PORT" per datagram; exits 0 once COUNT
 * arrived, 1 at the timeout. */
#include <arpa/inet.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cli.h"

int main(int argc, char **argv)
{
	struct sockaddr_storage ss, from;
	char text[64];
	uint8_t buf[65536];
	if (argc != 4 || cli_parse_sockaddr(argv[1], &ss) < 0)
		cli_usage("udpsink IP:PORT COUNT TIMEOUT_MS");
	long want = atol(argv[2]), timeout = atol(argv[3]), got = 0;
	int fd = socket(ss.ss_family, SOCK_DGRAM, 0);
	socklen_t sl = ss.ss_family == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6);
	if (fd < 0 || bind(fd, (struct sockaddr *)&ss, sl) < 0) {
		perror("udpsink");
		return 2;
	}
	printf("listening\n");
	fflush(stdout);
	while (got < want) {
		struct pollfd p = { fd, POLLIN, 0 };
		if (poll(&p, 1, (int)timeout) <= 0)
			break;
		socklen_t fl = sizeof(from);
		ssize_t n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl);
		if (n < 0)
			break;
		printf("got %zd from %s\n", n, cli_sockaddr_str(&from, text, sizeof(text)));
		fflush(stdout);
		got++;
	}
	close(fd);
	return got >= want ? 0 : 1;
}
