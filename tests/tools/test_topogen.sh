#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# snet-topogen end to end: what it writes, and with which permissions.
set -euo pipefail
TOPOGEN=$1 DESC_DIR=$2
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
source "$(dirname "$0")/../lib/tap.sh"
mode() { stat -c %a "$1"; }

"$TOPOGEN" "$DESC_DIR/multihomed.json" "$T/out" >/dev/null
for d in "$T"/out/AS*/keys; do
	check "$d is 0700" test "$(mode "$d")" = 700
	for k in "$d"/master0.key "$d"/master1.key; do
		check "$k is 0600" test "$(mode "$k")" = 600
		check "$k holds a 16-byte base64 key" test "$(base64 -d "$k" | wc -c)" = 16
	done
done
# Written again over a world-readable tree: the permissions are tightened.
chmod 755 "$T"/out/AS*/keys
chmod 644 "$T"/out/AS*/keys/*.key
"$TOPOGEN" "$DESC_DIR/multihomed.json" "$T/out" >/dev/null
for k in "$T"/out/AS*/keys/master0.key; do
	check "rewritten $k is 0600" test "$(mode "$k")" = 600
done
# --control: what Go's control plane needs, and nothing of it without the flag.
check "no control_service without --control" bash -c "! grep -q control_service '$T'/out/AS*/topology.json"
"$TOPOGEN" "$DESC_DIR/multihomed.json" "$T/ctl" --control >/dev/null
for d in "$T"/ctl/AS*; do
	check "$d/topology.json names its control service" grep -q '"control_service"' "$d/topology.json"
	check "$d/cs.toml has its id and beacons every second" \
		bash -c "grep -q '^id = \"cs1-' '$d/cs.toml' && grep -q 'origination_interval = \"1s\"' '$d/cs.toml'"
	check "$d/crypto/as is 0700" test "$(mode "$d/crypto/as")" = 700
	check "$d/staticInfoConfig.json is there" test -s "$d/staticInfoConfig.json"
done
check "one daemon per end host" test "$(grep -c '^daemon ' "$T/ctl/plan.txt")" = 3
check "one control service per AS" test "$(grep -c '^cs ' "$T/ctl/plan.txt")" = 3
check "crypto.topo: the core AS issues, the others name it" \
	bash -c "grep -q 'issuing: true' '$T/ctl/crypto.topo' && test \$(grep -c 'cert_issuer: 1-ff00:0:110' '$T/ctl/crypto.topo') = 2"
check "a bad flag is refused" bash -c "! '$TOPOGEN' '$DESC_DIR/multihomed.json' '$T/x' --controls 2>/dev/null"
# Every parallel core link gives its own paths; --max-paths caps them; mixed families fail.
pairs() { tr -d ' \n' <"$1" | grep -o '"src":"1-ff00:0:111","dst":"1-ff00:0:112"' | wc -l; }
"$TOPOGEN" "$DESC_DIR/failover.json" "$T/fo" >/dev/null
"$TOPOGEN" "$DESC_DIR/failover-parallel.json" "$T/par" >/dev/null
check "four paths 111 -> 112 with one core link" test "$(pairs "$T/fo/paths.json")" = 4
check "six with two parallel core links" test "$(pairs "$T/par/paths.json")" = 6
"$TOPOGEN" "$DESC_DIR/failover-parallel.json" "$T/cap" --max-paths 3 >/dev/null
check "--max-paths 3 caps them" test "$(pairs "$T/cap/paths.json")" = 3
check "--max-paths 0 is refused" bash -c "! '$TOPOGEN' '$DESC_DIR/failover.json' '$T/x' --max-paths 0 2>/dev/null"
sed 's|"2": "10.110.2.1/24"|"2": "fd00:110:2::1/64"|' "$DESC_DIR/multihomed.json" >"$T/mixed.json"
check "an AS mixing IPv4 and IPv6 internal addresses is refused, by key" \
	bash -c "'$TOPOGEN' '$T/mixed.json' '$T/m' 2>&1 | grep -q '^snet-topogen: .*mixed.json: networks: routers .* mix IPv4 and IPv6'"
check "BFD from the description reaches topology.json and the TOML" \
	bash -c "grep -q desired_min_tx_interval '$T/fo/ASff00_0_110/topology.json' && grep -q 'disable = false' '$T'/fo/ASff00_0_110/*.toml"
# A bad description: exit 1 and one line naming the file, the key path and the reason.
bad_desc() { # EXPECTED-LINE PYTHON-EDIT
	python3 -c "import json; d = json.load(open('$DESC_DIR/multihomed.json')); $2; json.dump(d, open('$T/bad.json', 'w'))"
	local out rc=0
	out=$("$TOPOGEN" "$T/bad.json" "$T/b" 2>&1) || rc=$?
	check "bad description: $1" test "$rc:$out" = "1:snet-topogen: $T/bad.json: $1"
}
bad_desc "links[0].b: AS 1-ff00:0:113 is not in ases" "d['links'][0]['b'] = '1-ff00:0:113-1#41'"
bad_desc "links[0].b: interface ID 1..65535, got '0'" "d['links'][0]['b'] = '1-ff00:0:111-1#0'"
bad_desc "links[1].a: interface 1 is already used in its AS" "d['links'][1]['a'] = '1-ff00:0:110-2#1'"
bad_desc "links[0].type: a PEER link joins two non-core ASes" "d['links'][0]['type'] = 'PEER'"
bad_desc "links[0].type: expected CHILD (a is the parent), CORE or PEER, got 'SIBLING'" "d['links'][0]['type'] = 'SIBLING'"
bad_desc "links[0].mtu: expected an integer 1280..65535" "d['links'][0]['mtu'] = 100"
bad_desc "links[0].underlay: expected UDP/IPv4 or UDP/IPv6, got 'UDP/IPv5'" "d['links'][0]['underlay'] = 'UDP/IPv5'"
bad_desc "ases.1-ff00:0:111.mtus: unknown key (known: core mtu dispatched_ports)" "d['ases']['1-ff00:0:111']['mtus'] = 1"
bad_desc "hosts.c111.addresses.n112: network 'n112' is in another AS than the host" "d['hosts']['c111']['addresses']['n112'] = ['10.112.0.9/24']"
bad_desc "hosts.c111.addresses.n111[0]: expected IP/LEN, got '10.111.0.2'" "d['hosts']['c111']['addresses']['n111'] = ['10.111.0.2']"
bad_desc "networks.a110.routers.1: not an IPv4 or IPv6 address: '10.1.1/24'" "d['networks']['a110']['routers']['1'] = '10.1.1/24'"
bad_desc "routers: 1-ff00:0:110-2: no internal address: name it in a network's routers" "del d['networks']['b110']; del d['hosts']['server']['addresses']['b110']"
bad_desc "checks[0].router: no router '1-ff00:0:110-9' (IA-ID of a link's end)" "d['checks'][0]['router'] = '1-ff00:0:110-9'"
bad_desc "live_change.old: 10.111.0.9 is not an address of c111" "d['live_change']['old'] = '10.111.0.9'"
bad_desc "server.host: no host 'nobody' in hosts" "d['server']['host'] = 'nobody'"
bad_desc "bfd.detect_mult: missing" "d['bfd'] = {'interval': '100ms'}"
bad_desc "hosts.bad name: only letters, digits, '_' and '-', got 'bad name'" "d['hosts']['bad name'] = d['hosts']['c111']"
bad_desc "x: unknown key (known: comment ases links networks hosts server checks live_change bfd)" "d['x'] = 1"
check "nothing written for a bad description" test ! -e "$T/b"
printf '{"ases": {"1-ff00:0:110": {"mtu" 1}}}' >"$T/syntax.json"
check "a JSON syntax error names line and column" \
	bash -c "'$TOPOGEN' '$T/syntax.json' '$T/b' 2>&1 | grep -qF '$T/syntax.json:1:34: '"
check "every example description passes --check" \
	bash -c "for f in '$DESC_DIR'/*.json; do '$TOPOGEN' \"\$f\" --check || exit 1; done"
# Peering and shortcuts (topology/peering.json): the PEER link in both topologies with the other
# end's interface; 113 -> 112 over the core and over the peering link (both info fields
# flagged Peer: meta and flags bytes), 113 -> 111 as the up-segment alone (a shortcut), no
# path through an AS twice, in Go's order (fewest links first). Go's control plane offers
# exactly these (acceptance, --control go).
"$TOPOGEN" "$DESC_DIR/peering.json" "$T/peer" >/dev/null
check "PEER links in topology.json, with remote_interface_id" python3 -c "
import json
a = json.load(open('$T/peer/ASff00_0_111/topology.json'))['border_routers']['br1-ff00_0_111-1']['interfaces']['42']
b = json.load(open('$T/peer/ASff00_0_112/topology.json'))['border_routers']['br1-ff00_0_112-1']['interfaces']['2']
assert (a['link_to'], a['remote_interface_id'], b['link_to'], b['remote_interface_id']) == ('PEER', 2, 'PEER', 42)"
check "peering, shortcut and core paths as Go's combinator makes them, none looping" python3 -c "
import json
ps = json.load(open('$T/peer/paths.json'))['paths']
def ifs(s, d): return [[(i['ia'][-3:], i['id']) for i in p['interfaces']] for p in ps if (p['src'][-3:], p['dst'][-3:]) == (s, d)]
assert ifs('113', '112') == [[('113', 1), ('111', 43), ('111', 42), ('112', 2)], [('113', 1), ('111', 43), ('111', 41), ('110', 1), ('110', 2), ('112', 1)]], ifs('113', '112')
assert ifs('113', '111') == [[('113', 1), ('111', 43)]], ifs('113', '111')
assert ifs('111', '113') == [[('111', 43), ('113', 1)]], ifs('111', '113')
peer = [p['raw'] for p in ps if (p['src'][-3:], p['dst'][-3:]) == ('113', '112')][0]
assert peer[:8] == '00002040' and int(peer[8:10], 16) & 2 and int(peer[24:26], 16) & 3 == 3, peer
for p in ps:
    seq = [i['ia'] for i in p['interfaces']]
    runs = [a for k, a in enumerate(seq) if k == 0 or seq[k - 1] != a]
    assert len(runs) == len(set(runs)), (p['src'], p['dst'], seq)"
check "--help on stdout, exit 0, names the format document" \
	bash -c "'$TOPOGEN' --help 2>/dev/null | grep -q 'topogen.md'"
finish
