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
	p.change, err = r.Change(ctx, p.Options.Base)
	return err
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
}

// Observer follows an execution; every field may be nil.
type Observer struct {
	StepStarted func(tp *TaskPlan, s *Step)
	StepDone    func(tp *TaskPlan, s *Step)
	Event       func(tp *TaskPlan, s *Step, e proofrun.Event)
	// Progress receives the harness's live status line of marker steps.
	Progress io.Writer
}

// Execute runs every step in order from the root. After an interrupt the
// remaining steps are not run and the error wraps ErrInfra: no evidence
// is to be written then.
func (p *Plan) Execute(ctx context.Context, obs Observer) error {
	p.started = time.Now()
	for _, tp := range p.Tasks {
		for _, st := range tp.Steps {
			if ctx.Err() != nil {
				st.Result = &StepResult{Outcome: dod.StepOutcome{Reason: "not run: interrupted"}}
				continue
			}
			if obs.StepStarted != nil {
				obs.StepStarted(tp, st)
			}
			var observe func(proofrun.Event)
			if obs.Event != nil {
				observe = func(e proofrun.Event) { obs.Event(tp, st, e) }
			}
			t0 := time.Now()
			if st.Test != nil {
				st.Result = p.testStep(ctx, tp, st, observe)
			} else {
				st.Result = p.markerStep(ctx, tp, st, observe, obs.Progress)
			}
			st.Result.Duration = time.Since(t0)
			if obs.StepDone != nil {
				obs.StepDone(tp, st)
			}
		}
	}
	if ctx.Err() != nil {
		return &kindError{ErrInfra, errors.New("interrupted by a signal; no evidence written")}
	}
	return nil
}

// markerStep runs a `taskproof run` command, or a QEMU command under the
// harness, and checks its console.
func (p *Plan) markerStep(ctx context.Context, tp *TaskPlan, st *Step, observe func(proofrun.Event), progress io.Writer) *StepResult {
	res := &StepResult{Env: EnvRecord(st.Env, nil)}
	couldNot := func(err error) *StepResult {
		res.Verdict = string(verify.Infra)
		res.Outcome = dod.StepOutcome{Ran: true, Reason: "could not run: " + firstLine(fmt.Sprint(err))}
		return res
	}
	if err := proofrun.CheckOutputs(st.JUnit, st.Summary); err != nil {
		return couldNot(err)
	}
	run := *st.Run
	run.Observe, run.Progress = observe, progress
	x, err := proofrun.Console(ctx, run)
	if x == nil {
		return couldNot(err)
	}
	if werr := proofrun.WriteReports(x.Report, proofrun.Reports{JUnit: st.JUnit, Summary: st.Summary}); werr != nil {
		err = errors.Join(err, werr)
	}
	res.Problem = err
	res.Env = EnvRecord(st.Env, st.Run.Markers.Env)
	res.Report, res.Spec, res.Marks = x.Report, st.Run.Markers.Spec, x.Outcome.Marks
	res.Programs, res.Started, res.Leftover, res.PID = x.Programs, x.Outcome.PID != 0, x.Outcome.Leftover, x.Outcome.PID
	res.RunTime = x.Outcome.Duration
	rep := x.Report
	res.Verdict = rep.Verdict
	passed := rep.Verdict == string(verify.Pass) && err == nil
	reason := fmt.Sprintf("%s: %d/%d required markers", rep.Verdict, rep.Found, rep.Required)
	if rep.Failure != nil && rep.Verdict != string(verify.Pass) {
		reason = rep.Verdict + ": " + firstLine(rep.Failure.Message)
	} else if err != nil && rep.Verdict == string(verify.Pass) {
		reason = "PASS, but its log or report could not be written: " + firstLine(err.Error())
	}
	res.Outcome = dod.StepOutcome{Ran: true, Passed: passed, Reason: clip(reason), Seen: seenMarkers(res.Spec, x.Outcome.Result.Seen, tp.DoD)}
	lines := make([]evidence.MarkerLine, len(x.Outcome.Marks))
	for i, m := range x.Outcome.Marks {
		lines[i] = evidence.MarkerLine{Marker: m.Marker, Kind: string(m.Kind), Phase: m.Phase, Line: m.Line}
	}
	res.Files = []evidence.File{
		{Name: evidence.LogName(st.N), Data: x.Log},
		{Name: evidence.MarkersName(st.N), Data: evidence.MarkersFile(lines)},
		{Name: evidence.ReportName(st.N), Data: mustJSON(evidence.NewRunReport(rep, st.Contract, evidence.LogName(st.N)))},
	}
	return res
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

// testStep runs a test command under the harness and parses its output as
// test results.
func (p *Plan) testStep(ctx context.Context, tp *TaskPlan, st *Step, observe func(proofrun.Event)) *StepResult {
	res := &StepResult{Env: EnvRecord(st.Env, nil)}
	run := *st.Test
	run.Observe = observe
	x, err := proofrun.Tests(ctx, run)
	if x == nil {
		res.Verdict = string(verify.Infra)
		res.Outcome = dod.StepOutcome{Ran: true, Reason: "could not run: " + firstLine(fmt.Sprint(err))}
		return res
	}
	res.Programs, res.Started, res.PID = x.Programs, x.Outcome.PID != 0, x.Outcome.PID
	res.RunTime = x.Outcome.Duration
	res.Files = append(res.Files, evidence.File{Name: evidence.LogName(st.N), Data: dod.NormalizeTestLog(x.Log)})
	ended := x.Ended
	so := dod.StepOutcome{Ran: true}
	run2, perr := testout.Parse(x.Output, "")
	switch {
	case ended.Verdict == verify.Infra:
		res.Verdict = "infra"
		so.Reason = firstLine(ended.Failure.Message)
		res.Outcome = so
		return res
	case perr != nil || run2 == nil:
		why := "no test results in its output (the format was not recognised: go test -json, cargo test, pytest, JUnit XML, TAP, KTAP)"
		if perr != nil && !errors.Is(perr, testout.ErrUnknownFormat) {
			why = "its test results do not parse: " + firstLine(perr.Error())
		}
		res.Verdict = "no_results"
		so.Reason = why
		if ended.Verdict != verify.Pass {
			so.Reason = strings.ToLower(string(ended.Verdict)) + " (" + firstLine(ended.Failure.Message) + "), " + why
		}
		res.Outcome = so
		return res
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
	case ended.Verdict != verify.Pass:
		so.Reason = fmt.Sprintf("%s: %s (%s)", ended.Verdict, firstLine(ended.Failure.Message), counts)
		res.Verdict = strings.ToLower(string(ended.Verdict))
	default:
		so.Passed = true
		so.Reason = fmt.Sprintf("%s tests: %s", run2.Format, counts)
		res.Verdict = "passed"
	}
	if x.Truncated > 0 {
		so.Passed = false
		so.Reason = fmt.Sprintf("output over %d MiB; only the first part was parsed: %s", proofrun.MaxTestOutput>>20, so.Reason)
	}
	so.Reason = clip(so.Reason)
	res.Outcome = so
	res.Files = append(res.Files, evidence.File{Name: evidence.TestsName(st.N), Data: mustJSON(testout.NewReport(run2, so.Tests))})
	return res
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
