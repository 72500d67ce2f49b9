package ledger

import (
	"maps"
	"reflect"
	"slices"
	"testing"
	"time"
)

// fr describes runs for a flaky test case: n runs of one group with the
// given marker and test outcomes.
type fr struct {
	n       int
	task    string
	commit  string
	profile string
	cmd     string
	dirty   bool
	markers map[string]bool
	tests   map[string]Outcome // "suite name" is not split: Suite is ""
}

const abc = "abc0000000000000000000000000000000000000"

// g is the default group of most cases.
func g(n int, markers map[string]bool, tests map[string]Outcome) fr {
	return fr{n: n, task: "TASK-0001", commit: abc, profile: "default", cmd: "./scripts/qemu-test.sh", markers: markers, tests: tests}
}

func (f fr) with(change func(*fr)) fr { change(&f); return f }

func seenIf(ok bool) map[string]bool { return map[string]bool{"minios: timer ready": ok} }

func record(t *testing.T, l *Ledger, runs []fr) {
	t.Helper()
	start := t0
	for _, f := range runs {
		for i := 0; i < f.n; i++ {
			r := Run{Kind: KindProve, TaskID: f.task, Commit: f.commit, Dirty: f.dirty, Profile: f.profile,
				Command: []string{"taskproof", "prove", f.task, f.cmd}, Verdict: "PASS", StartedAt: start}
			if f.task == "" {
				r.Kind = KindRun
			}
			start = start.Add(time.Second)
			for _, m := range slices.Sorted(maps.Keys(f.markers)) {
				r.Markers = append(r.Markers, MarkerOutcome{Marker: m, Seen: f.markers[m]})
			}
			for _, n := range slices.Sorted(maps.Keys(f.tests)) {
				r.Tests = append(r.Tests, TestOutcome{Suite: "pkg", Name: n, Outcome: f.tests[n]})
			}
			if _, err := l.Record(ctx, r); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// want is the expected item with the group fields of g().
func want(kind, name string, runs int, rate, instability float64, counts ...OutcomeCount) FlakyItem {
	it := FlakyItem{Kind: kind, Name: name, TaskID: "TASK-0001", Commit: abc, Profile: "default",
		Command: []string{"taskproof", "prove", "TASK-0001", "./scripts/qemu-test.sh"},
		Runs:    runs, Outcomes: counts, Rate: rate, Instability: instability}
	if kind == "test" {
		it.Suite = "pkg"
	}
	return it
}

func oc(o string, n int) OutcomeCount { return OutcomeCount{o, n} }

func TestFlaky(t *testing.T) {
	for _, tc := range []struct {
		name    string
		runs    []fr
		minRuns int
		want    []FlakyItem
	}{
		{
			name: "stable markers and tests are not flaky",
			runs: []fr{g(5, map[string]bool{"boot ok": true, "never": false}, map[string]Outcome{"TestA": Passed, "TestB": Failed})},
			want: []FlakyItem{},
		},
		{
			name: "marker seen in 7 of 10 runs",
			runs: []fr{g(7, seenIf(true), nil), g(3, seenIf(false), nil)},
			want: []FlakyItem{want("marker", "minios: timer ready", 10, 0.7, 0.3, oc(Seen, 7), oc(Missed, 3))},
		},
		{
			name: "different commits are not mixed",
			runs: []fr{
				g(3, seenIf(true), map[string]Outcome{"TestA": Passed}),
				g(3, seenIf(false), map[string]Outcome{"TestA": Failed}).with(func(f *fr) { f.commit = "def" }),
			},
			want: []FlakyItem{},
		},
		{
			name: "different profiles are not mixed",
			runs: []fr{
				g(3, seenIf(true), map[string]Outcome{"TestA": Passed}),
				g(3, seenIf(false), map[string]Outcome{"TestA": Failed}).with(func(f *fr) { f.profile = "smp" }),
			},
			want: []FlakyItem{},
		},
		{
			name: "different tasks and commands are not mixed",
			runs: []fr{
				g(2, seenIf(true), nil),
				g(2, seenIf(false), nil).with(func(f *fr) { f.task = "TASK-0002" }),
				g(2, seenIf(false), nil).with(func(f *fr) { f.cmd = "./scripts/other.sh" }),
				g(2, seenIf(false), nil).with(func(f *fr) { f.task = "" }),
			},
			want: []FlakyItem{},
		},
		{
			name: "runs without a commit or with a dirty tree do not count",
			runs: []fr{
				g(2, seenIf(true), nil).with(func(f *fr) { f.commit = "" }),
				g(2, seenIf(false), nil).with(func(f *fr) { f.commit = "" }),
				g(2, seenIf(true), nil),
				g(2, seenIf(false), nil).with(func(f *fr) { f.dirty = true }),
			},
			want: []FlakyItem{},
		},
		{
			name:    "fewer runs than --min-runs",
			runs:    []fr{g(1, seenIf(true), nil), g(1, seenIf(false), nil)},
			minRuns: 3,
			want:    []FlakyItem{},
		},
		{
			name:    "min runs below 2 means 2",
			runs:    []fr{g(1, seenIf(true), map[string]Outcome{"TestA": Passed}), g(1, seenIf(false), map[string]Outcome{"TestA": Passed})},
			minRuns: 0,
			want:    []FlakyItem{want("marker", "minios: timer ready", 2, 0.5, 0.5, oc(Seen, 1), oc(Missed, 1))},
		},
		{
			name: "tests: pass/fail, skip and not-run variation; a stable failure is not flaky",
			runs: []fr{
				g(3, nil, map[string]Outcome{"TestFlip": Passed, "TestSkip": Passed, "TestBroken": Failed, "TestGone": Passed}),
				g(1, nil, map[string]Outcome{"TestFlip": Failed, "TestSkip": Skipped, "TestBroken": Failed, "TestGone": NotRun}),
				g(1, nil, map[string]Outcome{"TestFlip": Errored, "TestSkip": Skipped, "TestBroken": Failed, "TestGone": Passed}),
			},
			want: []FlakyItem{
				want("test", "TestFlip", 5, 0.6, 0.4, oc("passed", 3), oc("failed", 1), oc("errored", 1)),
				want("test", "TestSkip", 5, 0.6, 0.4, oc("passed", 3), oc("skipped", 2)),
				want("test", "TestGone", 5, 0.8, 0.2, oc("passed", 4), oc("not_run", 1)),
			},
		},
		{
			name: "sorted by instability, then kind and name",
			runs: []fr{
				g(2, map[string]bool{"b": true, "a": true, "z": true}, map[string]Outcome{"TestA": Passed}),
				g(2, map[string]bool{"b": false, "a": false, "z": true}, map[string]Outcome{"TestA": Failed}),
				g(1, map[string]bool{"b": true, "a": true, "z": false}, map[string]Outcome{"TestA": Passed}),
			},
			want: []FlakyItem{
				want("marker", "a", 5, 0.6, 0.4, oc(Seen, 3), oc(Missed, 2)),
				want("marker", "b", 5, 0.6, 0.4, oc(Seen, 3), oc(Missed, 2)),
				want("test", "TestA", 5, 0.6, 0.4, oc("passed", 3), oc("failed", 2)),
				want("marker", "z", 5, 0.8, 0.2, oc(Seen, 4), oc(Missed, 1)),
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l, _ := openTemp(t)
			record(t, l, tc.runs)
			got, err := l.Flaky(ctx, FlakyOptions{MinRuns: tc.minRuns})
			if err != nil {
				t.Fatal(err)
			}
			// Run ids depend on recording order; check they bracket the group, then drop them.
			for i := range got {
				if got[i].FirstRun < 1 || got[i].LastRun < got[i].FirstRun {
					t.Errorf("%s: run ids %d..%d", got[i].Name, got[i].FirstRun, got[i].LastRun)
				}
				got[i].FirstRun, got[i].LastRun = 0, 0
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Flaky =\n%+v\nwant\n%+v", got, tc.want)
			}
		})
	}
}

func TestFlakyRunIDs(t *testing.T) {
	l, _ := openTemp(t)
	record(t, l, []fr{
		g(1, seenIf(true), nil).with(func(f *fr) { f.profile = "other" }), // id 1: another group
		g(2, seenIf(true), nil),  // ids 2, 3
		g(1, seenIf(false), nil), // id 4
	})
	got, err := l.Flaky(ctx, FlakyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].FirstRun != 2 || got[0].LastRun != 4 {
		t.Errorf("Flaky = %+v, want one item spanning runs 2..4", got)
	}
}
