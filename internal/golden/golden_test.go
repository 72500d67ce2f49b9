package golden

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// recorder is a testing.TB that keeps failures instead of reporting them,
// so the helper's own failure path can be checked.
type recorder struct {
	testing.TB
	errors []string
	fatal  bool
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, a ...any) {
	r.errors = append(r.errors, strings.TrimSpace(fmt.Sprintf(format, a...)))
}
func (r *recorder) Fatalf(format string, a ...any) {
	r.fatal = true
	r.errors = append(r.errors, fmt.Sprintf(format, a...))
}

func TestCheck(t *testing.T) {
	path := filepath.Join("testdata", "sample.golden")
	Check(t, path, []byte("one\ntwo\n"))

	r := &recorder{TB: t}
	Check(r, path, []byte("one\nTWO\n"))
	if len(r.errors) != 1 || !strings.Contains(r.errors[0], "first difference at line 2") || !strings.Contains(r.errors[0], `got  "TWO"`) {
		t.Errorf("a differing file: %q", r.errors)
	}
	r = &recorder{TB: t}
	Check(r, filepath.Join(t.TempDir(), "missing.golden"), []byte("x"))
	if !r.fatal || !strings.Contains(r.errors[0], "run go test -update to create it") {
		t.Errorf("a missing file: %q", r.errors)
	}
}

func TestDiffEndOfFile(t *testing.T) {
	d := Diff([]byte("a\n"), []byte("a\nb\n"))
	if !strings.Contains(d, "line 2") || !strings.Contains(d, `want ""`) {
		t.Errorf("Diff: %s", d)
	}
	d = Diff([]byte("a"), []byte("a\nb"))
	if !strings.Contains(d, "want (end of file)") {
		t.Errorf("Diff: %s", d)
	}
}
