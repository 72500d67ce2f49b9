package main

import (
	"context"
	"fmt"

	"github.com/taskproof/taskproof/internal/graph"
)

// nextOptions are the inputs of `taskproof next`.
type nextOptions struct {
	Root   string
	Format string // text or json
}

func cmdNext(ctx context.Context, env *cliEnv, args []string) error {
	o := nextOptions{}
	fs := newFlagSet(env, "next", "next [--root DIR] [--format text|json]")
	fs.rootFlag(&o.Root)
	fs.formatFlag(&o.Format, "text", "json")
	if err := fs.parseNone(args, "next takes no arguments"); err != nil {
		return err
	}
	return runNext(ctx, o, env)
}

// runNext prints the ready tasks of the repository at o.Root.
func runNext(ctx context.Context, o nextOptions, env *cliEnv) error {
	if err := checkFormat(o.Format, "text", "json"); err != nil {
		return err
	}
	_, _, docs, err := env.openTasks(o.Root)
	if err != nil {
		return err
	}
	g := graph.Build(docs)
	ready := g.ReadyNodes()
	var out []byte
	if o.Format == "json" {
		if out, err = graph.ReadyJSON(ready); err != nil {
			return infra(err)
		}
	} else {
		out = graph.ReadyText(ready)
	}
	if err := write(env.stdout, out); err != nil {
		return err
	}
	if len(ready) == 0 && o.Format == "text" {
		fmt.Fprintln(env.stderr, "taskproof next: no task is ready")
	}
	warn(env, "next", g.Warnings(false))
	return nil
}
