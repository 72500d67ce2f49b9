package main

import (
	"context"

	"github.com/taskproof/taskproof/internal/cli"
	"github.com/taskproof/taskproof/internal/prove"
)

// evidenceMDOptions are the inputs of `taskproof evidence md`.
type evidenceMDOptions struct {
	Root string
	Task string
	Tail int
}

// cmdEvidenceMD prints a task's evidence as the Markdown section to paste
// into a pull request; evidence that does not prove the task now, or a
// bundle file it cannot show, is a cli.ErrFindings error.
func cmdEvidenceMD(ctx context.Context, env *cli.Env, args []string) error {
	o := evidenceMDOptions{}
	fs := cli.NewFlagSet(env, "evidence md", "evidence md TASK-ID [--tail 15] [--root DIR]")
	fs.RootFlag(&o.Root)
	fs.IntVar(&o.Tail, "tail", 15, "show the last `N` lines of each console log")
	var err error
	if o.Task, err = fs.ParseOne(args, "want exactly one TASK-ID; usage: taskproof evidence md TASK-ID"); err != nil {
		return err
	}
	if o.Tail < 0 {
		return cli.Usagef("--tail must not be negative; got %d", o.Tail)
	}
	r, doc, err := openTask(env, o.Root, o.Task)
	if err != nil {
		return err
	}
	sec, err := prove.EvidenceMarkdown(ctx, r, doc, o.Tail)
	if err != nil {
		return err
	}
	if err := cli.Write(env.Stdout, sec.Markdown); err != nil {
		return err
	}
	if sec.Unread != nil {
		return cli.Findings(sec.Unread)
	}
	if !sec.Proven {
		return cli.Silent(cli.ErrFindings)
	}
	return nil
}
