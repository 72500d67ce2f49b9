package harness

import (
	"bytes"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

// TestConsoleLogMatchesLogFile feeds the same streams to the memory log
// and the log file: evidence keeps what `run --log` would write.
func TestConsoleLogMatchesLogFile(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	dir := t.TempDir()
	for i := range 300 {
		max := int64(1024 + rng.IntN(4096))
		total := rng.IntN(int(max) * 3)
		path := filepath.Join(dir, "log")
		lf, err := CreateLog(path, max)
		if err != nil {
			t.Fatal(err)
		}
		cl, err := NewConsoleLog(max)
		if err != nil {
			t.Fatal(err)
		}
		for total > 0 {
			n := min(total, 1+rng.IntN(int(max)+200))
			chunk := make([]byte, n)
			for j := range chunk {
				chunk[j] = "ab\n"[rng.IntN(3)]
			}
			lf.Write(chunk)
			cl.Write(chunk)
			total -= n
		}
		if err := lf.Commit(); err != nil {
			t.Fatal(err)
		}
		want, _ := os.ReadFile(path)
		if got := cl.Bytes(); !bytes.Equal(got, want) {
			t.Fatalf("stream %d (budget %d): memory log differs from the log file:\n%q\n%q", i, max, got, want)
		}
	}
	if _, err := NewConsoleLog(100); err == nil {
		t.Error("a budget under 1KiB was accepted")
	}
}
