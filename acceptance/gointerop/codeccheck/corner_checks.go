// SPDX-License-Identifier: Apache-2.0

// The checks on the corner distribution: decode/encode both ways, replies against Go's snet
// (UDP) and shim (SCMP echo/traceroute), and accept/reject verdicts on damaged packets.
// Where we differ from Go on purpose, each difference falls in a named category that README's
// "Where we differ from Go" lists; any other difference is a FAIL.
package main

import (
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/rand"
	"os"
	"regexp"
	"sort"
	"strings"

	"github.com/gopacket/gopacket"
	"github.com/scionproto/scion/pkg/addr"
	"github.com/scionproto/scion/pkg/slayers"
	"github.com/scionproto/scion/pkg/slayers/path/epic"
	"github.com/scionproto/scion/pkg/slayers/path/onehop"
	"github.com/scionproto/scion/pkg/slayers/path/scion"
	"github.com/scionproto/scion/pkg/snet"
)

// documented: the category names in backticks in README's "Where we differ from Go".
func documented(readme string) map[string]bool {
	b, err := os.ReadFile(readme)
	if err != nil {
		fmt.Fprintf(os.Stderr, "reading %s: %v\n", readme, err)
		return map[string]bool{}
	}
	text := string(b)
	if i := strings.Index(text, "## Where we differ from Go"); i >= 0 {
		text = text[i+1:]
		if j := strings.Index(text, "\n## "); j >= 0 {
			text = text[:j]
		}
	}
	out := map[string]bool{}
	for _, m := range regexp.MustCompile("`([a-z0-9-]+)`").FindAllStringSubmatch(text, -1) {
		out[m[1]] = true
	}
	return out
}

func allDocumented(docs map[string]bool, cat string) bool {
	for _, c := range strings.Split(cat, "+") {
		if !docs[c] {
			return false
		}
	}
	return true
}

// categorized reports a check whose differences all fall in documented categories.
func categorized(check, goRole, cRole string, diffs map[string][]string, total int) {
	docs := documented(*readme)
	var errs []string
	var names []string
	for k := range diffs {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		fmt.Fprintf(os.Stderr, "%s: %d of %d differ: %s (e.g. %.300s)\n", check, len(diffs[k]),
			total, k, diffs[k][0])
		if !allDocumented(docs, k) {
			for _, d := range diffs[k] {
				errs = append(errs, k+": "+d)
			}
		}
	}
	report(check, goRole, cRole, errs)
}

func corners(r *rand.Rand, n, kind int, odd bool) []corner {
	var out []corner
	for len(out) < n {
		c := cornerPacket(r, kind)
		if odd {
			oddities(r, &c)
		}
		out = append(out, c)
	}
	return out
}

// codec-corners-go-to-c: Go's view of each corner packet equals snet-pkt's decode, and the
// decode encodes back to the same bytes (reserved bits and all).
func cornersGoToC(r *rand.Rand) {
	cs := corners(r, *count, -1, true)
	var hexes []string
	var views []obj
	for _, c := range cs {
		v, err := goView(c.raw)
		if err != nil {
			panic(fmt.Sprintf("Go cannot decode what it built: %v %x", err, c.raw))
		}
		hexes = append(hexes, hx(c.raw))
		views = append(views, v)
	}
	var errs []string
	decoded := run([]string{"decode", "--jsonl"}, hexes)
	for i := range hexes {
		if i >= len(decoded) {
			errs = append(errs, fmt.Sprintf("packet %d: no output", i))
			continue
		}
		got, err := parseJSON(decoded[i])
		if err != nil || got["error"] != nil {
			errs = append(errs, fmt.Sprintf("packet %d: %s (%s)", i, decoded[i], hexes[i]))
			continue
		}
		if ok, a, b := same(views[i], got); !ok {
			errs = append(errs, fmt.Sprintf("packet %d:\n go %s\n  c %s", i, a, b))
		}
	}
	encoded := run([]string{"encode", "--jsonl", "--hex"}, decoded)
	for i := range hexes {
		if i >= len(encoded) || encoded[i] != hexes[i] {
			errs = append(errs, fmt.Sprintf("packet %d re-encodes differently (%s)", i,
				hexes[i]))
		}
	}
	report("codec-corners-go-to-c", "slayers", "snet-pkt", errs)
}

// fieldsOnly drops from a view what snet-pkt computes: lengths, checksums, padding.
func fieldsOnly(v obj) {
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
		eo["options"] = noPadding(eo["options"].([]any))
	}
}

func noPadding(opts []any) []any {
	keep := []any{}
	for _, o := range opts {
		if o.(obj)["type"].(int64) > 1 {
			keep = append(keep, o)
		}
	}
	return keep
}

// codec-corners-c-to-go: snet-pkt encodes the field values of each corner packet; Go decodes
// them to those values and (without extensions) serializes them to the same bytes.
func cornersCToGo(r *rand.Rand) {
	cs := corners(r, *count, -1, false)
	var inputs []string
	var wants []obj
	for _, c := range cs {
		v, err := goView(c.raw)
		if err != nil {
			panic(err)
		}
		fieldsOnly(v)
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
		for _, e := range got["extensions"].([]any) {
			eo := e.(obj)
			eo["options"] = noPadding(eo["options"].([]any))
		}
		if ok, a, b := same(wants[i], got); !ok {
			errs = append(errs, fmt.Sprintf("input %d:\n want %s\n   go %s", i, a, b))
			continue
		}
		if err := reserialize(raw); err != nil {
			errs = append(errs, fmt.Sprintf("input %d: %v", i, err))
		}
	}
	report("codec-corners-c-to-go", "slayers", "snet-pkt", errs)
}

// goReplyUDP: what a Go snet server sends back (snet.Packet Decode, DefaultReplyPather,
// Serialize), or why it sends nothing.
func goReplyUDP(raw []byte) ([]byte, string) {
	p := snet.Packet{Bytes: append([]byte(nil), raw...)}
	if err := p.Decode(); err != nil {
		return nil, "decode: " + err.Error()
	}
	udp, ok := p.Payload.(snet.UDPPayload)
	if !ok {
		return nil, "not UDP"
	}
	// Go's reader takes Host.IP() of both hosts: an SVC host has none (it panics).
	if p.Source.Host.Type() != addr.HostTypeIP || p.Destination.Host.Type() != addr.HostTypeIP {
		return nil, "SVC host"
	}
	rp, err := snet.DefaultReplyPather{}.ReplyPath(p.Path.(snet.RawPath))
	if err != nil {
		return nil, "reply path: " + err.Error()
	}
	q := snet.Packet{Bytes: make([]byte, 70000), PacketInfo: snet.PacketInfo{
		Source: p.Destination, Destination: p.Source, Path: rp,
		Payload: snet.UDPPayload{SrcPort: udp.DstPort, DstPort: udp.SrcPort,
			Payload: udp.Payload}}}
	if err := q.Serialize(); err != nil {
		return nil, "serialize: " + err.Error()
	}
	return q.Bytes, ""
}

// goReplySCMP: what Go's shim dispatcher answers to an SCMP echo or traceroute request, by its
// steps in dispatcher/dispatcher.go (processMsgNextHop, replyToSCMPInfoRequest, reverseSCION).
func goReplySCMP(raw []byte) ([]byte, string, []gopacket.LayerType) {
	var scn slayers.SCION
	var hbh slayers.HopByHopExtnSkipper
	var e2e slayers.EndToEndExtn
	var udp slayers.UDP
	var scmp slayers.SCMP
	parser := gopacket.NewDecodingLayerParser(slayers.LayerTypeSCION, &scn, &hbh, &e2e, &udp,
		&scmp)
	parser.IgnoreUnsupported = true
	decoded := []gopacket.LayerType{}
	if err := parser.DecodeLayers(raw, &decoded); err != nil || len(decoded) < 2 {
		return nil, fmt.Sprintf("decode: %v", err), decoded
	}
	if decoded[len(decoded)-1] != slayers.LayerTypeSCMP {
		return nil, "not SCMP", decoded
	}
	switch scmp.NextLayerType() {
	case slayers.LayerTypeSCMPEcho:
		scmp.TypeCode = slayers.CreateSCMPTypeCode(slayers.SCMPTypeEchoReply, 0)
	case slayers.LayerTypeSCMPTraceroute:
		scmp.TypeCode = slayers.CreateSCMPTypeCode(slayers.SCMPTypeTracerouteReply, 0)
	default:
		return nil, "not an info request", decoded
	}
	if t := scmp.TypeCode.Type(); t != slayers.SCMPTypeEchoReply &&
		t != slayers.SCMPTypeTracerouteReply {
		return nil, "unreachable", decoded
	}
	scn.DstIA, scn.SrcIA = scn.SrcIA, scn.DstIA
	src, err := scn.SrcAddr()
	if err != nil {
		return nil, "source address", decoded
	}
	dst, err := scn.DstAddr()
	if err != nil {
		return nil, "destination address", decoded
	}
	if scn.SetSrcAddr(dst) != nil || scn.SetDstAddr(src) != nil {
		return nil, "set address", decoded
	}
	if scn.PathType == epic.PathType {
		scn.Path, scn.PathType = scn.Path.(*epic.Path).ScionPath, scion.PathType
	}
	if scn.Path, err = scn.Path.Reverse(); err != nil {
		return nil, "reverse: " + err.Error(), decoded
	}
	scn.NextHdr = slayers.L4SCMP
	scmp.SetNetworkLayerForChecksum(&scn)
	opts := gopacket.SerializeOptions{ComputeChecksums: true, FixLengths: true}
	buf := gopacket.NewSerializeBuffer()
	layers := []gopacket.SerializableLayer{gopacket.Payload(scmp.Payload), &scmp}
	if decoded[len(decoded)-2] == slayers.LayerTypeEndToEndExtn {
		layers = append(layers, &e2e)
	}
	layers = append(layers, &scn)
	for _, l := range layers { // the shim prepends, innermost first
		if err := l.SerializeTo(buf, opts); err != nil {
			return nil, "serialize: " + err.Error(), decoded
		}
	}
	return append([]byte(nil), buf.Bytes()...), "", decoded
}

// replies runs snet-pkt reply on every packet: hex lines, or "" where it refused.
func replies(cs []corner) []string {
	var in []string
	for _, c := range cs {
		in = append(in, hx(c.raw))
	}
	out := run([]string{"reply", "--jsonl", "--hex"}, in)
	for i := range out {
		if strings.HasPrefix(out[i], "{") {
			out[i] = ""
		}
	}
	return out
}

// reply-udp: our reply to each UDP corner packet is Go's snet reply, byte for byte; where Go
// sends none, we refuse too.
func replyUDP(r *rand.Rand) {
	cs := corners(r, *count, 0, true)
	ours := replies(cs)
	diffs := map[string][]string{}
	for i, c := range cs {
		want, why := goReplyUDP(c.raw)
		got := ""
		if i < len(ours) {
			got = ours[i]
		}
		switch {
		case want == nil && got == "":
		case want == nil:
			diffs["unexplained"] = append(diffs["unexplained"], fmt.Sprintf(
				"%x: Go sends no reply (%s), we do: %s", c.raw, why, got))
		case got != hx(want):
			diffs["unexplained"] = append(diffs["unexplained"], fmt.Sprintf(
				"%.200x...:\n go %.200x...\n  c %.400s", c.raw, want, got))
		}
	}
	categorized("reply-udp", "snet.Packet", "snet-pkt", diffs, len(cs))
}

// reply-scmp: our answer to each echo/traceroute request is the shim's, except where the
// shim's is broken on purpose-documented grounds (README): it keeps an E2E extension behind
// a NextHdr that says SCMP, and a OneHop path type over the reversed SCION path it built.
func replySCMP(r *rand.Rand) {
	var cs []corner
	for len(cs) < *count {
		c := cornerPacket(r, 1)
		if c.scmpType == slayers.SCMPTypeEchoRequest || c.scmpType == slayers.SCMPTypeTracerouteRequest {
			cs = append(cs, c)
		}
	}
	ours := replies(cs)
	diffs := map[string][]string{}
	for i, c := range cs {
		want, why, layers := goReplySCMP(c.raw)
		got := ""
		if i < len(ours) {
			got = ours[i]
		}
		if want != nil && got == hx(want) || want == nil && got == "" {
			continue
		}
		cat, fixed := shimFixed(want, layers)
		if want == nil || got != hx(fixed) {
			cat = "unexplained"
		}
		diffs[cat] = append(diffs[cat], fmt.Sprintf("%.200x...:\n go %.200x... (%s)\n  c %.400s",
			c.raw, want, why, got))
	}
	categorized("reply-scmp", "shim", "snet-pkt", diffs, len(cs))
}

// shimFixed undoes the shim's two documented quirks in its reply: the E2E extension it keeps
// behind NextHdr SCMP is cut out (PayloadLen shrinks by its length), and PathType OneHop over
// a SCION path becomes PathType SCION. It names what it changed.
func shimFixed(reply []byte, layers []gopacket.LayerType) (string, []byte) {
	if reply == nil {
		return "unexplained", nil
	}
	b := append([]byte(nil), reply...)
	var names []string
	hl := int(b[5]) * 4
	if len(layers) > 2 && layers[len(layers)-2] == slayers.LayerTypeEndToEndExtn {
		el := (int(b[hl+1]) + 1) * 4
		b = append(b[:hl], b[hl+el:]...)
		binary.BigEndian.PutUint16(b[6:], binary.BigEndian.Uint16(b[6:])-uint16(el))
		names = append(names, "shim-keeps-e2e")
	}
	if b[8] == byte(onehop.PathType) {
		b[8] = byte(scion.PathType)
		names = append(names, "shim-onehop-path-type")
	}
	if len(names) == 0 {
		return "unexplained", b
	}
	return strings.Join(names, "+"), b
}

// damaged: a truncation or a flipped bit (mostly in the headers) of each corner packet.
func damaged(r *rand.Rand, cs []corner) [][]byte {
	var out [][]byte
	for _, c := range cs {
		b := append([]byte(nil), c.raw...)
		if r.Intn(2) == 0 { // at least a byte: snet-pkt's JSONL input skips empty lines
			out = append(out, b[:1+r.Intn(len(b)-1)])
			continue
		}
		at := r.Intn(len(b))
		if r.Intn(4) != 0 && len(b) > 120 {
			at = r.Intn(120)
		}
		b[at] ^= 1 << uint(r.Intn(8))
		out = append(out, b)
	}
	return out
}

// Why snet-pkt rejects what Go accepts, by our error: the categories README documents.
var strictness = map[string]string{
	"SNET_E_BAD_VERSION":        "version",
	"SNET_E_BAD_PAYLOAD_LEN":    "payload-len",
	"SNET_E_BAD_PATH_LEN":       "path-len",
	"SNET_E_BAD_CURR_INF":       "curr-fields",
	"SNET_E_BAD_CURR_HF":        "curr-fields",
	"SNET_E_CURR_INF_MISMATCH":  "curr-fields",
	"SNET_E_BAD_UDP_LEN":        "udp-length",
	"SNET_E_HDR_LEN_TOO_LARGE":  "hdr-len",
	"SNET_E_HDR_LEN_TOO_SMALL":  "hdr-len",
	"SNET_E_BAD_ADDR_TYPE":      "addr-type",
	"SNET_E_BAD_EXT_LEN":        "ext-len",
	"SNET_E_BAD_OPT_LEN":        "option-len",
	"SNET_E_EXT_ORDER":          "ext-order",
	"SNET_E_TRUNCATED":          "truncated",
	"SNET_E_SEG_LEN_GAP":        "seg-len",
	"SNET_E_TOO_MANY_HOPS":      "seg-len",
	"SNET_E_BAD_PATH_TYPE":      "path-type",
	"SNET_E_EMPTY_PATH":         "path-len",
}

// verdicts: damaged corner packets, Go's slayers (as goView decodes) against snet-pkt decode.
func verdicts(r *rand.Rand) {
	variants := damaged(r, corners(r, *count, -1, true))
	var in []string
	for _, b := range variants {
		in = append(in, hx(b))
	}
	out := run([]string{"decode", "--jsonl"}, in)
	diffs := map[string][]string{}
	var table [2][2]int // [Go accepts][we accept]
	for i, b := range variants {
		_, gerr := goView(b)
		line := ""
		if i < len(out) {
			line = out[i]
		}
		var ours struct {
			Error string `json:"error"`
		}
		_ = json.Unmarshal([]byte(line), &ours)
		table[b2i(gerr == nil)][b2i(ours.Error == "")]++
		switch {
		case gerr == nil && ours.Error != "":
			cat := strictness[ours.Error]
			if cat == "" {
				cat = "unexplained-" + strings.ToLower(ours.Error)
			}
			diffs[cat] = append(diffs[cat], fmt.Sprintf("Go accepts, we say %s: %x",
				ours.Error, b))
		case gerr != nil && ours.Error == "":
			cat := "go-stricter"
			diffs[cat] = append(diffs[cat], fmt.Sprintf("Go rejects (%v), we accept: %x",
				gerr, b))
		}
	}
	fmt.Fprintf(os.Stderr, "verdicts: of %d damaged packets both accept %d, both reject %d, "+
		"only Go accepts %d, only we accept %d\n", len(variants), table[1][1], table[0][0],
		table[1][0], table[0][1])
	categorized("verdicts", "slayers", "snet-pkt", diffs, len(variants))
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
