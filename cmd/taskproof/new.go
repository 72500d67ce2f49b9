package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/taskproof/taskproof/internal/cli"
	"github.com/taskproof/taskproof/internal/repo"
)

// newOptions are the inputs of `taskproof new`.
type newOptions struct {
	Root     string
	FollowUp string // id of the task the new one follows, "" for a fresh number
	Date     string // YYYY-MM-DD for created:
}

// cmdNew writes the new task document (repo.CreateTask) and prints its
// path.
func cmdNew(ctx context.Context, env *cli.Env, args []string) error {
	o := newOptions{}
	fs := cli.NewFlagSet(env, "new", `new "TITLE" [--follow-up TASK-ID] [--date YYYY-MM-DD] [--root DIR]`)
	fs.RootFlag(&o.Root)
	fs.StringVar(&o.FollowUp, "follow-up", "", "make a follow-up of `TASK-ID` (TASK-0003 -> TASK-0003B)")
	fs.StringVar(&o.Date, "date", "", "created date `YYYY-MM-DD` (default today)")
	pos, err := fs.ParseExactly(args, 1, `want exactly one argument, the title (quote it: taskproof new "Boot the guest"), got %d`)
	if err != nil {
		return err
	}
	if o.Date == "" {
		o.Date = time.Now().Format(time.DateOnly)
	}
	target, err := openRepo(env, o.Root).CreateTask(pos[0], o.Date, o.FollowUp)
	if errors.Is(err, repo.ErrNoTask) || errors.Is(err, repo.ErrNoFreeID) || errors.Is(err, repo.ErrTaskFileExists) {
		return cli.Findings(err)
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(env.Stdout, target)
	return nil
}
