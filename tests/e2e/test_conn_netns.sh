#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Unbound multihomed connections in real namespaces, with real sockets and processes.
#
#            p1: 10.1.0.1/24 fd01::1/64          p2: 10.2.0.1/24 fd02::1/64
#   [P1] lo: 10.9.0.1/32 fd09::1/128   [P2] lo: 10.9.0.1/32 fd09::1/128
#     |                                   |
#   h1: 10.1.0.2/24 10.1.0.3/24           h2: 10.2.0.2/24 fd02::2/64
#       fd01::2/64 fd01::3/64 (deprecated)
#                       [H]   route 10.9.0.1 and fd09::1 via P1
#
# All hosts are in AS 1-ff00:0:110: next hops are the hosts themselves (Go's AS-internal rule).
set -euo pipefail
ECHO=$1
source "$(dirname "$0")/../../acceptance/lib/netns.sh"
IA=1-ff00:0:110
T=$E2E_TMP

setup() {
	ns_add H
	ns_add P1
	ns_add P2
	link H h1 P1 p1
	link H h2 P2 p2
	n H sysctl -qw net.ipv4.conf.h1.promote_secondaries=1
	ip -n "sn$E2E_ID-H" addr add 10.1.0.2/24 dev h1
	ip -n "sn$E2E_ID-H" addr add 10.1.0.3/24 dev h1
	ip -n "sn$E2E_ID-H" addr add 10.2.0.2/24 dev h2
	ip -n "sn$E2E_ID-H" -6 addr add fd01::2/64 dev h1 nodad
	ip -n "sn$E2E_ID-H" -6 addr add fd01::3/64 dev h1 nodad preferred_lft 0
	ip -n "sn$E2E_ID-H" -6 addr add fd02::2/64 dev h2 nodad
	ip -n "sn$E2E_ID-P1" addr add 10.1.0.1/24 dev p1
	ip -n "sn$E2E_ID-P2" addr add 10.2.0.1/24 dev p2
	ip -n "sn$E2E_ID-P1" -6 addr add fd01::1/64 dev p1 nodad
	ip -n "sn$E2E_ID-P2" -6 addr add fd02::1/64 dev p2 nodad
	for p in P1 P2; do
		ip -n "sn$E2E_ID-$p" addr add 10.9.0.1/32 dev lo
		ip -n "sn$E2E_ID-$p" -6 addr add fd09::1/128 dev lo nodad
	done
	ip -n "sn$E2E_ID-H" route add 10.9.0.1/32 via 10.1.0.1
	ip -n "sn$E2E_ID-H" -6 route add fd09::1/128 via fd01::1
	ip -n "sn$E2E_ID-H" route add 10.9.0.0/24 via 10.2.0.1 table 100
	ip -n "sn$E2E_ID-H" -6 route add fd09::/64 via fd02::1 table 100
}

server() { # NS PORT LOG [extra args]
	local who=$1 port=$2 log=$3
	shift 3
	bg "$who" "$log" "$ECHO" server --ia $IA --bind "[::]:$port" "$@"
	wait_for "$log" listening
}

client() { # NS OUT args...
	local who=$1 out=$2
	shift 2
	n "$who" "$ECHO" client --ia $IA "$@" >"$out" 2>&1
}

# silent NS args...: the client gets no reply at all (and says so).
silent() {
	local who=$1
	shift
	if n "$who" "$ECHO" client --ia $IA --timeout-ms 300 "$@" >"$T/silent" 2>&1; then
		return 1
	fi
	grep -q "received=0 " "$T/silent"
}

# fails_with NS ERROR args...: the command exits 1 naming ERROR.
fails_with() {
	local who=$1 err=$2
	shift 2
	if n "$who" "$@" >"$T/fails" 2>&1; then
		return 1
	fi
	grep -q "$err" "$T/fails"
}

# field FILE PREFIX KEY: the value of KEY= on the first line starting with PREFIX.
field() {
	grep -m1 "^$2" "$1" | sed -n "s/.* $3=\([0-9]*\).*/\1/p" || true
}

# ---- A: an unbound client picks the source the kernel would, per next hop -------------
test_client_source() {
	server P1 31000 "$T/a1.log"
	local s1=$LAST_PID
	server P2 31000 "$T/a2.log"
	local s2=$LAST_PID
	check "v4 unbound client -> P1 replies" client H "$T/c" --remote "[$IA,10.1.0.1]:31000" \
		--expect "[$IA,10.1.0.1]:31000" --count 3
	check "v4 unbound client -> P2 replies" client H "$T/c" --remote "[$IA,10.2.0.1]:31000" \
		--expect "[$IA,10.2.0.1]:31000" --count 3
	check "v6 unbound client -> P1 replies" client H "$T/c" --remote "[$IA,fd01::1]:31000" \
		--expect "[$IA,fd01::1]:31000" --count 3
	check "v6 unbound client -> P2 replies" client H "$T/c" --remote "[$IA,fd02::1]:31000" \
		--expect "[$IA,fd02::1]:31000" --count 3
	stop $s1
	stop $s2
	check "P1 saw SCION and underlay source 10.1.0.2" \
		grep -q "from=\[$IA,10.1.0.2\]:[0-9]* underlay=10.1.0.2:" "$T/a1.log"
	check "P2 saw SCION and underlay source 10.2.0.2" \
		grep -q "from=\[$IA,10.2.0.2\]:[0-9]* underlay=10.2.0.2:" "$T/a2.log"
	check "P1 saw v6 source fd01::2 (not the deprecated fd01::3)" \
		grep -q "from=\[$IA,fd01::2\]:[0-9]* underlay=\[fd01::2\]:" "$T/a1.log"
	check "P2 saw v6 source fd02::2" grep -q "from=\[$IA,fd02::2\]" "$T/a2.log"
}

# ---- B: a wildcard server replies from the address each client targeted ---------------
test_wildcard_server() {
	server H 31010 "$T/b.log"
	local s=$LAST_PID
	local who addr
	for pair in P1:10.1.0.2 P1:10.1.0.3 P2:10.2.0.2 P1:fd01::2 P1:fd01::3 P2:fd02::2; do
		who=${pair%%:*}
		addr=${pair#*:}
		check "wildcard server answers $who from $addr" client "$who" "$T/c" \
			--remote "[$IA,$addr]:31010" --expect "[$IA,$addr]:31010" --count 3
	done
	stop $s
	server H 31011 "$T/b2.log" --bind 10.1.0.2:31012
	s=$LAST_PID
	check "server bound to 10.1.0.2 answers 10.1.0.2" client P1 "$T/c" \
		--remote "[$IA,10.1.0.2]:31012" --expect "[$IA,10.1.0.2]:31012" --count 2
	check "server bound to 10.1.0.2 is silent for 10.1.0.3" \
		silent P1 --remote "[$IA,10.1.0.3]:31012" --count 2
	stop $s
}

# ---- C: live changes; no packet leaves from a stale source once the event is processed ---
# stream_change NAME DST OLD NEW CMD...: streams to DST, runs CMD mid-stream, then counts, at
# the peers, packets sent after the client processed the event that still came from OLD.
stream_change() {
	local name=$1 dst=$2 old=$3 new=$4 port=$((31100 + ${#E2E_CHANGES[@]}))
	shift 4
	E2E_CHANGES+=("$name")
	server P1 $port "$T/$name.p1"
	local s1=$LAST_PID
	server P2 $port "$T/$name.p2"
	local s2=$LAST_PID
	bg H "$T/$name.c" "$ECHO" client --ia $IA --remote "[$IA,$dst]:$port" --count 300 \
		--interval-ms 3 --min-replies 1 --timeout-ms 500
	local c=$LAST_PID
	STREAM_CLIENT=$c
	sleep 0.3
	# A shell function gets the client's PID in STREAM_CLIENT; anything else runs in H.
	if declare -F "$1" >/dev/null; then "$@"; else n H "$@"; fi
	wait $c || true
	stop $s1
	stop $s2
	local after
	after=$(field "$T/$name.c" route-change after-seq)
	# "auto": whatever the kernel now picks towards dst, which must differ from the old source.
	[[ $new != auto ]] || new=$(n H ip -o route get "$dst" | sed -n 's/.* src \([^ ]*\).*/\1/p')
	check "$name: the source changes ($old -> $new)" test -n "$new" -a "$new" != "$old"
	[[ -n $after ]] || after=999999
	local stale fresh before
	stale=$(cat "$T/$name.p1" "$T/$name.p2" | awk -v a="$after" -v o="$old" '
		/^recv/ { split($3, p, "-"); if (p[2] + 0 > a + 0 && index($4, "," o "]")) n++ }
		END { print n + 0 }')
	fresh=$(cat "$T/$name.p1" "$T/$name.p2" | awk -v a="$after" -v w="$new" '
		/^recv/ { split($3, p, "-"); if (p[2] + 0 > a + 0 && index($4, "," w "]")) n++ }
		END { print n + 0 }')
	before=$(cat "$T/$name.p1" "$T/$name.p2" | awk -v o="$old" '
		/^recv/ && index($4, "," o "]") { n++ } END { print n + 0 }')
	echo "# $name: event processed after seq $after; before it from $old: $before;" \
		"after it from $new: $fresh, from stale $old: $stale"
	check "$name: the event was seen" test "$after" != 999999
	check "$name: packets left from $old before the change" test "$before" -gt 0
	check "$name: packets left from $new after the change" test "$fresh" -gt 0
	check "$name: zero packets from the stale source after the event" test "$stale" = 0
}

test_live_changes() {
	stream_change v4-route-only 10.9.0.1 10.1.0.2 10.2.0.2 \
		ip route replace 10.9.0.1/32 via 10.2.0.1
	n H ip route replace 10.9.0.1/32 via 10.1.0.1
	stream_change v4-policy-rule 10.9.0.1 10.1.0.2 10.2.0.2 \
		ip rule add to 10.9.0.1 lookup 100 pref 100
	n H ip rule del pref 100
	stream_change v6-route-only fd09::1 fd01::2 fd02::2 \
		ip -6 route replace fd09::1/128 via fd02::1
	n H ip -6 route replace fd09::1/128 via fd01::1
	stream_change v6-policy-rule fd09::1 fd01::2 fd02::2 \
		ip -6 rule add to fd09::1 lookup 100 pref 100
	n H ip -6 rule del pref 100
	# With fd01::2 gone the kernel avoids the deprecated fd01::3 (RFC 6724 rule 3).
	stream_change v6-address-removal fd01::1 fd01::2 auto \
		ip -6 addr del fd01::2/64 dev h1
	stream_change v4-address-removal 10.1.0.1 10.1.0.2 10.1.0.3 \
		ip addr del 10.1.0.2/24 dev h1
}

# ---- G: the netlink event socket overflows while the client is stopped ---------------------
# The client is stopped (SIGSTOP), 20,000 address changes overflow its event socket, the
# preferred source towards 10.9.0.1 switches, and the client resumes (SIGCONT): the overflow
# must flush its cache and its watcher must keep running (it once stopped for good).
overflow_storm() {
	local f=$T/storm i
	: >"$f"
	for i in $(seq 0 9999); do echo "address add 10.77.$((i / 250)).$((i % 250 + 1))/32 dev lo"; done >>"$f"
	for i in $(seq 0 9999); do echo "address del 10.77.$((i / 250)).$((i % 250 + 1))/32 dev lo"; done >>"$f"
	kill -STOP "$STREAM_CLIENT"
	n H ip -batch "$f"
	n H ip route replace 10.9.0.1/32 via 10.1.0.1 src 10.1.0.3
	kill -CONT "$STREAM_CLIENT"
}

test_overflow() {
	stream_change v4-overflow 10.9.0.1 10.1.0.2 10.1.0.3 overflow_storm
	local overflows
	overflows=$(field "$T/v4-overflow.c" "stats route" overflows)
	echo "# event socket overflows seen by the client: $overflows"
	check "v4-overflow: the client counted the overflow" test "${overflows:-0}" -ge 1
	n H ip route replace 10.9.0.1/32 via 10.1.0.1
}

# ---- D: device binding -----------------------------------------------------------------
test_device() {
	n H ip route add default via 10.2.0.1 dev h2 metric 500
	server P1 31200 "$T/d1.log"
	local s1=$LAST_PID
	server P2 31200 "$T/d2.log"
	local s2=$LAST_PID
	check "client bound to h2 reaches 10.9.0.1 through P2" client H "$T/c" --device h2 \
		--remote "[$IA,10.9.0.1]:31200" --expect "[$IA,10.9.0.1]:31200" --count 3
	stop $s1
	stop $s2
	check "P2 saw the device-bound client from 10.2.0.2" \
		grep -q "from=\[$IA,10.2.0.2\]" "$T/d2.log"
	check "P1 saw nothing from the device-bound client" bash -c "! grep -q ^recv $T/d1.log"
	bg H "$T/d3.log" "$ECHO" server --ia $IA --device h2 --bind 0.0.0.0:31201
	s1=$LAST_PID
	wait_for "$T/d3.log" listening
	check "server bound to h2 answers through h2" client P2 "$T/c" \
		--remote "[$IA,10.2.0.2]:31201" --expect "[$IA,10.2.0.2]:31201" --count 2
	check "server bound to h2 is silent on h1" \
		silent P1 --remote "[$IA,10.1.0.3]:31201" --count 2
	stop $s1
}

# ---- E: prefix binding (user-space SO_BINDTOPREFIX) -----------------------------------
test_prefix() {
	bg H "$T/e.log" "$ECHO" server --ia $IA --bind-prefix 10.1.0.0/24:31300 \
		--bind-prefix 10.2.0.0/24:31300 --bind-prefix "[fd01::]/64:31300"
	local s=$LAST_PID
	wait_for "$T/e.log" "listening conn=2"
	check "prefix 10.1.0.0/24 answers" client P1 "$T/c" --remote "[$IA,10.1.0.3]:31300" \
		--expect "[$IA,10.1.0.3]:31300" --count 2
	check "prefix 10.2.0.0/24 answers" client P2 "$T/c" --remote "[$IA,10.2.0.2]:31300" \
		--expect "[$IA,10.2.0.2]:31300" --count 2
	check "prefix fd01::/64 answers" client P1 "$T/c" --remote "[$IA,fd01::3]:31300" \
		--expect "[$IA,fd01::3]:31300" --count 2
	stop $s
	check "10.1.0.3 went to the 10.1.0.0/24 conn" grep -q "recv conn=0 .*local=\[$IA,10.1.0.3\]" "$T/e.log"
	check "10.2.0.2 went to the 10.2.0.0/24 conn" grep -q "recv conn=1 .*local=\[$IA,10.2.0.2\]" "$T/e.log"
	check "fd01::3 went to the fd01::/64 conn" grep -q "recv conn=2 .*local=\[$IA,fd01::3\]" "$T/e.log"
	check "overlapping prefixes are a bind conflict" fails_with H SNET_E_BIND_CONFLICT \
		"$ECHO" server --ia $IA --bind-prefix 10.1.0.0/16:31301 --bind-prefix 10.1.2.0/24:31301
}

# ---- F: malformed datagrams are dropped and counted; good traffic goes on ----------------
test_malformed() {
	server H 31400 "$T/f.log"
	local s=$LAST_PID
	bg P1 "$T/garbage.log" bash -c 'for i in $(seq 1 50); do
		printf "garbage-%d" $i >/dev/udp/10.1.0.2/31400; sleep 0.004; done'
	local g=$LAST_PID
	check "good traffic is answered while garbage arrives" client P1 "$T/c" \
		--remote "[$IA,10.1.0.2]:31400" --expect "[$IA,10.1.0.2]:31400" --count 50 \
		--interval-ms 4
	wait $g || true
	stop $s
	local dropped
	dropped=$(field "$T/f.log" "stats conn=0" drop_malformed)
	echo "# malformed dropped and counted: $dropped"
	check "all 50 malformed datagrams counted" test "${dropped:-0}" -ge 50
}

# ---- G: GSO and GRO across namespaces -------------------------------------------------------
# A window of 64 requests leaves in runs of one size (seq-10..seq-63) as GSO super-packets; they
# cross the veth whole and reach the server coalesced (GRO), which answers each; the replies
# coalesce the same way. Every request is answered, IPv4 and IPv6.
test_offload() {
	local fam addr port=31500
	for fam in v4:10.1.0.1 v6:fd01::1; do
		addr=${fam#*:}
		port=$((port + 1))
		server P1 $port "$T/g.log" --count 200
		local s=$LAST_PID
		check "${fam%%:*} offload: 200 of 200 answered" client H "$T/g.c" \
			--remote "[$IA,$addr]:$port" --expect "[$IA,$addr]:$port" --count 200 \
			--window 64 --interval-ms 0
		wait $s || true
		local gso gro
		gso=$(field "$T/g.c" "stats offload" gso_segments)
		gro=$(field "$T/g.log" "stats offload" gro_segments)
		echo "# ${fam%%:*} offload: client gso_segments=$gso server gro_segments=$gro"
		check "${fam%%:*} offload: the client sent GSO super-packets" test "${gso:-0}" -gt 0
		check "${fam%%:*} offload: the server split coalesced arrivals" test "${gro:-0}" -gt 0
	done
}

E2E_CHANGES=()
setup
test_client_source
test_wildcard_server
test_device
test_prefix
test_malformed
test_overflow
test_offload
test_live_changes
e2e_summary
