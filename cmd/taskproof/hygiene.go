package main

import (
	"context"

	"github.com/taskproof/taskproof/internal/prove"
	"github.com/taskproof/taskproof/internal/sarif"
	"github.com/taskproof/taskproof/internal/scope"
)

func cmdHygiene(ctx context.Context, env *cliEnv, args []string) error {
	o := changeFlags{}
	fs := newFlagSet(env, "hygiene", "hygiene [--base REV] [--root DIR] [--format text|json|sarif|github|gitlab] [--exit-zero]")
	o.register(fs)
	pos, err := fs.parse(args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("hygiene takes no arguments (it checks the whole change), got %q", pos)
	}
	if err := o.resolve(env, fs); err != nil {
		return err
	}
	r := env.openRepo(o.Root)
	rep, err := prove.CheckHygiene(ctx, r, o.Base)
	if err != nil {
		return err
	}
	l := sarif.Log{Prefix: repoPrefix(r.Root), Category: "hygiene", Rules: scope.HygieneSARIFRules(), Results: rep.SARIF()}
	return o.write(env, l, rep, rep.Text, len(rep.Findings) > 0)
}
