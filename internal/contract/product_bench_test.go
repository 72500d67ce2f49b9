package contract

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/taskproof/taskproof/internal/testcorpus"
	"github.com/taskproof/taskproof/internal/verify"
)

// BenchmarkProductPath is `taskproof verify` with the upstream head
// manifest (profile full) over a log bench/verify-vs-grep.sh generated:
// TASKPROOF_BENCH_LOG names it; the benchmark skips without one.
func BenchmarkProductPath(b *testing.B) {
	path := os.Getenv("TASKPROOF_BENCH_LOG")
	if path == "" {
		b.Skip("TASKPROOF_BENCH_LOG not set (a log from bench/verify-vs-grep.sh with KEEP=1)")
	}
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	c, err := Load(os.DirFS(filepath.Join(testcorpus.Dir(b), "proof-manifest-head")), "manifest.toml")
	if err != nil {
		b.Fatal(err)
	}
	spec, err := c.Resolve("full")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	cpu0 := processCPU()
	for b.Loop() {
		v, err := verify.New(spec, verify.Options{KeepMatching: true})
		if err != nil {
			b.Fatal(err)
		}
		// ReadFrom, the way `taskproof verify` reads a log file (io.Copy
		// from a reader that is not an io.WriterTo).
		if _, err := v.ReadFrom(struct{ io.Reader }{bytes.NewReader(data)}); err != nil {
			b.Fatal(err)
		}
		if r := v.Finish(verify.End{}); r.Verdict != verify.Pass {
			b.Fatalf("%s %+v", r.Verdict, r.Failure)
		}
	}
	// MB/s is wall time; on a shared machine the CPU time says more.
	if cpu := processCPU() - cpu0; cpu > 0 {
		b.ReportMetric(float64(len(data))*float64(b.N)/cpu/1e6, "MB/cpu-s")
	}
}

// processCPU returns the user+system CPU seconds this process used.
func processCPU() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}
