// Package prove is the engine of `taskproof prove`: it plans what a
// task's Definition of Done runs and checks (New, then Bind to the work
// tree), executes the plan under a context (Execute), judges what it saw
// (Judge), seals it into a signed bundle (Seal) and records it in the run
// history (Record). The model is restic's plan-then-execute: nothing runs
// until the whole plan is known to be runnable.
//
// The calls go in that order: New, Bind, Execute, Judge, then Seal and
// Record for each judgement.
//
// A Plan holds tasks, and each step knows the run that proves it (Key):
// steps of many tasks that name the same run can be grouped by their key
// and proven by one run.
package prove

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/taskproof/taskproof/internal/config"
	"github.com/taskproof/taskproof/internal/dod"
	"github.com/taskproof/taskproof/internal/evidence"
	"github.com/taskproof/taskproof/internal/harness"
	"github.com/taskproof/taskproof/internal/proofrun"
	"github.com/taskproof/taskproof/internal/repo"
	"github.com/taskproof/taskproof/internal/task"
)

// Errors of proving; each wraps into an error whose message says what
// happened and what to do.
var (
	// ErrRefused: the plan cannot run (problems found before anything ran).
	ErrRefused = errors.New("refused before running anything")
	// ErrNotProven: the proof ran and an item failed or was not run.
	ErrNotProven = errors.New("not proven")
	// ErrInfra: the environment failed: no commit to bind to, the inputs
	// could not be read, the run was interrupted, the bundle could not be
	// written.
	ErrInfra = errors.New("infrastructure failure")
)

// Options are what a prove is asked to do.
type Options struct {
	// Base is the base revision of scope and hygiene; "" chooses one.
	Base string
	// Timeout bounds each test or harness command; `taskproof run`
	// commands keep their own --timeout.
	Timeout time.Duration
	// Version is taskproof's own version, recorded as a tool.
	Version string
	// Jobs is how many runs Execute runs at once (lanes); 0 is one.
	Jobs int
	// Force runs every run, passing results in the cache notwithstanding.
	Force bool
	// NoRun runs nothing: runs without an output (from the cache or Use)
	// leave their steps not run.
	NoRun bool
}

// DefaultTimeout bounds a test or harness command without its own.
const DefaultTimeout = 10 * time.Minute

// Plan is what a prove runs and checks, decided before anything runs.
type Plan struct {
	Repo    *repo.Repo
	Options Options
	Tasks   []*TaskPlan
	// Left are the tasks NewAll left out.
	Left     []Left
	change   *repo.Change
	started  time.Time
	recorded []int64 // ledger ids of the proves Record stored, in order
	runs     []*SharedRun
	versions map[string]string // a tool's version by executable, asked once
	declared string            // digest of the [proof] inputs files; see declaredDigest
}

// TaskPlan is one task's part of a plan.
type TaskPlan struct {
	Doc *task.Document
	Src []byte // the task file as parsed
	DoD *dod.Plan
	// Steps are the DoD's proof commands, each with the run that proves it.
	Steps []*Step
	// Inputs are what the evidence binds (Bind fills them).
	Inputs evidence.Current
	// Fresh is the digest of the task's bundle when it needs no new
	// prove (see UpToDate); "" otherwise.
	Fresh string
	// stamps are the allowlisted files as they were before anything ran.
	stamps map[string]stamp
}

// Step is one proof command of a task and how it runs.
type Step struct {
	dod.Step
	// Run is the console run of a marker step (taskproof run, or a
	// command under Proof (QEMU)); Test the run of a test step.
	Run  *proofrun.Run
	Test *proofrun.TestRun
	// Contract (relative to the root) and Profile of a marker step.
	Contract string
	Profile  string
	// JUnit and Summary are report files a taskproof run command names,
	// under the root.
	JUnit, Summary string
	// Result is what the step observed, set by Execute.
	Result *StepResult
}

// RunKey identifies the run a step makes: the same command, environment,
// contract, profile and run options is the same run, whichever task names
// it. Steps with equal keys can be proven by one run.
type RunKey string

// Key is the step's run identity.
func (s *Step) Key() RunKey {
	var b strings.Builder
	b.WriteString(string(s.Runner))
	for _, a := range s.Argv {
		b.WriteString("\x00" + a)
	}
	env := make([]string, 0, len(s.Env))
	for _, v := range s.Env {
		env = append(env, v.Name+"="+v.Value)
	}
	sort.Strings(env)
	b.WriteString("\x01" + strings.Join(env, "\x00"))
	b.WriteString("\x01" + s.Contract + "\x01" + s.Profile)
	// Every step runs from the root, so the directory is not part of the
	// key: the same run has the same key in every clone, wherever it is.
	switch {
	case s.Run != nil:
		fmt.Fprintf(&b, "\x01%v %v %v %v %v", s.Run.Timeout, s.Run.Drain, s.Run.Grace, s.Run.PTY, s.Run.OKExit)
	case s.Test != nil:
		fmt.Fprintf(&b, "\x01%v", s.Test.Timeout)
	}
	return RunKey(b.String())
}

// RefusedError lists the problems that stop a task's plan from running.
type RefusedError struct {
	Task     *task.Document
	Problems []dod.Problem
}

func (e *RefusedError) Error() string {
	return fmt.Sprintf("%s refused before running anything: %d problem(s)", e.Task.ID, len(e.Problems))
}

// Is matches ErrRefused.
func (e *RefusedError) Is(target error) bool { return target == ErrRefused }

// New plans the Definitions of Done of the tasks named by args (ids or
// task files; see repo.Repo.Task). Nothing runs and git is not asked:
// problems of a task's proof commands are a *RefusedError; a missing or
// broken contract, an undeclared marker or a bad `taskproof run` command
// are errors naming the file and line.
func New(r *repo.Repo, o Options, args ...string) (*Plan, error) {
	return plan(r, o, args, func(_ *Plan, _ string, err error) error { return err })
}

// plan plans each task of args; a task that does not plan goes to
// failed, which returns the error that stops the whole plan, or nil to go
// on without the task.
func plan(r *repo.Repo, o Options, args []string, failed func(p *Plan, arg string, err error) error) (*Plan, error) {
	if o.Timeout <= 0 {
		return nil, fmt.Errorf("--timeout must be positive; got %v", o.Timeout)
	}
	p := &Plan{Repo: r, Options: o}
	for _, arg := range args {
		tp, err := p.planTask(arg)
		if err != nil {
			if err = failed(p, arg, err); err != nil {
				return nil, err
			}
			continue
		}
		p.Tasks = append(p.Tasks, tp)
	}
	return p, nil
}

func (p *Plan) planTask(arg string) (*TaskPlan, error) {
	r := p.Repo
	doc, err := r.Task(arg)
	if err != nil {
		return nil, err
	}
	if doc.ID == "" {
		return nil, fmt.Errorf("%s has no task id (title or file name); prove names its evidence by the id", doc.Path)
	}
	src, err := r.Source(doc)
	if err != nil {
		return nil, err
	}
	cfg, err := r.Config()
	if err != nil {
		return nil, err
	}
	plan, probs := dod.NewPlan(doc, cfg.Proof.Canonical)
	if len(probs) > 0 {
		return nil, &RefusedError{Task: doc, Problems: probs}
	}
	tp := &TaskPlan{Doc: doc, Src: src, DoD: plan}
	needContract := len(plan.Markers) > 0
	for _, s := range plan.Steps {
		needContract = needContract || s.Runner == dod.RunnerHarness
	}
	if needContract {
		c, err := r.Contract()
		var missing *repo.MissingContractError
		if errors.As(err, &missing) {
			return nil, fmt.Errorf("%s requires markers, but the project has no marker contract at %s ([proof] contract in %s); write the contract first",
				doc.ID, filepath.Join(r.Root, cfg.Proof.Contract), config.FileName)
		}
		if err != nil {
			return nil, err
		}
		for _, m := range plan.Undeclared(c.Declares) {
			return nil, fmt.Errorf("%s:%d: required marker %q is not declared in the marker contract %s; declare it there (or fix the task) before proving",
				doc.Path, m.Line, m.Text, c.Path)
		}
	}
	for _, s := range plan.Steps {
		st, err := p.planStep(doc, s)
		if err != nil {
			return nil, err
		}
		tp.Steps = append(tp.Steps, st)
	}
	return tp, nil
}

// planStep resolves how one proof command runs, from the root.
func (p *Plan) planStep(doc *task.Document, s dod.Step) (*Step, error) {
	r, root := p.Repo, p.Repo.Root
	st := &Step{Step: s}
	env := map[string]string{}
	for _, v := range s.Env {
		env[v.Name] = v.Value
	}
	where := func(err error) error {
		return fmt.Errorf("%s:%d: proof command %q: %w", doc.Path, s.Line, s.Command, err)
	}
	var markers *proofrun.Markers
	var err error
	switch s.Runner {
	case dod.RunnerTests:
		st.Test = &proofrun.TestRun{Argv: s.Argv, Dir: root, Env: env, Timeout: p.Options.Timeout, Grace: harness.DefaultGrace}
		return st, nil
	case dod.RunnerRun:
		f, err := proofrun.ParseRunCommand(s.Argv[2:])
		if err != nil {
			return nil, where(fmt.Errorf("taskproof run: %s", firstLine(err.Error())))
		}
		// The command runs from the root: its paths are relative to it.
		runRoot := underRoot(root, f.Root)
		rr := r
		if !samePath(runRoot, root) {
			rr = repo.Open(runRoot)
		}
		if markers, err = f.Markers(rr, root); err != nil {
			return nil, where(err)
		}
		if f.CheckTimes() != nil {
			return nil, where(errors.New("--timeout and --grace must be positive, --drain not negative"))
		}
		run := f.Run()
		st.Run = &run
		if f.JUnit != "" {
			st.JUnit = underRoot(root, f.JUnit)
		}
		if f.Summary != "" {
			st.Summary = underRoot(root, f.Summary)
		}
	case dod.RunnerHarness:
		f := proofrun.Flags{Root: root, Match: "exact"}
		if markers, err = f.Markers(r, root); err != nil {
			return nil, where(err)
		}
		st.Run = &proofrun.Run{Argv: s.Argv, Timeout: p.Options.Timeout, Drain: harness.DefaultDrain,
			Grace: harness.DefaultGrace, LogMax: harness.DefaultLogMax, OKExit: []int{0}}
	}
	st.Run.Dir, st.Run.Env, st.Run.Markers, st.Run.KeepLog = root, env, markers, true
	st.Profile = markers.Profile
	if markers.Contract != nil {
		st.Contract = r.ContractRel(markers.Contract)
	}
	return st, nil
}

// underRoot resolves a path of a task's command, which runs from the root.
func underRoot(root, p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(root, p)
}

func samePath(a, b string) bool {
	x, err1 := filepath.Abs(a)
	y, err2 := filepath.Abs(b)
	return err1 == nil && err2 == nil && x == y
}

// stamp is what a file looked like, to notice a change without reading it.
type stamp struct {
	size  int64
	mtime time.Time
	mode  os.FileMode
}

func stampOf(path string) (stamp, bool) {
	st, err := os.Lstat(path)
	if err != nil {
		return stamp{}, false
	}
	return stamp{st.Size(), st.ModTime(), st.Mode()}, true
}

// firstLine trims s to its first line.
func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// clip keeps a reason to one readable line.
func clip(s string) string {
	s = firstLine(s)
	if len(s) > 300 {
		s = s[:297] + "..."
	}
	return s
}
