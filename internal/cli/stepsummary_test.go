package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestAppendStepSummary(t *testing.T) {
	path := filepath.Join(t.TempDir(), "summary.md")
	vars := map[string]string{}
	env := &Env{Getenv: func(k string) string { return vars[k] }}
	if err := AppendStepSummary(env, []byte("# ignored")); err != nil {
		t.Fatalf("without GITHUB_STEP_SUMMARY: %v", err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("wrote %s without GITHUB_STEP_SUMMARY set", path)
	}
	vars["GITHUB_STEP_SUMMARY"] = path
	for _, md := range []string{"# one", "# two"} {
		if err := AppendStepSummary(env, []byte(md)); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if want := "# one\n# two\n"; string(got) != want {
		t.Errorf("summary = %q, want %q", got, want)
	}
	vars["GITHUB_STEP_SUMMARY"] = filepath.Join(path, "not-a-dir", "x.md")
	if err := AppendStepSummary(env, []byte("x")); err == nil || !strings.Contains(err.Error(), "append job summary") {
		t.Errorf("unwritable summary: err = %v, want an append job summary error", err)
	}
}

func TestWarnStepSummary(t *testing.T) {
	var stderr strings.Builder
	dir := t.TempDir()
	env := &Env{Stderr: &stderr, Getenv: func(string) string { return filepath.Join(dir, "missing", "summary.md") }}
	WarnStepSummary(env, "prove", []byte("# x"))
	if got := stderr.String(); !strings.HasPrefix(got, "taskproof prove: warning: append job summary: ") {
		t.Errorf("stderr %q, want a warning", got)
	}
	stderr.Reset()
	env.Getenv = func(string) string { return filepath.Join(dir, "summary.md") }
	WarnStepSummary(env, "prove", []byte("# x"))
	if stderr.Len() != 0 {
		t.Errorf("stderr %q after a written summary", stderr.String())
	}
}
