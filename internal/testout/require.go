package testout

import (
	"path"
	"strings"

	"github.com/taskproof/taskproof/internal/task"
)

// ReqOutcome is what happened to a required test.
type ReqOutcome string

// Required-test outcomes. NotRun covers a name or glob that matched no case.
const (
	ReqPassed  ReqOutcome = "passed"
	ReqFailed  ReqOutcome = "failed"
	ReqSkipped ReqOutcome = "skipped"
	ReqNotRun  ReqOutcome = "not_run"
)

// Match is one case a requirement matched.
type Match struct {
	Suite   string  `json:"suite"`
	Name    string  `json:"name"`
	Outcome Outcome `json:"outcome"`
	Line    int     `json:"line"`
}

// Requirement is a required test and what the run says about it.
type Requirement struct {
	Name     string     `json:"name"`      // as the task lists it: exact or a glob
	TaskLine int        `json:"task_line"` // line in the task document, 0 from the command line
	Outcome  ReqOutcome `json:"outcome"`
	Matches  []Match    `json:"matches"`
}

// Require reports each required test. A ref matches a case when, with
// path.Match semantics (`*` and `?` do not cross "/", `[...]` is a
// class; a ref that is not a valid pattern matches only literally), it
// matches either
//
//   - the whole case name ("tests::test_reject_bad_input",
//     "TestTable/bad_sum", "tests/test_x.py::test_a[1]"; there `*`
//     crosses "::" and ".", so "tests::*" covers a whole module), or
//   - the trailing part of the name with as many separators as the ref,
//     where separators are "::", "/" and "." outside square brackets: a
//     ref without separators is matched against the last segment
//     ("test_reject_*" finds cargo's "tests::nested::test_reject_overflow"
//     and pytest's "tests/test_x.py::test_reject_bad", but not the file
//     "tests/test_reject.py::test_other"); "TestTable/*" is matched
//     against the last two segments ("calc.TestTable/ones" in JUnit);
//
// and either may drop a trailing "[params]" or "()" ("test_a" requires
// every parametrised instance test_a[1], test_a[2]).
//
// The outcome folds every matching case, duplicates included: failed if
// any failed or errored, else skipped if any was skipped (a skipped case
// proves nothing), else passed; not_run when nothing matched (a glob that
// matches nothing is not run, never passed).
func Require(run *Run, refs []task.TestRef) []Requirement {
	out := make([]Requirement, 0, len(refs))
	for _, ref := range refs {
		r := Requirement{Name: ref.Name, TaskLine: ref.Line, Outcome: ReqNotRun, Matches: []Match{}}
		var failed, skipped, passed bool
		for _, c := range run.Cases {
			if !nameMatches(ref.Name, c.Name) {
				continue
			}
			r.Matches = append(r.Matches, Match{Suite: c.Suite, Name: c.Name, Outcome: c.Outcome, Line: c.Line})
			switch c.Outcome {
			case Passed:
				passed = true
			case Skipped:
				skipped = true
			default:
				failed = true
			}
		}
		switch {
		case failed:
			r.Outcome = ReqFailed
		case skipped:
			r.Outcome = ReqSkipped
		case passed:
			r.Outcome = ReqPassed
		}
		out = append(out, r)
	}
	return out
}

// nameMatches applies the matching rule of Require.
func nameMatches(pattern, name string) bool {
	pattern = strings.TrimSpace(pattern)
	if pattern == "" {
		return false
	}
	for _, cand := range matchCandidates(name, len(segmentStarts(pattern))-1) {
		if cand == "" {
			continue
		}
		if cand == pattern {
			return true
		}
		if ok, err := path.Match(pattern, cand); err == nil && ok {
			return true
		}
	}
	return false
}

// matchCandidates returns the strings a ref with seps separators is
// matched against.
func matchCandidates(name string, seps int) []string {
	c := []string{name}
	if starts := segmentStarts(name); seps < len(starts)-1 {
		c = append(c, name[starts[len(starts)-1-seps]:])
	}
	for _, s := range c {
		if b := stripParams(s); b != s {
			c = append(c, b)
		}
	}
	return c
}

// segmentStarts returns the offsets where the segments of name start: 0,
// then the byte after each "::", "/" or "." outside square brackets.
func segmentStarts(name string) []int {
	starts := []int{0}
	depth := 0
	for i := 0; i < len(name); i++ {
		switch name[i] {
		case '[':
			depth++
		case ']':
			if depth > 0 {
				depth--
			}
		case '/', '.':
			if depth == 0 {
				starts = append(starts, i+1)
			}
		case ':':
			if depth == 0 && i+1 < len(name) && name[i+1] == ':' {
				starts = append(starts, i+2)
				i++
			}
		}
	}
	return starts
}

// stripParams removes a trailing "[...]" (pytest parameters) or "()"
// (JUnit 5 method names).
func stripParams(s string) string {
	if strings.HasSuffix(s, "()") {
		return s[:len(s)-2]
	}
	if strings.HasSuffix(s, "]") {
		if i := strings.IndexByte(s, '['); i > 0 {
			return s[:i]
		}
	}
	return s
}
