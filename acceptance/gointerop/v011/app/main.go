// SPDX-License-Identifier: Apache-2.0

// app011: Go v0.11 applications in dispatcher mode (github.com/scionproto/scion v0.11.0, the
// last release with the pre-v0.12 dispatcher), for the interop checks with libsnet's
// dispatcher and dispatcher client. Traffic stays inside one AS (empty paths).
//
//	app011 -mode server -disp SOCK -ia IA -bind IP:PORT [-count N]
//	app011 -mode client -disp SOCK -ia IA -local IP -remote [IA,IP]:PORT [-next-hop IP:PORT]
//	       [-count N] [-expect [IA,IP]:PORT]
//	app011 -mode register -disp SOCK -ia IA -ip1 IP -ip2 IP -underlay IP
//
// The server prints "listening ADDR" and one "recv from=ADDR next_hop=HOSTPORT" per datagram
// and echoes it; the client prints "reply from=ADDR" per reply and exits 1 unless every reply
// arrived (from -expect). register prints one "case NAME OUTCOME" line per registration case.
package main

import (
	"context"
	"flag"
	"fmt"
	"net"
	"os"
	"strings"
	"time"

	"github.com/google/gopacket"
	"github.com/scionproto/scion/pkg/addr"
	"github.com/scionproto/scion/pkg/slayers"
	"github.com/scionproto/scion/pkg/slayers/path/empty"
	"github.com/scionproto/scion/pkg/snet"
	snetpath "github.com/scionproto/scion/pkg/snet/path"
	"github.com/scionproto/scion/pkg/sock/reliable"
)

var (
	mode     = flag.String("mode", "", "server, client or register")
	disp     = flag.String("disp", reliable.DefaultDispPath, "the dispatcher's socket")
	iaFlag   = flag.String("ia", "", "the local ISD-AS")
	bind     = flag.String("bind", "", "server: IP:PORT to register")
	local    = flag.String("local", "", "client: local IP")
	remote   = flag.String("remote", "", "client: [IA,IP]:PORT")
	nextHop  = flag.String("next-hop", "", "client: underlay next hop (default: the remote's 30041)")
	count    = flag.Int("count", 3, "datagrams (server: 0 = forever)")
	expect   = flag.String("expect", "", "client: the reply's source")
	ip1      = flag.String("ip1", "", "register: an address of this host")
	ip2      = flag.String("ip2", "", "register: another one")
	underlay = flag.String("underlay", "", "register: where the dispatcher receives (IP)")
)

func fail(f string, a ...any) {
	fmt.Fprintf(os.Stderr, "app011: "+f+"\n", a...)
	os.Exit(2)
}

func network(ia addr.IA) *snet.SCIONNetwork {
	return &snet.SCIONNetwork{
		LocalIA: ia,
		Dispatcher: &snet.DefaultPacketDispatcherService{
			Dispatcher:  reliable.NewDispatcher(*disp),
			SCMPHandler: snet.DefaultSCMPHandler{},
		},
	}
}

func server(ia addr.IA) {
	at, err := net.ResolveUDPAddr("udp", *bind)
	if err != nil {
		fail("-bind: %v", err)
	}
	conn, err := network(ia).Listen(context.Background(), "udp", at, addr.SvcNone)
	if err != nil {
		fail("listen: %v", err)
	}
	fmt.Printf("listening %s\n", conn.LocalAddr())
	buf := make([]byte, 9000)
	for n := 0; *count == 0 || n < *count; n++ {
		k, from, err := conn.ReadFrom(buf)
		if err != nil {
			fmt.Printf("error %v\n", err)
			continue
		}
		a := from.(*snet.UDPAddr)
		fmt.Printf("recv from=%s next_hop=%s payload=%s\n", a, a.NextHop, buf[:k])
		if _, err := conn.WriteTo(buf[:k], a); err != nil {
			fmt.Printf("error %v\n", err)
		}
	}
}

func client(ia addr.IA) {
	dst, err := snet.ParseUDPAddr(*remote)
	if err != nil {
		fail("-remote: %v", err)
	}
	dst.Path = snetpath.Empty{}
	dst.NextHop = &net.UDPAddr{IP: dst.Host.IP, Port: 30041}
	if *nextHop != "" {
		if dst.NextHop, err = net.ResolveUDPAddr("udp", *nextHop); err != nil {
			fail("-next-hop: %v", err)
		}
	}
	at := &net.UDPAddr{IP: net.ParseIP(*local)}
	conn, err := network(ia).Listen(context.Background(), "udp", at, addr.SvcNone)
	if err != nil {
		fail("listen: %v", err)
	}
	fmt.Printf("listening %s\n", conn.LocalAddr())
	ok := 0
	buf := make([]byte, 9000)
	for i := 0; i < *count; i++ {
		if _, err := conn.WriteTo([]byte(fmt.Sprintf("ping-%d", i)), dst); err != nil {
			fail("write: %v", err)
		}
		_ = conn.SetReadDeadline(time.Now().Add(2 * time.Second))
		_, from, err := conn.ReadFrom(buf)
		if err != nil {
			fmt.Printf("error %v\n", err)
			continue
		}
		fmt.Printf("reply from=%s\n", from)
		if *expect == "" || sameAddr(from.(*snet.UDPAddr), *expect) {
			ok++
		}
	}
	fmt.Printf("summary sent=%d ok=%d\n", *count, ok)
	if ok != *count {
		os.Exit(1)
	}
}

// sameAddr compares IA, IP and port (v0.11 prints the legacy "ia,ip:port" form).
func sameAddr(a *snet.UDPAddr, want string) bool {
	w, err := snet.ParseUDPAddr(want)
	return err == nil && a.IA == w.IA && a.Host.IP.Equal(w.Host.IP) && a.Host.Port == w.Host.Port
}

// reg registers (public, bind, svc) and reports "ok PORT" or "err", keeping the conn open.
func reg(ia addr.IA, public string, bindTo string, svc addr.SVC) (string, net.Conn) {
	pub, err := net.ResolveUDPAddr("udp", public)
	if err != nil {
		fail("address %s: %v", public, err)
	}
	r := &reliable.Registration{IA: ia, PublicAddress: pub, SVCAddress: svc}
	if bindTo != "" {
		if r.BindAddress, err = net.ResolveUDPAddr("udp", bindTo); err != nil {
			fail("address %s: %v", bindTo, err)
		}
	}
	conn, err := reliable.Dial(context.Background(), *disp)
	if err != nil {
		return "err-dial", nil
	}
	b := make([]byte, 1500)
	n, err := r.SerializeTo(b)
	if err != nil {
		fail("registration: %v", err)
	}
	_ = conn.SetDeadline(time.Now().Add(2 * time.Second))
	if _, err := conn.WriteTo(b[:n], nil); err != nil {
		conn.Close()
		return "err", nil
	}
	k, err := conn.Read(b)
	if err != nil || k != 2 {
		conn.Close()
		return "err", nil
	}
	_ = conn.SetDeadline(time.Time{})
	return fmt.Sprintf("ok %d", int(b[0])<<8|int(b[1])), conn
}

func outcome(s string) string {
	if strings.HasPrefix(s, "ok ") {
		return "ok"
	}
	return s
}

// The cases of the go011-registration check: the same client, the same sequence, against Go
// v0.11's dispatcher and ours; the outcomes must be the same.
func register(ia addr.IA) {
	a1, a2 := *ip1, *ip2
	var held []net.Conn
	keep := func(s string, c net.Conn) string {
		if c != nil {
			held = append(held, c)
		}
		return s
	}
	line := func(name string, outcomes ...string) {
		fmt.Printf("case %s %s\n", name, strings.Join(outcomes, ","))
	}
	first := keep(reg(ia, a1+":40001", "", addr.SvcNone))
	line("duplicate", outcome(first), outcome(keep(reg(ia, a1+":40001", "", addr.SvcNone))))
	first = keep(reg(ia, a1+":40002", "", addr.SvcNone))
	line("wildcard-over-address", outcome(first),
		outcome(keep(reg(ia, "0.0.0.0:40002", "", addr.SvcNone))))
	first = keep(reg(ia, a1+":40003", "", addr.SvcNone))
	line("same-port-other-ip", outcome(first),
		outcome(keep(reg(ia, a2+":40003", "", addr.SvcNone))))
	s, c := reg(ia, a1+":40004", "", addr.SvcNone)
	if c != nil {
		c.Close()
	}
	time.Sleep(200 * time.Millisecond)
	line("port-reuse-after-close", outcome(s), outcome(keep(reg(ia, a1+":40004", "", addr.SvcNone))))
	line("bind-without-svc", outcome(keep(reg(ia, a1+":40005", a2+":40005", addr.SvcNone))))
	line("bind-with-svc", outcome(keep(reg(ia, a1+":40006", a2+":40006", addr.SvcDS))))
	s = keep(reg(ia, a1+":0", "", addr.SvcNone))
	port := 0
	fmt.Sscanf(s, "ok %d", &port)
	inRange := "out-of-32768-65535"
	if port >= 32768 && port <= 65535 {
		inRange = "in-32768-65535"
	}
	line("port-zero", outcome(s), inRange)
	line("svc-delivery", svcDelivery(ia, a1))
	for _, c := range held {
		c.Close()
	}
}

// svcDelivery registers for SVC CS and sends a SCION/UDP packet to CS at the dispatcher's
// underlay port: the registered application must get it.
func svcDelivery(ia addr.IA, ip string) string {
	s, c := reg(ia, ip+":40007", "", addr.SvcCS)
	if c == nil {
		return "register-" + s
	}
	defer c.Close()
	scn := &slayers.SCION{DstIA: ia, SrcIA: ia, NextHdr: slayers.L4UDP, PathType: 0}
	_ = scn.SetDstAddr(addr.HostSVC(addr.SvcCS))
	_ = scn.SetSrcAddr(addr.MustParseHost(ip))
	scn.Path = empty.Path{}
	udp := &slayers.UDP{SrcPort: 40008, DstPort: 0}
	udp.SetNetworkLayerForChecksum(scn)
	buf := gopacket.NewSerializeBuffer()
	if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true,
		ComputeChecksums: true}, scn, udp, gopacket.Payload("svc")); err != nil {
		return "serialize"
	}
	u, err := net.Dial("udp", net.JoinHostPort(*underlay, "30041"))
	if err != nil {
		return "dial-underlay"
	}
	defer u.Close()
	rc := c.(*reliable.Conn)
	got := make([]byte, 2000)
	for i := 0; i < 5; i++ {
		_, _ = u.Write(buf.Bytes())
		_ = rc.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
		if n, _, err := rc.ReadFrom(got); err == nil && n > 0 {
			return "delivered"
		}
	}
	return "not-delivered"
}

func main() {
	flag.Parse()
	ia, err := addr.ParseIA(*iaFlag)
	if err != nil {
		fail("-ia: %v", err)
	}
	switch *mode {
	case "server":
		server(ia)
	case "client":
		client(ia)
	case "register":
		register(ia)
	default:
		fail("-mode: expected server, client or register, got %q", *mode)
	}
}
