#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# snet-showpaths and snet-daemon-query against a stand-in daemon serving replies captured from
# Go's: the output must be what Go's scion showpaths and daemon.Connector printed for the same
# replies (tests/data/daemon/expect), byte for byte, exit status included; and bad arguments or
# an absent daemon give a clear error and exit 2.
#   test_daemon_tools.sh FAKE_DAEMON SNET_SHOWPATHS SNET_DAEMON_QUERY DATADIR
set -uo pipefail
FAKE=$1 SP=$2 DQ=$3 DATA=$4
E=$DATA/daemon/expect
T=$(mktemp -d)
"$FAKE" "$DATA/daemon" >"$T/fake.log" 2>&1 &
fake=$!
trap 'kill $fake 2>/dev/null; wait $fake 2>/dev/null; rm -rf "$T"' EXIT
for _ in $(seq 1 100); do grep -q listening "$T/fake.log" && break; sleep 0.05; done
ADDR=127.0.0.1:$(awk '{ print $2 }' "$T/fake.log")
source "$(dirname "$0")/../lib/tap.sh"
same() { # NAME EXPECTED-FILE RC-FILE COMMAND...
	local name=$1 exp=$2 rcf=$3 rc
	shift 3
	TZ=UTC "$@" >"$T/out" 2>&1
	rc=$?
	if diff -u "$exp" "$T/out" >"$T/diff" && [[ -z $rcf || $rc == $(cat "$rcf") ]]; then
		echo "ok - $name"
		pass=$((pass + 1))
	else
		echo "FAIL - $name (exit $rc)"
		cat "$T/diff"
		fail=$((fail + 1))
	fi
}
while read -r name args; do
	same "showpaths $name" "$E/showpaths-$name.out" "$E/showpaths-$name.rc" \
		"$SP" $args --sciond "$ADDR"
done <<'CASES'
json-112 1-ff00:0:112 --format json --no-probe
human-112 1-ff00:0:112 --no-probe
json-local 1-ff00:0:111 --format json
human-local 1-ff00:0:111
unknown-isd 2-ff00:0:1 --no-probe
no-path-human 1-ff00:0:999 --no-probe
no-path-json 1-ff00:0:999 --no-probe --format json
max1-json 1-ff00:0:112 --format json --no-probe -m 1
CASES
same "showpaths --sequence matching" "$E/showpaths-seq-match.out" "$E/showpaths-seq-match.rc" \
	"$SP" 1-ff00:0:112 --no-probe --format json --sequence "1-ff00:0:111#41 0*" --sciond "$ADDR"
same "showpaths --sequence matching none" "$E/showpaths-seq-none.out" "$E/showpaths-seq-none.rc" \
	"$SP" 1-ff00:0:112 --no-probe --format json --sequence "1-ff00:0:111#42 0*" --sciond "$ADDR"
while read -r name args; do
	same "query $name" "$E/query-$name.json" "" "$DQ" --sciond "$ADDR" $args
done <<'CASES'
as as
as-110 as 1-ff00:0:110
port-range port-range
interfaces interfaces
services services
topology topology
paths-112 paths 1-ff00:0:112
paths-111 paths 1-ff00:0:111
CASES
# Go's ReloadingTopology answers what LoadTopology does; ours fills the interfaces by reloads.
same "query reloading-topology" "$E/query-topology.json" "" "$DQ" --sciond "$ADDR" \
	reloading-topology
# snet-address: the IA from the daemon, the source the kernel picks towards its control
# service (which address that is depends on this machine's routes: Go's own output is
# compared with ours on Go's control plane, row `control address`).
AD=$(dirname "$DQ")/snet-address
"$AD" --sciond "$ADDR" >"$T/addr" 2>&1
check "address: IA,IP" grep -qE '^1-ff00:0:111,[0-9a-f.:]+$' "$T/addr"
"$AD" --sciond "$ADDR" --json >"$T/addr.json" 2>&1
check "address --json: Go's document" bash -c "grep -q '^  \"addresses\": \[$' '$T/addr.json' &&
	grep -qF '      \"isd_as\": \"1-ff00:0:111\",' '$T/addr.json' &&
	grep -qF '      \"address\": \"'\"\$(cat '$T/addr')\"'\"' '$T/addr.json'"
# Errors: a message that says what went wrong; exit 2 for usage, 1 for a failed request
# (snet-showpaths follows Go's `scion showpaths`: 2 for both).
err() { # NAME PATTERN COMMAND...
	local name=$1 pat=$2 rc want=2
	shift 2
	[[ $name != runtime:* ]] || want=1
	"$@" >"$T/out" 2>&1
	rc=$?
	check "$name" bash -c "[[ $rc == $want ]] && grep -q -- '$pat' '$T/out'" || cat "$T/out"
}
err "runtime: no daemon listening" "connection refused" "$DQ" --sciond 127.0.0.1:1 as
err "showpaths, no daemon" "connection refused" "$SP" 1-ff00:0:112 --sciond 127.0.0.1:1
err "address, no daemon" "Error: .*connection refused" "$AD" --sciond 127.0.0.1:1
err "bad --sciond" "sciond" "$DQ" --sciond nonsense as
err "bad -m" "\-m: not a count" "$SP" 1-ff00:0:112 -m x --sciond "$ADDR"
err "bad --format" "output format not supported" "$SP" 1-ff00:0:112 --format yaml --sciond "$ADDR"
err "bad destination" "invalid destination ISD-AS" "$SP" 1-ff00 --sciond "$ADDR"
err "bad sequence" "Failed to parse a sequence" "$SP" 1-ff00:0:112 --sequence x --sciond "$ADDR"
err "bad IA in query" "not an ISD-AS" "$DQ" --sciond "$ADDR" paths x
err "unknown query" "request: expected as \[IA\] | port-range" "$DQ" --sciond "$ADDR" frobnicate
err "unknown option" "option: unknown .*--bogus" "$DQ" --bogus as
check "--help on stdout, exit 0" bash -c "'$DQ' --help | grep -q '^usage: snet-daemon-query'"
# SCION_DAEMON is read when --sciond is absent.
check "SCION_DAEMON" env SCION_DAEMON="$ADDR" "$DQ" port-range
finish
