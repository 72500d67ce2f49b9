package main

import (
	"context"

	"github.com/taskproof/taskproof/internal/cli"
	"github.com/taskproof/taskproof/internal/prove"
	"github.com/taskproof/taskproof/internal/sarif"
	"github.com/taskproof/taskproof/internal/scope"
)

// scopeOptions are the inputs of `taskproof scope`.
type scopeOptions struct {
	changeFlags
	Task string // id as typed, or a path to a task file
}

// cmdScope checks the change against the task's allowlist and prints the
// result; violations are a cli.ErrFindings error.
func cmdScope(ctx context.Context, env *cli.Env, args []string) error {
	o := scopeOptions{}
	fs := cli.NewFlagSet(env, "scope", "scope TASK-ID [--base REV] [--root DIR] [--format text|json|sarif|github|gitlab] [--exit-zero]")
	o.register(fs)
	var err error
	if o.Task, err = fs.ParseTask(args, "scope TASK-ID (e.g. taskproof scope TASK-0003)"); err != nil {
		return err
	}
	r, d, err := openTask(env, o.Root, o.Task)
	if err != nil {
		return err
	}
	res, err := prove.CheckScope(ctx, r, d, o.Base)
	if err != nil {
		return err
	}
	l := sarif.Log{Prefix: cli.RepoPrefix(r.Root), Category: "scope", Rules: scope.ScopeSARIFRules(), Results: res.SARIF()}
	return o.Write(env, l, res, res.Text, !res.OK())
}
