package main

import (
	"context"

	"github.com/taskproof/taskproof/internal/prove"
	"github.com/taskproof/taskproof/internal/repo"
)

// hygieneOptions are the inputs of `taskproof hygiene`.
type hygieneOptions struct {
	Root   string
	Format string // text or json
	Base   string // base revision; "" chooses one as scope does
}

func cmdHygiene(ctx context.Context, env *cliEnv, args []string) error {
	o := hygieneOptions{}
	fs := newFlagSet(env, "hygiene", "hygiene [--base REV] [--root DIR] [--format text|json]")
	fs.rootFlag(&o.Root)
	fs.formatFlag(&o.Format, "text", "json")
	fs.StringVar(&o.Base, "base", "", "base `REV`; the merge base of REV and HEAD is compared with the work tree (default: upstream, else main, else master, else HEAD)")
	pos, err := fs.parse(args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("hygiene takes no arguments (it checks the whole change), got %q", pos)
	}
	return runHygiene(ctx, o, env)
}

// runHygiene checks the added lines and prints the findings; findings
// are an errFindings error.
func runHygiene(ctx context.Context, o hygieneOptions, env *cliEnv) error {
	if err := checkFormat(o.Format, "text", "json"); err != nil {
		return err
	}
	rep, err := prove.CheckHygiene(ctx, repo.Open(o.Root), o.Base)
	if err != nil {
		return err
	}
	if err := writeOutput(env.stdout, o.Format, rep, rep.Text); err != nil {
		return err
	}
	if len(rep.Findings) > 0 {
		return silent(errFindings)
	}
	return nil
}
