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

func cmdShow(ctx context.Context, env *cli.Env, args []string) error {
	o := showOptions{}
	fs := cli.NewFlagSet(env, "show", "show TASK-ID [--root DIR] [--format text|json]")
	fs.RootFlag(&o.Root)
	fs.FormatFlag(&o.Format, "text", "json")
	var err error
	if o.Task, err = fs.ParseTask(args, "show TASK-ID (e.g. taskproof show TASK-0003)"); err != nil {
		return err
	}
	return runShow(ctx, o, env)
}

// runShow finds the task and prints it.
func runShow(ctx context.Context, o showOptions, env *cli.Env) error {
	if err := cli.CheckFormat(o.Format, "text", "json"); err != nil {
		return err
	}
	r, _, _, err := openTasks(env, o.Root)
	if err != nil {
		return err
	}
	docs, err := r.Lookup(o.Task)
	if errors.Is(err, repo.ErrNoTask) {
		return cli.Findings(err)
	}
	if err != nil {
		return err
	}
	pub, err := proofstate.LoadPublicKey(r.Root)
	if err != nil {
		return err
	}
	pol, err := loadPolicy(ctx, env, r, false)
	if err != nil {
		return err
	}
	assessor := proofstate.NewAssessor(ctx, r, pub).WithPolicy(pol, "")
	shown := make([]proofstate.ShownDoc, len(docs))
	for i, d := range docs {
		shown[i] = proofstate.ShownDoc{Document: d, Proof: assessor.Assess(d, nil)}
	}
	return cli.WriteOutput(env.Stdout, o.Format, shown, func() []byte { return proofstate.ShowDocsText(shown) })
}
