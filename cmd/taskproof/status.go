package main

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"github.com/taskproof/taskproof/internal/atomicfile"
	"github.com/taskproof/taskproof/internal/cli"
	"github.com/taskproof/taskproof/internal/proofstate"
	"github.com/taskproof/taskproof/internal/scope"
)

// statusOptions are the inputs of `taskproof status set`.
type statusOptions struct {
	Root   string
	Task   string // id as typed, or a path to a task file
	Status string // as typed
	By     string // successor for Superseded, as typed
	// RequireTrusted accepts only evidence from a trusted signer allowed
	// to set the status, whatever taskproof.toml says.
	RequireTrusted bool
}

const statusSynopsis = "status set TASK-ID STATUS [--by TASK-ID] [--require-trusted] [--root DIR]"

func cmdStatusSet(ctx context.Context, env *cli.Env, args []string) error {
	o := statusOptions{}
	fs := cli.NewFlagSet(env, "status", statusSynopsis)
	fs.RootFlag(&o.Root)
	fs.StringVar(&o.By, "by", "", "successor `TASK-ID` when STATUS is Superseded")
	fs.BoolVar(&o.RequireTrusted, "require-trusted", false, requireTrustedUsage)
	pos, err := fs.Parse(args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return cli.Usagef("status set takes TASK-ID and STATUS, got %d arguments; e.g. taskproof status set TASK-0003 Done", len(pos))
	}
	o.Task, o.Status = pos[0], pos[1]
	return runStatusSet(ctx, o, env)
}

// runStatusSet checks the transition and rewrites the status line.
func runStatusSet(ctx context.Context, o statusOptions, env *cli.Env) error {
	r, cfg, _, err := openTasks(env, o.Root)
	if err != nil {
		return err
	}
	want, ok := proofstate.CanonicalStatus(o.Status, cfg.Status.Vocabulary, cfg.Status.Aliases)
	if !ok {
		return cli.Usagef("unknown status %q; use one of: %s", o.Status, strings.Join(cfg.Status.Vocabulary, ", "))
	}
	doc, err := r.Task(o.Task)
	if err != nil {
		return err
	}
	path := r.File(doc)
	src, err := r.Source(doc)
	if err != nil {
		return err
	}
	if o.By != "" && want != "Superseded" {
		return cli.Usagef("--by names the successor of a Superseded task; it does not apply to %s", want)
	}
	value := want
	var proof *proofstate.Assessment
	switch want {
	case "Done", "In Review":
		pol, err := loadPolicy(ctx, env, r, o.RequireTrusted)
		if err != nil {
			return err
		}
		a, err := proofstate.RequireEvidence(ctx, r, doc, src, want, pol)
		if err != nil {
			return err
		}
		proof = &a
	case "Superseded":
		if value, err = proofstate.SupersededStatus(r, doc, want, o.By); err != nil {
			return err
		}
	}
	out, err := proofstate.SetStatus(src, doc, value)
	if err != nil {
		return err
	}
	from := doc.Status.Raw
	if from == "" {
		from = "(empty)"
	}
	if bytes.Equal(out, src) {
		fmt.Fprintf(env.Stdout, "%s: status is already %q (%s:%d); nothing written\n", doc.ID, value, doc.Path, doc.Status.Line)
	} else {
		if err := atomicfile.Write(path, out, 0o644); err != nil {
			return cli.Infra(err)
		}
		fmt.Fprintf(env.Stdout, "%s: status %q -> %q (%s:%d)\n", doc.ID, from, value, doc.Path, doc.Status.Line)
	}
	if proof != nil {
		fmt.Fprintf(env.Stdout, "proven by %s (commit %s, %s)\n", proof.Bundle, scope.ShortHash(proof.Commit), proof.Digest)
		if proof.Signer != nil {
			fmt.Fprintf(env.Stdout, "signed by %s\n", proof.Signer)
		}
	}
	return nil
}
