package prove

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/taskproof/taskproof/internal/evidence"
	"github.com/taskproof/taskproof/internal/gittest"
	"github.com/taskproof/taskproof/internal/proofstate"
	"github.com/taskproof/taskproof/internal/repo"
	"github.com/taskproof/taskproof/internal/task"
)

// TestEvidenceMarkdown: a task without evidence, or with a file that is
// no bundle, is not proven (ErrNotProven); a bundle no key verifies is
// shown from its claims and not proven; a task without an id is bad input.
func TestEvidenceMarkdown(t *testing.T) {
	dir := t.TempDir()
	gittest.WriteFiles(t, dir, map[string]string{
		"tasks/TASK-0001-one.md": "# TASK-0001: One\n\n- Status: In Progress\n",
		"tasks/TASK-0002-two.md": "# TASK-0002: Two\n\n- Status: In Progress\n",
		"tasks/TASK-0003-bad.md": "# TASK-0003: Bad\n\n- Status: In Progress\n",
		"tasks/untitled.md":      "# Untitled\n\n- Status: Draft\n",
	})
	_, priv, err := evidence.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	pred := evidence.Predicate{TaskID: "TASK-0002", Commit: strings.Repeat("0", 40), Verdict: evidence.Proven,
		Items: []evidence.Item{{Item: "x", Kind: evidence.KindCommand, Verdict: evidence.Proven}}}
	b, err := evidence.Build([]evidence.File{{Name: evidence.ScopeName, Data: []byte("not json")}}, pred, priv)
	if err != nil {
		t.Fatal(err)
	}
	for id, data := range map[task.ID][]byte{"TASK-0002": b, "TASK-0003": []byte("not a tar")} {
		p := proofstate.BundlePath(dir, id)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	r := repo.Open(dir)
	section := func(arg string) (*EvidenceSection, error) {
		d, err := r.Task(arg)
		if err != nil {
			t.Fatal(err)
		}
		return EvidenceMarkdown(t.Context(), r, d, 5)
	}
	for _, id := range []string{"TASK-0001", "TASK-0003"} {
		if _, err := section(id); !errors.Is(err, ErrNotProven) {
			t.Errorf("%s: %v, want ErrNotProven", id, err)
		}
	}
	if _, err := section(filepath.Join(dir, "tasks/untitled.md")); err == nil || errors.Is(err, ErrNotProven) || !strings.Contains(err.Error(), "has no task id") {
		t.Errorf("no id: %v", err)
	}
	sec, err := section("TASK-0002")
	if err != nil {
		t.Fatal(err)
	}
	if sec.Proven || sec.Unread == nil || !strings.Contains(sec.Unread.Error(), "scope.json does not decode") || !strings.Contains(string(sec.Markdown), "TASK-0002") {
		t.Errorf("unverified bundle: proven %v, unread %v\n%s", sec.Proven, sec.Unread, sec.Markdown)
	}
}
