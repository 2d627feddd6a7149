// SPDX-License-Identifier: Apache-2.0

//go:build tools

// Pins the Go binaries the interop and control-plane runs build in go.mod: router, shim
// dispatcher, and for --control go the control service, daemon, scion CLI and scion-pki.
package tools

import (
	_ "github.com/scionproto/scion/control/cmd/control"
	_ "github.com/scionproto/scion/daemon/cmd/daemon"
	_ "github.com/scionproto/scion/dispatcher/cmd/dispatcher"
	_ "github.com/scionproto/scion/router/cmd/router"
	_ "github.com/scionproto/scion/scion-pki/cmd/scion-pki"
	_ "github.com/scionproto/scion/scion/cmd/scion"
)
