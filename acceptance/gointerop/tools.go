// SPDX-License-Identifier: Apache-2.0

//go:build tools

// Pins the Go binaries the interop run builds (router, shim dispatcher) in go.mod.
package tools

import (
	_ "github.com/scionproto/scion/dispatcher/cmd/dispatcher"
	_ "github.com/scionproto/scion/router/cmd/router"
)
