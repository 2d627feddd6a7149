# SPDX-License-Identifier: Apache-2.0
# Helpers for end-to-end tests in network namespaces (sourced). Names carry the test's PID so
# that two runs never collide; everything is removed on exit, success or failure.
set -euo pipefail

[[ $(id -u) == 0 ]] || { echo "FAIL: network namespace tests need root" >&2; exit 1; }

E2E_ID=${E2E_ID:-$$}
E2E_NS=()
E2E_PIDS=()
E2E_TMP=$(mktemp -d)
E2E_PASS=0
E2E_FAIL=0

e2e_cleanup() {
	local p ns
	for p in "${E2E_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${E2E_PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
	# Anything still running in our namespaces (a helper's children) goes too.
	for ns in "${E2E_NS[@]}"; do
		ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null || true
		ip netns del "$ns" 2>/dev/null || true
	done
	[[ -n ${E2E_KEEP:-} ]] || rm -rf "$E2E_TMP"
}
trap e2e_cleanup EXIT

# ns NAME: creates namespace sn<id>-NAME with lo up and no reverse-path filtering.
ns_add() {
	local ns="sn$E2E_ID-$1"
	ip netns add "$ns"
	E2E_NS+=("$ns")
	ip -n "$ns" link set lo up
	n "$1" sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0
	n "$1" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
}

# n NAME CMD...: runs CMD in namespace NAME.
n() {
	local who=$1
	shift
	ip netns exec "sn$E2E_ID-$who" "$@"
}

# link A IFA B IFB: a veth pair between namespaces A and B, both ends up.
link() {
	ip -n "sn$E2E_ID-$1" link add "$2" type veth peer name "$4" netns "sn$E2E_ID-$3"
	ip -n "sn$E2E_ID-$1" link set "$2" up
	ip -n "sn$E2E_ID-$3" link set "$4" up
	n "$1" sysctl -qw "net.ipv4.conf.$2.rp_filter=0"
	n "$3" sysctl -qw "net.ipv4.conf.$4.rp_filter=0"
}

# bg NAME LOG CMD...: runs CMD in namespace NAME in the background, output to LOG.
# ip netns exec execs the command, so $! is the program itself and signals reach it.
# The log is emptied before the command starts (not by the background shell, which may run
# later): wait_for must never see a line an earlier process wrote there.
bg() {
	local who=$1 log=$2
	shift 2
	: >"$log"
	ip netns exec "sn$E2E_ID-$who" "$@" >>"$log" 2>&1 &
	E2E_PIDS+=($!)
	LAST_PID=$!
}

# wait_for FILE PATTERN: waits up to 5 s for PATTERN to appear in FILE.
wait_for() {
	local i
	for i in $(seq 1 100); do
		grep -q "$2" "$1" 2>/dev/null && return 0
		sleep 0.05
	done
	echo "timed out waiting for '$2' in $1:" >&2
	cat "$1" >&2 || true
	return 1
}

# alive PID: running (a zombie waiting to be reaped is not).
alive() {
	local st
	read -r st 2>/dev/null </proc/"$1"/stat || return 1
	st=${st##*) } # the state follows the command name in parentheses
	[[ ${st%% *} != Z ]]
}

# stop PID: SIGTERM, up to 5 s to exit, then SIGKILL; and reap it.
stop() {
	kill -TERM "$1" 2>/dev/null || true
	for _ in $(seq 1 100); do
		alive "$1" || break
		sleep 0.05
	done
	if alive "$1"; then
		echo "# pid $1 ignored SIGTERM for 5 s: SIGKILL" >&2
		kill -KILL "$1" 2>/dev/null || true
	fi
	wait "$1" 2>/dev/null || true
}

check() {
	local what=$1
	shift
	if "$@"; then
		echo "ok - $what"
		E2E_PASS=$((E2E_PASS + 1))
	else
		echo "FAIL - $what"
		E2E_FAIL=$((E2E_FAIL + 1))
	fi
}

e2e_summary() {
	echo "$E2E_PASS passed, $E2E_FAIL failed"
	[[ $E2E_FAIL == 0 ]]
}
