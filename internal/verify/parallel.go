package verify

import (
	"bytes"
	"io"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
)

// A large write (a log file read in big chunks) is matched in two stages:
// workers split their share of the chunk into lines and set aside the
// quiet ones, which match no marker, start no proof namespace and report
// no failure (most console lines); then the lines that are left are
// matched in order, exactly as a sequential pass would. The first stage
// only reads the compiled spec, so it runs on all cores; the verdict,
// observations and excerpts are those of the sequential pass.

// defaultParallelMin is the smallest chunk matched in two stages: the 32
// KiB reads of io.Copy from a log file are, a trickle of console output
// is not.
const defaultParallelMin = 16 << 10

// maxWorkers bounds the first stage's goroutines.
const maxWorkers = 8

// regionsPerWorker is how many regions a chunk is cut into per worker, and
// minRegion the smallest region worth its own: the workers take regions
// from a shared counter, so a worker whose core is busy with another
// process (or with the goroutine reading the log) holds up the chunk by
// one small region, not by half the chunk.
const (
	regionsPerWorker = 4
	minRegion        = 64 << 10
)

// lineRef is a line the first stage did not set aside.
type lineRef struct {
	idx       int32 // 1-based line number within its region
	start, nl int
}

// region is one worker's share of a chunk: complete lines.
type region struct {
	start, end int
	lines      int
	sawText    bool
	refs       []lineRef
	// trailingCRs counts the CRs that end lines ("\r\n", "\r\r\n");
	// interiorCR says whether a line holds another one.
	trailingCRs int
	interiorCR  bool
	// firstEsc and firstNul are the first ESC and NUL of the region, end
	// when it has none: the second stage starts from them rather than
	// searching the rest of the chunk again.
	firstEsc, firstNul int
	found              []int32 // scratch
	hits               []int   // scratch: literal positions
	ends               lineEnds
	scratch            literalScratch
}

func (v *Verifier) setParallel(opts Options) {
	v.workers = min(runtime.GOMAXPROCS(0), maxWorkers)
	v.parallelMin = defaultParallelMin
	if opts.parallelMin > 0 {
		v.parallelMin = opts.parallelMin
	}
	if opts.workers > 0 {
		v.workers = opts.workers
	}
	// A log prefix runs through a lazily built DFA, and a regex without a
	// literal on every line: neither is shared across goroutines, and
	// neither leaves a line quiet, so such a spec is matched in one pass.
	v.twoStage = v.logPrefix == nil && len(v.regexAlways) == 0
}

// scanParallel matches the complete lines of p from pos (see above) and
// returns the index after the last '\n' it consumed.
func (v *Verifier) scanParallel(p []byte, pos int) int {
	end := bytes.LastIndexByte(p[pos:], '\n')
	if end < 0 {
		return pos
	}
	end += pos + 1
	// The workers find the few literals through the anchors of v.hits
	// (cloned, never resampled): sample the stream here, or they keep the
	// anchors chosen before any byte was seen.
	if v.lazy {
		v.hits.resample(p, pos)
	}
	// The long literals' windows, chosen again once the stream shows which
	// of them its own lines hold (between chunks: no worker is reading).
	if v.litSet != nil && !v.litAdapted && end-pos >= adaptSample {
		v.litSet = v.litSet.adapt(p[pos : pos+adaptSample])
		v.litAdapted = true
	}
	if v.litSet != nil {
		v.litSet.built()
	}
	n := v.workers
	if n > 1 {
		n = max(n, min(n*regionsPerWorker, (end-pos)/minRegion))
	}
	size := (end - pos + n - 1) / n
	if len(v.regions) < n {
		v.regions = make([]region, n) // kept: their scratch is reused
	}
	regions := v.regions[:0]
	for at := pos; at < end; {
		cut := min(at+size, end)
		if cut < end {
			cut = indexByteFrom(p, cut-1, '\n') + 1
		}
		r := v.regions[len(regions)]
		r.start, r.end, r.lines, r.sawText, r.refs = at, cut, 0, false, r.refs[:0]
		regions = append(regions, r)
		at = cut
	}
	if len(regions) == 1 {
		v.sift(p, &regions[0])
	} else {
		var wg sync.WaitGroup
		var next atomic.Int32
		work := func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(regions) {
					return
				}
				v.sift(p, &regions[i])
			}
		}
		// This goroutine is one of the workers: one goroutine fewer to
		// start and wake per chunk. It first does what its caller asked
		// to have done meanwhile (ReadFrom reads the next chunk); the
		// others take its share of regions.
		for range min(v.workers, len(regions)) - 1 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				work()
			}()
		}
		if f := v.duringSift; f != nil {
			v.duringSift = nil
			f()
		}
		work()
		wg.Wait()
	}

	v.cur, v.curStart = p, pos
	st := scanState{escAt: -1, nulAt: -1, crAt: -1}
	// The few lines left check their anchor literals themselves (see
	// matchAll): no chunk-wide anchor scan in the sequential stage.
	v.lineAnchors = true
	defer func() { v.lineAnchors = false }()
	base := v.lines
	for i := range regions {
		r := &regions[i]
		v.sawText = v.sawText || r.sawText
		// Exact for every line of the region, which is all its refs hold.
		st.escAt, st.nulAt = r.firstEsc, r.firstNul
		for _, ref := range r.refs {
			v.lines = base + int(ref.idx)
			e := ref.nl
			for e > ref.start && (p[e-1] == '\r' || isBlank(p[e-1])) {
				e--
			}
			if v.matchLine(p, ref.start, lineEnd{nl: ref.nl, text: e}, r.interiorCR, &st) {
				v.cur = nil
				return len(p)
			}
		}
		base += r.lines
	}
	v.lines = base
	copy(v.regions, regions) // keep the grown scratch
	v.pushChunkLines(p, v.curStart, end)
	v.cur = nil
	return end
}

// sift is the first stage for one region: it counts the lines and keeps
// those that are not quiet.
func (v *Verifier) sift(p []byte, r *region) {
	v.siftRegion(p, r, false)
	// Most consoles end lines with "\r\n" and hold no other CR: when the
	// region's CRs all end lines, no line held an interior one. Otherwise
	// (a progress line rewritten with '\r') sift again, looking.
	r.interiorCR = bytes.Count(p[r.start:r.end], crByte) != r.trailingCRs
	if r.interiorCR {
		r.refs, r.sawText = r.refs[:0], false
		v.siftRegion(p, r, true)
	}
}

// siftRegion is one pass of sift; interiorCR says whether a line may hold
// a CR before its end.
func (v *Verifier) siftRegion(p []byte, r *region, interiorCR bool) {
	// The worker's own anchors, scanning its region only.
	var lh literalHits
	if v.lazy {
		lh = v.hits.clone()
		lh.reset(p[:r.end], r.start)
	}
	idx := int32(0)
	r.trailingCRs = 0
	// The literals of the whole region, found in one probe loop; a line
	// holding none needs no literal check of its own.
	hp := 0
	if v.litSet != nil {
		r.hits = v.litSet.positions(p, r.start, r.end, &r.scratch, r.hits[:0])
		slices.Sort(r.hits)
	}
	// The next ESC and NUL of the region: a line before both needs no
	// cleaning.
	escAt, nulAt := indexByteFrom(p[:r.end], r.start, esc), indexByteFrom(p[:r.end], r.start, 0)
	r.firstEsc, r.firstNul = escAt, nulAt
	// nextHit is r.hits[hp], or r.end when none is left: one compare a
	// line.
	nextHit := r.end
	if len(r.hits) > 0 {
		nextHit = r.hits[0]
	}
	r.ends.reset(p, r.start, r.end)
	for pos := r.start; pos < r.end; {
		nl := r.ends.next() // a region ends with '\n': never -1 here
		idx++
		if escAt < pos {
			escAt = indexByteFrom(p[:r.end], pos, esc)
		}
		if nulAt < pos {
			nulAt = indexByteFrom(p[:r.end], pos, 0)
		}
		e := nl
		for e > pos {
			if c := p[e-1]; c == '\r' {
				r.trailingCRs++
			} else if !isBlank(c) {
				break
			}
			e--
		}
		quiet := escAt > nl && nulAt > nl
		if quiet && interiorCR && bytes.IndexByte(p[pos:e], '\r') >= 0 {
			quiet = false
		}
		for nextHit < pos {
			if hp++; hp < len(r.hits) {
				nextHit = r.hits[hp]
			} else {
				nextHit = r.end
			}
		}
		if nextHit < nl {
			quiet = false
		}
		if !quiet || !v.quiet(p, pos, nl, e, &lh, r) {
			r.refs = append(r.refs, lineRef{idx: idx, start: pos, nl: nl})
		}
		pos = nl + 1
		if v.lazy && lh.min < pos {
			lh.advance(p[:r.end], pos)
		}
	}
	r.lines = int(idx)
}

// quiet reports whether the clean line p[pos:nl] (no ESC, NUL or interior
// CR: sift checked) does nothing at all: it is not cut, and no index of the
// spec finds anything in it; it starts no undeclared namespace and reports
// no failure. It only reads v.
// A line that is not quiet is matched in full by the second stage, so this
// may err on the side of false.
func (v *Verifier) quiet(p []byte, pos, nl, e int, lh *literalHits, r *region) bool {
	if nl-pos > v.maxLine {
		return false
	}
	for pos < e && isBlank(p[pos]) { // the caller trimmed the end
		pos++
	}
	if pos == e {
		return true
	}
	s := p[pos:e]
	r.sawText = true
	if !hasPair(&v.firstPairs, s[0], at(s, 1)) && !hasPair(&v.lastPairs, at(s, len(s)-2), s[len(s)-1]) && len(s) > v.maxExact && !(v.lazy && lh.min < nl) {
		return true // none of the rules below can apply
	}
	if len(s) <= v.maxExact {
		if k := exactKey(s); v.exactBloom[k/64]&(1<<(k%64)) != 0 {
			if _, ok := v.exact[string(s)]; ok {
				return false
			}
		}
	}
	if v.suffix != nil && v.suffix.root[s[len(s)-1]] != 0 {
		if r.found = v.suffix.walkBack(s, r.found[:0]); len(r.found) > 0 {
			return false
		}
	}
	// The prefix tokens, measured once for the two rules that look behind
	// them (a prefix marker after them, a namespace after them).
	lead := 0
	if mayStartToken(s[0]) && (v.trie != nil && v.needBody || v.undeclared != nil) {
		lead = leadingTokens(s)
	}
	if v.trie != nil {
		if v.trie.root[s[0]] != 0 {
			if r.found = v.trie.walk(s, r.found[:0]); len(r.found) > 0 {
				return false
			}
		}
		if v.needBody {
			if k := lead; k > 0 && k < len(s) && v.trie.root[s[k]] != 0 {
				if r.found = v.trie.walk(s[k:], r.found[:0]); len(r.found) > 0 {
					return false
				}
			}
		}
	}
	if v.lazy && lh.min < nl {
		for _, at := range lh.next {
			if at < nl {
				return false
			}
		}
	}
	// The failure-line rules of failureWord, with the cheap tests first:
	// a line in a namespace goes to the second stage whole; otherwise a
	// failure word must end the line or stand in a namespace behind the
	// line's prefix tokens.
	if v.nsFirst[s[0]] && v.namespace(s) != nil {
		return false
	}
	if charClass[s[len(s)-1]]&(ccClosePunct|ccFailEnd) != 0 && lastWordFailure(s) != nil {
		return false
	}
	if v.undeclared != nil {
		if k := lead; k > 0 && k < len(s) && v.nsFirst[s[k]] {
			if p := v.namespace(s[k:]); p != nil && failureWordIn(s[k+len(p):]) != nil {
				return false
			}
		}
	}
	return true
}

// quietEdges fills v.firstPairs and v.lastPairs from the rules of quiet:
// a line can fail to be quiet through its first bytes (a trie marker, a
// namespace, a prefix token before either) or its last (a suffix marker,
// punctuation, the end of a failure word), the rest being its length, the
// exact markers and the anchored literals. A byte that is not there (a
// line of one byte) is 0.
func (v *Verifier) quietEdges() {
	for a := range 256 {
		if v.trie != nil && v.trie.root[a] != 0 || mayStartToken(byte(a)) && (v.trie != nil && v.needBody || v.undeclared != nil) {
			for b := range 256 {
				setPair(&v.firstPairs, byte(a), byte(b))
			}
		}
	}
	for _, u := range v.undeclared {
		for b := range 256 {
			if len(u) == 1 || u[1] == byte(b) {
				setPair(&v.firstPairs, u[0], byte(b))
			}
		}
	}
	for last := range 256 {
		all := v.suffix != nil && v.suffix.root[last] != 0 || charClass[last]&ccClosePunct != 0
		if !all && charClass[last]&ccFailEnd == 0 {
			continue
		}
		for prev := range 256 {
			if all || endsFailureWord(byte(prev), byte(last)) {
				setPair(&v.lastPairs, byte(prev), byte(last))
			}
		}
	}
}

// endsFailureWord reports whether prev and last could be the last two
// letters of a failure word, folded as lastWordFailure folds them.
func endsFailureWord(prev, last byte) bool {
	for _, w := range failureWords {
		if prev|0x20 == w[len(w)-2] && last|0x20 == w[len(w)-1] {
			return true
		}
	}
	return false
}

func setPair(set *[1 << 16 / 64]uint64, a, b byte) {
	k := uint(a)<<8 | uint(b)
	set[k/64] |= 1 << (k % 64)
}

func hasPair(set *[1 << 16 / 64]uint64, a, b byte) bool {
	k := uint(a)<<8 | uint(b)
	return set[k/64]&(1<<(k%64)) != 0
}

// at is s[i], or 0 when i is outside s.
func at(s []byte, i int) byte {
	if i < 0 || i >= len(s) {
		return 0
	}
	return s[i]
}

// clone returns a copy of h for a worker: the same anchors, its own
// positions, never resampled.
func (h *literalHits) clone() literalHits {
	c := *h
	c.next = make([]int, len(h.next))
	c.sinceSample = -1 << 62
	return c
}

// adaptSample is how much of the stream literalSet.adapt looks at.
const adaptSample = 64 << 10

// readChunk is how much ReadFrom reads at once.
const readChunk = 1 << 20

// ReadFrom writes everything r holds to v (io.Copy into a Verifier ends
// here), in large chunks, two buffers in turn: the next chunk is read
// while the first stage matches the current one on the other cores
// (Verifier.duringSift), so reading a log file and matching it overlap
// without a reading goroutine. A goroutine of its own took a core from
// the first stage's workers each time it woke, which left them waiting
// for a core at every chunk.
// It reads r to its end: a chunk's matching completes only once the next
// chunk is read, so a live console is fed with Write instead.
func (v *Verifier) ReadFrom(r io.Reader) (int64, error) {
	bufs := [2][]byte{make([]byte, readChunk), make([]byte, readChunk)}
	n, err := readFull(r, bufs[0])
	var total int64
	for i := 0; ; i ^= 1 {
		var next int
		var nextErr error
		read := false
		if err == nil {
			v.duringSift = func() {
				next, nextErr = readFull(r, bufs[i^1])
				read = true
			}
		}
		if n > 0 {
			if _, werr := v.Write(bufs[i][:n]); werr != nil {
				v.duringSift = nil
				return total, werr
			}
			total += int64(n)
		}
		v.duringSift = nil
		switch {
		case err == io.EOF:
			return total, nil
		case err != nil:
			return total, err
		}
		if !read {
			next, nextErr = readFull(r, bufs[i^1])
		}
		n, err = next, nextErr
	}
}

// readFull fills buf from r; a short last chunk ends with io.EOF.
func readFull(r io.Reader, buf []byte) (int, error) {
	n, err := io.ReadFull(r, buf)
	if err == io.ErrUnexpectedEOF {
		err = io.EOF
	}
	return n, err
}
