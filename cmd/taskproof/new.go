package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/taskproof/taskproof/internal/atomicfile"
	"github.com/taskproof/taskproof/internal/cli"
	"github.com/taskproof/taskproof/internal/repo"
	"github.com/taskproof/taskproof/internal/task"
)

// newOptions are the inputs of `taskproof new`.
type newOptions struct {
	Root     string
	Title    string
	FollowUp string // id of the task the new one follows, "" for a fresh number
	Date     string // YYYY-MM-DD for created:
}

func cmdNew(ctx context.Context, env *cli.Env, args []string) error {
	o := newOptions{}
	fs := cli.NewFlagSet(env, "new", `new "TITLE" [--follow-up TASK-ID] [--date YYYY-MM-DD] [--root DIR]`)
	fs.RootFlag(&o.Root)
	fs.StringVar(&o.FollowUp, "follow-up", "", "make a follow-up of `TASK-ID` (TASK-0003 -> TASK-0003B)")
	fs.StringVar(&o.Date, "date", "", "created date `YYYY-MM-DD` (default today)")
	pos, err := fs.Parse(args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return cli.Usagef(`want exactly one argument, the title (quote it: taskproof new "Boot the guest"), got %d`, len(pos))
	}
	o.Title = pos[0]
	if o.Date == "" {
		o.Date = time.Now().Format(time.DateOnly)
	}
	return runNew(ctx, o, env)
}

// runNew writes the new task document and prints its path.
func runNew(ctx context.Context, o newOptions, env *cli.Env) error {
	title := strings.Join(strings.Fields(o.Title), " ")
	if title == "" {
		return cli.Usagef("the title is empty; give the task a short title")
	}
	if _, err := time.Parse(time.DateOnly, o.Date); err != nil {
		return cli.Usagef("--date %q is not a date; use YYYY-MM-DD", o.Date)
	}
	var base task.ID
	if o.FollowUp != "" {
		id, ok := task.ParseID(o.FollowUp)
		if !ok {
			return cli.Usagef("--follow-up %q is not a task id; use TASK-NNNN or TASK-NNNNB", o.FollowUp)
		}
		base = id
	}
	// A repository without its tasks directory yet (a fresh `init`) gets
	// one: creating the first task is how it starts.
	r := openRepo(env, o.Root)
	cfg, err := r.Config()
	if err != nil {
		return err
	}
	dir := filepath.Join(o.Root, cfg.Tasks.Dir)
	if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return cli.Infra(fmt.Errorf("create tasks directory: %w", err))
		}
	}
	target, content, err := r.NewTask(title, o.Date, base)
	if errors.Is(err, repo.ErrNoTask) || errors.Is(err, repo.ErrNoFreeID) {
		return cli.Findings(err)
	}
	if err != nil {
		return err
	}
	if err := atomicfile.Create(target, content, 0o644); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return cli.Findings(fmt.Errorf("%s already exists; refusing to overwrite it (its id was not among the task files, is it outside [tasks] pattern %q?); rename or remove it", target, cfg.Tasks.Pattern))
		}
		return cli.Infra(err)
	}
	fmt.Fprintln(env.Stdout, target)
	return nil
}
