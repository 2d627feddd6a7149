#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Every tool's command line: --help on stdout with exit 0 and the options listed; a bad
# argument named, with why, and exit 2 (usage); nothing left for the user to guess.
set -uo pipefail
BUILD=$1
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
source "$(dirname "$0")/../lib/tap.sh"
TOOLS=(tools/snet-echo tools/snet-ping tools/snet-pkt tools/snet-policy tools/snet-showpaths
	tools/snet-traceroute tools/snet-daemon-query tools/snet-address dispatcher/snet-dispatcher
	topology/snet-topogen acceptance/router/snet-br)
for t in "${TOOLS[@]}"; do
	bin=$BUILD/$t name=${t##*/}
	"$bin" --help >"$T/out" 2>"$T/err"
	rc=$?
	check "$name --help: exit 0" test "$rc" = 0
	check "$name --help: usage on stdout, nothing on stderr" \
		bash -c "head -1 '$T/out' | grep -q '^usage: $name' && ! test -s '$T/err'"
	check "$name --help: lists its options" bash -c "test \$(grep -c -- '--' '$T/out') -ge 1"
	check "$name --help: points at no source file" bash -c "! grep -qE '\\.c\\b|see the header' '$T/out'"
done
# bad NAME EXPECTED-STDERR-PATTERN COMMAND...: exit 2 and stderr names the argument.
bad() {
	local name=$1 pat=$2 rc
	shift 2
	"$@" >/dev/null 2>"$T/err"
	rc=$?
	check "$name: exit 2, says '$pat'" bash -c "[[ $rc == 2 ]] && grep -qF -- \"\$0\" '$T/err'" "$pat" ||
		{ echo "  exit $rc: $(head -2 "$T/err")"; }
}
B=$BUILD
bad "echo mode" "mode: expected server or client, got 'serve'" "$B/tools/snet-echo" serve
bad "echo --window" "--window: expected an integer 1..64, got '99'" "$B/tools/snet-echo" client --window 99
bad "echo --mark" "--mark: expected an integer 0..4294967295, got 'x'" "$B/tools/snet-echo" server --mark x
bad "echo --remote" "--remote: malformed host address, got '1-ff00:0:1,host:80'" \
	"$B/tools/snet-echo" client --remote 1-ff00:0:1,host:80
bad "echo unknown option" "--bogus" "$B/tools/snet-echo" client --bogus
bad "address unknown option" "option: unknown (--help lists them), got '--bogus'" \
	"$B/tools/snet-address" --bogus
bad "address extra argument" "arguments: unexpected, got 'x'" "$B/tools/snet-address" x
bad "address --sciond without a value" "--sciond: expected a daemon address" \
	"$B/tools/snet-address" --sciond
bad "echo extra argument" "arguments: unexpected, got 'extra'" "$B/tools/snet-echo" client extra
bad "ping --count" "--count: expected an integer 1..65535, got '0'" "$B/tools/snet-ping" -c 0 1-ff00:0:1,10.0.0.1
bad "ping destination" "destination: malformed host address, got '1-ff00:0:1,host'" \
	"$B/tools/snet-ping" 1-ff00:0:1,host
bad "ping no destination" "usage: snet-ping" "$B/tools/snet-ping"
bad "pkt mode" "usage: snet-pkt" "$B/tools/snet-pkt" frobnicate
bad "policy argument" "unexpected argument 'x'" "$B/tools/snet-policy" x
bad "showpaths -m" "-m: not a count, got 'x'" "$B/tools/snet-showpaths" 1-ff00:0:1 -m x
bad "traceroute --timeout" "--timeout: not a duration like 1s, got 'x'" \
	"$B/tools/snet-traceroute" --timeout x 1-ff00:0:1,10.0.0.1
bad "daemon-query request" "request: expected as [IA]" "$B/tools/snet-daemon-query" frobnicate
bad "dispatcher --forwarding" "--forwarding: expected on|off, got 'maybe'" \
	"$B/dispatcher/snet-dispatcher" --ia 1-ff00:0:1 --forwarding maybe
bad "topogen --max-paths" "--max-paths: expected 1..4096, got '0'" \
	"$B/topology/snet-topogen" a b --max-paths 0
bad "topogen unknown option" "unknown option, got '--controls'" "$B/topology/snet-topogen" a b --controls
bad "br argument" "unexpected argument '--bogus'" "$B/acceptance/router/snet-br" --bogus
finish
