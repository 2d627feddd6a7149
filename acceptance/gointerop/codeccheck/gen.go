// SPDX-License-Identifier: Apache-2.0

// Random packets built with Go's slayers, and Go's view of packet bytes in snet-pkt's JSON
// schema.
package main

import (
	"encoding/hex"
	"math/rand"
	"net/netip"

	"github.com/gopacket/gopacket"
	"github.com/scionproto/scion/pkg/addr"
	"github.com/scionproto/scion/pkg/slayers"
	"github.com/scionproto/scion/pkg/slayers/path"
	"github.com/scionproto/scion/pkg/slayers/path/empty"
	"github.com/scionproto/scion/pkg/slayers/path/epic"
	"github.com/scionproto/scion/pkg/slayers/path/onehop"
	"github.com/scionproto/scion/pkg/slayers/path/scion"
)

func randIA(r *rand.Rand) addr.IA {
	isd := addr.ISD(r.Intn(65535) + 1)
	var as addr.AS
	if r.Intn(2) == 0 {
		as = addr.AS(r.Uint32()%0xfffffffe + 1)
	} else {
		as = addr.AS(r.Uint64()&0xffffffffffff | 0x100000000)
	}
	return addr.MustIAFrom(isd, as)
}

func randHost(r *rand.Rand) addr.Host {
	switch r.Intn(3) {
	case 0:
		var b [4]byte
		r.Read(b[:])
		return addr.HostIP(netip.AddrFrom4(b))
	case 1:
		var b [16]byte
		r.Read(b[:])
		b[0] |= 0x20 // keep clear of the IPv4-mapped prefix, which Go packs as IPv4
		return addr.HostIP(netip.AddrFrom16(b))
	default:
		svcs := []addr.SVC{addr.SvcCS, addr.SvcDS, addr.SvcWildcard, addr.SvcCS | addr.SVCMcast}
		return addr.HostSVC(svcs[r.Intn(len(svcs))])
	}
}

func randInfo(r *rand.Rand) path.InfoField {
	return path.InfoField{ConsDir: r.Intn(2) == 0, Peer: r.Intn(4) == 0,
		SegID: uint16(r.Uint32()), Timestamp: r.Uint32()}
}

func randHop(r *rand.Rand) path.HopField {
	h := path.HopField{IngressRouterAlert: r.Intn(4) == 0, EgressRouterAlert: r.Intn(4) == 0,
		ExpTime: uint8(r.Uint32()), ConsIngress: uint16(r.Uint32()), ConsEgress: uint16(r.Uint32())}
	r.Read(h.Mac[:])
	return h
}

// randDecoded is a valid SCION path: 1 to 3 segments, current fields consistent.
func randDecoded(r *rand.Rand) *scion.Decoded {
	d := &scion.Decoded{}
	nseg := r.Intn(3) + 1
	total := 0
	for i := 0; i < nseg; i++ {
		n := r.Intn(5) + 1
		d.PathMeta.SegLen[i] = uint8(n)
		total += n
		d.InfoFields = append(d.InfoFields, randInfo(r))
	}
	for i := 0; i < total; i++ {
		d.HopFields = append(d.HopFields, randHop(r))
	}
	d.NumINF, d.NumHops = nseg, total
	hf := r.Intn(total)
	d.PathMeta.CurrHF = uint8(hf)
	seg, acc := 0, 0
	for ; seg < nseg; seg++ {
		acc += int(d.PathMeta.SegLen[seg])
		if hf < acc {
			break
		}
	}
	d.PathMeta.CurrINF = uint8(seg)
	return d
}

func rawOf(d *scion.Decoded) *scion.Raw {
	raw, err := d.ToRaw()
	if err != nil {
		panic(err)
	}
	return raw
}

func randPath(r *rand.Rand, s *slayers.SCION) {
	switch r.Intn(4) {
	case 0:
		s.PathType, s.Path = empty.PathType, empty.Path{}
	case 1:
		s.PathType, s.Path = scion.PathType, rawOf(randDecoded(r))
	case 2:
		s.PathType, s.Path = onehop.PathType, &onehop.Path{Info: randInfo(r),
			FirstHop: randHop(r), SecondHop: randHop(r)}
	default:
		p := &epic.Path{PktID: epic.PktID{Timestamp: r.Uint32(), Counter: r.Uint32()},
			PHVF: make([]byte, 4), LHVF: make([]byte, 4), ScionPath: rawOf(randDecoded(r))}
		r.Read(p.PHVF)
		r.Read(p.LHVF)
		s.PathType, s.Path = epic.PathType, p
	}
}

type opt struct {
	typ   slayers.OptionType
	data  []byte
	align [2]uint8
}

func randOptions(r *rand.Rand) []opt {
	var opts []opt
	aligns := [][2]uint8{{0, 0}, {1, 0}, {2, 1}, {4, 2}, {8, 2}, {4, 3}}
	for i := r.Intn(4); i > 0; i-- {
		o := opt{typ: slayers.OptionType(r.Intn(253) + 3), data: make([]byte, r.Intn(20)),
			align: aligns[r.Intn(len(aligns))]}
		r.Read(o.data)
		opts = append(opts, o)
	}
	return opts
}

var scmpTypes = []slayers.SCMPType{1, 2, 4, 5, 6, 128, 129, 130, 131, 100, 200}

func randSCMP(r *rand.Rand) []gopacket.SerializableLayer {
	t := scmpTypes[r.Intn(len(scmpTypes))]
	s := &slayers.SCMP{TypeCode: slayers.CreateSCMPTypeCode(t, slayers.SCMPCode(r.Intn(256)))}
	var msg gopacket.SerializableLayer
	switch t {
	case 1:
		msg = &slayers.SCMPDestinationUnreachable{}
	case 2:
		msg = &slayers.SCMPPacketTooBig{MTU: uint16(r.Uint32())}
	case 4:
		msg = &slayers.SCMPParameterProblem{Pointer: uint16(r.Uint32())}
	case 5:
		msg = &slayers.SCMPExternalInterfaceDown{IA: randIA(r), IfID: r.Uint64() >> 1}
	case 6:
		msg = &slayers.SCMPInternalConnectivityDown{IA: randIA(r), Ingress: r.Uint64() >> 1,
			Egress: r.Uint64() >> 1}
	case 128, 129:
		msg = &slayers.SCMPEcho{Identifier: uint16(r.Uint32()), SeqNumber: uint16(r.Uint32())}
	case 130, 131:
		msg = &slayers.SCMPTraceroute{Identifier: uint16(r.Uint32()),
			Sequence: uint16(r.Uint32()), IA: randIA(r), Interface: r.Uint64() >> 1}
	}
	out := []gopacket.SerializableLayer{s}
	if msg != nil {
		out = append(out, msg)
	}
	return out
}

// randPacket serializes a random packet with Go's slayers (lengths and checksums fixed).
func randPacket(r *rand.Rand) []byte {
	s := &slayers.SCION{Version: 0, TrafficClass: uint8(r.Uint32()), FlowID: r.Uint32() & 0xfffff,
		DstIA: randIA(r), SrcIA: randIA(r)}
	if err := s.SetDstAddr(randHost(r)); err != nil {
		panic(err)
	}
	if err := s.SetSrcAddr(randHost(r)); err != nil {
		panic(err)
	}
	randPath(r, s)
	layers := []gopacket.SerializableLayer{s}
	var l4 []gopacket.SerializableLayer
	var proto slayers.L4ProtocolType
	if r.Intn(2) == 0 {
		u := &slayers.UDP{SrcPort: uint16(r.Uint32()), DstPort: uint16(r.Uint32())}
		u.SetNetworkLayerForChecksum(s)
		l4, proto = []gopacket.SerializableLayer{u}, slayers.L4UDP
	} else {
		l4, proto = randSCMP(r), slayers.L4SCMP
		l4[0].(*slayers.SCMP).SetNetworkLayerForChecksum(s)
	}
	next := proto
	var exts []gopacket.SerializableLayer
	if r.Intn(3) == 0 {
		e2e := &slayers.EndToEndExtn{Options: nil}
		for _, o := range randOptions(r) {
			e2e.Options = append(e2e.Options, &slayers.EndToEndOption{OptType: o.typ,
				OptData: o.data, OptAlign: o.align})
		}
		e2e.NextHdr = next
		next = slayers.End2EndClass
		exts = append([]gopacket.SerializableLayer{e2e}, exts...)
	}
	if r.Intn(3) == 0 {
		hbh := &slayers.HopByHopExtn{}
		for _, o := range randOptions(r) {
			hbh.Options = append(hbh.Options, &slayers.HopByHopOption{OptType: o.typ,
				OptData: o.data, OptAlign: o.align})
		}
		hbh.NextHdr = next
		next = slayers.HopByHopClass
		exts = append([]gopacket.SerializableLayer{hbh}, exts...)
	}
	s.NextHdr = next
	layers = append(layers, exts...)
	layers = append(layers, l4...)
	payload := make([]byte, r.Intn(64))
	r.Read(payload)
	layers = append(layers, gopacket.Payload(payload))
	buf := gopacket.NewSerializeBuffer()
	opts := gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}
	if err := gopacket.SerializeLayers(buf, opts, layers...); err != nil {
		panic(err)
	}
	return append([]byte(nil), buf.Bytes()...)
}

func hx(b []byte) string { return hex.EncodeToString(b) }
