package verify

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Verifier checks one console stream against a compiled Spec. Create it
// with New, feed it with Write, ask Decided, and end with Finish.
type Verifier struct {
	opts         Options
	maxLine      int
	excerptN     int
	excerptBytes int
	maxSeen      int

	// Compiled spec.
	ms            []cmarker
	nAllowed      int
	nForbidden    int
	phases        []string
	phaseRequired [][]int32 // required markers per phase, in declaration order
	required      int
	exact         map[string]exactEntry
	exactBloom    []uint64 // bitset of exactKey of every exact text
	maxExact      int
	trie          *prefixTrie
	regexAlways   []int32 // regex markers without a required literal
	lits          [][]byte
	litUsers      [][]int32
	litSet        *literalSet // literals found per segment by window hashes
	litAdapted    bool        // litSet's windows were chosen from the stream (adapt)
	lazy          bool        // hits finds some literals per chunk (few, or the short ones)
	hits          literalHits
	logPrefix     *anchoredMatcher
	undeclared    [][]byte  // Spec.Undeclared prefixes
	nsFirst       [256]bool // the first bytes of undeclared
	// firstPairs and lastPairs say which first two and last two bytes
	// make a line worth quiet's closer look (bit a<<8|b); a line whose
	// edges are in neither is quiet without one (see quietEdges).
	firstPairs, lastPairs [1 << 16 / 64]uint64
	// duringSift, when set, is run once by scanParallel while the first
	// stage's other workers sift (ReadFrom reads the next chunk then).
	duringSift   func()
	suffix       *prefixTrie // reversed exact texts: the texts that end a segment
	needBody     bool        // prefix markers or near-miss probes: strip lead tokens
	groups       []cgroup
	alwaysGroup  bool // a group without triggers: it always applies
	failureLines FailureLines
	workers      int  // goroutines of a large write's first stage (parallel.go)
	parallelMin  int  // the smallest chunk matched in two stages
	twoStage     bool // the spec allows two stages
	lineAnchors  bool // lines check their anchor literals themselves (the second stage)
	regions      []region

	// Verification state.
	counts       []int
	satisfied    int
	phaseMissing []int // required markers per phase not yet at their minimum
	failure      *Failure
	orderPred    int32 // a required marker missing when its successor appeared, -1 for none
	failOther    int32 // the other marker of an ORDER failure, -1 for none
	lastPhase    string
	near         [][]NearMiss // per marker, allocated on the first near miss
	warnings     []Warning
	warnDropped  int
	seen         []Observation
	seenDropped  int
	lines        int
	bytes        int64
	longLines    int
	sawText      bool
	finished     bool
	result       Result

	// Partial line carried between writes, capped at maxLine.
	carry      []byte
	carryTotal int
	pending    bool // bytes after the last '\n' not yet counted as a line
	scratch    []byte
	ring       excerptRing

	// The line being matched.
	cur      []byte // the chunk being scanned, nil outside Write
	curStart int    // where its own lines start (after a carried line)
	// The line being matched is line number v.lines: cur[lineStart:lineEnd]
	// (capped), or the carry buffer when lineStart is -1.
	lineStart int
	lineEnd   int
	lineCut   bool
	segCut    bool // the segment being matched ends where the line was cut

	// Literal candidates of the current line or segment.
	cands       []int32
	candsValid  bool // cands come from the chunk scan and need checking per segment
	litMark     []uint32
	gen         uint32
	found       []int32   // markers the trie walk found in the segment
	bodyFrom    int       // found[bodyFrom:] were found in the segment's body
	bodyChecked bool      // validBody ran for the segment
	sfx         []int32   // exact markers whose text ends the segment
	accepted    []int32   // allowed candidates accepted for the segment
	litFound    []int32   // literals the literal set found in the segment
	ends        []lineEnd // the block of lines scanChunk is matching
	best        [numClasses][4]int32
}

// Progress is a snapshot for a live progress line.
type Progress struct {
	Found    int    // required markers seen enough times
	Required int    // required markers
	Phase    string // the earliest phase still missing a required marker
	Lines    int
	Bytes    int64
}

var errWriteAfterFinish = errors.New("verify: write after finish")

// Write feeds console bytes. It never fails on content; it fails only when
// called after Finish.
func (v *Verifier) Write(p []byte) (int, error) {
	if v.finished {
		return 0, errWriteAfterFinish
	}
	n := len(p)
	if n == 0 {
		return 0, nil
	}
	v.bytes += int64(n)
	if v.stopped() {
		v.countOnly(p)
		return n, nil
	}
	pos := 0
	if v.pending {
		nl := bytes.IndexByte(p, '\n')
		if nl < 0 {
			v.appendCarry(p)
			return n, nil
		}
		v.appendCarry(p[:nl])
		v.flushCarry()
		pos = nl + 1
		if v.stopped() {
			v.countOnly(p[pos:])
			return n, nil
		}
	}
	if pos < n {
		pos = v.scanChunk(p, pos)
		if pos < n {
			v.appendCarry(p[pos:])
		}
	}
	return n, nil
}

// Decided reports whether the outcome is known: a definite failure, or
// every required marker seen at its minimum count and every applying group
// complete (a tentative PASS).
func (v *Verifier) Decided() bool {
	return v.failure != nil || v.satisfied == v.required && v.groupsDone() || v.finished
}

// groupActive reports whether group g applies: it has no trigger, or one
// of its triggers appeared.
func (v *Verifier) groupActive(g *cgroup) bool {
	if len(g.triggers) == 0 {
		return true
	}
	for _, t := range g.triggers {
		if v.counts[t] > 0 {
			return true
		}
	}
	return false
}

// groupDone reports whether an applying group's condition holds.
func (v *Verifier) groupDone(g *cgroup) bool {
	if g.anyOf {
		for _, mi := range g.members {
			if v.counts[mi] >= v.ms[mi].min {
				return true
			}
		}
		return false
	}
	for _, mi := range g.members {
		if v.counts[mi] < v.ms[mi].min {
			return false
		}
	}
	return true
}

// groupsDone reports whether every applying group is complete.
func (v *Verifier) groupsDone() bool {
	for i := range v.groups {
		if g := &v.groups[i]; v.groupActive(g) && !v.groupDone(g) {
			return false
		}
	}
	return true
}

// Progress returns counters for a live progress line.
func (v *Verifier) Progress() Progress {
	return Progress{Found: v.satisfied, Required: v.required, Phase: v.currentPhase(), Lines: v.lines, Bytes: v.bytes}
}

// stopped reports whether lines are only counted from now on: after a
// definite failure, unless Options.KeepMatching.
func (v *Verifier) stopped() bool {
	return v.failure != nil && !v.opts.KeepMatching && !v.awaitingPred()
}

// Failed reports whether the decided outcome is a failure that reading
// more cannot change. It is false while an ORDER failure waits to learn
// whether its missing predecessor comes late (ORDER) or never (MISSING):
// a harness should then drain briefly, as it does on a tentative PASS.
func (v *Verifier) Failed() bool {
	return v.failure != nil && !v.awaitingPred()
}

// awaitingPred reports whether an ORDER failure still waits to learn if
// its missing predecessor appears later (ORDER) or never (MISSING), so
// matching goes on until it does.
func (v *Verifier) awaitingPred() bool {
	return v.orderPred >= 0 && v.counts[v.orderPred] == 0
}

// countOnly counts the lines of p after the verdict is decided.
func (v *Verifier) countOnly(p []byte) {
	if len(p) == 0 {
		return
	}
	v.lines += bytes.Count(p, []byte{'\n'})
	v.pending = p[len(p)-1] != '\n'
}

func (v *Verifier) appendCarry(b []byte) {
	if len(b) == 0 {
		return
	}
	if room := v.maxLine - len(v.carry); room > 0 {
		v.carry = append(v.carry, b[:min(room, len(b))]...)
	}
	v.carryTotal += len(b)
	v.pending = true
}

// flushCarry matches the carried line as a complete line.
func (v *Verifier) flushCarry() {
	v.lines++
	cut := v.carryTotal > v.maxLine
	if cut {
		v.longLines++
	}
	v.lineStart, v.lineCut = -1, cut
	v.candsValid = false
	v.slowLine(v.carry, true)
	if !v.stopped() {
		v.ring.push(v.clean(v.carry), v.excerptBytes, cut)
	}
	v.carry = v.carry[:0]
	v.carryTotal = 0
	v.pending = false
}

// blockLines is how many line ends scanChunk collects before matching
// them, which bounds its scratch memory for writes of any size.
const blockLines = 1024

// scanChunk matches the complete lines of p from pos and returns the
// index after the last '\n' it consumed.
//
// It works in blocks: first it finds the line ends of up to blockLines
// lines and counts the CRs that only end a line ("\r\n"); when the block
// holds no other CR (bytes.Count agrees), no line needs a search for an
// interior CR. ESC, NUL and literal positions are tracked for the whole
// chunk, so a line pays for none of them unless it holds one.
func (v *Verifier) scanChunk(p []byte, pos int) int {
	if v.twoStage && len(p)-pos >= v.parallelMin {
		return v.scanParallel(p, pos)
	}
	v.cur, v.curStart = p, pos
	st := scanState{escAt: -1, nulAt: -1, crAt: -1}
	if v.lazy {
		v.hits.reset(p, pos)
	}
	for pos < len(p) {
		// Pass 1: line ends and trailing CRs of one block.
		ends := v.ends[:0]
		trailing := 0
		for i := pos; len(ends) < blockLines; {
			nl := bytes.IndexByte(p[i:], '\n')
			if nl < 0 {
				break
			}
			le := i + nl
			e := le
			if e > i && p[e-1] == '\r' { // the usual "\r\n"
				trailing++
				e--
			}
			for e > i && (p[e-1] == '\r' || isBlank(p[e-1])) {
				if p[e-1] == '\r' {
					trailing++
				}
				e--
			}
			ends = append(ends, lineEnd{nl: le, text: e})
			i = le + 1
		}
		v.ends = ends
		if len(ends) == 0 {
			break
		}
		interiorCR := bytes.Count(p[pos:ends[len(ends)-1].nl], crByte) != trailing

		// Pass 2: match.
		for _, le := range ends {
			v.lines++
			if v.matchLine(p, pos, le, interiorCR, &st) {
				v.cur = nil
				return len(p)
			}
			pos = le.nl + 1
		}
	}
	v.pushChunkLines(p, v.curStart, pos)
	v.cur = nil
	return pos
}

var crByte = []byte{'\r'}

// scanState is where the next ESC, NUL and CR are at or after the line
// being matched; each is searched again only once a line passed it.
type scanState struct{ escAt, nulAt, crAt int }

// matchLine matches the complete line p[pos:le.nl] as line v.lines and
// reports whether matching stopped (the rest of p is then counted).
// interiorCR says whether the line's block may hold a CR before a line end.
func (v *Verifier) matchLine(p []byte, pos int, le lineEnd, interiorCR bool, st *scanState) bool {
	end, e, cut := le.nl, le.text, false
	if le.nl-pos > v.maxLine {
		end, cut = pos+v.maxLine, true
		e = pos + len(trimLineEnd(p[pos:end]))
		v.longLines++
	}
	v.lineStart, v.lineEnd, v.lineCut = pos, end, cut
	if st.escAt < pos {
		st.escAt = indexByteFrom(p, pos, esc)
	}
	if st.nulAt < pos {
		st.nulAt = indexByteFrom(p, pos, 0)
	}
	if st.escAt < end || st.nulAt < end {
		v.candsValid = false
		v.slowLine(p[pos:end], st.nulAt < end)
	} else {
		v.candsValid = false
		if v.lazy && !v.lineAnchors {
			v.cands = v.cands[:0]
			if v.hits.min < le.nl {
				for i, at := range v.hits.next {
					if at < le.nl {
						for _, k := range v.hits.anchors[i].lits {
							v.cands = append(v.cands, v.hits.ids[k])
						}
					}
				}
			}
			v.candsValid = true
		}
		if interiorCR || cut {
			if st.crAt < pos {
				st.crAt = indexByteFrom(p, pos, '\r')
			}
		} else {
			st.crAt = le.nl // none before the line end
		}
		if st.crAt < e {
			v.segments(p[pos:e])
		} else {
			v.segCut = cut
			v.matchSegment(p[pos:e])
		}
	}
	next := le.nl + 1
	if v.stopped() {
		v.countOnly(p[next:])
		return true
	}
	if v.lazy && !v.lineAnchors && v.hits.min < next {
		v.hits.advance(p, next)
	}
	return false
}

// lineEnd is where a line's '\n' is and where its text ends before
// trailing CRs, spaces and tabs.
type lineEnd struct{ nl, text int }

// slowLine matches a line that needs cleaning (escapes, NULs) or that was
// assembled from several writes.
func (v *Verifier) slowLine(raw []byte, mayHoldNUL bool) {
	v.scratch = cleanLineNUL(v.scratch, raw, mayHoldNUL)
	v.segments(trimLineEnd(v.scratch))
}

func (v *Verifier) clean(raw []byte) []byte {
	v.scratch = cleanLine(v.scratch, raw)
	return v.scratch
}

// segments matches the CR-separated parts of a line.
func (v *Verifier) segments(b []byte) {
	for !v.stopped() {
		i := bytes.IndexByte(b, '\r')
		if i < 0 {
			v.segCut = v.lineCut
			v.matchSegment(b)
			return
		}
		v.segCut = false
		v.matchSegment(b[:i])
		b = b[i+1:]
	}
}

// matchSegment matches one cleaned segment.
func (v *Verifier) matchSegment(s []byte) {
	s = trimBlank(s)
	if len(s) == 0 {
		return
	}
	v.sawText = true
	if v.logPrefix != nil && v.logPrefix.mayMatch(s[0]) {
		if end := v.logPrefix.end(s); end > 0 {
			s = trimBlank(s[end:])
			if len(s) == 0 {
				return
			}
		}
	}
	// The body is the segment after its well-known prefix tokens: what a
	// prefix marker may start. A token that reports a failure ends the
	// prefix; that is checked only when the body is used (validBody).
	body := s
	v.bodyChecked = false
	if v.needBody && mayStartToken(s[0]) {
		if k := leadingTokens(s); k > 0 && k < len(s) {
			body = s[k:]
		}
	}
	var e exactEntry
	hasExact := false
	// A cut segment is longer than what was kept: it equals no exact text.
	if len(s) <= v.maxExact && !v.segCut {
		if k := exactKey(s); v.exactBloom[k/64]&(1<<(k%64)) != 0 {
			e, hasExact = v.exact[string(s)]
		}
	}
	if !hasExact {
		e = noExact
	}
	v.sfx = v.sfx[:0]
	if v.suffix != nil && !v.segCut && v.suffix.root[s[len(s)-1]] != 0 {
		v.sfx = v.suffix.walkBack(s, v.sfx)
	}
	v.found = v.found[:0]
	if v.trie != nil {
		if v.trie.root[s[0]] != 0 {
			v.found = v.trie.walk(s, v.found)
		}
		v.bodyFrom = len(v.found)
		if len(body) < len(s) && v.trie.root[body[0]] != 0 {
			if v.found = v.trie.walk(body, v.found); len(v.found) > v.bodyFrom {
				if body = v.validBody(s, body); len(body) == len(s) {
					v.found = v.found[:v.bodyFrom] // a prefix token reports a failure
				}
			}
		}
	}
	v.litFound = v.litFound[:0]
	if v.litSet != nil {
		v.litSet.built()
		v.litFound = v.litSet.find(s, v.litFound)
	}
	// Only a whole-line exact marker can match unless an index found
	// something, an anchored literal may be in the segment, or a regex
	// must run on every line.
	if len(v.found) == 0 && len(v.litFound) == 0 && len(v.regexAlways) == 0 && (!v.lazy || v.candsValid && len(v.cands) == 0) && !v.properSuffix(s) {
		switch {
		case e.cls[classForbidden] >= 0:
			v.hitForbidden(e.cls[classForbidden], s)
		case e.cls[classAllowed] >= 0:
			v.hitAllowed(e.cls[classAllowed], s)
		case e.cls[classUnexpected] >= 0:
			v.hitUnexpected(e.cls[classUnexpected], s)
		default:
			v.unmatched(s)
		}
		return
	}
	v.matchAll(s, body, e)
}

// validBody returns body unless one of the prefix tokens before it reports
// a failure ("[ERROR x] ..."), in which case the line has no body.
func (v *Verifier) validBody(s, body []byte) []byte {
	if len(body) == len(s) || v.bodyChecked {
		return body
	}
	v.bodyChecked = true
	if tokensReportFailure(s[:len(s)-len(body)]) {
		return s
	}
	return body
}

// properSuffix reports whether the suffix walk found a text shorter than s.
func (v *Verifier) properSuffix(s []byte) bool {
	for _, mi := range v.sfx {
		if len(v.ms[mi].text) < len(s) {
			return true
		}
	}
	return false
}

// unmatched handles a segment that is no marker's occurrence: the
// deny-by-default namespaces, then the undeclared failure lines.
func (v *Verifier) unmatched(s []byte) {
	if v.undeclared != nil && v.checkUndeclared(s) {
		return
	}
	if w := v.failureWord(s); w != nil {
		v.failureLine(s, w)
	}
}

// failureWord returns the word that makes s a failure line: a failure word
// ending it, or one standing as a word under a proof namespace
// (Spec.Undeclared), after the line's prefix tokens; nil when s is none.
func (v *Verifier) failureWord(s []byte) []byte {
	if w := lastWordFailure(s); w != nil {
		return w
	}
	if v.undeclared == nil {
		return nil
	}
	p := v.namespace(s)
	b := s
	if p == nil && mayStartToken(s[0]) {
		b = s[leadingTokens(s):]
		p = v.namespace(b)
	}
	if p != nil {
		return failureWordIn(b[len(p):])
	}
	return nil
}

// namespace returns the undeclared namespace b starts with, or nil.
func (v *Verifier) namespace(b []byte) []byte {
	if len(b) == 0 || !v.nsFirst[b[0]] {
		return nil
	}
	for _, p := range v.undeclared {
		if len(b) >= len(p) && string(b[:len(p)]) == string(p) {
			return p
		}
	}
	return nil
}

// failureLine records an undeclared failure line: a warning, or under
// FailureLinesFail a FORBIDDEN failure.
func (v *Verifier) failureLine(s, word []byte) {
	if v.failureLines == FailureLinesFail {
		m := &cmarker{id: "failure-line", kind: KindFail, class: classForbidden}
		v.observe(m, s)
		v.fail(Forbidden, m, fmt.Sprintf("line %d %q reports a failure (%q) that no marker declares, and the contract fails on undeclared failure lines; declare it (kind diag if it is expected in a good run, fail otherwise) or fix the guest", v.lines, capText(s, observationTextBytes), word))
		return
	}
	if len(v.warnings) >= MaxWarnings {
		v.warnDropped++
		return
	}
	phase := v.lastPhase
	if phase == "" {
		phase = v.currentPhase()
	}
	v.warnings = append(v.warnings, Warning{Line: v.lines, Text: capText(s, observationTextBytes), Word: string(word), Phase: phase})
}

// checkUndeclared fails on a value-free line in a proof namespace that no
// marker of the spec matched (Spec.Undeclared), and reports whether it did.
func (v *Verifier) checkUndeclared(s []byte) bool {
	if p := v.namespace(s); p != nil {
		if bytes.IndexAny(s, "0123456789=") >= 0 {
			return false // a line carrying values is a diagnostic, not a marker
		}
		m := &cmarker{id: string(s), kind: KindDiag, class: classUnexpected, phase: v.currentPhase()}
		v.observe(m, s)
		v.fail(Unexpected, m, fmt.Sprintf("line %d %q is in the %q marker namespace but is not declared for this profile", v.lines, s, strings.TrimSpace(string(p))))
		return true
	}
	return false
}

// wantNear reports whether a near miss of marker mi is worth keeping: it
// is required (or a group member), still short, and has room.
func (v *Verifier) wantNear(mi int32) bool {
	m := &v.ms[mi]
	if m.class != classAllowed || !m.required && m.group < 0 || v.counts[mi] >= m.min {
		return false
	}
	return v.near == nil || len(v.near[mi]) < MaxNearMisses
}

// nearMiss records that the current line holds marker mi's text but was
// not accepted as it.
func (v *Verifier) nearMiss(mi int32, s []byte, reason, fix string) {
	if !v.wantNear(mi) {
		return
	}
	if v.near == nil {
		v.near = make([][]NearMiss, len(v.ms))
	}
	for _, n := range v.near[mi] {
		if n.Line == v.lines {
			return // one per line (a segment of it already said why)
		}
	}
	v.near[mi] = append(v.near[mi], NearMiss{Marker: v.ms[mi].id, Line: v.lines, Text: capText(s, observationTextBytes), Reason: reason, Fix: fix})
}

// Near-miss texts, shared by the matching paths.
const (
	fixAfterText   = `a marker ends its line: print it on a line of its own, or use match = "prefix" if a value follows it`
	fixBeforeText  = `set log_prefix to strip what comes before it, or use match = "substring"`
	fixGlued       = `the guest printed the marker without a newline after a word; print a newline before it, or use match = "substring"`
	fixFailureLine = `the guest reported a failure on this line; a line that reports a failure is never a marker of success`
	fixOtherMarker = `print the marker on a line of its own, or make the two markers' texts distinct`
)

// leadNearMiss explains a rejected lead.
func leadNearMiss(lv leadVerdict, lead []byte) (reason, fix string) {
	switch lv {
	case leadInsideWord:
		return fmt.Sprintf("the marker continues the word before it (%q)", lastWord(lead)), fixGlued
	case leadFailPrefix:
		return fmt.Sprintf("the prefix %q reports a failure", strings.TrimSpace(string(lead))), fixFailureLine
	case leadFailureText:
		return fmt.Sprintf("the text before the marker (%q) reports a failure", strings.TrimSpace(string(lead))), fixFailureLine
	}
	return fmt.Sprintf("text before the marker (%q) is not a known prefix", strings.TrimSpace(string(lead))), fixBeforeText
}

// afterNearMiss explains text after a marker that must end its line.
func afterNearMiss(after []byte) (reason, fix string) {
	a := strings.TrimSpace(string(after))
	if reportsFailure(after) {
		return fmt.Sprintf("the line goes on after the marker and reports a failure (%q)", a), fixFailureLine
	}
	return fmt.Sprintf("text after the marker (%q)", a), fixAfterText
}

// lastWord returns the last blank-delimited word of b.
func lastWord(b []byte) string {
	i := len(b)
	for i > 0 && !isBlank(b[i-1]) {
		i--
	}
	return string(b[i:])
}

// matchAll checks a segment against every mode and decides by class,
// then mode, then text length and declaration order (see record). v.found,
// v.sfx and v.litFound hold what the trie walk, the suffix walk and the
// literal set found; body is the segment after its prefix tokens.
func (v *Verifier) matchAll(s, body []byte, e exactEntry) {
	hit := false
	for c := range v.best {
		v.best[c] = [4]int32{-1, -1, -1, -1}
		if e.cls[c] >= 0 {
			v.best[c][Exact] = e.cls[c]
			hit = true
		}
	}
	v.accepted = v.accepted[:0]
	if e.cls[classAllowed] >= 0 {
		v.accepted = append(v.accepted, e.cls[classAllowed])
	}
	for _, mi := range v.sfx { // exact texts that end the segment
		m := &v.ms[mi]
		if len(m.text) >= len(s) {
			continue // the whole segment: found by the exact map
		}
		lead := s[:len(s)-len(m.text)]
		if lv := checkLead(lead, m.firstWord, m.class == classAllowed && m.claims); lv != leadOK {
			if v.wantNear(mi) {
				reason, fix := leadNearMiss(lv, lead)
				v.nearMiss(mi, s, reason, fix)
			}
			continue
		}
		v.record(mi, Exact)
		hit = true
	}
	for i, mi := range v.found { // from the trie walks in matchSegment
		seg := s
		if i >= v.bodyFrom {
			seg = body
		}
		switch m := &v.ms[mi]; m.mode {
		case Prefix:
			if m.class == classAllowed && m.claims && reportsFailure(seg[len(m.text):]) {
				if v.wantNear(mi) {
					reason, fix := afterNearMiss(seg[len(m.text):])
					v.nearMiss(mi, s, reason, fix)
				}
				continue
			}
			v.record(mi, Prefix)
			hit = true
		case Exact: // a near-miss probe: the text starts a longer line
			if len(seg) > len(m.text) && v.wantNear(mi) {
				reason, fix := afterNearMiss(seg[len(m.text):])
				v.nearMiss(mi, s, reason, fix)
			}
		default: // a regex anchored on this literal, found at the start of s
			if i < v.bodyFrom && v.regexHit(mi, s) {
				hit = true
			}
		}
	}
	for _, mi := range v.regexAlways {
		if v.regexHit(mi, s) {
			hit = true
		}
	}
	if v.lazy {
		if v.candsValid { // the chunk scan found these in the line
			for _, id := range v.cands {
				if bytes.Contains(s, v.lits[id]) {
					hit = v.litHit(id, s) || hit
				}
			}
		} else { // a cleaned line: check the literals whose anchor byte it holds
			for i := range v.hits.anchors {
				a := &v.hits.anchors[i]
				if bytes.IndexByte(s, a.c) < 0 {
					continue
				}
				for _, k := range a.lits {
					if id := v.hits.ids[k]; bytes.Contains(s, v.lits[id]) {
						hit = v.litHit(id, s) || hit
					}
				}
			}
		}
	}
	if len(v.litFound) > 0 { // from the literal set in matchSegment
		v.gen++
		if v.gen == 0 {
			clear(v.litMark)
			v.gen = 1
		}
		for _, id := range v.litFound {
			if v.litMark[id] != v.gen {
				v.litMark[id] = v.gen
				hit = v.litHit(id, s) || hit
			}
		}
	}
	if !hit {
		v.unmatched(s)
		return
	}
	for c := range v.best {
		for _, mi := range v.best[c] {
			if mi < 0 {
				continue
			}
			// The line is this marker's: every other required candidate
			// missed it.
			for _, o := range v.accepted {
				if o != mi && v.wantNear(o) {
					v.nearMiss(o, s, fmt.Sprintf("the line counts as marker %q, which matches it more closely", v.ms[mi].id), fixOtherMarker)
				}
			}
			switch c {
			case classForbidden:
				v.hitForbidden(mi, s)
			case classAllowed:
				v.hitAllowed(mi, s)
			default:
				v.hitUnexpected(mi, s)
			}
			return
		}
	}
}

// regexHit records regex marker mi when it matches the segment (a regex
// sees the line as it is after the log prefix: its pattern decides what may
// come before the match) and, for a marker that claims success, no failure
// is reported around the match.
func (v *Verifier) regexHit(mi int32, s []byte) bool {
	m := &v.ms[mi]
	if m.class != classAllowed || !m.claims {
		if !m.re.Match(s) {
			return false
		}
		v.record(mi, Regex)
		return true
	}
	loc := m.re.FindIndex(s)
	if loc == nil {
		return false
	}
	if reportsFailure(s[:loc[0]]) || reportsFailure(s[loc[1]:]) {
		if v.wantNear(mi) {
			v.nearMiss(mi, s, "the line reports a failure around the match", fixFailureLine)
		}
		return false
	}
	v.record(mi, Regex)
	return true
}

// litHit records the markers that use literal id and match s. A line that
// reports a failure outside a success marker's text is not that marker.
func (v *Verifier) litHit(id int32, s []byte) bool {
	hit := false
	for _, mi := range v.litUsers[id] {
		m := &v.ms[mi]
		if m.mode != Substring {
			hit = v.regexHit(mi, s) || hit
			continue
		}
		if m.class == classAllowed && m.claims {
			i := bytes.Index(s, v.lits[id])
			if reportsFailure(s[:i]) || reportsFailure(s[i+len(m.text):]) {
				if v.wantNear(mi) {
					v.nearMiss(mi, s, "the line reports a failure besides the marker's text", fixFailureLine)
				}
				continue
			}
		}
		v.record(mi, Substring)
		hit = true
	}
	return hit
}

// record keeps mi as the class's candidate for mode if it beats the one
// held: for exact, prefix and substring markers the longer text (the more
// specific marker), then the earlier declaration.
func (v *Verifier) record(mi int32, mode Mode) {
	if v.ms[mi].class == classAllowed {
		v.accepted = append(v.accepted, mi)
	}
	b := &v.best[v.ms[mi].class][mode]
	if *b < 0 {
		*b = mi
		return
	}
	if mode != Regex {
		if n, held := len(v.ms[mi].text), len(v.ms[*b].text); n != held {
			if n > held {
				*b = mi
			}
			return
		}
	}
	if mi < *b {
		*b = mi
	}
}

func (v *Verifier) hitForbidden(mi int32, s []byte) {
	m := &v.ms[mi]
	v.observe(m, s)
	what := "forbidden marker"
	if m.kind != "" {
		what = fmt.Sprintf("forbidden %s marker", m.kind)
	}
	v.fail(Forbidden, m, fmt.Sprintf("%s %q appeared at line %d", what, m.id, v.lines))
}

func (v *Verifier) hitUnexpected(mi int32, s []byte) {
	m := &v.ms[mi]
	v.observe(m, s)
	v.fail(Unexpected, m, fmt.Sprintf("marker %q is not allowed in this profile but appeared at line %d", m.id, v.lines))
}

func (v *Verifier) hitAllowed(mi int32, s []byte) {
	m := &v.ms[mi]
	c := v.counts[mi]
	// An occurrence out of order fails the run and still counts: the
	// marker did appear, and the markers after it are judged on their own.
	if c == 0 {
		for _, a := range m.after {
			if v.counts[a] == 0 {
				if v.failure == nil {
					if v.ms[a].required {
						v.orderPred = a
					}
					v.failOther = a
				}
				v.fail(Order, m, fmt.Sprintf("marker %q appeared at line %d before %q, which must appear first", m.id, v.lines, v.ms[a].id))
				break
			}
		}
		for _, p := range m.precede {
			if v.counts[p] > 0 {
				if v.failure == nil {
					v.failOther = p
				}
				v.fail(Order, m, fmt.Sprintf("marker %q appeared at line %d after %q, which must come after it", m.id, v.lines, v.ms[p].id))
				break
			}
		}
	}
	c++
	v.counts[mi] = c
	if m.phase != "" {
		v.lastPhase = m.phase
	}
	v.observe(m, s)
	if m.max > 0 && c > m.max {
		v.fail(Count, m, fmt.Sprintf("marker %q appeared %d times, more than its maximum of %d (the last at line %d)", m.id, c, m.max, v.lines))
		return
	}
	if m.required && c == m.min {
		v.satisfied++
		v.phaseMissing[m.phaseIdx]--
	}
}

func (v *Verifier) observe(m *cmarker, s []byte) {
	keep := len(v.seen) < v.maxSeen
	if !keep {
		v.seenDropped++
		if v.opts.OnObservation == nil {
			return
		}
	}
	o := Observation{Marker: m.id, Kind: m.kind, Phase: m.phase, Line: v.lines, Text: capText(s, observationTextBytes), Class: className(m.class)}
	if keep {
		v.seen = append(v.seen, o)
	}
	if v.opts.OnObservation != nil {
		v.opts.OnObservation(o)
	}
}

func capText(s []byte, n int) string {
	if len(s) <= n {
		return string(s)
	}
	return string(append(trimPartialRune(slices.Clip(s[:n])), "…"...))
}

// fail records the first definite failure at the current line.
func (v *Verifier) fail(kind Verdict, m *cmarker, msg string) {
	if v.failure != nil {
		return
	}
	// A line without a phase of its own (a panic) happened in the phase
	// of the last marker seen before it.
	phase := m.phase
	if phase == "" {
		phase = v.lastPhase
	}
	if phase == "" {
		phase = v.currentPhase()
	}
	excerpt, start := v.excerptAtLine()
	v.failure = &Failure{Kind: kind, Marker: m.id, Phase: phase, Line: v.lines, Message: msg, Excerpt: excerpt, ExcerptStart: start}
}

// excerptAtLine renders up to excerptN lines before the current line and
// the line itself.
func (v *Verifier) excerptAtLine() ([]string, int) {
	var before []string
	if v.lineStart >= 0 {
		end := v.lineStart // the previous line ends at end-1, its '\n'
		for len(before) < v.excerptN && end > v.curStart {
			nl := end - 1
			st := bytes.LastIndexByte(v.cur[v.curStart:nl], '\n') + v.curStart + 1
			before = append(before, v.renderRaw(v.cur[st:nl]))
			end = st
		}
	}
	for k := 0; len(before) < v.excerptN && k < v.ring.n; k++ {
		before = append(before, v.ring.last(k))
	}
	slices.Reverse(before)
	raw := v.carry
	if v.lineStart >= 0 {
		raw = v.cur[v.lineStart:v.lineEnd]
	}
	line := string(appendExcerpt(nil, v.clean(raw), v.excerptBytes, v.lineCut))
	return append(before, line), v.lines - len(before)
}

// renderRaw renders a complete raw line of the current chunk.
func (v *Verifier) renderRaw(raw []byte) string {
	cut := len(raw) > v.maxLine
	if cut {
		raw = raw[:v.maxLine]
	}
	return string(appendExcerpt(nil, v.clean(raw), v.excerptBytes, cut))
}

// pushChunkLines keeps the last lines of p[from:to] in the excerpt ring.
func (v *Verifier) pushChunkLines(p []byte, from, to int) {
	if to <= from || len(v.ring.slots) == 0 {
		return
	}
	// Find the start of the ring-sized tail, then push oldest first.
	starts := make([]int, 0, 8)
	end := to
	for len(starts) < len(v.ring.slots) && end > from {
		nl := end - 1
		st := bytes.LastIndexByte(p[from:nl], '\n') + from + 1
		starts = append(starts, st)
		end = st
	}
	for k := len(starts) - 1; k >= 0; k-- {
		st := starts[k]
		nl := to - 1
		if k > 0 {
			nl = starts[k-1] - 1
		}
		raw := p[st:nl]
		cut := len(raw) > v.maxLine
		if cut {
			raw = raw[:v.maxLine]
		}
		v.ring.push(v.clean(raw), v.excerptBytes, cut)
	}
}

// currentPhase is the earliest phase that still misses a required marker.
func (v *Verifier) currentPhase() string {
	for i, n := range v.phaseMissing {
		if n > 0 {
			return v.phases[i]
		}
	}
	return ""
}

// Finish ends the stream: it matches a final line without '\n' and
// resolves the verdict by the table in the package documentation. Calling
// it again returns the same Result.
func (v *Verifier) Finish(end End) Result {
	if v.finished {
		return v.result
	}
	if v.pending {
		if !v.stopped() {
			v.flushCarry()
		} else {
			v.lines++
			v.pending = false
		}
	}
	v.finished = true
	r := Result{
		Seen: v.seen, Lines: v.lines, Bytes: v.bytes, Required: v.required, Found: v.satisfied,
		SeenDropped: v.seenDropped, LongLines: v.longLines,
		Warnings: v.warnings, WarningsDropped: v.warnDropped,
	}
	r.Failure = v.resolve(end)
	r.NearMisses = v.shortNearMisses()
	// Members of an applying group count as required: a ladder of 148
	// lines, 12 of them required once metricsd started, is 148/148.
	for i := range v.groups {
		g := &v.groups[i]
		if !v.groupActive(g) {
			continue
		}
		if g.anyOf {
			r.Required++
			if v.groupDone(g) {
				r.Found++
			}
			continue
		}
		for _, mi := range g.members {
			r.Required++
			if v.counts[mi] >= v.ms[mi].min {
				r.Found++
			}
		}
	}
	if f := r.Failure; f != nil && (f.Kind == Missing || f.Kind == Order || f.Kind == Count || f.Kind == Timeout || f.Kind == Crash) {
		for i := range v.ms {
			if v.ms[i].class == classAllowed && (v.ms[i].id == f.Marker || int32(i) == v.failOther && f.Kind == Order) && v.near != nil {
				f.NearMisses = append(f.NearMisses, v.near[i]...)
			}
		}
	}
	r.Verdict = Pass
	if r.Failure != nil {
		r.Verdict = r.Failure.Kind
	}
	v.result = r
	return r
}

// className is Observation.Class for a marker class.
func className(c int) string {
	switch c {
	case classForbidden:
		return "forbidden"
	case classUnexpected:
		return "unexpected"
	}
	return "allowed"
}

func (v *Verifier) resolve(end End) *Failure {
	if v.failure != nil {
		// A required marker that had not appeared when its successor did,
		// and never appeared afterwards (as far as the stream was read),
		// is missing rather than out of order: name it and its phase.
		if v.failure.Kind == Order && v.orderPred >= 0 && v.counts[v.orderPred] == 0 {
			// Name the first missing marker (phase order, then declaration
			// order): in a ladder with several gaps, the earliest one.
			pi := v.orderPred
			if first := v.firstShort(func(c, _ int) bool { return c == 0 }); first >= 0 {
				pi = first
			}
			p := &v.ms[pi]
			f := *v.failure
			f.Kind = Missing
			f.Marker, f.Phase = p.id, p.phase
			if f.Phase == "" {
				f.Phase = v.failure.Phase
			}
			if pi == v.orderPred {
				f.Message = fmt.Sprintf("required marker %q never appeared: %q came at line %d without it, and it must come first", p.id, v.failure.Marker, v.failure.Line)
			} else {
				f.Message = fmt.Sprintf("required marker %q never appeared (and %q came at line %d without %q, which must come first)", p.id, v.failure.Marker, v.failure.Line, v.ms[v.orderPred].id)
			}
			return &f
		}
		return v.failure
	}
	if end.StartErr != nil {
		return &Failure{Kind: Infra, Message: fmt.Sprintf("the command could not be started: %v", end.StartErr)}
	}
	if v.satisfied == v.required && v.groupsDone() {
		return nil
	}
	short := v.firstShort(func(c, min int) bool { return c < min })
	var anyOf *cgroup
	if short < 0 { // every marker is there; an any-of group is not
		for i := range v.groups {
			if g := &v.groups[i]; v.groupActive(g) && !v.groupDone(g) {
				anyOf = g
				short = g.members[0]
				break
			}
		}
	}
	m := &v.ms[short]
	progress := fmt.Sprintf("%d of %d required markers seen", v.satisfied, v.required)
	why := v.groupWhy(m)
	f := &Failure{Marker: m.id, Phase: m.phase}
	if f.Phase == "" {
		f.Phase = v.currentPhase()
	}
	quiet := ""
	if !v.sawText {
		quiet = ", and there was no output at all"
	}
	switch {
	case end.TimedOut:
		f.Kind = Timeout
		f.Message = fmt.Sprintf("the deadline passed while waiting for %q; %s%s", m.id, progress, quiet)
	case end.Signal != "":
		f.Kind = Crash
		f.Message = fmt.Sprintf("the process was killed by %s before %q appeared; %s%s", end.Signal, m.id, progress, quiet)
	case end.Exited && !okExit(end):
		f.Kind = Crash
		f.Message = fmt.Sprintf("the process exited with code %d before %q appeared; %s%s", end.ExitCode, m.id, progress, quiet)
	case !v.sawText:
		f.Kind = NoOutput
		f.Message = fmt.Sprintf("the stream ended without any output; %s", progress)
		if v.lines > 0 {
			f.Message = fmt.Sprintf("the stream ended with %d lines but no text (only blanks, escape sequences or NULs); %s", v.lines, progress)
		}
	default:
		if anyOf != nil {
			f.Kind = Missing
			f.Message = fmt.Sprintf("none of the %d markers of %s appeared (%s); %s", len(anyOf.members), anyOf.id, anyOf.why, progress)
		} else if missing := v.firstShort(func(c, _ int) bool { return c == 0 }); missing >= 0 {
			m = &v.ms[missing]
			why = v.groupWhy(m)
			f.Kind = Missing
			f.Marker, f.Phase = m.id, m.phase
			if f.Phase == "" {
				f.Phase = v.currentPhase()
			}
			f.Message = fmt.Sprintf("required marker %q never appeared%s; %s", m.id, why, progress)
		} else {
			f.Kind = Count
			f.Message = fmt.Sprintf("required marker %q appeared %d times, fewer than its minimum of %d; %s", m.id, v.counts[short], m.min, progress)
		}
	}
	f.Excerpt, f.ExcerptStart = v.tailExcerpt()
	return f
}

// firstShort returns the first required marker or member of an applying
// all-of group, by phase order then declaration order, whose count and
// minimum satisfy short; -1 when none.
func (v *Verifier) firstShort(short func(count, min int) bool) int32 {
	best := int32(-1)
	for pi, ms := range v.phaseRequired {
		for _, mi := range ms {
			if short(v.counts[mi], v.ms[mi].min) {
				best = mi
				break
			}
		}
		for gi := range v.groups {
			g := &v.groups[gi]
			if g.anyOf || !v.groupActive(g) {
				continue
			}
			for _, mi := range g.members {
				if v.ms[mi].phaseIdx == pi && short(v.counts[mi], v.ms[mi].min) && (best < 0 || mi < best) {
					best = mi
					break
				}
			}
		}
		if best >= 0 {
			return best
		}
	}
	return -1
}

// groupWhy says why a group member is required, "" for other markers.
func (v *Verifier) groupWhy(m *cmarker) string {
	if m.group < 0 {
		return ""
	}
	g := &v.groups[m.group]
	for _, t := range g.triggers {
		if v.counts[t] > 0 {
			return fmt.Sprintf(" (required by %s because %q appeared)", g.id, v.ms[t].id)
		}
	}
	return fmt.Sprintf(" (required by %s)", g.id)
}

// shortNearMisses lists the near misses of every marker still short at
// the end, in the order firstShort reports markers.
func (v *Verifier) shortNearMisses() []NearMiss {
	if v.near == nil {
		return nil
	}
	var out []NearMiss
	for pi, ms := range v.phaseRequired {
		var idx []int32
		for _, mi := range ms {
			idx = append(idx, mi)
		}
		for gi := range v.groups {
			if g := &v.groups[gi]; v.groupActive(g) {
				for _, mi := range g.members {
					if v.ms[mi].phaseIdx == pi {
						idx = append(idx, mi)
					}
				}
			}
		}
		slices.Sort(idx)
		for _, mi := range idx {
			if v.counts[mi] < v.ms[mi].min {
				out = append(out, v.near[mi]...)
			}
		}
	}
	return out
}

func okExit(end End) bool {
	if end.OKExitCodes == nil {
		return end.ExitCode == 0
	}
	return slices.Contains(end.OKExitCodes, end.ExitCode)
}

// tailExcerpt renders the last lines of the stream.
func (v *Verifier) tailExcerpt() ([]string, int) {
	if v.ring.n == 0 {
		return nil, 0
	}
	out := make([]string, 0, v.ring.n)
	for k := v.ring.n - 1; k >= 0; k-- {
		out = append(out, v.ring.last(k))
	}
	return out, v.lines - len(out) + 1
}

// bloomBits sizes the exact-text filter: 2^16 bits, 8 KiB, so that a line
// that is no exact marker rarely costs a map lookup.
const bloomBits = 16

// exactKey hashes a segment's length and its first and last eight bytes
// into the exact-text filter.
func exactKey(s []byte) uint32 {
	n := len(s)
	var a, b uint64
	if n >= 8 {
		a = binary.LittleEndian.Uint64(s)
		b = binary.LittleEndian.Uint64(s[n-8:])
	} else {
		for i, c := range s {
			a |= uint64(c) << (8 * i)
		}
		b = a
	}
	h := a*0x9e3779b97f4a7c15 ^ b*0xc2b2ae3d27d4eb4f ^ uint64(n)*0x165667b19e3779f9
	h ^= h >> 31
	h *= 0xd6e8feb86659fd93
	return uint32(h >> (64 - bloomBits))
}
