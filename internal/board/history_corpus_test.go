package board_test

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/taskproof/taskproof/internal/board"
	"github.com/taskproof/taskproof/internal/repo"
	"github.com/taskproof/taskproof/internal/task"
	"github.com/taskproof/taskproof/internal/testcorpus"
)

// historyDrift runs drift over a history tree's STATUS-BOARD.md and
// IMPLEMENTATION-ORDER.md the way the CLI does, with an optional board
// vocabulary.
func historyDrift(t *testing.T, commit string, boardWords map[string]string) (*board.Report, []*task.Document) {
	t.Helper()
	return driftDir(t, testcorpus.HistoryTasks(t, commit), boardWords)
}

// driftDir is historyDrift over any directory holding a tasks/ tree.
func driftDir(t *testing.T, dir string, boardWords map[string]string) (*board.Report, []*task.Document) {
	t.Helper()
	r := repo.Open(dir)
	docs, err := r.Tasks()
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := r.Config()
	if err != nil {
		t.Fatal(err)
	}
	read := func(name string) *board.Source {
		data, err := os.ReadFile(filepath.Join(dir, "tasks", name))
		if err != nil {
			t.Fatal(err)
		}
		return &board.Source{Path: "tasks/" + name, Data: data}
	}
	rep := board.Drift(board.DriftInput{
		Board: read("STATUS-BOARD.md"),
		Order: read("IMPLEMENTATION-ORDER.md"),
		Docs:  docs,
		Classify: func(s string) task.StatusClass {
			if c := task.Classify(s, cfg.Status.Vocabulary, cfg.Status.Aliases); c != "" {
				return c
			}
			return task.Classify(s, cfg.Status.Vocabulary, boardWords)
		},
	})
	return rep, docs
}

// At 919b37fe the board's lane tables ("| Lane | Task | Status |") claim
// In Progress for eight tasks whose headers say Draft.
func TestHistoryLaneTableRows(t *testing.T) {
	rep, _ := historyDrift(t, "919b37fe", nil)
	want := map[task.ID]int{
		"TASK-0011": 32, "TASK-0011B": 33, "TASK-0244": 45, "TASK-0245": 46,
		"TASK-0247": 47, "TASK-0012": 48, "TASK-0013": 49, "TASK-0042": 50,
	}
	got := map[task.ID]int{}
	for _, f := range rep.Findings {
		if f.Kind == board.KindRowStatus {
			if f.File != "tasks/STATUS-BOARD.md" {
				t.Errorf("row-status in %s: %+v", f.File, f)
			}
			got[f.Task] = f.Line
		}
		if f.Kind == board.KindUnknownID {
			t.Errorf("unexpected unknown-id: %+v", f)
		}
	}
	if len(got) != len(want) {
		t.Errorf("row-status findings for %v, want %v", got, want)
	}
	for id, line := range want {
		if got[id] != line {
			t.Errorf("%s: row-status at line %d, want line %d", id, got[id], line)
		}
	}
}

// At f77db64d the board says Queued / Next under "In Progress / Next" and
// the order file has a "Queue (TASK-0015+)" heading: none is a finding by
// default. With a board vocabulary the Queued rows are checked.
func TestHistoryBoardVocabulary(t *testing.T) {
	rep, docs := historyDrift(t, "f77db64d", nil)
	queued := []int{40, 41, 42, 43, 44, 45} // STATUS-BOARD.md In Progress / Next rows
	for _, f := range rep.Findings {
		if f.File == "tasks/STATUS-BOARD.md" && slices.Contains(queued, f.Line) {
			t.Errorf("finding on a Queued/Next row: %+v", f)
		}
		if f.Kind == board.KindUnknownID || f.Kind == board.KindRowStatus || f.Kind == board.KindOrderOpen {
			t.Errorf("unexpected finding: %+v", f)
		}
	}
	all := board.Build(docs, nil).All
	if all.Done != 16 {
		t.Errorf("board counts %d Done, want 16 (TASK-0285's plain \"Status: Complete\" included)", all.Done)
	}

	rep, _ = historyDrift(t, "f77db64d", map[string]string{"queued": "Draft", "next": "Draft"})
	rows := map[task.ID]bool{}
	for _, f := range rep.Findings {
		if f.Kind == board.KindRowStatus && f.File == "tasks/STATUS-BOARD.md" {
			rows[f.Task] = true
		}
	}
	// TASK-0008B, 0009, 0010 and 0011 are Done in their headers.
	for _, id := range []task.ID{"TASK-0008B", "TASK-0009", "TASK-0010", "TASK-0011"} {
		if !rows[id] {
			t.Errorf("with Queued/Next mapped to Draft, no row-status for %s", id)
		}
	}
	if len(rows) != 4 {
		t.Errorf("row-status for %v, want the 4 Done tasks", rows)
	}
}

// TestHistoryDriftComplete pins every drift finding on both history
// trees: only the eight lane rows at 919b37fe, and at f77db64d only
// TASK-0008B, which is Done in its header, inside the Done list's range
// "TASK-0001 through TASK-0008" and missing from it (the board calls it
// Next). The "Done (recent)" list of 919b37fe is a selection, and the
// Done tasks after TASK-0008 at f77db64d are outside the list's range.
func TestHistoryDriftComplete(t *testing.T) {
	rep, _ := historyDrift(t, "919b37fe", nil)
	if len(rep.Findings) != 8 {
		t.Errorf("919b37fe: %d findings, want the 8 row-status findings:\n%s", len(rep.Findings), rep.Text())
	}
	for _, f := range rep.Findings {
		if f.Kind != board.KindRowStatus {
			t.Errorf("919b37fe: unexpected %+v", f)
		}
	}
	rep, _ = historyDrift(t, "f77db64d", nil)
	want := board.Finding{Kind: board.KindNotInDoneList, Task: "TASK-0008B", File: "tasks/STATUS-BOARD.md", Line: 19}
	if len(rep.Findings) != 1 || rep.Findings[0].Kind != want.Kind || rep.Findings[0].Task != want.Task || rep.Findings[0].Line != want.Line {
		t.Errorf("f77db64d findings:\n%s\nwant only %+v", rep.Text(), want)
	}
}
