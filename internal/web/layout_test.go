package web

import (
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/taskproof/taskproof/internal/testcorpus"
)

// checkLayout: every id is placed, no two boxes overlap, every edge
// between placed ids has a path, and edges that run against the layers
// are exactly the ones on cycles.
func checkLayout(t *testing.T, ids []string, edges []layoutEdge, res layoutResult) {
	t.Helper()
	for _, id := range ids {
		if _, ok := res.Pos[id]; !ok {
			t.Errorf("%s not placed", id)
		}
	}
	type box struct {
		id   string
		x, y float64
	}
	var boxes []box
	for id, p := range res.Pos {
		boxes = append(boxes, box{id, p.X, p.Y})
		if p.X < 0 || p.Y < 0 || p.X+lyNodeW > res.Width+0.5 || p.Y+lyNodeH > res.Height+0.5 {
			t.Errorf("%s at %v is outside the %vx%v drawing", id, p, res.Width, res.Height)
		}
	}
	for i := range boxes {
		for j := i + 1; j < len(boxes); j++ {
			a, b := boxes[i], boxes[j]
			if math.Abs(a.x-b.x) < lyNodeW && math.Abs(a.y-b.y) < lyNodeH-0.5 {
				t.Errorf("%s at (%.0f,%.0f) overlaps %s at (%.0f,%.0f)", a.id, a.x, a.y, b.id, b.x, b.y)
			}
		}
	}
	for i, e := range edges {
		if e.From != e.To && res.Paths[i] == "" {
			t.Errorf("edge %s -> %s has no path", e.From, e.To)
		}
		if res.Paths[i] != "" && !strings.HasPrefix(res.Paths[i], "M") {
			t.Errorf("edge %s -> %s: path %q", e.From, e.To, res.Paths[i])
		}
	}
}

// TestLayoutSmall: a chain, a cycle, a lone task.
func TestLayoutSmall(t *testing.T) {
	ids := []string{"A", "B", "C", "D", "E", "F"}
	edges := []layoutEdge{{"B", "A"}, {"C", "B"}, {"C", "A"}, {"D", "E"}, {"E", "D"}, {"B", "A"}, {"A", "A"}}
	res := layoutGraph(ids, edges)
	checkLayout(t, ids, edges, res)
	// A waits for nothing: leftmost; B after A; C after B.
	if !(res.Pos["A"].X < res.Pos["B"].X && res.Pos["B"].X < res.Pos["C"].X) {
		t.Errorf("chain not left to right: %v %v %v", res.Pos["A"], res.Pos["B"], res.Pos["C"])
	}
	back := 0
	for i, e := range edges {
		if res.Back[i] {
			back++
			if !(e.From == "D" || e.From == "E") {
				t.Errorf("%s -> %s drawn backwards but not on a cycle", e.From, e.To)
			}
		}
	}
	if back != 1 {
		t.Errorf("%d backward edges, want 1 (one edge of the D-E cycle)", back)
	}
	if !res.Isolated["F"] || res.Isolated["A"] {
		t.Errorf("isolated: %v", res.Isolated)
	}
	if again := layoutGraph(ids, edges); !reflect.DeepEqual(again, res) {
		t.Error("layout is not deterministic")
	}
}

// generatedGraph is n tasks where most wait for one to three earlier ones.
func generatedGraph(n int) ([]string, []layoutEdge) {
	var ids []string
	var edges []layoutEdge
	for i := 0; i < n; i++ {
		ids = append(ids, fmt.Sprintf("T%04d", i))
		if i%7 == 0 {
			continue
		}
		for k := 1; k <= 1+i%3; k++ {
			j := (i*31 + k*17) % (i + 1)
			if j != i {
				edges = append(edges, layoutEdge{ids[i], fmt.Sprintf("T%04d", j)})
			}
		}
	}
	return ids, edges
}

func TestLayoutGenerated(t *testing.T) {
	ids, edges := generatedGraph(400)
	checkLayout(t, ids, edges, layoutGraph(ids, edges))
}

// TestLayoutCorpus lays out the open-nexus graph: all 352 tasks, the
// cycle, no overlap, and a drawing of a sensible size.
func TestLayoutCorpus(t *testing.T) {
	snap, err := Source{Root: testcorpus.Dir(t)}.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, blocking := range []bool{false, true} {
		p := buildGraphPage(snap, graphQuery{Depth: 1, Blocking: blocking}, pageBase{})
		tasks := 0
		for _, n := range p.Nodes {
			if !n.Dangling {
				tasks++
			}
		}
		if tasks != 352 {
			t.Errorf("blocking=%v: %d tasks drawn, want 352", blocking, tasks)
		}
		if p.Height > 6000 || p.Width > 8000 {
			t.Errorf("blocking=%v: drawing %dx%d is too large to navigate", blocking, p.Width, p.Height)
		}
		cycle := 0
		for _, e := range p.Edges {
			if strings.Contains(e.Class, "cycle") {
				cycle++
			}
		}
		if cycle != 2 {
			t.Errorf("blocking=%v: %d cycle edges, want 2 (TASK-0008B <-> TASK-0009)", blocking, cycle)
		}
	}
	f := buildGraphPage(snap, graphQuery{Focus: "task‑0009", Depth: 1}, pageBase{})
	if f.Query.Focus != "TASK-0009" || f.FocusMessage != "" {
		t.Errorf("focus %q: %q", f.Query.Focus, f.FocusMessage)
	}
	seen := map[string]string{}
	for _, n := range f.Nodes {
		seen[n.ID] = n.Class
	}
	if !strings.Contains(seen["TASK-0008B"], "cycle") || !strings.Contains(seen["TASK-0009"], "focus") {
		t.Errorf("focus classes: 0008B %q, 0009 %q", seen["TASK-0008B"], seen["TASK-0009"])
	}
	if bad := buildGraphPage(snap, graphQuery{Focus: "TASK-9999", Depth: 1}, pageBase{}); bad.FocusMessage == "" || len(bad.Nodes) < 352 {
		t.Error("an unknown focus should say so and show everything")
	}
	dang := buildGraphPage(snap, graphQuery{Focus: "TASK-0012C", Depth: 1}, pageBase{})
	if dang.FocusMessage != "" || len(dang.Nodes) < 1 || !strings.Contains(dang.Nodes[0].Class, "dangling") {
		t.Errorf("focus on a dangling id: %q, %d nodes", dang.FocusMessage, len(dang.Nodes))
	}
}
