package main

import (
	"fmt"
	"strings"
	"sync"

	"github.com/taskproof/taskproof/internal/cli"
	"github.com/taskproof/taskproof/internal/harness"
	"github.com/taskproof/taskproof/internal/live"
	"github.com/taskproof/taskproof/internal/prove"
	"github.com/taskproof/taskproof/internal/report"
	"github.com/taskproof/taskproof/internal/verify"
)

// startLive starts the live record 'taskproof serve' follows; without one
// the command runs all the same (a warning says why).
func startLive(env *cli.Env, name, root, kind, task string, command []string) *live.Recorder {
	rec, err := live.Start(root, kind, task, command)
	if err != nil {
		fmt.Fprintf(env.Stderr, "taskproof %s: warning: no live record for the dashboard: %v\n", name, err)
		return nil
	}
	return rec
}

// finishLive ends the live record, linked to the ledger runs recorded;
// a failure is a warning.
func finishLive(env *cli.Env, name string, rec *live.Recorder, verdict, reason string, ledgerIDs ...int64) {
	if err := rec.Finish(verdict, reason, ledgerIDs...); err != nil {
		fmt.Fprintf(env.Stderr, "taskproof %s: warning: live record incomplete: %v\n", name, err)
	}
}

// liveFailure is a report's failure for the live record.
func liveFailure(f *report.Failure) *live.Failure {
	if f == nil {
		return nil
	}
	return &live.Failure{Kind: f.Kind, Marker: f.Marker, Phase: f.Phase, Line: f.Line, Message: cli.FirstLine(f.Message)}
}

// runReason is a run's verdict in one line, for the live record.
func runReason(r *report.Report) string {
	if r.Failure != nil && r.Verdict != string(verify.Pass) {
		return r.Verdict + ": " + cli.FirstLine(r.Failure.Message)
	}
	return fmt.Sprintf("%s: %d/%d required markers", r.Verdict, r.Found, r.Required)
}

// liveObserver adds the live record to obs: each shared run that runs is
// one step of rec, numbered in the order the lanes start them, so the
// runs of 'prove --all -j N' show side by side.
func liveObserver(obs prove.Observer, rec *live.Recorder) prove.Observer {
	if rec == nil {
		return obs
	}
	var mu sync.Mutex
	steps := map[*prove.SharedRun]int{}
	obs.Tap = func(r *prove.SharedRun) harness.Tap {
		st := r.First().Step
		var spec *verify.Spec
		if st.Run != nil && st.Run.Markers != nil {
			spec = st.Run.Markers.Spec
		}
		mu.Lock()
		n := len(steps) + 1
		steps[r] = n
		mu.Unlock()
		command := st.Command
		if tasks := r.Tasks(); len(tasks) > 1 {
			command += " (" + strings.Join(tasks, " ") + ")"
		}
		return rec.Step(n, command, st.Argv, spec)
	}
	done := obs.RunDone
	obs.RunDone = func(r *prove.SharedRun) {
		if done != nil {
			done(r)
		}
		mu.Lock()
		n, ok := steps[r]
		mu.Unlock()
		if !ok {
			return
		}
		res := r.First().Step.Result
		if res == nil {
			rec.EndStep(n, string(verify.Infra), r.NotRun, nil)
			return
		}
		var failure *live.Failure
		if res.Report != nil && res.Report.Verdict != string(verify.Pass) {
			failure = liveFailure(res.Report.Failure)
		}
		rec.EndStep(n, res.Verdict, cli.FirstLine(res.Outcome.Reason), failure)
	}
	return obs
}
