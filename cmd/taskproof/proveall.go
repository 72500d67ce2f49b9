package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/taskproof/taskproof/internal/atomicfile"
	"github.com/taskproof/taskproof/internal/evidence"
	"github.com/taskproof/taskproof/internal/live"
	"github.com/taskproof/taskproof/internal/prove"
	"github.com/taskproof/taskproof/internal/repo"
	"github.com/taskproof/taskproof/internal/verify"
)

// planMany opens the repository and plans the tasks o selects (--all,
// --changed or the ids), bound to the work tree.
func planMany(ctx context.Context, env *cliEnv, o proveOptions) (*prove.Plan, error) {
	r := env.openRepo(o.Root)
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
func signingKey(env *cliEnv, flagPath, root string) (ed25519.PrivateKey, string, error) {
	priv, source, err := evidence.LoadSigningKey(env.getenv, flagPath, root)
	if err != nil {
		if strings.HasPrefix(err.Error(), "no signing key") {
			return nil, "", usagef("%v", err) // names the fix: keygen, --key, the variables
		}
		return nil, "", usagef("signing key: %v", err)
	}
	return priv, source, nil
}

// runProveMany proves many tasks: each distinct run once, in -j lanes,
// reusing the runs that passed with the same inputs.
func runProveMany(ctx context.Context, o proveOptions, env *cliEnv) error {
	if err := checkFormat(o.Format, "text", "json"); err != nil {
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
		return writeOutput(env.stdout, o.Format, v, v.Text)
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
	sayCached(env, plan, true)
	rec := startLive(env, "prove", plan.Repo.Root, live.KindProve, "", o.Argv)
	if err := plan.Execute(ctx, liveObserver(laneObserver(env, o.Jobs), rec)); err != nil {
		finishLive(env, "prove", rec, string(verify.Infra), firstLine(err.Error()), 0)
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
func runLane(ctx context.Context, env *cliEnv, o proveOptions, plan *prove.Plan, priv ed25519.PrivateKey) error {
	lane := plan.Run(o.Lane)
	if lane == nil {
		return usagef("no run %q in the plan of this checkout; 'taskproof plan' lists the runs", o.Lane)
	}
	for _, r := range plan.Runs() {
		if r != lane {
			r.NotRun = "not run: another lane's"
		}
	}
	lane.Output, lane.Cached = nil, nil // a lane runs; its result travels to collect
	if err := plan.Execute(ctx, laneObserver(env, 1)); err != nil {
		return err
	}
	path, err := plan.WriteLane(lane, o.Out, priv)
	if err != nil {
		return infra(err)
	}
	first := lane.First()
	res := first.Step.Result
	fmt.Fprintf(env.stdout, "lane %s: %s\nresult: %s\nproves: %s\n", lane.ID, res.Outcome.Reason, path, strings.Join(lane.Tasks(), " "))
	if !res.Outcome.Passed {
		return silent(errFindings)
	}
	return nil
}

// manyReport is the report of a many-task prove or of collect.
type manyReport struct {
	Verdict string              `json:"verdict"` // proven when every planned task is
	Tasks   []manyTask          `json:"tasks"`
	Runs    manyRuns            `json:"runs"`
	Left    []prove.LeftView    `json:"left"`
	Lanes   []prove.LaneProblem `json:"lane_problems"`
	Results []prove.Result      `json:"results"`
}

type manyTask struct {
	Task     string `json:"task"`
	File     string `json:"file"`
	Verdict  string `json:"verdict"`
	UpToDate bool   `json:"up_to_date"`
	Evidence string `json:"evidence"`
	Digest   string `json:"digest"`
}

type manyRuns struct {
	Ran    int `json:"ran"`
	Reused int `json:"reused"`
	NotRun int `json:"not_run"`
}

// finishMany judges, seals and records every task that is not up to date,
// and reports them all.
func finishMany(ctx context.Context, env *cliEnv, o proveOptions, plan *prove.Plan, priv ed25519.PrivateKey, keySource string, lanes []prove.LaneProblem) error {
	rep := manyReport{Verdict: evidence.Proven, Tasks: []manyTask{}, Left: plan.View().Left, Lanes: lanes, Results: []prove.Result{}}
	if rep.Lanes == nil {
		rep.Lanes = []prove.LaneProblem{}
	}
	for _, r := range plan.Runs() {
		switch {
		case r.Output == nil:
			rep.Runs.NotRun++
		case r.Cached != nil:
			rep.Runs.Reused++
		default:
			rep.Runs.Ran++
		}
	}
	js := plan.Judge(ctx)
	var sealed []*prove.Sealed
	byTask := map[string]manyTask{}
	for _, j := range js {
		s, err := plan.Seal(ctx, j, priv)
		if err != nil {
			return err
		}
		if s.Changed {
			fmt.Fprintf(env.stderr, "taskproof prove: warning: %s: allowlisted files changed while the proof ran; its evidence binds their content from before and is stale now\n", j.Task.Doc.ID)
		}
		sealed = append(sealed, s)
		res := plan.Result(j, s, keySource)
		rep.Results = append(rep.Results, res)
		byTask[res.Task] = manyTask{Task: res.Task, File: res.File, Verdict: res.Verdict, Evidence: s.Path, Digest: s.Digest}
	}
	if err := plan.RecordAll(ctx, js, sealed, o.Argv); err != nil {
		fmt.Fprintf(env.stderr, "taskproof prove: warning: proves not recorded in the ledger: %v\n", err)
	}
	for _, tp := range plan.Tasks {
		id := string(tp.Doc.ID)
		t, ok := byTask[id]
		if !ok {
			t = manyTask{Task: id, File: tp.Doc.Path, Verdict: evidence.Proven, UpToDate: true, Evidence: proofBundleRel(tp), Digest: tp.Fresh}
		}
		if t.Verdict != evidence.Proven {
			rep.Verdict = evidence.Failed
		}
		rep.Tasks = append(rep.Tasks, t)
	}
	for _, l := range rep.Left {
		if !l.NoProof {
			rep.Verdict = evidence.Failed
		}
	}
	if len(lanes) > 0 {
		rep.Verdict = evidence.Failed
	}
	for _, l := range lanes {
		fmt.Fprintf(env.stderr, "taskproof: %v\n", l)
	}
	if err := writeSummary(o.Summary, rep); err != nil {
		return err
	}
	proveStepSummary(env, rep.jobSummary())
	if err := writeOutput(env.stdout, o.Format, rep, rep.Text); err != nil {
		return err
	}
	if rep.Verdict != evidence.Proven {
		return silent(errFindings)
	}
	return nil
}

func proofBundleRel(tp *prove.TaskPlan) string {
	return repo.StateDir + "/evidence/" + string(tp.Doc.ID) + ".tar"
}

// Text is the report for people: one line per task, then what was left
// out and the totals.
func (r manyReport) Text() []byte {
	var b bytes.Buffer
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "TASK\tVERDICT\tEVIDENCE")
	counts := map[string]int{}
	fresh := 0
	for _, t := range r.Tasks {
		note := ""
		if t.UpToDate {
			note = " (up to date)"
			fresh++
		}
		counts[t.Verdict]++
		fmt.Fprintf(tw, "%s\t%s\t%s%s\n", t.Task, t.Verdict, t.Evidence, note)
	}
	tw.Flush()
	if len(r.Left) > 0 {
		b.WriteString("\nleft out:\n")
		for _, l := range r.Left {
			fmt.Fprintf(&b, "  %s %s: %s\n", l.Task, l.File, l.Reason)
		}
	}
	if len(r.Lanes) > 0 {
		b.WriteString("\nlanes that did not prove their tasks:\n")
		for _, l := range r.Lanes {
			fmt.Fprintf(&b, "  %v\n      tasks: %s\n", l, strings.Join(l.Tasks, " "))
		}
	}
	fmt.Fprintf(&b, "\n%s: %d task(s), %d proven (%d up to date), %d failed, %d left out; runs: %d ran, %d reused, %d not run\n",
		strings.ToUpper(r.Verdict), len(r.Tasks), counts[evidence.Proven], fresh, len(r.Tasks)-counts[evidence.Proven], len(r.Left),
		r.Runs.Ran, r.Runs.Reused, r.Runs.NotRun)
	return b.Bytes()
}

// Markdown is the summary a CI job uploads: the totals and a table.
func (r manyReport) Markdown() []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "## taskproof: %s\n\n", r.Verdict)
	b.WriteString("| task | verdict | evidence |\n|---|---|---|\n")
	for _, t := range r.Tasks {
		fmt.Fprintf(&b, "| %s | %s | `%s` %s |\n", t.Task, t.Verdict, t.Evidence, t.Digest)
	}
	for _, l := range r.Lanes {
		fmt.Fprintf(&b, "\n- lane `%s` (`%s`): %s — tasks %s\n", l.Lane, l.Command, l.Message, strings.Join(l.Tasks, ", "))
	}
	return b.Bytes()
}

// sayCached prints each run whose earlier passing output is reused.
func sayCached(env *cliEnv, plan *prove.Plan, many bool) {
	for _, r := range plan.Runs() {
		if r.Cached == nil {
			continue
		}
		if many {
			fmt.Fprintf(env.stderr, "run %s: %s (proves %d task(s))\n", r.ID, r.Cached, len(r.Tasks()))
			continue
		}
		for _, ts := range r.Steps {
			fmt.Fprintf(env.stderr, "prove %s: [%d/%d] %s: %s\n", ts.Task.Doc.ID, ts.Step.N, len(ts.Task.Steps), ts.Step.Command, r.Cached)
		}
	}
}

// writeSummary writes the Markdown summary to path, atomically.
func writeSummary(path string, rep manyReport) error {
	if path == "" {
		return nil
	}
	if err := atomicfile.Write(path, rep.Markdown(), 0o644); err != nil {
		return infra(fmt.Errorf("write summary: %w", err))
	}
	return nil
}
