package graph

import (
	"testing"

	"github.com/taskproof/taskproof/internal/repo"
	"github.com/taskproof/taskproof/internal/task"
	"github.com/taskproof/taskproof/internal/testcorpus"
)

// TestCorpusProseSubjects: at f5405da0 TASK-0045 lines 264-270 say what
// TASK-0152/0154/0158 are gated on. Those sentences give TASK-0045 no
// blocking edge to TASK-0009, 0103, 0143 or 0144: each reference is a
// mention about the task the sentence names.
func TestCorpusProseSubjects(t *testing.T) {
	docs, err := repo.Open(testcorpus.Dir(t)).Tasks()
	if err != nil {
		t.Fatal(err)
	}
	g := Build(docs)
	about := map[task.ID]task.ID{}
	for _, e := range g.Edges {
		if e.From != "TASK-0045" || e.Line < 264 || e.Line > 270 {
			continue
		}
		switch e.To {
		case "TASK-0009", "TASK-0103", "TASK-0143", "TASK-0144":
			if e.Blocking {
				t.Errorf("TASK-0045 line %d: blocking %s edge to %s (%q)", e.Line, e.Kind, e.To, e.Label)
			}
			if e.Kind == Mention {
				about[e.To] = e.About
			}
		}
	}
	for to, subject := range map[task.ID]task.ID{"TASK-0143": "TASK-0152", "TASK-0144": "TASK-0152", "TASK-0103": "TASK-0158"} {
		if about[to] != subject {
			t.Errorf("mention of %s is about %q, want %s", to, about[to], subject)
		}
	}
	if s := about["TASK-0009"]; s != "TASK-0154" && s != "TASK-0158" {
		t.Errorf("mention of TASK-0009 is about %q, want TASK-0154 or TASK-0158", s)
	}
	// Both TASK-0009 sentences (lines 265 and 270) are mentions.
	n := 0
	for _, e := range g.Edges {
		if e.From == "TASK-0045" && e.To == "TASK-0009" && e.Kind == Mention && e.Line >= 264 && e.Line <= 270 {
			n++
		}
	}
	if n != 2 {
		t.Errorf("%d mentions of TASK-0009 in lines 264-270, want 2 (lines 265 and 270)", n)
	}
}
