package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/term"

	"github.com/taskproof/taskproof/internal/gitdiff"
	"github.com/taskproof/taskproof/internal/harness"
	"github.com/taskproof/taskproof/internal/ledger"
	proofreport "github.com/taskproof/taskproof/internal/report"
	"github.com/taskproof/taskproof/internal/verify"
)

func init() {
	register(&command{name: "run", summary: "run a command (QEMU, a test) and verify its console while it runs", run: cmdRun})
}

// runOptions are the run command's inputs.
type runOptions struct {
	proofOptions
	Timeout time.Duration
	Drain   time.Duration
	Grace   time.Duration
	PTY     bool
	Log     string
	LogMax  int64
	OKExit  []int
	Argv    []string

	// Set by prove for a task's command, never by flags:
	Dir string            // working directory of the command; "" = the current one
	Env map[string]string // the command's leading VAR=value assignments
}

const runSynopsis = "run [--contract FILE] [--profile P] [--timeout 90s] [--pty] [--log FILE] [--report FILE] -- CMD ARGS..."

const runHelp = `Run CMD in its own process group with stdout and stderr merged (a pipe,
or a terminal with --pty) and verify its console while it runs. The run
stops as soon as the verdict is known: after --drain on a pass (a late
forbidden line still fails it), at once on FORBIDDEN, UNEXPECTED or ORDER.
No verdict before --timeout is a TIMEOUT. Stopping sends SIGTERM to the
command's process group, then SIGKILL after --grace; processes are never
matched by name. The contract profile's env is added to the environment.

--log keeps the head and the tail of the console within --log-max bytes
(the middle is replaced by one "[taskproof: N bytes truncated]" line; the
verifier still sees every byte) and writes per-marker times to
FILE.markers.jsonl. On a terminal a live progress line is shown on stderr
(not when CI is set). On PASS one line goes to stdout; on failure the
verdict, the first failed phase, the marker, the log line and an excerpt
go to stderr.

Every run is recorded in the run history of --root, .taskproof/ledger.db
(created on first use; see 'taskproof history' and 'taskproof flaky'),
with the commit and whether the work tree had changes. A failure to record
is a warning and does not change the exit code.

` + proofMarkersHelp + "\n\n" + proofExitHelp

func cmdRun(env *cliEnv, args []string) int {
	o, code, done := parseRun(env, args)
	if done {
		return code
	}
	return report(env, "run", runRun(o, env))
}

// parseRun reads run's flags and command from args. done means parsing
// ended the command (--help, or an error already printed on env.stderr)
// with code. prove parses a task's `taskproof run ...` command with it, so
// the command means in a task what it means on the command line.
func parseRun(env *cliEnv, args []string) (o runOptions, code int, done bool) {
	fs := newFlagSet(env, "run", runSynopsis, runHelp)
	o.register(fs)
	fs.DurationVar(&o.Timeout, "timeout", harness.DefaultTimeout, "fail with TIMEOUT when there is no verdict after `DURATION`")
	fs.DurationVar(&o.Drain, "drain", harness.DefaultDrain, "keep reading `DURATION` after a passing verdict before stopping")
	fs.DurationVar(&o.Grace, "grace", harness.DefaultGrace, "wait `DURATION` after SIGTERM before SIGKILL")
	fs.BoolVar(&o.PTY, "pty", false, "give the command a terminal instead of a pipe")
	fs.StringVar(&o.Log, "log", "", "write the console to `FILE` (and marker times to FILE.markers.jsonl)")
	logMax := fs.String("log-max", "8MiB", "byte budget of --log: `SIZE` in bytes, or with KiB, MiB, GiB")
	okExit := fs.String("ok-exit", "0", "comma-separated exit `CODES` meaning the command ran to completion (QEMU isa-debug-exit: e.g. 33)")
	// Everything after the first "--" is the command, flags included.
	flagArgs, cmdArgs := args, []string(nil)
	for i, a := range args {
		if a == "--" {
			flagArgs, cmdArgs = args[:i], args[i+1:]
			break
		}
	}
	pos, code, done := fs.parse(flagArgs)
	if done {
		return o, code, true
	}
	o.Argv = append(pos, cmdArgs...)
	if len(o.Argv) == 0 {
		return o, report(env, "run", usagef("no command to run; give it after --: taskproof run [flags] -- CMD ARGS...")), true
	}
	n, err := proofSize(*logMax)
	if err != nil {
		return o, report(env, "run", err), true
	}
	o.LogMax = n
	if o.OKExit, err = proofExitCodes(*okExit); err != nil {
		return o, report(env, "run", err), true
	}
	return o, exitOK, false
}

// runRun runs the command, prints the verdict and records the run in the
// ledger under --root (a failure to record is a warning: the ledger is
// history, the verdict stands).
func runRun(o runOptions, env *cliEnv) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer stop()
	x, err := execRun(ctx, o, env)
	if x != nil {
		if lerr := recordRunLedger(o, x); lerr != nil {
			fmt.Fprintf(env.stderr, "taskproof run: warning: run not recorded in the ledger: %v\n", lerr)
		}
	}
	return err
}

// runExec is what one run observed, for the ledger and for prove.
type runExec struct {
	src     *proofSource
	out     *harness.Outcome
	report  *proofreport.Report
	started time.Time
}

// execRun verifies o.Argv under the harness and emits the verdict and
// reports (run's whole behaviour except the ledger). It returns the run
// once the command was started or attempted, also with an error; a nil
// run means nothing ran (bad options or contract).
func execRun(ctx context.Context, o runOptions, env *cliEnv) (*runExec, error) {
	switch {
	case o.Timeout <= 0:
		return nil, usagef("--timeout must be positive (a run without a deadline can hang CI forever); got %v", o.Timeout)
	case o.Drain < 0:
		return nil, usagef("--drain must not be negative; got %v", o.Drain)
	case o.Grace <= 0:
		return nil, usagef("--grace must be positive; got %v", o.Grace)
	}
	src, err := proofMarkers(&o.proofOptions)
	if err != nil {
		return nil, err
	}
	if err := proofOutputsOK(o.Report, o.JUnit, o.Summary, o.Log); err != nil {
		return nil, err
	}
	drain := o.Drain
	if drain == 0 {
		drain = -1 // harness: no drain at all
	}
	cfg := harness.Config{
		Argv:    o.Argv,
		Env:     proofEnv(proofEnv(os.Environ(), o.Env), src.env),
		Dir:     o.Dir,
		PTY:     o.PTY,
		Timeout: o.Timeout,
		Drain:   drain,
		Grace:   o.Grace,
		Spec:    src.spec,

		OKExitCodes: o.OKExit,
		NewChecker: func(on func(verify.Observation)) (harness.Checker, error) {
			return verify.New(src.spec, verify.Options{OnObservation: on})
		},
		Log:    o.Log,
		LogMax: o.LogMax,
	}
	if proofProgressWanted(env) {
		cfg.Progress = env.stderr
	}
	started := time.Now()
	out, err := harness.Run(ctx, cfg)
	if err != nil {
		if out == nil {
			// The checker or the log could not be set up: bad input.
			return nil, err
		}
		fmt.Fprintf(env.stderr, "taskproof run: %v\n", err)
	}
	res := out.Result
	if out.Interrupted {
		res.Verdict = verify.Infra
		res.Failure = &verify.Failure{Kind: verify.Infra, Message: "interrupted by a signal before the verdict was known"}
	}
	marks := make([]proofreport.Timed, len(out.Marks))
	for i, m := range out.Marks {
		marks[i] = proofreport.Timed{Observation: m.Observation, At: m.At, Timed: true}
	}
	r := proofreport.New(src.spec, res, marks)
	r.Tool = "run"
	r.Contract, r.Profile, r.Log, r.Command = src.contract, src.profile, o.Log, o.Argv
	r.StoppedEarly = out.StoppedEarly
	r.DurationMS = out.Duration.Milliseconds()
	r.ExitCode = proofExitCode(res.Verdict)
	r.Process = &proofreport.Process{
		Exited: out.Exited, ExitCode: out.ExitCode, Signal: out.Signal,
		TimedOut: out.TimedOut, Killed: out.Killed, Leftover: out.Leftover,
	}
	x := &runExec{src: src, out: out, report: r, started: started}
	if out.Leftover {
		fmt.Fprintf(env.stderr, "taskproof run: warning: a process of group %d (%s) survived SIGKILL\n", out.PID, o.Argv[0])
	}
	unit := fmt.Sprintf("in %.1fs", out.Duration.Seconds())
	if werr := proofEmit(env, &o.proofOptions, r, unit); werr != nil || err != nil {
		if werr != nil {
			fmt.Fprintf(env.stderr, "taskproof run: %v\n", werr)
		}
		// A proof without its log or reports is not a usable proof.
		return x, &exitError{code: exitInfra}
	}
	if r.ExitCode != exitOK {
		return x, &exitError{code: r.ExitCode}
	}
	return x, nil
}

// recordRunLedger stores one run in the ledger of o.Root: the verdict, the
// required markers with their first line and time, the commit and whether
// the work tree under the root had changes (such runs stay out of the flaky
// statistics).
func recordRunLedger(o runOptions, x *runExec) error {
	commit, dirty := workTreeCommit(o.Root)
	l, err := ledger.Open(ledger.DefaultPath(o.Root))
	if err != nil {
		return err
	}
	_, err = l.Record(context.Background(), ledger.Run{
		Kind:       ledger.KindRun,
		Commit:     commit,
		Dirty:      dirty,
		Profile:    x.src.profile,
		Command:    o.Argv,
		Verdict:    x.report.Verdict,
		StartedAt:  x.started,
		DurationMS: x.out.Duration.Milliseconds(),
		Markers:    ledgerMarkers(x.report.Checks),
	})
	if cerr := l.Close(); err == nil {
		err = cerr
	}
	return err
}

// ledgerMarkers turns a report's required-marker checks into ledger
// outcomes, one per marker.
func ledgerMarkers(checks []proofreport.Check) []ledger.MarkerOutcome {
	out := make([]ledger.MarkerOutcome, 0, len(checks))
	seen := map[string]bool{}
	for _, c := range checks {
		if seen[c.Marker] {
			continue
		}
		seen[c.Marker] = true
		out = append(out, ledger.MarkerOutcome{Marker: c.Marker, Seen: c.Count > 0, Line: c.Line, AtMS: c.AtMS})
	}
	return out
}

// workTreeCommit is HEAD of the git work tree holding root and whether that
// tree has changes under root (taskproof's own .taskproof/ left out); ""
// outside git or before the first commit.
func workTreeCommit(root string) (commit string, dirty bool) {
	g, err := gitdiff.Open(root)
	if err != nil {
		return "", false
	}
	b, err := g.ResolveBase("HEAD")
	if err != nil || b.How == "empty tree" {
		return "", false
	}
	changes, err := g.Changes(b.MergeBase)
	if err != nil {
		return b.MergeBase, true // unknown: never count it as clean
	}
	prefix, err := rootPrefix(g.Top, root)
	if err != nil {
		return b.MergeBase, true
	}
	for _, c := range changes {
		for _, p := range []string{c.Path, c.OldPath} {
			if p == "" || !strings.HasPrefix(p, prefix) {
				continue
			}
			if !strings.HasPrefix(strings.TrimPrefix(p, prefix), stateDirPrefix) {
				return b.MergeBase, true
			}
		}
	}
	return b.MergeBase, false
}

// proofProgressWanted reports whether stderr is a terminal and CI is unset.
func proofProgressWanted(env *cliEnv) bool {
	if env.getenv("CI") != "" {
		return false
	}
	f, ok := env.stderr.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// proofSize reads a byte count: a plain number, or one with a K/KiB, M/MiB
// or G/GiB suffix (powers of 1024).
func proofSize(s string) (int64, error) {
	t := strings.TrimSpace(s)
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"K", 1 << 10}, {"M", 1 << 20}, {"G", 1 << 30}, {"B", 1}} {
		if strings.HasSuffix(t, u.suffix) {
			t, mult = strings.TrimSpace(strings.TrimSuffix(t, u.suffix)), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil || n <= 0 || n > (1<<62)/mult {
		return 0, usagef("--log-max %q is not a size; use bytes or a number with KiB, MiB, GiB (e.g. 8MiB)", s)
	}
	if n*mult < 1024 {
		return 0, usagef("--log-max %s is too small; use at least 1KiB", s)
	}
	return n * mult, nil
}

// proofExitCodes reads --ok-exit: a comma-separated list of exit codes.
func proofExitCodes(s string) ([]int, error) {
	var codes []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 0 || n > 255 {
			return nil, usagef("--ok-exit %q: want comma-separated exit codes 0-255 (e.g. 0,33)", s)
		}
		codes = append(codes, n)
	}
	return codes, nil
}
