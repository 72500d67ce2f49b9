package prove

import (
	"strings"
	"testing"
)

// TestManyObserver: off a terminal a run is one line when it starts and
// one when it ends; on one the lane lines are redrawn in place.
func TestManyObserver(t *testing.T) {
	root, _ := sharedRepo(t)
	for _, live := range []bool{false, true} {
		var w strings.Builder
		p := sharedPlan(t, root, Options{Jobs: 2, Force: true})
		if err := p.Execute(t.Context(), ManyObserver(&w, 2, live)); err != nil {
			t.Fatal(err)
		}
		out := w.String()
		if got := strings.Count(out, ": ok: PASS"); got != 3 {
			t.Errorf("live %v: %d runs reported done, want 3:\n%s", live, got, out)
		}
		if redrawn := strings.Contains(out, "\x1b["); redrawn != live {
			t.Errorf("live %v: redrawn in place %v:\n%q", live, redrawn, out)
		}
	}
}
