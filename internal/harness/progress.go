package harness

import (
	"fmt"
	"time"

	"github.com/taskproof/taskproof/internal/verify"
)

// tracker follows marker occurrences as they arrive: their times, how many
// required markers have been seen often enough, the current phase, and
// whether the last occurrence was one that fails the run.
type tracker struct {
	need      map[string]int // required marker -> occurrences needed
	forbidden map[string]bool
	counts    map[string]int
	found     int
	phase     string
	bad       bool // a forbidden or unexpected marker was seen
	marks     []Mark
	max       int
	dropped   int
}

func newTracker(spec *verify.Spec, max int) *tracker {
	t := &tracker{need: map[string]int{}, forbidden: map[string]bool{}, counts: map[string]int{}, max: max}
	if spec == nil {
		return t
	}
	for _, m := range spec.Markers {
		if m.Required {
			t.need[m.ID] = max1(m.Min)
		}
	}
	for _, m := range spec.Forbidden {
		t.forbidden[m.ID] = true
	}
	for _, m := range spec.Unexpected {
		t.forbidden[m.ID] = true
	}
	return t
}

func max1(n int) int {
	if n < 1 {
		return 1
	}
	return n
}

// observe counts one occurrence; it reports whether the occurrence was
// kept (timed), which stops at max.
func (t *tracker) observe(o verify.Observation, at time.Duration) (kept bool) {
	if kept = len(t.marks) < t.max; kept {
		t.marks = append(t.marks, Mark{Observation: o, At: at})
	} else {
		t.dropped++
	}
	if t.forbidden[o.Marker] {
		t.bad = true
		return kept
	}
	t.counts[o.Marker]++
	if n, ok := t.need[o.Marker]; ok && t.counts[o.Marker] == n {
		t.found++
	}
	if o.Phase != "" {
		t.phase = o.Phase
	}
	return kept
}

// failer is implemented by a checker that can say whether its decided
// verdict is a failure; the harness then does not drain.
type failer interface{ Failed() bool }

// progresser is implemented by a checker that counts its own progress
// (*verify.Verifier does); its counts are then preferred to the tracker's.
type progresser interface{ Progress() verify.Progress }

// failing reports whether a decided checker decided on a failure, which
// stops the command at once instead of after the drain. Without the
// checker's word it infers it: a forbidden or unexpected marker was seen,
// or the verdict came while required markers were still missing (a
// decided verdict with markers missing can only be a failure).
func (t *tracker) failing(chk Checker) bool {
	if f, ok := chk.(failer); ok {
		return f.Failed()
	}
	found, required, _ := t.progress(chk)
	return t.bad || found < required
}

func (t *tracker) progress(chk Checker) (found, required int, phase string) {
	if p, ok := chk.(progresser); ok {
		pr := p.Progress()
		return pr.Found, pr.Required, pr.Phase
	}
	return t.found, len(t.need), t.phase
}

// progressLine is the live status: markers seen / required, the phase
// being worked on, the elapsed time.
func (t *tracker) progressLine(chk Checker, elapsed time.Duration) string {
	found, required, phase := t.progress(chk)
	return ProgressLine(found, required, phase, elapsed)
}

// ProgressLine renders "markers 5/12 · phase kernel · 3.2s".
func ProgressLine(found, required int, phase string, elapsed time.Duration) string {
	s := fmt.Sprintf("markers %d/%d", found, required)
	if phase != "" {
		s += " · phase " + phase
	}
	return s + fmt.Sprintf(" · %.1fs", elapsed.Seconds())
}
