//go:build tools

// The Go v0.11 dispatcher is built from this module (acceptance/gointerop/build).
package tools

import _ "github.com/scionproto/scion/dispatcher/cmd/dispatcher"
