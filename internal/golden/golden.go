// Package golden compares rendered test output with golden files and
// rewrites them when the test binary runs with -update. Only tests import
// it; importing it registers the -update flag.
package golden

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files")

// Update reports whether the test binary runs with -update, for tests that
// rewrite fixtures of their own shape.
func Update() bool { return *update }

// Check compares got with the golden file at path. Under -update it writes
// got there instead, creating the directory.
func Check(t testing.TB, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (run go test -update after checking the change):\n%s", path, Diff(want, got))
	}
}

// Diff describes how got differs from want: the first differing line of
// each, then got in full.
func Diff(want, got []byte) string {
	w := strings.Split(string(want), "\n")
	g := strings.Split(string(got), "\n")
	i := 0
	for i < len(w) && i < len(g) && w[i] == g[i] {
		i++
	}
	line := func(ls []string) string {
		if i < len(ls) {
			return fmt.Sprintf("%q", ls[i])
		}
		return "(end of file)"
	}
	return fmt.Sprintf("first difference at line %d:\n  want %s\n  got  %s\n--- got\n%s", i+1, line(w), line(g), got)
}
