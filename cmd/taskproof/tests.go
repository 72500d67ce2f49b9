package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/taskproof/taskproof/internal/cli"
	"github.com/taskproof/taskproof/internal/flagargs"
	"github.com/taskproof/taskproof/internal/task"
	"github.com/taskproof/taskproof/internal/testout"
)

// testsOptions are the inputs of `taskproof tests`.
type testsOptions struct {
	From    string   // forced format, "" to detect
	Format  string   // text or json
	Require []string // required test names or globs
	Input   string   // path, or "-" for stdin
}

func cmdTests(ctx context.Context, env *cli.Env, args []string) error {
	o := testsOptions{}
	fs := cli.NewFlagSet(env, "tests", "tests [--from FORMAT] [--format text|json] [--require NAME]... FILE|-")
	fs.FormatFlag(&o.Format, "text", "json")
	fs.StringVar(&o.From, "from", "", "input `FORMAT`: gotest, cargo, pytest, junit, tap, ktap (default: detect)")
	fs.Var((*flagargs.List)(&o.Require), "require", "required test `NAME` or glob (repeatable)")
	pos, err := fs.Parse(args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return cli.Usagef("want exactly one FILE argument (a test-runner output file, or - for stdin), got %d", len(pos))
	}
	o.Input = pos[0]
	return runTests(ctx, o, env)
}

// runTests parses the input, prints the report and maps the verdict to an
// exit code: problems are printed on stderr, one line each.
func runTests(ctx context.Context, o testsOptions, env *cli.Env) error {
	if err := cli.CheckFormat(o.Format, "text", "json"); err != nil {
		return err
	}
	var from testout.Format
	if o.From != "" {
		f, err := testout.ParseFormat(o.From)
		if err != nil {
			return cli.Usagef("--from: %v", err)
		}
		from = f
	}
	for _, r := range o.Require {
		if strings.TrimSpace(r) == "" {
			return cli.Usagef("--require needs a test name or glob, got an empty string")
		}
	}
	data, err := testsRead(o.Input, env)
	if err != nil {
		return err
	}
	// A runner that wrote nothing (go test -json > out that died first)
	// ran no tests: a failure, whatever the format, never a usage error.
	if len(bytes.TrimSpace(data)) == 0 {
		return cli.Findings(errors.New("no test output: zero tests is a failure"))
	}
	run, err := testout.Parse(data, from)
	if errors.Is(err, testout.ErrUnknownFormat) {
		return cli.Usagef("%s: cannot detect the test output format (%s); pass --from FORMAT with one of: gotest, cargo, pytest, junit, tap, ktap", testsName(o.Input), testout.Describe(data))
	}
	if err != nil {
		return fmt.Errorf("%s: %w", testsName(o.Input), err)
	}
	refs := make([]task.TestRef, len(o.Require))
	for i, r := range o.Require {
		refs[i] = task.TestRef{Name: r}
	}
	rep := testout.NewReport(run, testout.Require(run, refs))

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

func testsName(input string) string {
	if input == "-" {
		return "standard input"
	}
	return input
}

// testsRead reads the whole input, bounded.
func testsRead(input string, env *cli.Env) ([]byte, error) {
	in := env.Stdin
	if input != "-" {
		f, err := os.Open(input)
		if err != nil {
			return nil, fmt.Errorf("open test output: %w", err)
		}
		defer f.Close()
		in = f
	}
	return testout.ReadInput(in, testsName(input))
}
