package repo

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/taskproof/taskproof/internal/gittest"
)

// TestDrift: the default files are read when present and skipped when
// absent; a file given must exist; no file at all says what to pass.
func TestDrift(t *testing.T) {
	bare := t.TempDir()
	gittest.WriteFiles(t, bare, map[string]string{"tasks/TASK-0001-one.md": taskOne})
	if _, err := Open(bare).Drift("", ""); err == nil || !strings.Contains(err.Error(), "nothing to check: neither tasks/STATUS-BOARD.md nor tasks/IMPLEMENTATION-ORDER.md exists") {
		t.Errorf("no files: %v", err)
	}
	if _, err := Open(bare).Drift(filepath.Join(bare, "nope.md"), ""); err == nil || !strings.Contains(err.Error(), "--board "+filepath.Join(bare, "nope.md")+": no such file") {
		t.Errorf("a missing --board: %v", err)
	}
	dir := t.TempDir()
	gittest.WriteFiles(t, dir, map[string]string{
		"tasks/TASK-0001-one.md": taskOne,
		"tasks/STATUS-BOARD.md":  "# Board\n\n| Task | Status |\n|---|---|\n| TASK-0001 | Done |\n",
		"elsewhere/ORDER.md":     "1. TASK-0001\n",
	})
	rep, err := Open(dir).Drift("", "")
	if err != nil || len(rep.Findings) == 0 {
		t.Fatalf("a board that says Done of a task in progress: %v, %+v", err, rep)
	}
	if rep, err = Open(dir).Drift("", filepath.Join(dir, "elsewhere/ORDER.md")); err != nil || rep == nil {
		t.Errorf("a given order file: %v", err)
	}
}
