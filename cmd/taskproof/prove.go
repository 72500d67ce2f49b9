package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/taskproof/taskproof/internal/evidence"
	"github.com/taskproof/taskproof/internal/prove"
)

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

func cmdProve(ctx context.Context, env *cliEnv, args []string) error {
	o := proveOptions{Argv: append([]string{"taskproof", "prove"}, args...)}
	fs := newFlagSet(env, "prove", proveSynopsis, proveHelp)
	fs.rootFlag(&o.Root)
	fs.formatFlag(&o.Format, "text", "json")
	fs.StringVar(&o.Base, "base", "", "base `REV` of scope and hygiene (default: upstream, else main, else master, else HEAD)")
	fs.StringVar(&o.Key, "key", "", "sign with the private key in `FILE` (default: $TASKPROOF_SIGNING_KEY, $TASKPROOF_SIGNING_KEY_FILE, .taskproof/signing.key)")
	fs.DurationVar(&o.Timeout, "timeout", prove.DefaultTimeout, "deadline of each test or harness command (`DURATION`); taskproof run commands keep their own --timeout")
	pos, err := fs.parse(args)
	if err != nil {
		return err
	}
	switch len(pos) {
	case 0:
		return usagef("missing TASK-ID; usage: taskproof %s", proveSynopsis)
	case 1:
		o.Task = pos[0]
	default:
		return usagef("prove takes one TASK-ID, got %d arguments", len(pos))
	}
	return runProve(ctx, o, env)
}

// runProve plans the task's Definition of Done, runs it, judges it and
// writes and records the evidence.
func runProve(ctx context.Context, o proveOptions, env *cliEnv) error {
	if err := checkFormat(o.Format, "text", "json"); err != nil {
		return err
	}
	r, _, _, err := openTasks(o.Root)
	if err != nil {
		return err
	}
	plan, err := prove.New(r, prove.Options{Base: o.Base, Timeout: o.Timeout, Version: version}, o.Task)
	var refused *prove.RefusedError
	if errors.As(err, &refused) {
		for _, p := range refused.Problems {
			pos := refused.Task.Path
			if p.Line > 0 {
				pos = fmt.Sprintf("%s:%d", refused.Task.Path, p.Line)
			}
			fmt.Fprintf(env.stderr, "taskproof prove: %s: %s\n", pos, p.Message)
		}
		return err
	}
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
	if err := plan.Bind(ctx); err != nil {
		return err
	}
	if err := plan.Execute(ctx, proveObserver(env)); err != nil {
		return err
	}
	j := plan.Judge(ctx)[0]
	sealed, err := plan.Seal(ctx, j, priv)
	if err != nil {
		return err
	}
	if sealed.Changed {
		fmt.Fprintf(env.stderr, "taskproof prove: warning: allowlisted files changed while the proof ran; the evidence binds their content from before it ran and is stale now\n")
	}
	res := plan.Result(j, sealed, keySource)
	if err := plan.Record(ctx, j, sealed, o.Argv); err != nil {
		fmt.Fprintf(env.stderr, "taskproof prove: warning: prove not recorded in the ledger: %v\n", err)
	}
	if err := writeOutput(env.stdout, o.Format, res, res.Text); err != nil {
		return err
	}
	if res.Verdict != evidence.Proven {
		return silent(errFindings)
	}
	return nil
}

// proveObserver prints one progress line before and after each step on
// stderr, a marker step's verdict as `taskproof run` prints it, and run's
// live progress line on a terminal.
func proveObserver(env *cliEnv) prove.Observer {
	obs := prove.Observer{
		StepStarted: func(tp *prove.TaskPlan, s *prove.Step) {
			fmt.Fprintf(env.stderr, "prove %s: [%d/%d] %s\n", tp.Doc.ID, s.N, len(tp.Steps), s.Command)
		},
		StepDone: func(tp *prove.TaskPlan, s *prove.Step) {
			res := s.Result
			if res.Report != nil {
				if res.Leftover {
					fmt.Fprintf(env.stderr, "taskproof run: warning: a process of group %d (%s) survived SIGKILL\n", res.PID, s.Run.Argv[0])
				}
				env.stderr.Write([]byte(res.Report.Text(fmt.Sprintf("in %.1fs", res.RunTime.Seconds()))))
				if res.Problem != nil {
					fmt.Fprintf(env.stderr, "taskproof run: %v\n", res.Problem)
				}
			}
			mark := "ok"
			if !res.Outcome.Passed {
				mark = "FAILED"
			}
			fmt.Fprintf(env.stderr, "prove %s: [%d/%d] %s: %s (%.1fs)\n", tp.Doc.ID, s.N, len(tp.Steps), mark, res.Outcome.Reason, res.Duration.Seconds())
		},
	}
	if progressWanted(env) {
		obs.Progress = env.stderr
	}
	return obs
}
