/* SPDX-License-Identifier: Apache-2.0 */
/* libsnet: SCION end-host sockets in C, byte-compatible with Go's scionproto/scion snet. */
#ifndef SNET_SNET_H
#define SNET_SNET_H

#include "snet/version.h"
#include "snet/err.h"
#include "snet/wire.h"
#include "snet/addr.h"
#include "snet/path.h"
#include "snet/topology.h"
#include "snet/topo_file.h"
#include "snet/pathset.h"
#include "snet/pathdb.h"
#include "snet/policy.h"
#include "snet/mac.h"
#include "snet/route.h"
#include "snet/conn.h"
#include "snet/disp.h"
#include "snet/disp_client.h"
#include "snet/daemon.h"
#include "snet/select.h"

#endif
