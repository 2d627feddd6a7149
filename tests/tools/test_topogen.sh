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
echo "$pass passed, $fail failed"
[[ $fail == 0 ]]
