package graph

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/taskproof/taskproof/internal/repo"
	"github.com/taskproof/taskproof/internal/task"
	"github.com/taskproof/taskproof/internal/testcorpus"
)

// TestCorpus checks the graph of the open-nexus corpus against the facts
// measured on it (corpus README): one depends-on cycle, two dangling ids,
// and the U+2011 spelling read as a real id.
func TestCorpus(t *testing.T) {
	docs, err := repo.Open(testcorpus.Dir(t)).Tasks()
	if err != nil {
		t.Fatal(err)
	}
	g := Build(docs)
	if want := [][]task.ID{{"TASK-0008B", "TASK-0009"}}; !reflect.DeepEqual(g.Cycles, want) {
		t.Errorf("cycles %v, want %v", g.Cycles, want)
	}
	if want := []task.ID{"TASK-0012C", "TASK-0064B"}; !reflect.DeepEqual(g.Dangling, want) {
		t.Errorf("dangling %v, want %v", g.Dangling, want)
	}
	// TASK-0004 writes "follow-on phase (TASK‑0005 / TASK‑0024)" with
	// U+2011 hyphens: TASK-0005 follows TASK-0004.
	var from0004 *Edge
	for i, e := range g.Edges {
		if e.From == "TASK-0005" && e.To == "TASK-0004" && strings.Contains(e.File, "TASK-0004-") {
			from0004 = &g.Edges[i]
			break
		}
	}
	if from0004 == nil {
		t.Fatal("no edge between TASK-0004 and TASK-0005 read from TASK-0004's file (U+2011 hyphen)")
	}
	if from0004.Kind != FollowUp || from0004.Line != 88 {
		t.Errorf("U+2011 edge %+v, want kind follow-up at line 88", *from0004)
	}
	// 352 distinct ids; TASK-0081 exists twice and is one node.
	if len(g.Nodes) != 352 {
		t.Errorf("%d nodes, want 352", len(g.Nodes))
	}
	for _, id := range []task.ID{"TASK-0008B", "TASK-0009"} {
		for _, r := range g.Ready {
			if r == id {
				t.Errorf("%s is on a cycle but ready", id)
			}
		}
	}
	for _, id := range g.Ready {
		n, _ := g.Node(id)
		if notStartable[n.Class] {
			t.Errorf("ready %s has status %q", id, n.Class)
		}
	}
	// Every rendering works on the whole corpus.
	if _, err := JSON(g); err != nil {
		t.Fatal(err)
	}
	if m := Mermaid(g); !strings.Contains(string(m), "%% cycle: TASK-0008B TASK-0009\n") {
		t.Error("mermaid output lacks the cycle comment")
	}
	if d := DOT(g); !strings.Contains(string(d), "// dangling: TASK-0064B") {
		t.Error("dot output lacks the dangling comment")
	}
}

// generated returns n tasks where each depends on up to two earlier ones,
// every tenth lists a follow-up and every hundredth refers to a missing id.
func generated(n int) []*task.Document {
	docs := make([]*task.Document, n)
	for i := range docs {
		id := fmt.Sprintf("TASK-%04d", i+1)
		var deps []task.Dependency
		if i > 0 {
			deps = append(deps, on(fmt.Sprintf("TASK-%04d", i)))
		}
		if i > 7 {
			deps = append(deps, dep(task.DepLink, fmt.Sprintf("TASK-%04d", i-7), "Depends-on", 12))
		}
		if i%10 == 0 {
			deps = append(deps, dep(task.DepFollowUp, id+"B", "follow-up-tasks", 6))
		}
		if i%100 == 0 {
			deps = append(deps, dep(task.DepProse, fmt.Sprintf("TASK-%04d", n+i+1), "gated on", 40))
		}
		class := "Draft"
		if i%3 == 0 {
			class = "Done"
		}
		docs[i] = doc(id, class, deps...)
	}
	return docs
}

// BenchmarkGraphGenerated builds graphs of 1,000 and 10,000 tasks and
// renders them in every format; ns/task should stay about the same from
// one size to the next (linear growth).
func BenchmarkGraphGenerated(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		docs := generated(n)
		b.Run(fmt.Sprintf("build/tasks=%d", n), func(b *testing.B) {
			for b.Loop() {
				Build(docs)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/task")
		})
		g := Build(docs)
		b.Run(fmt.Sprintf("render/tasks=%d", n), func(b *testing.B) {
			for b.Loop() {
				if _, err := JSON(g); err != nil {
					b.Fatal(err)
				}
				Mermaid(g)
				DOT(g)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/task")
		})
	}
}
