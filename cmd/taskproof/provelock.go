package main

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"

	"github.com/taskproof/taskproof/internal/atomicfile"
	"github.com/taskproof/taskproof/internal/cli"
	"github.com/taskproof/taskproof/internal/prove"
	"github.com/taskproof/taskproof/internal/tasklock"
)

// lockTasks takes the one-prover-per-task locks of every task plan proves
// (see tasklock): another prove of one of them makes this one fail at
// once (exit 3), or wait with --wait. Holding them, it removes the
// temporary files writers killed mid-write left in the tasks directory.
func lockTasks(ctx context.Context, env *cli.Env, o proveOptions, plan *prove.Plan) (*tasklock.Lock, error) {
	ids := make([]string, 0, len(plan.Tasks))
	for _, tp := range plan.Tasks {
		ids = append(ids, string(tp.Doc.ID))
	}
	l, err := tasklock.Acquire(ctx, plan.Repo.Root, ids, o.Argv, false)
	if errors.Is(err, tasklock.ErrHeld) && o.Wait {
		fmt.Fprintf(env.Stderr, "taskproof prove: waiting: %v\n", err)
		l, err = tasklock.Acquire(ctx, plan.Repo.Root, ids, o.Argv, true)
	}
	if err != nil {
		return nil, cli.Infra(err)
	}
	if cfg, err := plan.Repo.Config(); err == nil && cfg.Tasks.Dir != "" {
		_, _ = atomicfile.SweepStale(filepath.Join(plan.Repo.Root, cfg.Tasks.Dir))
	}
	return l, nil
}
