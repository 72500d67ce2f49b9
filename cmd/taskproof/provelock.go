package main

import (
	"context"
	"fmt"

	"github.com/taskproof/taskproof/internal/cli"
	"github.com/taskproof/taskproof/internal/prove"
	"github.com/taskproof/taskproof/internal/tasklock"
)

// lockTasks takes the one-prover-per-task locks of every task plan proves
// (prove.Plan.Lock): another prove of one of them makes this one fail at
// once (exit 3), or wait with --wait, saying so.
func lockTasks(ctx context.Context, env *cli.Env, o proveOptions, plan *prove.Plan) (*tasklock.Lock, error) {
	return plan.Lock(ctx, o.Argv, o.Wait, func(err error) {
		fmt.Fprintf(env.Stderr, "taskproof prove: waiting: %v\n", err)
	})
}
