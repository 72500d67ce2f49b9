package board

import (
	"slices"
	"testing"

	"github.com/taskproof/taskproof/internal/task"
)

func TestParseProseList(t *testing.T) {
	for _, tt := range []struct {
		line   string
		label  string
		ids    []task.ID
		ranges []string // Item.String of each range
	}{
		{"**Still open (SMP closure / release-blockers):** `0281`, `0282`, `0286`.", "Still open", []task.ID{"TASK-0281", "TASK-0282", "TASK-0286"}, nil},
		{"**Still open**: TASK-0001 and TASK-0002B", "Still open", []task.ID{"TASK-0001", "TASK-0002B"}, nil},
		{"- Done: TASK-0146/0147; TASK-0150 next", "Done", []task.ID{"TASK-0146", "TASK-0147"}, nil},
		{"> Remaining: `0010` (blocked by TASK-0009)", "Remaining", []task.ID{"TASK-0010"}, nil},
		{"* In Progress: TASK\u20110005", "In Progress", []task.ID{"TASK-0005"}, nil},
		{"Completed: 2026", "", nil, nil},
		{"Open: 120 items", "", nil, nil},
		{"See https://x.invalid/TASK-0001", "", nil, nil},
		{"- Tasks: `TASK-0001`..`TASK-0003`", "Tasks", nil, []string{"TASK-0001..TASK-0003"}},
		// Ranges in every spelling, and single ids beside them.
		{"Still open: TASK-0010..0015", "Still open", nil, []string{"TASK-0010..TASK-0015"}},
		{"Still open: TASK-0010–TASK-0015, TASK-0020", "Still open", []task.ID{"TASK-0020"}, []string{"TASK-0010..TASK-0015"}},
		{"Open: TASK-0010 to 0015 and `0030` through `0031B`", "Open", nil, []string{"TASK-0010..TASK-0015", "TASK-0030..TASK-0031B"}},
		{"Remaining: TASK-0010 to 15", "Remaining", nil, []string{"TASK-0010..TASK-0015"}},
		{"Remaining: TASK-0040+", "Remaining", nil, []string{"TASK-0040..TASK-99999999"}},
		{"Done: `TASK-0126` + `TASK-0126B`", "Done", []task.ID{"TASK-0126", "TASK-0126B"}, nil},
		{"Remaining: TASK-0040+ (queued).", "Remaining", nil, []string{"TASK-0040..TASK-99999999"}},
		{"Done: TASK-0146/0147, 0150-0152", "Done", []task.ID{"TASK-0146", "TASK-0147"}, []string{"TASK-0150..TASK-0152"}},
		{"Done: TASK-0015..TASK-0010", "Done", []task.ID{"TASK-0015", "TASK-0010"}, nil}, // backwards: two ids
		{"Open: TASK-12, TASK-0008B", "Open", []task.ID{"TASK-0012", "TASK-0008B"}, nil},
		{"A long sentence that goes on and on before it finally reaches a colon: TASK-0001", "", nil, nil},
		{"- `TASK-0001`: done", "", nil, nil},
		{"- TASK-0001 Done: see notes", "", nil, nil},
		{"**Unclosed: TASK-0001", "", nil, nil},
	} {
		pl, ok := parseProseList(tt.line, 7)
		var ranges []string
		for _, it := range pl.Ranges {
			ranges = append(ranges, it.String())
		}
		if ok != (tt.label != "") || pl.Label != tt.label || !slices.Equal(pl.IDs, tt.ids) || !slices.Equal(ranges, tt.ranges) || (ok && pl.Line != 7) {
			t.Errorf("parseProseList(%q) = %+v %v, want %q %v %v", tt.line, pl, ok, tt.label, tt.ids, tt.ranges)
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
		// Ranges in a list: every existing id inside counts.
		{KindListStatus, "TASK-0001", 15},
		{KindListStatus, "TASK-0002", 15},
		{KindListStatus, "TASK-0002B", 15},
		{KindListStatus, "TASK-0006", 15},
		// A bullet list under a "Still open" heading and a "Done:" label line.
		{KindListStatus, "TASK-0009", 21},
		{KindListStatus, "TASK-0003", 29},
		{KindUnknownID, "TASK-0012", 30}, // unpadded TASK-12
	}
	if !slices.Equal(got, want) {
		t.Errorf("findings %+v\nwant %+v\n%s", got, want, rep.Text())
	}
}
