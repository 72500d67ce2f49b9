package verify

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// naivePositions is what literalSet.positions must find: the start of
// every occurrence of every literal in p[a:b], one per occurrence.
func naivePositions(lits [][]byte, ids []int32, p []byte, a, b int) []int {
	var out []int
	for _, id := range ids {
		l := lits[id]
		for i := a; i+len(l) <= b; i++ {
			if bytes.Equal(p[i:i+len(l)], l) {
				out = append(out, i)
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// TestLiteralSetPositions checks the window tiers against a naive search:
// literals of every length the set takes (the seven-byte windows exist
// only when one of them is shorter than fifteen bytes), sharing prefixes
// the way upstream markers do, planted at every alignment in console-like
// text; and the same set with its windows chosen from a sample of such
// text (adapt).
func TestLiteralSetPositions(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	words := []string{"init", "vfsd", "ready", "SELFTEST", "ok", "up", "logd", "ipc", "map", "FAIL", "execd"}
	for _, minLen := range []int{windowMinLiteral, longWindowMin, shortWindowMin} {
		t.Run(fmt.Sprint("min", minLen), func(t *testing.T) {
			seen := map[string]bool{}
			var lits [][]byte
			for len(lits) < 40 {
				var b []byte
				for len(b) < minLen || r.IntN(3) > 0 && len(b) < 40 {
					if len(b) > 0 {
						b = append(b, " :"[r.IntN(2)])
					}
					b = append(b, words[r.IntN(len(words))]...)
				}
				if !seen[string(b)] {
					seen[string(b)] = true
					lits = append(lits, b)
				}
			}
			ids := make([]int32, len(lits))
			for i := range ids {
				ids[i] = int32(i)
			}
			base := newLiteralSet(lits, ids)
			base.built()
			var sc literalScratch
			for round := range 200 {
				ls := base
				var p []byte
				for len(p) < 2000 {
					switch r.IntN(4) {
					case 0:
						p = append(p, lits[r.IntN(len(lits))]...)
					case 1:
						l := lits[r.IntN(len(lits))]
						p = append(p, l[:r.IntN(len(l))]...) // a literal cut short
					default:
						p = append(p, words[r.IntN(len(words))]...)
					}
					p = append(p, " :\n"[r.IntN(3)])
				}
				if round%2 == 1 {
					ls = base.adapt(p[:len(p)/2])
				}
				a := r.IntN(9)
				b := len(p) - r.IntN(9)
				got := ls.positions(p, a, b, &sc, nil)
				slices.Sort(got)
				got = slices.Compact(got)
				if want := naivePositions(lits, ids, p, a, b); !slices.Equal(got, want) {
					t.Fatalf("round %d: positions %v, want %v", round, got, want)
				}
				// find, per segment, names the same literals.
				for _, seg := range bytes.Split(p[a:b], []byte{'\n'}) {
					var want []int32
					for _, id := range ids {
						if bytes.Contains(seg, lits[id]) {
							want = append(want, id)
						}
					}
					found := ls.find(seg, nil)
					slices.Sort(found)
					if found = slices.Compact(found); !slices.Equal(found, want) {
						t.Fatalf("round %d: find(%q) = %v, want %v", round, seg, found, want)
					}
				}
			}
		})
	}
}
