package prove

import (
	"context"
	"crypto/ed25519"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/taskproof/taskproof/internal/evidence"
	"github.com/taskproof/taskproof/internal/gitdiff"
	"github.com/taskproof/taskproof/internal/repo"
	"github.com/taskproof/taskproof/internal/tasklock"
)

// TestPlanSelected: --all plans every task, ids plan the named ones, and
// an unknown id fails before anything is bound.
func TestPlanSelected(t *testing.T) {
	root, _ := sharedRepo(t)
	o := Options{Timeout: time.Minute, Version: "test"}
	all, err := PlanSelected(t.Context(), repo.Open(root), o, Selection{All: true, Names: []string{"ignored"}})
	if err != nil || len(all.Tasks) != 6 || len(all.Runs()) != 3 {
		t.Fatalf("--all: %v, %+v", err, all)
	}
	some, err := PlanSelected(t.Context(), repo.Open(root), o, Selection{Names: []string{"TASK-0002", "TASK-0005"}})
	if err != nil || len(some.Tasks) != 2 || len(some.Runs()) != 1 {
		t.Fatalf("two tasks of one run: %v, %+v", err, some)
	}
	if _, err := PlanSelected(t.Context(), repo.Open(root), o, Selection{Names: []string{"TASK-0042"}}); !errors.Is(err, repo.ErrNoTask) {
		t.Errorf("unknown task: %v, want ErrNoTask", err)
	}
	if _, err := PlanSelected(t.Context(), repo.Open(t.TempDir()), o, Selection{All: true}); !errors.Is(err, repo.ErrNoTasksDir) {
		t.Errorf("no tasks directory: %v, want ErrNoTasksDir", err)
	}
}

// TestLock: a second prover of the same tasks fails at once with an
// infrastructure error, or with wait waits (here until its context
// ends) after saying why; once released the tasks lock again.
func TestLock(t *testing.T) {
	root, _ := sharedRepo(t)
	p := sharedPlan(t, root, Options{})
	l, err := p.Lock(t.Context(), []string{"first"}, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Lock(t.Context(), []string{"second"}, false, nil); !errors.Is(err, ErrInfra) || !errors.Is(err, tasklock.ErrHeld) {
		t.Errorf("second prover: %v, want ErrInfra and ErrHeld", err)
	}
	waited := false
	ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
	defer cancel()
	if _, err := p.Lock(ctx, []string{"third"}, true, func(error) { waited = true }); err == nil || !waited {
		t.Errorf("waiting prover: waited %v, err %v; want a wait that ends with its context", waited, err)
	}
	l.Release()
	l, err = p.Lock(t.Context(), []string{"fourth"}, false, nil)
	if err != nil {
		t.Fatalf("after release: %v", err)
	}
	l.Release()
}

// TestSealOneAndAll: an executed plan of one task seals and records its
// evidence; a plan of six seals them all, reports them proven and writes
// the Markdown summary.
func TestSealOneAndAll(t *testing.T) {
	p := bootPlan(t)
	root := p.Repo.Root
	if err := p.Execute(t.Context(), Observer{}); err != nil {
		t.Fatal(err)
	}
	_, priv, _ := evidence.GenerateKey()
	res, warnings, err := p.SealOne(t.Context(), priv, "test key", []string{"taskproof", "prove", "TASK-0001"})
	if err != nil || len(warnings) != 0 {
		t.Fatalf("SealOne: %v %q", err, warnings)
	}
	if res.Verdict != evidence.Proven || res.Evidence.KeySource != "test key" || len(p.LedgerIDs()) != 1 {
		t.Errorf("result %+v, ledger ids %v", res, p.LedgerIDs())
	}
	if _, err := os.Stat(filepath.Join(root, filepath.FromSlash(res.Evidence.Path))); err != nil {
		t.Errorf("no bundle: %v", err)
	}

	shared, _ := sharedRepo(t)
	many := sharedPlan(t, shared, Options{Jobs: 2})
	if err := many.Execute(t.Context(), Observer{}); err != nil {
		t.Fatal(err)
	}
	rep, warnings, err := many.SealAll(t.Context(), priv, "test key", nil, []string{"taskproof", "prove", "--all"})
	if err != nil || len(warnings) != 0 {
		t.Fatalf("SealAll: %v %q", err, warnings)
	}
	if rep.Verdict != evidence.Proven || len(rep.Tasks) != 6 || len(rep.Results) != 6 || len(many.LedgerIDs()) != 6 {
		t.Errorf("report %+v", rep)
	}
	summary := filepath.Join(t.TempDir(), "summary.md")
	if err := rep.WriteSummary(summary); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(summary); string(got) != string(rep.Markdown()) {
		t.Errorf("summary file %q, want the report's Markdown", got)
	}
	if err := rep.WriteSummary(""); err != nil {
		t.Errorf("no summary path: %v", err)
	}
	if err := rep.WriteSummary(filepath.Join(summary, "x.md")); !errors.Is(err, ErrInfra) {
		t.Errorf("unwritable summary: %v, want ErrInfra", err)
	}
}

// TestRunLane runs one lane of three: only its run runs, and its signed
// result reads back under the key.
func TestRunLane(t *testing.T) {
	root, boots := sharedRepo(t)
	p := sharedPlan(t, root, Options{Jobs: 2, Force: true})
	lane := p.Runs()[1]
	pub, priv, _ := evidence.GenerateKey()
	path, err := p.RunLane(t.Context(), lane, t.TempDir(), priv, Observer{})
	if err != nil {
		t.Fatal(err)
	}
	if got := bootLines(t, boots); len(got) != 1 || got[0] != "b" {
		t.Errorf("boots %v, want only lane b's", got)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if res, err := ReadLane(data, pub); err != nil || res.ID != lane.ID || !res.Passed {
		t.Errorf("lane result %+v, %v", res, err)
	}
	if _, err := p.RunLane(t.Context(), lane, filepath.Join(path, "not-a-dir"), priv, Observer{}); !errors.Is(err, ErrInfra) {
		t.Errorf("unwritable lane directory: %v, want ErrInfra", err)
	}
}

// TestRecheck re-runs a sealed bundle's proof at its commit: the re-run
// agrees and is recorded; a bundle whose commit is not in the repository
// wraps gitdiff.ErrNoCommit.
func TestRecheck(t *testing.T) {
	p := bootPlan(t)
	r := p.Repo
	if err := p.Execute(t.Context(), Observer{}); err != nil {
		t.Fatal(err)
	}
	_, priv, _ := evidence.GenerateKey()
	s, err := p.Seal(t.Context(), p.Judge(t.Context())[0], priv)
	if err != nil {
		t.Fatal(err)
	}
	v, err := evidence.Verify(s.Bundle, priv.Public().(ed25519.PublicKey), evidence.VerifyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var log strings.Builder
	o := RecheckOptions{Bundle: s.Path, Timeout: time.Minute, Version: "test", Argv: []string{"taskproof", "evidence", "recheck"}}
	rep, warnings, err := Recheck(t.Context(), r, v, o, &log)
	if err != nil || len(warnings) != 0 {
		t.Fatalf("Recheck: %v %q", err, warnings)
	}
	if !rep.Agree || rep.Rerun != evidence.Proven || rep.Claimed != evidence.Proven || rep.Task != "TASK-0001" {
		t.Errorf("report %+v", rep)
	}
	if !strings.Contains(log.String(), "re-running TASK-0001 at commit") {
		t.Errorf("progress %q", log.String())
	}
	gone := *v
	gone.Predicate.Commit = strings.Repeat("1", 40)
	if _, _, err := Recheck(t.Context(), r, &gone, o, io.Discard); !errors.Is(err, gitdiff.ErrNoCommit) {
		t.Errorf("commit not in the repository: %v, want ErrNoCommit", err)
	}
}
