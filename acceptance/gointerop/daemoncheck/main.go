// SPDX-License-Identifier: Apache-2.0

// daemoncheck asks Go's SCION daemon what libsnet's snet-daemon-query asked it, through Go's
// own client (daemon.Connector; the raw gRPC client for the one field the Connector drops),
// and compares the answers as JSON values.
//
//	daemoncheck -sciond ADDR -c C.json as [IA] | port-range | interfaces | services |
//	            topology | reloading-topology | paths DST
//	daemoncheck -sciond ADDR uses IA ID DST    (how many paths to DST cross interface IA#ID)
//
// Prints "OK", or "FAIL" and both documents; exits 0 either way unless the daemon fails.
package main

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"reflect"
	"strconv"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/scionproto/scion/pkg/addr"
	"github.com/scionproto/scion/pkg/daemon"
	daemontypes "github.com/scionproto/scion/pkg/daemon/types"
	sdpb "github.com/scionproto/scion/pkg/proto/daemon"
	"github.com/scionproto/scion/pkg/snet"
	snetpath "github.com/scionproto/scion/pkg/snet/path"
)

var (
	sciond = flag.String("sciond", daemon.DefaultAPIAddress, "daemon address")
	cFile  = flag.String("c", "", "snet-daemon-query's answer to compare")
)

func fail(f string, a ...any) {
	fmt.Fprintf(os.Stderr, "daemoncheck: "+f+"\n", a...)
	os.Exit(2)
}

func ia(s string) addr.IA {
	v, err := addr.ParseIA(s)
	if err != nil {
		fail("%v", err)
	}
	return v
}

// pathJSON is snet-daemon-query's shape of a path.
func pathJSON(p snet.Path) map[string]any {
	m := p.Metadata()
	ifs := []any{}
	for _, i := range m.Interfaces {
		ifs = append(ifs, map[string]any{"isd_as": i.IA.String(), "id": i.ID})
	}
	raw := []byte{}
	if s, ok := p.Dataplane().(snetpath.SCION); ok {
		raw = s.Raw
	}
	nh := ""
	if p.UnderlayNextHop() != nil {
		nh = p.UnderlayNextHop().String()
	}
	lat := []any{}
	for _, l := range m.Latency {
		lat = append(lat, int64(l))
	}
	bw := []any{}
	for _, b := range m.Bandwidth {
		bw = append(bw, b)
	}
	geo := []any{}
	for _, g := range m.Geo {
		geo = append(geo, map[string]any{"latitude_bits": math.Float32bits(g.Latitude),
			"longitude_bits": math.Float32bits(g.Longitude), "address": g.Address})
	}
	lt := []any{}
	for _, l := range m.LinkType {
		lt = append(lt, uint8(l))
	}
	hops := []any{}
	for _, h := range m.InternalHops {
		hops = append(hops, h)
	}
	notes := []any{}
	for _, n := range m.Notes {
		notes = append(notes, n)
	}
	disc := map[string]any{}
	for k, d := range m.DiscoveryInformation {
		cs, ds := []any{}, []any{}
		for _, a := range d.ControlServices {
			cs = append(cs, a.String())
		}
		for _, a := range d.DiscoveryServices {
			ds = append(ds, a.String())
		}
		disc[k.String()] = map[string]any{"control": cs, "discovery": ds}
	}
	meta := map[string]any{"latency": lat, "bandwidth": bw, "geo": geo, "link_type": lt,
		"internal_hops": hops, "notes": notes, "discovery": disc}
	// Go keeps EpicAuths as a value: present when the daemon sent the message, which a C
	// client sees as epic; an absent message leaves both slices nil.
	if m.EpicAuths.AuthPHVF != nil || m.EpicAuths.AuthLHVF != nil {
		meta["epic"] = map[string]any{"phvf": hex.EncodeToString(m.EpicAuths.AuthPHVF),
			"lhvf": hex.EncodeToString(m.EpicAuths.AuthLHVF)}
	}
	fp := ""
	if len(m.Interfaces) > 0 {
		fp = snet.Fingerprint(m.Interfaces).String()
	}
	return map[string]any{"src": p.Source().String(), "dst": p.Destination().String(),
		"raw": hex.EncodeToString(raw), "interfaces": ifs, "fingerprint": fp, "mtu": m.MTU,
		"expiry_unix": m.Expiry.Unix(), "expiry_nsec": m.Expiry.Nanosecond(),
		"next_hop": nh, "metadata": meta}
}

func query(ctx context.Context, c daemon.Connector, raw sdpb.DaemonServiceClient,
	args []string) any {

	switch {
	case args[0] == "as" && len(args) <= 2:
		var a addr.IA
		if len(args) == 2 {
			a = ia(args[1])
		}
		info, err := c.ASInfo(ctx, a)
		if err != nil {
			fail("AS: %v", err)
		}
		// Go's ASInfo drops the core flag: the raw reply has it.
		r, err := raw.AS(ctx, &sdpb.ASRequest{IsdAs: uint64(a)})
		if err != nil {
			fail("AS: %v", err)
		}
		return map[string]any{"isd_as": info.IA.String(), "mtu": info.MTU, "core": r.Core}
	case args[0] == "port-range":
		s, e, err := c.PortRange(ctx)
		if err != nil {
			fail("PortRange: %v", err)
		}
		return map[string]any{"start": s, "end": e}
	case args[0] == "interfaces" || args[0] == "topology" || args[0] == "reloading-topology":
		ifs, err := c.Interfaces(ctx)
		if err != nil {
			fail("Interfaces: %v", err)
		}
		m := map[string]any{}
		for id, a := range ifs {
			m[strconv.Itoa(int(id))] = a.String()
		}
		if args[0] == "interfaces" {
			return m
		}
		var t snet.Topology
		if args[0] == "reloading-topology" {
			t = reloadedTopology(ctx, c)
			// What the reloaded topology answers for each interface the daemon lists.
			for id := range ifs {
				a, ok := t.Interface(id)
				if !ok {
					fail("ReloadingTopology: interface %d missing", id)
				}
				m[strconv.Itoa(int(id))] = a.String()
			}
		} else if t, err = daemon.LoadTopology(ctx, c); err != nil {
			fail("LoadTopology: %v", err)
		}
		return map[string]any{"isd_as": t.LocalIA.String(), "port_start": t.PortRange.Start,
			"port_end": t.PortRange.End, "interfaces": m}
	case args[0] == "services":
		r, err := raw.Services(ctx, &sdpb.ServicesRequest{})
		if err != nil {
			fail("Services: %v", err)
		}
		m := map[string]any{}
		for k, v := range r.Services {
			uris := []any{}
			for _, s := range v.Services {
				uris = append(uris, s.Uri)
			}
			m[k] = uris
		}
		// The Connector's view (SVCInfo: the control service) must say the same.
		svc, err := c.SVCInfo(ctx, nil)
		if err != nil {
			fail("SVCInfo: %v", err)
		}
		cs := []any{}
		for _, u := range svc[addr.SvcCS] {
			cs = append(cs, u)
		}
		if ctl, ok := m["control"]; ok && !reflect.DeepEqual(norm(ctl), norm(cs)) {
			fail("SVCInfo %v differs from Services %v", cs, ctl)
		}
		return m
	case args[0] == "paths" && len(args) == 2:
		ps, err := c.Paths(ctx, ia(args[1]), 0, daemontypes.PathReqFlags{})
		if err != nil {
			fail("Paths: %v", err)
		}
		out := []any{}
		for _, p := range ps {
			out = append(out, pathJSON(p))
		}
		return out
	case args[0] == "uses" && len(args) == 4:
		ps, err := c.Paths(ctx, ia(args[3]), 0, daemontypes.PathReqFlags{})
		if err != nil {
			fail("Paths: %v", err)
		}
		want, id := ia(args[1]), args[2]
		n := 0
		for _, p := range ps {
			for _, i := range p.Metadata().Interfaces {
				if i.IA == want && strconv.FormatUint(uint64(i.ID), 10) == id {
					n++
					break
				}
			}
		}
		return n
	}
	fail("unknown query %v", args)
	return nil
}

// reloadedTopology is Go's ReloadingTopology after two reload periods, as snet-daemon-query
// waits for two reloads of ours.
func reloadedTopology(ctx context.Context, c daemon.Connector) snet.Topology {
	rt, err := daemon.NewReloadingTopology(ctx, c)
	if err != nil {
		fail("NewReloadingTopology: %v", err)
	}
	rctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go rt.Run(rctx, 100*time.Millisecond)
	time.Sleep(250 * time.Millisecond)
	return rt.Topology()
}

// norm turns a value into what encoding/json would read back, so that both sides compare as
// JSON values.
func norm(v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		fail("%v", err)
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		fail("%v", err)
	}
	return out
}

func main() {
	flag.Parse()
	if flag.NArg() == 0 {
		fail("usage: daemoncheck -sciond ADDR [-c FILE] QUERY...")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := daemon.Service{Address: *sciond}.Connect(ctx)
	if err != nil {
		fail("%v", err)
	}
	defer c.Close()
	gc, err := grpc.NewClient(*sciond, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		fail("%v", err)
	}
	defer gc.Close()
	got := query(ctx, c, sdpb.NewDaemonServiceClient(gc), flag.Args())
	if *cFile == "" {
		b, _ := json.MarshalIndent(got, "", "  ")
		fmt.Println(string(b))
		return
	}
	b, err := os.ReadFile(*cFile)
	if err != nil {
		fail("%v", err)
	}
	var c2 any
	if err := json.Unmarshal(b, &c2); err != nil {
		fail("%s: %v", *cFile, err)
	}
	if reflect.DeepEqual(norm(got), c2) {
		fmt.Println("OK")
		return
	}
	g, _ := json.MarshalIndent(got, "", "  ")
	fmt.Printf("FAIL\n# Go:\n%s\n# C:\n%s\n", g, b)
}
