#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Installs the build into a scratch prefix and builds two tiny consumers against it: one with
# CMake's find_package(snet), one with pkg-config. Both must run.
set -euo pipefail
src=$1
build=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cmake --install "$build" --prefix "$tmp/prefix" >/dev/null

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
cmake -S "$tmp/consumer" -B "$tmp/consumer/build" -DCMAKE_PREFIX_PATH="$tmp/prefix" >/dev/null
cmake --build "$tmp/consumer/build" >/dev/null
out=$(LD_LIBRARY_PATH="$tmp/prefix/lib:$tmp/prefix/lib/x86_64-linux-gnu" "$tmp/consumer/build/consumer")
[[ $out == "1-ff00:0:110" ]] || { echo "FAIL: find_package consumer printed '$out'"; exit 1; }

pcdir=$(dirname "$(find "$tmp/prefix" -name snet.pc | head -1)")
flags=$(PKG_CONFIG_PATH=$pcdir pkg-config --cflags --libs snet)
cc -o "$tmp/pc-consumer" "$tmp/consumer/main.c" $flags
out=$(LD_LIBRARY_PATH=$(PKG_CONFIG_PATH=$pcdir pkg-config --variable=libdir snet) "$tmp/pc-consumer")
[[ $out == "1-ff00:0:110" ]] || { echo "FAIL: pkg-config consumer printed '$out'"; exit 1; }
[[ -x "$tmp/prefix/bin/snet-pkt" ]] || { echo "FAIL: snet-pkt not installed"; exit 1; }
echo "install: find_package and pkg-config consumers work"
