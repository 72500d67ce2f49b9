package prove

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/taskproof/taskproof/internal/dod"
	"github.com/taskproof/taskproof/internal/evidence"
	"github.com/taskproof/taskproof/internal/harness"
	"github.com/taskproof/taskproof/internal/proofrun"
	"github.com/taskproof/taskproof/internal/proofstate"
	"github.com/taskproof/taskproof/internal/report"
	"github.com/taskproof/taskproof/internal/testout"
	"github.com/taskproof/taskproof/internal/verify"
)

// Bind ties the plan to the work tree before anything runs: the inputs
// each task's evidence will bind (commit, contract, allowlisted content,
// Stop conditions), and the base of scope and hygiene. A root outside git
// or without a commit, inputs that cannot be read and an unknown base are
// errors: evidence is bound to a commit.
func (p *Plan) Bind(ctx context.Context) error {
	r := p.Repo
	snap, err := proofstate.NewSnapshot(ctx, r)
	for _, tp := range p.Tasks {
		if err == nil {
			tp.Inputs, _, err = snap.Inputs(tp.Doc, tp.Src)
		}
		if err != nil {
			return &kindError{ErrInfra, fmt.Errorf("inputs of %s: %w", tp.Doc.ID, err)}
		}
		if tp.Inputs.Commit == "" {
			return &kindError{ErrInfra, fmt.Errorf("%s is not in a git work tree with a commit; evidence is bound to a commit: run git init and commit, or pass --root", r.Root)}
		}
		tp.stamps = map[string]stamp{}
		for _, name := range snap.Allowlisted(tp.Doc) {
			if s, ok := stampOf(r.Path(name)); ok {
				tp.stamps[name] = s
			}
		}
	}
	if p.change, err = r.Change(ctx, p.Options.Base); err != nil {
		return err
	}
	p.lookupCache()
	return nil
}

// StepResult is what one step observed.
type StepResult struct {
	Outcome  dod.StepOutcome
	Verdict  string // PASS, MISSING, ... for marker steps; passed, failed, ... for tests
	Duration time.Duration
	Files    []evidence.File
	// Env is the environment config.json records for the step.
	Env []evidence.EnvVar
	// Report is the run report of a marker step that ran.
	Report *report.Report
	Marks  []harness.Mark
	Spec   *verify.Spec
	Tests  *testout.Run
	// Programs are the executables the step's processes ran.
	Programs []string
	// Started is false when the command never started.
	Started bool
	// RunTime is how long the command ran, stopping included.
	RunTime time.Duration
	// Leftover: a process of the group survived SIGKILL.
	Leftover bool
	PID      int
	// Problem is why a marker step's reports could not be written, or nil.
	Problem error
	// Cached names the earlier run whose output this step reused; nil
	// when it ran now.
	Cached *Reuse
	// Run and Exec name the shared run and its execution.
	Run, Exec string
}

// Observer follows an execution; every field may be nil. Its functions
// are called one at a time, from the lanes' goroutines.
type Observer struct {
	// RunStarted and RunDone bracket each run that runs.
	RunStarted func(r *SharedRun)
	RunDone    func(r *SharedRun)
	// StepStarted and StepDone bracket the run of a step: the first of the
	// steps a run proves.
	StepStarted func(tp *TaskPlan, s *Step)
	StepDone    func(tp *TaskPlan, s *Step)
	Event       func(r *SharedRun, e proofrun.Event)
	// Tap, when set, is asked for the tap that sees a run's console and
	// timed markers as they arrive (the dashboard's live record); it is
	// called from the run's lane and must be safe for concurrent use.
	Tap func(r *SharedRun) harness.Tap
	// Progress receives the harness's live status line of marker steps.
	Progress io.Writer
}

// seenMarkers lists the texts of the plan's required markers among the
// observations: a marker is named by its contract id, its text, or the
// line it matched.
func seenMarkers(spec *verify.Spec, seen []verify.Observation, plan *dod.Plan) []string {
	want := map[string]bool{}
	for _, m := range plan.Markers {
		want[m.Text] = true
	}
	text := map[string]string{}
	if spec != nil {
		for _, list := range [][]verify.Marker{spec.Markers, spec.Forbidden, spec.Unexpected} {
			for _, m := range list {
				text[m.ID] = m.Text
			}
		}
	}
	var out []string
	got := map[string]bool{}
	for _, o := range seen {
		for _, t := range []string{o.Marker, text[o.Marker], o.Text} {
			if t != "" && want[t] && !got[t] {
				got[t] = true
				out = append(out, t)
			}
		}
	}
	return out
}

// judgeTests parses a test command's output as test results and judges
// them for tp's required tests.
func (o *RunOutput) judgeTests(tp *TaskPlan, st *Step, res *StepResult) {
	res.Files = append(res.Files, evidence.File{Name: evidence.LogName(st.N), Data: o.Log})
	so := dod.StepOutcome{Ran: true}
	run2, perr := testout.Parse(o.Output, "")
	switch {
	case o.Ended == verify.Infra:
		res.Verdict = "infra"
		so.Reason = firstLine(o.EndedMessage)
		res.Outcome = so
		return
	case perr != nil || run2 == nil:
		why := "no test results in its output (the format was not recognised: go test -json, cargo test, pytest, JUnit XML, TAP, KTAP)"
		if perr != nil && !errors.Is(perr, testout.ErrUnknownFormat) {
			why = "its test results do not parse: " + firstLine(perr.Error())
		}
		res.Verdict = "no_results"
		so.Reason = why
		if o.Ended != verify.Pass {
			so.Reason = strings.ToLower(string(o.Ended)) + " (" + firstLine(o.EndedMessage) + "), " + why
		}
		res.Outcome = so
		return
	}
	for i := range run2.Cases {
		run2.Cases[i].Duration, run2.Cases[i].Timed = 0, false
	}
	res.Tests = run2
	so.Tests = testout.Require(run2, tp.DoD.Tests)
	sum := run2.Summary()
	problems := run2.Problems()
	counts := fmt.Sprintf("%d passed", sum.Passed)
	for _, c := range []struct {
		n    int
		word string
	}{{sum.Failed, "failed"}, {sum.Errored, "errored"}, {sum.Skipped, "skipped"}} {
		if c.n > 0 {
			counts += fmt.Sprintf(", %d %s", c.n, c.word)
		}
	}
	var bad []string
	for _, c := range run2.Cases {
		if c.Outcome == testout.Failed || c.Outcome == testout.Errored {
			if len(bad) == 3 {
				bad = append(bad, "...")
				break
			}
			bad = append(bad, c.Name)
		}
	}
	switch {
	case len(problems) > 0 && len(bad) > 0 && !run2.Crashed:
		so.Reason = fmt.Sprintf("failed: %s (%s)", strings.Join(bad, ", "), counts)
		res.Verdict = "failed"
	case len(problems) > 0:
		so.Reason = fmt.Sprintf("%s (%s)", firstLine(problems[0]), counts)
		res.Verdict = "failed"
	case o.Ended != verify.Pass:
		so.Reason = fmt.Sprintf("%s: %s (%s)", o.Ended, firstLine(o.EndedMessage), counts)
		res.Verdict = strings.ToLower(string(o.Ended))
	default:
		so.Passed = true
		so.Reason = fmt.Sprintf("%s tests: %s", run2.Format, counts)
		res.Verdict = "passed"
	}
	if o.Truncated > 0 {
		so.Passed = false
		so.Reason = fmt.Sprintf("output over %d MiB; only the first part was parsed: %s", proofrun.MaxTestOutput>>20, so.Reason)
	}
	so.Reason = clip(so.Reason)
	res.Outcome = so
	res.Files = append(res.Files, evidence.File{Name: evidence.TestsName(st.N), Data: mustJSON(evidence.NewTests(testout.NewReport(run2, so.Tests)))})
}

// mustJSON encodes one of our own values as a bundle file.
func mustJSON(v any) []byte {
	b, err := evidence.JSONFile(v)
	if err != nil {
		// Only values of our own types are encoded here.
		panic(err)
	}
	return b
}

// kindError is an error of one of this package's kinds whose message is
// its own.
type kindError struct{ kind, err error }

func (e *kindError) Error() string   { return e.err.Error() }
func (e *kindError) Unwrap() []error { return []error{e.kind, e.err} }
