package main

import (
	"context"
	"fmt"
	"time"

	"github.com/taskproof/taskproof/internal/cli"
	"github.com/taskproof/taskproof/internal/evidence"
	"github.com/taskproof/taskproof/internal/proofstate"
	"github.com/taskproof/taskproof/internal/prove"
)

// recheckOptions are the inputs of `taskproof evidence recheck`.
type recheckOptions struct {
	Root    string
	Format  string // text or json
	Pub     string // public key file; "" = a trusted signer's, else .taskproof/signing.pub
	Timeout time.Duration
}

const recheckSynopsis = "evidence recheck BUNDLE [--pub KEYFILE] [--timeout D] [--root DIR] [--format text|json]"

// recheckReport is what `evidence recheck` says.
type recheckReport = prove.RecheckReport

// cmdEvidenceRecheck verifies the bundle, re-runs its task's proof
// commands at its commit in a clean temporary git worktree
// (prove.Recheck), prints how the re-run compares and records it.
func cmdEvidenceRecheck(ctx context.Context, env *cli.Env, args []string) error {
	var o recheckOptions
	fs := cli.NewFlagSet(env, "evidence recheck", recheckSynopsis)
	fs.RootFlag(&o.Root)
	fs.FormatFlag(&o.Format, "text", "json")
	fs.StringVar(&o.Pub, "pub", "", "check the signature with public key `KEYFILE` (default: the trusted signer the bundle names, else .taskproof/signing.pub)")
	fs.DurationVar(&o.Timeout, "timeout", prove.DefaultTimeout, "bound each test or harness command without its own --timeout")
	pos, err := fs.ParseExactly(args, 1, "want exactly one argument, the bundle file; usage: taskproof "+recheckSynopsis)
	if err != nil {
		return err
	}
	name := pos[0]
	r := openRepo(env, o.Root)
	bundle, bad, err := proofstate.OpenBundle(r, name)
	if err != nil {
		return err
	}
	if bad != nil {
		return cli.Findings(fmt.Errorf("%s: %w", name, bad))
	}
	pol, err := loadPolicy(ctx, env, r, false)
	if err != nil {
		return err
	}
	pub, err := proofstate.VerifyKey(bundle, pol, o.Pub, o.Root)
	if err != nil {
		return err
	}
	v, err := bundle.Verify(pub, evidence.VerifyOptions{})
	if err != nil {
		if evidence.Problems(err) != nil {
			return cli.Findings(fmt.Errorf("%s does not verify, so there is nothing to recheck: %w", name, err))
		}
		return err
	}
	rep, warnings, err := prove.Recheck(ctx, r, v, prove.RecheckOptions{Bundle: name, SignedBy: pol.Judge(v.KeyID),
		Timeout: o.Timeout, Version: version, Argv: append([]string{"taskproof", "evidence", "recheck"}, args...)}, env.Stderr)
	cli.Warn(env, "evidence recheck", warnings)
	if err != nil {
		return err
	}
	if err := cli.WriteOutput(env.Stdout, o.Format, rep, rep.Text); err != nil {
		return err
	}
	if !rep.Agree {
		return cli.Silent(cli.ErrFindings)
	}
	return nil
}
