// Package proofrun is the run engine of run, verify and prove: it runs a
// command under the harness and checks its console against markers while
// it runs (Console), runs a test command and keeps its output for the
// test-result parsers (Tests), or checks a finished log (Check). Callers
// pass typed values, never a command line, and may observe a run as it
// happens (Event), for a progress view or a dashboard.
package proofrun

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/taskproof/taskproof/internal/harness"
	"github.com/taskproof/taskproof/internal/report"
	"github.com/taskproof/taskproof/internal/verify"
)

// Run is one command to run under the harness, its console checked
// against Markers while it runs.
type Run struct {
	Argv []string
	Dir  string // "" is the working directory
	// Env holds the command's own VAR=value assignments; they go over the
	// inherited environment, and the contract profile's over both.
	Env     map[string]string
	Markers *Markers

	Timeout time.Duration // no verdict by then is TIMEOUT; must be positive
	Drain   time.Duration // reading after a passing verdict; 0 stops at once
	Grace   time.Duration // SIGTERM to SIGKILL
	PTY     bool
	OKExit  []int // exit codes meaning the command ran to completion

	Log    string // also write the bounded log here, with its marker sidecar; "" for none
	LogMax int64  // byte budget of the log (both kinds); 0 is harness.DefaultLogMax
	// KeepLog keeps the bounded log in memory (Result.Log), for evidence.
	KeepLog bool

	Progress io.Writer   // a live status line, when set
	Observe  func(Event) // called for each event, synchronously: keep it quick
	// Tap, when set, sees the console bytes and timed markers as they
	// arrive (the dashboard's live record).
	Tap harness.Tap
}

// Result is what a run observed.
type Result struct {
	Outcome *harness.Outcome
	// Report is the run's report, its verdict INFRA when the run was
	// interrupted.
	Report *report.Report
	// Log is the bounded console log when Run.KeepLog was set.
	Log []byte
	// Programs are the executables the run's processes ran (the command
	// and every process it started that was alive when looked at), sorted.
	Programs []string
	Started  time.Time
}

// Verdict is the run's verdict, INFRA when it was interrupted.
func (r *Result) Verdict() verify.Verdict { return verify.Verdict(r.Report.Verdict) }

// Console runs the command and checks its console. A nil result means
// nothing ran: the options or the log were refused. A result with an
// error means the run happened but its log could not be written.
func Console(ctx context.Context, run Run) (*Result, error) {
	if run.Markers == nil || run.Markers.Spec == nil {
		return nil, errors.New("proofrun: no markers to check")
	}
	if run.Timeout <= 0 || run.Grace <= 0 || run.Drain < 0 {
		return nil, fmt.Errorf("proofrun: timeout and grace must be positive, drain not negative (got %v, %v, %v)", run.Timeout, run.Grace, run.Drain)
	}
	drain := run.Drain
	if drain == 0 {
		drain = -1 // harness: no drain at all
	}
	spec := run.Markers.Spec
	x, err := newExecution(run.Observe, run.KeepLog, run.LogMax)
	if err != nil {
		return nil, err
	}
	cfg := harness.Config{
		Argv:        run.Argv,
		Env:         Environ(os.Environ(), run.Env, run.Markers.Env),
		Dir:         run.Dir,
		PTY:         run.PTY,
		Timeout:     run.Timeout,
		Drain:       drain,
		Grace:       run.Grace,
		Spec:        spec,
		OKExitCodes: run.OKExit,
		NewChecker: func(on func(verify.Observation)) (harness.Checker, error) {
			v, err := verify.New(spec, verify.Options{OnObservation: x.marker(on)})
			if err != nil {
				return nil, err
			}
			return x.checker(v), nil
		},
		Log:      run.Log,
		LogMax:   run.LogMax,
		Progress: run.Progress,
		Tap:      run.Tap,
	}
	out, err := x.execute(ctx, cfg)
	if out == nil {
		return nil, err
	}
	res := out.Result
	if out.Interrupted {
		res.Verdict = verify.Infra
		res.Failure = &verify.Failure{Kind: verify.Infra, Message: "interrupted by a signal before the verdict was known"}
	}
	marks := make([]report.Timed, len(out.Marks))
	for i, m := range out.Marks {
		marks[i] = report.Timed{Observation: m.Observation, At: m.At, Timed: true}
	}
	r := report.New(spec, res, marks)
	r.Tool = "run"
	r.Contract, r.Profile, r.Log, r.Command = run.Markers.ContractPath(), run.Markers.Profile, run.Log, run.Argv
	r.StoppedEarly = out.StoppedEarly
	r.DurationMS = out.Duration.Milliseconds()
	r.ExitCode = ExitCode(res.Verdict)
	r.Process = &report.Process{
		Exited: out.Exited, ExitCode: out.ExitCode, Signal: out.Signal,
		TimedOut: out.TimedOut, Killed: out.Killed, Leftover: out.Leftover,
		Containment: string(out.Containment),
	}
	x.finish(verify.Verdict(r.Verdict))
	return &Result{Outcome: out, Report: r, Log: x.logBytes(), Programs: x.programs, Started: x.started}, err
}

// MaxTestOutput bounds the test output kept for parsing.
const MaxTestOutput = 64 << 20

// TestRun is a test command to run under the harness's process-group
// control; nothing is decided while it runs.
type TestRun struct {
	Argv    []string
	Dir     string
	Env     map[string]string // over the inherited environment
	Timeout time.Duration
	Grace   time.Duration
	LogMax  int64 // byte budget of the kept log; 0 is harness.DefaultLogMax
	Observe func(Event)
	Tap     harness.Tap // as Run.Tap
}

// TestResult is what a test command left: how it ended, its output for the
// parsers, and the bounded log.
type TestResult struct {
	Outcome *harness.Outcome
	// Ended is how the command ended: PASS when it exited 0, else the
	// verdict of its end (TIMEOUT, CRASH, INFRA), INFRA when interrupted.
	Ended verify.Result
	// Output is the first MaxTestOutput bytes of the output; Truncated
	// counts the bytes after them.
	Output    []byte
	Truncated int64
	Log       []byte
	Programs  []string
	Started   time.Time
}

// Tests runs a test command and keeps its output.
func Tests(ctx context.Context, run TestRun) (*TestResult, error) {
	x, err := newExecution(run.Observe, true, run.LogMax)
	if err != nil {
		return nil, err
	}
	chk := &outputChecker{}
	cfg := harness.Config{
		Argv: run.Argv, Env: Environ(os.Environ(), run.Env, nil), Dir: run.Dir,
		Timeout: run.Timeout, Drain: -1, Grace: run.Grace,
		NewChecker: func(func(verify.Observation)) (harness.Checker, error) { return chk, nil },
		Tap:        run.Tap,
	}
	out, err := x.execute(ctx, cfg)
	if out == nil {
		return nil, err
	}
	ended := out.Result
	if out.Interrupted {
		ended.Verdict, ended.Failure = verify.Infra, &verify.Failure{Kind: verify.Infra, Message: "interrupted"}
	}
	x.finish(ended.Verdict)
	return &TestResult{Outcome: out, Ended: ended, Output: chk.buf, Truncated: chk.truncated,
		Log: x.logBytes(), Programs: x.programs, Started: x.started}, err
}

// Check checks a finished log read from in (named name in the report)
// against m, to its end: every unexpected marker in it is listed, not only
// the first.
func Check(ctx context.Context, m *Markers, in io.Reader, name string) (*report.Report, error) {
	v, err := verify.New(m.Spec, verify.Options{KeepMatching: true})
	if err != nil {
		return nil, err
	}
	start := time.Now()
	if _, err := v.ReadFrom(ctxReader{ctx, in}); err != nil {
		return nil, &kindError{ErrInfra, fmt.Errorf("read log %s: %w", name, err)}
	}
	res := v.Finish(verify.End{Exited: true})
	r := report.New(m.Spec, res, nil)
	r.Tool = "verify"
	r.Contract, r.Profile, r.Log = m.ContractPath(), m.Profile, name
	r.DurationMS = time.Since(start).Milliseconds()
	r.ExitCode = ExitCode(res.Verdict)
	return r, nil
}

// ctxReader stops reading once ctx is done.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// Environ overlays the command's own variables and then the profile's on
// base ("K=V" entries); later layers win; the result is sorted.
func Environ(base []string, own, profile map[string]string) []string {
	m := map[string]string{}
	for _, kv := range base {
		k, v, _ := strings.Cut(kv, "=")
		m[k] = v
	}
	for _, layer := range []map[string]string{own, profile} {
		for k, v := range layer {
			m[k] = v
		}
	}
	out := make([]string, 0, len(m))
	for k, v := range m {
		out = append(out, k+"="+v)
	}
	sort.Strings(out)
	return out
}

// outputChecker is the harness checker of a test command: it decides
// nothing while the command runs, keeps its output for the test-result
// parser, and judges the command by how it ended.
type outputChecker struct {
	buf       []byte
	truncated int64
	okCodes   []int
}

func (c *outputChecker) Write(p []byte) (int, error) {
	room := MaxTestOutput - len(c.buf)
	if room >= len(p) {
		c.buf = append(c.buf, p...)
	} else {
		if room > 0 {
			c.buf = append(c.buf, p[:room]...)
		}
		c.truncated += int64(len(p) - max(room, 0))
	}
	return len(p), nil
}

func (c *outputChecker) Decided() bool { return false }

func (c *outputChecker) Finish(end verify.End) verify.Result {
	res := verify.Result{Bytes: int64(len(c.buf)) + c.truncated}
	fail := func(v verify.Verdict, msg string) verify.Result {
		res.Verdict, res.Failure = v, &verify.Failure{Kind: v, Message: msg}
		return res
	}
	switch {
	case end.StartErr != nil:
		return fail(verify.Infra, "could not start: "+end.StartErr.Error())
	case end.TimedOut:
		return fail(verify.Timeout, "no result before the deadline")
	case !end.Exited:
		return fail(verify.Infra, "stopped before it ended")
	case end.Signal != "":
		return fail(verify.Crash, "killed by "+end.Signal)
	}
	for _, c := range append([]int{0}, c.okCodes...) {
		if end.ExitCode == c {
			res.Verdict = verify.Pass
			return res
		}
	}
	return fail(verify.Crash, fmt.Sprintf("exit status %d", end.ExitCode))
}

// kindError is an error of one of this package's kinds whose message is
// its own.
type kindError struct{ kind, err error }

func (e *kindError) Error() string   { return e.err.Error() }
func (e *kindError) Unwrap() []error { return []error{e.kind, e.err} }
