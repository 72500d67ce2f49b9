package verify

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"math/bits"
	"regexp/syntax"
	"slices"
	"strings"
	"unicode/utf8"
	"unsafe"
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
	h.resample(p, from)
	h.min = len(p)
	for i := range h.anchors {
		h.next[i] = h.find(p, from, i)
		h.min = min(h.min, h.next[i])
	}
}

// resample counts the bytes of p from from and samples them when
// sampleEvery bytes have passed since the last sample.
func (h *literalHits) resample(p []byte, from int) {
	h.sinceSample += len(p) - from
	if h.sinceSample >= sampleEvery {
		h.sample(p[from:min(len(p), from+sampleBytes)])
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
	// The anchor byte's places, a block at a time (see byteMasks): most
	// are not a literal, and one search each cost a call apiece.
	var masks [findBlock / 64]uint64
	for from+64 <= len(p) {
		n := min((len(p)-from)/64, len(masks))
		byteMasks(p[from:from+64*n], a.c, masks[:n])
		for wi, m := range masks[:n] {
			for ; m != 0; m &= m - 1 {
				if at := from + 64*wi + bits.TrailingZeros64(m); h.literalAt(a, p, at) {
					return at
				}
			}
		}
		from += 64 * n
	}
	for from < len(p) {
		j := bytes.IndexByte(p[from:], a.c)
		if j < 0 {
			break
		}
		if at := from + j; h.literalAt(a, p, at) {
			return at
		}
		from += j + 1
	}
	return len(p)
}

// findBlock is how many bytes find marks at once: its masks stay on the
// stack.
const findBlock = 4096

// literalAt reports whether one of anchor a's literals occurs in p with
// its anchor byte at p[at].
func (h *literalHits) literalAt(a *anchor, p []byte, at int) bool {
	for k, id := range a.lits {
		l := h.lits[id]
		st := at - a.offs[k]
		if st >= 0 && st+len(l) <= len(p) && p[st+a.checks[k]] == l[a.checks[k]] && string(p[st:st+len(l)]) == string(l) {
			return true
		}
	}
	return false
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
// for all of them, and, once a piece of the stream has been seen (adapt),
// the run least found in it.
//
// Two tiers: eight-byte windows for literals of eleven bytes or more,
// probed every eighth byte, or seven-byte windows probed every fifth when
// one of them is shorter than fifteen; four-byte windows probed every
// second byte for literals of five to ten. Shorter
// literals use an Aho-Corasick automaton. The verifier uses a set only for
// many literals; a handful is cheaper through anchor bytes (literalHits).
type literalSet struct {
	lits [][]byte // all literals, indexed by literal id
	// tiers are built from specs on first use (built) or from a sample
	// of the stream (adapt): a long log is only ever probed with the
	// adapted windows, so building both would be start-up spent twice.
	specs   []tierSpec
	tiers   []*windowTier
	short   *ahoCorasick
	shortID []int32 // automaton literal id -> literal id
}

// literalScratch is the per-caller scratch of positions.
type literalScratch struct {
	cand []int
}

// tierSpec is what a window tier indexes: literals, window width and
// stride.
type tierSpec struct {
	ids  []int32
	w, s int
}

type windowTier struct {
	w, s   int
	minLen int     // w+s-1
	ids    []int32 // the literals it finds
	// bloom holds two bits per window, both from one multiply: 16 KiB,
	// which stays in L1 (a probe that misses costs more than the whole
	// rest), and two bits keep false hits rare. Its size is a constant so
	// that probing needs no bounds check.
	bloom *[bloomWords]uint64
	// The windows: an open-addressing table of distinct window values
	// (tab holds index+1 into vals, 0 for empty), and for each value the
	// literals that use it, wins[first[d]:first[d+1]].
	tab      []uint32
	tabShift uint
	vals     []uint64
	first    []int32
	wins     []litWindow
}

type litWindow struct {
	id  int32
	off int // offset of the window in the literal
}

const (
	// longWindowMin is the shortest literal the eight-byte tier finds
	// probing every eighth byte.
	longWindowMin = 8 + 8 - 1
	// windowMinLiteral is the shortest literal the long tier takes: with
	// seven-byte windows probed every fifth byte.
	windowMinLiteral = 7 + 5 - 1
	// shortWindowMin is the shortest literal the stride-2 four-byte tier
	// takes.
	shortWindowMin = 4 + 2 - 1
)

// Multipliers of the tier's hashes.
const (
	bloomMul = 0x9e3779b97f4a7c15
	tabMul   = 0xc2b2ae3d27d4eb4f
)

// The bloom filter: 2^bloomBitsLog bits.
const (
	bloomBitsLog = 17
	bloomWords   = 1 << bloomBitsLog / 64
)

// bloomKeys are the two bits of window x.
func bloomKeys(x uint64) (uint64, uint64) {
	h := x * bloomMul
	return h >> (64 - bloomBitsLog), (h >> (64 - 2*bloomBitsLog)) & (1<<bloomBitsLog - 1)
}

// hit reports whether the bloom filter holds window x: both bits set.
func (t *windowTier) hit(x uint64) bool {
	k1, k2 := bloomKeys(x)
	return t.bloom[k1>>6]&(1<<(k1&63)) != 0 && t.bloom[k2>>6]&(1<<(k2&63)) != 0
}

// lookup returns the literals indexed by window x.
func (t *windowTier) lookup(x uint64) []litWindow {
	mask := uint64(len(t.tab) - 1)
	for h := (x * tabMul) >> t.tabShift; ; h = (h + 1) & mask {
		e := t.tab[h]
		if e == 0 {
			return nil
		}
		if t.vals[e-1] == x {
			return t.wins[t.first[e-1]:t.first[e]]
		}
	}
}

// window loads the w-byte window at b[i:].
func window(b []byte, i, w int) uint64 {
	switch w {
	case 8:
		return binary.LittleEndian.Uint64(b[i:])
	case 7:
		return uint64(binary.LittleEndian.Uint32(b[i:])) | uint64(binary.LittleEndian.Uint16(b[i+4:]))<<32 | uint64(b[i+6])<<48
	}
	return uint64(binary.LittleEndian.Uint32(b[i:]))
}

// windowMask keeps the low w bytes of an eight-byte load.
func windowMask(w int) uint64 {
	if w >= 8 {
		return ^uint64(0)
	}
	return 1<<(8*w) - 1
}

// adapt returns the set with its windows chosen again, avoiding those that
// occur in sample, a piece of the stream: it finds the same literals with
// fewer false candidates. ls is not changed (workers may be reading it).
func (ls *literalSet) adapt(sample []byte) *literalSet {
	c := *ls
	c.tiers = c.buildTiers(sample)
	return &c
}

// built builds the tiers with windows chosen from the literals alone, if
// adapt has not: call it before the set is probed.
func (ls *literalSet) built() {
	if ls.tiers == nil {
		ls.tiers = ls.buildTiers(nil)
	}
}

func (ls *literalSet) buildTiers(sample []byte) []*windowTier {
	tiers := make([]*windowTier, len(ls.specs))
	for i, sp := range ls.specs {
		tiers[i] = newWindowTier(ls.lits, sp.ids, sp.w, sp.s, sample)
	}
	return tiers
}

// newLiteralSet indexes the literals ids in the tiers above.
func newLiteralSet(lits [][]byte, ids []int32) *literalSet {
	ls := &literalSet{lits: lits}
	var long, tier4 []int32
	var short []string
	stride := 8
	for _, id := range ids {
		switch l := lits[id]; {
		case len(l) >= windowMinLiteral:
			long = append(long, id)
			if len(l) < longWindowMin {
				stride = 4
			}
		case len(l) >= shortWindowMin:
			tier4 = append(tier4, id)
		default:
			ls.shortID = append(ls.shortID, id)
			short = append(short, string(l))
		}
	}
	// One long tier for every literal of eleven bytes or more: eight-byte
	// windows, or seven-byte ones probed every fifth byte when a literal
	// is shorter than fifteen. (Measured on the upstream manifest: eight-
	// byte windows every fourth byte probe more; six-byte windows every
	// sixth byte make three times the false candidates, "init: " and
	// "resolv" being in the console's own lines. Four-byte windows every
	// eighth byte cost as many probes, and a four-byte window such as
	// "d: r" of "vfsd: ready" occurs on every line of a service whose name
	// ends in d.)
	if len(long) > 0 {
		w := 8
		if stride < 8 {
			w, stride = 7, 5
		}
		ls.specs = append(ls.specs, tierSpec{long, w, stride})
	}
	if len(tier4) > 0 {
		ls.specs = append(ls.specs, tierSpec{tier4, 4, 2})
	}
	if len(short) > 0 {
		ls.short = newAhoCorasick(short)
	}
	return ls
}

func newWindowTier(lits [][]byte, ids []int32, w, s int, sample []byte) *windowTier {
	t := &windowTier{w: w, s: s, minLen: w + s - 1, ids: ids, bloom: new([bloomWords]uint64)}
	// How many literals hold each window value: an open-addressing table
	// of the distinct windows (index holds j+1 for vals[j]), each counted
	// once per literal (lastLit). Building the set is part of every
	// command's start-up, and a long log's first chunk waits for it: a
	// map, or sorting the 16,000 windows of the upstream manifest, cost
	// several times more.
	total := 0
	for _, id := range ids {
		total += max(len(lits[id])-w+1, 0)
	}
	ib := uint(4)
	for 1<<ib < 2*total {
		ib++
	}
	index, imask := make([]int32, 1<<ib), uint64(1)<<ib-1
	vals := make([]uint64, 0, total)
	nums := make([]int, 0, total)
	lastLit := make([]int32, 0, total)
	// slot is where x is in index, or the empty slot it would take.
	slot := func(x uint64) uint64 {
		h := (x * tabMul) >> (64 - ib)
		for index[h] != 0 && vals[index[h]-1] != x {
			h = (h + 1) & imask
		}
		return h
	}
	find := func(x uint64) int { return int(index[slot(x)]) - 1 }
	for li, id := range ids {
		l := lits[id]
		for o := 0; o+w <= len(l); o++ {
			x := window(l, o, w)
			h := slot(x)
			j := int(index[h]) - 1
			if j < 0 {
				vals, nums, lastLit = append(vals, x), append(nums, 0), append(lastLit, -1)
				j = len(vals) - 1
				index[h] = int32(len(vals))
			}
			if lastLit[j] != int32(li) {
				lastLit[j] = int32(li)
				nums[j]++
			}
		}
	}
	// A window that occurs in the sample of the stream makes a false
	// candidate wherever it occurs: a console's own lines share words
	// with its markers ("init: ", "ready"). Each occurrence weighs as
	// much as four literals sharing the window.
	for i := 0; i+w <= len(sample); i++ {
		if j := find(window(sample, i, w)); j >= 0 {
			nums[j] += 4
		}
	}
	type valueWindow struct {
		x   uint64
		seq int32 // order of picking: literal order, then window order
		w   litWindow
	}
	picked := make([]valueWindow, 0, len(ids)*s)
	var counts []int
	for _, id := range ids {
		l := lits[id]
		counts = counts[:0]
		for o := 0; o+w <= len(l); o++ {
			counts = append(counts, nums[find(window(l, o, w))])
		}
		// The run of s windows whose most shared window is the least
		// shared; ties go to the later run (marker texts differ at the end).
		best, bestN := 0, -1
		for o := 0; o+t.minLen <= len(l); o++ {
			if n := slices.Max(counts[o : o+s]); bestN < 0 || n <= bestN {
				best, bestN = o, n
			}
		}
		for k := range s {
			x := window(l, best+k, w)
			picked = append(picked, valueWindow{x, int32(len(picked)), litWindow{id: id, off: best + k}})
			k1, k2 := bloomKeys(x)
			t.bloom[k1>>6] |= 1 << (k1 & 63)
			t.bloom[k2>>6] |= 1 << (k2 & 63)
		}
	}
	// Group by value, each value's windows in picking order.
	slices.SortFunc(picked, func(a, b valueWindow) int {
		return cmp.Or(cmp.Compare(a.x, b.x), cmp.Compare(a.seq, b.seq))
	})
	distinct := 0
	for i := range picked {
		if i == 0 || picked[i].x != picked[i-1].x {
			distinct++
		}
	}
	tb := uint(4)
	for 1<<tb < 2*distinct {
		tb++
	}
	t.tab, t.tabShift = make([]uint32, 1<<tb), 64-tb
	t.vals = make([]uint64, 0, distinct)
	t.first = make([]int32, 0, distinct+1)
	t.wins = make([]litWindow, 0, len(picked))
	mask := uint64(len(t.tab) - 1)
	for i, pw := range picked {
		if i == 0 || pw.x != picked[i-1].x {
			t.vals = append(t.vals, pw.x)
			t.first = append(t.first, int32(len(t.wins)))
			h := (pw.x * tabMul) >> t.tabShift
			for t.tab[h] != 0 {
				h = (h + 1) & mask
			}
			t.tab[h] = uint32(len(t.vals))
		}
		t.wins = append(t.wins, pw.w)
	}
	t.first = append(t.first, int32(len(t.wins)))
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
		} else if t.w == 7 {
			out = t.find7(ls.lits, s, out)
		} else {
			out = t.find4(ls.lits, s, out, t.s)
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
	for i := 0; i+8 <= len(s); i += t.s {
		if x := binary.LittleEndian.Uint64(s[i:]); t.hit(x) {
			out = t.check(lits, s, i, x, out)
		}
	}
	return out
}

func (t *windowTier) find7(lits [][]byte, s []byte, out []int32) []int32 {
	for i := 0; i+7 <= len(s); i += t.s {
		if x := window(s, i, 7); t.hit(x) {
			out = t.check(lits, s, i, x, out)
		}
	}
	return out
}

func (t *windowTier) find4(lits [][]byte, s []byte, out []int32, stride int) []int32 {
	for i := 0; i+4 <= len(s); i += stride {
		if x := uint64(binary.LittleEndian.Uint32(s[i:])); t.hit(x) {
			out = t.check(lits, s, i, x, out)
		}
	}
	return out
}

// check compares the literals indexed by window x with s around i.
func (t *windowTier) check(lits [][]byte, s []byte, i int, x uint64, out []int32) []int32 {
	for _, w := range t.lookup(x) {
		l := lits[w.id]
		st := i - w.off
		if st >= 0 && st+len(l) <= len(s) && string(s[st:st+len(l)]) == string(l) {
			out = append(out, w.id)
		}
	}
	return out
}

// probe8 collects the positions a+stride*k of p whose window (the eight
// bytes there under mask) has both bloom bits set: the hot loop of
// positions, kept free of calls. Positions too close to the end for an
// eight-byte load are the caller's.
// It stores into cand's spare capacity (append in the loop measured 13%
// slower: the slice header does not stay in registers).
func probe8(p []byte, a, stride int, mask uint64, lb *[bloomWords]uint64, cand []int) []int {
	n := len(cand)
	buf := cand[:cap(cand)]
	if len(p) < 8 {
		return cand
	}
	_ = lb[0] // one nil check, not one per probe
	// The loads go through a pointer: i <= last keeps each inside p, and
	// the bounds checks the compiler cannot drop cost a quarter of a probe.
	base := unsafe.Pointer(unsafe.SliceData(p))
	last := len(p) - 8
	for i := max(a, 0); i <= last; i += stride {
		h := binary.LittleEndian.Uint64((*[8]byte)(unsafe.Add(base, i))[:]) & mask * bloomMul
		if k := h >> (64 - bloomBitsLog); lb[k>>6]&(1<<(k&63)) == 0 {
			continue
		}
		if k := (h >> (64 - 2*bloomBitsLog)) & (1<<bloomBitsLog - 1); lb[k>>6]&(1<<(k&63)) != 0 {
			buf, n = pushCandidate(buf, n, i)
		}
	}
	return buf[:n]
}

// pushCandidate stores i at buf[n], growing buf: out of probe8's loop, so
// that the loop keeps its values in registers.
//
//go:noinline
func pushCandidate(buf []int, n, i int) ([]int, int) {
	if n == len(buf) {
		buf = append(buf, 0)
		buf = buf[:cap(buf)]
	}
	buf[n] = i
	return buf, n + 1
}

// verifyAt checks window x at p[i:] against the bloom filter, then the
// literals indexed by it, compared in place.
func (ls *literalSet) verifyAt(t *windowTier, p []byte, a, i int, x uint64, out []int) []int {
	if !t.hit(x) {
		return out
	}
	for _, w := range t.lookup(x) {
		l := ls.lits[w.id]
		st := i - w.off
		if st >= a && st+len(l) <= len(p) && string(p[st:st+len(l)]) == string(l) {
			out = append(out, st)
		}
	}
	return out
}

// positions appends to out the start of every literal occurrence in
// p[a:b], a range of complete lines (unsorted; literals hold no '\n', so
// none crosses a line). It probes the whole range in one loop per tier:
// a worker sifting lines asks it once per range, not once per line.
func (ls *literalSet) positions(p []byte, a, b int, sc *literalScratch, out []int) []int {
	p = p[:b]
	tiers := ls.tiers
	if len(tiers) > 0 && tiers[0].w >= 7 {
		// The long tier: the loop only collects the positions whose bloom
		// bits are set, verifyAt does the rest.
		long := tiers[0]
		tiers = tiers[1:]
		sc.cand = probe8(p, a, long.s, windowMask(long.w), long.bloom, sc.cand[:0])
		for _, i := range sc.cand {
			out = ls.verifyAt(long, p, a, i, window(p, i, long.w), out)
		}
		if long.w < 8 {
			// The last positions, whose eight-byte load would pass the end.
			i := max(a, 0)
			if i+8 <= len(p) {
				i += ((len(p)-8-i)/long.s + 1) * long.s
			}
			for ; i+long.w <= len(p); i += long.s {
				out = ls.verifyAt(long, p, a, i, window(p, i, long.w), out)
			}
		}
	}
	for _, t := range tiers {
		bloom := t.bloom
		for i := a; i+4 <= len(p); i += t.s {
			h := uint64(binary.LittleEndian.Uint32(p[i:])) * bloomMul
			if k := h >> (64 - bloomBitsLog); bloom[k>>6]&(1<<(k&63)) == 0 {
				continue
			}
			out = ls.verifyAt(t, p, a, i, uint64(binary.LittleEndian.Uint32(p[i:])), out)
		}
	}
	if ls.short != nil {
		var ids []int32
		s := int32(0)
		ac := ls.short
		for i := a; i < b; i++ {
			s = ac.delta[int(s)*ac.stride+int(ac.class[p[i]])]
			if o := ac.out[s]; o != nil {
				ids = append(ids[:0], o...)
				for _, id := range ids {
					out = append(out, i+1-len(ls.lits[ls.shortID[id]]))
				}
			}
		}
	}
	return out
}
