package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/taskproof/taskproof/internal/cli"
	"github.com/taskproof/taskproof/internal/live"
	"github.com/taskproof/taskproof/internal/proofrun"
	"github.com/taskproof/taskproof/internal/verify"
)

const runSynopsis = "run [--contract FILE] [--profile P] [--timeout 90s] [--pty] [--log FILE] [--report FILE] -- CMD ARGS..."

// cmdRun runs the command, prints the verdict and records the run in the
// ledger under --root (a failure to record is a warning: the ledger is
// history, the verdict stands).
func cmdRun(ctx context.Context, env *cli.Env, args []string) error {
	var f proofrun.RunFlags
	fs := cli.NewFlagSet(env, "run", runSynopsis)
	fs.Help += "\n\n" + containmentHelp() + "\n\n" + proofHelp
	f.Register(fs.FlagSet)
	if err := fs.FlagError(f.Parse(fs.FlagSet, args)); err != nil {
		return err
	}
	if err := checkContainment(env); err != nil {
		return err
	}
	if err := f.CheckTimes(); err != nil {
		return err
	}
	if err := cli.CheckFormat(f.Format, "text", "json"); err != nil {
		return err
	}
	r := openRepo(env, f.Root)
	m, err := f.Markers(r, "")
	if err != nil {
		return err
	}
	if err := proofrun.CheckOutputs(f.Report, f.JUnit, f.Summary, f.Log); err != nil {
		return err
	}
	run := f.Run()
	run.Markers, run.Log = m, f.Log
	if cli.ProgressWanted(env) {
		run.Progress = env.Stderr
	}
	rec := startLive(env, "run", r.Root, live.KindRun, "", f.Argv)
	run.Tap = rec.Step(1, strings.Join(f.Argv, " "), f.Argv, m.Spec)
	x, err := proofrun.Console(ctx, run)
	if x == nil {
		// The checker or the log could not be set up: bad input.
		rec.EndStep(1, string(verify.Infra), cli.FirstLine(fmt.Sprint(err)), nil)
		finishLive(env, "run", rec, string(verify.Infra), cli.FirstLine(fmt.Sprint(err)), 0)
		return err
	}
	if err != nil {
		fmt.Fprintf(env.Stderr, "taskproof run: %v\n", err)
	}
	if x.Outcome.Leftover {
		fmt.Fprintf(env.Stderr, "taskproof run: warning: a process of group %d (%s) survived SIGKILL\n", x.Outcome.PID, f.Argv[0])
	}
	werr := emitProof(env, f.Flags, x.Report, fmt.Sprintf("in %.1fs", x.Outcome.Duration.Seconds()))
	if werr != nil {
		fmt.Fprintf(env.Stderr, "taskproof run: %v\n", werr)
	}
	// Record also an interrupted run: the history says it was.
	id, lerr := proofrun.Record(context.WithoutCancel(ctx), r, m, f.Argv, x)
	if lerr != nil {
		fmt.Fprintf(env.Stderr, "taskproof run: warning: run not recorded in the ledger: %v\n", lerr)
	}
	rec.EndStep(1, x.Report.Verdict, live.Reason(x.Report), live.FailureOf(x.Report.Failure))
	finishLive(env, "run", rec, x.Report.Verdict, live.Reason(x.Report), id)
	if werr != nil || err != nil {
		// A proof without its log or reports is not a usable proof.
		return cli.Silent(cli.ErrInfra)
	}
	return verdictError(x.Report)
}
