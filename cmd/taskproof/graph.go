package main

import (
	"context"

	"github.com/taskproof/taskproof/internal/graph"
)

// graphOptions are the inputs of `taskproof graph`.
type graphOptions struct {
	Root   string
	Format string // mermaid, dot or json
}

func cmdGraph(ctx context.Context, env *cliEnv, args []string) error {
	o := graphOptions{}
	fs := newFlagSet(env, "graph", "graph [--root DIR] [--format mermaid|dot|json]")
	fs.rootFlag(&o.Root)
	fs.formatFlag(&o.Format, "mermaid", "dot", "json")
	if err := fs.parseNone(args, "graph takes no arguments"); err != nil {
		return err
	}
	return runGraph(ctx, o, env)
}

// runGraph builds the graph of the repository at o.Root and prints it.
func runGraph(ctx context.Context, o graphOptions, env *cliEnv) error {
	if err := checkFormat(o.Format, "mermaid", "dot", "json"); err != nil {
		return err
	}
	_, _, docs, err := env.openTasks(o.Root)
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
	if err := write(env.stdout, out); err != nil {
		return err
	}
	warn(env, "graph", g.Warnings(true))
	return nil
}
