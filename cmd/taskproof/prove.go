package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/taskproof/taskproof/internal/atomicfile"
	"github.com/taskproof/taskproof/internal/contract"
	"github.com/taskproof/taskproof/internal/dod"
	"github.com/taskproof/taskproof/internal/evidence"
	"github.com/taskproof/taskproof/internal/harness"
	"github.com/taskproof/taskproof/internal/ledger"
	"github.com/taskproof/taskproof/internal/proofstate"
	"github.com/taskproof/taskproof/internal/repo"
	proofreport "github.com/taskproof/taskproof/internal/report"
	"github.com/taskproof/taskproof/internal/scope"
	"github.com/taskproof/taskproof/internal/task"
	"github.com/taskproof/taskproof/internal/testout"
	"github.com/taskproof/taskproof/internal/verify"
)

func init() {
	register(&command{name: "prove", summary: "run a task's Definition of Done and write signed evidence", run: cmdProve})
}

const proveSynopsis = "prove TASK-ID [--base REV] [--key FILE] [--timeout 10m] [--root DIR] [--format text|json]"

const proveHelp = `Runs exactly the proof commands of the task's Stop conditions, in order,
then checks its required markers, its required tests, the touched-path
allowlist (as 'taskproof scope') and diff hygiene (as 'taskproof hygiene')
against --base, and writes signed evidence of what it saw. One report says,
for each Definition-of-Done item, proven, failed or not_run, and why.

Before anything runs:
  - the task must list at least one proof command (nothing to prove is
    never a pass);
  - every proof command must be one command that matches a glob of
    [proof] canonical in taskproof.toml (default: "taskproof run *",
    "go test *", "cargo test *", "./scripts/qemu-test.sh*"); leading
    VAR=value assignments are its environment. Postflight scripts are not
    proof: anything else is refused, and so are pipes, lists, redirections
    and expansions, because no shell runs the command;
  - every required marker must be declared in the project's marker
    contract ([proof] contract);
  - the signing key must be at hand and the root must be in a git work
    tree with a commit.

How each command runs, from --root:
  taskproof run ...   in process, through the run command itself (its
                      flags, its --timeout); its log and report are
                      captured for the evidence (a --log or --report it
                      names is replaced; --junit and --summary are written
                      relative to --root)
  a command listed under "Proof (QEMU)"
                      under the harness against the project's contract,
                      default profile, with --timeout
  any other command   a test command, under the harness's process-group
                      control with --timeout; its output is parsed as test
                      results (go test -json, cargo test, pytest, JUnit XML,
                      TAP, KTAP); zero tests is a failure; "go test" gets
                      -json when it lacks it (the same tests, with output
                      naming each test)

A required marker is proven when the console of a marker proof showed it;
a required test when it passed (a skipped test is not a passed one; a test
that did not run is not_run).

Evidence: .taskproof/evidence/TASK-ID.tar under --root, written also when
the verdict is failed (failed evidence is evidence; 'taskproof evidence show'
prints it). It holds files/logs/N.log (the console of proof N; for test
commands with durations and test2json times replaced by <t>),
files/markers/N.jsonl (marker occurrences: marker, kind, phase, line),
files/reports/N.json (the verdict, markers and checks, without times),
files/tests/N.json (the parsed test results and required tests, without
durations), files/scope.json, files/hygiene.json and files/config.json (the
resolved configuration: each command's argv, the environment the task and
the contract profile set for it, names containing KEY, TOKEN, SECRET or
PASSWORD redacted; the rest of the environment is inherited and not
recorded). Start time, duration, host and tool versions go into the
statement's run object only, so proving the same commit twice gives the
same files and the same statement apart from that object. The statement is
signed with the key from --key, $TASKPROOF_SIGNING_KEY,
$TASKPROOF_SIGNING_KEY_FILE or .taskproof/signing.key (see taskproof keygen).
Each prove is recorded in the run history (.taskproof/ledger.db).

Progress goes to stderr: one line per command, run's live progress line on
a terminal (not under CI). The report goes to stdout; --format json prints
{task, file, commit, verdict, items [{item, kind, verdict, reason}], steps
[{n, command, line, runner, argv, verdict, reason, duration_ms}], evidence
{path, digest, key_id, key_source}, duration_ms}.

Exit codes: 0 every item proven, 1 an item failed or was not run, or a
proof command was refused, 2 usage error (unknown task, undeclared marker,
bad contract, no signing key), 3 infrastructure (not a git repository,
unknown --base, interrupted: no evidence written then).`

// proveOptions are the inputs of `taskproof prove`.
type proveOptions struct {
	Root    string
	Format  string
	Base    string
	Key     string
	Timeout time.Duration
	Task    string
	Argv    []string // prove's own argv, for the ledger
}

// proveDefaultTimeout bounds a test or harness command without its own.
const proveDefaultTimeout = 10 * time.Minute

func cmdProve(env *cliEnv, args []string) int {
	o := proveOptions{Argv: append([]string{"taskproof", "prove"}, args...)}
	fs := newFlagSet(env, "prove", proveSynopsis, proveHelp)
	fs.rootFlag(&o.Root)
	fs.formatFlag(&o.Format, "text", "json")
	fs.StringVar(&o.Base, "base", "", "base `REV` of scope and hygiene (default: upstream, else main, else master, else HEAD)")
	fs.StringVar(&o.Key, "key", "", "sign with the private key in `FILE` (default: $TASKPROOF_SIGNING_KEY, $TASKPROOF_SIGNING_KEY_FILE, .taskproof/signing.key)")
	fs.DurationVar(&o.Timeout, "timeout", proveDefaultTimeout, "deadline of each test or harness command (`DURATION`); taskproof run commands keep their own --timeout")
	pos, code, done := fs.parse(args)
	if done {
		return code
	}
	switch len(pos) {
	case 0:
		return report(env, "prove", usagef("missing TASK-ID; usage: taskproof %s", proveSynopsis))
	case 1:
		o.Task = pos[0]
	default:
		return report(env, "prove", usagef("prove takes one TASK-ID, got %d arguments", len(pos)))
	}
	return report(env, "prove", runProve(o, env))
}

// proveStep is one planned step with what prove needs to run it.
type proveStep struct {
	dod.Step
	run *runOptions // marker steps: the run options (paths resolved, outputs not yet set)

	// Filled in while running.
	outcome  dod.StepOutcome
	verdict  string // PASS, MISSING, ... for marker steps; passed/failed/... for tests
	duration time.Duration
	files    []evidence.File
	marks    []harness.Mark
	spec     *verify.Spec
	tests    *testout.Run
	contract string // root-relative contract of a marker step
	profile  string
	env      []dod.EnvVar // the environment recorded in config.json
}

// runProve plans, runs and judges the task, then writes and records the
// evidence.
func runProve(o proveOptions, env *cliEnv) error {
	if err := checkFormat(o.Format, "text", "json"); err != nil {
		return err
	}
	if o.Timeout <= 0 {
		return usagef("--timeout must be positive; got %v", o.Timeout)
	}
	r, err := repo.Open(o.Root)
	if err != nil {
		return err
	}
	doc, err := findScopeTask(r, o.Task)
	if err != nil {
		return err
	}
	if doc.ID == "" {
		return usagef("%s has no task id (title or file name); prove names its evidence by the id", doc.Path)
	}
	src, err := os.ReadFile(filepath.Join(r.Root, filepath.FromSlash(doc.Path)))
	if err != nil {
		return fmt.Errorf("read task: %w", err)
	}

	// --- preflight: nothing runs unless all of this holds ---
	plan, probs := dod.NewPlan(doc, r.Config.Proof.Canonical)
	if len(probs) > 0 {
		for _, p := range probs {
			pos := doc.Path
			if p.Line > 0 {
				pos = fmt.Sprintf("%s:%d", doc.Path, p.Line)
			}
			fmt.Fprintf(env.stderr, "taskproof prove: %s: %s\n", pos, p.Message)
		}
		fmt.Fprintf(env.stderr, "taskproof prove: %s refused before running anything: %d problem(s)\n", doc.ID, len(probs))
		return &exitError{code: exitFindings}
	}
	steps, err := proveSteps(r, doc, plan, o)
	if err != nil {
		return err
	}
	priv, keySource, err := evidence.LoadSigningKey(env.getenv, o.Key, o.Root)
	if err != nil {
		if strings.HasPrefix(err.Error(), "no signing key") {
			return usagef("%v", err) // names the fix: keygen, --key, the variables
		}
		return usagef("signing key: %v", err)
	}
	cur, _, err := proofstate.Inputs(r, doc, src)
	if err != nil {
		return &exitError{exitInfra, fmt.Errorf("inputs of %s: %w", doc.ID, err)}
	}
	if cur.Commit == "" {
		return &exitError{exitInfra, fmt.Errorf("%s is not in a git work tree with a commit; evidence is bound to a commit: run git init and commit, or pass --root", o.Root)}
	}
	if _, _, err := openGitBase(o.Root, o.Base); err != nil {
		return err
	}

	// --- run ---
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer stop()
	started := time.Now()
	tmp, err := os.MkdirTemp("", "taskproof-prove-")
	if err != nil {
		return &exitError{exitInfra, fmt.Errorf("temporary directory: %w", err)}
	}
	defer os.RemoveAll(tmp)

	proveRunSteps(ctx, env, doc.ID, r.Root, tmp, steps, plan, o.Timeout)
	if ctx.Err() != nil {
		return &exitError{exitInfra, fmt.Errorf("interrupted by a signal; no evidence written")}
	}

	out := dod.Outcome{}
	for _, st := range steps {
		out.Steps = append(out.Steps, st.outcome)
	}
	var files []evidence.File
	scopeRes, scopeErr := scopeCheck(scopeOptions{Root: o.Root, Base: o.Base, Task: o.Task})
	out.Scope = proveScopeOutcome(scopeRes, scopeErr)
	if scopeRes != nil {
		files = append(files, evidence.File{Name: "scope.json", Data: proveJSON(scopeRes)})
	}
	hyg, hygErr := hygieneCheck(hygieneOptions{Root: o.Root, Base: o.Base})
	out.Hygiene = proveHygieneOutcome(hyg, hygErr)
	if hyg != nil {
		files = append(files, evidence.File{Name: "hygiene.json", Data: proveJSON(hyg)})
	}
	items, verdict := dod.Judge(plan, out)

	// --- evidence ---
	for _, st := range steps {
		files = append(files, st.files...)
	}
	files = append(files, evidence.File{Name: "config.json", Data: proveJSON(proveConfigOf(r, doc, o, steps))})
	pred := evidence.Predicate{
		TaskID: string(doc.ID), Commit: cur.Commit, ContractHash: cur.ContractHash,
		AllowlistHash: cur.AllowlistHash, StopConditionsHash: cur.StopConditionsHash,
		Verdict: verdict, Items: items,
	}
	bundle, err := proveSeal(r.Root, doc.ID, files, pred, priv, started, steps)
	if err != nil {
		return err
	}
	if after, _, err := proofstate.Inputs(r, doc, nil); err == nil && after.AllowlistHash != cur.AllowlistHash {
		fmt.Fprintf(env.stderr, "taskproof prove: warning: allowlisted files changed while the proof ran; the evidence binds their content from before it ran and is stale now\n")
	}
	res := proveResult{
		Task: string(doc.ID), File: doc.Path, Commit: cur.Commit, Verdict: verdict, Items: items,
		Steps: []proveStepResult{},
		Evidence: proveEvidence{
			Path: proofstate.BundleRel(doc.ID), Digest: evidence.BundleDigest(bundle),
			KeyID: evidence.KeyID(priv.Public().(ed25519.PublicKey)), KeySource: keySource,
		},
		DurationMS: time.Since(started).Milliseconds(),
	}
	for _, st := range steps {
		res.Steps = append(res.Steps, proveStepResult{N: st.N, Command: st.Command, Line: st.Line, Runner: string(st.Runner),
			Argv: st.Argv, Verdict: st.verdict, Reason: st.outcome.Reason, DurationMS: st.duration.Milliseconds()})
	}
	if err := proveRecord(o, r.Root, doc, plan, steps, res, started); err != nil {
		fmt.Fprintf(env.stderr, "taskproof prove: warning: prove not recorded in the ledger: %v\n", err)
	}
	if o.Format == "json" {
		if err := writeJSON(env.stdout, res); err != nil {
			return err
		}
	} else if _, err := env.stdout.Write(renderProve(res)); err != nil {
		return &exitError{exitInfra, fmt.Errorf("write output: %w", err)}
	}
	if verdict != evidence.Proven {
		return &exitError{code: exitFindings}
	}
	return nil
}

// proveRunSteps runs the steps in order from the root, one progress line
// before and after each on stderr; after an interrupt the rest are not run.
func proveRunSteps(ctx context.Context, env *cliEnv, id task.ID, root, tmp string, steps []proveStep, plan *dod.Plan, timeout time.Duration) {
	for i := range steps {
		st := &steps[i]
		if ctx.Err() != nil {
			st.outcome = dod.StepOutcome{Reason: "not run: interrupted"}
			continue
		}
		fmt.Fprintf(env.stderr, "prove %s: [%d/%d] %s\n", id, st.N, len(steps), st.Command)
		t0 := time.Now()
		switch st.Runner {
		case dod.RunnerTests:
			proveTestStep(ctx, env, root, tmp, st, plan, timeout)
		default:
			proveMarkerStep(ctx, env, root, tmp, st, plan)
		}
		st.duration = time.Since(t0)
		mark := "ok"
		if !st.outcome.Passed {
			mark = "FAILED"
		}
		fmt.Fprintf(env.stderr, "prove %s: [%d/%d] %s: %s (%.1fs)\n", id, st.N, len(steps), mark, st.outcome.Reason, st.duration.Seconds())
	}
}

// proveSeal signs the evidence, with the run-specific facts in the
// predicate's run object, and writes the bundle atomically.
func proveSeal(root string, id task.ID, files []evidence.File, pred evidence.Predicate, priv ed25519.PrivateKey, started time.Time, steps []proveStep) ([]byte, error) {
	sort.Slice(files, func(i, j int) bool { return files[i].Name < files[j].Name })
	host, _ := os.Hostname()
	pred.Run = evidence.Run{
		StartedAt:  started.UTC().Format(time.RFC3339),
		DurationMS: time.Since(started).Milliseconds(),
		Host:       host,
		Tools:      proveTools(steps),
	}
	bundle, err := evidence.Build(files, pred, priv)
	if err != nil {
		return nil, &exitError{exitInfra, fmt.Errorf("build evidence: %w", err)}
	}
	path := proofstate.BundlePath(root, id)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, &exitError{exitInfra, fmt.Errorf("create evidence directory: %w", err)}
	}
	if err := atomicfile.Write(path, bundle, 0o644); err != nil {
		return nil, &exitError{exitInfra, fmt.Errorf("write evidence: %w", err)}
	}
	return bundle, nil
}

// proveSteps resolves each planned step before anything runs: run's flags
// for `taskproof run` commands, the contract of every marker step, and that
// each required marker is declared in the project's contract.
func proveSteps(r *repo.Repo, doc *task.Document, plan *dod.Plan, o proveOptions) ([]proveStep, error) {
	root := r.Root
	steps := make([]proveStep, len(plan.Steps))
	needContract := len(plan.Markers) > 0
	for i, s := range plan.Steps {
		steps[i] = proveStep{Step: s}
		if s.Runner == dod.RunnerHarness {
			needContract = true
		}
	}
	var project *contract.Contract
	contractRel := r.Config.Proof.Contract
	if needContract {
		path := filepath.Join(root, filepath.FromSlash(contractRel))
		if _, err := os.Stat(path); err != nil {
			return nil, usagef("%s requires markers, but the project has no marker contract at %s ([proof] contract in %s); write the contract first",
				doc.ID, filepath.Join(o.Root, contractRel), "taskproof.toml")
		}
		c, err := contract.Load(os.DirFS(filepath.Dir(path)), filepath.Base(path))
		if err != nil {
			return nil, fmt.Errorf("contract %s: %w", filepath.Join(o.Root, contractRel), err)
		}
		project = c
	}
	if project != nil {
		und := plan.Undeclared(project.Declares)
		for _, m := range und {
			return nil, usagef("%s:%d: required marker %q is not declared in the marker contract %s; declare it there (or fix the task) before proving",
				doc.Path, m.Line, m.Text, filepath.Join(o.Root, contractRel))
		}
	}
	envMap := func(vs []dod.EnvVar) map[string]string {
		m := map[string]string{}
		for _, v := range vs {
			m[v.Name] = v.Value
		}
		return m
	}
	for i := range steps {
		st := &steps[i]
		var ro runOptions
		switch st.Runner {
		case dod.RunnerTests:
			continue
		case dod.RunnerRun:
			var msg bytes.Buffer
			quiet := &cliEnv{stdin: strings.NewReader(""), stdout: io.Discard, stderr: &msg, getenv: func(string) string { return "" }}
			parsed, _, done := parseRun(quiet, st.Argv[2:])
			if done {
				return nil, usagef("%s:%d: proof command %q: %s", doc.Path, st.Line, st.Command, strings.TrimSpace(firstLine(msg.String())))
			}
			ro = parsed
			ro.Root = proveRootPath(root, ro.Root)
			if ro.Contract != "" {
				ro.Contract = proveRootPath(root, ro.Contract)
			}
			ro.JUnit, ro.Summary = proveRootPathOpt(root, ro.JUnit), proveRootPathOpt(root, ro.Summary)
		case dod.RunnerHarness:
			ro = runOptions{
				proofOptions: proofOptions{Root: root, Match: "exact"},
				Timeout:      o.Timeout, Drain: harness.DefaultDrain, Grace: harness.DefaultGrace,
				LogMax: harness.DefaultLogMax, OKExit: []int{0}, Argv: st.Argv,
			}
		}
		ro.Format = "text"
		ro.Dir = root
		ro.Env = envMap(st.Env)
		ps, err := proofMarkers(&ro.proofOptions)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: proof command %q: %w", doc.Path, st.Line, st.Command, err)
		}
		if ro.Timeout <= 0 || ro.Grace <= 0 || ro.Drain < 0 {
			return nil, usagef("%s:%d: proof command %q: --timeout and --grace must be positive, --drain not negative", doc.Path, st.Line, st.Command)
		}
		st.run = &ro
		st.spec, st.profile = ps.spec, ps.profile
		if ps.contract != "" {
			st.contract = proveRel(root, ps.contract)
		}
	}
	return steps, nil
}

// proveRootPath resolves a path of a task's command, which runs from the
// root.
func proveRootPath(root, p string) string {
	if p == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(root, p)
}

func proveRootPathOpt(root, p string) string {
	if p == "" {
		return ""
	}
	return proveRootPath(root, p)
}

// proveRel is p relative to root, slash-separated, when it is inside it.
func proveRel(root, p string) string {
	absRoot, err1 := filepath.Abs(root)
	absP, err2 := filepath.Abs(p)
	if err1 == nil && err2 == nil {
		if rel, err := filepath.Rel(absRoot, absP); err == nil && filepath.IsLocal(rel) {
			return filepath.ToSlash(rel)
		}
	}
	return filepath.ToSlash(p)
}

// proveInnerEnv is the environment of a command run inside prove: its
// output is progress (stderr), and it does not write the job summary.
func proveInnerEnv(env *cliEnv) *cliEnv {
	return &cliEnv{
		stdin: strings.NewReader(""), stdout: env.stderr, stderr: env.stderr,
		getenv: func(k string) string {
			if k == "GITHUB_STEP_SUMMARY" {
				return ""
			}
			return env.getenv(k)
		},
	}
}

// proveMarkerStep runs a `taskproof run` command, or a QEMU command under
// the harness, through run's own code path.
func proveMarkerStep(ctx context.Context, env *cliEnv, root, tmp string, st *proveStep, plan *dod.Plan) {
	ro := *st.run
	n := fmt.Sprint(st.N)
	ro.Log = filepath.Join(tmp, n+".log")
	ro.Report = filepath.Join(tmp, n+".report.json")
	st.env = proveEnvRecord(st.Env, nil)
	x, err := execRun(ctx, ro, proveInnerEnv(env))
	if x == nil {
		st.verdict = string(verify.Infra)
		st.outcome = dod.StepOutcome{Ran: true, Reason: "could not run: " + firstLine(fmt.Sprint(err))}
		return
	}
	st.env = proveEnvRecord(st.Env, x.src.env)
	rep := x.report
	st.verdict = rep.Verdict
	st.spec = x.src.spec
	st.marks = x.out.Marks
	passed := rep.Verdict == string(verify.Pass) && err == nil
	reason := fmt.Sprintf("%s: %d/%d required markers", rep.Verdict, rep.Found, rep.Required)
	if rep.Failure != nil && rep.Verdict != string(verify.Pass) {
		reason = rep.Verdict + ": " + firstLine(rep.Failure.Message)
	} else if err != nil && rep.Verdict == string(verify.Pass) {
		reason = "PASS, but its log or report could not be written: " + firstLine(err.Error())
	}
	st.outcome = dod.StepOutcome{Ran: true, Passed: passed, Reason: proveClip(reason), Seen: proveSeen(x.src.spec, x.out.Result.Seen, plan)}

	if data, rerr := os.ReadFile(ro.Log); rerr == nil {
		st.files = append(st.files, evidence.File{Name: "logs/" + n + ".log", Data: data})
	} else if st.outcome.Passed {
		st.outcome.Passed = false
		st.outcome.Reason = proveClip("PASS, but its log could not be read back for the evidence: " + firstLine(rerr.Error()))
	}
	st.files = append(st.files,
		evidence.File{Name: "markers/" + n + ".jsonl", Data: proveMarksJSONL(x.out.Marks)},
		evidence.File{Name: "reports/" + n + ".json", Data: proveJSON(proveBundledReport(rep, st.contract, "logs/"+n+".log"))},
	)
}

// proveSeen lists the texts of the plan's required markers among the
// observations: a marker is named by its contract id, its text, or the
// line it matched.
func proveSeen(spec *verify.Spec, seen []verify.Observation, plan *dod.Plan) []string {
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

// proveBundledRun is the bundled copy of a run report: what the console
// showed, without anything that depends on scheduling (times, duration,
// how the process ended after the verdict).
type proveBundledRun struct {
	Verdict  string               `json:"verdict"`
	Contract string               `json:"contract"`
	Profile  string               `json:"profile"`
	Command  []string             `json:"command"`
	Log      string               `json:"log"`
	Lines    int                  `json:"lines"`
	Required int                  `json:"required"`
	Found    int                  `json:"found"`
	Markers  []proveBundledMarker `json:"markers"`
	Checks   []proveBundledCheck  `json:"checks"`
	Failure  *proofreport.Failure `json:"failure"`
}

type proveBundledMarker struct {
	Marker string `json:"marker"`
	Kind   string `json:"kind"`
	Phase  string `json:"phase"`
	Line   int    `json:"line"`
}

type proveBundledCheck struct {
	Marker  string `json:"marker"`
	Phase   string `json:"phase"`
	Min     int    `json:"min"`
	Count   int    `json:"count"`
	Passed  bool   `json:"passed"`
	Line    int    `json:"line"`
	Message string `json:"message,omitempty"`
}

func proveBundledReport(r *proofreport.Report, contractRel, log string) proveBundledRun {
	b := proveBundledRun{Verdict: r.Verdict, Contract: contractRel, Profile: r.Profile, Command: r.Command, Log: log,
		Lines: r.Lines, Required: r.Required, Found: r.Found, Failure: r.Failure,
		Markers: []proveBundledMarker{}, Checks: []proveBundledCheck{}}
	for _, m := range r.Markers {
		b.Markers = append(b.Markers, proveBundledMarker{Marker: m.Marker, Kind: m.Kind, Phase: m.Phase, Line: m.Line})
	}
	for _, c := range r.Checks {
		b.Checks = append(b.Checks, proveBundledCheck{Marker: c.Marker, Phase: c.Phase, Min: c.Min, Count: c.Count, Passed: c.Passed, Line: c.Line, Message: c.Message})
	}
	return b
}

// proveMarksJSONL is the bundled marker trace: one occurrence per line,
// without the arrival time (which goes to the ledger).
func proveMarksJSONL(marks []harness.Mark) []byte {
	var b []byte
	for _, m := range marks {
		line, _ := json.Marshal(proveBundledMarker{Marker: m.Marker, Kind: string(m.Kind), Phase: m.Phase, Line: m.Line})
		b = append(append(b, line...), '\n')
	}
	return b
}

// proveMaxTestOutput bounds the test output kept for parsing.
const proveMaxTestOutput = 64 << 20

// outputChecker is the harness checker of a test command: it decides
// nothing while the command runs, keeps its output for the test-result
// parser, and judges the command by how it ended.
type outputChecker struct {
	buf       []byte
	truncated int64
	okCodes   []int
}

func (c *outputChecker) Write(p []byte) (int, error) {
	room := proveMaxTestOutput - len(c.buf)
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

// proveTestStep runs a test command under the harness and parses its
// output as test results.
func proveTestStep(ctx context.Context, env *cliEnv, root, tmp string, st *proveStep, plan *dod.Plan, timeout time.Duration) {
	n := fmt.Sprint(st.N)
	st.env = proveEnvRecord(st.Env, nil)
	vars := map[string]string{}
	for _, v := range st.Env {
		vars[v.Name] = v.Value
	}
	chk := &outputChecker{}
	cfg := harness.Config{
		Argv: st.Argv, Env: proofEnv(os.Environ(), vars), Dir: root,
		Timeout: timeout, Drain: -1, Grace: harness.DefaultGrace,
		NewChecker: func(func(verify.Observation)) (harness.Checker, error) { return chk, nil },
		Log:        filepath.Join(tmp, n+".log"),
	}
	out, err := harness.Run(ctx, cfg)
	if out == nil {
		st.verdict = string(verify.Infra)
		st.outcome = dod.StepOutcome{Ran: true, Reason: "could not run: " + firstLine(fmt.Sprint(err))}
		return
	}
	// The log is part of the evidence: a test step whose log could not be
	// written or read back is not proven, whatever its tests say.
	logProblem := ""
	if err != nil {
		logProblem = "its log could not be written: " + firstLine(err.Error())
	} else if data, rerr := os.ReadFile(cfg.Log); rerr != nil {
		logProblem = "its log could not be read back: " + firstLine(rerr.Error())
	} else {
		st.files = append(st.files, evidence.File{Name: "logs/" + n + ".log", Data: dod.NormalizeTestLog(data)})
	}
	if logProblem != "" {
		st.verdict = "infra"
		st.outcome = dod.StepOutcome{Ran: true, Reason: proveClip(logProblem)}
		return
	}
	ended := out.Result
	if out.Interrupted {
		ended.Verdict, ended.Failure = verify.Infra, &verify.Failure{Kind: verify.Infra, Message: "interrupted"}
	}
	so := dod.StepOutcome{Ran: true}
	run, perr := testout.Parse(chk.buf, "")
	switch {
	case ended.Verdict == verify.Infra:
		st.verdict = "infra"
		so.Reason = firstLine(ended.Failure.Message)
		st.outcome = so
		return
	case perr != nil || run == nil:
		why := "no test results in its output (the format was not recognised: go test -json, cargo test, pytest, JUnit XML, TAP, KTAP)"
		if perr != nil && !errors.Is(perr, testout.ErrUnknownFormat) {
			why = "its test results do not parse: " + firstLine(perr.Error())
		}
		st.verdict = "no_results"
		so.Reason = why
		if ended.Verdict != verify.Pass {
			so.Reason = strings.ToLower(string(ended.Verdict)) + " (" + firstLine(ended.Failure.Message) + "), " + why
		}
		st.outcome = so
		return
	}
	for i := range run.Cases {
		run.Cases[i].Duration, run.Cases[i].Timed = 0, false
	}
	st.tests = run
	so.Tests = testout.Require(run, plan.Tests)
	sum := run.Summary()
	problems := run.Problems()
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
	for _, c := range run.Cases {
		if c.Outcome == testout.Failed || c.Outcome == testout.Errored {
			if len(bad) == 3 {
				bad = append(bad, "...")
				break
			}
			bad = append(bad, c.Name)
		}
	}
	switch {
	case len(problems) > 0 && len(bad) > 0 && !run.Crashed:
		so.Reason = fmt.Sprintf("failed: %s (%s)", strings.Join(bad, ", "), counts)
		st.verdict = "failed"
	case len(problems) > 0:
		so.Reason = fmt.Sprintf("%s (%s)", firstLine(problems[0]), counts)
		st.verdict = "failed"
	case ended.Verdict != verify.Pass:
		so.Reason = fmt.Sprintf("%s: %s (%s)", ended.Verdict, firstLine(ended.Failure.Message), counts)
		st.verdict = strings.ToLower(string(ended.Verdict))
	default:
		so.Passed = true
		so.Reason = fmt.Sprintf("%s tests: %s", run.Format, counts)
		st.verdict = "passed"
	}
	if chk.truncated > 0 {
		so.Passed = false
		so.Reason = fmt.Sprintf("output over %d MiB; only the first part was parsed: %s", proveMaxTestOutput>>20, so.Reason)
	}
	so.Reason = proveClip(so.Reason)
	st.outcome = so
	st.files = append(st.files, evidence.File{Name: "tests/" + n + ".json", Data: proveJSON(testout.NewReport(run, so.Tests))})
}

// proveScopeOutcome summarises the scope check as one item.
func proveScopeOutcome(r *scope.Result, err error) dod.CheckOutcome {
	if err != nil {
		return dod.CheckOutcome{Reason: "scope not checked: " + firstLine(err.Error())}
	}
	if r.OK() {
		reason := fmt.Sprintf("%d touched path(s), all allowed", len(r.Touched))
		if n := len(r.Unverifiable); n > 0 {
			reason += fmt.Sprintf("; %d allowlist item(s) are prose and unverifiable", n)
		}
		return dod.CheckOutcome{Ran: true, OK: true, Reason: reason}
	}
	var parts []string
	for i, v := range r.Violations {
		if i == 3 {
			parts = append(parts, fmt.Sprintf("and %d more", len(r.Violations)-3))
			break
		}
		p := v.Path
		if v.Status != "" {
			p += " (" + v.Status + ")"
		}
		parts = append(parts, p+": "+v.Reason)
	}
	return dod.CheckOutcome{Ran: true, Reason: proveClip(fmt.Sprintf("%d violation(s): %s", len(r.Violations), strings.Join(parts, "; ")))}
}

// proveHygieneOutcome summarises the hygiene check as one item.
func proveHygieneOutcome(rep *hygieneReport, err error) dod.CheckOutcome {
	if err != nil {
		return dod.CheckOutcome{Reason: "hygiene not checked: " + firstLine(err.Error())}
	}
	if len(rep.Findings) == 0 {
		// Say what was not checked: a green hygiene item must not hide a
		// rule that was off or a file that was not read.
		reason := "no finding on the added lines"
		var off []string
		for _, r := range rep.Rules {
			if !r.Enabled {
				off = append(off, string(r.Rule))
			}
		}
		if len(off) > 0 {
			reason += "; rules off: " + strings.Join(off, ", ")
		}
		if len(rep.Skipped) > 0 {
			reason += fmt.Sprintf("; %d untracked file(s) not read", len(rep.Skipped))
		}
		return dod.CheckOutcome{Ran: true, OK: true, Reason: proveClip(reason)}
	}
	var parts []string
	for i, f := range rep.Findings {
		if i == 3 {
			parts = append(parts, fmt.Sprintf("and %d more", len(rep.Findings)-3))
			break
		}
		parts = append(parts, fmt.Sprintf("%s:%d %s", f.File, f.Line, f.Rule))
	}
	return dod.CheckOutcome{Ran: true, Reason: proveClip(fmt.Sprintf("%d finding(s): %s", len(rep.Findings), strings.Join(parts, "; ")))}
}

// proveClip keeps a reason to one readable line.
func proveClip(s string) string {
	s = firstLine(s)
	if len(s) > 300 {
		s = s[:297] + "..."
	}
	return s
}

func proveJSON(v any) []byte {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		// Only values of our own types are marshalled here.
		panic(err)
	}
	return append(b, '\n')
}

// proveSecretName reports whether an environment variable's value must not
// be recorded.
func proveSecretName(name string) bool {
	u := strings.ToUpper(name)
	for _, w := range []string{"KEY", "TOKEN", "SECRET", "PASSWORD"} {
		if strings.Contains(u, w) {
			return true
		}
	}
	return false
}

// proveRedacted replaces a secret's value in config.json.
const proveRedacted = "[redacted]"

// proveEnvRecord is the environment config.json records for a command:
// the task's assignments in order, then the contract profile's variables
// by name (a profile value replaces the task's), secrets redacted.
func proveEnvRecord(task []dod.EnvVar, profile map[string]string) []dod.EnvVar {
	out := []dod.EnvVar{}
	for _, v := range task {
		if _, over := profile[v.Name]; !over {
			out = append(out, v)
		}
	}
	names := make([]string, 0, len(profile))
	for k := range profile {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		out = append(out, dod.EnvVar{Name: k, Value: profile[k]})
	}
	for i := range out {
		if proveSecretName(out[i].Name) {
			out[i].Value = proveRedacted
		}
	}
	return out
}

// proveConfig is files/config.json: the resolved configuration of a prove.
type proveConfig struct {
	Task      string            `json:"task"`
	File      string            `json:"file"`
	Contract  string            `json:"contract"`  // [proof] contract, relative to the root
	Canonical []string          `json:"canonical"` // [proof] canonical
	Base      string            `json:"base"`      // --base as given; "" = the default choice (see scope.json)
	EnvPolicy string            `json:"env_policy"`
	Steps     []proveConfigStep `json:"steps"`
}

type proveConfigStep struct {
	N         int          `json:"n"`
	Command   string       `json:"command"`
	Line      int          `json:"line"`
	Kind      string       `json:"kind"`
	Runner    string       `json:"runner"`
	Canonical string       `json:"canonical"`
	Note      string       `json:"note,omitempty"`
	Argv      []string     `json:"argv"`               // what prove ran (for taskproof run: the run command itself)
	Verified  []string     `json:"verified,omitempty"` // marker steps: the command run verified
	Dir       string       `json:"dir"`                // relative to the root
	Env       []dod.EnvVar `json:"env"`
	Contract  string       `json:"contract,omitempty"`
	Profile   string       `json:"profile,omitempty"`
	Timeout   string       `json:"timeout"`
	OKExit    []int        `json:"ok_exit,omitempty"`
}

const proveEnvPolicy = "env lists only the variables the task's command assigns and the contract profile adds; the rest of the environment is inherited from the caller and not recorded; values of names containing KEY, TOKEN, SECRET or PASSWORD are redacted"

func proveConfigOf(r *repo.Repo, doc *task.Document, o proveOptions, steps []proveStep) proveConfig {
	c := proveConfig{Task: string(doc.ID), File: doc.Path, Contract: r.Config.Proof.Contract,
		Canonical: append([]string{}, r.Config.Proof.Canonical...), Base: o.Base, EnvPolicy: proveEnvPolicy, Steps: []proveConfigStep{}}
	for _, st := range steps {
		cs := proveConfigStep{N: st.N, Command: st.Command, Line: st.Line, Kind: string(st.Kind), Runner: string(st.Runner),
			Canonical: st.Canonical, Note: st.Note, Argv: st.Argv, Dir: ".", Env: st.env, Timeout: o.Timeout.String()}
		if cs.Env == nil {
			cs.Env = proveEnvRecord(st.Env, nil)
		}
		if st.run != nil {
			cs.Verified = st.run.Argv
			cs.Contract, cs.Profile = st.contract, st.profile
			cs.Timeout = st.run.Timeout.String()
			cs.OKExit = st.run.OKExit
		}
		c.Steps = append(c.Steps, cs)
	}
	return c
}

// proveTools lists the versions of the tools the proof used: taskproof,
// git, and the first word of each command that is on PATH.
func proveTools(steps []proveStep) []evidence.Tool {
	tools := []evidence.Tool{{Name: "taskproof", Version: version}}
	seen := map[string]bool{"taskproof": true}
	add := func(name string, args ...string) {
		if seen[name] {
			return
		}
		seen[name] = true
		if _, err := exec.LookPath(name); err != nil {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		out, err := exec.CommandContext(ctx, name, args...).Output()
		if err != nil {
			return
		}
		if v := strings.TrimSpace(firstLine(string(out))); v != "" {
			tools = append(tools, evidence.Tool{Name: name, Version: proveClip(v)})
		}
	}
	add("git", "--version")
	for _, st := range steps {
		argv := st.Argv
		if st.run != nil {
			argv = st.run.Argv
		}
		switch name := filepath.Base(argv[0]); name {
		case "go":
			add("go", "version")
		case "cargo", "pytest", "python3", "node", "npm":
			add(name, "--version")
		}
		if st.Runner != dod.RunnerTests {
			add("qemu-system-x86_64", "--version")
		}
	}
	return tools
}

// proveResult is the report prove prints (--format json).
type proveResult struct {
	Task       string            `json:"task"`
	File       string            `json:"file"`
	Commit     string            `json:"commit"`
	Verdict    string            `json:"verdict"`
	Items      []evidence.Item   `json:"items"`
	Steps      []proveStepResult `json:"steps"`
	Evidence   proveEvidence     `json:"evidence"`
	DurationMS int64             `json:"duration_ms"`
}

type proveStepResult struct {
	N          int      `json:"n"`
	Command    string   `json:"command"`
	Line       int      `json:"line"`
	Runner     string   `json:"runner"`
	Argv       []string `json:"argv"`
	Verdict    string   `json:"verdict"`
	Reason     string   `json:"reason"`
	DurationMS int64    `json:"duration_ms"`
}

type proveEvidence struct {
	Path      string `json:"path"`   // relative to the root
	Digest    string `json:"digest"` // sha256 of the bundle file
	KeyID     string `json:"key_id"`
	KeySource string `json:"key_source"`
}

// renderProve is the text report: the verdict, a table of items, where
// the evidence is.
func renderProve(r proveResult) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s %s: %s (%s)\n\n", r.Task, r.File, strings.ToUpper(r.Verdict), evidenceItemCounts(r.Items))
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  VERDICT\tKIND\tITEM\tREASON")
	for _, it := range r.Items {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", it.Verdict, it.Kind, firstLine(it.Item), it.Reason)
	}
	tw.Flush()
	fmt.Fprintf(&b, "\ncommit:   %s\n", r.Commit)
	fmt.Fprintf(&b, "evidence: %s %s\n", r.Evidence.Path, r.Evidence.Digest)
	fmt.Fprintf(&b, "signed:   key %s (%s)\n", r.Evidence.KeyID, r.Evidence.KeySource)
	lines := strings.Split(b.String(), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return []byte(strings.Join(lines, "\n"))
}

// proveRecord stores the prove in the ledger: prove's own argv, the
// overall verdict, every item, the required markers as the marker proofs
// saw them and every test case (folded per suite and name).
func proveRecord(o proveOptions, root string, doc *task.Document, plan *dod.Plan, steps []proveStep, res proveResult, started time.Time) error {
	commit, dirty := workTreeCommit(root)
	if commit == "" {
		commit = res.Commit
	}
	run := ledger.Run{
		Kind: ledger.KindProve, TaskID: string(doc.ID), Commit: commit, Dirty: dirty,
		Command: o.Argv, Verdict: res.Verdict, StartedAt: started, DurationMS: res.DurationMS,
		EvidencePath: res.Evidence.Path, EvidenceDigest: res.Evidence.Digest,
	}
	for _, st := range steps {
		if st.profile != "" && run.Profile == "" {
			run.Profile = st.profile
		}
	}
	for _, it := range res.Items {
		run.Items = append(run.Items, ledger.ItemOutcome{Item: it.Item, Kind: it.Kind, Verdict: it.Verdict})
	}
	markerRan := false
	for _, st := range steps {
		markerRan = markerRan || (st.Runner != dod.RunnerTests && st.outcome.Ran)
	}
	if markerRan {
		for _, m := range plan.Markers {
			mo := ledger.MarkerOutcome{Marker: m.Text}
		find:
			for _, st := range steps {
				text := map[string]string{}
				if st.spec != nil {
					for _, sm := range st.spec.Markers {
						text[sm.ID] = sm.Text
					}
				}
				for _, mk := range st.marks {
					if mk.Marker == m.Text || text[mk.Marker] == m.Text {
						at := mk.At.Milliseconds()
						mo.Seen, mo.Line, mo.AtMS = true, mk.Line, &at
						break find
					}
				}
			}
			run.Markers = append(run.Markers, mo)
		}
	}
	type key struct{ suite, name string }
	rank := map[testout.Outcome]int{testout.Passed: 0, testout.Skipped: 1, testout.Failed: 2, testout.Errored: 3}
	idx := map[key]int{}
	for _, st := range steps {
		if st.tests == nil {
			continue
		}
		for _, c := range st.tests.Cases {
			k := key{c.Suite, c.Name}
			if i, ok := idx[k]; ok {
				if rank[c.Outcome] > rank[testout.Outcome(run.Tests[i].Outcome)] {
					run.Tests[i].Outcome = ledger.Outcome(c.Outcome)
				}
				continue
			}
			idx[k] = len(run.Tests)
			run.Tests = append(run.Tests, ledger.TestOutcome{Suite: c.Suite, Name: c.Name, Outcome: ledger.Outcome(c.Outcome)})
		}
	}
	if plan.TestSteps() {
		for _, it := range res.Items {
			if it.Kind != evidence.KindTest || it.Verdict != evidence.NotRun {
				continue
			}
			if _, dup := idx[key{"", it.Item}]; !dup {
				idx[key{"", it.Item}] = len(run.Tests)
				run.Tests = append(run.Tests, ledger.TestOutcome{Name: it.Item, Outcome: ledger.NotRun})
			}
		}
	}
	l, err := ledger.Open(ledger.DefaultPath(root))
	if err != nil {
		return err
	}
	_, err = l.Record(context.Background(), run)
	if cerr := l.Close(); err == nil {
		err = cerr
	}
	return err
}
