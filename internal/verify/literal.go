package verify

import (
	"bytes"
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
	lits    [][]byte
	anchors []anchor
	next    []int // per anchor: index in the chunk of the next hit; len(chunk) when none
	min     int   // smallest of next

	freq        [256]uint32
	sinceSample int
}

// anchor is a byte and the literals found through it.
type anchor struct {
	c    byte
	lits []int32 // literal ids
	offs []int   // offset of c in each literal
}

// sampleEvery is how many bytes pass between two histogram samples;
// sampleBytes is how many bytes one sample counts.
const (
	sampleEvery = 16 << 20
	sampleBytes = 16 << 10
)

func newLiteralHits(lits [][]byte) literalHits {
	return literalHits{lits: lits, sinceSample: sampleEvery}
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
				a.lits = append(a.lits, int32(i))
				a.offs = append(a.offs, off)
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
			if st >= 0 && st+len(l) <= len(p) && string(p[st:st+len(l)]) == string(l) {
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

// indexFrom returns the index of sep in p at or after from, or len(p).
func indexFrom(p []byte, from int, sep []byte) int {
	if from >= len(p) {
		return len(p)
	}
	i := bytes.Index(p[from:], sep)
	if i < 0 {
		return len(p)
	}
	return from + i
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
