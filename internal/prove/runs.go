package prove

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/taskproof/taskproof/internal/dod"
	"github.com/taskproof/taskproof/internal/harness"
	"github.com/taskproof/taskproof/internal/proofrun"
	"github.com/taskproof/taskproof/internal/repo"
)

// RunsDir holds each run's work directory (its console log and TMPDIR),
// relative to the root.
const RunsDir = repo.StateDir + "/runs"

// SharedRun is one distinct run of a plan: the steps of every task that
// name the same run (equal Key). It runs once, and its output judges every
// one of those steps.
type SharedRun struct {
	// ID names the run across machines and plans: the first 12 hex digits
	// of the SHA-256 of its key. A CI lane runs one ID.
	ID    string
	Key   RunKey
	Steps []TaskStep
	// Output is what the run observed: set by Execute, by the cache or by
	// Use; nil when it did not run.
	Output *RunOutput
	// Cached says where a reused output comes from; nil when it ran here.
	Cached *Reuse
	// NotRun says why a run without output did not run.
	NotRun string
	// Duration is how long the run took here (0 when reused).
	Duration time.Duration
	// Lane is the parallel slot (0..jobs-1) it ran in.
	Lane int
	// inputs is the digest of what the run reads, tasks' allowlists aside.
	inputs string
}

// TaskStep is one task's step that a shared run proves.
type TaskStep struct {
	Task *TaskPlan
	Step *Step
}

// Reuse names the earlier run whose passing output a run reuses.
type Reuse struct {
	Run    string `json:"run"`    // the execution id of the earlier run
	Commit string `json:"commit"` // the commit it ran on
	From   string `json:"from"`   // "cache", or the lane result file it came from
}

// First is the step the run is made of (the first task's that names it).
func (r *SharedRun) First() TaskStep { return r.Steps[0] }

// Tasks lists the ids of the tasks the run serves, in plan order, once each.
func (r *SharedRun) Tasks() []string {
	var out []string
	seen := map[string]bool{}
	for _, ts := range r.Steps {
		id := string(ts.Task.Doc.ID)
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// runID is the stable id of a run key.
func runID(k RunKey) string {
	sum := sha256.Sum256([]byte(k))
	return hex.EncodeToString(sum[:])[:12]
}

// Runs are the plan's distinct runs in the order their first step appears.
func (p *Plan) Runs() []*SharedRun {
	if p.runs != nil {
		return p.runs
	}
	byKey := map[RunKey]*SharedRun{}
	for _, tp := range p.Tasks {
		for _, st := range tp.Steps {
			k := st.Key()
			r := byKey[k]
			if r == nil {
				r = &SharedRun{ID: runID(k), Key: k}
				byKey[k] = r
				p.runs = append(p.runs, r)
			}
			r.Steps = append(r.Steps, TaskStep{tp, st})
		}
	}
	return p.runs
}

// Run is the run with id, or nil.
func (p *Plan) Run(id string) *SharedRun {
	for _, r := range p.Runs() {
		if r.ID == id {
			return r
		}
	}
	return nil
}

// Use gives run id an output that ran elsewhere (a CI lane's), so that
// Execute judges its steps from it instead of running it.
func (p *Plan) Use(id string, out *RunOutput, from *Reuse) error {
	r := p.Run(id)
	if r == nil {
		return errors.New("no run " + id + " in this plan")
	}
	r.Output, r.Cached = out, from
	return nil
}

// Execute runs every distinct run that has no output yet (not cached, not
// given by Use), at most Options.Jobs at once, each in its own process
// group, work directory (RunsDir/ID, its TMPDIR) and console log, then
// judges every task's steps from the outputs. With Options.NoRun nothing
// runs: a run without output leaves its steps not run. After an interrupt
// the remaining runs do not start and the error wraps ErrInfra: no
// evidence is to be written then.
func (p *Plan) Execute(ctx context.Context, obs Observer) error {
	p.started = time.Now()
	var todo []*SharedRun
	for _, r := range p.Runs() {
		if r.Output == nil && r.NotRun == "" {
			todo = append(todo, r)
		}
	}
	jobs := p.Options.Jobs
	if jobs <= 0 {
		jobs = 1
	}
	if jobs > len(todo) {
		jobs = max(len(todo), 1)
	}
	var mu sync.Mutex // observers are called one at a time
	call := func(f func()) {
		mu.Lock()
		defer mu.Unlock()
		f()
	}
	lanes := make(chan int, jobs)
	for i := range jobs {
		lanes <- i
	}
	var wg sync.WaitGroup
	for _, r := range todo {
		if p.Options.NoRun {
			r.NotRun = "not run: no result for run " + r.ID
			continue
		}
		lane := <-lanes
		if ctx.Err() != nil {
			r.NotRun = "not run: interrupted"
			lanes <- lane
			continue
		}
		r.Lane = lane
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { lanes <- lane }()
			p.execRun(ctx, r, obs, call, jobs)
		}()
	}
	wg.Wait()
	for _, r := range p.Runs() {
		for _, ts := range r.Steps {
			st := ts.Step
			switch {
			case r.Output == nil:
				st.Result = &StepResult{Outcome: dod.StepOutcome{Reason: r.NotRun}}
			default:
				st.Result = r.Output.stepResult(ts.Task, st)
				st.Result.Duration = r.Duration
				st.Result.Cached = r.Cached
				st.Result.Run = r.ID
				st.Result.Exec = r.Output.ID
			}
		}
	}
	if ctx.Err() != nil {
		return &kindError{ErrInfra, errors.New("interrupted by a signal; no evidence written")}
	}
	p.storeCache()
	return nil
}

// String is how a reused result is reported: "cached: run ID on commit C".
func (c *Reuse) String() string {
	word := "cached"
	if c.From != "" && c.From != "cache" {
		word = "lane result " + c.From
	}
	return word + ": run " + c.Run + " on commit " + shortCommit(c.Commit)
}

func shortCommit(c string) string {
	if len(c) > 12 {
		return c[:12]
	}
	return c
}

// execRun runs r in its own work directory.
func (p *Plan) execRun(ctx context.Context, r *SharedRun, obs Observer, call func(func()), jobs int) {
	first := r.First()
	if obs.RunStarted != nil {
		call(func() { obs.RunStarted(r) })
	}
	if obs.StepStarted != nil {
		call(func() { obs.StepStarted(first.Task, first.Step) })
	}
	var observe func(proofrun.Event)
	if obs.Event != nil {
		observe = func(e proofrun.Event) { call(func() { obs.Event(r, e) }) }
	}
	dir := filepath.Join(p.Repo.Root, filepath.FromSlash(RunsDir), r.ID)
	tmp := filepath.Join(dir, "tmp")
	log := filepath.Join(dir, "console.log")
	if err := os.RemoveAll(dir); err != nil || os.MkdirAll(tmp, 0o755) != nil {
		dir, tmp, log = "", "", "" // no work directory: run without one
	}
	if !first.Step.isConsole() {
		log = ""
	}
	progress := obs.Progress
	if jobs > 1 {
		progress = nil // one status line per lane is the observer's, not the harness's
	}
	var tap harness.Tap
	if obs.Tap != nil {
		tap = obs.Tap(r)
	}
	t0 := time.Now()
	r.Output = execStep(ctx, first.Step, observe, tap, progress, log, tmp)
	r.Duration = time.Since(t0)
	r.Output.ID = newExecID(r.ID, t0)
	if tmp != "" {
		os.RemoveAll(tmp)
	}
	first.Step.Result = r.Output.stepResult(first.Task, first.Step)
	first.Step.Result.Duration = r.Duration
	if obs.StepDone != nil {
		call(func() { obs.StepDone(first.Task, first.Step) })
	}
	if obs.RunDone != nil {
		call(func() { obs.RunDone(r) })
	}
}

func (s *Step) isConsole() bool { return s.Run != nil }

// newExecID names one execution of run id.
func newExecID(id string, t time.Time) string {
	sum := sha256.Sum256([]byte(id + t.Format(time.RFC3339Nano)))
	return hex.EncodeToString(sum[:])[:12]
}
