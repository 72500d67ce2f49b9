package verify

import "math/bits"

// Bytes found in bulk: the first stage splits every line of a log, and
// one search per line (bytes.IndexByte) costs a call and a mispredicted
// exit per line; an anchor byte of a few literals occurs every few hundred
// bytes. byteMasks marks the places of a byte in 64 bytes with one word,
// and lineEnds and literalHits.find walk the set bits.

// lineEnds yields the '\n' positions of p[from:to] in order.
type lineEnds struct {
	base    int      // index in p of masks[0]'s bit 0
	masks   []uint64 // bit j of masks[i]: p[base+64*i+j] == '\n'
	i       int      // the word being read
	cur     uint64   // its bits not yet yielded
	scratch []uint64
}

// reset makes e yield the line ends of p[from:to].
func (e *lineEnds) reset(p []byte, from, to int) {
	n := (to - from + 63) / 64
	if cap(e.scratch) < n {
		e.scratch = make([]uint64, n)
	}
	e.base, e.masks = from, e.scratch[:n]
	whole := (to - from) / 64
	byteMasks(p[from:from+64*whole], '\n', e.masks[:whole])
	if whole < n { // the tail: fewer than 64 bytes
		e.masks[whole] = byteMask(p[from+64*whole:to], '\n')
	}
	e.i = 0
	if n > 0 {
		e.cur = e.masks[0]
	} else {
		e.cur = 0
	}
}

// next returns the next '\n' position, or -1 when none is left.
func (e *lineEnds) next() int {
	for e.cur == 0 {
		e.i++
		if e.i >= len(e.masks) {
			return -1
		}
		e.cur = e.masks[e.i]
	}
	j := bits.TrailingZeros64(e.cur)
	e.cur &= e.cur - 1
	return e.base + 64*e.i + j
}

// byteMasksGeneric is byteMasks in Go, for other architectures and as the
// reference of the tests.
func byteMasksGeneric(p []byte, c byte, out []uint64) {
	for i := range out {
		out[i] = byteMask(p[64*i:64*i+64], c)
	}
}

// byteMask marks the places of c in p, at most 64 bytes.
func byteMask(p []byte, c byte) uint64 {
	var m uint64
	for j, b := range p {
		if b == c {
			m |= 1 << j
		}
	}
	return m
}
