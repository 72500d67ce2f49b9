package dod

import (
	"fmt"
	"strings"

	"github.com/taskproof/taskproof/internal/evidence"
	"github.com/taskproof/taskproof/internal/testout"
)

// Item names of the checks that are not commands, markers or tests.
const (
	ScopeItem   = "touched paths within the allowlist"
	HygieneItem = "diff hygiene on the added lines"
)

// StepOutcome is what one step observed.
type StepOutcome struct {
	// Ran is true when the step was attempted (its command may still have
	// failed to start: then Passed is false and Reason says so).
	Ran    bool
	Passed bool
	// Reason is one line without timings: "PASS: 6/6 required markers",
	// "MISSING: minios: timer ready", "3 tests passed", "exit status 1".
	Reason string
	// Seen are the texts of the required markers this step's console
	// showed (marker steps only).
	Seen []string
	// Tests is testout.Require over this step's results for the plan's
	// required tests, in plan order (test steps only; nil when the output
	// held no test results).
	Tests []testout.Requirement
}

// CheckOutcome is the result of the scope or the hygiene check.
type CheckOutcome struct {
	Ran    bool   // false: not attempted (Reason says why)
	OK     bool   // no violation / no finding
	Reason string // one line
}

// Outcome is everything a proof observed, for Judge.
type Outcome struct {
	Steps   []StepOutcome // one per plan step, same order
	Scope   CheckOutcome
	Hygiene CheckOutcome
}

// Judge turns the observations into one item per Definition-of-Done item,
// in order: each command, each required marker, each required test, scope,
// hygiene; and the overall verdict (evidence.Proven only when every item
// is proven).
func Judge(p *Plan, o Outcome) ([]evidence.Item, string) {
	items := make([]evidence.Item, 0, len(p.Steps)+len(p.Markers)+len(p.Tests)+2)
	step := func(i int) StepOutcome {
		if i < len(o.Steps) {
			return o.Steps[i]
		}
		return StepOutcome{}
	}
	for i, s := range p.Steps {
		so := step(i)
		it := evidence.Item{Item: s.Command, Kind: evidence.KindCommand}
		switch {
		case !so.Ran:
			it.Verdict, it.Reason = evidence.NotRun, orDefault(so.Reason, "not run")
		case so.Passed:
			it.Verdict, it.Reason = evidence.Proven, so.Reason
		default:
			it.Verdict, it.Reason = evidence.Failed, orDefault(so.Reason, "failed")
		}
		items = append(items, it)
	}
	for _, m := range p.Markers {
		items = append(items, judgeMarker(p, o, m.Text))
	}
	for k, t := range p.Tests {
		items = append(items, judgeTest(p, o, k, t.Name))
	}
	items = append(items, judgeCheck(ScopeItem, evidence.KindScope, o.Scope))
	items = append(items, judgeCheck(HygieneItem, evidence.KindHygiene, o.Hygiene))
	verdict := evidence.Proven
	for _, it := range items {
		if it.Verdict != evidence.Proven {
			verdict = evidence.Failed
		}
	}
	if len(items) == 0 {
		verdict = evidence.Failed
	}
	return items, verdict
}

func judgeMarker(p *Plan, o Outcome, text string) evidence.Item {
	it := evidence.Item{Item: text, Kind: evidence.KindMarker}
	var ran []string
	for i, s := range p.Steps {
		if s.Runner == RunnerTests || i >= len(o.Steps) || !o.Steps[i].Ran {
			continue
		}
		so := o.Steps[i]
		for _, seen := range so.Seen {
			if seen == text {
				it.Verdict, it.Reason = evidence.Proven, fmt.Sprintf("seen in the console of proof %d", s.N)
				return it
			}
		}
		ran = append(ran, fmt.Sprintf("proof %d (%s)", s.N, orDefault(so.Reason, "failed")))
	}
	switch {
	case !p.MarkerSteps():
		it.Verdict, it.Reason = evidence.NotRun, "no proof command checks markers (taskproof run, or a command under Proof (QEMU))"
	case len(ran) == 0:
		it.Verdict, it.Reason = evidence.NotRun, "no marker proof ran"
	default:
		it.Verdict, it.Reason = evidence.Failed, "not seen in the console of "+strings.Join(ran, ", ")
	}
	return it
}

func judgeTest(p *Plan, o Outcome, k int, name string) evidence.Item {
	it := evidence.Item{Item: name, Kind: evidence.KindTest}
	var passed, failed, skipped, notRun []string
	ranAny := false
	for i, s := range p.Steps {
		if s.Runner != RunnerTests || i >= len(o.Steps) || !o.Steps[i].Ran {
			continue
		}
		ranAny = true
		so := o.Steps[i]
		where := fmt.Sprintf("proof %d", s.N)
		if k >= len(so.Tests) {
			notRun = append(notRun, where+" (no test results)")
			continue
		}
		r := so.Tests[k]
		switch r.Outcome {
		case testout.ReqPassed:
			passed = append(passed, where+matchNames(r.Matches))
		case testout.ReqFailed:
			failed = append(failed, where+matchNames(r.Matches))
		case testout.ReqSkipped:
			skipped = append(skipped, where+matchNames(r.Matches))
		default:
			notRun = append(notRun, where)
		}
	}
	switch {
	case len(failed) > 0:
		it.Verdict, it.Reason = evidence.Failed, "failed in "+strings.Join(failed, "; ")
	case len(skipped) > 0:
		it.Verdict, it.Reason = evidence.Failed, "skipped in "+strings.Join(skipped, "; ")+": a skipped test proves nothing"
	case len(passed) > 0:
		it.Verdict, it.Reason = evidence.Proven, "passed in "+strings.Join(passed, "; ")
	case !p.TestSteps():
		it.Verdict, it.Reason = evidence.NotRun, "no test proof command (Proof (tests): Command(s))"
	case !ranAny:
		it.Verdict, it.Reason = evidence.NotRun, "no test proof ran"
	default:
		it.Verdict, it.Reason = evidence.NotRun, "no test of that name ran in "+strings.Join(notRun, ", ")
	}
	return it
}

// matchNames lists up to three matched test names: " (pkg TestA, ...)".
func matchNames(ms []testout.Match) string {
	if len(ms) == 0 {
		return ""
	}
	var names []string
	for i, m := range ms {
		if i == 3 {
			names = append(names, fmt.Sprintf("and %d more", len(ms)-3))
			break
		}
		n := m.Name
		if m.Suite != "" {
			n = m.Suite + " " + n
		}
		if m.Outcome != testout.Passed && len(ms) > 1 {
			n += " " + string(m.Outcome)
		}
		names = append(names, n)
	}
	return " (" + strings.Join(names, ", ") + ")"
}

func judgeCheck(name, kind string, c CheckOutcome) evidence.Item {
	it := evidence.Item{Item: name, Kind: kind, Reason: c.Reason}
	switch {
	case !c.Ran:
		it.Verdict = evidence.NotRun
		it.Reason = orDefault(c.Reason, "not run")
	case c.OK:
		it.Verdict = evidence.Proven
	default:
		it.Verdict = evidence.Failed
		it.Reason = orDefault(c.Reason, "failed")
	}
	return it
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}
