// Package testcorpus locates the open-nexus corpus for compatibility tests.
// The corpus lives in ../shared/corpus/open-nexus beside the repository; on
// a user's machine it is absent and the tests that need it skip.
package testcorpus

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// Dir returns the absolute path of the open-nexus corpus, or skips t with a
// message when it is not there.
func Dir(t testing.TB) string {
	t.Helper()
	d, ok := Lookup()
	if !ok {
		t.Skipf("open-nexus corpus not found at %s (it lives in ../shared beside the repository); skipping compatibility test", d)
	}
	return d
}

// Lookup returns the corpus path and whether it exists. TASKPROOF_CORPUS
// overrides the default location.
func Lookup() (string, bool) {
	d := os.Getenv("TASKPROOF_CORPUS")
	if d == "" {
		_, file, _, _ := runtime.Caller(0)
		// file is <repo>/internal/testcorpus/testcorpus.go
		d = filepath.Join(filepath.Dir(file), "..", "..", "..", "shared", "corpus", "open-nexus")
	}
	d = filepath.Clean(d)
	st, err := os.Stat(filepath.Join(d, "tasks"))
	return d, err == nil && st.IsDir()
}

// HistoryTasks returns the root of the corpus's task tree at an older
// commit (history-tasks/<commit>, holding tasks/), or skips t when the
// corpus or that tree is absent.
func HistoryTasks(t testing.TB, commit string) string {
	t.Helper()
	d := filepath.Join(Dir(t), "history-tasks", commit)
	if st, err := os.Stat(filepath.Join(d, "tasks")); err != nil || !st.IsDir() {
		t.Skipf("history tree %s not found at %s; skipping compatibility test", commit, d)
	}
	return d
}
