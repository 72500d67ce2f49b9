package dod

import (
	"reflect"
	"testing"

	"github.com/taskproof/taskproof/internal/evidence"
	"github.com/taskproof/taskproof/internal/task"
	"github.com/taskproof/taskproof/internal/testout"
)

func req(o testout.ReqOutcome, names ...string) testout.Requirement {
	r := testout.Requirement{Outcome: o}
	for _, n := range names {
		mo := testout.Passed
		switch o {
		case testout.ReqFailed:
			mo = testout.Failed
		case testout.ReqSkipped:
			mo = testout.Skipped
		}
		r.Matches = append(r.Matches, testout.Match{Suite: "pkg", Name: n, Outcome: mo})
	}
	return r
}

type verdicts []string

func verdictsOf(items []evidence.Item) verdicts {
	var v verdicts
	for _, it := range items {
		v = append(v, it.Verdict)
	}
	return v
}

func TestJudge(t *testing.T) {
	markerPlan := &Plan{
		Steps:   []Step{{N: 1, Command: "taskproof run -- ./q", Runner: RunnerRun}},
		Markers: []task.MarkerRef{{Text: "a ok"}, {Text: "b ok"}},
	}
	testPlan := &Plan{
		Steps: []Step{{N: 1, Command: "go test ./...", Runner: RunnerTests}, {N: 2, Command: "cargo test", Runner: RunnerTests}},
		Tests: []task.TestRef{{Name: "TestA"}, {Name: "test_reject_*"}},
	}
	ok := CheckOutcome{Ran: true, OK: true}
	tests := []struct {
		name    string
		plan    *Plan
		out     Outcome
		want    verdicts
		reasons map[int]string // item index -> reason
		verdict string
	}{
		{
			name: "markers all seen",
			plan: markerPlan,
			out: Outcome{Steps: []StepOutcome{{Ran: true, Passed: true, Reason: "PASS: 2/2 required markers", Seen: []string{"a ok", "b ok"}}},
				Scope: ok, Hygiene: ok},
			want:    verdicts{"proven", "proven", "proven", "proven", "proven"},
			reasons: map[int]string{0: "PASS: 2/2 required markers", 1: "seen in the console of proof 1"},
			verdict: "proven",
		},
		{
			name: "marker missing",
			plan: markerPlan,
			out: Outcome{Steps: []StepOutcome{{Ran: true, Reason: "MISSING: b ok", Seen: []string{"a ok"}}},
				Scope: ok, Hygiene: ok},
			want:    verdicts{"failed", "proven", "failed", "proven", "proven"},
			reasons: map[int]string{2: "not seen in the console of proof 1 (MISSING: b ok)"},
			verdict: "failed",
		},
		{
			name: "marker step never ran",
			plan: markerPlan,
			out: Outcome{Steps: []StepOutcome{{Reason: "interrupted before it ran"}},
				Scope: CheckOutcome{Reason: "interrupted"}, Hygiene: CheckOutcome{Reason: "interrupted"}},
			want:    verdicts{"not_run", "not_run", "not_run", "not_run", "not_run"},
			reasons: map[int]string{0: "interrupted before it ran", 1: "no marker proof ran", 3: "interrupted"},
			verdict: "failed",
		},
		{
			name: "markers without a marker step",
			plan: &Plan{Steps: []Step{{N: 1, Command: "go test", Runner: RunnerTests}}, Markers: []task.MarkerRef{{Text: "a ok"}}},
			out: Outcome{Steps: []StepOutcome{{Ran: true, Passed: true, Reason: "1 test passed"}},
				Scope: ok, Hygiene: ok},
			want:    verdicts{"proven", "not_run", "proven", "proven"},
			reasons: map[int]string{1: "no proof command checks markers (taskproof run, or a command under Proof (QEMU))"},
			verdict: "failed",
		},
		{
			name: "tests across two commands",
			plan: testPlan,
			out: Outcome{Steps: []StepOutcome{
				{Ran: true, Passed: true, Tests: []testout.Requirement{req(testout.ReqPassed, "TestA"), req(testout.ReqNotRun)}},
				{Ran: true, Passed: true, Tests: []testout.Requirement{req(testout.ReqNotRun), req(testout.ReqPassed, "test_reject_a", "test_reject_b")}},
			}, Scope: ok, Hygiene: ok},
			want:    verdicts{"proven", "proven", "proven", "proven", "proven", "proven"},
			reasons: map[int]string{2: "passed in proof 1 (pkg TestA)", 3: "passed in proof 2 (pkg test_reject_a, pkg test_reject_b)"},
			verdict: "proven",
		},
		{
			name: "failed beats passed, skipped is not passed, not run",
			plan: &Plan{
				Steps: testPlan.Steps,
				Tests: []task.TestRef{{Name: "TestA"}, {Name: "TestS"}, {Name: "TestGone"}},
			},
			out: Outcome{Steps: []StepOutcome{
				{Ran: true, Reason: "1 failed", Tests: []testout.Requirement{req(testout.ReqPassed, "TestA"), req(testout.ReqSkipped, "TestS"), req(testout.ReqNotRun)}},
				{Ran: true, Passed: true, Tests: []testout.Requirement{req(testout.ReqFailed, "TestA"), req(testout.ReqNotRun), req(testout.ReqNotRun)}},
			}, Scope: ok, Hygiene: ok},
			want: verdicts{"failed", "proven", "failed", "failed", "not_run", "proven", "proven"},
			reasons: map[int]string{
				2: "failed in proof 2 (pkg TestA)",
				3: "skipped in proof 1 (pkg TestS): a skipped test proves nothing",
				4: "no test of that name ran in proof 1, proof 2",
			},
			verdict: "failed",
		},
		{
			name:    "output without test results",
			plan:    &Plan{Steps: testPlan.Steps[:1], Tests: []task.TestRef{{Name: "TestA"}}},
			out:     Outcome{Steps: []StepOutcome{{Ran: true, Reason: "no test results in the output"}}, Scope: ok, Hygiene: ok},
			want:    verdicts{"failed", "not_run", "proven", "proven"},
			reasons: map[int]string{1: "no test of that name ran in proof 1 (no test results)"},
			verdict: "failed",
		},
		{
			name: "scope and hygiene fail",
			plan: markerPlan,
			out: Outcome{Steps: []StepOutcome{{Ran: true, Passed: true, Seen: []string{"a ok", "b ok"}}},
				Scope: CheckOutcome{Ran: true, Reason: "1 violation: x.go (M) not in the touched-path allowlist"}, Hygiene: CheckOutcome{Ran: true, Reason: "1 finding"}},
			want:    verdicts{"proven", "proven", "proven", "failed", "failed"},
			reasons: map[int]string{3: "1 violation: x.go (M) not in the touched-path allowlist", 4: "1 finding"},
			verdict: "failed",
		},
	}
	for _, tt := range tests {
		items, verdict := Judge(tt.plan, tt.out)
		if got := verdictsOf(items); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: verdicts %v; want %v\n%+v", tt.name, got, tt.want, items)
			continue
		}
		for i, r := range tt.reasons {
			if items[i].Reason != r {
				t.Errorf("%s: item %d (%s) reason %q; want %q", tt.name, i, items[i].Item, items[i].Reason, r)
			}
		}
		if verdict != tt.verdict {
			t.Errorf("%s: verdict %s; want %s", tt.name, verdict, tt.verdict)
		}
		// The kinds follow the plan order.
		if items[len(items)-2].Kind != evidence.KindScope || items[len(items)-1].Kind != evidence.KindHygiene || items[0].Kind != evidence.KindCommand {
			t.Errorf("%s: item kinds out of order: %+v", tt.name, items)
		}
		pred := evidence.Predicate{TaskID: "TASK-0001", Commit: "0123456789abcdef0123456789abcdef01234567", Verdict: verdict, Items: items}
		if err := pred.Validate(); err != nil {
			t.Errorf("%s: the judged predicate does not validate: %v", tt.name, err)
		}
	}
}
