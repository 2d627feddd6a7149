#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# snet-pkt as a user runs it: every golden vector decodes and re-encodes byte for byte (raw,
# hex and --jsonl), replies decode, bad input gives exit 1 and one error line, bad use exit 2.
set -euo pipefail
pkt=$1
data=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

for f in "$data"/vectors/*.bin; do
	name=$(basename "$f")
	"$pkt" decode "$f" >"$tmp/j" || fail "$name: decode"
	"$pkt" encode "$tmp/j" >"$tmp/b" || fail "$name: encode"
	cmp -s "$f" "$tmp/b" || fail "$name: raw round trip differs"
	xxd -p "$f" | "$pkt" decode - --hex | "$pkt" encode --hex >"$tmp/h"
	[[ $(tr -d '\n' <"$tmp/h") == $(xxd -p "$f" | tr -d '\n') ]] || fail "$name: hex round trip"
	# Lengths and checksums omitted from the JSON are computed to Go's values.
	if grep -q '"checksum_ok":true' "$tmp/j"; then
		sed -e 's/"hdr_len":[0-9]*,//' -e 's/"payload_len":[0-9]*,//' \
			-e 's/"length":[0-9]*,//' -e 's/"checksum":[0-9]*,//' "$tmp/j" >"$tmp/j2"
		"$pkt" encode "$tmp/j2" | cmp -s - "$f" || fail "$name: computed fields differ"
	fi
done

# --jsonl: many packets in one process, a bad line reported in place, exit 1 at the end.
{
	for f in "$data"/vectors/*.bin; do xxd -p "$f" | tr -d '\n'; echo; done
	echo "00"
	xxd -p "$data/vectors/scion-udp.bin" | tr -d '\n'; echo
} >"$tmp/many.hex"
set +e
"$pkt" decode --jsonl "$tmp/many.hex" >"$tmp/many.json"
rc=$?
set -e
[[ $rc == 1 ]] || fail "jsonl with a bad line exited $rc"
[[ $(wc -l <"$tmp/many.json") == 9 ]] || fail "jsonl line count"
sed -n 8p "$tmp/many.json" | grep -q '"error": "SNET_E_TRUNCATED", "line": 8, "offset": 1' ||
	fail "jsonl error line: $(sed -n 8p "$tmp/many.json")"
err=$("$pkt" decode --jsonl "$tmp/many.hex" 2>&1 >/dev/null || true)
[[ $err == 'snet-pkt: line 8: SNET_E_TRUNCATED: buffer ends before the header does at byte 1' ]] ||
	fail "jsonl error on stderr: $err"
grep -v '"error"' "$tmp/many.json" | "$pkt" encode --jsonl --hex >"$tmp/back.hex" ||
	fail "jsonl encode"
grep -v '^00$' "$tmp/many.hex" | cmp -s - "$tmp/back.hex" || fail "jsonl round trip differs"

# reply: addresses swapped, path reversed, ports swapped.
"$pkt" reply "$data/vectors/scion-udp.bin" | "$pkt" decode - >"$tmp/r"
grep -q '"dst_ia":"2-ff00:0:222","src_ia":"1-ff00:0:111"' "$tmp/r" || fail "reply IAs"
grep -q '"dst_host":"10.0.0.100","src_host":"2001:db8::68"' "$tmp/r" || fail "reply hosts"
grep -q '"curr_inf":1,"curr_hf":3' "$tmp/r" || fail "reply path not reversed"
grep -q '"src_port":80,"dst_port":1280' "$tmp/r" || fail "reply ports"
grep -q '"checksum_ok":true' "$tmp/r" || fail "reply checksum"

# Malformed input: exit 1, one line naming the error and the byte.
expect_err() {
	local want=$1 pattern=$2
	shift 2
	set +e
	"$@" >/dev/null 2>"$tmp/err"
	local rc=$?
	set -e
	[[ $rc == "$want" ]] || fail "'$*' exited $rc, want $want"
	[[ -z $pattern ]] || grep -qE "$pattern" "$tmp/err" || fail "'$*' said: $(cat "$tmp/err")"
}
head -c 20 "$data/vectors/scion-udp.bin" >"$tmp/short"
expect_err 1 '^snet-pkt: SNET_E_TRUNCATED: .* at byte 20$' "$pkt" decode "$tmp/short"
printf '1b' >"$tmp/v.hex"; xxd -p "$data/vectors/scion-bfd.bin" | tail -c +3 >>"$tmp/v.hex"
expect_err 1 '^snet-pkt: SNET_E_BAD_VERSION: .* at byte 0$' "$pkt" decode --hex "$tmp/v.hex"
echo "zz" >"$tmp/z.hex"
expect_err 1 '^snet-pkt: SNET_E_BAD_HEX' "$pkt" decode --hex "$tmp/z.hex"
echo '{"dst_ia": 5}' >"$tmp/bad.json"
expect_err 1 '^snet-pkt: SNET_E_BAD_FIELD: dst_ia: expected an ISD-AS string' "$pkt" encode "$tmp/bad.json"
echo '{"dst_ia": "1-ff00:0:110"}' >"$tmp/bad3.json"
expect_err 1 '^snet-pkt: SNET_E_BAD_FIELD: dst_host: missing$' "$pkt" encode "$tmp/bad3.json"
echo '{"dst_ia": ' >"$tmp/bad2.json"
expect_err 1 '^snet-pkt: SNET_E_BAD_JSON: JSON line 2 column 0: ' "$pkt" encode "$tmp/bad2.json"
# mac: one output line per input line; a bad one leaves "err NAME" and its reason on stderr.
printf '00112233445566778899aabbccddeeff 1 2 63 1 2\nzz 1 2 3 4 5\n' >"$tmp/mac.txt"
expect_err 1 '^snet-pkt: line 2: SNET_E_BAD_HEX: master key: expected 1..64 bytes of hex$' \
	"$pkt" mac "$tmp/mac.txt"
macs=$("$pkt" mac "$tmp/mac.txt" 2>/dev/null || true)
[[ $(sed -n 2p <<<"$macs") == 'err SNET_E_BAD_HEX' ]] || fail "mac error mark: $macs"
[[ $(sed -n 1p <<<"$macs") =~ ^[0-9a-f]{12}$ ]] || fail "mac line 1: $macs"
[[ $("$pkt" --help | head -1) == "usage: snet-pkt"* ]] || fail "--help on stdout"
expect_err 1 '^snet-pkt: SNET_E_NOT_REPLYABLE' "$pkt" reply \
	"$data/vectors/scion-scmp-dest-unreachable.bin"
head -c 4000 /dev/urandom >"$tmp/noise"
expect_err 1 '^snet-pkt: SNET_E_' "$pkt" decode "$tmp/noise"
expect_err 2 '' "$pkt"
expect_err 2 '' "$pkt" frobnicate
expect_err 2 '' "$pkt" decode --bogus
expect_err 2 '' "$pkt" decode /nonexistent/file
echo "snet-pkt: all checks passed"
