package main

import (
	"context"

	"github.com/taskproof/taskproof/internal/prove"
	"github.com/taskproof/taskproof/internal/sarif"
	"github.com/taskproof/taskproof/internal/scope"
)

// scopeOptions are the inputs of `taskproof scope`.
type scopeOptions struct {
	changeFlags
	Task string // id as typed, or a path to a task file
}

func cmdScope(ctx context.Context, env *cliEnv, args []string) error {
	o := scopeOptions{}
	fs := newFlagSet(env, "scope", "scope TASK-ID [--base REV] [--root DIR] [--format text|json|sarif|github|gitlab] [--exit-zero]")
	o.register(fs)
	var err error
	if o.Task, err = fs.parseTask(args, "scope TASK-ID (e.g. taskproof scope TASK-0003)"); err != nil {
		return err
	}
	if err := o.resolve(env, fs); err != nil {
		return err
	}
	return runScope(ctx, o, env)
}

// runScope checks the change against the task's allowlist and prints the
// result; violations are an errFindings error.
func runScope(ctx context.Context, o scopeOptions, env *cliEnv) error {
	if err := checkFormat(o.Format, findingFormats...); err != nil {
		return err
	}
	r, d, err := env.openTask(o.Root, o.Task)
	if err != nil {
		return err
	}
	res, err := prove.CheckScope(ctx, r, d, o.Base)
	if err != nil {
		return err
	}
	l := sarif.Log{Prefix: repoPrefix(r.Root), Category: "scope", Rules: scope.ScopeSARIFRules(), Results: res.SARIF()}
	return o.write(env, l, res, res.Text, !res.OK())
}
