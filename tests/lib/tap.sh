# SPDX-License-Identifier: Apache-2.0
# What every shell test shares: `check NAME COMMAND...` (ok when COMMAND succeeds, counted)
# and `finish` (the tally; fails when any check failed). Source it.
pass=0 fail=0
check() {
	local what=$1
	shift
	if "$@"; then echo "ok - $what"; pass=$((pass + 1)); else echo "FAIL - $what"; fail=$((fail + 1)); fi
}
finish() {
	echo "$pass passed, $fail failed"
	[[ $fail == 0 ]]
}
