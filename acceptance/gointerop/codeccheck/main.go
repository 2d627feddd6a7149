// SPDX-License-Identifier: Apache-2.0

// codeccheck compares libsnet's codec (through snet-pkt) with Go's pkg/slayers, pkg/addr,
// path reversal and hop-field MACs, on random values. One line per check:
//
//	interop <check> <go-role> <c-role> PASS|FAIL
//
// Mismatches are described on stderr (the first few of each check).
package main

import (
	"bufio"
	"bytes"
	"crypto/aes"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"strings"

	"github.com/gopacket/gopacket"
	"github.com/scionproto/scion/pkg/addr"
	"github.com/scionproto/scion/pkg/scrypto"
	"github.com/scionproto/scion/pkg/slayers"
	"github.com/scionproto/scion/pkg/slayers/path"
	"github.com/scionproto/scion/pkg/slayers/path/scion"
	"github.com/scionproto/scion/pkg/snet"
)

var (
	snetPkt = flag.String("snet-pkt", "snet-pkt", "path to snet-pkt")
	count   = flag.Int("n", 10000, "random cases per check")
	seed    = flag.Int64("seed", 1, "random seed")
	readme  = flag.String("readme", "README.md", "README whose \"Where we differ from Go\" "+
		"names the categories of accepted differences")
	failed  = false
)

func report(check, goRole, cRole string, errs []string) {
	verdict := "PASS"
	if len(errs) > 0 {
		verdict = "FAIL"
		failed = true
		for i, e := range errs {
			if i == 5 {
				fmt.Fprintf(os.Stderr, "%s: ... %d mismatches in all\n", check, len(errs))
				break
			}
			fmt.Fprintf(os.Stderr, "%s: %s\n", check, e)
		}
	}
	fmt.Printf("interop %s %s %s %s\n", check, goRole, cRole, verdict)
}

// run feeds lines to snet-pkt and returns its output lines (one per input line).
func run(args []string, lines []string) []string {
	cmd := exec.Command(*snetPkt, args...)
	cmd.Stdin = strings.NewReader(strings.Join(lines, "\n") + "\n")
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = os.Stderr
	_ = cmd.Run() // exit 1 when some line was bad; the lines say which
	sc := bufio.NewScanner(&out)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	var res []string
	for sc.Scan() {
		res = append(res, sc.Text())
	}
	return res
}

func parseJSON(s string) (obj, error) {
	d := json.NewDecoder(strings.NewReader(s))
	d.UseNumber()
	var m obj
	err := d.Decode(&m)
	return m, err
}

// restrict keeps of got only the keys want has, recursively, so that both marshal alike.
func restrict(want, got any) any {
	switch w := want.(type) {
	case obj:
		g, ok := got.(obj)
		if !ok {
			return got
		}
		out := obj{}
		for k, wv := range w {
			if gv, ok := g[k]; ok {
				out[k] = restrict(wv, gv)
			}
		}
		return out
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return got
		}
		out := make([]any, len(g))
		for i := range g {
			out[i] = restrict(w[i], g[i])
		}
		return out
	}
	return got
}

func same(want, got any) (bool, string, string) {
	a, _ := json.Marshal(want)
	b, _ := json.Marshal(restrict(want, got))
	return bytes.Equal(a, b), string(a), string(b)
}

// codec-go-to-c: packets Go built decode in snet-pkt to Go's fields and re-encode to the
// same bytes.
func goToC(r *rand.Rand) {
	var hexes []string
	var views []obj
	for i := 0; i < *count; i++ {
		b := randPacket(r)
		v, err := goView(b)
		if err != nil {
			panic(err)
		}
		hexes = append(hexes, hx(b))
		views = append(views, v)
	}
	var errs []string
	decoded := run([]string{"decode", "--jsonl"}, hexes)
	if len(decoded) != len(hexes) {
		report("codec-go-to-c", "slayers", "snet-pkt", []string{"line count differs"})
		return
	}
	for i, line := range decoded {
		got, err := parseJSON(line)
		if err != nil || got["error"] != nil {
			errs = append(errs, fmt.Sprintf("packet %d: %s (%s)", i, line, hexes[i]))
			continue
		}
		if ok, a, b := same(views[i], got); !ok {
			errs = append(errs, fmt.Sprintf("packet %d:\n go %s\n  c %s", i, a, b))
		}
	}
	encoded := run([]string{"encode", "--jsonl", "--hex"}, decoded)
	for i := range hexes {
		if i >= len(encoded) || encoded[i] != hexes[i] {
			errs = append(errs, fmt.Sprintf("packet %d re-encodes differently", i))
		}
	}
	report("codec-go-to-c", "slayers", "snet-pkt", errs)
}

// codec-c-to-go: packets snet-pkt built from random field values decode in Go to those values
// and re-serialize in Go, lengths and checksums computed, to the same bytes.
func cToGo(r *rand.Rand) {
	var inputs []string
	var wants []obj
	for i := 0; i < *count; i++ {
		v, err := goView(randPacket(r))
		if err != nil {
			panic(err)
		}
		// Only field values go in: lengths, checksums and padding are snet-pkt's to compute.
		for _, k := range []string{"hdr_len", "payload_len", "next_hdr"} {
			delete(v, k)
		}
		if u, ok := v["udp"].(obj); ok {
			delete(u, "length")
			delete(u, "checksum")
			delete(u, "checksum_ok")
		}
		if s, ok := v["scmp"].(obj); ok {
			delete(s, "checksum")
			delete(s, "checksum_ok")
			delete(s, "quote")
		}
		for _, e := range v["extensions"].([]any) {
			eo := e.(obj)
			delete(eo, "ext_len")
			delete(eo, "next_hdr")
			keep := []any{}
			for _, o := range eo["options"].([]any) {
				if t := o.(obj)["type"].(int64); t > 1 {
					keep = append(keep, o)
				}
			}
			eo["options"] = keep
		}
		b, _ := json.Marshal(v)
		inputs = append(inputs, string(b))
		wants = append(wants, v)
	}
	var errs []string
	out := run([]string{"encode", "--jsonl", "--hex"}, inputs)
	for i := range inputs {
		if i >= len(out) || strings.HasPrefix(out[i], "{") {
			errs = append(errs, fmt.Sprintf("input %d not encoded: %s", i, inputs[i]))
			continue
		}
		raw, _ := hex.DecodeString(out[i])
		got, err := goView(raw)
		if err != nil {
			errs = append(errs, fmt.Sprintf("input %d: Go cannot decode: %v", i, err))
			continue
		}
		// Padding options are the encoder's; compare the rest.
		for _, e := range got["extensions"].([]any) {
			eo := e.(obj)
			keep := []any{}
			for _, o := range eo["options"].([]any) {
				if o.(obj)["type"].(int64) > 1 {
					keep = append(keep, o)
				}
			}
			eo["options"] = keep
		}
		if ok, a, b := same(wants[i], got); !ok {
			errs = append(errs, fmt.Sprintf("input %d:\n want %s\n   go %s", i, a, b))
			continue
		}
		if err := reserialize(raw); err != nil {
			errs = append(errs, fmt.Sprintf("input %d: %v", i, err))
		}
	}
	report("codec-c-to-go", "slayers", "snet-pkt", errs)
}

// reserialize decodes with gopacket and serializes again with lengths and checksums computed:
// the bytes must not change, so our lengths and checksums are Go's.
func reserialize(raw []byte) error {
	pkt := gopacket.NewPacket(raw, slayers.LayerTypeSCION, gopacket.Default)
	if el := pkt.ErrorLayer(); el != nil {
		return fmt.Errorf("gopacket: %v", el.Error())
	}
	var layers []gopacket.SerializableLayer
	var scn *slayers.SCION
	for _, l := range pkt.Layers() {
		switch t := l.(type) {
		case *slayers.SCION:
			scn = t
		case *slayers.UDP:
			t.SetNetworkLayerForChecksum(scn)
		case *slayers.SCMP:
			t.SetNetworkLayerForChecksum(scn)
		case *slayers.HopByHopExtn, *slayers.EndToEndExtn:
			// Re-serializing options would need their alignments; the lengths of the
			// extensions are compared through the decoded fields above.
			return nil
		}
		sl, ok := l.(gopacket.SerializableLayer)
		if !ok {
			return fmt.Errorf("layer %v cannot serialize", l.LayerType())
		}
		layers = append(layers, sl)
	}
	buf := gopacket.NewSerializeBuffer()
	opts := gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}
	if err := gopacket.SerializeLayers(buf, opts, layers...); err != nil {
		return err
	}
	if !bytes.Equal(buf.Bytes(), raw) {
		return fmt.Errorf("Go re-serializes differently:\n go %x\n  c %x", buf.Bytes(), raw)
	}
	return nil
}

// path-reverse: our reply path (snet-pkt reply) against Go's Decoded.Reverse.
func pathReverse(r *rand.Rand) {
	var in []string
	var want []string
	for i := 0; i < *count; i++ {
		d := randDecoded(r)
		raw := rawOf(d)
		s := &slayers.SCION{DstIA: randIA(r), SrcIA: randIA(r), PathType: scion.PathType,
			Path: raw, NextHdr: slayers.L4UDP}
		s.SetDstAddr(addr.HostIP(netip.MustParseAddr("10.0.0.1")))
		s.SetSrcAddr(addr.HostIP(netip.MustParseAddr("10.0.0.2")))
		u := &slayers.UDP{SrcPort: 1, DstPort: 2}
		u.SetNetworkLayerForChecksum(s)
		buf := gopacket.NewSerializeBuffer()
		gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true,
			ComputeChecksums: true}, s, u)
		in = append(in, hx(buf.Bytes()))
		rev, err := d.Reverse()
		if err != nil {
			panic(err)
		}
		out := make([]byte, rev.Len())
		rev.SerializeTo(out)
		want = append(want, hx(out))
	}
	var errs []string
	var i int
	for i = range in {
		out := run([]string{"reply", "--hex"}, []string{in[i]})
		if len(out) != 1 {
			errs = append(errs, fmt.Sprintf("case %d: no reply", i))
			continue
		}
		raw, _ := hex.DecodeString(out[0])
		var s slayers.SCION
		if err := s.DecodeFromBytes(raw, gopacket.NilDecodeFeedback); err != nil {
			errs = append(errs, fmt.Sprintf("case %d: %v", i, err))
			continue
		}
		got := hx(s.Path.(*scion.Raw).Raw)
		if got != want[i] {
			errs = append(errs, fmt.Sprintf("case %d:\n go %s\n  c %s", i, want[i], got))
		}
		if i >= 999 {
			break // a process per case: a thousand is plenty
		}
	}
	report("path-reverse", "Decoded.Reverse", "snet-pkt-reply", errs)
}

// hop-mac: MACs under random master keys, derivation included (scrypto.HFMacFactory).
func hopMAC(r *rand.Rand) {
	var in, want []string
	for i := 0; i < *count; i++ {
		master := make([]byte, 16)
		r.Read(master)
		f, err := scrypto.HFMacFactory(master)
		if err != nil {
			panic(err)
		}
		info := path.InfoField{SegID: uint16(r.Uint32()), Timestamp: r.Uint32()}
		hop := path.HopField{ExpTime: uint8(r.Uint32()), ConsIngress: uint16(r.Uint32()),
			ConsEgress: uint16(r.Uint32())}
		mac := path.MAC(f(), info, hop, nil)
		in = append(in, fmt.Sprintf("%s %d %d %d %d %d", hx(master), info.SegID,
			info.Timestamp, hop.ExpTime, hop.ConsIngress, hop.ConsEgress))
		want = append(want, hx(mac[:]))
	}
	_ = aes.BlockSize
	var errs []string
	out := run([]string{"mac"}, in)
	for i := range in {
		if i >= len(out) || out[i] != want[i] {
			errs = append(errs, fmt.Sprintf("case %d (%s): go %s", i, in[i], want[i]))
		}
	}
	report("hop-mac", "path.MAC", "snet_hf_mac", errs)
}

// addr-strings: IA and UDPAddr text both ways.
func addrStrings(r *rand.Rand) {
	var in, want []string
	for i := 0; i < *count; i++ {
		ia := randIA(r)
		in = append(in, "ia "+ia.String())
		want = append(want, "ok "+ia.String())
		h := randHost(r)
		var ip net.IP
		if h.Type() == addr.HostTypeIP {
			ip = h.IP().AsSlice()
		} else {
			ip = net.IPv4(127, 0, 0, 1).To4()
		}
		a := &snet.UDPAddr{IA: ia, Host: &net.UDPAddr{IP: ip, Port: r.Intn(65536)}}
		in = append(in, "udp "+a.String())
		want = append(want, "ok "+a.String())
	}
	// Hand-picked forms, legacy and rejected ones: what Go accepts must give Go's String().
	for _, s := range []string{"1-ff00:0:300,[1.2.3.4]:80", "1-ff00:0:300,1.2.3.4:80",
		"1-ff00:0:302,[::1]:60000", "1-ff00:0:301,1.2.3.4", "1-ff00:0:302,::1",
		"1-ff00:0:302,[::1%eth0]:60000", "[1-64496,2001:DB8::1]:80", "1-64496,10.0.0.1:443",
		"foo", "5-", "1-ff00:0:300,[1.2.3.4]:70000", "[1-ff00:0:110,1.2.3.4]",
		"[1-,127.0.0.1]:80", "1-ff00:0:300,::1:60000", "1-0:0:1,[::ffff:1.2.3.4]:5"} {
		in = append(in, "udp "+s)
		if a, err := snet.ParseUDPAddr(s); err == nil {
			want = append(want, "ok "+a.String())
		} else {
			want = append(want, "err")
		}
	}
	var errs []string
	out := run([]string{"addr"}, in)
	for i := range in {
		got := ""
		if i < len(out) {
			got = out[i]
		}
		if want[i] == "err" && strings.HasPrefix(got, "err ") {
			continue
		}
		if got != want[i] {
			errs = append(errs, fmt.Sprintf("%q: go %q, c %q", in[i], want[i], got))
		}
	}
	report("addr-strings", "addr+snet.UDPAddr", "snet_udp_addr", errs)
}

func main() {
	flag.Parse()
	r := rand.New(rand.NewSource(*seed))
	goToC(r)
	cToGo(r)
	addrStrings(r)
	pathReverse(r)
	hopMAC(r)
	cornersGoToC(r)
	cornersCToGo(r)
	replyUDP(r)
	replySCMP(r)
	verdicts(r)
	if failed {
		os.Exit(1)
	}
}
