package main

import (
	"context"

	"github.com/taskproof/taskproof/internal/prove"
)

func cmdHygiene(ctx context.Context, env *cliEnv, args []string) error {
	o := changeFlags{}
	fs := newFlagSet(env, "hygiene", "hygiene [--base REV] [--root DIR] [--format text|json]")
	o.register(fs)
	pos, err := fs.parse(args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("hygiene takes no arguments (it checks the whole change), got %q", pos)
	}
	if err := checkFormat(o.Format, "text", "json"); err != nil {
		return err
	}
	rep, err := prove.CheckHygiene(ctx, env.openRepo(o.Root), o.Base)
	if err != nil {
		return err
	}
	return o.print(env, rep, rep.Text, len(rep.Findings) == 0)
}
