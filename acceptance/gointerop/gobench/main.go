// SPDX-License-Identifier: Apache-2.0

// gobench measures Go's side of the side-by-side benchmarks: decoding the codec benchmark's
// packet (SCION/UDP, 2 segments, 4 hops, 100 bytes of payload) with slayers, echo round
// trips through Go's snet over loopback with 32 datagrams in flight, and bulk transfer (1200-byte
// payloads one way, as snet-bench's bulk figure). Prints only "bench <name> <value> <unit>"
// lines.
package main

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"os"
	"sync/atomic"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/scionproto/scion/pkg/addr"
	"github.com/scionproto/scion/pkg/daemon"
	daemontypes "github.com/scionproto/scion/pkg/daemon/types"
	"github.com/scionproto/scion/pkg/slayers"
	"github.com/scionproto/scion/pkg/slayers/path"
	"github.com/scionproto/scion/pkg/slayers/path/scion"
	"github.com/scionproto/scion/pkg/snet"
	snetpath "github.com/scionproto/scion/pkg/snet/path"
)

func packet() []byte {
	d := &scion.Decoded{Base: scion.Base{PathMeta: scion.MetaHdr{SegLen: [3]uint8{2, 2, 0}},
		NumINF: 2, NumHops: 4},
		InfoFields: []path.InfoField{{SegID: 0x111, Timestamp: 0x100},
			{ConsDir: true, SegID: 0x222, Timestamp: 0x100}},
		HopFields: []path.HopField{{ExpTime: 63, ConsIngress: 1}, {ExpTime: 63, ConsIngress: 3,
			ConsEgress: 2}, {ExpTime: 63, ConsEgress: 2}, {ExpTime: 63, ConsIngress: 1}}}
	raw, _ := d.ToRaw()
	s := &slayers.SCION{FlowID: 1, NextHdr: slayers.L4UDP, PathType: scion.PathType, Path: raw,
		DstIA: addr.MustParseIA("1-ff00:0:111"), SrcIA: addr.MustParseIA("2-ff00:0:222")}
	s.SetDstAddr(addr.HostIP(netip.MustParseAddr("10.0.0.2")))
	s.SetSrcAddr(addr.HostIP(netip.MustParseAddr("10.0.0.1")))
	u := &slayers.UDP{SrcPort: 31000, DstPort: 31001}
	u.SetNetworkLayerForChecksum(s)
	buf := gopacket.NewSerializeBuffer()
	gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true,
		ComputeChecksums: true}, s, u, gopacket.Payload(make([]byte, 100)))
	return buf.Bytes()
}

// decodeNs: the best of seven runs, as the C benchmark does.
func decodeNs() float64 {
	b := packet()
	var s slayers.SCION
	var u slayers.UDP
	parser := gopacket.NewDecodingLayerParser(slayers.LayerTypeSCION, &s, &u)
	parser.IgnoreUnsupported = true
	decoded := make([]gopacket.LayerType, 0, 4)
	best := 1e18
	const rounds = 400000
	for rep := 0; rep < 7; rep++ {
		t0 := time.Now()
		for i := 0; i < rounds; i++ {
			parser.DecodeLayers(b, &decoded)
		}
		if ns := float64(time.Since(t0).Nanoseconds()) / rounds; ns < best {
			best = ns
		}
	}
	return best
}

func echoPPS() float64 {
	ia := addr.MustParseIA("1-ff00:0:110")
	n := &snet.SCIONNetwork{Topology: snet.Topology{LocalIA: ia,
		PortRange: snet.TopologyPortRange{Start: 31000, End: 32767}}}
	ctx := context.Background()
	lo := net.IPv4(127, 0, 0, 1)
	srv, err := n.Listen(ctx, "udp", &net.UDPAddr{IP: lo, Port: 31020})
	if err != nil {
		fmt.Fprintln(os.Stderr, "gobench:", err)
		return -1
	}
	go func() {
		buf := make([]byte, 2048)
		for {
			k, from, err := srv.ReadFrom(buf)
			if err != nil {
				return
			}
			srv.WriteTo(buf[:k], from)
		}
	}()
	dst := &snet.UDPAddr{IA: ia, Host: &net.UDPAddr{IP: lo, Port: 31020}, Path: snetpath.Empty{}}
	cli, err := n.Dial(ctx, "udp", &net.UDPAddr{IP: lo}, dst)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gobench:", err)
		return -1
	}
	payload := make([]byte, 100)
	for i := 0; i < 32; i++ {
		cli.Write(payload)
	}
	buf := make([]byte, 2048)
	done, t0 := 0, time.Now()
	cli.SetReadDeadline(time.Now().Add(5 * time.Second))
	for done < 100000 && time.Since(t0) < 3*time.Second {
		if _, err := cli.Read(buf); err != nil {
			break
		}
		done++
		cli.Write(payload)
	}
	pps := float64(done) / time.Since(t0).Seconds()
	cli.Close()
	srv.Close()
	return pps
}

// bulkGbps: 1200-byte payloads from one snet.Conn to another on loopback for a second, the
// sender and the receiver in goroutines of their own; the payload received (loss counts
// against it) over the time from the first write to the last arrival. The receiver's socket
// buffer is 4 MiB, as in snet-bench (Listen with a PacketConn from OpenRaw, as Listen does).
func bulkGbps() float64 {
	ia := addr.MustParseIA("1-ff00:0:110")
	topo := snet.Topology{LocalIA: ia, PortRange: snet.TopologyPortRange{Start: 31000, End: 32767}}
	n := &snet.SCIONNetwork{Topology: topo}
	ctx := context.Background()
	lo := net.IPv4(127, 0, 0, 1)
	pconn, err := n.OpenRaw(ctx, &net.UDPAddr{IP: lo, Port: 31022})
	if err != nil {
		fmt.Fprintln(os.Stderr, "gobench:", err)
		return -1
	}
	if rb, ok := pconn.(interface{ SetReadBuffer(int) error }); ok {
		rb.SetReadBuffer(4 << 20)
	}
	srv, err := snet.NewCookedConn(pconn, topo)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gobench:", err)
		return -1
	}
	var got, last atomic.Int64
	go func() {
		buf := make([]byte, 2048)
		for {
			k, _, err := srv.ReadFrom(buf)
			if err != nil {
				return
			}
			if k == 1200 {
				got.Add(1)
				last.Store(time.Now().UnixNano())
			}
		}
	}()
	dst := &snet.UDPAddr{IA: ia, Host: &net.UDPAddr{IP: lo, Port: 31022}, Path: snetpath.Empty{}}
	cli, err := n.Dial(ctx, "udp", &net.UDPAddr{IP: lo}, dst)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gobench:", err)
		return -1
	}
	payload := make([]byte, 1200)
	t0 := time.Now()
	for time.Since(t0) < time.Second {
		for i := 0; i < 64; i++ {
			cli.Write(payload)
		}
	}
	for prev := int64(-1); prev != got.Load(); {
		prev = got.Load()
		time.Sleep(20 * time.Millisecond)
	}
	cli.Close()
	srv.Close()
	elapsed := float64(last.Load() - t0.UnixNano())
	if elapsed <= 0 {
		return 0
	}
	return float64(got.Load()) * 1200 * 8 / elapsed
}

// daemonPathsUs: one cached Paths round trip to dst through Go's daemon.Connector, one call at
// a time, as snet-bench daemon measures ours.
func daemonPathsUs(address, dst string, n int) float64 {
	ctx := context.Background()
	c, err := daemon.Service{Address: address}.Connect(ctx)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gobench:", err)
		os.Exit(1)
	}
	defer c.Close()
	ia := addr.MustParseIA(dst)
	for i := 0; i < 50; i++ {
		if ps, err := c.Paths(ctx, ia, 0, daemontypes.PathReqFlags{}); err != nil || len(ps) == 0 {
			fmt.Fprintln(os.Stderr, "gobench: Paths:", err)
			os.Exit(1)
		}
	}
	t0 := time.Now()
	for i := 0; i < n; i++ {
		if _, err := c.Paths(ctx, ia, 0, daemontypes.PathReqFlags{}); err != nil {
			fmt.Fprintln(os.Stderr, "gobench: Paths:", err)
			os.Exit(1)
		}
	}
	return float64(time.Since(t0).Microseconds()) / float64(n)
}

func main() {
	// gobench -daemon ADDR DST [N]: the daemon figure alone (beside snet-bench daemon).
	if len(os.Args) >= 4 && os.Args[1] == "-daemon" {
		n := 2000
		if len(os.Args) > 4 {
			fmt.Sscan(os.Args[4], &n)
		}
		fmt.Printf("bench go_daemon_paths_us %.3f us\n", daemonPathsUs(os.Args[2], os.Args[3], n))
		return
	}
	fmt.Printf("bench go_slayers_decode_ns %.3f ns\n", decodeNs())
	fmt.Printf("bench go_snet_echo_pps %.3f pps\n", echoPPS())
	best := 0.0
	for i := 0; i < 3; i++ {
		if g := bulkGbps(); g > best {
			best = g
		}
	}
	fmt.Printf("bench go_snet_bulk_gbps %.3f Gbit/s\n", best)
}
