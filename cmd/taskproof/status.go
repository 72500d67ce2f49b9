package main

import (
	"context"

	"github.com/taskproof/taskproof/internal/atomicfile"
	"github.com/taskproof/taskproof/internal/cli"
	"github.com/taskproof/taskproof/internal/proofstate"
	"github.com/taskproof/taskproof/internal/trust"
)

const statusSynopsis = "status set TASK-ID STATUS [--by TASK-ID] [--require-trusted] [--root DIR]"

// cmdStatusSet checks the transition (proofstate.ChangeStatus) and
// rewrites the task's status line.
func cmdStatusSet(ctx context.Context, env *cli.Env, args []string) error {
	var root string
	var requireTrusted bool
	var q proofstate.StatusRequest
	fs := cli.NewFlagSet(env, "status", statusSynopsis)
	fs.RootFlag(&root)
	fs.StringVar(&q.By, "by", "", "successor `TASK-ID` when STATUS is Superseded")
	fs.BoolVar(&requireTrusted, "require-trusted", false, requireTrustedUsage)
	pos, err := fs.ParseExactly(args, 2, "status set takes TASK-ID and STATUS, got %d arguments; e.g. taskproof status set TASK-0003 Done")
	if err != nil {
		return err
	}
	r := openRepo(env, root)
	q.Task, q.Status = pos[0], pos[1]
	q.Policy = func() (*trust.Policy, error) { return loadPolicy(ctx, env, r, requireTrusted) }
	c, err := proofstate.ChangeStatus(ctx, r, q)
	if err != nil {
		return err
	}
	if !c.Unchanged() {
		if err := atomicfile.Write(c.Path, c.Out, 0o644); err != nil {
			return cli.Infra(err)
		}
	}
	return cli.Write(env.Stdout, c.Text())
}
