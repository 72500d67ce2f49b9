package board

import (
	"strings"
	"testing"

	"github.com/taskproof/taskproof/internal/golden"
	"github.com/taskproof/taskproof/internal/task"
)

// fixtureProofs gives the fixture's documents evidence states: proven
// TASK-0001, stale TASK-0002 (claims Done), an invalid bundle for the
// Done copy of TASK-0007, no evidence for the rest.
func fixtureProofs(d *task.Document) Proof {
	claims := d.Status.Class == "Done" || d.Status.Class == "In Review"
	p := Proof{State: "unproven", Summary: "no evidence bundle", Claims: claims}
	if claims {
		p.State = "claimed"
	}
	switch d.Path {
	case "tasks/TASK-0001-boot-banner.md":
		p.State, p.Summary = "proven", "verified, inputs unchanged"
	case "tasks/TASK-0002-lamp-driver.md":
		p.State, p.Summary = "stale", "changed since the proof: allowlisted paths"
	case "tasks/TASK-0007-night-mode-copy.md":
		p.State, p.Summary = "invalid", "bundle does not verify: wrong_key"
	case "tasks/TASK-0005-radio-link.md":
		p.State, p.Summary = "proven", "verified, inputs unchanged"
	}
	return p
}

func TestBuildWithProof(t *testing.T) {
	b := BuildWithProof(fixtureDocs(), fixtureGroups(t), fixtureProofs)
	proven := map[string]int{}
	for _, g := range append(b.Groups, b.All) {
		if g.Proven == nil {
			t.Fatalf("group %s has no proven count", g.Name)
		}
		proven[g.Name] = *g.Proven
	}
	// Hardware: 0001 and 0005 proven; 0002 stale; 0002B claimed.
	// Firmware: none. All: 0001, 0005.
	if proven["Hardware"] != 2 || proven["Firmware"] != 0 || proven["Empty"] != 0 || proven["All tasks"] != 2 {
		t.Errorf("proven counts = %v", proven)
	}
	var claimed []string
	for _, r := range b.Claimed {
		claimed = append(claimed, string(r.ID)+" "+r.Proof.State)
	}
	// Done and In Review files without proven evidence, in id order; the
	// Draft copy of TASK-0007 does not claim, its Done copy does.
	want := []string{"TASK-0002 stale", "TASK-0002B claimed", "TASK-0004 claimed", "TASK-0007 invalid", "TASK-0009 claimed"}
	if strings.Join(claimed, ", ") != strings.Join(want, ", ") {
		t.Errorf("claimed = %q, want %q", claimed, want)
	}
	md := b.Markdown("tasks/BOARD.md")
	golden.Check(t, "testdata/board-proof.md.golden", md)
	golden.Check(t, "testdata/board-proof.json.golden", b.JSON())
	// Without proof states nothing about proof is rendered.
	plain := string(Build(fixtureDocs(), fixtureGroups(t)).Markdown("tasks/BOARD.md"))
	for _, s := range []string{"Proof", "Proven", "Claimed without proof"} {
		if strings.Contains(plain, s) {
			t.Errorf("board without proof states mentions %q", s)
		}
	}
}

func TestBuildWithProofNoneClaimed(t *testing.T) {
	docs := []*task.Document{fixtureDoc("TASK-0001", "TASK-0001-a.md", "A", "Done", "Done")}
	b := BuildWithProof(docs, nil, func(*task.Document) Proof { return Proof{State: Proven, Claims: true} })
	md := string(b.Markdown("tasks/BOARD.md"))
	if len(b.Claimed) != 0 || !strings.Contains(md, "## Claimed without proof (0)\n\nNone: every Done or In Review task has proven, fresh evidence.") {
		t.Errorf("claimed = %v\n%s", b.Claimed, md)
	}
	if !strings.Contains(md, "| **All tasks** | 1 / 1 | 100% | 1 |") || !strings.Contains(md, "| [TASK-0001](TASK-0001-a.md) | A | Done | proven |") {
		t.Errorf("board:\n%s", md)
	}
}
