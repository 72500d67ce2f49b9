package verify

import (
	"regexp"
	"regexp/syntax"
	"strconv"
	"strings"
	"unicode/utf8"
)

// anchoredMatcher finds the end of the leftmost-first match of a regular
// expression anchored at the start of a segment, the way regexp does, but
// with a lazily built DFA: regexp takes about a microsecond per line for
// a typical log prefix, which alone would cap throughput near 100 MB/s.
//
// A DFA state is the ordered list of NFA threads (program counters) a
// Pike VM would hold, cut after the first thread that reached Match, since
// lower-priority threads can only yield lower-priority matches. The match
// end is the last position at which a state held Match. Transitions on
// ASCII bytes are cached; other runes are stepped without the cache.
// Programs with empty-width assertions other than ^ at the start fall back
// to regexp.
type anchoredMatcher struct {
	re       *regexp.Regexp // fallback, anchored
	prog     *syntax.Prog
	states   []dfaState
	index    map[string]int32
	trans    []int32 // state*128 + ASCII byte -> next<<1 | holds Match; -1 unknown
	start    int32
	first    [256]bool // a match can go past the first byte
	fallback bool
	buf      []uint32 // scratch for building a state
	seen     []uint32 // scratch: pc -> generation
	gen      uint32
}

type dfaState struct {
	pcs   []uint32 // consuming threads in priority order, Match last if any
	match bool
}

// maxDFAStates bounds the cache; past it the matcher uses regexp.
const maxDFAStates = 2048

const deadState = 0

func newAnchoredMatcher(src string) (*anchoredMatcher, error) {
	anchored := `^(?:` + src + `)`
	re, err := regexp.Compile(anchored)
	if err != nil {
		return nil, err
	}
	m := &anchoredMatcher{re: re}
	parsed, err := syntax.Parse(anchored, syntax.Perl)
	if err != nil {
		m.fallback = true
		return m, nil
	}
	prog, err := syntax.Compile(parsed.Simplify())
	if err != nil {
		m.fallback = true
		return m, nil
	}
	for _, in := range prog.Inst {
		if in.Op == syntax.InstEmptyWidth && syntax.EmptyOp(in.Arg)&^(syntax.EmptyBeginText|syntax.EmptyBeginLine) != 0 {
			m.fallback = true // $, \b and friends need context the DFA does not track
			return m, nil
		}
	}
	m.prog = prog
	m.index = map[string]int32{}
	m.seen = make([]uint32, len(prog.Inst))
	m.addState(nil) // state 0: dead
	m.start = m.closure([]uint32{uint32(prog.Start)}, true)
	// Which first bytes can start a match: most lines are rejected by one
	// table lookup, without a call.
	for c := range utf8.RuneSelf {
		if m.step(m.start, rune(c)) != deadState {
			m.first[c] = true
		}
		if m.fallback {
			return m, nil
		}
	}
	for c := utf8.RuneSelf; c < 256; c++ {
		m.first[c] = true
	}
	return m, nil
}

// mayMatch reports whether a segment starting with c can hold a match
// that ends after the start: false means end returns 0 or -1.
func (m *anchoredMatcher) mayMatch(c byte) bool {
	return m.fallback || m.first[c]
}

// end returns the end of the anchored match in s, or -1 when none.
func (m *anchoredMatcher) end(s []byte) int {
	if m.fallback {
		if loc := m.re.FindIndex(s); loc != nil {
			return loc[1]
		}
		return -1
	}
	st := m.start
	last := -1
	if m.states[st].match {
		last = 0
	}
	trans := m.trans
	for i := 0; i < len(s); {
		c := s[i]
		var t int32 // next state << 1 | 1 when it holds Match
		if c < utf8.RuneSelf {
			t = trans[int(st)<<7|int(c)]
			if t < 0 {
				next := m.step(st, rune(c))
				if m.fallback {
					return m.end(s)
				}
				t = next << 1
				if m.states[next].match {
					t |= 1
				}
				m.trans[int(st)<<7|int(c)] = t
				trans = m.trans
			}
			i++
		} else {
			r, w := utf8.DecodeRune(s[i:])
			next := m.step(st, r)
			if m.fallback {
				return m.end(s)
			}
			t = next << 1
			if m.states[next].match {
				t |= 1
			}
			trans = m.trans // step may have added states
			i += w
		}
		st = t >> 1
		if st == deadState {
			break
		}
		if t&1 != 0 {
			last = i
		}
	}
	return last
}

// step computes the state after consuming r in state st.
func (m *anchoredMatcher) step(st int32, r rune) int32 {
	var next []uint32
	for _, pc := range m.states[st].pcs {
		in := &m.prog.Inst[pc]
		ok := false
		switch in.Op {
		case syntax.InstRune, syntax.InstRune1:
			ok = in.MatchRune(r)
		case syntax.InstRuneAny:
			ok = true
		case syntax.InstRuneAnyNotNL:
			ok = r != '\n'
		}
		if ok {
			next = append(next, in.Out)
		}
	}
	return m.closure(next, false)
}

// closure follows non-consuming instructions from pcs in priority order
// and interns the resulting state.
func (m *anchoredMatcher) closure(pcs []uint32, atStart bool) int32 {
	m.gen++
	m.buf = m.buf[:0]
	matched := false
	var visit func(pc uint32)
	visit = func(pc uint32) {
		if matched || m.seen[pc] == m.gen {
			return
		}
		m.seen[pc] = m.gen
		in := &m.prog.Inst[pc]
		switch in.Op {
		case syntax.InstAlt, syntax.InstAltMatch:
			visit(in.Out)
			visit(in.Arg)
		case syntax.InstNop, syntax.InstCapture:
			visit(in.Out)
		case syntax.InstEmptyWidth:
			if atStart {
				visit(in.Out)
			}
		case syntax.InstMatch:
			m.buf = append(m.buf, pc)
			matched = true
		case syntax.InstFail:
		default:
			m.buf = append(m.buf, pc)
		}
	}
	for _, pc := range pcs {
		visit(pc)
	}
	return m.addState(m.buf)
}

func (m *anchoredMatcher) addState(pcs []uint32) int32 {
	var key strings.Builder
	for _, pc := range pcs {
		key.WriteString(strconv.FormatUint(uint64(pc), 36))
		key.WriteByte(',')
	}
	k := key.String()
	if id, ok := m.index[k]; ok {
		return id
	}
	if len(m.states) >= maxDFAStates {
		m.fallback = true
		return deadState
	}
	id := int32(len(m.states))
	st := dfaState{pcs: append([]uint32(nil), pcs...)}
	if n := len(pcs); n > 0 && m.prog.Inst[pcs[n-1]].Op == syntax.InstMatch {
		st.match = true
	}
	m.states = append(m.states, st)
	m.index[k] = id
	for range 128 {
		m.trans = append(m.trans, -1)
	}
	if id == deadState {
		for i := range 128 {
			m.trans[i] = deadState
		}
	}
	return id
}
