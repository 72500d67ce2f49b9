package main

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"strings"

	"github.com/taskproof/taskproof/internal/cli"
	"github.com/taskproof/taskproof/internal/evidence"
	"github.com/taskproof/taskproof/internal/live"
	"github.com/taskproof/taskproof/internal/prove"
	"github.com/taskproof/taskproof/internal/verify"
)

// planMany opens the repository and plans the tasks o selects (--all,
// --changed or the ids), bound to the work tree.
func planMany(ctx context.Context, env *cli.Env, o proveOptions) (*prove.Plan, error) {
	opts := prove.Options{Base: o.Base, Timeout: o.Timeout, Version: version, Jobs: o.Jobs, Force: o.Force}
	sel := prove.Selection{All: o.All, Changed: o.Changed, Names: o.Tasks}
	return prove.PlanSelected(ctx, openRepo(env, o.Root), opts, sel)
}

// checkSelection checks how prove and plan were told which tasks: by
// --all, --changed or ids, never two of them.
func checkSelection(o proveOptions, pos []string) error {
	switch {
	case o.All && o.Changed:
		return cli.Usagef("--all and --changed both choose the tasks; give one")
	case (o.All || o.Changed) && len(pos) > 0:
		return cli.Usagef("--all and --changed choose the tasks; give no TASK-ID with them")
	}
	return nil
}

// signingKey loads the key that signs evidence and lane results.
func signingKey(env *cli.Env, flagPath, root string) (ed25519.PrivateKey, string, error) {
	priv, source, err := evidence.LoadSigningKey(env.Getenv, flagPath, root)
	if err != nil {
		if strings.HasPrefix(err.Error(), "no signing key") {
			return nil, "", cli.Usagef("%v", err) // names the fix: keygen, --key, the variables
		}
		return nil, "", cli.Usagef("signing key: %v", err)
	}
	return priv, source, nil
}

// runProveMany proves many tasks: each distinct run once, in -j lanes,
// reusing the runs that passed with the same inputs.
func runProveMany(ctx context.Context, o proveOptions, env *cli.Env) error {
	if err := cli.CheckFormat(o.Format, "text", "json"); err != nil {
		return err
	}
	var priv ed25519.PrivateKey
	var keySource string
	if !o.DryRun {
		var err error
		if priv, keySource, err = signingKey(env, o.Key, o.Root); err != nil {
			return err
		}
	}
	plan, err := planMany(ctx, env, o)
	if err != nil {
		return err
	}
	if o.DryRun {
		v := plan.View()
		return cli.WriteOutput(env.Stdout, o.Format, v, v.Text)
	}
	if o.Lane != "" {
		return runLane(ctx, env, o, plan, priv)
	}
	lock, err := lockTasks(ctx, env, o, plan)
	if err != nil {
		return err
	}
	defer lock.Release()
	if !o.Force {
		plan.UpToDate(priv.Public().(ed25519.PublicKey))
	}
	rec, err := executeLive(ctx, env, o, plan, prove.ManyObserver(env.Stderr, o.Jobs, cli.ProgressWanted(env)), "")
	if err != nil {
		return err
	}
	err = finishMany(ctx, env, o, plan, priv, keySource, nil)
	verdict := evidence.Proven
	if err != nil {
		verdict = "not proven"
	}
	finishLive(env, "prove", rec, verdict, fmt.Sprintf("%d runs", len(plan.Runs())), plan.LedgerIDs()...)
	return err
}

// executeLive runs plan observed by obs and followed by a live record of
// the prove (of task, "" for many), after saying which runs it reuses.
// An error ends the live record as INFRA.
func executeLive(ctx context.Context, env *cli.Env, o proveOptions, plan *prove.Plan, obs prove.Observer, task string) (*live.Recorder, error) {
	plan.WriteCached(env.Stderr, task == "")
	rec := startLive(env, "prove", plan.Repo.Root, live.KindProve, task, o.Argv)
	if err := plan.Execute(ctx, prove.WithLive(obs, rec)); err != nil {
		finishLive(env, "prove", rec, string(verify.Infra), cli.FirstLine(err.Error()), 0)
		return nil, err
	}
	return rec, nil
}

// runLane runs the one run o.Lane names and writes its signed result.
func runLane(ctx context.Context, env *cli.Env, o proveOptions, plan *prove.Plan, priv ed25519.PrivateKey) error {
	lane := plan.Run(o.Lane)
	if lane == nil {
		return cli.Usagef("no run %q in the plan of this checkout; 'taskproof plan' lists the runs", o.Lane)
	}
	path, err := plan.RunLane(ctx, lane, o.Out, priv, prove.ManyObserver(env.Stderr, 1, cli.ProgressWanted(env)))
	if err != nil {
		return err
	}
	res := lane.First().Step.Result
	fmt.Fprintf(env.Stdout, "lane %s: %s\nresult: %s\nproves: %s\n", lane.ID, res.Outcome.Reason, path, strings.Join(lane.Tasks(), " "))
	if !res.Outcome.Passed {
		return cli.Silent(cli.ErrFindings)
	}
	return nil
}

// manyReport is the report of a many-task prove or of collect.
type manyReport = prove.ManyReport

// finishMany judges, seals and records every task that is not up to date,
// and reports them all.
func finishMany(ctx context.Context, env *cli.Env, o proveOptions, plan *prove.Plan, priv ed25519.PrivateKey, keySource string, lanes []prove.LaneProblem) error {
	rep, warnings, err := plan.SealAll(ctx, priv, keySource, lanes, o.Argv)
	cli.Warn(env, "prove", warnings)
	if err != nil {
		return err
	}
	for _, l := range lanes {
		fmt.Fprintf(env.Stderr, "taskproof: %v\n", l)
	}
	if err := rep.WriteSummary(o.Summary); err != nil {
		return err
	}
	cli.WarnStepSummary(env, "prove", rep.JobSummary())
	if err := cli.WriteOutput(env.Stdout, o.Format, rep, rep.Text); err != nil {
		return err
	}
	if rep.Verdict != evidence.Proven {
		return cli.Silent(cli.ErrFindings)
	}
	return nil
}
