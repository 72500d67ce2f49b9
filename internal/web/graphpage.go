package web

import (
	"fmt"
	"strings"

	"github.com/taskproof/taskproof/internal/proofstate"
	"github.com/taskproof/taskproof/internal/task"
)

// graphQuery is what the graph page shows: everything, or the
// neighbourhood of one task, with every edge or only blocking ones.
type graphQuery struct {
	Focus    string
	Depth    int
	Blocking bool
}

// MaxFocusDepth bounds ?depth=.
const MaxFocusDepth = 6

type graphPage struct {
	pageBase
	Query        graphQuery
	FocusMessage string
	Width        int
	Height       int
	Nodes        []gNodeView
	Edges        []gEdgeView
	GridY        float64
	HasGrid      bool
	Cycles       [][]idLink
	Dangling     []danglingView
	Ready        []idLink
	NodeCount    int
	EdgeCount    int
	ShownNodes   int
	ShownEdges   int
	Depths       []int
	States       []stateCount
}

type gNodeView struct {
	ID       string
	Href     string
	Class    string
	X, Y     float64
	W, H     float64
	TX, TY   float64
	CY       float64
	Tip      string
	Ready    bool
	Dangling bool
}

type gEdgeView struct {
	From, To string
	D        string
	Class    string
	Tip      string
}

type idLink struct {
	ID   string
	Href string
}

type danglingView struct {
	ID    string
	Where string
	Focus string
}

func (q graphQuery) href(base string) string {
	if q.Focus == "" && !q.Blocking {
		return base + "graph.html"
	}
	var parts []string
	if q.Focus != "" {
		parts = append(parts, "focus="+q.Focus, fmt.Sprintf("depth=%d", q.Depth))
	}
	if q.Blocking {
		parts = append(parts, "blocking=1")
	}
	return base + "graph.html?" + strings.Join(parts, "&")
}

// buildGraphPage lays out the graph (or the focused part of it).
func buildGraphPage(snap *Snapshot, q graphQuery, base pageBase) *graphPage {
	g := snap.Graph
	p := &graphPage{pageBase: base, Query: q, NodeCount: len(g.Nodes), Depths: []int{1, 2, 3, 4, 5, 6}}
	p.Nav = "graph"
	p.Title = snap.Name + " — dependency graph"
	for _, s := range proofstate.States {
		p.States = append(p.States, stateCount{State: string(s), Help: stateHelp[string(s)]})
	}
	// One drawn edge per ordered pair; blocking when any statement blocks.
	type pair struct{ from, to task.ID }
	var pairs []pair
	kinds := map[pair][]string{}
	blocking := map[pair]bool{}
	for _, e := range g.Edges {
		if q.Blocking && !e.Blocking {
			continue
		}
		k := pair{e.From, e.To}
		if _, ok := kinds[k]; !ok {
			pairs = append(pairs, k)
		}
		kinds[k] = append(kinds[k], fmt.Sprintf("%s (%s:%d)", e.Kind, e.File, e.Line))
		blocking[k] = blocking[k] || e.Blocking
	}
	p.EdgeCount = len(pairs)
	cycleOf := map[task.ID]int{}
	for i, c := range g.Cycles {
		for _, id := range c {
			cycleOf[id] = i + 1
		}
	}
	ready := map[task.ID]bool{}
	for _, id := range g.Ready {
		ready[id] = true
	}

	// Which ids are shown.
	var ids []task.ID
	shown := map[task.ID]bool{}
	for _, n := range g.Nodes {
		ids = append(ids, n.ID)
	}
	for _, id := range g.Dangling {
		ids = append(ids, id)
	}
	if q.Focus != "" {
		id, ok := task.ParseID(q.Focus)
		_, node := g.Node(id)
		isDangling := false
		for _, d := range g.Dangling {
			isDangling = isDangling || d == id
		}
		if !ok || (!node && !isDangling) {
			p.FocusMessage = fmt.Sprintf("no task %q in the graph; showing everything", q.Focus)
			p.Query.Focus = ""
		} else {
			p.Query.Focus = string(id)
			nb := map[task.ID][]task.ID{}
			for _, k := range pairs {
				nb[k.from] = append(nb[k.from], k.to)
				nb[k.to] = append(nb[k.to], k.from)
			}
			shown[id] = true
			frontier := []task.ID{id}
			for d := 0; d < q.Depth && len(frontier) > 0; d++ {
				var next []task.ID
				for _, x := range frontier {
					for _, y := range nb[x] {
						if !shown[y] {
							shown[y] = true
							next = append(next, y)
						}
					}
				}
				frontier = next
			}
		}
	}
	if p.Query.Focus == "" {
		for _, id := range ids {
			shown[id] = true
		}
	}
	var drawIDs []string
	for _, id := range ids {
		if shown[id] {
			drawIDs = append(drawIDs, string(id))
		}
	}
	// Dangling ids that no shown edge touches are listed, not drawn.
	touched := map[task.ID]bool{}
	var drawEdges []layoutEdge
	var drawPairs []pair
	for _, k := range pairs {
		if shown[k.from] && shown[k.to] {
			drawEdges = append(drawEdges, layoutEdge{From: string(k.from), To: string(k.to)})
			drawPairs = append(drawPairs, k)
			touched[k.from], touched[k.to] = true, true
		}
	}
	danglingSet := map[task.ID]bool{}
	for _, d := range g.Dangling {
		danglingSet[d] = true
	}
	kept := drawIDs[:0]
	for _, id := range drawIDs {
		if !danglingSet[task.ID(id)] || touched[task.ID(id)] || id == p.Query.Focus {
			kept = append(kept, id)
		}
	}
	drawIDs = kept
	lay := layoutGraph(drawIDs, drawEdges)
	p.Width, p.Height = int(lay.Width), int(lay.Height)
	p.GridY, p.HasGrid = lay.GridY, len(lay.Isolated) > 0

	for _, id := range drawIDs {
		tid := task.ID(id)
		pos := lay.Pos[id]
		nv := gNodeView{ID: id, X: pos.X, Y: pos.Y, W: lyNodeW, H: lyNodeH, TX: pos.X + lyNodeW/2, TY: pos.Y + lyNodeH/2 + 4, CY: pos.Y + lyNodeH/2}
		cls := []string{"node"}
		if n, ok := g.Node(tid); ok {
			nv.Href = taskHref(base.Base, tid)
			state := string(proofstate.Unproven)
			if ts := snap.ByID[tid]; len(ts) > 0 {
				state = string(ts[0].Proof.State)
			}
			cls = append(cls, "s-"+state)
			nv.Tip = fmt.Sprintf("%s %s\nstatus: %s · proof: %s", id, n.Title, n.Status, state)
			if ready[tid] {
				nv.Ready = true
				cls = append(cls, "ready")
				nv.Tip += " · ready to start"
			}
		} else {
			nv.Dangling = true
			cls = append(cls, "dangling")
			nv.Tip = id + ": referenced, but no task file has this id"
			if ref, ok := g.FirstReference(tid); ok {
				nv.Tip += fmt.Sprintf(" (first at %s:%d)", ref.File, ref.Line)
			}
		}
		if c := cycleOf[tid]; c > 0 {
			cls = append(cls, "cycle")
			nv.Tip += fmt.Sprintf(" · on dependency cycle %d", c)
		}
		if id == p.Query.Focus {
			cls = append(cls, "focus")
		}
		if lay.Isolated[id] {
			cls = append(cls, "lone")
		}
		nv.Class = strings.Join(cls, " ")
		p.Nodes = append(p.Nodes, nv)
	}
	for i, k := range drawPairs {
		ev := gEdgeView{From: string(k.from), To: string(k.to), D: lay.Paths[i]}
		cls := []string{"edge"}
		if blocking[k] {
			cls = append(cls, "blocking")
		} else {
			cls = append(cls, "soft")
		}
		if c := cycleOf[k.from]; c > 0 && c == cycleOf[k.to] && blocking[k] {
			cls = append(cls, "cycle")
		}
		ev.Class = strings.Join(cls, " ")
		ev.Tip = fmt.Sprintf("%s waits for %s: %s", k.from, k.to, strings.Join(kinds[k], ", "))
		if !blocking[k] {
			ev.Tip = fmt.Sprintf("%s → %s (does not block): %s", k.to, k.from, strings.Join(kinds[k], ", "))
		}
		p.Edges = append(p.Edges, ev)
	}
	p.ShownNodes, p.ShownEdges = len(p.Nodes), len(p.Edges)

	for _, c := range g.Cycles {
		var l []idLink
		for _, id := range c {
			l = append(l, idLink{ID: string(id), Href: graphQuery{Focus: string(id), Depth: 1, Blocking: q.Blocking}.href(base.Base)})
		}
		p.Cycles = append(p.Cycles, l)
	}
	for _, id := range g.Dangling {
		dv := danglingView{ID: string(id), Focus: graphQuery{Focus: string(id), Depth: 1}.href(base.Base)}
		if ref, ok := g.FirstReference(id); ok {
			dv.Where = fmt.Sprintf("%s:%d", ref.File, ref.Line)
		}
		p.Dangling = append(p.Dangling, dv)
	}
	for _, id := range g.Ready {
		p.Ready = append(p.Ready, idLink{ID: string(id), Href: taskHref(base.Base, id)})
	}
	return p
}
