package graph

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"
)

// ReadyText is the table `taskproof next` prints: id, status and title of
// each ready node; a status outside the vocabulary in parentheses,
// shortened.
func ReadyText(ready []Node) []byte {
	var b bytes.Buffer
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	for _, n := range ready {
		status := string(n.Class)
		switch {
		case status == "" && n.Status == "":
			status = "(no status)"
		case status == "":
			status = "(" + clip(cell(n.Status), 24) + ")" // outside the vocabulary
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", n.ID, status, cell(n.Title))
	}
	tw.Flush()
	return b.Bytes()
}

// clip shortens s to max runes, marking the cut with an ellipsis.
func clip(s string, max int) string {
	r := []rune(s)
	if len(r) <= max {
		return s
	}
	return strings.TrimSpace(string(r[:max-1])) + "…"
}

// cell collapses whitespace so that a value cannot break the table.
func cell(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// Warnings are one line per cycle and, when dangling is set, per dangling
// id, naming the first file and line that refers to it.
func (g *Graph) Warnings(dangling bool) []string {
	var out []string
	for _, c := range g.Cycles {
		ids := make([]string, len(c))
		for i, id := range c {
			ids[i] = string(id)
		}
		out = append(out, fmt.Sprintf("dependency cycle among %s; none of them can become ready until one of their blocking references is removed", strings.Join(ids, ", ")))
	}
	if !dangling {
		return out
	}
	for _, id := range g.Dangling {
		where := ""
		if ref, ok := g.FirstReference(id); ok {
			where = fmt.Sprintf(" (first at %s:%d)", ref.File, ref.Line)
		}
		out = append(out, fmt.Sprintf("%s is referenced but no task file has that id%s", id, where))
	}
	return out
}

// ReadyJSON is the ready nodes as `taskproof next --format json` prints
// them: two-space indented, HTML characters as they are.
func ReadyJSON(ready []Node) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(ready); err != nil {
		return nil, fmt.Errorf("encode: %w", err)
	}
	return b.Bytes(), nil
}
