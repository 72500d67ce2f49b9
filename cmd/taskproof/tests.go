package main

import (
	"context"
	"fmt"

	"github.com/taskproof/taskproof/internal/cli"
	"github.com/taskproof/taskproof/internal/flagargs"
	"github.com/taskproof/taskproof/internal/testout"
)

// testsOptions are the inputs of `taskproof tests`.
type testsOptions struct {
	From    string   // forced format, "" to detect
	Format  string   // text or json
	Require []string // required test names or globs
}

// cmdTests reads a test runner's output (a file, or - for stdin), prints
// the report and maps the verdict to an exit code: problems are printed
// on stderr, one line each.
func cmdTests(ctx context.Context, env *cli.Env, args []string) error {
	o := testsOptions{}
	fs := cli.NewFlagSet(env, "tests", "tests [--from FORMAT] [--format text|json] [--require NAME]... FILE|-")
	fs.FormatFlag(&o.Format, "text", "json")
	fs.StringVar(&o.From, "from", "", "input `FORMAT`: gotest, cargo, pytest, junit, tap, ktap (default: detect)")
	fs.Var((*flagargs.List)(&o.Require), "require", "required test `NAME` or glob (repeatable)")
	pos, err := fs.ParseExactly(args, 1, "want exactly one FILE argument (a test-runner output file, or - for stdin), got %d")
	if err != nil {
		return err
	}
	rep, err := testout.CheckFile(env.Stdin, pos[0], o.From, o.Require)
	if err != nil {
		return err
	}
	if err := cli.WriteOutput(env.Stdout, o.Format, rep, rep.Text); err != nil {
		return err
	}
	if rep.Pass {
		return nil
	}
	for _, p := range rep.Problems {
		fmt.Fprintf(env.Stderr, "taskproof tests: %s\n", p)
	}
	return cli.Silent(cli.ErrFindings)
}
