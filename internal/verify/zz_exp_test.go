package verify

import "testing"

func BenchmarkZZExactNoLits(b *testing.B) {
	spec, ok := benchSpec(Exact, 660)
	spec.Forbidden = spec.Forbidden[:len(spec.Forbidden)-len(defaultForbidden)]
	benchVerify(b, spec, genLog(8<<20, ok, false))
}
func BenchmarkZZExactOnlyNewlines(b *testing.B) {
	spec := &Spec{Markers: []Marker{req("zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz")}}
	_, ok := benchSpec(Exact, 660)
	log := genLog(8<<20, ok, false)
	v := mustNew(b, spec, Options{})
	b.SetBytes(int64(len(log)))
	cpu0 := cpuTime()
	b.ResetTimer()
	for range b.N {
		for p := log; len(p) > 0; {
			k := min(64<<10, len(p))
			v.Write(p[:k])
			p = p[k:]
		}
	}
	b.ReportMetric(float64(len(log))*float64(b.N)/(cpuTime()-cpu0)/1e6, "MB/cpu-s")
}
