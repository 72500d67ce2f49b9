package main

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"time"

	"github.com/taskproof/taskproof/internal/cli"
	"github.com/taskproof/taskproof/internal/evidence"
	"github.com/taskproof/taskproof/internal/prove"
)

const proveSynopsis = "prove TASK-ID... | --all | --changed [--base REV] [-j N] [--force] [--dry-run] [--lane ID --out DIR] [--key FILE] [--timeout 10m] [--root DIR] [--format text|json]"

// proveOptions are the inputs of `taskproof prove`.
type proveOptions struct {
	Root    string
	Format  string
	Base    string
	Key     string
	Timeout time.Duration
	Argv    []string // prove's own argv, for the ledger

	// Many tasks: the selection, the lanes, the cache, one CI lane.
	Tasks   []string
	All     bool
	Changed bool
	Jobs    int
	Force   bool
	DryRun  bool
	Lane    string
	Out     string
	Summary string // collect: a Markdown summary file
	Wait    bool   // wait for another prove of a task instead of failing
}

func cmdProve(ctx context.Context, env *cli.Env, args []string) error {
	o := proveOptions{Argv: append([]string{"taskproof", "prove"}, args...)}
	fs := cli.NewFlagSet(env, "prove", proveSynopsis)
	fs.Help += "\n\n" + containmentHelp()
	fs.RootFlag(&o.Root)
	fs.FormatFlag(&o.Format, "text", "json")
	fs.StringVar(&o.Base, "base", "", "base `REV` of scope and hygiene (default: upstream, else main, else master, else HEAD)")
	fs.StringVar(&o.Key, "key", "", "sign with the private key in `FILE` (default: $TASKPROOF_SIGNING_KEY, $TASKPROOF_SIGNING_KEY_FILE, .taskproof/signing.key)")
	fs.DurationVar(&o.Timeout, "timeout", prove.DefaultTimeout, "deadline of each test or harness command (`DURATION`); taskproof run commands keep their own --timeout")
	fs.BoolVar(&o.All, "all", false, "prove every task of the repository")
	fs.BoolVar(&o.Changed, "changed", false, "prove the tasks the change against --base touches (allowlisted files, task file, proof inputs, contract)")
	fs.IntVar(&o.Jobs, "j", runtime.NumCPU(), "run at most `N` runs at once")
	fs.BoolVar(&o.Force, "force", false, "run every run, even one that passed before with the same inputs")
	fs.BoolVar(&o.DryRun, "dry-run", false, "print the plan (runs, the tasks each proves, runs skipped) and run nothing")
	fs.StringVar(&o.Lane, "lane", "", "run only the run `ID` (from taskproof plan) and write its signed result to --out")
	fs.StringVar(&o.Out, "out", "lanes", "`DIR` for a --lane result")
	fs.BoolVar(&o.Wait, "wait", false, "wait for another prove of the same task to end instead of failing at once (exit 3)")
	pos, err := fs.Parse(args)
	if err != nil {
		return err
	}
	if err := checkContainment(env); err != nil {
		return err
	}
	if err := checkSelection(o, pos); err != nil {
		return err
	}
	o.Tasks = pos
	switch {
	case !o.All && !o.Changed && !o.DryRun && o.Lane == "" && len(pos) == 1:
		return runProve(ctx, o, env, pos[0])
	case len(pos) == 0 && !o.All && !o.Changed:
		if o.Lane == "" && !o.DryRun {
			return cli.Usagef("missing TASK-ID; usage: taskproof %s", proveSynopsis)
		}
		o.All = true // a lane or a plan of the whole repository
	}
	if o.Jobs < 1 {
		return cli.Usagef("-j must be at least 1; got %d", o.Jobs)
	}
	return runProveMany(ctx, o, env)
}

// runProve plans the Definition of Done of the task arg names, runs it,
// judges it and writes and records the evidence.
func runProve(ctx context.Context, o proveOptions, env *cli.Env, arg string) error {
	if err := cli.CheckFormat(o.Format, "text", "json"); err != nil {
		return err
	}
	r, _, _, err := openTasks(env, o.Root)
	if err != nil {
		return err
	}
	plan, err := prove.New(r, prove.Options{Base: o.Base, Timeout: o.Timeout, Version: version, Force: o.Force}, arg)
	var refused *prove.RefusedError
	if errors.As(err, &refused) {
		for _, l := range refused.Lines() {
			fmt.Fprintf(env.Stderr, "taskproof prove: %s\n", l)
		}
	}
	if err != nil {
		return err
	}
	priv, keySource, err := signingKey(env, o.Key, o.Root)
	if err != nil {
		return err
	}
	lock, err := lockTasks(ctx, env, o, plan)
	if err != nil {
		return err
	}
	defer lock.Release()
	if err := plan.Bind(ctx); err != nil {
		return err
	}
	obs := prove.LineObserver(env.Stderr)
	if cli.ProgressWanted(env) {
		obs.Progress = env.Stderr
	}
	rec, err := executeLive(ctx, env, o, plan, obs, string(plan.Tasks[0].Doc.ID))
	if err != nil {
		return err
	}
	res, warnings, err := plan.SealOne(ctx, priv, keySource, o.Argv)
	if err != nil {
		return err
	}
	cli.Warn(env, "prove", warnings)
	cli.WarnStepSummary(env, "prove", res.JobSummary())
	finishLive(env, "prove", rec, string(res.Verdict), res.Verdict+": "+evidence.ItemCounts(res.Items), plan.LedgerIDs()...)
	if err := cli.WriteOutput(env.Stdout, o.Format, res, res.Text); err != nil {
		return err
	}
	if res.Verdict != evidence.Proven {
		return cli.Silent(cli.ErrFindings)
	}
	return nil
}
