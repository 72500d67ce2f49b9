package contract

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/taskproof/taskproof/internal/testcorpus"
)

// BenchmarkLoadUpstreamManifest is the contract half of `taskproof verify
// --contract proof-manifest-head/manifest.toml --profile full`'s start-up:
// read and decode the root and its 16 included files, then resolve the
// profile. It skips without the corpus. Decoding runs on every core, so
// besides wall time it reports CPU time per load (cpu-ns/op), which says
// more on a shared machine.
func BenchmarkLoadUpstreamManifest(b *testing.B) {
	fsys := os.DirFS(filepath.Join(testcorpus.Dir(b), "proof-manifest-head"))
	b.ReportAllocs()
	cpu0 := processCPU()
	for b.Loop() {
		c, err := Load(fsys, "manifest.toml")
		if err != nil {
			b.Fatal(err)
		}
		spec, err := c.Resolve("full")
		if err != nil {
			b.Fatal(err)
		}
		if len(spec.Markers) == 0 {
			b.Fatal("profile full resolved to no markers")
		}
	}
	if cpu := processCPU() - cpu0; cpu > 0 {
		b.ReportMetric(cpu*1e9/float64(b.N), "cpu-ns/op")
	}
}
