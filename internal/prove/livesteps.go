package prove

import (
	"strings"
	"sync"

	"github.com/taskproof/taskproof/internal/harness"
	"github.com/taskproof/taskproof/internal/live"
	"github.com/taskproof/taskproof/internal/verify"
)

// WithLive adds the live record 'taskproof serve' follows to obs: each
// shared run that runs is one step of rec, numbered in the order the lanes
// start them, so the runs of 'prove --all -j N' show side by side. A nil
// rec (no live record could be started) leaves obs as it is.
func WithLive(obs Observer, rec *live.Recorder) Observer {
	if rec == nil {
		return obs
	}
	var mu sync.Mutex
	steps := map[*SharedRun]int{}
	obs.Tap = func(r *SharedRun) harness.Tap {
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
	obs.RunDone = func(r *SharedRun) {
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
			failure = live.FailureOf(res.Report.Failure)
		}
		rec.EndStep(n, res.Verdict, firstLine(res.Outcome.Reason), failure)
	}
	return obs
}
