package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/taskproof/taskproof/internal/cli"
	"github.com/taskproof/taskproof/internal/proofstate"
	"github.com/taskproof/taskproof/internal/prove"
)

// evidenceMDOptions are the inputs of `taskproof evidence md`.
type evidenceMDOptions struct {
	Root string
	Task string
	Tail int
}

func cmdEvidenceMD(ctx context.Context, env *cli.Env, args []string) error {
	o := evidenceMDOptions{}
	fs := cli.NewFlagSet(env, "evidence md", "evidence md TASK-ID [--tail 15] [--root DIR]")
	fs.RootFlag(&o.Root)
	fs.IntVar(&o.Tail, "tail", 15, "show the last `N` lines of each console log")
	pos, err := fs.Parse(args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return cli.Usagef("want exactly one TASK-ID; usage: taskproof evidence md TASK-ID")
	}
	o.Task = pos[0]
	return runEvidenceMD(ctx, o, env)
}

func runEvidenceMD(ctx context.Context, o evidenceMDOptions, env *cli.Env) error {
	if o.Tail < 0 {
		return cli.Usagef("--tail must not be negative; got %d", o.Tail)
	}
	r, doc, err := openTask(env, o.Root, o.Task)
	if err != nil {
		return err
	}
	if doc.ID == "" {
		return cli.Usagef("%s has no task id; its evidence is named by the id", doc.Path)
	}
	rel := proofstate.BundleRel(doc.ID)
	path := proofstate.BundlePath(r.Root, doc.ID)
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return cli.Findings(fmt.Errorf("no evidence for %s at %s; run taskproof prove %s", doc.ID, rel, doc.ID))
	}
	pub, err := proofstate.LoadPublicKey(r.Root)
	if err != nil {
		return err
	}
	a := proofstate.Assess(ctx, r, doc, nil, pub)
	in, err := prove.NewMarkdownInput(r, a, rel, path, o.Tail)
	if err != nil {
		return err
	}
	md, problems := prove.Markdown(in)
	if err := cli.Write(env.Stdout, md); err != nil {
		return err
	}
	if len(problems) > 0 {
		// A bundle file this version cannot read is not shown: say so.
		return cli.Findings(fmt.Errorf("%s: %w", rel, errors.Join(problems...)))
	}
	if a.State != proofstate.Proven {
		return cli.Silent(cli.ErrFindings)
	}
	return nil
}
