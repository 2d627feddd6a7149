#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# snet-dispatcher in namespaces: SVC traffic, relays from a secondary address, no relay loop,
# refused registrations. Packets are built with snet-pkt and sent from plain UDP sockets.
#
#   [P] p0: 10.0.0.9/24  -----  [H] h0: 10.0.0.2/24, 10.0.0.3/24 (secondary)
#                                   snet-dispatcher on :30041, applications on H
#
# All in AS 1-ff00:0:110; P plays the router (or a host of the AS) that sends to 30041.
set -euo pipefail
DISP=$1 ECHO=$2 PKT=$3 SINK=$4
source "$(dirname "$0")/../../acceptance/lib/netns.sh"
IA=1-ff00:0:110
T=$E2E_TMP

setup() {
	ns_add H
	ns_add P
	link H h0 P p0
	n H sysctl -qw net.ipv4.conf.h0.promote_secondaries=1
	ip -n "sn$E2E_ID-H" addr add 10.0.0.2/24 dev h0
	ip -n "sn$E2E_ID-H" addr add 10.0.0.3/24 dev h0
	ip -n "sn$E2E_ID-P" addr add 10.0.0.9/24 dev p0
}

# send_pkt NS JSON IP PORT: the packet the JSON describes, as one UDP datagram to IP:PORT.
send_pkt() {
	local who=$1 json=$2 ip=$3 port=$4
	printf '%s' "$json" | "$PKT" encode - --hex | xxd -r -p >"$T/pkt.bin"
	n "$who" bash -c "cat '$T/pkt.bin' >/dev/udp/$ip/$port"
}

quiet() { # LOG CMD...: runs CMD with its output in LOG (shown if it fails)
	local log=$1
	shift
	"$@" >"$log" 2>&1 || { cat "$log" >&2; return 1; }
}

udp_json() { # DST_HOST SRC_HOST DPORT SPORT
	printf '{"dst_ia":"%s","src_ia":"%s","dst_host":"%s","src_host":"%s","path":{},' \
		"$IA" "$IA" "$1" "$2"
	printf '"udp":{"src_port":%s,"dst_port":%s},"payload":"68656c6c6f"}' "$4" "$3"
}

disp_counter() { # LOG NAME: the value of "counter drop=NAME n=V" after a SIGUSR1
	local log=$1 name=$2 pid=$3 before
	before=$(grep -c '^counter end' "$log" || true)
	kill -USR1 "$pid"
	for _ in $(seq 1 100); do
		[[ $(grep -c '^counter end' "$log" || true) -gt $before ]] && break
		sleep 0.02
	done
	tac "$log" | awk -v k="drop=$name" '/^counter end/ && seen++ { exit } $2 == k { sub("n=", "", $3); print $3; exit }'
}

# ---- SVC: relayed to the service at the address it arrived at, never to a conn ------------
test_svc() {
	bg H "$T/disp.log" "$DISP" --ia $IA --forwarding on --service "$IA,CS=10.0.0.2:40000" \
		--service "$IA,DS=10.0.0.7:40001"
	local d=$LAST_PID
	wait_for "$T/disp.log" '^ready'
	bg H "$T/sink.log" "$SINK" 10.0.0.2:40000 1 3000
	local sink=$LAST_PID
	wait_for "$T/sink.log" listening
	send_pkt P "$(udp_json CS 10.0.0.9 0 40005)" 10.0.0.2 30041
	check "a packet to CS reaches the service the dispatcher was given" wait "$sink"
	check "it was relayed from the address it arrived at" grep -q "from 10.0.0.2:30041" "$T/sink.log"
	# A service on another address than the one the packet reached: Go's anti-reflection.
	send_pkt P "$(udp_json DS 10.0.0.9 0 40005)" 10.0.0.2 30041
	sleep 0.2
	check "a packet to DS (service elsewhere) is dropped as a reflection" \
		test "$(disp_counter "$T/disp.log" reflection "$d")" = 1
	stop "$d"
	# An ordinary conn drops SVC traffic, counted, and answers nothing.
	bg H "$T/echo.log" "$ECHO" server --ia $IA --bind "0.0.0.0:31000"
	local e=$LAST_PID
	wait_for "$T/echo.log" listening
	send_pkt P "$(udp_json CS 10.0.0.9 31000 40005)" 10.0.0.2 31000
	sleep 0.2
	stop "$e"
	check "an ordinary conn counts the SVC packet as dropped" grep -q "drop_svc=1 " "$T/echo.log"
	check "and delivers nothing" bash -c "! grep -q ^recv '$T/echo.log'"
}

# ---- a relay from a secondary address leaves from that address ----------------------------
test_secondary() {
	bg H "$T/disp2.log" "$DISP" --ia $IA --forwarding on
	local d=$LAST_PID
	wait_for "$T/disp2.log" '^ready'
	bg H "$T/srv2.log" "$ECHO" server --ia $IA --bind "0.0.0.0:31001"
	local s=$LAST_PID
	wait_for "$T/srv2.log" listening
	check "a client reaching the secondary address through 30041 gets the reply from it" \
		quiet "$T/cl2.log" n P "$ECHO" client --ia $IA --remote "[$IA,10.0.0.3]:31001" \
		--next-hop 10.0.0.3:30041 --expect "[$IA,10.0.0.3]:31001" --count 2
	stop "$s"
	check "the application saw the packet come from the secondary address" \
		grep -q "local=\[$IA,10.0.0.3\]:31001" "$T/srv2.log"
	stop "$d"
}

# ---- one datagram must not make the dispatcher relay to itself ----------------------------
test_no_loop() {
	bg H "$T/disp3.log" "$DISP" --ia $IA --forwarding on
	local d=$LAST_PID
	wait_for "$T/disp3.log" '^ready'
	local json
	json=$(printf '{"dst_ia":"%s","src_ia":"%s","dst_host":"10.0.0.2","src_host":"10.0.0.9","path":{},"scmp":{"type":129,"code":0,"identifier":30041,"seq_number":1}}' "$IA" "$IA")
	send_pkt P "$json" 10.0.0.2 30041
	sleep 0.5
	check "an echo reply for identifier 30041 is dropped, not relayed to 30041" \
		test "$(disp_counter "$T/disp3.log" to_dispatcher "$d")" = 1
	check "nothing was relayed" grep -q "relayed=0" "$T/disp3.log"
	stop "$d"
}

# ---- registrations outside the allowed ports are refused ----------------------------------
test_ports() {
	bg H "$T/disp4.log" "$DISP" --ia $IA --socket "$T/d.sock" --ports 31000-31999
	local d=$LAST_PID
	wait_for "$T/disp4.log" '^ready'
	check "a registration for port 53 is refused" bash -c "! n H '$ECHO' server --ia $IA \
		--dispatcher '$T/d.sock' --bind 10.0.0.2:53 >'$T/p53.log' 2>&1"
	check "with the dispatcher's refusal named" grep -q SNET_E_DISPATCHER "$T/p53.log"
	bg H "$T/app.log" "$ECHO" server --ia $IA --dispatcher "$T/d.sock" --bind 10.0.0.2:0
	local a=$LAST_PID
	check "port 0 gets an ephemeral port (Go v0.11: 32768-65535)" \
		wait_for "$T/app.log" "listening conn=0 \[$IA,10.0.0.2\]:3[2-9][0-9][0-9][0-9]\|listening conn=0 \[$IA,10.0.0.2\]:[4-6][0-9][0-9][0-9][0-9]"
	stop "$a"
	stop "$d"
	check "a clean exit removes the socket file" test ! -e "$T/d.sock"
}

n() { local who=$1; shift; ip netns exec "sn$E2E_ID-$who" "$@"; }
export -f n
export E2E_ID
setup
test_svc
test_secondary
test_no_loop
test_ports
e2e_summary
