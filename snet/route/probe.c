/* SPDX-License-Identifier: Apache-2.0 */
/* The fallback where netlink is unavailable: connect() a throw-away UDP socket (no packet is
 * sent) and read the source the kernel chose (what Go's PR #4929 does). */
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "netlink.h"

static socklen_t key_sockaddr(const snet_route_key *k, uint16_t port, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (k->family == AF_INET) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
		s4->sin_family = AF_INET;
		s4->sin_port = htons(port ? port : 1);
		memcpy(&s4->sin_addr, k->addr, 4);
		return sizeof(*s4);
	}
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
	s6->sin6_family = AF_INET6;
	s6->sin6_port = htons(port ? port : 1);
	memcpy(&s6->sin6_addr, k->addr, 16);
	return sizeof(*s6);
}

static int bind_device(int fd, uint32_t oif)
{
	char name[IF_NAMESIZE];
	if (!if_indextoname(oif, name))
		return -errno;
	return setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, name, (socklen_t)strlen(name)) < 0
		       ? -errno
		       : 0;
}

int snet__route_probe(const snet_route_key *k, uint16_t port, uint8_t src[16])
{
	struct sockaddr_storage ss;
	socklen_t len = key_sockaddr(k, port, &ss);
	int err = 0;
	int fd = socket(k->family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (k->mark && setsockopt(fd, SOL_SOCKET, SO_MARK, &k->mark, sizeof(k->mark)) < 0)
		err = -errno;
	if (!err && k->oif)
		err = bind_device(fd, k->oif);
	if (!err && connect(fd, (struct sockaddr *)&ss, len) < 0)
		err = -errno;
	len = sizeof(ss);
	if (!err && getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
		err = -errno;
	close(fd);
	if (err)
		return err;
	memset(src, 0, 16);
	if (k->family == AF_INET)
		memcpy(src, &((struct sockaddr_in *)&ss)->sin_addr, 4);
	else
		memcpy(src, &((struct sockaddr_in6 *)&ss)->sin6_addr, 16);
	return 0;
}
