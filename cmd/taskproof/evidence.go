package main

import (
	"context"
	"fmt"

	"github.com/taskproof/taskproof/internal/cli"
	"github.com/taskproof/taskproof/internal/evidence"
	"github.com/taskproof/taskproof/internal/proofstate"
)

// evidenceOptions are the inputs of `taskproof evidence verify` and
// `evidence show`.
type evidenceOptions struct {
	Root   string
	Format string // text or json
	Bundle string // a bundle file, or a task whose bundle to read
	Pub    string // public key file; "" = ROOT/.taskproof/signing.pub (show: when it exists)
	Commit string // verify: required commit; "" = any
}

// parse reads the flags and the bundle argument of verify and show.
func (o *evidenceOptions) parse(env *cli.Env, name, synopsis, msg string, args []string, define func(*cli.FlagSet)) error {
	fs := cli.NewFlagSet(env, name, synopsis)
	fs.RootFlag(&o.Root)
	fs.FormatFlag(&o.Format, "text", "json")
	define(fs)
	var err error
	o.Bundle, err = fs.ParseOne(args, msg)
	return err
}

// cmdEvidenceVerify verifies a bundle and reports the outcome; an invalid
// bundle is a cli.ErrFindings error.
func cmdEvidenceVerify(ctx context.Context, env *cli.Env, args []string) error {
	o := evidenceOptions{}
	err := o.parse(env, "evidence verify", "evidence verify BUNDLE|TASK-ID [--pub KEYFILE] [--commit REV] [--root DIR] [--format text|json]",
		"want exactly one argument, the bundle file or task; usage: taskproof evidence verify BUNDLE|TASK-ID [--pub KEYFILE]", args, func(fs *cli.FlagSet) {
			fs.StringVar(&o.Pub, "pub", "", "public key `KEYFILE` (default .taskproof/signing.pub under --root)")
			fs.StringVar(&o.Commit, "commit", "", "require evidence for the commit `REV` names (a hash, HEAD, a branch or tag)")
		})
	if err != nil {
		return err
	}
	r := openRepo(env, o.Root)
	if o.Bundle, err = proofstate.FindBundle(r, o.Bundle); err != nil {
		return err
	}
	if o.Commit, err = proofstate.RequiredCommit(ctx, r, o.Commit); err != nil {
		return err
	}
	res, err := proofstate.VerifyBundle(ctx, r, cli.InCI(env), o.Bundle, o.Pub, evidence.VerifyOptions{Commit: o.Commit})
	if err != nil {
		return err
	}
	if o.Format != "json" && !res.Valid {
		for _, p := range res.Problems {
			fmt.Fprintf(env.Stderr, "taskproof evidence verify: %s: INVALID (%s): %s\n", o.Bundle, p.Reason, p.Message)
		}
	}
	if err := cli.WriteOutput(env.Stdout, o.Format, res, res.Text); err != nil {
		return err
	}
	if !res.Valid {
		return cli.Silent(cli.ErrFindings)
	}
	return nil
}

// cmdEvidenceShow prints a bundle, verifying it when a key is available;
// an invalid signature is a cli.ErrFindings error.
func cmdEvidenceShow(ctx context.Context, env *cli.Env, args []string) error {
	o := evidenceOptions{}
	err := o.parse(env, "evidence show", "evidence show BUNDLE|TASK-ID [--pub KEYFILE] [--root DIR] [--format text|json]",
		"want exactly one argument, the bundle file or task; usage: taskproof evidence show BUNDLE|TASK-ID", args, func(fs *cli.FlagSet) {
			fs.StringVar(&o.Pub, "pub", "", "check the signature with public key `KEYFILE` (default .taskproof/signing.pub under --root, if present)")
		})
	if err != nil {
		return err
	}
	r := openRepo(env, o.Root)
	if o.Bundle, err = proofstate.FindBundle(r, o.Bundle); err != nil {
		return err
	}
	res, err := proofstate.ShowBundle(ctx, r, cli.InCI(env), o.Bundle, o.Pub)
	if err != nil {
		return err
	}
	if err := cli.WriteOutput(env.Stdout, o.Format, res, res.Text); err != nil {
		return err
	}
	if res.Signature.Status == "invalid" {
		return cli.Silent(cli.ErrFindings)
	}
	return nil
}
