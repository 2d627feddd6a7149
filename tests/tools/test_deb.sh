#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The Debian packages (./snet.sh package) on this machine: their names, sections and
# dependencies; installed with apt-get (which must find every dependency), used as a user
# would (install_consumers.sh against /usr, the tools from /usr/bin), removed again, leaving
# nothing behind. Needs root; refuses to touch a machine where libsnet is already installed.
#   test_deb.sh DEBDIR [FAKE_DAEMON DATADIR]
set -uo pipefail
debdir=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../lib/tap.sh"
T=$(mktemp -d)
PKGS=()
cleanup() {
	[[ ${#PKGS[@]} == 0 ]] || apt-get purge -y -qq "${PKGS[@]}" >/dev/null 2>&1 </dev/null
	rm -rf "$T"
}
trap cleanup EXIT
lib=$(ls "$debdir"/libsnet[0-9]*.deb 2>/dev/null)
dev=$(ls "$debdir"/libsnet-dev_*.deb 2>/dev/null)
tools=$(ls "$debdir"/snet-tools_*.deb 2>/dev/null)
[[ -f $lib && -f $dev && -f $tools ]] || { echo "FAIL: no packages in $debdir (./snet.sh package)"; exit 1; }
field() { dpkg-deb -f "$1" "$2"; }
libpkg=$(field "$lib" Package) version=$(field "$lib" Version)
for p in "$libpkg" libsnet-dev snet-tools; do
	if dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q installed; then
		echo "FAIL: $p is installed on this machine; this test installs and purges it: remove it first"
		exit 1
	fi
done

# What the packages say about themselves.
dpkg-deb -x "$lib" "$T/x"
soname=$(objdump -p "$T"/x/usr/lib/*/libsnet.so.*.*.* | awk '$1 == "SONAME" { print $2 }')
check "the library package is named after its SONAME ($soname)" \
	test "$libpkg" = "libsnet${soname#libsnet.so.}"
check "sections libs, libdevel, net" test "$(field "$lib" Section) $(field "$dev" Section) $(field "$tools" Section)" = "libs libdevel net"
for d in libuv1 libjansson4 libmnl0 libssl3 libnghttp2-14 libprotobuf-c1; do
	check "$libpkg depends on $d" grep -q "\b$d\b" <<<"$(field "$lib" Depends)"
	check "snet-tools depends on $d" grep -q "\b$d\b" <<<"$(field "$tools" Depends)"
done
check "libsnet-dev depends on exactly $libpkg $version" \
	grep -qF "$libpkg (= $version)" <<<"$(field "$dev" Depends)"
for d in libuv1-dev libmnl-dev libssl-dev libjansson-dev libnghttp2-dev libprotobuf-c-dev; do
	check "libsnet-dev depends on $d (snet.pc and snetConfig.cmake need it)" \
		grep -q "\b$d\b" <<<"$(field "$dev" Depends)"
done
check "the tools are linked statically to libsnet (snet-tools does not need $libpkg)" \
	bash -c "! grep -q libsnet <<<'$(field "$tools" Depends)'"
check "$libpkg ships a shlibs file for programs linked to it" \
	bash -c "dpkg-deb -I '$lib' shlibs | grep -qx 'libsnet ${soname#libsnet.so.} $libpkg (>= $version)'"

# Installed with apt-get, as a user would, from the files.
PKGS=("$libpkg" libsnet-dev snet-tools)
apt-get install -y -qq "$lib" "$dev" "$tools" >"$T/apt.log" 2>&1 </dev/null
rc=$?
check "apt-get installs the three packages" test $rc = 0
[[ $rc == 0 ]] || { cat "$T/apt.log"; PKGS=(); finish; exit 1; }
check "ldconfig knows $soname" bash -c "ldconfig -p | grep -q '$soname '"
check "every tool is on the PATH and answers --help" bash -c '
	for t in snet-echo snet-ping snet-pkt snet-policy snet-showpaths snet-traceroute \
		snet-daemon-query snet-address snet-dispatcher snet-topogen; do
		[[ $(command -v $t) == /usr/bin/$t ]] && $t --help >/dev/null || { echo "$t" >&2; exit 1; }
	done'
check "snet-pkt and snet-topogen point at their installed documents" bash -c '
	snet-pkt --help | grep -q /usr/share/doc/snet/snet-pkt.md &&
	snet-topogen --help | grep -q /usr/share/doc/snet/topogen.md &&
	test -s /usr/share/doc/snet/snet-pkt.md -a -s /usr/share/doc/snet/topogen.md'
check "a consumer and every example build against /usr and run" \
	"$here/install_consumers.sh" /usr "${@:2}"

# Removed again: nothing of ours is left.
apt-get purge -y -qq "${PKGS[@]}" >"$T/apt.log" 2>&1 </dev/null
rc=$?
PKGS=()
check "apt-get purges them" test $rc = 0
check "nothing is left: headers, libraries, tools, documents" bash -c '
	! ls -d /usr/include/snet /usr/lib/*/libsnet* /usr/lib/*/pkgconfig/snet.pc \
		/usr/lib/*/cmake/snet /usr/bin/snet-* /usr/share/doc/snet 2>/dev/null | grep .'
check "ldconfig forgot $soname" bash -c "! ldconfig -p | grep -q '$soname '"
finish
