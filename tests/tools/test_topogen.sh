#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# snet-topogen end to end: what it writes, and with which permissions.
set -euo pipefail
TOPOGEN=$1 DESC_DIR=$2
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0 fail=0
check() {
	local what=$1
	shift
	if "$@"; then echo "ok - $what"; pass=$((pass + 1)); else echo "FAIL - $what"; fail=$((fail + 1)); fi
}
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
	bash -c "'$TOPOGEN' '$T/mixed.json' '$T/m' 2>&1 | grep -q '^snet-topogen: networks: routers .* mix IPv4 and IPv6'"
check "BFD from the description reaches topology.json and the TOML" \
	bash -c "grep -q desired_min_tx_interval '$T/fo/ASff00_0_110/topology.json' && grep -q 'disable = false' '$T'/fo/ASff00_0_110/*.toml"
echo "$pass passed, $fail failed"
[[ $fail == 0 ]]
