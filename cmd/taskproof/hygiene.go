package main

import (
	"context"

	"github.com/taskproof/taskproof/internal/cli"
	"github.com/taskproof/taskproof/internal/prove"
	"github.com/taskproof/taskproof/internal/sarif"
	"github.com/taskproof/taskproof/internal/scope"
)

// cmdHygiene checks the lines the change adds against the diff hygiene
// rules; findings are a cli.ErrFindings error.
func cmdHygiene(ctx context.Context, env *cli.Env, args []string) error {
	o := changeFlags{}
	fs := cli.NewFlagSet(env, "hygiene", "hygiene [--base REV] [--root DIR] [--format text|json|sarif|github|gitlab] [--exit-zero]")
	o.register(fs)
	pos, err := fs.Parse(args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return cli.Usagef("hygiene takes no arguments (it checks the whole change), got %q", pos)
	}
	if err := o.Resolve(env, fs); err != nil {
		return err
	}
	r := openRepo(env, o.Root)
	rep, err := prove.CheckHygiene(ctx, r, o.Base)
	if err != nil {
		return err
	}
	l := sarif.Log{Prefix: cli.RepoPrefix(r.Root), Category: "hygiene", Rules: scope.HygieneSARIFRules(), Results: rep.SARIF()}
	return o.Write(env, l, rep, rep.Text, len(rep.Findings) > 0)
}
