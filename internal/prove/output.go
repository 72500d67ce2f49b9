package prove

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/taskproof/taskproof/internal/dod"
	"github.com/taskproof/taskproof/internal/evidence"
	"github.com/taskproof/taskproof/internal/harness"
	"github.com/taskproof/taskproof/internal/proofrun"
	"github.com/taskproof/taskproof/internal/report"
	"github.com/taskproof/taskproof/internal/verify"
)

// RunOutput is what one run observed, whichever task named it: the
// console and its verdict, or a test command's output. Every step that
// names the run is judged from it (StepResult), so one run proves many
// tasks, and a passing one can be kept and reused (the cache, a lane's
// result). It is JSON so that it can be.
type RunOutput struct {
	// ID names this execution of the run.
	ID string `json:"id"`
	// Console is true for a marker run (taskproof run, a QEMU command),
	// false for a test command.
	Console bool `json:"console"`
	// CouldNot says why the command could not run at all; "" when it ran.
	CouldNot string `json:"could_not,omitempty"`
	// Log is the bounded console log (a test log already normalised).
	Log []byte `json:"log,omitempty"`
	// Report, Marks and Seen are a console run's.
	Report *report.Report       `json:"report,omitempty"`
	Marks  []harness.Mark       `json:"marks,omitempty"`
	Seen   []verify.Observation `json:"seen,omitempty"`
	// Problem is why a console run's log or reports could not be written.
	Problem string `json:"problem,omitempty"`
	// Output, Truncated and Ended are a test command's: its output for the
	// parsers, the bytes beyond MaxTestOutput, and how it ended.
	Output       []byte         `json:"output,omitempty"`
	Truncated    int64          `json:"truncated,omitempty"`
	Ended        verify.Verdict `json:"ended,omitempty"`
	EndedMessage string         `json:"ended_message,omitempty"`

	Programs []string      `json:"programs,omitempty"`
	Started  bool          `json:"started"`
	Leftover bool          `json:"leftover,omitempty"`
	PID      int           `json:"pid,omitempty"`
	RunTime  time.Duration `json:"run_time_ns"`
}

// execStep runs st's command once. log, when set, also receives the
// bounded console log of a console run; tmp, when set, is the command's
// TMPDIR.
func execStep(ctx context.Context, st *Step, observe func(proofrun.Event), tap harness.Tap, progress io.Writer, log, tmp string) *RunOutput {
	if st.Test != nil {
		run := *st.Test
		run.Observe, run.Tap = observe, tap
		run.Env = withTmp(run.Env, tmp)
		x, err := proofrun.Tests(ctx, run)
		if x == nil {
			return &RunOutput{CouldNot: firstLine(fmt.Sprint(err))}
		}
		out := &RunOutput{Log: dod.NormalizeTestLog(x.Log), Output: x.Output, Truncated: x.Truncated,
			Ended: x.Ended.Verdict, Programs: x.Programs, Started: x.Outcome.PID != 0, PID: x.Outcome.PID, RunTime: x.Outcome.Duration}
		if x.Ended.Failure != nil {
			out.EndedMessage = x.Ended.Failure.Message
		}
		return out
	}
	out := &RunOutput{Console: true}
	if err := proofrun.CheckOutputs(st.JUnit, st.Summary); err != nil {
		out.CouldNot = firstLine(err.Error())
		return out
	}
	run := *st.Run
	run.Observe, run.Tap, run.Progress, run.Log = observe, tap, progress, log
	run.Env = withTmp(run.Env, tmp)
	x, err := proofrun.Console(ctx, run)
	if x == nil {
		out.CouldNot = firstLine(fmt.Sprint(err))
		return out
	}
	if werr := proofrun.WriteReports(x.Report, proofrun.Reports{JUnit: st.JUnit, Summary: st.Summary}); werr != nil {
		err = errors.Join(err, werr)
	}
	if err != nil {
		out.Problem = firstLine(err.Error())
	}
	// The evidence names the log by its place in the bundle, not by the
	// work directory of whichever lane ran it.
	x.Report.Log = ""
	out.Log, out.Report, out.Marks, out.Seen = x.Log, x.Report, x.Outcome.Marks, x.Outcome.Result.Seen
	out.Programs, out.Started, out.Leftover, out.PID = x.Programs, x.Outcome.PID != 0, x.Outcome.Leftover, x.Outcome.PID
	out.RunTime = x.Outcome.Duration
	return out
}

// withTmp is env with TMPDIR set to tmp (env itself is not changed).
func withTmp(env map[string]string, tmp string) map[string]string {
	if tmp == "" {
		return env
	}
	out := make(map[string]string, len(env)+1)
	for k, v := range env {
		out[k] = v
	}
	if _, own := out["TMPDIR"]; !own {
		out["TMPDIR"] = tmp
	}
	return out
}

// passed reports whether the run itself passed: its console's verdict,
// or a test command's results (whichever tests a task requires).
func (o *RunOutput) passed() bool {
	if o.CouldNot != "" {
		return false
	}
	if o.Console {
		return o.Report != nil && o.Report.Verdict == string(verify.Pass) && o.Problem == ""
	}
	// Required tests are judged per task; the run passes when the
	// command's own results do.
	res := o.stepResult(&TaskPlan{DoD: &dod.Plan{}}, &Step{})
	return res.Outcome.Passed
}

// stepResult judges step st of task tp from the run's output.
func (o *RunOutput) stepResult(tp *TaskPlan, st *Step) *StepResult {
	res := &StepResult{Env: EnvRecord(st.Env, nil)}
	if o.CouldNot != "" {
		res.Verdict = string(verify.Infra)
		res.Outcome = dod.StepOutcome{Ran: true, Reason: "could not run: " + o.CouldNot}
		return res
	}
	res.Programs, res.Started, res.Leftover, res.PID, res.RunTime = o.Programs, o.Started, o.Leftover, o.PID, o.RunTime
	if o.Console {
		o.judgeConsole(tp, st, res)
	} else {
		o.judgeTests(tp, st, res)
	}
	return res
}

func (o *RunOutput) judgeConsole(tp *TaskPlan, st *Step, res *StepResult) {
	if st.Run != nil && st.Run.Markers != nil {
		res.Env = EnvRecord(st.Env, st.Run.Markers.Env)
		res.Spec = st.Run.Markers.Spec
	}
	if o.Problem != "" {
		res.Problem = errors.New(o.Problem)
	}
	res.Report, res.Marks = o.Report, o.Marks
	rep := o.Report
	res.Verdict = rep.Verdict
	passed := rep.Verdict == string(verify.Pass) && o.Problem == ""
	reason := fmt.Sprintf("%s: %d/%d required markers", rep.Verdict, rep.Found, rep.Required)
	if rep.Failure != nil && rep.Verdict != string(verify.Pass) {
		reason = rep.Verdict + ": " + firstLine(rep.Failure.Message)
	} else if o.Problem != "" && rep.Verdict == string(verify.Pass) {
		reason = "PASS, but its log or report could not be written: " + o.Problem
	}
	res.Outcome = dod.StepOutcome{Ran: true, Passed: passed, Reason: clip(reason), Seen: seenMarkers(res.Spec, o.Seen, tp.DoD)}
	lines := make([]evidence.MarkerLine, len(o.Marks))
	for i, m := range o.Marks {
		lines[i] = evidence.MarkerLine{Marker: m.Marker, Kind: string(m.Kind), Phase: m.Phase, Line: m.Line}
	}
	res.Files = []evidence.File{
		{Name: evidence.LogName(st.N), Data: o.Log},
		{Name: evidence.MarkersName(st.N), Data: evidence.MarkersFile(lines)},
		{Name: evidence.ReportName(st.N), Data: mustJSON(evidence.NewRunReport(rep, st.Contract, evidence.LogName(st.N)))},
	}
}
