package main

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"time"

	"github.com/taskproof/taskproof/internal/cli"
	"github.com/taskproof/taskproof/internal/evidence"
	"github.com/taskproof/taskproof/internal/gitdiff"
	"github.com/taskproof/taskproof/internal/ledger"
	"github.com/taskproof/taskproof/internal/proofstate"
	"github.com/taskproof/taskproof/internal/prove"
	"github.com/taskproof/taskproof/internal/repo"
)

// recheckOptions are the inputs of `taskproof evidence recheck`.
type recheckOptions struct {
	Root    string
	Format  string // text or json
	Bundle  string
	Pub     string // public key file; "" = a trusted signer's, else .taskproof/signing.pub
	Timeout time.Duration
	Argv    []string // the command line, for the ledger
}

const recheckSynopsis = "evidence recheck BUNDLE [--pub KEYFILE] [--timeout D] [--root DIR] [--format text|json]"

func cmdEvidenceRecheck(ctx context.Context, env *cli.Env, args []string) error {
	o := recheckOptions{Argv: append([]string{"taskproof", "evidence", "recheck"}, args...)}
	fs := cli.NewFlagSet(env, "evidence recheck", recheckSynopsis)
	fs.RootFlag(&o.Root)
	fs.FormatFlag(&o.Format, "text", "json")
	fs.StringVar(&o.Pub, "pub", "", "check the signature with public key `KEYFILE` (default: the trusted signer the bundle names, else .taskproof/signing.pub)")
	fs.DurationVar(&o.Timeout, "timeout", prove.DefaultTimeout, "bound each test or harness command without its own --timeout")
	pos, err := fs.Parse(args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return cli.Usagef("want exactly one argument, the bundle file; usage: taskproof %s", recheckSynopsis)
	}
	o.Bundle = pos[0]
	return runEvidenceRecheck(ctx, o, env)
}

// recheckReport is what `evidence recheck` says.
type recheckReport = prove.RecheckReport

// runEvidenceRecheck verifies the bundle, re-runs its task's proof
// commands at its commit in a clean temporary git worktree (removed
// afterwards, whatever happens), compares and records the result.
func runEvidenceRecheck(ctx context.Context, o recheckOptions, env *cli.Env) error {
	if err := cli.CheckFormat(o.Format, "text", "json"); err != nil {
		return err
	}
	r := repo.Open(o.Root)
	bundle, bad, err := proofstate.OpenBundle(r, o.Bundle)
	if err != nil {
		return err
	}
	if bad != nil {
		return cli.Findings(fmt.Errorf("%s: %w", o.Bundle, bad))
	}
	pol, err := loadPolicy(ctx, env, r, false)
	if err != nil {
		return err
	}
	var pub ed25519.PublicKey
	if pub, err = proofstate.VerifyKey(bundle, pol, o.Pub, o.Root); err != nil {
		return err
	}
	v, err := bundle.Verify(pub, evidence.VerifyOptions{})
	if err != nil {
		if evidence.Problems(err) != nil {
			return cli.Findings(fmt.Errorf("%s does not verify, so there is nothing to recheck: %w", o.Bundle, err))
		}
		return err
	}
	j := pol.Judge(v.KeyID)
	pred := v.Predicate
	rep := &recheckReport{Bundle: o.Bundle, Task: pred.TaskID, Commit: pred.Commit, SignedBy: &j, Claimed: pred.Verdict, Mismatches: []prove.Mismatch{}}

	wt, cleanup, err := gitdiff.Worktree(ctx, r.Root, pred.Commit)
	if errors.Is(err, gitdiff.ErrNoCommit) {
		return cli.Findings(err)
	}
	if err != nil {
		return err
	}
	defer func() {
		if err := cleanup(); err != nil {
			fmt.Fprintf(env.Stderr, "taskproof evidence recheck: warning: %v\n", err)
		}
	}()
	// The scope base is the bundle's commit: scope and hygiene depend on
	// the branch a change is judged against, which is not the proof.
	plan, err := prove.New(repo.Open(wt), prove.Options{Base: pred.Commit, Timeout: o.Timeout, Version: version, Force: true}, pred.TaskID)
	if err != nil {
		return fmt.Errorf("recheck %s at %s: %w", pred.TaskID, prove.ShortCommit(pred.Commit), err)
	}
	if err := plan.Bind(ctx); err != nil {
		return err
	}
	tp := plan.Tasks[0]
	rep.Mismatches = append(rep.Mismatches, prove.BindingMismatches(pred, tp.Inputs)...)
	fmt.Fprintf(env.Stderr, "taskproof evidence recheck: re-running %s at commit %s in %s\n", pred.TaskID, prove.ShortCommit(pred.Commit), wt)
	if err := plan.Execute(ctx, prove.LineObserver(env.Stderr)); err != nil {
		return err
	}
	judged := plan.Judge(ctx)[0]
	rep.Rerun = judged.Verdict
	claimedFile := func(name string) ([]byte, bool) {
		d, err := v.ReadFile(name)
		return d, err == nil
	}
	re, err := plan.RecheckedOf(judged)
	if err != nil {
		return cli.Infra(err)
	}
	claimed, unreadable := prove.ClaimedSteps(v)
	if unreadable != nil {
		rep.Mismatches = append(rep.Mismatches, *unreadable)
	}
	rep.Mismatches = append(rep.Mismatches, prove.Compare(pred, claimedFile, max(judged.Steps(), claimed), re)...)
	rep.Agree = len(rep.Mismatches) == 0
	// Before this recheck is recorded: its own verdicts are not history.
	if l, err := ledger.OpenExisting(ledger.DefaultPath(r.Root)); err == nil {
		if runs, err := l.History(ctx, pred.TaskID, 0); err == nil {
			prove.MarkFlaky(rep.Mismatches, runs, pred.Commit)
		}
		l.Close()
	}
	if err := plan.RecordRecheck(ctx, judged, r.Root, r.Rel(o.Bundle), v.Digest, o.Argv); err != nil {
		fmt.Fprintf(env.Stderr, "taskproof evidence recheck: warning: recheck not recorded in the ledger: %v\n", err)
	}
	if err := cli.WriteOutput(env.Stdout, o.Format, rep, rep.Text); err != nil {
		return err
	}
	if !rep.Agree {
		return cli.Silent(cli.ErrFindings)
	}
	return nil
}
