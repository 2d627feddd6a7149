#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Installs the build into a scratch prefix (cmake --install) and uses it as a user would
# (install_consumers.sh).
#   test_install.sh SOURCE BUILD [FAKE_DAEMON DATADIR]
set -euo pipefail
build=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
PKG_CONFIG_PATH=$(dirname "$(find "$tmp/prefix" -name snet.pc | head -1)") \
	"$(dirname "$0")/install_consumers.sh" "$tmp/prefix" "${@:3}"
