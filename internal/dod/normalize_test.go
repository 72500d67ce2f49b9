package dod

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/taskproof/taskproof/internal/golden"
	"github.com/taskproof/taskproof/internal/testout"
)

// TestNormalizeTestLogGolden normalises real captures (go test -json of a
// small fixture module, fresh and cached; go test -v; a cargo run) and
// compares them with golden files.
func TestNormalizeTestLogGolden(t *testing.T) {
	for _, name := range []string{"gotest-fresh.json", "gotest-cached.json", "gotest-v.txt", "cargo.txt"} {
		in, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		got := NormalizeTestLog(in)
		golden.Check(t, filepath.Join("testdata", name+".golden"), got)
	}
}

// TestNormalizeTestLogSameRun checks the point of normalising: a fresh and
// a cached run of the same tests give the same bytes, and the result still
// parses to the same test cases.
func TestNormalizeTestLogSameRun(t *testing.T) {
	fresh, _ := os.ReadFile("testdata/gotest-fresh.json")
	cached, _ := os.ReadFile("testdata/gotest-cached.json")
	a, b := NormalizeTestLog(fresh), NormalizeTestLog(cached)
	if !bytes.Equal(a, b) {
		t.Fatalf("fresh and cached runs differ after normalising:\n%s\n---\n%s", a, b)
	}
	for _, probe := range [][]byte{[]byte(`"Time"`), []byte(`"Elapsed"`), []byte("0.00s"), []byte("(cached)")} {
		if bytes.Contains(a, probe) {
			t.Errorf("normalised log still holds %s", probe)
		}
	}
	orig, norm := testout.ParseGoTest(fresh), testout.ParseGoTest(a)
	if len(orig.Cases) == 0 || len(orig.Cases) != len(norm.Cases) {
		t.Fatalf("cases: %d before, %d after normalising", len(orig.Cases), len(norm.Cases))
	}
	for i := range orig.Cases {
		if orig.Cases[i].Name != norm.Cases[i].Name || orig.Cases[i].Outcome != norm.Cases[i].Outcome {
			t.Errorf("case %d: %s %s before, %s %s after", i, orig.Cases[i].Name, orig.Cases[i].Outcome, norm.Cases[i].Name, norm.Cases[i].Outcome)
		}
	}
}

func TestNormalizeTestLogKeeps(t *testing.T) {
	tests := []struct{ in, want string }{
		{"minios: boot ok\n", "minios: boot ok\n"},
		{"version 1.5 released\n", "version 1.5 released\n"},
		{"took 3ms to settle", "took <t> to settle"},
		{"size 10m", "size <t>"}, // a duration shape, replaced: documented
		{"no newline at end (1.5s)", "no newline at end (<t>)"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := string(NormalizeTestLog([]byte(tt.in))); got != tt.want {
			t.Errorf("NormalizeTestLog(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}
