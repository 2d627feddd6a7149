#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Writes the seeds of the fuzz targets added with issues 9 and 12 (disp, pkt_json, topo, pathdb,
# netlink, key, daemon) from the test vectors and a few hand-made messages. The committed seeds are its
# output: run it again only to change them.  make-seeds.sh BUILD_DIR
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=${1:?usage: make-seeds.sh BUILD_DIR}
PKT=$build/tools/snet-pkt
vec=$top/tests/data/vectors
mkdir -p "$here"/{disp,pkt_json,topo,pathdb,netlink,key}

be32() { printf '%08x' "$1"; }
# frame ADDRHEX PORTHEX TYPE PAYLOADHEX: one dispatcher frame, as hex.
frame() {
	local len=$((${#4} / 2))
	printf 'de00ad01be02ef03%02x%s%s%s%s' "$3" "$(be32 $len)" "$1" "$2" "$4"
}
# A registration of 127.0.0.1:31000 (public) for 1-ff00:0:110, command 3, with an SVC CS.
reg=0311$(printf '0001ff0000000110')7918017f000001$(printf '0002')
frame "" "" 0 "$reg" | xxd -r -p >"$here/disp/register"
pkt=$(xxd -p -c 100000 "$vec/scion-udp.bin")
{ frame "" "" 0 "$reg"; frame 0a000001 7918 1 "$pkt"; } | xxd -r -p >"$here/disp/register-then-packet"
frame 0a000001 7918 1 "$(xxd -p -c 100000 "$vec/scion-scmp-dest-unreachable.bin")" | xxd -r -p \
	>"$here/disp/scmp-error"
printf 'de00ad01be02ef0301000000' | xxd -r -p >"$here/disp/cut-header"

for v in scion-udp empty-udp scion-udp-extn scion-scmp-int-conn-down; do
	"$PKT" decode "$vec/$v.bin" >"$here/pkt_json/$v.json"
done
cp "$top/tests/data/topology/go-testdata-topology.json" "$top/tests/data/topology/tiny-as110-topology.json" \
	"$here/topo/"
printf '{"isd_as": "1-ff00:0:110", "mtu": 1400, "border_routers": {}}' >"$here/topo/minimal.json"
printf '{"isd_as": "1-ff00:0:110", "dispatched_ports": "31000-32767", "border_routers": {"br1": {"internal_addr": "10.0.0.1:30042", "interfaces": {"1": {"underlay": {"local": "10.1.0.1:50000", "remote": "10.1.0.2:50000"}, "isd_as": "1-ff00:0:111", "link_to": "child", "mtu": 1280}}}}}' \
	>"$here/topo/one-link.json"

printf '{"paths": []}' >"$here/pathdb/empty.json"
printf '{"paths": [{"src": "1-ff00:0:111", "dst": "1-ff00:0:110", "raw": "%s", "next_hop": "10.111.0.1:30042", "interfaces": [{"ia": "1-ff00:0:111", "id": 41}, {"ia": "1-ff00:0:110", "id": 1}], "mtu": 1280, "expiry": 4000000000}]}' \
	"$(xxd -p -c 1000 -s 36 -l 68 "$vec/scion-udp.bin")" >"$here/pathdb/one.json"

# netlink: an RTM_NEWROUTE answer with RTA_PREFSRC 10.1.0.3 (seq 9), an NLMSG_ERROR, an event.
printf '3c000000180000000900000000000000020020000000000000000000' >"$here/netlink/route.hex"
printf '0800 0f00 fe000000 0800 0100 c0000207 0800 0400 02000000 0800 0700 0a010003' | tr -d ' ' \
	>>"$here/netlink/route.hex"
xxd -r -p "$here/netlink/route.hex" >"$here/netlink/route" && rm "$here/netlink/route.hex"
printf '24000000020000000900000000000000%s00000000000000000000000000000000' "$(printf '%08x' 0 | sed 's/^/9bffffff/;s/00000000$//')" |
	xxd -r -p >"$here/netlink/error"
printf '2000000014000000000000000000000002180000020000000000000000000000' | xxd -r -p \
	>"$here/netlink/newaddr-event"

cp "$top/tests/data/topology/master0.key" "$here/key/go-master0.key"
printf 'YQ==\n' >"$here/key/one-byte"
printf 'YWJj\r\nZGVm\r\n' >"$here/key/crlf"
printf '====' >"$here/key/bad-padding"

# daemon (issue 12): replies captured from Go's daemon (tests/data/daemon), answered in order by
# the target's own HTTP/2 server (first byte odd); with FUZZ_BUILD (a -DSNET_FUZZ=ON build) the
# server's bytes of each are kept too, as raw-mode seeds (first byte even).
mkdir -p "$here/daemon"
dd=$top/tests/data/daemon
# call KIND FILE: [kind][len:2][gRPC prefix + message]
call() {
	local n=0
	[[ -n $2 ]] && n=$(stat -c %s "$2")
	printf '%02x%04x00%08x' "$1" $((n + 5)) "$n"
	[[ -n $2 ]] && xxd -p -c 100000 "$2"
	true
}
{ printf 01; call 0 "$dd/paths-111-112.pb"; call 0 "$dd/as-local.pb"; call 0 "$dd/interfaces.pb"
  call 0 "$dd/services.pb"; call 0 "$dd/port-range.pb"; call 0 ""; } | tr -d '\n' | xxd -r -p \
	>"$here/daemon/go-replies"
{ printf 01; call 0 "$dd/paths-111-111.pb"; call 1 ""; call 2 ""; call 3 "$dd/services.pb"
  call 0 "$dd/port-range.pb"; call 0 ""; } | tr -d '\n' | xxd -r -p >"$here/daemon/errors-goaway"
if [[ -n ${FUZZ_BUILD:-} ]]; then
	for s in go-replies errors-goaway; do
		SNET_FUZZ_DAEMON_DUMP="$here/daemon/raw-$s" "$FUZZ_BUILD/fuzz/fuzz_daemon" \
			"$here/daemon/$s" >/dev/null 2>&1
	done
fi

# policy (issue 13): sequences, a policy with every key, a map with extends.
mkdir -p "$here/policy"
printf '\0001-ff00:0:111#41 0* 1-ff00:0:112' >"$here/policy/seq-go-example"
printf '\000(0|1-110#3)+ 2-0?' >"$here/policy/seq-operators"
printf '\001{"acl": ["- 1-ff00:0:110#1,2", "+"], "sequence": "0*", "local_isd_ases": ["1-ff00:0:111"], "remote_isd_ases": [{"isd_as": "0-0"}], "options": [{"weight": 1, "policy": {"acl": ["+"]}}], "snet_order": "hops"}' \
	>"$here/policy/policy-all-keys"
printf '\002{"p": {"extends": ["q"], "ACL": ["+"]}, "q": {"sequence": "0 0", "extends": ["r"]}, "r": {"remote_isd_ases": [{"isd_as": "1-0", "reject": true}]}}' \
	>"$here/policy/map-extends"
