#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# What a user of an installed libsnet does, against PREFIX (a scratch prefix from
# test_install.sh, or /usr from the Debian packages in test_deb.sh): a tiny consumer and every
# example (as installed under share/doc/snet/examples), each built with CMake's
# find_package(snet) and with pkg-config (PKG_CONFIG_PATH from the caller); then runs the
# examples that can run here: the codec alone, the echo server and client over loopback (IPv4
# and IPv6), and the paths example against a stand-in daemon serving Go's captured replies.
#   install_consumers.sh PREFIX [FAKE_DAEMON DATADIR]
set -euo pipefail
prefix=$1
fake=${2:-}
data=${3:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

mkdir -p "$tmp/consumer"
cat >"$tmp/consumer/main.c" <<'C'
#include <snet/snet.h>
#include <stdio.h>
int main(void)
{
	unsigned long long ia;
	char b[SNET_IA_STRLEN];
	if (snet_ia_parse("1-ff00:0:110", 12, (uint64_t *)&ia) != 0)
		return 1;
	snet_ia_format(ia, b, sizeof(b));
	printf("%s\n", b);
	return 0;
}
C
cat >"$tmp/consumer/CMakeLists.txt" <<'C'
cmake_minimum_required(VERSION 3.18)
project(consumer C)
find_package(snet REQUIRED)
add_executable(consumer main.c)
target_link_libraries(consumer PRIVATE snet::snet)
C
cmake -S "$tmp/consumer" -B "$tmp/consumer/build" -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$tmp/consumer/build" >/dev/null
export LD_LIBRARY_PATH=$(pkg-config --variable=libdir snet)
[[ $(pkg-config --variable=prefix snet) -ef $prefix ]] ||
	fail "pkg-config finds snet in $(pkg-config --variable=prefix snet), not $prefix"
out=$("$tmp/consumer/build/consumer")
[[ $out == "1-ff00:0:110" ]] || fail "find_package consumer printed '$out'"
lib=$(ldd "$tmp/consumer/build/consumer" | awk '/libsnet\.so/ { print $3 }')
[[ -n $lib && $(dirname "$(readlink -f "$lib")") -ef $LD_LIBRARY_PATH ]] ||
	fail "the consumer runs with '$lib', not the library in $LD_LIBRARY_PATH"
flags=$(pkg-config --cflags --libs snet)
cc -o "$tmp/pc-consumer" "$tmp/consumer/main.c" $flags
out=$("$tmp/pc-consumer")
[[ $out == "1-ff00:0:110" ]] || fail "pkg-config consumer printed '$out'"
[[ -x "$prefix/bin/snet-pkt" ]] || fail "snet-pkt not installed"
echo "install: find_package and pkg-config consumers work"

docdir=$prefix/share/doc/snet
for d in topogen.md snet-pkt.md; do [[ -s $docdir/$d ]] || fail "$d not installed"; done
ex=$docdir/examples
# The examples, with find_package...
cmake -S "$ex" -B "$tmp/ex-cmake" -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$tmp/ex-cmake" >/dev/null
# ...and with pkg-config, warnings as errors (unused callback parameters aside).
mkdir -p "$tmp/ex-pc"
for c in "$ex"/*.c; do
	n=$(basename "$c" .c)
	cc -Wall -Wextra -Wno-unused-parameter -Werror -o "$tmp/ex-pc/$n" "$c" $flags
done
for bin in "$tmp/ex-cmake" "$tmp/ex-pc"; do
	out=$("$bin/sans-io")
	grep -q 'parsed: 1-ff00:0:111 -> 1-ff00:0:110, UDP 40000 -> 31000, checksum ok' <<<"$out" ||
		fail "sans-io: $out"
	grep -q '^first 20 bytes: SNET_E_TRUNCATED at byte 20$' <<<"$out" || fail "sans-io: $out"
done
echo "install: every example builds with find_package and pkg-config; sans-io runs"

# Echo over loopback in one AS (no path needed), from IPv4 and IPv6 clients.
cat >"$tmp/topology.json" <<'J'
{"isd_as": "1-ff00:0:110", "mtu": 1472, "dispatched_ports": "31000-32767", "border_routers": {}}
J
port=$((31000 + RANDOM % 1700))
"$tmp/ex-cmake/echo-server" "$tmp/topology.json" "$port" >"$tmp/server.out" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$tmp"' EXIT
for _ in $(seq 1 100); do grep -q listening "$tmp/server.out" && break; sleep 0.05; done
for host in 127.0.0.1 ::1; do
	out=$("$tmp/ex-pc/echo-client" --topology "$tmp/topology.json" "[1-ff00:0:110,$host]:$port" "hi $host") ||
		fail "echo-client to $host: $out"
	[[ $out == "reply from [1-ff00:0:110,$host]:$port: hi $host" ]] || fail "echo-client: $out"
done
# Nobody on the port: the client's timer gives up (exit 1), with a message.
if out=$("$tmp/ex-pc/echo-client" --topology "$tmp/topology.json" "[1-ff00:0:110,127.0.0.1]:$((port + 1))" 2>&1); then
	fail "echo-client to a closed port succeeded: $out"
fi
[[ $out == *"no reply within 1000 ms"* ]] || fail "echo-client timeout: $out"
kill -INT $server
wait $server || fail "echo-server exit status $?"
grep -q '^received 2 answered 2 no_slot 0 send_errors 0$' "$tmp/server.out" ||
	fail "echo-server: $(cat "$tmp/server.out")"
echo "install: echo-server and echo-client answer over loopback (IPv4, IPv6), time out, close"

# Paths from a daemon: the stand-in serves what Go's daemon answered; the fingerprint of the
# path to 1-ff00:0:112 must be the one Go's snet.Fingerprint gave (tests/data/daemon/expect).
if [[ -n $fake ]]; then
	"$fake" "$data/daemon" >"$tmp/fake.log" 2>&1 &
	fakepid=$!
	trap 'kill $server $fakepid 2>/dev/null; rm -rf "$tmp"' EXIT
	for _ in $(seq 1 100); do grep -q listening "$tmp/fake.log" && break; sleep 0.05; done
	addr=127.0.0.1:$(awk '{ print $2 }' "$tmp/fake.log")
	want=$(grep -o '"fingerprint": "[0-9a-f]*"' "$data/daemon/expect/query-paths-112.json" | cut -d'"' -f4)
	out=$("$tmp/ex-cmake/paths" --daemon "$addr" 1-ff00:0:112) || fail "paths: $out"
	[[ $(sed -n 2p <<<"$out") == "$want [1-ff00:0:111#0,41 1-ff00:0:110#1,2 1-ff00:0:112#1,0]"* ]] ||
		fail "paths: $out (want fingerprint $want)"
	out=$("$tmp/ex-pc/paths" --daemon "$addr" 1-ff00:0:112 '1-ff00:0:999') || fail "paths: $out"
	[[ $(head -1 <<<"$out") == "0 paths" ]] || fail "paths with a sequence: $out"
	echo "install: the paths example prints Go's fingerprint and filters by sequence"
	# The server on a real host: its AS from the daemon, its routers kept by the reloader.
	port=$((port + 2))
	"$tmp/ex-pc/echo-server" --daemon "$addr" "$port" >"$tmp/dserver.out" 2>&1 &
	server=$!
	for _ in $(seq 1 100); do grep -q listening "$tmp/dserver.out" && break; sleep 0.05; done
	grep -q '^AS 1-ff00:0:111 from the daemon, 1 interfaces$' "$tmp/dserver.out" ||
		fail "echo-server --daemon: $(cat "$tmp/dserver.out")"
	out=$("$tmp/ex-cmake/echo-client" --daemon "$addr" "[1-ff00:0:111,::1]:$port" "hi") ||
		fail "echo-client --daemon: $out"
	[[ $out == "reply from [1-ff00:0:111,::1]:$port: hi" ]] || fail "echo-client: $out"
	kill -INT $server
	wait $server || fail "echo-server --daemon exit status $?: $(cat "$tmp/dserver.out")"
	[[ $(tail -1 "$tmp/dserver.out") == "received 1 answered 1 no_slot 0 send_errors 0" ]] ||
		fail "echo-server --daemon: $(cat "$tmp/dserver.out")"
	echo "install: echo-server --daemon takes its AS from the daemon, answers, closes in order"
fi
