package lint

import (
	"strings"
	"testing"

	"github.com/taskproof/taskproof/internal/task"
)

// TestUnpaddedIDs: an id written without its zero padding (file name
// TASK-45-…, title TASK-0045) is the canonical task, so the two spellings
// do not disagree; two files that both resolve to TASK-0045 are reported
// as a duplicate id, never silently merged.
func TestUnpaddedIDs(t *testing.T) {
	parse := func(path, src string) *task.Document {
		d, err := task.Parse(path, []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	a := parse("tasks/TASK-45-lamp.md", "# TASK-0045: Lamp\n\n- Status: Draft\n")
	b := parse("tasks/TASK-0045-lamp-copy.md", "# TASK-045: Lamp copy\n\n- Status: Draft\n")
	if a.ID != "TASK-0045" || a.FileID != "TASK-0045" || b.ID != "TASK-0045" {
		t.Fatalf("ids %s/%s, %s", a.ID, a.FileID, b.ID)
	}
	var rules []string
	for _, d := range Check([]*task.Document{a, b}, ruleEnv()) {
		if d.Rule == "id-mismatch" || d.Rule == "duplicate-id" {
			rules = append(rules, d.File+":"+d.Rule)
		}
	}
	want := "tasks/TASK-0045-lamp-copy.md:duplicate-id tasks/TASK-45-lamp.md:duplicate-id"
	if strings.Join(rules, " ") != want {
		t.Errorf("got %q, want %q", rules, want)
	}
}
