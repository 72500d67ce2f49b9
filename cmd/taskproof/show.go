package main

import (
	"context"
	"errors"

	"github.com/taskproof/taskproof/internal/cli"
	"github.com/taskproof/taskproof/internal/proofstate"
	"github.com/taskproof/taskproof/internal/repo"
)

// showOptions are the inputs of `taskproof show`.
type showOptions struct {
	Root   string
	Format string // text or json
	Task   string // id as typed, or a path to a task file
}

// cmdShow finds the task and prints it with its evidence state.
func cmdShow(ctx context.Context, env *cli.Env, args []string) error {
	o := showOptions{}
	fs := cli.NewFlagSet(env, "show", "show TASK-ID [--root DIR] [--format text|json]")
	fs.RootFlag(&o.Root)
	fs.FormatFlag(&o.Format, "text", "json")
	var err error
	if o.Task, err = fs.ParseTask(args, "show TASK-ID (e.g. taskproof show TASK-0003)"); err != nil {
		return err
	}
	r, _, _, err := openTasks(env, o.Root)
	if err != nil {
		return err
	}
	shown, err := proofstate.Show(ctx, r, o.Task, proofstate.PolicyOptions{CI: cli.InCI(env)})
	if errors.Is(err, repo.ErrNoTask) {
		return cli.Findings(err)
	}
	if err != nil {
		return err
	}
	return cli.WriteOutput(env.Stdout, o.Format, shown, func() []byte { return proofstate.ShowDocsText(shown) })
}
