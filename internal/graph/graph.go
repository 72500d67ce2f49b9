// Package graph builds the dependency graph of a set of task documents:
// nodes, typed edges with the line they came from, cycles, dangling ids and
// the set of tasks that are ready to start. It is pure: documents in,
// values out; rendering (Mermaid, DOT, JSON) is in render.go.
//
// Direction: an edge always points from the task that waits (or that the
// statement is about) to the task it refers to. "A depends-on B" is the edge
// A -> B. Statements written on the other side are turned around so that the
// direction means the same thing whichever file said it:
//
//   - depends-on header, link labels such as "Depends-on:", "Blocked by:",
//     "Requires:", and prose such as "gated on TASK-0010": from waits for to
//     (blocking).
//   - "Unblocks: X" written on A: X waits for A, edge X -> A, kind unblocks
//     (blocking).
//   - follow-up-tasks on A listing B: B follows A, edge B -> A, kind
//     follow-up. Not blocking: a follow-up records where work was split
//     off, which says nothing about order; a task that really needs
//     another says depends-on (and then that edge blocks).
//   - "Parent task:" (edge child -> parent) and "Superseded by:" (edge old ->
//     new) have kinds of their own and do not block.
//   - any other labelled reference is kind related and does not block; a
//     dependency kind this package does not know keeps its name and does not
//     block.
//
// Only blocking edges take part in cycle detection and readiness.
package graph

import (
	"sort"
	"strings"

	"github.com/taskproof/taskproof/internal/task"
)

// Kind is the kind of an edge: where the reference came from and what it
// means.
type Kind string

// Edge kinds.
const (
	DependsOn    Kind = "depends-on"    // depends-on header: from waits for to
	Link         Kind = "link"          // dependency link label (Depends-on:, Blocked by:, Requires:)
	Prose        Kind = "prose"         // prose such as "gated on TASK-0010"
	Unblocks     Kind = "unblocks"      // "Unblocks: from" written on to
	FollowUp     Kind = "follow-up"     // from follows to (to lists it in follow-up-tasks)
	Parent       Kind = "parent"        // to is from's parent task
	SupersededBy Kind = "superseded-by" // from is superseded by to
	Related      Kind = "related"       // any other labelled reference
	Mention      Kind = "mention"       // a dependency phrase in a sentence about another task (Edge.About): not this task's own

)

// Blocking reports whether an edge of this kind makes from wait for to.
func (k Kind) Blocking() bool {
	switch k {
	case DependsOn, Link, Prose, Unblocks:
		return true
	}
	return false
}

// Node is one task that has a file.
type Node struct {
	ID     task.ID          `json:"id"`
	Title  string           `json:"title"`
	Status string           `json:"status"` // as written
	Class  task.StatusClass `json:"class"`  // normalised; "" when unknown
	File   string           `json:"file"`
}

// Edge is one reference between two tasks, with the file and line that made it.
type Edge struct {
	From     task.ID `json:"from"`
	To       task.ID `json:"to"`
	Kind     Kind    `json:"kind"`
	Blocking bool    `json:"blocking"`
	Label    string  `json:"label,omitempty"` // link label or prose phrase as written
	About    task.ID `json:"about,omitempty"` // for a mention, the task the sentence is about
	File     string  `json:"file"`
	Line     int     `json:"line"`
}

// Graph is the dependency graph. Every list is in a deterministic order:
// ids in task order (number, then suffix), edges by from, to, kind, file,
// line.
type Graph struct {
	Nodes []Node `json:"nodes"`
	Edges []Edge `json:"edges"`
	// Cycles are the strongly connected components of the blocking edges
	// that contain a cycle, each sorted, listed in order of their first id.
	Cycles [][]task.ID `json:"cycles"`
	// Dangling are ids that edges or mentions refer to but no file has.
	Dangling []task.ID `json:"dangling"`
	// Ready are the tasks that can start now (see Build).
	Ready []task.ID `json:"ready"`

	index    map[task.ID]int // node index by id
	inCycle  map[task.ID]bool
	firstRef map[task.ID]Ref // first reference to each dangling id
}

// Ref is a place in a file.
type Ref struct {
	File string
	Line int
}

// notStartable are the status classes of tasks that are never ready: work
// that is finished, replaced, postponed, or declared blocked by its header.
var notStartable = map[task.StatusClass]bool{
	"Done": true, "Superseded": true, "Deferred": true, "Blocked": true,
}

// Build makes the graph of docs. Documents without an id are skipped; when
// two documents share an id the first (in the given order) supplies the
// node and both supply edges.
//
// A task is ready when its status is not Done, Superseded, Deferred or
// Blocked, it is on no cycle, and every task it has a blocking edge to has a
// file whose status is Done (a dangling or Superseded dependency is not
// Done).
func Build(docs []*task.Document) *Graph {
	g := &Graph{index: map[task.ID]int{}, inCycle: map[task.ID]bool{}, firstRef: map[task.ID]Ref{}}
	order := idOrder{}
	for _, d := range docs {
		if d == nil || d.ID == "" {
			continue
		}
		if _, dup := g.index[d.ID]; dup {
			continue
		}
		g.index[d.ID] = len(g.Nodes)
		g.Nodes = append(g.Nodes, Node{ID: d.ID, Title: d.Title, Status: d.Status.Raw, Class: d.Status.Class, File: d.Path})
	}
	seen := map[Edge]bool{}
	labels := labelCache{}
	for _, d := range docs {
		if d == nil || d.ID == "" {
			continue
		}
		for _, dep := range d.Deps {
			e, ok := edgeOf(d, dep, labels)
			if !ok || seen[e] {
				continue
			}
			seen[e] = true
			g.Edges = append(g.Edges, e)
		}
	}
	sort.Slice(g.Nodes, func(i, j int) bool { return order.cmp(g.Nodes[i].ID, g.Nodes[j].ID) < 0 })
	for i, n := range g.Nodes {
		g.index[n.ID] = i
	}
	sort.Slice(g.Edges, func(i, j int) bool { return edgeLess(order, g.Edges[i], g.Edges[j]) })

	// Dangling: ids that an edge or a plain mention refers to, with no
	// file. The first place (by file, then line) is kept for messages.
	dangling := map[task.ID]bool{}
	note := func(id task.ID, file string, line int) {
		if _, ok := g.index[id]; ok || id == "" {
			return
		}
		dangling[id] = true
		if r, ok := g.firstRef[id]; !ok || file < r.File || file == r.File && line < r.Line {
			g.firstRef[id] = Ref{File: file, Line: line}
		}
	}
	for _, e := range g.Edges {
		note(e.From, e.File, e.Line)
		note(e.To, e.File, e.Line)
	}
	for _, d := range docs {
		if d == nil {
			continue
		}
		for _, m := range d.Mentions {
			note(m.ID, d.Path, m.Line)
		}
	}
	g.Dangling = sortedIDs(order, dangling)

	g.Cycles = findCycles(order, g.Edges)
	for _, c := range g.Cycles {
		for _, id := range c {
			g.inCycle[id] = true
		}
	}
	g.Ready = g.ready()
	if g.Cycles == nil {
		g.Cycles = [][]task.ID{}
	}
	if g.Nodes == nil {
		g.Nodes = []Node{}
	}
	if g.Edges == nil {
		g.Edges = []Edge{}
	}
	return g
}

func (g *Graph) ready() []task.ID {
	blocked := map[task.ID]bool{}
	for _, e := range g.Edges {
		if !e.Blocking {
			continue
		}
		if n, ok := g.Node(e.To); !ok || n.Class != "Done" {
			blocked[e.From] = true
		}
	}
	out := []task.ID{}
	for _, n := range g.Nodes {
		if notStartable[n.Class] || blocked[n.ID] || g.inCycle[n.ID] {
			continue
		}
		out = append(out, n.ID)
	}
	return out
}

// Node returns the node with the given id.
func (g *Graph) Node(id task.ID) (Node, bool) {
	i, ok := g.index[id]
	if !ok {
		return Node{}, false
	}
	return g.Nodes[i], true
}

// InCycle reports whether id is on a cycle of blocking edges.
func (g *Graph) InCycle(id task.ID) bool { return g.inCycle[id] }

// ReadyNodes returns the nodes of the ready tasks, in id order.
func (g *Graph) ReadyNodes() []Node {
	out := make([]Node, 0, len(g.Ready))
	for _, id := range g.Ready {
		n, _ := g.Node(id)
		out = append(out, n)
	}
	return out
}

// FirstReference returns the first place (by file, then line) that refers
// to a dangling id.
func (g *Graph) FirstReference(id task.ID) (Ref, bool) {
	r, ok := g.firstRef[id]
	return r, ok
}

// edgeOf turns one dependency of d into an edge, reversing the statements
// written on the other side (see the package comment).
func edgeOf(d *task.Document, dep task.Dependency, labels labelCache) (Edge, bool) {
	if dep.ID == "" {
		return Edge{}, false
	}
	from, to := d.ID, dep.ID
	var kind Kind
	reverse := false
	switch dep.Kind {
	case task.DepDependsOn:
		kind = DependsOn
	case task.DepFollowUp:
		// The parser files "Unblocks:" and "Enables:" here too: the
		// target comes after this task. Those say the target waits.
		kind, reverse = FollowUp, true
		if r, ok := labels.classify(dep.Label); ok && r.kind == Unblocks {
			kind = Unblocks
		}
	case task.DepSuperseed:
		kind = SupersededBy
		if r, ok := labels.classify(dep.Label); ok && r.kind == SupersededBy {
			reverse = r.reverse
		}
	case task.DepLink:
		kind = Related
		if r, ok := labels.classify(dep.Label); ok {
			kind, reverse = r.kind, r.reverse
		}
	case task.DepProse:
		// The parser reports prose only for dependency phrases; a phrase
		// the table knows may still turn the edge around ("unblocks").
		kind = Prose
		if r, ok := labels.classify(dep.Label); ok {
			switch r.kind {
			case Link:
				kind = Prose
			default:
				kind = r.kind
			}
			reverse = r.reverse
		}
	case task.DepMention:
		kind = Mention
	default:
		kind = Kind(dep.Kind)
	}
	if reverse {
		from, to = to, from
	}
	if from == to && !kind.Blocking() {
		// A task mentioning itself says nothing about order.
		return Edge{}, false
	}
	return Edge{From: from, To: to, Kind: kind, Blocking: kind.Blocking(), Label: dep.Label, About: dep.About, File: d.Path, Line: dep.Line}, true
}

// role is what a label means: the edge kind and whether the statement is
// written on the target's side.
type role struct {
	kind    Kind
	reverse bool
}

// labelRoles maps normalised label phrases (lower case, hyphens as spaces,
// decorations and parentheses removed) to their meaning. A label matches
// a phrase when it is the phrase or starts with it followed by a space.
var labelRoles = []struct {
	phrase string
	role   role
}{
	{"depends on", role{Link, false}},
	{"depends", role{Link, false}},
	{"predecessor", role{Link, false}},
	{"depend on", role{Link, false}},
	{"dependency", role{Link, false}},
	{"dependencies", role{Link, false}},
	{"blocked by", role{Link, false}},
	{"blocked on", role{Link, false}},
	{"requires", role{Link, false}},
	{"prerequisite", role{Link, false}},
	{"prerequisites", role{Link, false}},
	{"needs", role{Link, false}},
	{"gated on", role{Link, false}},
	{"gated by", role{Link, false}},
	{"waits for", role{Link, false}},
	{"waits on", role{Link, false}},
	{"after", role{Link, false}},
	{"builds on", role{Link, false}},
	{"unblocks", role{Unblocks, true}},
	{"blocks", role{Unblocks, true}},
	{"enables", role{Unblocks, true}},
	{"required by", role{Unblocks, true}},
	{"prerequisite for", role{Unblocks, true}},
	{"successor", role{FollowUp, true}},
	{"parent", role{Parent, false}},
	{"parent task", role{Parent, false}},
	{"superseded by", role{SupersededBy, false}},
	{"replaced by", role{SupersededBy, false}},
	{"supersedes", role{SupersededBy, true}},
	{"replaces", role{SupersededBy, true}},
	{"follow up of", role{FollowUp, false}},
	{"follow up to", role{FollowUp, false}},
	{"follows", role{FollowUp, false}},
	{"follow up", role{FollowUp, true}},
	{"follow ups", role{FollowUp, true}},
	{"follow up tasks", role{FollowUp, true}},
	{"followup", role{FollowUp, true}},
	{"follow on", role{FollowUp, true}},
	{"follow ons", role{FollowUp, true}},
	{"related", role{Related, false}},
	{"see", role{Related, false}},
	{"see also", role{Related, false}},
}

// labelCache remembers classifyLabel's answers: a repository repeats a
// handful of labels thousands of times.
type labelCache map[string]labelAnswer

type labelAnswer struct {
	r  role
	ok bool
}

func (c labelCache) classify(label string) (role, bool) {
	if a, hit := c[label]; hit {
		return a.r, a.ok
	}
	r, ok := classifyLabel(label)
	c[label] = labelAnswer{r, ok}
	return r, ok
}

// classifyLabel finds the meaning of a link label or prose phrase. The
// longest matching phrase wins, so "prerequisite for" beats "prerequisite".
func classifyLabel(label string) (role, bool) {
	l := normaliseLabel(label)
	best, bestLen := role{}, -1
	for _, lr := range labelRoles {
		p := lr.phrase
		if (l == p || strings.HasPrefix(l, p+" ")) && len(p) > bestLen {
			best, bestLen = lr.role, len(p)
		}
	}
	return best, bestLen >= 0
}

func normaliseLabel(s string) string {
	s = strings.ToLower(s)
	// Drop parenthesised asides: "Depends-on (audit sink)".
	var b strings.Builder
	depth := 0
	for _, r := range s {
		switch {
		case r == '(':
			depth++
		case r == ')':
			if depth > 0 {
				depth--
			}
		case depth > 0:
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		default:
			// Hyphens (ASCII or U+2011), underscores, emphasis, colons
			// and spaces all separate words.
			b.WriteByte(' ')
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

func edgeLess(order idOrder, a, b Edge) bool {
	if c := order.cmp(a.From, b.From); c != 0 {
		return c < 0
	}
	if c := order.cmp(a.To, b.To); c != 0 {
		return c < 0
	}
	if a.Kind != b.Kind {
		return a.Kind < b.Kind
	}
	if a.File != b.File {
		return a.File < b.File
	}
	if a.Line != b.Line {
		return a.Line < b.Line
	}
	return a.Label < b.Label
}

func sortedIDs(order idOrder, set map[task.ID]bool) []task.ID {
	out := make([]task.ID, 0, len(set))
	for id := range set {
		out = append(out, id)
	}
	sort.Slice(out, func(i, j int) bool { return order.cmp(out[i], out[j]) < 0 })
	return out
}

// findCycles runs Tarjan's strongly-connected-components algorithm over the
// blocking edges (iteratively, so that a 10,000-task chain cannot overflow
// the stack) and returns every component with a cycle: more than one id, or
// one id with an edge to itself. edges must be sorted.
func findCycles(order idOrder, edges []Edge) [][]task.ID {
	ids := []task.ID{}
	num := map[task.ID]int{}
	add := func(id task.ID) int {
		if i, ok := num[id]; ok {
			return i
		}
		num[id] = len(ids)
		ids = append(ids, id)
		return len(ids) - 1
	}
	var adj [][]int
	selfLoop := map[int]bool{}
	for _, e := range edges {
		if !e.Blocking {
			continue
		}
		f, t := add(e.From), add(e.To)
		for len(adj) < len(ids) {
			adj = append(adj, nil)
		}
		if f == t {
			selfLoop[f] = true
		}
		adj[f] = append(adj[f], t)
	}
	for len(adj) < len(ids) {
		adj = append(adj, nil)
	}

	n := len(ids)
	index := make([]int, n)
	low := make([]int, n)
	onStack := make([]bool, n)
	for i := range index {
		index[i] = -1
	}
	var stack []int
	next := 0
	var cycles [][]task.ID

	type frame struct{ v, edge int }
	for root := 0; root < n; root++ {
		if index[root] >= 0 {
			continue
		}
		call := []frame{{root, 0}}
		index[root], low[root] = next, next
		next++
		stack = append(stack, root)
		onStack[root] = true
		for len(call) > 0 {
			top := &call[len(call)-1]
			v := top.v
			if top.edge < len(adj[v]) {
				w := adj[v][top.edge]
				top.edge++
				if index[w] < 0 {
					index[w], low[w] = next, next
					next++
					stack = append(stack, w)
					onStack[w] = true
					call = append(call, frame{w, 0})
				} else if onStack[w] && index[w] < low[v] {
					low[v] = index[w]
				}
				continue
			}
			// v is finished: pop a component if v is its root.
			if low[v] == index[v] {
				var comp []task.ID
				for {
					w := stack[len(stack)-1]
					stack = stack[:len(stack)-1]
					onStack[w] = false
					comp = append(comp, ids[w])
					if w == v {
						break
					}
				}
				if len(comp) > 1 || selfLoop[v] {
					sort.Slice(comp, func(i, j int) bool { return order.cmp(comp[i], comp[j]) < 0 })
					cycles = append(cycles, comp)
				}
			}
			call = call[:len(call)-1]
			if len(call) > 0 {
				u := call[len(call)-1].v
				if low[v] < low[u] {
					low[u] = low[v]
				}
			}
		}
	}
	sort.Slice(cycles, func(i, j int) bool { return order.cmp(cycles[i][0], cycles[j][0]) < 0 })
	return cycles
}
