package main

import (
	"context"
	"fmt"

	"github.com/taskproof/taskproof/internal/cli"
	"github.com/taskproof/taskproof/internal/graph"
)

// nextOptions are the inputs of `taskproof next`.
type nextOptions struct {
	Root   string
	Format string // text or json
}

// cmdNext prints the ready tasks of the repository at --root.
func cmdNext(ctx context.Context, env *cli.Env, args []string) error {
	o := nextOptions{}
	fs := cli.NewFlagSet(env, "next", "next [--root DIR] [--format text|json]")
	fs.RootFlag(&o.Root)
	fs.FormatFlag(&o.Format, "text", "json")
	if err := fs.ParseNone(args, "next takes no arguments"); err != nil {
		return err
	}
	_, _, docs, err := openTasks(env, o.Root)
	if err != nil {
		return err
	}
	g := graph.Build(docs)
	ready := g.ReadyNodes()
	var out []byte
	if o.Format == "json" {
		if out, err = graph.ReadyJSON(ready); err != nil {
			return cli.Infra(err)
		}
	} else {
		out = graph.ReadyText(ready)
	}
	if err := cli.Write(env.Stdout, out); err != nil {
		return err
	}
	if len(ready) == 0 && o.Format == "text" {
		fmt.Fprintln(env.Stderr, "taskproof next: no task is ready")
	}
	cli.Warn(env, "next", g.Warnings(false))
	return nil
}
