package main

import (
	"context"

	"github.com/taskproof/taskproof/internal/cli"
	"github.com/taskproof/taskproof/internal/ledger"
	"github.com/taskproof/taskproof/internal/task"
)

const historySynopsis = "history TASK-ID | --all [--root DIR] [--limit N] [--format text|json]"

// historyOptions are the inputs of `taskproof history`.
type historyOptions struct {
	Root   string
	Format string // text or json
	Task   string // canonical id; "" with All
	All    bool
	Limit  int
}

// cmdHistory lists the recorded runs of a task, or of all, newest first.
func cmdHistory(ctx context.Context, env *cli.Env, args []string) error {
	o := historyOptions{}
	fs := cli.NewFlagSet(env, "history", historySynopsis)
	fs.RootFlag(&o.Root)
	fs.FormatFlag(&o.Format, "text", "json")
	fs.BoolVar(&o.All, "all", false, "list every run: all tasks and plain runs")
	fs.IntVar(&o.Limit, "limit", 20, "show the newest `N` runs; 0 for all")
	pos, err := fs.Parse(args)
	if err != nil {
		return err
	}
	switch {
	case o.All && len(pos) > 0:
		return cli.Usagef("give either TASK-ID or --all, not both")
	case o.All:
	case len(pos) == 0:
		return cli.Usagef("missing TASK-ID; usage: taskproof %s", historySynopsis)
	case len(pos) > 1:
		return cli.Usagef("history takes one TASK-ID, got %d arguments", len(pos))
	default:
		id, ok := task.ParseID(pos[0])
		if !ok {
			return cli.Usagef("%q is not a task id; expected TASK-NNNN (e.g. TASK-0003 or TASK-0003B)", pos[0])
		}
		o.Task = string(id)
	}
	if err := cli.CheckFormat(o.Format, "text", "json"); err != nil {
		return err
	}
	if o.Limit < 0 {
		return cli.Usagef("--limit must be 0 (all) or more; got %d", o.Limit)
	}
	doc, text, err := ledger.ReadHistory(ctx, o.Root, o.Task, o.Limit, o.All)
	if err != nil {
		return err
	}
	return cli.WriteOutput(env.Stdout, o.Format, doc, func() []byte { return text })
}
