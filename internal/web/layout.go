package web

import (
	"fmt"
	"math"
	"sort"
	"strings"
)

// A layered (Sugiyama-style) drawing of the dependency graph, computed on
// the server so a page of 350 tasks and 700 edges arrives drawn: every
// weakly connected component is laid out on its own (cycles broken by
// reversing DFS back edges, layers by longest path, long edges split by
// dummy nodes, order by barycenter sweeps, positions pulled toward the
// neighbours' mean), components are stacked, and tasks with no edge go
// into a grid below. Everything is deterministic: the input order decides
// every tie.

// Layout geometry.
const (
	lyNodeW   = 112.0
	lyNodeH   = 24.0
	lyColW    = 190.0
	lyGap     = 10.0 // between two boxes in a column
	lyDummyH  = 4.0
	lyCompGap = 48.0
	lyMargin  = 24.0
	lySweeps  = 12
	lyPulls   = 8
)

// layoutEdge is one edge to draw: From waits for To.
type layoutEdge struct {
	From, To string
}

// point is a position in the drawing.
type point struct{ X, Y float64 }

// layoutResult is where everything goes.
type layoutResult struct {
	Pos    map[string]point // top-left corner of each node box
	Paths  []string         // SVG path data per input edge (same order); "" for a self loop
	Back   []bool           // the edge runs against the layering (part of a cycle)
	Width  float64
	Height float64
	// Isolated marks nodes placed in the grid of tasks without edges.
	Isolated map[string]bool
	GridY    float64 // top of that grid, 0 when there is none
}

type lyNode struct {
	id     string // "" for a dummy
	layer  int
	order  float64
	y      float64
	h      float64
	up     []int // neighbours in the previous layer (left)
	down   []int // neighbours in the next layer (right)
	comp   int
	dummyE int // the edge a dummy belongs to
}

// layoutGraph lays out ids (drawn in every case) and edges between them
// (edges to unknown ids are ignored; the caller adds those ids first).
func layoutGraph(ids []string, edges []layoutEdge) layoutResult {
	res := layoutResult{Pos: map[string]point{}, Paths: make([]string, len(edges)), Back: make([]bool, len(edges)), Isolated: map[string]bool{}}
	index := map[string]int{}
	for i, id := range ids {
		index[id] = i
	}
	n := len(ids)
	out := make([][]int, n) // u waits for v: u -> v
	adj := make([][]int, n)
	type pair struct{ u, v int }
	seenPair := map[pair]bool{}
	for _, e := range edges {
		u, ok1 := index[e.From]
		v, ok2 := index[e.To]
		if !ok1 || !ok2 || u == v || seenPair[pair{u, v}] {
			continue
		}
		seenPair[pair{u, v}] = true
		out[u] = append(out[u], v)
		adj[u] = append(adj[u], v)
		adj[v] = append(adj[v], u)
	}

	// Weakly connected components, in order of their first node.
	comp := make([]int, n)
	for i := range comp {
		comp[i] = -1
	}
	var comps [][]int
	for i := 0; i < n; i++ {
		if comp[i] >= 0 || len(adj[i]) == 0 {
			continue
		}
		c := len(comps)
		stack := []int{i}
		comp[i] = c
		var members []int
		for len(stack) > 0 {
			x := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			members = append(members, x)
			for _, y := range adj[x] {
				if comp[y] < 0 {
					comp[y] = c
					stack = append(stack, y)
				}
			}
		}
		sort.Ints(members)
		comps = append(comps, members)
	}
	sort.SliceStable(comps, func(a, b int) bool { return len(comps[a]) > len(comps[b]) })

	// Back edges: a DFS over the waits-for edges, in id order.
	back := map[pair]bool{}
	state := make([]int, n) // 0 new, 1 on stack, 2 done
	var dfs func(u int)
	dfs = func(u int) {
		state[u] = 1
		for _, v := range out[u] {
			switch state[v] {
			case 0:
				dfs(v)
			case 1:
				back[pair{u, v}] = true
			}
		}
		state[u] = 2
	}
	for i := 0; i < n; i++ {
		if state[i] == 0 {
			dfs(i)
		}
	}
	// dep[u]: u's dependencies after reversing back edges (acyclic).
	dep := make([][]int, n)
	for u := 0; u < n; u++ {
		for _, v := range out[u] {
			if back[pair{u, v}] {
				dep[v] = append(dep[v], u)
			} else {
				dep[u] = append(dep[u], v)
			}
		}
	}
	layer := make([]int, n)
	done := make([]bool, n)
	var rank func(u int) int
	rank = func(u int) int {
		if done[u] {
			return layer[u]
		}
		done[u] = true // acyclic: no revisit while on the stack
		l := 0
		for _, v := range dep[u] {
			l = max(l, rank(v)+1)
		}
		layer[u] = l
		return l
	}
	for i := 0; i < n; i++ {
		rank(i)
	}

	y0 := lyMargin
	width := 0.0
	// Segments of every drawn edge, per component, for the paths.
	type chain struct {
		edge  int
		nodes []int // lyNode indices from the dependency to the dependant
	}
	for ci, members := range comps {
		var nodes []lyNode
		local := map[int]int{}
		maxL := 0
		for _, m := range members {
			local[m] = len(nodes)
			nodes = append(nodes, lyNode{id: ids[m], layer: layer[m], h: lyNodeH, comp: ci})
			maxL = max(maxL, layer[m])
		}
		var chains []chain
		for ei, e := range edges {
			u, ok1 := index[e.From]
			v, ok2 := index[e.To]
			if !ok1 || !ok2 || comp[u] != ci || u == v {
				continue
			}
			// Left end: the lower layer.
			a, b := local[v], local[u]
			if nodes[a].layer > nodes[b].layer {
				a, b = b, a
				res.Back[ei] = true
			}
			ch := chain{edge: ei, nodes: []int{a}}
			for l := nodes[a].layer + 1; l < nodes[b].layer; l++ {
				nodes = append(nodes, lyNode{layer: l, h: lyDummyH, comp: ci, dummyE: ei})
				ch.nodes = append(ch.nodes, len(nodes)-1)
			}
			ch.nodes = append(ch.nodes, b)
			for k := 0; k+1 < len(ch.nodes); k++ {
				x, y := ch.nodes[k], ch.nodes[k+1]
				nodes[x].down = append(nodes[x].down, y)
				nodes[y].up = append(nodes[y].up, x)
			}
			chains = append(chains, ch)
		}
		layers := make([][]int, maxL+1)
		for i := range nodes {
			layers[nodes[i].layer] = append(layers[nodes[i].layer], i)
		}
		for _, L := range layers {
			for k, i := range L {
				nodes[i].order = float64(k)
			}
		}
		// Barycenter sweeps.
		bary := func(i int, nb []int) float64 {
			if len(nb) == 0 {
				return nodes[i].order
			}
			s := 0.0
			for _, j := range nb {
				s += nodes[j].order
			}
			return s / float64(len(nb))
		}
		for sweep := 0; sweep < lySweeps; sweep++ {
			down := sweep%2 == 0
			for k := range layers {
				l := k
				if !down {
					l = len(layers) - 1 - k
				}
				L := layers[l]
				key := make(map[int]float64, len(L))
				for _, i := range L {
					if down {
						key[i] = bary(i, nodes[i].up)
					} else {
						key[i] = bary(i, nodes[i].down)
					}
				}
				sort.SliceStable(L, func(a, b int) bool { return key[L[a]] < key[L[b]] })
				for k, i := range L {
					nodes[i].order = float64(k)
				}
			}
		}
		// Vertical positions: each layer stacked and centred, then pulled
		// toward its neighbours' mean, half way each round, keeping the
		// order and the spacing (least squares: isotonic regression).
		for _, L := range layers {
			total := 0.0
			for _, i := range L {
				total += nodes[i].h + lyGap
			}
			y := -total / 2
			for _, i := range L {
				nodes[i].y = y
				y += nodes[i].h + lyGap
			}
		}
		centre := func(i int) float64 { return nodes[i].y + nodes[i].h/2 }
		for it := 0; it < lyPulls; it++ {
			for k := range layers {
				l := k
				if it%2 == 1 {
					l = len(layers) - 1 - k
				}
				L := layers[l]
				want := make([]float64, len(L))
				sep := make([]float64, len(L))
				for k, i := range L {
					want[k] = nodes[i].y
					if k > 0 {
						sep[k] = (nodes[L[k-1]].h+nodes[i].h)/2 + lyGap
					}
					nb := append(append([]int{}, nodes[i].up...), nodes[i].down...)
					if len(nb) == 0 {
						continue
					}
					s := 0.0
					for _, j := range nb {
						s += centre(j)
					}
					want[k] = (nodes[i].y + s/float64(len(nb)) - nodes[i].h/2) / 2
				}
				ys := placeInOrder(want, sep)
				for k, i := range L {
					nodes[i].y = ys[k]
				}
			}
		}
		minY, maxY := math.Inf(1), math.Inf(-1)
		for i := range nodes {
			minY = math.Min(minY, nodes[i].y)
			maxY = math.Max(maxY, nodes[i].y+nodes[i].h)
		}
		x := func(l int) float64 { return lyMargin + float64(l)*lyColW }
		for i := range nodes {
			nodes[i].y += y0 - minY
			if nodes[i].id != "" {
				res.Pos[nodes[i].id] = point{x(nodes[i].layer), nodes[i].y}
			}
		}
		width = math.Max(width, x(maxL)+lyNodeW+lyMargin)
		for _, ch := range chains {
			pts := make([]point, 0, len(ch.nodes))
			for k, i := range ch.nodes {
				px := x(nodes[i].layer)
				switch {
				case k == 0:
					px += lyNodeW
				case k == len(ch.nodes)-1:
				default:
					px += lyNodeW / 2
				}
				pts = append(pts, point{px, nodes[i].y + nodes[i].h/2})
			}
			if res.Back[ch.edge] {
				// Drawn from the dependency to the waiting task: reverse.
				for a, b := 0, len(pts)-1; a < b; a, b = a+1, b-1 {
					pts[a], pts[b] = pts[b], pts[a]
				}
			}
			res.Paths[ch.edge] = curve(pts, res.Back[ch.edge])
		}
		y0 += maxY - minY + lyCompGap
	}

	// Tasks without edges: a grid.
	var lone []int
	for i := 0; i < n; i++ {
		if len(adj[i]) == 0 {
			lone = append(lone, i)
		}
	}
	if len(lone) > 0 {
		cols := max(6, int((width-2*lyMargin+lyColW-lyNodeW)/(lyNodeW+16)))
		if len(comps) == 0 {
			cols = min(cols, 10)
		}
		res.GridY = y0
		y0 += 22 // room for the grid's caption
		for k, i := range lone {
			px := lyMargin + float64(k%cols)*(lyNodeW+16)
			py := y0 + float64(k/cols)*(lyNodeH+lyGap)
			res.Pos[ids[i]] = point{px, py}
			res.Isolated[ids[i]] = true
			width = math.Max(width, px+lyNodeW+lyMargin)
		}
		y0 += float64((len(lone)+cols-1)/cols)*(lyNodeH+lyGap) + lyCompGap
	}
	res.Width, res.Height = math.Ceil(width), math.Ceil(y0)
	return res
}

// curve draws a smooth path through pts with horizontal tangents; a back
// edge bows downward so it does not hide its twin.
func curve(pts []point, back bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, "M%.1f %.1f", pts[0].X, pts[0].Y)
	bow := 0.0
	if back {
		bow = 14
	}
	for k := 1; k < len(pts); k++ {
		p, q := pts[k-1], pts[k]
		dx := (q.X - p.X) / 2
		fmt.Fprintf(&b, " C%.1f %.1f %.1f %.1f %.1f %.1f", p.X+dx, p.Y+bow, q.X-dx, q.Y+bow, q.X, q.Y)
	}
	return b.String()
}

// placeInOrder returns positions as close as possible to want (least
// squares) such that position k is at least sep[k] after position k-1:
// pool-adjacent-violators over the offsets.
func placeInOrder(want, sep []float64) []float64 {
	n := len(want)
	off := make([]float64, n)
	for k := 1; k < n; k++ {
		off[k] = off[k-1] + sep[k]
	}
	type block struct {
		sum   float64
		count int
	}
	var blocks []block
	var starts []int
	for k := 0; k < n; k++ {
		blocks = append(blocks, block{want[k] - off[k], 1})
		starts = append(starts, k)
		for len(blocks) > 1 {
			a, b := blocks[len(blocks)-2], blocks[len(blocks)-1]
			if a.sum/float64(a.count) <= b.sum/float64(b.count) {
				break
			}
			blocks = blocks[:len(blocks)-1]
			starts = starts[:len(starts)-1]
			blocks[len(blocks)-1] = block{a.sum + b.sum, a.count + b.count}
		}
	}
	out := make([]float64, n)
	for bi, b := range blocks {
		end := n
		if bi+1 < len(starts) {
			end = starts[bi+1]
		}
		v := b.sum / float64(b.count)
		for k := starts[bi]; k < end; k++ {
			out[k] = v + off[k]
		}
	}
	return out
}
