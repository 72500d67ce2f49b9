package graph

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/taskproof/taskproof/internal/task"
)

// maxLabelRunes bounds the title shown in a Mermaid or DOT node so that a
// large graph stays readable; JSON carries the full title.
const maxLabelRunes = 60

// JSON renders the graph as an object with nodes, edges, cycles, dangling
// and ready, 2-space indented, with a trailing newline; < > & are kept
// as written.
func JSON(g *Graph) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false) // titles are data, not HTML
	if err := enc.Encode(g); err != nil {
		return nil, fmt.Errorf("encode graph: %w", err)
	}
	return b.Bytes(), nil
}

// Mermaid renders the graph as a Mermaid flowchart. Arrows point from a task
// to what it refers to (A --> B: A waits for B); blocking edges are solid,
// the others dotted; each edge is labelled with its kind. Cycles and
// dangling ids are listed as %% comments and styled.
func Mermaid(g *Graph) []byte {
	var b bytes.Buffer
	b.WriteString("flowchart LR\n")
	b.WriteString("  %% edges point from a task to the task it refers to; solid edges block readiness\n")
	for _, c := range g.Cycles {
		fmt.Fprintf(&b, "  %%%% cycle: %s\n", joinIDs(c, " "))
	}
	for _, id := range g.Dangling {
		fmt.Fprintf(&b, "  %%%% dangling: %s (referenced, no file)\n", id)
	}
	for _, n := range g.Nodes {
		fmt.Fprintf(&b, "  %s[\"%s\"]\n", mermaidID(n.ID), mermaidText(nodeLabel(n, ": ")))
	}
	drawn := g.danglingEndpoints()
	for _, id := range drawn {
		fmt.Fprintf(&b, "  %s[\"%s\"]\n", mermaidID(id), mermaidText(string(id)+" (no file)"))
	}
	for _, e := range collapse(g.Edges) {
		arrow := "-.->"
		if e.Blocking {
			arrow = "-->"
		}
		fmt.Fprintf(&b, "  %s %s|%s| %s\n", mermaidID(e.From), arrow, mermaidText(string(e.Kind)), mermaidID(e.To))
	}
	classes := []struct {
		name, style string
		ids         []task.ID
	}{
		{"done", "fill:#d4edda,stroke:#2e7d32", g.idsWithClass("Done")},
		{"ready", "stroke:#1565c0,stroke-width:3px", g.Ready},
		{"cycle", "stroke:#c62828,stroke-width:3px", g.cycleIDs()},
		{"dangling", "stroke-dasharray:5 5,fill:#fff8e1", drawn},
	}
	for _, c := range classes {
		if len(c.ids) == 0 {
			continue
		}
		fmt.Fprintf(&b, "  classDef %s %s\n", c.name, c.style)
		names := make([]string, len(c.ids))
		for i, id := range c.ids {
			names[i] = mermaidID(id)
		}
		fmt.Fprintf(&b, "  class %s %s\n", strings.Join(names, ","), c.name)
	}
	return b.Bytes()
}

// DOT renders the graph for Graphviz. Ids are quoted; nodes, then edges,
// in graph order. Cycles and dangling ids are listed as // comments.
func DOT(g *Graph) []byte {
	var b bytes.Buffer
	b.WriteString("digraph tasks {\n")
	b.WriteString("  // edges point from a task to the task it refers to; solid edges block readiness\n")
	for _, c := range g.Cycles {
		fmt.Fprintf(&b, "  // cycle: %s\n", joinIDs(c, " "))
	}
	for _, id := range g.Dangling {
		fmt.Fprintf(&b, "  // dangling: %s (referenced, no file)\n", id)
	}
	b.WriteString("  rankdir=LR;\n")
	b.WriteString("  node [shape=box];\n")
	for _, n := range g.Nodes {
		attrs := []string{"label=" + dotQuote(nodeLabel(n, "\n"))}
		if n.Class == "Done" {
			attrs = append(attrs, "style=filled", `fillcolor="#d4edda"`)
		}
		if g.inCycle[n.ID] {
			attrs = append(attrs, `color="#c62828"`, "penwidth=2")
		}
		fmt.Fprintf(&b, "  %s [%s];\n", dotQuote(string(n.ID)), strings.Join(attrs, ", "))
	}
	for _, id := range g.danglingEndpoints() {
		fmt.Fprintf(&b, "  %s [label=%s, style=dashed];\n", dotQuote(string(id)), dotQuote(string(id)+"\n(no file)"))
	}
	for _, e := range collapse(g.Edges) {
		attrs := []string{"label=" + dotQuote(string(e.Kind))}
		if !e.Blocking {
			attrs = append(attrs, "style=dashed")
		}
		fmt.Fprintf(&b, "  %s -> %s [%s];\n", dotQuote(string(e.From)), dotQuote(string(e.To)), strings.Join(attrs, ", "))
	}
	b.WriteString("}\n")
	return b.Bytes()
}

// collapse keeps one edge per (from, to, kind): a picture needs one arrow
// where the JSON lists every line that said it. edges must be sorted.
func collapse(edges []Edge) []Edge {
	var out []Edge
	for _, e := range edges {
		if n := len(out); n > 0 && out[n-1].From == e.From && out[n-1].To == e.To && out[n-1].Kind == e.Kind {
			continue
		}
		out = append(out, e)
	}
	return out
}

// danglingEndpoints are the dangling ids an edge touches: the ones a
// picture must draw (mentions alone stay in the comments).
func (g *Graph) danglingEndpoints() []task.ID {
	ends := map[task.ID]bool{}
	for _, e := range g.Edges {
		ends[e.From], ends[e.To] = true, true
	}
	var out []task.ID
	for _, id := range g.Dangling {
		if ends[id] {
			out = append(out, id)
		}
	}
	return out
}

func (g *Graph) idsWithClass(class task.StatusClass) []task.ID {
	var out []task.ID
	for _, n := range g.Nodes {
		if n.Class == class {
			out = append(out, n.ID)
		}
	}
	return out
}

func (g *Graph) cycleIDs() []task.ID {
	var out []task.ID
	for _, c := range g.Cycles {
		out = append(out, c...)
	}
	return out
}

func nodeLabel(n Node, sep string) string {
	title := strings.Join(strings.Fields(n.Title), " ")
	if utf8.RuneCountInString(title) > maxLabelRunes {
		r := []rune(title)
		title = strings.TrimSpace(string(r[:maxLabelRunes-1])) + "…"
	}
	if title == "" {
		return string(n.ID)
	}
	return string(n.ID) + sep + title
}

// mermaidID makes a node identifier Mermaid cannot misread: letters,
// digits and underscores only (TASK-0003B becomes TASK_0003B).
func mermaidID(id task.ID) string {
	var b strings.Builder
	for _, r := range string(id) {
		if r < utf8.RuneSelf && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	return b.String()
}

// mermaidText escapes text for a quoted Mermaid label: characters with a
// meaning to Mermaid or to the HTML it renders become #NNN; entity codes,
// line breaks become spaces.
func mermaidText(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '"', '#', '<', '>', '&', '`', '|':
			fmt.Fprintf(&b, "#%d;", r)
		case '\n', '\r', '\t':
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// dotQuote quotes s as a DOT string. A newline becomes DOT's \n line break;
// backslashes and quotes are escaped so that a title cannot end the string.
func dotQuote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r', '\t':
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

func joinIDs(ids []task.ID, sep string) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = string(id)
	}
	return strings.Join(s, sep)
}

// Render renders g in format, "json", "dot" or else Mermaid, with the
// warnings to show beside it: its cycles and dangling ids, then, for
// Mermaid, when the drawing is over Mermaid's limits.
func Render(g *Graph, format string) (out []byte, warnings []string, err error) {
	warnings = g.Warnings(true)
	switch format {
	case "json":
		out, err = JSON(g)
	case "dot":
		out = DOT(g)
	default:
		out = Mermaid(g)
		if w := MermaidLimitWarning(g, out); w != "" {
			warnings = append(warnings, w)
		}
	}
	return out, warnings, err
}
