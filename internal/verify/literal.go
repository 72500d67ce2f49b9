package verify

import (
	"bytes"
	"encoding/binary"
	"regexp/syntax"
	"strings"
	"unicode/utf8"
)

// ahoCorasick finds which of a set of literals occur in a segment in one
// pass. Transitions are a dense DFA over byte classes (the bytes that occur
// in some literal, plus one class for every other byte), which keeps the
// table small for hundreds of literals.
type ahoCorasick struct {
	class  [256]uint8
	stride int
	delta  []int32   // state*stride + class -> next state
	out    [][]int32 // literal ids that end at a state, following fail links
}

func newAhoCorasick(lits []string) *ahoCorasick {
	ac := &ahoCorasick{}
	// Byte classes: 0 is "no literal has this byte".
	n := 1
	for _, l := range lits {
		for i := 0; i < len(l); i++ {
			if ac.class[l[i]] == 0 {
				ac.class[l[i]] = uint8(n)
				n++
			}
		}
	}
	// Literals never hold '\n', '\r', ESC or NUL, so at most 252 distinct
	// bytes occur and every class id fits a uint8.
	ac.stride = n
	// Build the trie.
	type node struct {
		next map[uint8]int32
		fail int32
		out  []int32
	}
	nodes := []node{{next: map[uint8]int32{}}}
	for id, l := range lits {
		s := int32(0)
		for i := 0; i < len(l); i++ {
			c := ac.class[l[i]]
			t, ok := nodes[s].next[c]
			if !ok {
				t = int32(len(nodes))
				nodes = append(nodes, node{next: map[uint8]int32{}})
				nodes[s].next[c] = t
			}
			s = t
		}
		nodes[s].out = append(nodes[s].out, int32(id))
	}
	ac.delta = make([]int32, len(nodes)*ac.stride)
	ac.out = make([][]int32, len(nodes))
	// Breadth-first: fail links and the full DFA.
	queue := make([]int32, 0, len(nodes))
	for c := 0; c < ac.stride; c++ {
		if t, ok := nodes[0].next[uint8(c)]; ok {
			ac.delta[c] = t
			nodes[t].fail = 0
			queue = append(queue, t)
		}
	}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		f := nodes[s].fail
		nodes[s].out = append(nodes[s].out, nodes[f].out...)
		for c := 0; c < ac.stride; c++ {
			if t, ok := nodes[s].next[uint8(c)]; ok {
				nodes[t].fail = ac.delta[int(f)*ac.stride+c]
				ac.delta[int(s)*ac.stride+c] = t
				queue = append(queue, t)
			} else {
				ac.delta[int(s)*ac.stride+c] = ac.delta[int(f)*ac.stride+c]
			}
		}
	}
	for i := range nodes {
		ac.out[i] = nodes[i].out
	}
	return ac
}

// scan appends to out the id of every literal ending in b (ids repeat
// when a literal occurs more than once).
func (ac *ahoCorasick) scan(b []byte, out []int32) []int32 {
	s := int32(0)
	for _, c := range b {
		s = ac.delta[int(s)*ac.stride+int(ac.class[c])]
		if o := ac.out[s]; o != nil {
			out = append(out, o...)
		}
	}
	return out
}

// requiredLiteral returns a literal that every match of the regular
// expression src must contain, or "" when there is none worth using, and
// whether every match starts at the beginning of the text with that
// literal (as in `^panic\b`). It is a prefilter: the regex still decides.
func requiredLiteral(src string) (lit string, anchored bool) {
	re, err := syntax.Parse(src, syntax.Perl)
	if err != nil {
		return "", false
	}
	re = re.Simplify()
	if p := anchoredPrefix(re); p != "" && usableLiteral(p) {
		return p, true
	}
	lit = required(re)
	if !usableLiteral(lit) {
		return "", false
	}
	return lit, false
}

func usableLiteral(lit string) bool {
	return lit != "" && !strings.ContainsAny(lit, "\n\r\x1b\x00") && utf8.ValidString(lit)
}

// anchoredPrefix returns the literal that follows a leading ^ or \A.
func anchoredPrefix(re *syntax.Regexp) string {
	for re.Op == syntax.OpCapture {
		re = re.Sub[0]
	}
	if re.Op != syntax.OpConcat || len(re.Sub) < 2 {
		return ""
	}
	if op := re.Sub[0].Op; op != syntax.OpBeginText && op != syntax.OpBeginLine {
		return ""
	}
	prefix := ""
	for _, sub := range re.Sub[1:] {
		if sub.Op != syntax.OpLiteral || sub.Flags&syntax.FoldCase != 0 {
			break
		}
		prefix += string(sub.Rune)
	}
	return prefix
}

func required(re *syntax.Regexp) string {
	switch re.Op {
	case syntax.OpLiteral:
		if re.Flags&syntax.FoldCase != 0 {
			return ""
		}
		return string(re.Rune)
	case syntax.OpCapture, syntax.OpPlus:
		return required(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return required(re.Sub[0])
		}
	case syntax.OpConcat:
		best := ""
		run := ""
		for _, sub := range re.Sub {
			if sub.Op == syntax.OpLiteral && sub.Flags&syntax.FoldCase == 0 {
				run += string(sub.Rune)
				if len(run) > len(best) {
					best = run
				}
				continue
			}
			run = ""
			if r := required(sub); len(r) > len(best) {
				best = r
			}
		}
		return best
	}
	return ""
}

// literalHits tracks, for one chunk, where the next occurrence of a few
// literals is, so that all lines of a chunk are checked with one scan per
// anchor byte instead of one search per line and literal.
//
// Each literal is found through an anchor: one of its bytes, chosen rare
// by a byte histogram sampled from the stream itself, and shared between
// literals where that is cheaper (a greedy weighted set cover). The chunk
// is scanned for the anchor byte with bytes.IndexByte and each hit is
// compared with the anchor's literals in place. bytes.Index would key on
// the first byte instead, and a first byte such as '[' occurs on most
// console lines.
type literalHits struct {
	lits    [][]byte // the literals this finds
	ids     []int32  // their literal ids
	anchors []anchor
	next    []int // per anchor: index in the chunk of the next hit; len(chunk) when none
	min     int   // smallest of next

	freq        [256]uint32
	sinceSample int
}

// anchor is a byte and the literals found through it.
type anchor struct {
	c      byte
	lits   []int32 // indexes into literalHits.lits
	offs   []int   // offset of c in each literal
	checks []int   // offset of another rare byte, compared before the rest
}

// sampleEvery is how many bytes pass between two histogram samples;
// sampleBytes is how many bytes one sample counts.
const (
	sampleEvery = 16 << 20
	sampleBytes = 16 << 10
)

func newLiteralHits(all [][]byte, ids []int32) literalHits {
	h := literalHits{ids: ids}
	for _, id := range ids {
		h.lits = append(h.lits, all[id])
	}
	h.sample(nil) // anchors exist before the first chunk; it samples again
	h.sinceSample = sampleEvery
	return h
}

func (h *literalHits) reset(p []byte, from int) {
	h.sinceSample += len(p) - from
	if h.sinceSample >= sampleEvery {
		h.sample(p[from:min(len(p), from+sampleBytes)])
	}
	h.min = len(p)
	for i := range h.anchors {
		h.next[i] = h.find(p, from, i)
		h.min = min(h.min, h.next[i])
	}
}

// sample updates the byte histogram (older samples weigh half) and picks
// the anchors: repeatedly the byte with the lowest frequency per literal
// it would newly cover.
func (h *literalHits) sample(b []byte) {
	h.sinceSample = 0
	for i := range h.freq {
		h.freq[i] /= 2
	}
	for _, c := range b {
		h.freq[c]++
	}
	h.anchors = h.anchors[:0]
	covered := make([]bool, len(h.lits))
	left := len(h.lits)
	for left > 0 {
		best, bestCost := -1, 0.0
		for c := range 256 {
			n := 0
			for i, l := range h.lits {
				if !covered[i] && bytes.IndexByte(l, byte(c)) >= 0 {
					n++
				}
			}
			if n == 0 {
				continue
			}
			cost := (float64(h.freq[c]) + 1) / float64(n)
			if best < 0 || cost < bestCost {
				best, bestCost = c, cost
			}
		}
		a := anchor{c: byte(best)}
		for i, l := range h.lits {
			if off := bytes.IndexByte(l, byte(best)); !covered[i] && off >= 0 {
				covered[i] = true
				left--
				check := off
				for j := range l {
					if j != off && (check == off || h.freq[l[j]] < h.freq[l[check]]) {
						check = j
					}
				}
				a.lits = append(a.lits, int32(i))
				a.offs = append(a.offs, off)
				a.checks = append(a.checks, check)
			}
		}
		h.anchors = append(h.anchors, a)
	}
	h.next = make([]int, len(h.anchors))
}

// find returns the index in p, at or after from, of the next place where
// one of anchor ai's literals occurs, or len(p). The index is that of the
// anchor byte, which lies inside the literal, so on the same line.
func (h *literalHits) find(p []byte, from, ai int) int {
	a := &h.anchors[ai]
	for from < len(p) {
		j := bytes.IndexByte(p[from:], a.c)
		if j < 0 {
			break
		}
		at := from + j
		for k, id := range a.lits {
			l := h.lits[id]
			st := at - a.offs[k]
			if st >= 0 && st+len(l) <= len(p) && p[st+a.checks[k]] == l[a.checks[k]] && string(p[st:st+len(l)]) == string(l) {
				return at
			}
		}
		from = at + 1
	}
	return len(p)
}

// advance moves every anchor whose next hit is before from to its next hit
// at or after from.
func (h *literalHits) advance(p []byte, from int) {
	if h.min >= from {
		return
	}
	h.min = len(p)
	for i := range h.anchors {
		if h.next[i] < from {
			h.next[i] = h.find(p, from, i)
		}
		h.min = min(h.min, h.next[i])
	}
}

// indexByteFrom returns the index of c in p at or after from, or len(p).
func indexByteFrom(p []byte, from int, c byte) int {
	if from >= len(p) {
		return len(p)
	}
	i := bytes.IndexByte(p[from:], c)
	if i < 0 {
		return len(p)
	}
	return from + i
}

// literalSet finds which of a set of literals occur in a segment. Each
// literal of at least w+s-1 bytes is indexed by s consecutive windows of w
// bytes, so probing every s-th position of a segment meets one of them
// wherever the literal occurs. A probe is one load and a multiply (no
// loop-carried dependency, unlike an automaton's state) checked against a
// bitset; only a hit looks the window up and compares. This costs the same
// on every line whatever the data, where an anchor byte costs a search per
// occurrence of the byte. Each literal's windows are the run that the
// fewest other literals share, so that "SELFTEST" in hundreds of
// "SELFTEST: ... ok" markers does not make every such line a candidate
// for all of them.
//
// Two tiers: eight-byte windows probed every fourth byte for literals of
// eleven bytes or more, four-byte windows probed every second byte for
// literals of five bytes or more. Shorter literals use an Aho-Corasick
// automaton. The verifier uses a set only for many literals; a handful is
// cheaper through anchor bytes (literalHits).
type literalSet struct {
	lits    [][]byte // all literals, indexed by literal id
	tiers   []*windowTier
	short   *ahoCorasick
	shortID []int32 // automaton literal id -> literal id
}

type windowTier struct {
	w, s    int
	minLen  int // w+s-1
	shift   uint
	bloom   []uint64 // sized to stay in L1: a probe that misses costs more than the whole rest
	windows map[uint64][]litWindow
}

type litWindow struct {
	id  int32
	off int // offset of the window in the literal
}

const (
	// windowMinLiteral is the shortest literal the eight-byte tier takes.
	windowMinLiteral = 8 + 4 - 1
	// shortWindowMin is the shortest literal the four-byte tier takes.
	shortWindowMin = 4 + 2 - 1
)

// key hashes a window into the tier's bitset.
func (t *windowTier) key(x uint64) uint64 {
	return (x * 0x9e3779b97f4a7c15) >> t.shift
}

// window loads the w-byte window at b[i:].
func window(b []byte, i, w int) uint64 {
	if w == 8 {
		return binary.LittleEndian.Uint64(b[i:])
	}
	return uint64(binary.LittleEndian.Uint32(b[i:]))
}

// newLiteralSet indexes the literals ids: those of at least
// windowMinLiteral bytes in the eight-byte tier, the rest of at least
// shortWindowMin bytes in the four-byte tier, shorter ones in an automaton.
func newLiteralSet(lits [][]byte, ids []int32) *literalSet {
	ls := &literalSet{lits: lits}
	var tier8, tier4 []int32
	var short []string
	for _, id := range ids {
		switch l := lits[id]; {
		case len(l) >= windowMinLiteral:
			tier8 = append(tier8, id)
		case len(l) >= shortWindowMin:
			tier4 = append(tier4, id)
		default:
			ls.shortID = append(ls.shortID, id)
			short = append(short, string(l))
		}
	}
	if len(tier8) > 0 {
		ls.tiers = append(ls.tiers, newWindowTier(lits, tier8, 8, 4))
	}
	if len(tier4) > 0 {
		ls.tiers = append(ls.tiers, newWindowTier(lits, tier4, 4, 2))
	}
	if len(short) > 0 {
		ls.short = newAhoCorasick(short)
	}
	return ls
}

func newWindowTier(lits [][]byte, ids []int32, w, s int) *windowTier {
	// 64 bits per window keeps false hits near 1.5%; at most 16 KiB.
	bits := uint(12)
	for 1<<bits < 64*s*len(ids) && bits < 17 {
		bits++
	}
	t := &windowTier{w: w, s: s, minLen: w + s - 1, shift: 64 - bits, bloom: make([]uint64, 1<<bits/64), windows: map[uint64][]litWindow{}}
	shared := map[uint64]int{} // window value -> how many literals hold it
	for _, id := range ids {
		l := lits[id]
		seen := map[uint64]bool{}
		for o := 0; o+w <= len(l); o++ {
			if x := window(l, o, w); !seen[x] {
				seen[x] = true
				shared[x]++
			}
		}
	}
	for _, id := range ids {
		l := lits[id]
		// The run of s windows whose most shared window is the least
		// shared; ties go to the later run (marker texts differ at the end).
		best, bestN := 0, -1
		for o := 0; o+t.minLen <= len(l); o++ {
			n := 0
			for k := range s {
				n = max(n, shared[window(l, o+k, w)])
			}
			if bestN < 0 || n <= bestN {
				best, bestN = o, n
			}
		}
		for k := range s {
			x := window(l, best+k, w)
			t.windows[x] = append(t.windows[x], litWindow{id: id, off: best + k})
			key := t.key(x)
			t.bloom[key/64] |= 1 << (key % 64)
		}
	}
	return t
}

// find appends to out the ids of the literals in s (ids may repeat).
func (ls *literalSet) find(s []byte, out []int32) []int32 {
	for _, t := range ls.tiers {
		if len(s) < t.minLen {
			continue
		}
		if t.w == 8 {
			out = t.find8(ls.lits, s, out)
		} else {
			out = t.find4(ls.lits, s, out)
		}
	}
	if ls.short != nil {
		n := len(out)
		out = ls.short.scan(s, out)
		for i := n; i < len(out); i++ {
			out[i] = ls.shortID[out[i]]
		}
	}
	return out
}

func (t *windowTier) find8(lits [][]byte, s []byte, out []int32) []int32 {
	bloom, shift := t.bloom, t.shift
	for i := 0; i+8 <= len(s); i += 4 {
		x := binary.LittleEndian.Uint64(s[i:])
		if key := (x * 0x9e3779b97f4a7c15) >> shift; bloom[key/64]&(1<<(key%64)) != 0 {
			out = t.check(lits, s, i, x, out)
		}
	}
	return out
}

func (t *windowTier) find4(lits [][]byte, s []byte, out []int32) []int32 {
	bloom, shift := t.bloom, t.shift
	for i := 0; i+4 <= len(s); i += 2 {
		x := uint64(binary.LittleEndian.Uint32(s[i:]))
		if key := (x * 0x9e3779b97f4a7c15) >> shift; bloom[key/64]&(1<<(key%64)) != 0 {
			out = t.check(lits, s, i, x, out)
		}
	}
	return out
}

// check compares the literals indexed by window x with s around i.
func (t *windowTier) check(lits [][]byte, s []byte, i int, x uint64, out []int32) []int32 {
	for _, w := range t.windows[x] {
		l := lits[w.id]
		st := i - w.off
		if st >= 0 && st+len(l) <= len(s) && string(s[st:st+len(l)]) == string(l) {
			out = append(out, w.id)
		}
	}
	return out
}
