package main

import (
	"context"
	"fmt"

	"github.com/taskproof/taskproof/internal/graph"
)

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

func cmdGraph(ctx context.Context, env *cliEnv, args []string) error {
	o := graphOptions{}
	fs := newFlagSet(env, "graph", "graph [--root DIR] [--format mermaid|dot|json]", graphHelp)
	fs.rootFlag(&o.Root)
	fs.formatFlag(&o.Format, "mermaid", "dot", "json")
	pos, err := fs.parse(args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("unexpected argument %q; graph takes no arguments", pos[0])
	}
	return runGraph(ctx, o, env)
}

// runGraph builds the graph of the repository at o.Root and prints it.
func runGraph(ctx context.Context, o graphOptions, env *cliEnv) error {
	if err := checkFormat(o.Format, "mermaid", "dot", "json"); err != nil {
		return err
	}
	_, _, docs, err := openTasks(o.Root)
	if err != nil {
		return err
	}
	g := graph.Build(docs)
	var out []byte
	switch o.Format {
	case "json":
		if out, err = graph.JSON(g); err != nil {
			return infra(err)
		}
	case "dot":
		out = graph.DOT(g)
	default:
		out = graph.Mermaid(g)
	}
	if _, err := env.stdout.Write(out); err != nil {
		return infra(fmt.Errorf("write output: %w", err))
	}
	warnGraph(env, "graph", g, true)
	return nil
}
