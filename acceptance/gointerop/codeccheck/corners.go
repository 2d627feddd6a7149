// SPDX-License-Identifier: Apache-2.0

// A second, adversarial distribution: packets Go's slayers builds (or carries) at the codec's
// corners. Maximum paths (3 segments, 64 hops, every CurrINF/CurrHF position), IPv4-mapped
// 16-byte hosts, SVC hosts with bytes 2-3 set and unknown SVC values, 150-500 tiny options in
// an extension, SPAO with every algorithm value, 64-bit SCMP fields over their whole range,
// every SCMP type (unknown ones too), unknown next headers, payloads up to ~9000 bytes, UDP
// checksum 0 and Length 0, reserved bits, IAs at their extremes.
package main

import (
	"encoding/binary"
	"math/rand"

	"github.com/gopacket/gopacket"
	"github.com/scionproto/scion/pkg/addr"
	"github.com/scionproto/scion/pkg/slayers"
	"github.com/scionproto/scion/pkg/slayers/path"
	"github.com/scionproto/scion/pkg/slayers/path/empty"
	"github.com/scionproto/scion/pkg/slayers/path/epic"
	"github.com/scionproto/scion/pkg/slayers/path/onehop"
	"github.com/scionproto/scion/pkg/slayers/path/scion"
)

// pick returns one of the extremes half of the time, else a random value below max.
func pick(r *rand.Rand, max uint64, extremes ...uint64) uint64 {
	if r.Intn(2) == 0 {
		return extremes[r.Intn(len(extremes))]
	}
	if max == ^uint64(0) {
		return r.Uint64()
	}
	return r.Uint64() % (max + 1)
}

func cornerIA(r *rand.Rand) addr.IA {
	isd := addr.ISD(pick(r, 0xffff, 0, 1, 0xffff))
	as := addr.AS(pick(r, 0xffffffffffff, 0, 1, 0xfffffffe, 0xffffffff, 0x100000000,
		0xffffffffffff))
	return addr.MustIAFrom(isd, as)
}

// cornerHost: the address type and raw bytes, as slayers carries them (not packed).
func cornerHost(r *rand.Rand) (slayers.AddrType, []byte) {
	switch r.Intn(5) {
	case 0:
		b := make([]byte, 4)
		r.Read(b)
		return slayers.T4Ip, b
	case 1:
		b := make([]byte, 16)
		r.Read(b)
		return slayers.T16Ip, b
	case 2: // IPv4-mapped, 16 bytes on the wire
		b := make([]byte, 16)
		b[10], b[11] = 0xff, 0xff
		r.Read(b[12:])
		return slayers.T16Ip, b
	default: // SVC, known or not, bytes 2-3 often set
		known := []uint16{uint16(addr.SvcCS), uint16(addr.SvcDS), uint16(addr.SvcWildcard),
			uint16(addr.SvcCS | addr.SVCMcast), 0xffff, 0, 0x7fff, 0x8000}
		b := make([]byte, 4)
		svc := uint16(r.Uint32())
		if r.Intn(2) == 0 {
			svc = known[r.Intn(len(known))]
		}
		binary.BigEndian.PutUint16(b, svc)
		if r.Intn(2) == 0 {
			r.Read(b[2:])
		}
		return slayers.T4Svc, b
	}
}

// cornerDecoded: 1 to 3 segments; half the time as many hops as fit (64, or 63 in one
// segment, whose SegLen has 6 bits); CurrHF at either end or anywhere between.
func cornerDecoded(r *rand.Rand) *scion.Decoded {
	d := &scion.Decoded{}
	nseg := r.Intn(3) + 1
	lens := make([]int, nseg)
	total := 0
	for i := range lens {
		lens[i] = 1 + r.Intn(5)
		total += lens[i]
	}
	if r.Intn(2) == 0 {
		target := min(64, 63*nseg) - r.Intn(3)
		for i := range lens {
			lens[i] = 1
		}
		for total = nseg; total < target; {
			if i := r.Intn(nseg); lens[i] < 63 {
				lens[i]++
				total++
			}
		}
	}
	for i, n := range lens {
		d.PathMeta.SegLen[i] = uint8(n)
		d.InfoFields = append(d.InfoFields, randInfo(r))
	}
	for i := 0; i < total; i++ {
		d.HopFields = append(d.HopFields, randHop(r))
	}
	d.NumINF, d.NumHops = nseg, total
	hf := []int{0, total - 1, r.Intn(total)}[r.Intn(3)]
	d.PathMeta.CurrHF = uint8(hf)
	seg, acc := 0, 0
	for ; seg < nseg; seg++ {
		acc += lens[seg]
		if hf < acc {
			break
		}
	}
	d.PathMeta.CurrINF = uint8(seg)
	return d
}

func cornerPath(r *rand.Rand, s *slayers.SCION) {
	switch r.Intn(4) {
	case 0:
		s.PathType, s.Path = empty.PathType, empty.Path{}
	case 1:
		s.PathType, s.Path = scion.PathType, rawOf(cornerDecoded(r))
	case 2:
		s.PathType, s.Path = onehop.PathType, &onehop.Path{Info: randInfo(r),
			FirstHop: randHop(r), SecondHop: randHop(r)}
	default:
		p := &epic.Path{PktID: epic.PktID{Timestamp: r.Uint32(), Counter: r.Uint32()},
			PHVF: make([]byte, 4), LHVF: make([]byte, 4), ScionPath: rawOf(cornerDecoded(r))}
		r.Read(p.PHVF)
		r.Read(p.LHVF)
		s.PathType, s.Path = epic.PathType, p
	}
}

// cornerOptions: none, a few, 150-500 tiny ones (Pad1 or empty TLVs), or an SPAO.
func cornerOptions(r *rand.Rand) []opt {
	switch r.Intn(4) {
	case 0:
		return nil
	case 1:
		return randOptions(r)
	case 2:
		var opts []opt
		for n := 150 + r.Intn(351); n > 0; n-- {
			t := slayers.OptionType(0)
			if r.Intn(2) == 0 {
				t = slayers.OptionType(r.Intn(253) + 3)
			}
			opts = append(opts, opt{typ: t, data: []byte{}})
		}
		return opts
	default:
		auth := make([]byte, r.Intn(33))
		r.Read(auth)
		spao, err := slayers.NewPacketAuthOption(slayers.PacketAuthOptionParams{
			SPI: slayers.PacketAuthSPI(r.Uint32()), Algorithm: slayers.PacketAuthAlg(r.Intn(256)),
			TimestampSN: r.Uint64() & 0xffffffffffff, Auth: auth})
		if err != nil {
			panic(err)
		}
		return []opt{{typ: slayers.OptTypeAuthenticator, data: spao.OptData,
			align: [2]uint8{spao.OptAlign[0], spao.OptAlign[1]}}}
	}
}

var cornerSCMPTypes = []slayers.SCMPType{1, 2, 4, 5, 6, 128, 129, 130, 131}

func cornerSCMP(r *rand.Rand) []gopacket.SerializableLayer {
	t := slayers.SCMPType(r.Intn(256))
	if r.Intn(3) != 0 {
		t = cornerSCMPTypes[r.Intn(len(cornerSCMPTypes))]
	}
	s := &slayers.SCMP{TypeCode: slayers.CreateSCMPTypeCode(t, slayers.SCMPCode(r.Intn(256)))}
	full := func() uint64 { return pick(r, ^uint64(0), 0, 1, 1<<63-1, 1<<63, ^uint64(0)) }
	var msg gopacket.SerializableLayer
	switch t {
	case 1:
		msg = &slayers.SCMPDestinationUnreachable{}
	case 2:
		msg = &slayers.SCMPPacketTooBig{MTU: uint16(r.Uint32())}
	case 4:
		msg = &slayers.SCMPParameterProblem{Pointer: uint16(r.Uint32())}
	case 5:
		msg = &slayers.SCMPExternalInterfaceDown{IA: cornerIA(r), IfID: full()}
	case 6:
		msg = &slayers.SCMPInternalConnectivityDown{IA: cornerIA(r), Ingress: full(),
			Egress: full()}
	case 128, 129:
		msg = &slayers.SCMPEcho{Identifier: uint16(r.Uint32()), SeqNumber: uint16(r.Uint32())}
	case 130, 131:
		msg = &slayers.SCMPTraceroute{Identifier: uint16(r.Uint32()),
			Sequence: uint16(r.Uint32()), IA: cornerIA(r), Interface: full()}
	}
	out := []gopacket.SerializableLayer{s}
	if msg != nil {
		out = append(out, msg)
	}
	return out
}

func cornerPayload(r *rand.Rand) []byte {
	n := r.Intn(65)
	switch r.Intn(20) {
	case 0:
		n = 1500 + r.Intn(7500)
	case 1, 2, 3:
		n = 64 + r.Intn(1437)
	}
	b := make([]byte, n)
	r.Read(b)
	return b
}

func extLayers(r *rand.Rand, next slayers.L4ProtocolType) ([]gopacket.SerializableLayer,
	slayers.L4ProtocolType) {
	var exts []gopacket.SerializableLayer
	if r.Intn(3) == 0 {
		e2e := &slayers.EndToEndExtn{}
		for _, o := range cornerOptions(r) {
			e2e.Options = append(e2e.Options, &slayers.EndToEndOption{OptType: o.typ,
				OptData: o.data, OptAlign: o.align})
		}
		e2e.NextHdr = next
		next = slayers.End2EndClass
		exts = append([]gopacket.SerializableLayer{e2e}, exts...)
	}
	if r.Intn(3) == 0 {
		hbh := &slayers.HopByHopExtn{}
		for _, o := range cornerOptions(r) {
			hbh.Options = append(hbh.Options, &slayers.HopByHopOption{OptType: o.typ,
				OptData: o.data, OptAlign: o.align})
		}
		hbh.NextHdr = next
		next = slayers.HopByHopClass
		exts = append([]gopacket.SerializableLayer{hbh}, exts...)
	}
	return exts, next
}

// cornerL4: UDP, SCMP or another protocol (its bytes carried as payload).
func cornerL4(r *rand.Rand, s *slayers.SCION, kind int) ([]gopacket.SerializableLayer,
	slayers.L4ProtocolType) {
	switch kind {
	case 0:
		u := &slayers.UDP{SrcPort: uint16(pick(r, 0xffff, 0, 1, 30041, 65535)),
			DstPort: uint16(pick(r, 0xffff, 0, 1, 30041, 65535))}
		u.SetNetworkLayerForChecksum(s)
		return []gopacket.SerializableLayer{u}, slayers.L4UDP
	case 1:
		l := cornerSCMP(r)
		l[0].(*slayers.SCMP).SetNetworkLayerForChecksum(s)
		return l, slayers.L4SCMP
	default:
		others := []slayers.L4ProtocolType{slayers.L4TCP, slayers.L4BFD, 0, 99, 255, 204}
		return nil, others[r.Intn(len(others))]
	}
}

type corner struct {
	raw      []byte
	odd      bool // bytes changed after Go serialized them (reserved bits, checksum 0, ...)
	l4       slayers.L4ProtocolType
	scmpType slayers.SCMPType
}

// cornerPacket: kind 0 UDP, 1 SCMP, 2 another L4, -1 any of them.
func cornerPacket(r *rand.Rand, kind int) corner {
	if kind < 0 {
		kind = []int{0, 0, 1, 1, 2}[r.Intn(5)]
	}
	s := &slayers.SCION{TrafficClass: uint8(r.Uint32()), FlowID: uint32(pick(r, 0xfffff, 0,
		0xfffff)), DstIA: cornerIA(r), SrcIA: cornerIA(r)}
	s.DstAddrType, s.RawDstAddr = cornerHost(r)
	s.SrcAddrType, s.RawSrcAddr = cornerHost(r)
	cornerPath(r, s)
	l4, proto := cornerL4(r, s, kind)
	exts, next := extLayers(r, proto)
	s.NextHdr = next
	layers := append([]gopacket.SerializableLayer{s}, exts...)
	layers = append(layers, l4...)
	layers = append(layers, gopacket.Payload(cornerPayload(r)))
	buf := gopacket.NewSerializeBuffer()
	opts := gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}
	if err := gopacket.SerializeLayers(buf, opts, layers...); err != nil {
		panic(err)
	}
	c := corner{raw: append([]byte(nil), buf.Bytes()...), l4: proto}
	if proto == slayers.L4SCMP {
		c.scmpType = l4[0].(*slayers.SCMP).TypeCode.Type()
	}
	return c
}

// oddities sets, after Go serialized the packet, what Go cannot build but decodes: reserved
// bits (common header, PathMeta, info and hop flags, SCMP unused bytes), a UDP checksum of 0,
// a UDP Length of 0 ("the rest"). Go ignores them; the bytes must still round-trip in C.
func oddities(r *rand.Rand, c *corner) {
	var s slayers.SCION
	if err := s.DecodeFromBytes(c.raw, gopacket.NilDecodeFeedback); err != nil {
		panic(err)
	}
	b := c.raw
	hl := int(s.HdrLen) * 4
	if r.Intn(4) == 0 {
		b[10], b[11] = byte(r.Intn(256)), byte(r.Intn(256))
		c.odd = true
	}
	pathOff := 12 + s.AddrHdrLen()
	if s.PathType == scion.PathType && r.Intn(3) == 0 {
		flagBits(r, b[pathOff:hl])
		c.odd = true
	}
	l4off := hl
	for next := s.NextHdr; next == slayers.HopByHopClass || next == slayers.End2EndClass; {
		next = slayers.L4ProtocolType(b[l4off])
		l4off += (int(b[l4off+1]) + 1) * 4
	}
	switch {
	case c.l4 == slayers.L4UDP && r.Intn(6) == 0:
		b[l4off+6], b[l4off+7] = 0, 0
		c.odd = true
	case c.l4 == slayers.L4UDP && r.Intn(6) == 0:
		b[l4off+4], b[l4off+5] = 0, 0
		c.odd = true
	case c.l4 == slayers.L4SCMP && r.Intn(3) == 0:
		unused := map[slayers.SCMPType][2]int{1: {4, 8}, 2: {4, 6}, 4: {4, 6}}
		if u, ok := unused[c.scmpType]; ok && l4off+u[1] <= len(b) {
			r.Read(b[l4off+u[0] : l4off+u[1]])
			c.odd = true
		}
	}
}

// flagBits sets reserved bits in a SCION path: the PathMeta's 6, and those of info and hop
// flags.
func flagBits(r *rand.Rand, p []byte) {
	var d scion.Decoded
	if d.DecodeFromBytes(p) != nil {
		return
	}
	meta := binary.BigEndian.Uint32(p)
	binary.BigEndian.PutUint32(p, meta|uint32(r.Intn(64))<<18)
	off := scion.MetaLen
	for i := 0; i < d.NumINF; i++ {
		p[off] |= byte(r.Intn(64)) << 2
		p[off+1] = byte(r.Intn(256))
		off += path.InfoLen
	}
	for i := 0; i < d.NumHops; i++ {
		p[off] |= byte(r.Intn(64)) << 2
		off += path.HopLen
	}
}
