package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/taskproof/taskproof/internal/cli"
	"github.com/taskproof/taskproof/internal/evidence"
	"github.com/taskproof/taskproof/internal/proofstate"
	"github.com/taskproof/taskproof/internal/repo"
)

// ---- evidence verify ----

// evidenceOptions are the inputs of `taskproof evidence verify` and
// `evidence show`.
type evidenceOptions struct {
	Root   string
	Format string // text or json
	Bundle string
	Pub    string // public key file; "" = ROOT/.taskproof/signing.pub (show: when it exists)
	Commit string // verify: required commit; "" = any
}

func cmdEvidenceVerify(ctx context.Context, env *cli.Env, args []string) error {
	o := evidenceOptions{}
	fs := cli.NewFlagSet(env, "evidence verify", "evidence verify BUNDLE|TASK-ID [--pub KEYFILE] [--commit REV] [--root DIR] [--format text|json]")
	fs.RootFlag(&o.Root)
	fs.FormatFlag(&o.Format, "text", "json")
	fs.StringVar(&o.Pub, "pub", "", "public key `KEYFILE` (default .taskproof/signing.pub under --root)")
	fs.StringVar(&o.Commit, "commit", "", "require evidence for the commit `REV` names (a hash, HEAD, a branch or tag)")
	pos, err := fs.Parse(args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return cli.Usagef("want exactly one argument, the bundle file or task; usage: taskproof evidence verify BUNDLE|TASK-ID [--pub KEYFILE]")
	}
	if o.Bundle, err = bundleArg(env, o.Root, pos[0]); err != nil {
		return err
	}
	if o.Commit, err = commitArg(ctx, env, o.Root, o.Commit); err != nil {
		return err
	}
	return runEvidenceVerify(ctx, o, env)
}

// runEvidenceVerify verifies o.Bundle and reports the outcome.
func runEvidenceVerify(ctx context.Context, o evidenceOptions, env *cli.Env) error {
	if err := cli.CheckFormat(o.Format, "text", "json"); err != nil {
		return err
	}
	bundle, bad, err := proofstate.OpenBundle(repo.Open(o.Root), o.Bundle)
	if err != nil {
		return err
	}
	pol, err := loadPolicy(ctx, env, repo.Open(o.Root), false)
	if err != nil {
		return err
	}
	pub, err := proofstate.VerifyKey(bundle, pol, o.Pub, o.Root)
	if err != nil {
		return err
	}
	res, err := evidence.NewVerifyReport(o.Bundle, bundle, bad, pub, evidence.VerifyOptions{Commit: o.Commit})
	if err != nil {
		return err
	}
	if res.Valid {
		j := pol.Judge(res.KeyID)
		res.SignedBy = &j
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

// ---- evidence show ----

func cmdEvidenceShow(ctx context.Context, env *cli.Env, args []string) error {
	o := evidenceOptions{}
	fs := cli.NewFlagSet(env, "evidence show", "evidence show BUNDLE|TASK-ID [--pub KEYFILE] [--root DIR] [--format text|json]")
	fs.RootFlag(&o.Root)
	fs.FormatFlag(&o.Format, "text", "json")
	fs.StringVar(&o.Pub, "pub", "", "check the signature with public key `KEYFILE` (default .taskproof/signing.pub under --root, if present)")
	pos, err := fs.Parse(args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return cli.Usagef("want exactly one argument, the bundle file or task; usage: taskproof evidence show BUNDLE|TASK-ID")
	}
	if o.Bundle, err = bundleArg(env, o.Root, pos[0]); err != nil {
		return err
	}
	return runEvidenceShow(ctx, o, env)
}

// runEvidenceShow prints a bundle, verifying it when a key is available.
func runEvidenceShow(ctx context.Context, o evidenceOptions, env *cli.Env) error {
	if err := cli.CheckFormat(o.Format, "text", "json"); err != nil {
		return err
	}
	bundle, bad, err := proofstate.OpenBundle(repo.Open(o.Root), o.Bundle)
	if err != nil {
		return err
	}
	if bad != nil {
		return fmt.Errorf("%s: %w", o.Bundle, bad)
	}
	pol, err := loadPolicy(ctx, env, repo.Open(o.Root), false)
	if err != nil {
		return err
	}
	keyPath := proofstate.PubPath(o.Pub, o.Root)
	pub := proofstate.TrustedKey(bundle, pol, o.Pub)
	if s, ok := pol.Signer(evidence.KeyID(pub)); ok && pub != nil {
		keyPath = filepath.Join(o.Root, filepath.FromSlash(s.KeyFile))
	} else if _, statErr := os.Stat(keyPath); o.Pub != "" || statErr == nil {
		if pub, err = proofstate.ReadPub(o.Pub, o.Root); err != nil {
			return err
		}
	}
	res, err := evidence.NewShowReport(o.Bundle, bundle, pub, keyPath)
	if err != nil {
		return err
	}
	if res.Signature.Status == "valid" {
		j := pol.Judge(res.Signature.KeyID)
		res.SignedBy = &j
	}
	if err := cli.WriteOutput(env.Stdout, o.Format, res, res.Text); err != nil {
		return err
	}
	if res.Signature.Status == "invalid" {
		return cli.Silent(cli.ErrFindings)
	}
	return nil
}
