package main

import (
	"bytes"
	"context"
	"fmt"

	"github.com/taskproof/taskproof/internal/cli"
	"github.com/taskproof/taskproof/internal/lint"
	"github.com/taskproof/taskproof/internal/sarif"
)

// lintOptions are the inputs of `taskproof lint`.
type lintOptions struct {
	Root string
	cli.FindingOutput
	Rules bool // document the rules instead of linting
}

// cmdLint lints the repository (or the given task files) and writes the
// findings; error-severity findings are a cli.ErrFindings error.
func cmdLint(ctx context.Context, env *cli.Env, args []string) error {
	o := lintOptions{}
	fs := cli.NewFlagSet(env, "lint", "lint [FILES...] [--root DIR] [--format text|json|sarif|github|gitlab] [--rules] [--exit-zero]")
	fs.RootFlag(&o.Root)
	fs.FindingFlags(&o.FindingOutput)
	fs.BoolVar(&o.Rules, "rules", false, "print the documented rules and exit")
	files, err := fs.Parse(args)
	if err != nil {
		return err
	}
	// Resolve checks --format for the findings; --rules only lists.
	if o.Rules {
		err = cli.CheckFormat(o.Format, cli.FindingFormats...)
	} else {
		err = o.Resolve(env, fs)
	}
	if err != nil {
		return err
	}
	if o.Rules {
		switch o.Format {
		case "json":
			return lint.WriteRulesJSON(env.Stdout)
		case "sarif", "github", "gitlab":
			return cli.Usagef("--rules prints text or json; the SARIF output already carries the rules")
		}
		return lint.WriteRulesText(env.Stdout)
	}
	r := openRepo(env, o.Root)
	rep, skipped, err := r.Lint(files)
	if err != nil {
		return err
	}
	if skipped != nil {
		fmt.Fprintf(env.Stderr, "taskproof lint: warning: undeclared-marker skipped: %v (run 'taskproof contract lint')\n", skipped)
	}
	ds := rep.Diagnostics
	l := sarif.Log{Prefix: cli.RepoPrefix(r.Root), Category: "lint", Rules: lint.SARIFRules(), Results: lint.SARIFResults(ds)}
	text := func() []byte {
		var b bytes.Buffer
		lint.WriteText(&b, ds)
		return b.Bytes()
	}
	err = o.Write(env, l, rep, text, rep.Counts.Error > 0)
	fmt.Fprintf(env.Stderr, "taskproof lint: %s\n", lint.Summary(rep.Files, ds))
	return err
}
