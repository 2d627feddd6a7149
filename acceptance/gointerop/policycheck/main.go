// SPDX-License-Identifier: Apache-2.0

// policycheck holds snet-policy to Go's pathpol: random path sets with random sequences,
// ACLs and policy documents (valid ones and broken ones), evaluated by both; each case must
// be rejected by both or select the same paths in the same order.
//
//	policycheck -snet-policy PATH [-n N] [-seed S]
//
// Prints "interop policy-sequence pathpol snet-policy PASS|FAIL" and the same for policy-acl
// and policy-json, with the first differences on stderr.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/scionproto/scion/pkg/addr"
	"github.com/scionproto/scion/pkg/segment/iface"
	"github.com/scionproto/scion/pkg/snet"
	snetpath "github.com/scionproto/scion/pkg/snet/path"
	"github.com/scionproto/scion/private/path/pathpol"
)

var (
	tool = flag.String("snet-policy", "", "snet-policy binary")
	n    = flag.Int("n", 3000, "cases per kind")
	seed = flag.Int64("seed", 0, "random seed (0: time)")
	rnd  *rand.Rand
)

// The universe paths are drawn from: a few IAs (hex and decimal ASes, two ISDs) and interface
// IDs, so that predicates match often.
var ias = []string{"1-ff00:0:110", "1-ff00:0:111", "1-ff00:0:112", "2-ff00:0:210", "1-110",
	"2-ff00:0:211"}
var ifids = []uint64{1, 2, 3, 41, 5}

type jsonIf struct {
	IA string `json:"isd_as"`
	ID uint64 `json:"id"`
}

type jsonPath struct {
	Src        string   `json:"src"`
	Dst        string   `json:"dst"`
	Interfaces []jsonIf `json:"interfaces"`
	MTU        uint16   `json:"mtu"`
	Expiry     int64    `json:"expiry"`
}

func pick[T any](v []T) T { return v[rnd.Intn(len(v))] }

// randomPaths: 0-8 paths, mostly well-formed (2 interfaces per link), sometimes empty (the
// own AS) or with an odd number of interfaces (which Go's sequence skips).
func randomPaths() ([]snet.Path, []jsonPath) {
	ps := []snet.Path{}
	js := []jsonPath{}
	for i := rnd.Intn(9); i > 0; i-- {
		hops := rnd.Intn(5) // ASes after the first
		src := pick(ias)
		ifs := []jsonIf{}
		cur := src
		for h := 0; h < hops; h++ {
			next := pick(ias)
			ifs = append(ifs, jsonIf{cur, pick(ifids)}, jsonIf{next, pick(ifids)})
			cur = next
		}
		if len(ifs) > 0 && rnd.Intn(20) == 0 {
			ifs = ifs[:len(ifs)-1]
		}
		dst := cur
		if len(ifs) == 0 {
			dst = src
		}
		jp := jsonPath{Src: src, Dst: dst, Interfaces: ifs, MTU: uint16(1280 + rnd.Intn(200)),
			Expiry: 2000000000 + int64(rnd.Intn(1000))}
		meta := snet.PathMetadata{MTU: jp.MTU, Expiry: time.Unix(jp.Expiry, 0)}
		for _, f := range ifs {
			meta.Interfaces = append(meta.Interfaces,
				snet.PathInterface{IA: addr.MustParseIA(f.IA), ID: iface.ID(f.ID)})
		}
		var dp snet.DataplanePath = snetpath.SCION{Raw: []byte{byte(len(ps))}}
		if len(ifs) == 0 {
			dp = snetpath.Empty{}
		}
		ps = append(ps, &snetpath.Path{Src: addr.MustParseIA(src), Dst: addr.MustParseIA(dst),
			DataplanePath: dp, Meta: meta})
		js = append(js, jp)
	}
	return ps, js
}

// randomHop: a hop of the sequence language, or now and then something that is not one.
func randomHop() string {
	isd := pick([]string{"0", "1", "2", "1", "3"})
	as := pick([]string{"", "-0", "-ff00:0:110", "-ff00:0:111", "-ff00:0:112", "-110",
		"-ff00:0:210", "-ff00:0:211", "-FF00:0:110"})
	if as == "" {
		return isd
	}
	return isd + as + pick([]string{"", "", "#0", "#1", "#41", "#1,2", "#0,1", "#2,0", "#0,0"})
}

func randomSeq(depth int) string {
	switch r := rnd.Intn(10); {
	case depth > 3 || r < 4:
		return randomHop()
	case r < 6:
		return randomSeq(depth+1) + pick([]string{"?", "+", "*"})
	case r < 7:
		return randomSeq(depth+1) + pick([]string{" | ", "|"}) + randomSeq(depth+1)
	case r < 9:
		return randomSeq(depth+1) + " " + randomSeq(depth+1)
	default:
		return "(" + randomSeq(depth+1) + ")"
	}
}

// mutate breaks a string now and then: a token dropped, doubled or replaced by garbage.
func mutate(s string) string {
	if rnd.Intn(5) != 0 {
		return s
	}
	junk := []string{"x", "-", "#", ",", "(", ")", "|", "01", "-00:0:1", "1-ff00:0", " ", "",
		"1-ff00:0:110#", "?", "0-0#1", "99999999999", "1-4294967296", "1-ff00:0:10000"}
	i := rnd.Intn(len(s) + 1)
	j := i + rnd.Intn(3)
	if j > len(s) {
		j = len(s)
	}
	return s[:i] + pick(junk) + s[j:]
}

func randomPred() string {
	return pick([]string{"0", "1", "2", "0-0", "1-0", "1-ff00:0:110", "1-ff00:0:110#1",
		"1-ff00:0:110#1,2", "1-ff00:0:111#41", "2-ff00:0:210#0,1", "1-110#2", "0-0#0",
		"1-ff00:0:112#0", "0-0#1", "1-#1", "x", "1-ff00:0:110#1,2,3", "1-ff00:0:110-1",
		"65536", "1-ff00:0:112#18446744073709551615"})
}

func randomACL() []string {
	var acl []string
	for i := rnd.Intn(4); i > 0; i-- {
		acl = append(acl, pick([]string{"+ ", "- "})+randomPred())
	}
	switch rnd.Intn(10) {
	case 0: // no default
	case 1:
		acl = append(acl, "+", "- 1")
	case 2:
		acl = append(acl, pick([]string{"+  0", "* 0", "+0"}))
	default:
		acl = append(acl, pick([]string{"+", "-", "+ 0", "- 0-0", "+ 0-0#0"}))
	}
	return acl
}

func key(k string) string {
	// encoding/json matches keys case-insensitively
	if rnd.Intn(6) == 0 {
		return strings.ToUpper(k)
	}
	return k
}

func randomPolicy(depth int, names []string) map[string]any {
	p := map[string]any{}
	if rnd.Intn(2) == 0 {
		p[key("acl")] = randomACL()
	}
	if rnd.Intn(3) == 0 {
		p[key("sequence")] = mutate(randomSeq(2))
	}
	if rnd.Intn(4) == 0 {
		l := []string{}
		for i := rnd.Intn(3); i > 0; i-- {
			l = append(l, pick(ias))
		}
		p[key("local_isd_ases")] = l
	}
	if rnd.Intn(4) == 0 {
		r := []map[string]any{}
		for i := rnd.Intn(3) + 1; i > 0; i-- {
			r = append(r, map[string]any{"isd_as": pick(append(ias, "0-0", "1-0", "2-0")),
				"reject": rnd.Intn(2) == 0})
		}
		p[key("remote_isd_ases")] = r
	}
	if depth < 2 && rnd.Intn(3) == 0 {
		o := []map[string]any{}
		for i := rnd.Intn(3) + 1; i > 0; i-- {
			o = append(o, map[string]any{"weight": rnd.Intn(3),
				"policy": randomPolicy(depth+1, nil)})
		}
		p[key("options")] = o
	}
	if len(names) > 0 && rnd.Intn(2) == 0 {
		e := []string{}
		for i := rnd.Intn(3) + 1; i > 0; i-- {
			e = append(e, pick(names))
		}
		p["extends"] = e
	}
	if rnd.Intn(15) == 0 {
		p["unknown_key"] = 1
	}
	if rnd.Intn(25) == 0 {
		p[key("acl")] = "not an array"
	}
	return p
}

// goEval: what Go's pathpol selects (indices), or an error.
func goEval(kind string, c map[string]any, ps []snet.Path) (sel []int, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	var out []snet.Path
	switch kind {
	case "policy-sequence":
		s, e := pathpol.NewSequence(c["sequence"].(string))
		if e != nil {
			return nil, e
		}
		out = s.Eval(ps)
	default:
		var ext pathpol.ExtPolicy
		var list []*pathpol.ExtPolicy
		b, _ := json.Marshal(c["policy"])
		if c["policies"] != nil {
			var m pathpol.PolicyMap
			b, _ = json.Marshal(c["policies"])
			if e := json.Unmarshal(b, &m); e != nil {
				return nil, e
			}
			for name, p := range m {
				if p.Policy == nil {
					p.Policy = &pathpol.Policy{}
				}
				p.Policy.Name = name
				list = append(list, p)
			}
			ext = *m[c["name"].(string)]
		} else if e := json.Unmarshal(b, &ext); e != nil {
			return nil, e
		}
		p, e := pathpol.PolicyFromExtPolicy(&ext, list)
		if e != nil {
			return nil, e
		}
		out = p.Filter(ps)
	}
	for _, o := range out {
		for i, p := range ps {
			if o == p {
				sel = append(sel, i)
			}
		}
	}
	return sel, nil
}

type result struct {
	Selected []int  `json:"selected"`
	Error    string `json:"error"`
}

func runKind(kind string) {
	cases := []map[string]any{}
	var sets [][]snet.Path
	var in bytes.Buffer
	for i := 0; i < *n; i++ {
		ps, js := randomPaths()
		c := map[string]any{"paths": js}
		switch kind {
		case "policy-sequence":
			c["sequence"] = mutate(randomSeq(0))
		case "policy-acl":
			c["policy"] = map[string]any{"acl": randomACL()}
		default:
			if rnd.Intn(2) == 0 {
				c["policy"] = randomPolicy(0, nil)
			} else {
				// Named policies extend earlier ones only: Go recurses forever on a cycle.
				m := map[string]any{}
				var names []string
				for k := rnd.Intn(4) + 1; k > 0; k-- {
					name := fmt.Sprintf("p%d", len(names))
					m[name] = randomPolicy(0, names)
					names = append(names, name)
				}
				c["policies"] = m
				c["name"] = names[len(names)-1]
			}
		}
		b, _ := json.Marshal(c)
		in.Write(b)
		in.WriteByte('\n')
		cases = append(cases, c)
		sets = append(sets, ps)
	}
	cmd := exec.Command(*tool)
	cmd.Stdin = &in
	cmd.Stderr = os.Stderr
	outb, err := cmd.Output()
	verdict := "PASS"
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: snet-policy: %v\n", kind, err)
		verdict = "FAIL"
	}
	sc := bufio.NewScanner(bytes.NewReader(outb))
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	shown, rejected, panics, i := 0, 0, 0, 0
	for ; sc.Scan() && i < len(cases); i++ {
		var r result
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			verdict = "FAIL"
			break
		}
		want, gerr := goEval(kind, cases[i], sets[i])
		if gerr != nil && strings.HasPrefix(gerr.Error(), "panic:") {
			panics++ // Go cannot evaluate it: nothing to compare
			if os.Getenv("POLICYCHECK_PANICS") != "" && panics < 3 {
				b, _ := json.Marshal(cases[i])
				fmt.Fprintf(os.Stderr, "%s: Go %v on %s\n", kind, gerr, b)
			}
			continue
		}
		ok := (gerr != nil) == (r.Error != "")
		if ok && gerr == nil {
			ok = fmt.Sprint(want) == fmt.Sprint(r.Selected) ||
				(len(want) == 0 && len(r.Selected) == 0)
		}
		if gerr != nil {
			rejected++
		}
		if !ok {
			verdict = "FAIL"
			if shown++; shown <= 5 {
				b, _ := json.Marshal(cases[i])
				fmt.Fprintf(os.Stderr, "%s: case %s\n  go: %v %v\n  c:  %v %q\n", kind, b, want,
					gerr, r.Selected, r.Error)
			}
		}
	}
	if i != len(cases) {
		verdict = "FAIL"
		fmt.Fprintf(os.Stderr, "%s: %d answers for %d cases\n", kind, i, len(cases))
	}
	fmt.Fprintf(os.Stderr, "%s: %d cases, %d rejected by both, %d that Go cannot evaluate (panic), %d differ\n",
		kind, len(cases), rejected, panics, shown)
	fmt.Printf("interop %s pathpol snet-policy %s\n", kind, verdict)
}

func main() {
	flag.Parse()
	s := *seed
	if s == 0 {
		s = time.Now().UnixNano()
	}
	fmt.Fprintf(os.Stderr, "policycheck: seed %d\n", s)
	rnd = rand.New(rand.NewSource(s))
	for _, k := range []string{"policy-sequence", "policy-acl", "policy-json"} {
		runKind(k)
	}
}
