package main

import (
	"context"

	"github.com/taskproof/taskproof/internal/prove"
)

// scopeOptions are the inputs of `taskproof scope`.
type scopeOptions struct {
	Root   string
	Format string // text or json
	Base   string // base revision; "" chooses one (see scopeHelp)
	Task   string // id as typed, or a path to a task file
}

func cmdScope(ctx context.Context, env *cliEnv, args []string) error {
	o := scopeOptions{}
	fs := newFlagSet(env, "scope", "scope TASK-ID [--base REV] [--root DIR] [--format text|json]")
	fs.rootFlag(&o.Root)
	fs.formatFlag(&o.Format, "text", "json")
	fs.StringVar(&o.Base, "base", "", "base `REV`; the merge base of REV and HEAD is compared with the work tree (default: upstream, else main, else master, else HEAD)")
	pos, err := fs.parse(args)
	if err != nil {
		return err
	}
	switch len(pos) {
	case 0:
		return usagef("missing TASK-ID; usage: taskproof scope TASK-ID (e.g. taskproof scope TASK-0003)")
	case 1:
		o.Task = pos[0]
	default:
		return usagef("scope takes one TASK-ID, got %d arguments", len(pos))
	}
	return runScope(ctx, o, env)
}

// runScope checks the change against the task's allowlist and prints the
// result; violations are an errFindings error.
func runScope(ctx context.Context, o scopeOptions, env *cliEnv) error {
	if err := checkFormat(o.Format, "text", "json"); err != nil {
		return err
	}
	r, _, _, err := openTasks(o.Root)
	if err != nil {
		return err
	}
	d, err := r.Task(o.Task)
	if err != nil {
		return err
	}
	res, err := prove.CheckScope(ctx, r, d, o.Base)
	if err != nil {
		return err
	}
	if err := writeOutput(env.stdout, o.Format, res, res.Text); err != nil {
		return err
	}
	if !res.OK() {
		return silent(errFindings)
	}
	return nil
}
