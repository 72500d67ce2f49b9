package lint

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/taskproof/taskproof/internal/task"
)

// TestBrokenLinkTaskRefsAndNamespaces: a link to a task by its id without
// the slug ("tasks/TASK-0001", "tasks/TASK-1") resolves to that task's
// file, and a path in another namespace ("state:/prefs/device.nxs") is not
// a repository file; a task id with no file and a missing path still give
// broken-link.
func TestBrokenLinkTaskRefsAndNamespaces(t *testing.T) {
	src := map[string][]byte{}
	var docs []*task.Document
	for _, name := range []string{"TASK-0001-net.md", "TASK-0002-refs.md"} {
		b, err := os.ReadFile(filepath.Join("testdata", "codespans", name))
		if err != nil {
			t.Fatal(err)
		}
		d, err := task.Parse("tasks/"+name, b)
		if err != nil {
			t.Fatal(err)
		}
		src[d.Path] = b
		docs = append(docs, d)
	}
	exists := map[string]bool{"docs/rfc.md": true, "tasks": true, "tasks/TASK-0001-net.md": true, "tasks/TASK-0002-refs.md": true}
	ds := Check(docs[1:], memEnv(docs, src, exists))
	var lines []int
	for _, x := range ruleHits(ds, "broken-link") {
		lines = append(lines, x.Line)
	}
	if !slices.Equal(lines, []int{7, 14}) {
		t.Errorf("broken-link on lines %v, want 7 (TASK-0099) and 14 (missing design)\n%v", lines, ds)
	}
}
