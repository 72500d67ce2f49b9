package main

import (
	"context"

	"github.com/taskproof/taskproof/internal/cli"
	"github.com/taskproof/taskproof/internal/graph"
	"github.com/taskproof/taskproof/internal/task"
)

// graphOptions are the inputs of `taskproof graph`.
type graphOptions struct {
	Root   string
	Format string // mermaid, dot or json
	graph.Filter
	task string // --task as typed: an id or a task file
}

// cmdGraph builds the graph of the repository at o.Root and prints it.
func cmdGraph(ctx context.Context, env *cli.Env, args []string) error {
	o := graphOptions{}
	fs := cli.NewFlagSet(env, "graph", "graph [--task ID [--depth N]] [--blocking] [--root DIR] [--format mermaid|dot|json]")
	fs.RootFlag(&o.Root)
	fs.FormatFlag(&o.Format, "mermaid", "dot", "json")
	fs.StringVar(&o.task, "task", "", "draw only the neighbourhood of task `ID`: what it waits for and what waits for it")
	fs.IntVar(&o.Depth, "depth", 1, "with --task, how many edges away to go (`N`; 0: no limit)")
	fs.BoolVar(&o.Blocking, "blocking", false, "keep only the edges that block readiness")
	if err := fs.ParseNone(args, "graph takes no arguments"); err != nil {
		return err
	}
	r, _, docs, err := openTasks(env, o.Root)
	if err != nil {
		return err
	}
	if o.Depth < 0 {
		return cli.Usagef("--depth must be 0 (no limit) or more; got %d", o.Depth)
	}
	if o.task != "" {
		o.Task = task.ID(o.task)
		if d, err := r.Task(o.task); err == nil {
			o.Task = d.ID
		}
	}
	g, err := graph.Build(docs).Subgraph(o.Filter)
	if err != nil {
		return cli.Usagef("--task %s: %v; 'taskproof graph --format json' lists the tasks", o.task, err)
	}
	out, warnings, err := graph.Render(g, o.Format)
	if err != nil {
		return cli.Infra(err)
	}
	if o.Format == "json" {
		out = cli.WithSchemaVersion(out)
	}
	if err := cli.Write(env.Stdout, out); err != nil {
		return err
	}
	cli.Warn(env, "graph", warnings)
	return nil
}
