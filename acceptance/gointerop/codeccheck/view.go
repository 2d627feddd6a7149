// SPDX-License-Identifier: Apache-2.0

// Go's view of packet bytes, in the keys and forms of snet-pkt's JSON.
package main

import (
	"encoding/binary"
	"math"
	"strconv"

	"github.com/gopacket/gopacket"
	"github.com/scionproto/scion/pkg/slayers"
	"github.com/scionproto/scion/pkg/slayers/path"
	"github.com/scionproto/scion/pkg/slayers/path/epic"
	"github.com/scionproto/scion/pkg/slayers/path/onehop"
	"github.com/scionproto/scion/pkg/slayers/path/scion"
)

type obj = map[string]any

// u64 is a 64-bit value as snet-pkt writes it: a JSON number up to 2^63-1, a decimal string
// above.
func u64(v uint64) any {
	if v <= math.MaxInt64 {
		return int64(v)
	}
	return strconv.FormatUint(v, 10)
}

func infoView(i path.InfoField) obj {
	return obj{"cons_dir": i.ConsDir, "peer": i.Peer, "seg_id": int64(i.SegID),
		"timestamp": int64(i.Timestamp)}
}

func hopView(h path.HopField) obj {
	return obj{"ingress_router_alert": h.IngressRouterAlert,
		"egress_router_alert": h.EgressRouterAlert, "exp_time": int64(h.ExpTime),
		"cons_ingress": int64(h.ConsIngress), "cons_egress": int64(h.ConsEgress),
		"mac": hx(h.Mac[:])}
}

func scionView(raw []byte) (obj, error) {
	var d scion.Decoded
	if err := d.DecodeFromBytes(raw); err != nil {
		return nil, err
	}
	infs, hops := []any{}, []any{}
	for _, i := range d.InfoFields {
		infs = append(infs, infoView(i))
	}
	for _, h := range d.HopFields {
		hops = append(hops, hopView(h))
	}
	m := d.PathMeta
	return obj{"curr_inf": int64(m.CurrINF), "curr_hf": int64(m.CurrHF),
		"seg_len": []any{int64(m.SegLen[0]), int64(m.SegLen[1]), int64(m.SegLen[2])},
		"info_fields": infs, "hop_fields": hops}, nil
}

func pathView(s *slayers.SCION) (obj, error) {
	switch p := s.Path.(type) {
	case *scion.Raw:
		return scionView(p.Raw)
	case *onehop.Path:
		return obj{"info_field": infoView(p.Info), "first_hop": hopView(p.FirstHop),
			"second_hop": hopView(p.SecondHop)}, nil
	case *epic.Path:
		inner, err := scionView(p.ScionPath.Raw)
		if err != nil {
			return nil, err
		}
		return obj{"timestamp": int64(p.PktID.Timestamp), "counter": int64(p.PktID.Counter),
			"phvf": hx(p.PHVF), "lhvf": hx(p.LHVF), "scion": inner}, nil
	default:
		return obj{}, nil
	}
}

func hostString(t slayers.AddrType, raw []byte) (string, error) {
	h, err := slayers.ParseAddr(t, raw)
	if err != nil {
		return "", err
	}
	return h.String(), nil
}

func optsView(kind string, next slayers.L4ProtocolType, extLen uint8, opts [][3]any) obj {
	list := []any{}
	for _, o := range opts {
		list = append(list, obj{"type": o[0], "data": o[1]})
	}
	return obj{"kind": kind, "next_hdr": int64(next), "ext_len": int64(extLen), "options": list}
}

func scmpView(m obj, s *slayers.SCMP, rest []byte) ([]byte, error) {
	m["type"] = int64(s.TypeCode.Type())
	m["code"] = int64(s.TypeCode.Code())
	m["checksum"] = int64(s.Checksum)
	m["checksum_ok"] = true
	nf := gopacket.NilDecodeFeedback
	switch s.TypeCode.Type() {
	case 1:
		var l slayers.SCMPDestinationUnreachable
		if err := l.DecodeFromBytes(rest, nf); err != nil {
			return nil, err
		}
		m["quote"] = hx(l.Payload)
		return l.Payload, nil
	case 2:
		var l slayers.SCMPPacketTooBig
		if err := l.DecodeFromBytes(rest, nf); err != nil {
			return nil, err
		}
		m["mtu"], m["quote"] = int64(l.MTU), hx(l.Payload)
		return l.Payload, nil
	case 4:
		var l slayers.SCMPParameterProblem
		if err := l.DecodeFromBytes(rest, nf); err != nil {
			return nil, err
		}
		m["pointer"], m["quote"] = int64(l.Pointer), hx(l.Payload)
		return l.Payload, nil
	case 5:
		var l slayers.SCMPExternalInterfaceDown
		if err := l.DecodeFromBytes(rest, nf); err != nil {
			return nil, err
		}
		m["ia"], m["interface"], m["quote"] = l.IA.String(), u64(l.IfID), hx(l.Payload)
		return l.Payload, nil
	case 6:
		var l slayers.SCMPInternalConnectivityDown
		if err := l.DecodeFromBytes(rest, nf); err != nil {
			return nil, err
		}
		m["ia"], m["ingress"], m["egress"] = l.IA.String(), u64(l.Ingress), u64(l.Egress)
		m["quote"] = hx(l.Payload)
		return l.Payload, nil
	case 128, 129:
		var l slayers.SCMPEcho
		if err := l.DecodeFromBytes(rest, nf); err != nil {
			return nil, err
		}
		m["identifier"], m["seq_number"] = int64(l.Identifier), int64(l.SeqNumber)
		return l.Payload, nil
	case 130, 131:
		var l slayers.SCMPTraceroute
		if err := l.DecodeFromBytes(rest, nf); err != nil {
			return nil, err
		}
		m["identifier"], m["sequence"] = int64(l.Identifier), int64(l.Sequence)
		m["ia"], m["interface"] = l.IA.String(), u64(l.Interface)
		return l.Payload, nil
	}
	return rest, nil
}

// extView decodes one extension header with slayers (its options as Go lists them, Pad1
// included) and returns the view, the next header and what follows.
func extView(next slayers.L4ProtocolType, rest []byte) (obj, slayers.L4ProtocolType, []byte,
	error) {
	nf := gopacket.NilDecodeFeedback
	var opts [][3]any
	if next == slayers.HopByHopClass {
		var e slayers.HopByHopExtn
		if err := e.DecodeFromBytes(rest, nf); err != nil {
			return nil, 0, nil, err
		}
		for _, o := range e.Options {
			opts = append(opts, [3]any{int64(o.OptType), hx(o.OptData)})
		}
		return optsView("hbh", e.NextHdr, e.ExtLen, opts), e.NextHdr, e.Payload, nil
	}
	var e slayers.EndToEndExtn
	if err := e.DecodeFromBytes(rest, nf); err != nil {
		return nil, 0, nil, err
	}
	for _, o := range e.Options {
		opts = append(opts, [3]any{int64(o.OptType), hx(o.OptData)})
	}
	return optsView("e2e", e.NextHdr, e.ExtLen, opts), e.NextHdr, e.Payload, nil
}

// goView decodes with slayers and answers in snet-pkt's JSON schema.
func goView(data []byte) (obj, error) {
	var s slayers.SCION
	if err := s.DecodeFromBytes(data, gopacket.NilDecodeFeedback); err != nil {
		return nil, err
	}
	dst, err := hostString(s.DstAddrType, s.RawDstAddr)
	if err != nil {
		return nil, err
	}
	src, err := hostString(s.SrcAddrType, s.RawSrcAddr)
	if err != nil {
		return nil, err
	}
	p, err := pathView(&s)
	if err != nil {
		return nil, err
	}
	v := obj{"version": int64(s.Version), "traffic_class": int64(s.TrafficClass),
		"flow_id": int64(s.FlowID), "next_hdr": int64(s.NextHdr), "hdr_len": int64(s.HdrLen),
		"payload_len": int64(s.PayloadLen), "path_type": int64(s.PathType),
		"dst_ia": s.DstIA.String(), "src_ia": s.SrcIA.String(), "dst_host": dst,
		"src_host": src, "path": p}
	// slayers carries an SVC host's bytes 2-3 in RawDstAddr/RawSrcAddr.
	if s.DstAddrType == slayers.T4Svc && (s.RawDstAddr[2] != 0 || s.RawDstAddr[3] != 0) {
		v["dst_svc_rsv"] = hx(s.RawDstAddr[2:4])
	}
	if s.SrcAddrType == slayers.T4Svc && (s.RawSrcAddr[2] != 0 || s.RawSrcAddr[3] != 0) {
		v["src_svc_rsv"] = hx(s.RawSrcAddr[2:4])
	}
	rest, next := s.Payload, s.NextHdr
	exts := []any{}
	for next == slayers.HopByHopClass || next == slayers.End2EndClass {
		var e obj
		var err error
		if e, next, rest, err = extView(next, rest); err != nil {
			return nil, err
		}
		exts = append(exts, e)
	}
	v["extensions"] = exts
	switch next {
	case slayers.L4UDP:
		var u slayers.UDP
		if err := u.DecodeFromBytes(rest, gopacket.NilDecodeFeedback); err != nil {
			return nil, err
		}
		v["udp"] = obj{"src_port": int64(u.SrcPort), "dst_port": int64(u.DstPort),
			"length": int64(u.Length), "checksum": int64(u.Checksum),
			"checksum_ok": checksumOK(&s, slayers.L4UDP, rest, 6)}
		v["payload"] = hx(u.Payload)
	case slayers.L4SCMP:
		var sc slayers.SCMP
		if err := sc.DecodeFromBytes(rest, gopacket.NilDecodeFeedback); err != nil {
			return nil, err
		}
		m := obj{}
		pl, err := scmpView(m, &sc, sc.Payload)
		if err != nil {
			return nil, err
		}
		m["checksum_ok"] = checksumOK(&s, slayers.L4SCMP, rest, 2)
		v["scmp"] = m
		v["payload"] = hx(pl)
	default:
		v["payload"] = hx(rest)
	}
	return v, nil
}

// checksumOK tells whether the L4 checksum as given is the one Go computes: the L4 bytes are
// serialized again by slayers as a payload behind a UDP/SCMP layer with checksums computed
// (csum at off zeroed first, so that only the checksum changes).
func checksumOK(s *slayers.SCION, proto slayers.L4ProtocolType, l4 []byte, off int) bool {
	if len(l4) < off+2 {
		return false
	}
	given := binary.BigEndian.Uint16(l4[off:])
	body := append([]byte(nil), l4...)
	body[off], body[off+1] = 0, 0
	var want uint16
	if proto == slayers.L4UDP {
		want = udpChecksum(s, body)
	} else {
		want = scmpChecksum(s, body)
	}
	return given == want
}

// udpChecksum is the checksum slayers computes for a UDP header and payload (body, its checksum
// field zeroed) under s's pseudo header; Length is kept as given.
func udpChecksum(s *slayers.SCION, body []byte) uint16 {
	u := &slayers.UDP{SrcPort: binary.BigEndian.Uint16(body), DstPort: binary.BigEndian.Uint16(body[2:]),
		Length: binary.BigEndian.Uint16(body[4:])}
	u.SetNetworkLayerForChecksum(s)
	buf := gopacket.NewSerializeBuffer()
	if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{ComputeChecksums: true}, u,
		gopacket.Payload(body[8:])); err != nil {
		return 0
	}
	return binary.BigEndian.Uint16(buf.Bytes()[6:])
}

// scmpChecksum: the same for an SCMP header (type, code) and everything after it.
func scmpChecksum(s *slayers.SCION, body []byte) uint16 {
	sc := &slayers.SCMP{TypeCode: slayers.CreateSCMPTypeCode(slayers.SCMPType(body[0]),
		slayers.SCMPCode(body[1]))}
	sc.SetNetworkLayerForChecksum(s)
	buf := gopacket.NewSerializeBuffer()
	if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{ComputeChecksums: true}, sc,
		gopacket.Payload(body[4:])); err != nil {
		return 0
	}
	return binary.BigEndian.Uint16(buf.Bytes()[2:])
}
