package web

import (
	"strings"
	"testing"

	"github.com/taskproof/taskproof/internal/testcorpus"
)

// TestCorpusBoard: the open-nexus board has every task once per group it
// is in, the hand-written board's 15 groups with recomputed counters, the
// drift beside the task it concerns, and the claimed-without-proof list.
func TestCorpusBoard(t *testing.T) {
	snap, err := Source{Root: testcorpus.Dir(t)}.Load()
	if err != nil {
		t.Fatal(err)
	}
	p := buildBoard(snap, pageBase{})
	ids, paths := map[string]bool{}, map[string]bool{}
	var drift247 []findingView
	for _, g := range p.Groups {
		for _, r := range g.Rows {
			ids[r.ID], paths[r.Path] = true, true
			if r.ID == "TASK-0247" {
				drift247 = r.Findings
			}
		}
	}
	if len(ids) != 352 || len(paths) != 353 {
		t.Errorf("%d ids in %d files, want 352 in 353", len(ids), len(paths))
	}
	if len(snap.Groups) != 15 || snap.GroupSource != "tasks/STATUS-BOARD.md" {
		t.Errorf("%d groups from %q", len(snap.Groups), snap.GroupSource)
	}
	found := false
	for _, f := range drift247 {
		found = found || (f.Severity == "drift" && f.Rule == "status-rule")
	}
	if !found {
		t.Errorf("TASK-0247 (status: done) lacks its status-rule drift: %+v", drift247)
	}
	if len(p.Claimed) != 107 || p.Done != 107 || p.Proven != 0 {
		t.Errorf("claimed %d, done %d, proven %d", len(p.Claimed), p.Done, p.Proven)
	}
	for _, c := range p.Counts {
		if c.State == "claimed" && c.Count != 107 || c.State == "proven" && c.Count != 0 {
			t.Errorf("count %+v", c)
		}
	}
	b, err := render("board", p)
	if err != nil || !strings.Contains(string(b), `data-id="TASK-0247"`) {
		t.Errorf("render: %v", err)
	}
}
