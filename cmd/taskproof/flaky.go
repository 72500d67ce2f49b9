package main

import (
	"context"
	"fmt"

	"github.com/taskproof/taskproof/internal/ledger"
)

const flakySynopsis = "flaky [--root DIR] [--min-runs N] [--format text|json]"

// flakyOptions are the inputs of `taskproof flaky`.
type flakyOptions struct {
	Root    string
	Format  string // text or json
	MinRuns int
}

func cmdFlaky(ctx context.Context, env *cliEnv, args []string) error {
	o := flakyOptions{}
	fs := newFlagSet(env, "flaky", flakySynopsis)
	fs.rootFlag(&o.Root)
	fs.formatFlag(&o.Format, "text", "json")
	fs.IntVar(&o.MinRuns, "min-runs", 2, "consider only groups of at least `N` runs")
	pos, err := fs.parse(args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("flaky takes no arguments, got %q; usage: taskproof %s", pos[0], flakySynopsis)
	}
	return runFlaky(ctx, o, env)
}

func runFlaky(ctx context.Context, o flakyOptions, env *cliEnv) error {
	if err := checkFormat(o.Format, "text", "json"); err != nil {
		return err
	}
	if o.MinRuns < 2 {
		return usagef("--min-runs must be at least 2 (one run cannot vary); got %d", o.MinRuns)
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
		return writeJSON(env.stdout, doc)
	case l == nil:
		fmt.Fprintln(env.stdout, missing)
		return nil
	}
	return write(env.stdout, doc.Text())
}
