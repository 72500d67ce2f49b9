package board

import (
	"slices"
	"testing"

	"github.com/taskproof/taskproof/internal/task"
)

func TestParseProseList(t *testing.T) {
	for _, tt := range []struct {
		line  string
		label string
		ids   []task.ID
	}{
		{"**Still open (SMP closure / release-blockers):** `0281`, `0282`, `0286`.", "Still open", []task.ID{"TASK-0281", "TASK-0282", "TASK-0286"}},
		{"**Still open**: TASK-0001 and TASK-0002B", "Still open", []task.ID{"TASK-0001", "TASK-0002B"}},
		{"- Done: TASK-0146/0147; TASK-0150 next", "Done", []task.ID{"TASK-0146", "TASK-0147"}},
		{"> Remaining: `0010` (blocked by TASK-0009)", "Remaining", []task.ID{"TASK-0010"}},
		{"* In Progress: TASK\u20110005", "In Progress", []task.ID{"TASK-0005"}},
		{"Completed: 2026", "", nil},
		{"Open: 120 items", "", nil},
		{"See https://x.invalid/TASK-0001", "", nil},
		{"- Tasks: `TASK-0001`..`TASK-0003`", "Tasks", []task.ID{"TASK-0001", "TASK-0003"}},
		{"A long sentence that goes on and on before it finally reaches a colon: TASK-0001", "", nil},
		{"- `TASK-0001`: done", "", nil},
		{"- TASK-0001 Done: see notes", "", nil},
		{"**Unclosed: TASK-0001", "", nil},
	} {
		pl, ok := parseProseList(tt.line, 7)
		if ok != (tt.label != "") || pl.Label != tt.label || !slices.Equal(pl.IDs, tt.ids) || (ok && pl.Line != 7) {
			t.Errorf("parseProseList(%q) = %+v %v, want %q %v", tt.line, pl, ok, tt.label, tt.ids)
		}
	}
}

func TestLabelClaim(t *testing.T) {
	classify := defaultClassify
	for _, tt := range []struct {
		label string
		open  bool
		class task.StatusClass
	}{
		{"Still open", true, ""},
		{"still-open", true, ""},
		{"Remaining", true, ""},
		{"Done", false, "Done"},
		{"Completed", false, "Done"},
		{"In progress", false, "In Progress"},
		{"Blocked by", false, ""},
		{"Done items", false, ""},
		{"Queued", false, ""}, // a board word: only [board.vocabulary] maps it
		{"Notes", false, ""},
		{"Tasks", false, ""},
	} {
		open, class := labelClaim(tt.label, classify)
		if open != tt.open || class != tt.class {
			t.Errorf("labelClaim(%q) = %v %q, want %v %q", tt.label, open, class, tt.open, tt.class)
		}
	}
}

// TestDriftProseLists runs drift over testdata/drift-prose.md as an
// order file.
func TestDriftProseLists(t *testing.T) {
	got, rep := fixtureFindings(t, "drift-prose.md", true)
	want := []findingKey{
		{KindListStatus, "TASK-0009", 5},  // still open, header Done
		{KindListStatus, "TASK-0006", 12}, // remaining, header Superseded
		{KindUnknownID, "TASK-0042", 12},  // shorthand without a file
	}
	if !slices.Equal(got, want) {
		t.Errorf("findings %+v\nwant %+v\n%s", got, want, rep.Text())
	}
}
