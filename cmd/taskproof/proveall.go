package main

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"strings"

	"github.com/taskproof/taskproof/internal/atomicfile"
	"github.com/taskproof/taskproof/internal/cli"
	"github.com/taskproof/taskproof/internal/evidence"
	"github.com/taskproof/taskproof/internal/live"
	"github.com/taskproof/taskproof/internal/prove"
	"github.com/taskproof/taskproof/internal/verify"
)

// planMany opens the repository and plans the tasks o selects (--all,
// --changed or the ids), bound to the work tree.
func planMany(ctx context.Context, env *cli.Env, o proveOptions) (*prove.Plan, error) {
	r := openRepo(env, o.Root)
	if _, err := r.Tasks(); err != nil {
		return nil, err
	}
	if _, err := r.Config(); err != nil {
		return nil, err
	}
	opts := prove.Options{Base: o.Base, Timeout: o.Timeout, Version: version, Jobs: o.Jobs, Force: o.Force}
	names := o.Tasks
	var err error
	switch {
	case o.All:
		names, err = prove.AllTasks(r)
	case o.Changed:
		names, err = prove.ChangedTasks(ctx, r, opts)
	}
	if err != nil {
		return nil, err
	}
	plan, err := prove.NewAll(r, opts, names...)
	if err != nil {
		return nil, err
	}
	if err := plan.Bind(ctx); err != nil {
		return nil, err
	}
	return plan, nil
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
	plan.WriteCached(env.Stderr, true)
	rec := startLive(env, "prove", plan.Repo.Root, live.KindProve, "", o.Argv)
	if err := plan.Execute(ctx, prove.WithLive(laneObserver(env, o.Jobs), rec)); err != nil {
		finishLive(env, "prove", rec, string(verify.Infra), cli.FirstLine(err.Error()), 0)
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

// runLane runs the one run o.Lane names and writes its signed result.
func runLane(ctx context.Context, env *cli.Env, o proveOptions, plan *prove.Plan, priv ed25519.PrivateKey) error {
	lane := plan.Run(o.Lane)
	if lane == nil {
		return cli.Usagef("no run %q in the plan of this checkout; 'taskproof plan' lists the runs", o.Lane)
	}
	plan.OnlyLane(lane)
	if err := plan.Execute(ctx, laneObserver(env, 1)); err != nil {
		return err
	}
	path, err := plan.WriteLane(lane, o.Out, priv)
	if err != nil {
		return cli.Infra(err)
	}
	first := lane.First()
	res := first.Step.Result
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
	rep := plan.NewManyReport(lanes)
	js := plan.Judge(ctx)
	var sealed []*prove.Sealed
	for _, j := range js {
		s, err := plan.Seal(ctx, j, priv)
		if err != nil {
			return err
		}
		if s.Changed {
			fmt.Fprintf(env.Stderr, "taskproof prove: warning: %s: allowlisted files changed while the proof ran; its evidence binds their content from before and is stale now\n", j.Task.Doc.ID)
		}
		sealed = append(sealed, s)
		rep.Add(plan.Result(j, s, keySource), s)
	}
	if err := plan.RecordAll(ctx, js, sealed, o.Argv); err != nil {
		fmt.Fprintf(env.Stderr, "taskproof prove: warning: proves not recorded in the ledger: %v\n", err)
	}
	rep.Finish(plan)
	for _, l := range lanes {
		fmt.Fprintf(env.Stderr, "taskproof: %v\n", l)
	}
	if err := writeSummary(o.Summary, rep); err != nil {
		return err
	}
	proveStepSummary(env, rep.JobSummary())
	if err := cli.WriteOutput(env.Stdout, o.Format, rep, rep.Text); err != nil {
		return err
	}
	if rep.Verdict != evidence.Proven {
		return cli.Silent(cli.ErrFindings)
	}
	return nil
}

// writeSummary writes the Markdown summary to path, atomically.
func writeSummary(path string, rep *manyReport) error {
	if path == "" {
		return nil
	}
	if err := atomicfile.Write(path, rep.Markdown(), 0o644); err != nil {
		return cli.Infra(fmt.Errorf("write summary: %w", err))
	}
	return nil
}
