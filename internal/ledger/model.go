package ledger

import (
	"fmt"
	"time"
)

// Kind says which command recorded a run.
type Kind string

// The commands that record runs.
const (
	KindRun   Kind = "run"   // taskproof run: one command verified against the contract
	KindProve Kind = "prove" // taskproof prove: a task's Definition of Done
)

// Outcome is what happened to one test case in one run.
type Outcome string

// Test outcomes: the four of internal/testout plus NotRun, a test the task
// requires that did not run at all.
const (
	Passed  Outcome = "passed"
	Failed  Outcome = "failed"
	Skipped Outcome = "skipped"
	Errored Outcome = "errored"
	NotRun  Outcome = "not_run"
)

// outcomes is the fixed order outcomes are counted and printed in.
var outcomes = []Outcome{Passed, Failed, Errored, Skipped, NotRun}

// Run is one recorded run or prove.
type Run struct {
	ID      int64  `json:"id"` // assigned by Record; ignored on input
	Kind    Kind   `json:"kind"`
	TaskID  string `json:"task_id"` // canonical task id; "" for a plain run
	Commit  string `json:"commit"`  // full commit id; "" when unknown
	Dirty   bool   `json:"dirty"`   // the work tree had changes, so Commit does not name the code
	Profile string `json:"profile"` // contract profile; "" when none
	// Command is the argv that ran (run) or prove's own argv (prove).
	Command []string `json:"command"`
	// Verdict is the overall outcome: a verify.Verdict for run, prove's
	// verdict for prove.
	Verdict    string    `json:"verdict"`
	StartedAt  time.Time `json:"started_at"` // read back in UTC
	DurationMS int64     `json:"duration_ms"`
	// Markers are the required markers' outcomes, in contract order.
	Markers []MarkerOutcome `json:"markers"`
	// Tests are the test cases' outcomes, in the order they ran.
	Tests []TestOutcome `json:"tests"`
	// Items are the Definition-of-Done items' verdicts (prove), in
	// document order.
	Items          []ItemOutcome `json:"items"`
	EvidencePath   string        `json:"evidence_path"`   // bundle path relative to the root; "" when none
	EvidenceDigest string        `json:"evidence_digest"` // e.g. "sha256:…"; "" when none
	// Proofs name the shared run behind each proof command of a prove
	// (History and Get read them back).
	Proofs []ProofRun `json:"proofs,omitempty"`
}

// ProofRun is the shared run that proved one proof command of a prove.
type ProofRun struct {
	N      int    `json:"n"`
	Shared string `json:"shared"` // the run's id
	Exec   string `json:"exec"`   // the execution whose output proved it
	Reused string `json:"reused"` // "" when it ran in this prove
}

// MarkerOutcome is whether one required marker was seen in a run.
type MarkerOutcome struct {
	Marker string `json:"marker"`
	Seen   bool   `json:"seen"`
	Line   int    `json:"line"`  // stream line of the first occurrence, 0 when not seen
	AtMS   *int64 `json:"at_ms"` // ms from start to the first occurrence; nil when unknown
}

// TestOutcome is one test case's outcome in a run. Suite and Name
// together identify the test (the Go package and the test name).
type TestOutcome struct {
	Suite   string  `json:"suite"`
	Name    string  `json:"name"`
	Outcome Outcome `json:"outcome"`
}

// ItemOutcome is one Definition-of-Done item's verdict in a prove.
type ItemOutcome struct {
	Item    string `json:"item"`    // the item as the task states it
	Kind    string `json:"kind"`    // e.g. command, marker, test, scope
	Verdict string `json:"verdict"` // proven, failed or not_run
}

// validate reports the first reason r cannot be recorded.
func (r *Run) validate() error {
	switch r.Kind {
	case KindRun, KindProve:
	default:
		return fmt.Errorf("kind %q is not one of run, prove", r.Kind)
	}
	if r.Kind == KindProve && r.TaskID == "" {
		return fmt.Errorf("a prove needs its task id")
	}
	if r.Verdict == "" {
		return fmt.Errorf("no verdict")
	}
	if r.StartedAt.IsZero() {
		return fmt.Errorf("no start time")
	}
	if y := r.StartedAt.Year(); y < 1970 || y > 2261 {
		return fmt.Errorf("start time %s out of range", r.StartedAt.Format(time.RFC3339))
	}
	if r.DurationMS < 0 {
		return fmt.Errorf("negative duration %d ms", r.DurationMS)
	}
	seen := map[string]bool{}
	for i, m := range r.Markers {
		switch {
		case m.Marker == "":
			return fmt.Errorf("marker %d has no name", i+1)
		case seen[m.Marker]:
			return fmt.Errorf("marker %q listed twice", m.Marker)
		}
		seen[m.Marker] = true
	}
	type key struct{ suite, name string }
	tests := map[key]bool{}
	for i, t := range r.Tests {
		k := key{t.Suite, t.Name}
		switch {
		case t.Name == "":
			return fmt.Errorf("test %d has no name", i+1)
		case !knownOutcome(t.Outcome):
			return fmt.Errorf("test %s: outcome %q is not one of passed, failed, errored, skipped, not_run", testLabel(t.Suite, t.Name), t.Outcome)
		case tests[k]:
			return fmt.Errorf("test %s listed twice; fold repeated executions into one outcome", testLabel(t.Suite, t.Name))
		}
		tests[k] = true
	}
	for i, it := range r.Items {
		if it.Item == "" || it.Verdict == "" {
			return fmt.Errorf("item %d needs both the item and its verdict", i+1)
		}
	}
	return nil
}

func knownOutcome(o Outcome) bool {
	for _, k := range outcomes {
		if o == k {
			return true
		}
	}
	return false
}

// testLabel names a test for messages: "name (suite)".
func testLabel(suite, name string) string {
	if suite == "" {
		return name
	}
	return name + " (" + suite + ")"
}
