#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# One entry point: ./snet.sh demo | test | bench | package | fuzz SECONDS
# Each subcommand installs missing Debian packages, builds what it needs and runs.
set -euo pipefail
cd "$(dirname "$0")"
top=$PWD
export DEBIAN_FRONTEND=noninteractive

# Debian packages we build and test with; installed only when missing.
PKGS=(build-essential cmake ninja-build pkg-config libuv1-dev libjansson-dev libcmocka-dev
	libmnl-dev libssl-dev libnghttp2-dev libprotobuf-c-dev protobuf-c-compiler clang-14
	libclang-rt-14-dev llvm-14 iproute2 xxd nftables file)

log() { echo "snet.sh: $*" >&2; }

install_deps() {
	local missing=()
	for p in "${PKGS[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
			missing+=("$p")
	done
	[[ ${#missing[@]} -eq 0 ]] && return 0
	log "installing ${missing[*]}"
	local sudo=()
	[[ $(id -u) -eq 0 ]] || sudo=(sudo -n)
	"${sudo[@]}" apt-get update -qq </dev/null
	"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null >&2
}

# build DIR [cmake args...]
build() {
	local dir=$1
	shift
	cmake -S "$top" -B "$top/$dir" -G Ninja "$@" >&2
	cmake --build "$top/$dir" >&2
}

build_release() { build build -DCMAKE_BUILD_TYPE=Release; }
# The Debian packages (cmake/package.cmake) from their own build: installed under /usr, which
# the tools have compiled in for their documents.
build_packages() {
	build build-deb -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=/usr -DSNET_TESTS=OFF
	rm -rf "$top/build-deb/packages"
	(cd "$top/build-deb" && cpack >&2)
}
build_asan() { build build-asan -DCMAKE_BUILD_TYPE=Debug -DSNET_SANITIZE=ON; }
# The same tree with clang, warnings as errors, and its unit tests: what gcc lets through (a
# precedence warning in path_meta.h once broke a user's CC=clang build) stops the run here.
build_clang() { build build-clang -DCMAKE_BUILD_TYPE=Release -DCMAKE_C_COMPILER=clang-14; }
build_fuzz() {
	build build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSNET_FUZZ=ON \
		-DCMAKE_C_COMPILER=clang-14
}

run_ctest() {
	local dir=$1 label=$2
	log "ctest -L $label in $dir"
	(cd "$top/$dir" && ctest -L "$label" --output-on-failure)
}

cmd_test() {
	install_deps
	build_release
	build_asan
	build_clang
	run_ctest build unit
	run_ctest build-clang unit
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
		run_ctest build-asan unit
	run_ctest build e2e
	# The tools and the acceptance run again on the sanitizer build: a crash, a leak or UB in
	# a tool shows there first (snet-ping's memcpy from NULL hid on the Release build).
	# The Debian packages: installed with apt-get, used, purged (tests/tools/test_deb.sh).
	build_packages
	log "tests/tools/test_deb.sh"
	"$top/tests/tools/test_deb.sh" "$top/build-deb/packages" "$top/build/tests/fake_daemon" \
		"$top/tests/data"
	log "ctest -L e2e -LE install in build-asan"
	(cd "$top/build-asan" && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
		UBSAN_OPTIONS=print_stacktrace=1 ctest -L e2e -LE install --output-on-failure)
	# Go compatibility against the Go reference itself (skipped, and said so, without Go).
	log "acceptance/gointerop/run"
	SNET_BUILD_DIR="$top/build" "$top/acceptance/gointerop/run"
	log "all tests passed"
}

cmd_demo() {
	install_deps
	build_release
	# The multihomed acceptance topology: for each client, the address that answered and the
	# border router it came through.
	SNET_BUILD_DIR="$top/build" "$top/acceptance/multihomed/run"
}

cmd_package() {
	install_deps
	build_packages
	ls "$top"/build-deb/packages/*.deb
}

cmd_bench() {
	install_deps
	build_release
	local out
	out=$("$top/build/bench/snet-bench")
	echo "$out"
	# Side by side with the Go reference, in the same run, when Go 1.26.4+ is here.
	if "$top/acceptance/gointerop/build" "$top/build/gointerop" >&2; then
		local go
		go=$("$top/build/gointerop/gobench")
		echo "$go"
		printf '%s\n%s\n' "$out" "$go" | awk '
			{ v[$2] = $3 }
			END {
				if (v["codec_decode_ns"] > 0 && v["go_slayers_decode_ns"] > 0)
					printf "bench codec_vs_go_decode_full %.3f x\n", v["go_slayers_decode_ns"] / v["codec_decode_ns"]
				if (v["codec_decode_nocsum_ns"] > 0 && v["go_slayers_decode_ns"] > 0)
					printf "bench codec_vs_go_decode %.3f x\n", v["go_slayers_decode_ns"] / v["codec_decode_nocsum_ns"]
				if (v["conn_echo_pps"] > 0 && v["go_snet_echo_pps"] > 0)
					printf "bench conn_vs_go_echo %.3f x\n", v["conn_echo_pps"] / v["go_snet_echo_pps"]
				if (v["bulk_gbps"] > 0 && v["go_snet_bulk_gbps"] > 0)
					printf "bench bulk_vs_go %.3f x\n", v["bulk_gbps"] / v["go_snet_bulk_gbps"]
			}'
	else
		echo "snet.sh: no Go 1.26.4 or newer: the Go side-by-side figures are skipped" >&2
		return 0
	fi
	# The daemon client beside Go's daemon.Connector, against Go's daemon on the acceptance
	# topology (control services need cgo: skipped, and said so, without a C compiler).
	if "$top/acceptance/gointerop/build-control" "$top/build/gointerop" >&2; then
		SNET_GO_BIN="$top/build/gointerop" SNET_BUILD_DIR="$top/build" \
			"$top/acceptance/multihomed/run" "$top/topology/multihomed.json" --control go \
			--bench 2>/dev/null | grep '^bench ' | awk '
			{ print; v[$2] = $3 }
			END {
				if (v["daemon_paths_us"] > 0 && v["go_daemon_paths_us"] > 0)
					printf "bench daemon_vs_go %.3f x\n", v["go_daemon_paths_us"] / v["daemon_paths_us"]
			}'
	else
		echo "snet.sh: no Go control plane (Go 1.26.4+ and gcc): daemon figures skipped" >&2
	fi
	# Failover through Go's routers: the gap after a link goes down (BFD, then SCMP) and
	# after a silent blackhole (100 ms probes).
	SNET_GO_BIN="$top/build/gointerop" SNET_BUILD_DIR="$top/build" \
		"$top/acceptance/multihomed/run" --failover --router go 2>/dev/null | awk '
		$1 == "failover" && $2 == "link-down" { printf "bench failover_scmp_ms %s ms\n", $5 }
		$1 == "failover" && $2 == "blackhole" { printf "bench failover_probe_ms %s ms\n", $5 }'
}

# Every libFuzzer target (SNET_FUZZ_TARGETS in CMakeLists.txt); crashers land in
# build-fuzz/crash-TARGET/ and, once fixed, are kept in fuzz/regressions/TARGET/ (replayed by
# the unit tests).
cmd_fuzz() {
	local secs=${1:-}
	[[ $secs =~ ^[0-9]+$ ]] || usage "fuzz: expected SECONDS, got '$secs'"
	shift
	local targets=("$@") all=()
	install_deps
	build_fuzz
	for f in "$top"/build-fuzz/fuzz/fuzz_*; do
		[[ -x $f ]] && all+=("${f##*/fuzz_}")
	done
	[[ ${#targets[@]} -gt 0 ]] || targets=("${all[@]}")
	for t in "${targets[@]}"; do
		[[ -x $top/build-fuzz/fuzz/fuzz_$t ]] ||
			usage "fuzz: unknown target '$t' (${all[*]})"
		local work="$top/build-fuzz/corpus-$t"
		mkdir -p "$work" "$top/build-fuzz/crash-$t"
		log "fuzz_$t for ${secs}s"
		"$top/build-fuzz/fuzz/fuzz_$t" -max_total_time="$secs" -print_final_stats=1 \
			-artifact_prefix="$top/build-fuzz/crash-$t/" "$work" "$top/fuzz/corpus/$t" >&2
	done
}

USAGE="usage: ./snet.sh demo | test | bench | package | fuzz SECONDS [TARGET...]
  demo     install what is missing, build, run the multihomed acceptance topology
  test     install, build, run every test (plain, ASan+UBSan, end to end, packages, Go interop)
  bench    benchmarks beside Go and the kernel
  package  the Debian packages libsnetX.Y, libsnet-dev and snet-tools, in build-deb/packages
  fuzz     every libFuzzer target (or the TARGETs named) for SECONDS each"

# usage [WHY]: the reason and the usage on stderr, exit 2.
usage() {
	[[ -z ${1:-} ]] || echo "snet.sh: $1" >&2
	echo "$USAGE" >&2
	exit 2
}

# demo, test, bench and package take no arguments: a stray one is a mistake, not an option ignored.
no_args() {
	[[ $# -le 1 ]] || usage "$1: unexpected argument '$2'"
}

case ${1:-} in
demo) no_args "$@"; cmd_demo ;;
test) no_args "$@"; cmd_test ;;
bench) no_args "$@"; cmd_bench ;;
package) no_args "$@"; cmd_package ;;
fuzz) shift; cmd_fuzz "$@" ;;
-h | --help | help) echo "$USAGE" ;;
'') usage ;;
*) usage "unknown command '$1'" ;;
esac
