package main

import (
	"context"
	"fmt"

	"github.com/taskproof/taskproof/internal/ledger"
	"github.com/taskproof/taskproof/internal/proofrun"
	"github.com/taskproof/taskproof/internal/repo"
	"github.com/taskproof/taskproof/internal/report"
)

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

func cmdRun(ctx context.Context, env *cliEnv, args []string) error {
	var f proofrun.RunFlags
	fs := newFlagSet(env, "run", runSynopsis, runHelp)
	f.Register(fs.FlagSet)
	if err := fs.flagError(f.Parse(fs.FlagSet, args)); err != nil {
		return err
	}
	return runRun(ctx, f, env)
}

// runRun runs the command, prints the verdict and records the run in the
// ledger under --root (a failure to record is a warning: the ledger is
// history, the verdict stands).
func runRun(ctx context.Context, f proofrun.RunFlags, env *cliEnv) error {
	if err := f.CheckTimes(); err != nil {
		return err
	}
	if err := checkFormat(f.Format, "text", "json"); err != nil {
		return err
	}
	r := repo.Open(f.Root)
	m, err := f.Markers(r, "")
	if err != nil {
		return err
	}
	if err := proofrun.CheckOutputs(f.Report, f.JUnit, f.Summary, f.Log); err != nil {
		return err
	}
	run := proofrun.Run{Argv: f.Argv, Markers: m, Timeout: f.Timeout, Drain: f.Drain, Grace: f.Grace,
		PTY: f.PTY, OKExit: f.OKExit, Log: f.Log, LogMax: f.LogMax}
	if progressWanted(env) {
		run.Progress = env.stderr
	}
	x, err := proofrun.Console(ctx, run)
	if x == nil {
		// The checker or the log could not be set up: bad input.
		return err
	}
	if err != nil {
		fmt.Fprintf(env.stderr, "taskproof run: %v\n", err)
	}
	if x.Outcome.Leftover {
		fmt.Fprintf(env.stderr, "taskproof run: warning: a process of group %d (%s) survived SIGKILL\n", x.Outcome.PID, f.Argv[0])
	}
	werr := emitProof(env, f.Flags, x.Report, fmt.Sprintf("in %.1fs", x.Outcome.Duration.Seconds()))
	if werr != nil {
		fmt.Fprintf(env.stderr, "taskproof run: %v\n", werr)
	}
	// Record also an interrupted run: the history says it was.
	if lerr := recordRun(context.WithoutCancel(ctx), r, m, f.Argv, x); lerr != nil {
		fmt.Fprintf(env.stderr, "taskproof run: warning: run not recorded in the ledger: %v\n", lerr)
	}
	if werr != nil || err != nil {
		// A proof without its log or reports is not a usable proof.
		return silent(errInfra)
	}
	return verdictError(x.Report)
}

// recordRun stores one run in the ledger of the root: the verdict, the
// required markers with their first line and time, the commit and whether
// the work tree under the root had changes (such runs stay out of the
// flaky statistics).
func recordRun(ctx context.Context, r *repo.Repo, m *proofrun.Markers, argv []string, x *proofrun.Result) error {
	commit, dirty := r.WorkTree(ctx)
	l, err := ledger.Open(ledger.DefaultPath(r.Root))
	if err != nil {
		return err
	}
	_, err = l.Record(ctx, ledger.Run{
		Kind: ledger.KindRun, Commit: commit, Dirty: dirty, Profile: m.Profile, Command: argv,
		Verdict: x.Report.Verdict, StartedAt: x.Started, DurationMS: x.Outcome.Duration.Milliseconds(),
		Markers: ledgerMarkers(x.Report.Checks),
	})
	if cerr := l.Close(); err == nil {
		err = cerr
	}
	return err
}

// ledgerMarkers turns a report's required-marker checks into ledger
// outcomes, one per marker.
func ledgerMarkers(checks []report.Check) []ledger.MarkerOutcome {
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
