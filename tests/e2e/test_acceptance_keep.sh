#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Running your own programs inside the acceptance topology: --shell runs commands in it (here
# the examples, across ASes, IPv4 and IPv6) and removes it all when the shell ends; --keep
# leaves it up for later and --teardown removes it.
#   test_acceptance_keep.sh SOURCE   (SNET_BUILD_DIR: the build)
set -uo pipefail
src=$1
run=$src/acceptance/multihomed/run
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
source "$(dirname "$0")/../lib/tap.sh"
B=$SNET_BUILD_DIR/examples
# The shell reads its commands from stdin: the example server on the IPv4 host of AS 110,
# clients in AS 111 (IPv4) and AS 112 (IPv6) through the routers, with paths from the file.
cat >"$T/cmds" <<SH
ip netns exec "\$SNET_NS_h110" $B/echo-server "\$SNET_TOPO_h110" 31001 >"$T/server.out" 2>&1 &
srv=\$!
sleep 0.3
on h111 $B/echo-client --topology "\$SNET_TOPO_h111" --paths "\$SNET_PATHS" '[1-ff00:0:110,10.110.0.2]:31001' from-111
on h112 $B/echo-client --topology "\$SNET_TOPO_h112" --paths "\$SNET_PATHS" '[1-ff00:0:110,10.110.0.2]:31001' from-112
echo "ns=\$SNET_NS_h111"
kill -INT \$srv; wait \$srv
SH
"$run" "$src/topology/tiny.json" --shell <"$T/cmds" >"$T/shell.out" 2>&1
rc=$?
check "--shell: the checks pass and the shell ran" test "$rc" = 0
check "--shell: a client in AS 111 reached the example server across the routers" \
	grep -qx 'reply from \[1-ff00:0:110,10.110.0.2\]:31001: from-111' "$T/shell.out"
check "--shell: and one in the IPv6 AS 112" \
	grep -qx 'reply from \[1-ff00:0:110,10.110.0.2\]:31001: from-112' "$T/shell.out"
check "--shell: the example server answered both" \
	grep -qx 'received 2 answered 2 no_slot 0 send_errors 0' "$T/server.out"
ns=$(sed -n 's/^ns=//p' "$T/shell.out")
check "--shell: its namespaces are gone when the shell ends" \
	bash -c "[[ -n '$ns' ]] && ! ip netns list | grep -q '^${ns%-*}-'"

"$run" "$src/topology/tiny.json" --keep >"$T/keep.out" 2>&1
rc=$?
id=$(sed -n 's/.*stays up (id \([0-9]*\)).*/\1/p' "$T/keep.out")
check "--keep: the checks pass and it names the topology" bash -c "[[ $rc == 0 && -n '$id' ]]"
check "--keep: the namespaces stay" bash -c "ip netns list | grep -q '^sn$id-h2'"
env=$(sed -n 's/^To source: \([^ ]*\) .*/\1/p' "$T/keep.out")
out=$(bash -c "source '$env'; ip netns exec \"\$SNET_NS_h110\" $B/echo-server \"\$SNET_TOPO_h110\" 31002 & srv=\$!; sleep 0.3
	on h111 $B/echo-client --topology \"\$SNET_TOPO_h111\" --paths \"\$SNET_PATHS\" '[1-ff00:0:110,10.110.0.2]:31002' later
	kill -INT \$srv; wait \$srv" 2>&1)
check "--keep: the kept topology still carries traffic" \
	grep -qx 'reply from \[1-ff00:0:110,10.110.0.2\]:31002: later' <<<"$out"
"$run" --teardown "$id" >/dev/null
check "--teardown: the namespaces and files are gone" \
	bash -c "! ip netns list | grep -q '^sn$id-' && ! test -e '$(dirname "$env")'"
[[ $fail == 0 ]] || { echo "--- the --shell run:"; cat "$T/shell.out" "$T/server.out"; }
finish
