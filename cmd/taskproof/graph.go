package main

import (
	"fmt"
	"strings"

	"github.com/taskproof/taskproof/internal/graph"
	"github.com/taskproof/taskproof/internal/repo"
)

func init() {
	register(&command{name: "graph", summary: "print the dependency graph (Mermaid, DOT or JSON)", run: cmdGraph})
}

const graphHelp = `Prints the dependency graph of the repository's tasks. Edges come from
depends-on and follow-up-tasks headers, link labels (Depends-on:, Blocked
by:, Parent task:, Superseded by:, Unblocks: ...) and prose such as
"gated on TASK-0010". An edge points from a task to the task it refers to:
A -> B means A waits for B (depends-on, link, prose, unblocks), A follows B
(follow-up), B is A's parent (parent) or B replaces A (superseded-by). Only
the first four kinds block readiness; see 'taskproof next'.

--format mermaid (default) prints a Mermaid flowchart, dot a Graphviz
digraph; both list cycles and dangling ids (referenced, no file) as
comments. --format json prints {"nodes", "edges", "cycles", "dangling",
"ready"}; every edge carries from, to, kind, blocking, file and line.
Each cycle and dangling id is also reported on stderr as a warning.

Exit codes: 0 the graph was printed (cycles and dangling ids are warnings),
2 usage error or unreadable repository.`

// graphOptions are the inputs of `taskproof graph`.
type graphOptions struct {
	Root   string
	Format string // mermaid, dot or json
}

func cmdGraph(env *cliEnv, args []string) int {
	o := graphOptions{}
	fs := newFlagSet(env, "graph", "graph [--root DIR] [--format mermaid|dot|json]", graphHelp)
	fs.rootFlag(&o.Root)
	fs.formatFlag(&o.Format, "mermaid", "dot", "json")
	pos, code, done := fs.parse(args)
	if done {
		return code
	}
	if len(pos) > 0 {
		return report(env, "graph", usagef("unexpected argument %q; graph takes no arguments", pos[0]))
	}
	return report(env, "graph", runGraph(o, env))
}

// runGraph builds the graph of the repository at o.Root and prints it.
func runGraph(o graphOptions, env *cliEnv) error {
	if err := checkFormat(o.Format, "mermaid", "dot", "json"); err != nil {
		return err
	}
	r, err := repo.Open(o.Root)
	if err != nil {
		return err
	}
	g := graph.Build(r.Docs)
	var out []byte
	switch o.Format {
	case "json":
		if out, err = graph.JSON(g); err != nil {
			return &exitError{exitInfra, err}
		}
	case "dot":
		out = graph.DOT(g)
	default:
		out = graph.Mermaid(g)
	}
	if _, err := env.stdout.Write(out); err != nil {
		return &exitError{exitInfra, fmt.Errorf("write output: %w", err)}
	}
	warnGraph(env, "graph", g, true)
	return nil
}

// warnGraph prints one warning line per cycle and, when dangling is set,
// per dangling id, naming the first file and line that refers to it.
func warnGraph(env *cliEnv, name string, g *graph.Graph, dangling bool) {
	for _, c := range g.Cycles {
		ids := make([]string, len(c))
		for i, id := range c {
			ids[i] = string(id)
		}
		fmt.Fprintf(env.stderr, "taskproof %s: warning: dependency cycle among %s; none of them can become ready until one of their blocking references is removed\n", name, strings.Join(ids, ", "))
	}
	if !dangling {
		return
	}
	for _, id := range g.Dangling {
		where := ""
		if ref, ok := g.FirstReference(id); ok {
			where = fmt.Sprintf(" (first at %s:%d)", ref.File, ref.Line)
		}
		fmt.Fprintf(env.stderr, "taskproof %s: warning: %s is referenced but no task file has that id%s\n", name, id, where)
	}
}
