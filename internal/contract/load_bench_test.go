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
// profile. It skips without the corpus.
func BenchmarkLoadUpstreamManifest(b *testing.B) {
	fsys := os.DirFS(filepath.Join(testcorpus.Dir(b), "proof-manifest-head"))
	b.ReportAllocs()
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
}
