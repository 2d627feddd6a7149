// SPDX-License-Identifier: Apache-2.0

// snetapp is a Go snet echo server and client for the live interop checks, on paths from an
// snet-topogen path database, or with -sciond from Go's daemon (topology and paths).
//
//	snetapp -mode server (-topology topology.json | -sciond ADDR) -bind IP:PORT [-count N]
//	snetapp -mode client (-topology topology.json -paths paths.json | -sciond ADDR) -local IP
//	        -remote IA,IP:PORT [-expect IA,IP:PORT] [-count N]
//
// The client prints "reply from=<addr> OK|MISMATCH" per reply and exits 1 unless every reply
// came, from -expect when given. The server prints "recv from=<addr>" and echoes.
package main

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"net/netip"
	"os"
	"time"

	"github.com/scionproto/scion/pkg/addr"
	"github.com/scionproto/scion/pkg/daemon"
	daemontypes "github.com/scionproto/scion/pkg/daemon/types"
	"github.com/scionproto/scion/pkg/snet"
	snetpath "github.com/scionproto/scion/pkg/snet/path"
	"github.com/scionproto/scion/private/topology"
)

var (
	mode     = flag.String("mode", "", "server or client")
	topoFile = flag.String("topology", "", "topology.json of the local AS")
	pathsF   = flag.String("paths", "", "snet-topogen path database")
	bind     = flag.String("bind", "", "server: IP:PORT (Go's snet needs a concrete IP)")
	local    = flag.String("local", "", "client: local IP")
	remote   = flag.String("remote", "", "client: SCION address of the server")
	expect   = flag.String("expect", "", "client: the reply must come from here")
	count    = flag.Int("count", 3, "datagrams")
	sciond   = flag.String("sciond", "", "the daemon to take topology and paths from")
	sd       daemon.Connector
)

func fail(f string, a ...any) {
	fmt.Fprintf(os.Stderr, "snetapp: "+f+"\n", a...)
	os.Exit(1)
}

// network builds a SCIONNetwork as Go's control service does (adaptTopology), or as the scion
// CLI does from the daemon (LoadTopology).
func network() *snet.SCIONNetwork {
	if *sciond != "" {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		c, err := daemon.Service{Address: *sciond}.Connect(ctx)
		if err != nil {
			fail("%v", err)
		}
		sd = c
		t, err := daemon.LoadTopology(ctx, c)
		if err != nil {
			fail("loading topology: %v", err)
		}
		return &snet.SCIONNetwork{Topology: t,
			SCMPHandler: snet.SCMPPropagationStopper{Handler: snet.DefaultSCMPHandler{}}}
	}
	t, err := topology.FromJSONFile(*topoFile)
	if err != nil {
		fail("%v", err)
	}
	start, end := t.PortRange()
	return &snet.SCIONNetwork{
		Topology: snet.Topology{LocalIA: t.IA(),
			PortRange: snet.TopologyPortRange{Start: start, End: end},
			Interface: func(id uint16) (netip.AddrPort, bool) {
				a, ok := t.UnderlayNextHop(ifaceID(id))
				if !ok {
					return netip.AddrPort{}, false
				}
				return a.AddrPort(), true
			}},
		SCMPHandler: snet.SCMPPropagationStopper{Handler: snet.DefaultSCMPHandler{}},
	}
}


// usePath sets the path and next hop of dst from the first entry of the path database.
func usePath(localIA addr.IA, dst *snet.UDPAddr) {
	if dst.IA == localIA {
		dst.Path = snetpath.Empty{}
		return
	}
	if sd != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		ps, err := sd.Paths(ctx, dst.IA, 0, daemontypes.PathReqFlags{})
		if err != nil || len(ps) == 0 {
			fail("no path to %s (%v)", dst.IA, err)
		}
		dst.Path = ps[0].Dataplane()
		dst.NextHop = ps[0].UnderlayNextHop()
		return
	}
	b, err := os.ReadFile(*pathsF)
	if err != nil {
		fail("%v", err)
	}
	var db struct {
		Paths []struct {
			Src, Dst, Raw string
			NextHop       string `json:"next_hop"`
		}
	}
	if err := json.Unmarshal(b, &db); err != nil {
		fail("%v", err)
	}
	for _, p := range db.Paths {
		if p.Src == localIA.String() && p.Dst == dst.IA.String() {
			raw, _ := hex.DecodeString(p.Raw)
			dst.Path = snetpath.SCION{Raw: raw}
			nh, err := net.ResolveUDPAddr("udp", p.NextHop)
			if err != nil {
				fail("%v", err)
			}
			dst.NextHop = nh
			return
		}
	}
	fail("no path to %s", dst.IA)
}

func server(n *snet.SCIONNetwork) {
	b, err := net.ResolveUDPAddr("udp", *bind)
	if err != nil {
		fail("%v", err)
	}
	conn, err := n.Listen(context.Background(), "udp", b)
	if err != nil {
		fail("listen: %v", err)
	}
	fmt.Printf("listening %s\n", conn.LocalAddr())
	buf := make([]byte, 9000)
	for i := 0; *count == 0 || i < *count; i++ {
		k, from, err := conn.ReadFrom(buf)
		if err != nil {
			fmt.Fprintf(os.Stderr, "snetapp: read: %v\n", err)
			i--
			continue
		}
		fmt.Printf("recv from=%s\n", from)
		if _, err := conn.WriteTo(buf[:k], from); err != nil {
			fmt.Fprintf(os.Stderr, "snetapp: write: %v\n", err)
		}
	}
	time.Sleep(200 * time.Millisecond)
}

func client(n *snet.SCIONNetwork) {
	dst, err := snet.ParseUDPAddr(*remote)
	if err != nil {
		fail("%v", err)
	}
	usePath(n.Topology.LocalIA, dst)
	conn, err := n.Dial(context.Background(), "udp",
		&net.UDPAddr{IP: net.ParseIP(*local)}, dst)
	if err != nil {
		fail("dial: %v", err)
	}
	buf := make([]byte, 9000)
	ok := 0
	for i := 0; i < *count; i++ {
		if _, err := conn.Write([]byte(fmt.Sprintf("go-%d", i))); err != nil {
			fail("write: %v", err)
		}
		conn.SetReadDeadline(time.Now().Add(2 * time.Second))
		_, from, err := conn.ReadFrom(buf)
		if err != nil {
			fmt.Printf("reply none (%v)\n", err)
			continue
		}
		verdict := "OK"
		if *expect != "" && from.String() != mustParse(*expect).String() {
			verdict = "MISMATCH"
		} else {
			ok++
		}
		fmt.Printf("reply from=%s %s\n", from, verdict)
	}
	if ok != *count {
		os.Exit(1)
	}
}

func mustParse(s string) *snet.UDPAddr {
	a, err := snet.ParseUDPAddr(s)
	if err != nil {
		fail("%v", err)
	}
	return a
}

func main() {
	flag.Parse()
	n := network()
	switch *mode {
	case "server":
		server(n)
	case "client":
		client(n)
	default:
		fail("-mode server|client")
	}
}
