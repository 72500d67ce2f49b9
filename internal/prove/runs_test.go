package prove

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/taskproof/taskproof/internal/evidence"
	"github.com/taskproof/taskproof/internal/gittest"
	"github.com/taskproof/taskproof/internal/repo"
)

// sharedRepo is planRepo with six tasks naming three runs (the command
// with LANE=a, b or c); boot.sh appends its LANE to $BOOTS and sleeps a
// little so that lanes overlap.
func sharedRepo(t *testing.T) (root, boots string) {
	t.Helper()
	tasks := map[string]string{}
	for i, lane := range []string{"a", "b", "c", "a", "b", "c"} {
		tasks["TASK-000"+string(rune('1'+i))] = "LANE=" + lane + " taskproof run --contract proof/contract.toml -- ./boot.sh"
	}
	root = planRepo(t, tasks)
	boots = filepath.Join(t.TempDir(), "boots")
	t.Setenv("BOOTS", boots)
	gittest.WriteFiles(t, root, map[string]string{"boot.sh": "#!/bin/sh\necho \"$LANE\" >> \"$BOOTS\"\necho \"tmp=$TMPDIR\"\nsleep 0.2\necho boot ok\n"})
	gittest.Git(t, root, "commit", "-qam", "boot.sh counts")
	return root, boots
}

func sharedPlan(t *testing.T, root string, o Options) *Plan {
	t.Helper()
	o.Timeout, o.Version = time.Minute, "test"
	names := []string{"TASK-0001", "TASK-0002", "TASK-0003", "TASK-0004", "TASK-0005", "TASK-0006"}
	p, err := NewAll(repo.Open(root), o, names...)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Bind(t.Context()); err != nil {
		t.Fatal(err)
	}
	return p
}

func bootLines(t *testing.T, boots string) []string {
	t.Helper()
	data, err := os.ReadFile(boots)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	return strings.Fields(string(data))
}

// TestExecuteSharedRuns: six tasks naming three runs run each run once in
// two lanes (under the race detector in scripts/test.sh), every task's
// step is judged from its run, and the observer sees each run start and
// end. A second plan reuses the passing runs from the cache and runs
// nothing; Force runs them again; a changed allowlisted file runs again.
func TestExecuteSharedRuns(t *testing.T) {
	root, boots := sharedRepo(t)
	p := sharedPlan(t, root, Options{Jobs: 2})
	if len(p.Runs()) != 3 {
		t.Fatalf("%d runs, want 3", len(p.Runs()))
	}
	started, done := 0, 0
	lanes := map[int]bool{}
	obs := Observer{
		RunStarted: func(r *SharedRun) { started++; lanes[r.Lane] = true },
		RunDone:    func(r *SharedRun) { done++ },
	}
	if err := p.Execute(t.Context(), obs); err != nil {
		t.Fatal(err)
	}
	if got := bootLines(t, boots); len(got) != 3 {
		t.Errorf("boots %v, want one per run", got)
	}
	if started != 3 || done != 3 || len(lanes) != 2 {
		t.Errorf("observed %d starts, %d ends, lanes %v", started, done, lanes)
	}
	for _, tp := range p.Tasks {
		res := tp.Steps[0].Result
		if !res.Outcome.Passed || res.Cached != nil || len(res.Files) != 3 || res.Exec == "" {
			t.Errorf("%s: %+v", tp.Doc.ID, res)
		}
	}
	// Each run has its own work directory with its console log; its
	// TMPDIR is removed after it.
	for _, r := range p.Runs() {
		dir := filepath.Join(root, filepath.FromSlash(RunsDir), r.ID)
		if log, err := os.ReadFile(filepath.Join(dir, "console.log")); err != nil || !strings.Contains(string(log), "boot ok") || !strings.Contains(string(log), "tmp="+filepath.Join(dir, "tmp")) {
			t.Errorf("run %s: console log %q, %v", r.ID, log, err)
		}
		if _, err := os.Stat(filepath.Join(dir, "tmp")); !os.IsNotExist(err) {
			t.Errorf("run %s: TMPDIR left behind: %v", r.ID, err)
		}
	}

	again := sharedPlan(t, root, Options{Jobs: 2})
	for _, r := range again.Runs() {
		if r.Cached == nil || r.Cached.From != "cache" {
			t.Errorf("run %s not reused from the cache", r.ID)
		}
	}
	if err := again.Execute(t.Context(), Observer{}); err != nil {
		t.Fatal(err)
	}
	if got := bootLines(t, boots); len(got) != 3 {
		t.Errorf("the cached plan ran: boots %v", got)
	}
	if res := again.Tasks[0].Steps[0].Result; !res.Outcome.Passed || res.Cached == nil || res.Exec != p.Tasks[0].Steps[0].Result.Exec {
		t.Errorf("reused result %+v", res)
	}

	forced := sharedPlan(t, root, Options{Jobs: 2, Force: true})
	if err := forced.Execute(t.Context(), Observer{}); err != nil {
		t.Fatal(err)
	}
	if got := bootLines(t, boots); len(got) != 6 {
		t.Errorf("Force: boots %v, want 3 more", got)
	}

	// boot.sh is allowlisted by every task and named by every command:
	// changing it makes every run stale.
	gittest.WriteFiles(t, root, map[string]string{"boot.sh": "#!/bin/sh\necho \"$LANE\" >> \"$BOOTS\"\necho boot ok\n"})
	changed := sharedPlan(t, root, Options{Jobs: 2})
	for _, r := range changed.Runs() {
		if r.Cached != nil {
			t.Errorf("run %s reused after its inputs changed", r.ID)
		}
	}
}

// TestLaneResults: a lane's result round-trips under its key and is
// refused under another or when changed; Collect judges from the lanes'
// outputs, and names a lane without a result and a lane that ran on
// other inputs.
func TestLaneResults(t *testing.T) {
	root, _ := sharedRepo(t)
	p := sharedPlan(t, root, Options{Jobs: 2, Force: true})
	if err := p.Execute(t.Context(), Observer{}); err != nil {
		t.Fatal(err)
	}
	pub, priv, _ := evidence.GenerateKey()
	dir := t.TempDir()
	results := map[string]*RunResult{}
	from := map[string]string{}
	for _, r := range p.Runs()[:2] {
		path, err := p.WriteLane(r, dir, priv)
		if err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		res, err := ReadLane(data, pub)
		if err != nil || res.ID != r.ID || !res.Passed || len(res.Tasks) != 2 {
			t.Fatalf("ReadLane: %+v %v", res, err)
		}
		otherPub, _, _ := evidence.GenerateKey()
		if _, err := ReadLane(data, otherPub); err == nil || !strings.Contains(err.Error(), "no signature verifies") {
			t.Errorf("another key: %v", err)
		}
		tampered := strings.Replace(string(data), `"payload": "`, `"payload": "e`, 1)
		if _, err := ReadLane([]byte(tampered), pub); err == nil {
			t.Error("a changed payload was accepted")
		}
		results[r.ID], from[r.ID] = res, path
	}
	// Run 2's lane ran on other inputs.
	other := *results[p.Runs()[1].ID]
	other.Tasks = map[string]string{"TASK-0002": "sha256:other", "TASK-0005": "sha256:other"}
	results[p.Runs()[1].ID] = &other

	c := sharedPlan(t, root, Options{Force: true, NoRun: true})
	probs := c.Collect(results, from)
	if len(probs) != 2 {
		t.Fatalf("problems %+v", probs)
	}
	msgs := map[string]string{}
	for _, pr := range probs {
		msgs[pr.Lane] = pr.Message
	}
	if m := msgs[p.Runs()[1].ID]; !strings.Contains(m, "ran on other inputs than this checkout: the files allowlisted by TASK-0002 differ") {
		t.Errorf("other inputs: %q", m)
	}
	if m := msgs[p.Runs()[2].ID]; !strings.Contains(m, "left no result") {
		t.Errorf("no result: %q", m)
	}
	if err := c.Execute(t.Context(), Observer{}); err != nil {
		t.Fatal(err)
	}
	for _, tp := range c.Tasks {
		res := tp.Steps[0].Result
		want := tp.Doc.ID == "TASK-0001" || tp.Doc.ID == "TASK-0004"
		if res.Outcome.Passed != want {
			t.Errorf("%s: passed %v, want %v (%s)", tp.Doc.ID, res.Outcome.Passed, want, res.Outcome.Reason)
		}
	}
}
