package main

import (
	"context"

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

// cmdFlaky reports the markers and tests whose outcome varies on the
// same commit.
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
	if err := cli.CheckFormat(o.Format, "text", "json"); err != nil {
		return err
	}
	if o.MinRuns < 2 {
		return cli.Usagef("--min-runs must be at least 2 (one run cannot vary); got %d", o.MinRuns)
	}
	doc, text, err := ledger.ReadFlaky(ctx, o.Root, o.MinRuns)
	if err != nil {
		return err
	}
	return cli.WriteOutput(env.Stdout, o.Format, doc, func() []byte { return text })
}
