package main

import (
	"context"
	"fmt"

	"github.com/taskproof/taskproof/internal/cli"
	"github.com/taskproof/taskproof/internal/ledger"
)

const flakySynopsis = "flaky [--root DIR] [--min-runs N] [--format text|json]"

// flakyOptions are the inputs of `taskproof flaky`.
type flakyOptions struct {
	Root    string
	Format  string // text or json
	MinRuns int
}

func cmdFlaky(ctx context.Context, env *cli.Env, args []string) error {
	o := flakyOptions{}
	fs := cli.NewFlagSet(env, "flaky", flakySynopsis)
	fs.RootFlag(&o.Root)
	fs.FormatFlag(&o.Format, "text", "json")
	fs.IntVar(&o.MinRuns, "min-runs", 2, "consider only groups of at least `N` runs")
	pos, err := fs.Parse(args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return cli.Usagef("flaky takes no arguments, got %q; usage: taskproof %s", pos[0], flakySynopsis)
	}
	return runFlaky(ctx, o, env)
}

func runFlaky(ctx context.Context, o flakyOptions, env *cli.Env) error {
	if err := cli.CheckFormat(o.Format, "text", "json"); err != nil {
		return err
	}
	if o.MinRuns < 2 {
		return cli.Usagef("--min-runs must be at least 2 (one run cannot vary); got %d", o.MinRuns)
	}
	doc := ledger.FlakyReport{MinRuns: o.MinRuns, Items: []ledger.FlakyItem{}}
	l, missing, err := ledger.OpenIfExists(o.Root)
	if err != nil {
		return err
	}
	if l != nil {
		defer l.Close()
		if doc.Items, err = l.Flaky(ctx, ledger.FlakyOptions{MinRuns: o.MinRuns}); err != nil {
			return err
		}
	}
	switch {
	case o.Format == "json":
		return cli.WriteJSON(env.Stdout, doc)
	case l == nil:
		fmt.Fprintln(env.Stdout, missing)
		return nil
	}
	return cli.Write(env.Stdout, doc.Text())
}
