package verify

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

// TestByteMasks: the assembly (on amd64) marks exactly the bytes sought,
// at every offset of every word, as the Go reference does.
func TestByteMasks(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for round := range 200 {
		n := r.IntN(40)
		c := byte(r.IntN(256))
		if round%2 == 0 {
			c = '\n'
		}
		p := make([]byte, 64*n+r.IntN(8)) // slack after the words: not read
		for i := range p {
			switch r.IntN(6) {
			case 0:
				p[i] = c
			case 1:
				p[i] = c ^ 0x80 // same low bits
			default:
				p[i] = byte(r.IntN(256))
			}
		}
		off := r.IntN(len(p) - 64*n + 1) // unaligned starts too
		want := make([]uint64, n)
		byteMasksGeneric(p[off:off+64*n], c, want)
		for name, masks := range byteMaskImpls() {
			got := make([]uint64, n)
			masks(p[off:off+64*n], c, got)
			for i := range got {
				if got[i] != want[i] {
					t.Fatalf("%s, round %d: word %d = %064b, want %064b", name, round, i, got[i], want[i])
				}
			}
		}
	}
}

// TestLineEnds: lineEnds yields the positions bytes.IndexByte finds, for
// any range of a buffer.
func TestLineEnds(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	var e lineEnds
	for round := range 500 {
		p := make([]byte, r.IntN(700))
		for i := range p {
			if r.IntN(1+r.IntN(90)) == 0 {
				p[i] = '\n'
			} else {
				p[i] = 'a'
			}
		}
		from := r.IntN(len(p) + 1)
		to := from + r.IntN(len(p)-from+1)
		var want []int
		for at := from; ; {
			j := bytes.IndexByte(p[at:to], '\n')
			if j < 0 {
				break
			}
			want = append(want, at+j)
			at += j + 1
		}
		e.reset(p, from, to)
		var got []int
		for nl := e.next(); nl >= 0; nl = e.next() {
			got = append(got, nl)
		}
		if len(got) != len(want) {
			t.Fatalf("round %d [%d:%d]: %d line ends, want %d", round, from, to, len(got), len(want))
		}
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("round %d [%d:%d]: end %d at %d, want %d", round, from, to, i, got[i], want[i])
			}
		}
	}
}
