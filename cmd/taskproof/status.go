package main

import (
	"context"
	"fmt"

	"github.com/taskproof/taskproof/internal/atomicfile"
	"github.com/taskproof/taskproof/internal/cli"
	"github.com/taskproof/taskproof/internal/proofstate"
	"github.com/taskproof/taskproof/internal/scope"
)

const statusSynopsis = "status set TASK-ID STATUS [--by TASK-ID] [--require-trusted] [--root DIR]"

// cmdStatusSet checks the transition (proofstate.ChangeStatus) and
// rewrites the task's status line.
func cmdStatusSet(ctx context.Context, env *cli.Env, args []string) error {
	var root string
	q := proofstate.StatusRequest{CI: inCI(env)}
	fs := cli.NewFlagSet(env, "status", statusSynopsis)
	fs.RootFlag(&root)
	fs.StringVar(&q.By, "by", "", "successor `TASK-ID` when STATUS is Superseded")
	fs.BoolVar(&q.RequireTrusted, "require-trusted", false, requireTrustedUsage)
	pos, err := fs.ParseExactly(args, 2, "status set takes TASK-ID and STATUS, got %d arguments; e.g. taskproof status set TASK-0003 Done")
	if err != nil {
		return err
	}
	q.Task, q.Status = pos[0], pos[1]
	c, err := proofstate.ChangeStatus(ctx, openRepo(env, root), q)
	if err != nil {
		return err
	}
	doc := c.Doc
	if c.Unchanged() {
		fmt.Fprintf(env.Stdout, "%s: status is already %q (%s:%d); nothing written\n", doc.ID, c.Value, doc.Path, doc.Status.Line)
	} else {
		if err := atomicfile.Write(c.Path, c.Out, 0o644); err != nil {
			return cli.Infra(err)
		}
		fmt.Fprintf(env.Stdout, "%s: status %q -> %q (%s:%d)\n", doc.ID, c.From, c.Value, doc.Path, doc.Status.Line)
	}
	if p := c.Proof; p != nil {
		fmt.Fprintf(env.Stdout, "proven by %s (commit %s, %s)\n", p.Bundle, scope.ShortHash(p.Commit), p.Digest)
		if p.Signer != nil {
			fmt.Fprintf(env.Stdout, "signed by %s\n", p.Signer)
		}
	}
	return nil
}
