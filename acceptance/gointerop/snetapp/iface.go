// SPDX-License-Identifier: Apache-2.0

package main

import "github.com/scionproto/scion/pkg/segment/iface"

func ifaceID(id uint16) iface.ID { return iface.ID(id) }
