package prove

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/taskproof/taskproof/internal/evidence"
	"github.com/taskproof/taskproof/internal/gitdiff"
	"github.com/taskproof/taskproof/internal/ledger"
	"github.com/taskproof/taskproof/internal/repo"
)

// RecheckOptions are the inputs of a recheck beside the verified bundle.
type RecheckOptions struct {
	// Bundle names the bundle in the report, as the user gave it.
	Bundle string
	// SignedBy is the trust policy's judgement of the bundle's signer.
	SignedBy evidence.SignerJudgement
	// Timeout bounds each test or harness command without its own.
	Timeout time.Duration
	// Version is taskproof's own version, recorded as a tool.
	Version string
	// Argv is the recheck's command line, for the ledger.
	Argv []string
}

// Recheck re-runs the proof commands of the verified bundle v at its
// commit in a clean temporary git worktree of r (removed afterwards,
// whatever happens), compares what they saw with what v claims, marks
// the differences the run history shows to be flaky, and records the
// recheck in r's ledger. log gets the re-run's progress lines. Warnings
// are what the caller should tell: a recheck the ledger did not record, a
// worktree not removed. A commit not in r wraps gitdiff.ErrNoCommit.
func Recheck(ctx context.Context, r *repo.Repo, v *evidence.Verified, o RecheckOptions, log io.Writer) (rep *RecheckReport, warnings []string, err error) {
	pred := v.Predicate
	rep = &RecheckReport{Bundle: o.Bundle, Task: pred.TaskID, Commit: pred.Commit, SignedBy: &o.SignedBy, Claimed: pred.Verdict, Mismatches: []Mismatch{}}
	wt, cleanup, err := gitdiff.Worktree(ctx, r.Root, pred.Commit)
	if err != nil {
		return nil, nil, err
	}
	defer func() {
		if cerr := cleanup(); cerr != nil {
			warnings = append(warnings, cerr.Error())
		}
	}()
	// The scope base is the bundle's commit: scope and hygiene depend on
	// the branch a change is judged against, which is not the proof.
	plan, err := New(repo.Open(wt), Options{Base: pred.Commit, Timeout: o.Timeout, Version: o.Version, Force: true}, pred.TaskID)
	if err != nil {
		return nil, nil, fmt.Errorf("recheck %s at %s: %w", pred.TaskID, shortCommit(pred.Commit), err)
	}
	if err := plan.Bind(ctx); err != nil {
		return nil, nil, err
	}
	rep.Mismatches = append(rep.Mismatches, BindingMismatches(pred, plan.Tasks[0].Inputs)...)
	fmt.Fprintf(log, "taskproof evidence recheck: re-running %s at commit %s in %s\n", pred.TaskID, shortCommit(pred.Commit), wt)
	if err := plan.Execute(ctx, LineObserver(log)); err != nil {
		return nil, nil, err
	}
	judged := plan.Judge(ctx)[0]
	rep.Rerun = judged.Verdict
	re, err := plan.RecheckedOf(judged)
	if err != nil {
		return nil, nil, &kindError{ErrInfra, err}
	}
	claimed, unreadable := ClaimedSteps(v)
	if unreadable != nil {
		rep.Mismatches = append(rep.Mismatches, *unreadable)
	}
	claimedFile := func(name string) ([]byte, bool) {
		d, err := v.ReadFile(name)
		return d, err == nil
	}
	rep.Mismatches = append(rep.Mismatches, Compare(pred, claimedFile, max(judged.Steps(), claimed), re)...)
	rep.Agree = len(rep.Mismatches) == 0
	// Before this recheck is recorded: its own verdicts are not history.
	if l, err := ledger.OpenExisting(ledger.DefaultPath(r.Root)); err == nil {
		if runs, err := l.History(ctx, pred.TaskID, 0); err == nil {
			MarkFlaky(rep.Mismatches, runs, pred.Commit)
		}
		l.Close()
	}
	if err := plan.RecordRecheck(ctx, judged, r.Root, r.Rel(o.Bundle), v.Digest, o.Argv); err != nil {
		warnings = append(warnings, fmt.Sprintf("recheck not recorded in the ledger: %v", err))
	}
	return rep, warnings, nil
}
