package verify

import (
	"bytes"
	"testing"
)

func presence(tbl *[256]uint64, s []byte) uint64 {
	var a, b, c, d uint64
	for len(s) >= 4 {
		_ = s[3]
		a |= tbl[s[0]]
		b |= tbl[s[1]]
		c |= tbl[s[2]]
		d |= tbl[s[3]]
		s = s[4:]
	}
	for _, x := range s {
		a |= tbl[x]
	}
	return a | b | c | d
}

func BenchmarkZZPresence(b *testing.B) {
	_, ok := benchSpec(Exact, 660)
	log := genLog(8<<20, ok, false)
	var tbl [256]uint64
	for i, c := range []byte("kKCL") {
		tbl[c] = 1 << i
	}
	b.SetBytes(int64(len(log)))
	cpu0 := cpuTime()
	n := 0
	for range b.N {
		for p := log; len(p) > 0; {
			i := bytes.IndexByte(p, '\n')
			if i < 0 {
				break
			}
			if presence(&tbl, p[:i]) == 0xf {
				n++
			}
			p = p[i+1:]
		}
	}
	b.ReportMetric(float64(len(log))*float64(b.N)/(cpuTime()-cpu0)/1e6, "MB/cpu-s")
}

func BenchmarkZZRareByte(b *testing.B) {
	_, ok := benchSpec(Exact, 660)
	log := genLog(8<<20, ok, false)
	lits := [][]byte{}
	for _, p := range []string{"PANIC", "Kernel panic", "panicked at", "[FATAL"} {
		lits = append(lits, []byte(p))
	}
	h := newLiteralHits(lits)
	b.SetBytes(int64(len(log)))
	cpu0 := cpuTime()
	for range b.N {
		for p := log; len(p) > 0; {
			k := min(64<<10, len(p))
			h.reset(p[:k], 0)
			p = p[k:]
		}
	}
	b.ReportMetric(float64(len(log))*float64(b.N)/(cpuTime()-cpu0)/1e6, "MB/cpu-s")
}

func BenchmarkZZNewlinesOnly(b *testing.B) {
	_, ok := benchSpec(Exact, 660)
	log := genLog(8<<20, ok, false)
	b.SetBytes(int64(len(log)))
	cpu0 := cpuTime()
	n := 0
	for range b.N {
		for p := log; len(p) > 0; {
			i := bytes.IndexByte(p, '\n')
			if i < 0 {
				break
			}
			n++
			p = p[i+1:]
		}
	}
	b.ReportMetric(float64(len(log))*float64(b.N)/(cpuTime()-cpu0)/1e6, "MB/cpu-s")
}
