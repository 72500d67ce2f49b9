package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/taskproof/taskproof/internal/testcorpus"
)

// TestCorpusInitGroups: init in a copy of the corpus pre-fills the 15
// groups of its STATUS-BOARD.md, and the board generated from that
// configuration gives the hand-written counter of every group except
// where drift explains the difference with a counter finding.
func TestCorpusInitGroups(t *testing.T) {
	corpus := testcorpus.Dir(t)
	root := t.TempDir()
	copyTree(t, filepath.Join(corpus, "tasks"), filepath.Join(root, "tasks"))
	code, _, errs := proveCLI(t, "init", "--root", root)
	if code != 0 || !strings.Contains(errs, "15 groups read from tasks/STATUS-BOARD.md") {
		t.Fatalf("init: exit %d, stderr %q", code, errs)
	}
	code, out, errs := proveCLI(t, "board", "--root", root, "--format", "json")
	if code != 0 {
		t.Fatalf("board: exit %d\n%s", code, errs)
	}
	var b struct {
		Groups []struct {
			Name  string `json:"name"`
			Done  int    `json:"done"`
			Total int    `json:"total"`
		} `json:"groups"`
	}
	if err := json.Unmarshal([]byte(out), &b); err != nil {
		t.Fatal(err)
	}
	code, out, _ = proveCLI(t, "drift", "--root", root, "--format", "json")
	if code != 1 {
		t.Fatalf("drift: exit %d, want 1 (the corpus drifts)", code)
	}
	var d struct {
		Groups []struct {
			Name  string `json:"name"`
			Board struct{ Done, Total int }
		} `json:"groups"`
		Findings []struct{ Kind, Message string } `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		t.Fatal(err)
	}
	if len(b.Groups) != 15 || len(d.Groups) != 15 {
		t.Fatalf("board has %d groups, drift reads %d; want 15 and 15", len(b.Groups), len(d.Groups))
	}
	explained := func(name string) bool {
		for _, f := range d.Findings {
			if f.Kind == "counter" && strings.Contains(f.Message, `group "`+name+`"`) {
				return true
			}
		}
		return false
	}
	differ := 0
	for i, g := range b.Groups {
		hand := d.Groups[i]
		if g.Name != hand.Name {
			t.Fatalf("group %d: board %q, hand-written %q", i, g.Name, hand.Name)
		}
		if g.Done == hand.Board.Done && g.Total == hand.Board.Total {
			continue
		}
		differ++
		if !explained(g.Name) {
			t.Errorf("%s: board %d/%d, hand-written %d/%d, and no counter finding explains it", g.Name, g.Done, g.Total, hand.Board.Done, hand.Board.Total)
		}
	}
	if differ != 1 {
		t.Errorf("%d groups differ from the hand-written counters, want 1 (Kernel Core & Runtime, TASK-0247's \"done\")", differ)
	}
}
