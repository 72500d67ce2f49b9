package prove

import (
	"slices"
	"strings"
	"testing"

	"github.com/taskproof/taskproof/internal/live"
)

// TestWithLive: the three shared runs of six tasks are three steps of the
// live record, each naming the two tasks it proves and ending with its
// verdict; the observer it wraps still sees every run end.
func TestWithLive(t *testing.T) {
	root, _ := sharedRepo(t)
	p := sharedPlan(t, root, Options{Jobs: 2})
	rec, err := live.Start(root, live.KindProve, "", []string{"taskproof", "prove", "--all"})
	if err != nil {
		t.Fatal(err)
	}
	done := 0
	if err := p.Execute(t.Context(), WithLive(Observer{RunDone: func(*SharedRun) { done++ }}, rec)); err != nil {
		t.Fatal(err)
	}
	if err := rec.Finish("proven", "3 runs"); err != nil {
		t.Fatal(err)
	}
	got, err := live.Read(root, rec.ID())
	if err != nil {
		t.Fatal(err)
	}
	if done != 3 || len(got.Steps) != 3 {
		t.Fatalf("%d runs ended, %d live steps; want 3 and 3", done, len(got.Steps))
	}
	var ns []int
	for _, s := range got.Steps {
		ns = append(ns, s.N)
		if s.Verdict != "PASS" || !strings.HasSuffix(s.Command, ")") || strings.Count(s.Command, "TASK-") != 2 || len(s.Required) == 0 {
			t.Errorf("live step %+v", s)
		}
	}
	slices.Sort(ns)
	if !slices.Equal(ns, []int{1, 2, 3}) {
		t.Errorf("step numbers %v, want 1, 2, 3", ns)
	}
	if obs := WithLive(Observer{}, nil); obs.Tap != nil || obs.RunDone != nil {
		t.Error("WithLive without a record changed the observer")
	}
}
