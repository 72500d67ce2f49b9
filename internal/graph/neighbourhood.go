package graph

import (
	"fmt"
	"slices"

	"github.com/taskproof/taskproof/internal/task"
)

// Mermaid's default limits (mermaid.initialize maxEdges and
// maxTextSize): a diagram over either is not drawn, the renderer shows an
// error instead.
const (
	MermaidMaxEdges    = 500
	MermaidMaxTextSize = 50000
)

// MermaidEdges is the number of arrows Mermaid draws for g.
func MermaidEdges(g *Graph) int { return len(collapse(g.Edges)) }

// MermaidLimitWarning says when a Mermaid rendering of g (out) is over
// Mermaid's default limits, and how to draw less; "" when it fits.
func MermaidLimitWarning(g *Graph, out []byte) string {
	edges := MermaidEdges(g)
	if edges <= MermaidMaxEdges && len(out) <= MermaidMaxTextSize {
		return ""
	}
	return fmt.Sprintf("the Mermaid graph has %d edges and %d characters, over Mermaid's default limits (%d edges, %d characters), so renderers such as GitHub show an error instead of it; draw a neighbourhood with --task ID [--depth N] [--blocking], or use --format dot",
		edges, len(out), MermaidMaxEdges, MermaidMaxTextSize)
}

// Filter is the part of a graph to draw.
type Filter struct {
	// Task, when set, keeps the tasks within Depth edges of it, in either
	// direction (what it waits for and what waits for it).
	Task task.ID
	// Depth is how many edges away from Task to go; 0 means no limit
	// (Task's whole connected part).
	Depth int
	// Blocking keeps only the edges that block readiness.
	Blocking bool
}

// Subgraph returns the part of g that f selects: its nodes, the edges
// between them (dangling ids they reach included), and the cycles, ready
// tasks and dangling ids among them. It is an error when f.Task is
// neither a task nor a referenced id of g.
func (g *Graph) Subgraph(f Filter) (*Graph, error) {
	edges := g.Edges
	if f.Blocking {
		edges = nil
		for _, e := range g.Edges {
			if e.Blocking {
				edges = append(edges, e)
			}
		}
	}
	keep := map[task.ID]bool{}
	if f.Task == "" {
		for _, n := range g.Nodes {
			keep[n.ID] = true
		}
		for _, e := range edges {
			keep[e.From], keep[e.To] = true, true
		}
		for _, id := range g.Dangling {
			keep[id] = true
		}
	} else {
		if _, ok := g.index[f.Task]; !ok && !slices.Contains(g.Dangling, f.Task) {
			return nil, fmt.Errorf("no task %s in the graph", f.Task)
		}
		// Breadth-first over the edges taken both ways.
		adj := map[task.ID][]task.ID{}
		for _, e := range edges {
			adj[e.From] = append(adj[e.From], e.To)
			adj[e.To] = append(adj[e.To], e.From)
		}
		keep[f.Task] = true
		frontier := []task.ID{f.Task}
		for d := 0; len(frontier) > 0 && (f.Depth == 0 || d < f.Depth); d++ {
			var next []task.ID
			for _, id := range frontier {
				for _, o := range adj[id] {
					if !keep[o] {
						keep[o] = true
						next = append(next, o)
					}
				}
			}
			frontier = next
		}
	}
	sub := &Graph{Nodes: []Node{}, Edges: []Edge{}, Cycles: [][]task.ID{}, Dangling: []task.ID{}, Ready: []task.ID{},
		index: map[task.ID]int{}, inCycle: map[task.ID]bool{}, firstRef: map[task.ID]Ref{}}
	for _, n := range g.Nodes {
		if keep[n.ID] {
			sub.index[n.ID] = len(sub.Nodes)
			sub.Nodes = append(sub.Nodes, n)
		}
	}
	for _, e := range edges {
		if keep[e.From] && keep[e.To] {
			sub.Edges = append(sub.Edges, e)
		}
	}
	for _, c := range g.Cycles {
		if !slices.ContainsFunc(c, func(id task.ID) bool { return !keep[id] }) {
			sub.Cycles = append(sub.Cycles, c)
			for _, id := range c {
				sub.inCycle[id] = true
			}
		}
	}
	for _, id := range g.Dangling {
		if keep[id] {
			sub.Dangling = append(sub.Dangling, id)
			sub.firstRef[id] = g.firstRef[id]
		}
	}
	for _, id := range g.Ready {
		if keep[id] {
			sub.Ready = append(sub.Ready, id)
		}
	}
	return sub, nil
}
