package testout

import "fmt"

// Report is a run with its required tests and verdict: the JSON document
// `taskproof tests --format json` prints and evidence embeds.
type Report struct {
	Format      Format        `json:"format"`
	Cases       []Case        `json:"cases"`
	Summary     Summary       `json:"summary"`
	Crashed     bool          `json:"crashed"`
	CrashReason string        `json:"crash_reason"`
	Plan        *Plan         `json:"plan"`
	Warnings    []string      `json:"warnings"`
	Ignored     int           `json:"ignored_lines"`
	Required    []Requirement `json:"required"`
	// Pass is true when at least one test ran, none failed or errored, the
	// run did not crash and every required test passed; Problems says why
	// not, one line each.
	Pass     bool     `json:"pass"`
	Problems []string `json:"problems"`
}

// NewReport builds the report of run with its required tests.
func NewReport(run *Run, req []Requirement) Report {
	r := Report{
		Format:      run.Format,
		Cases:       run.Cases,
		Summary:     run.Summary(),
		Crashed:     run.Crashed,
		CrashReason: run.CrashReason,
		Plan:        run.Plan,
		Warnings:    run.Warnings,
		Ignored:     run.Ignored,
		Required:    req,
		Problems:    run.Problems(),
	}
	for _, q := range req {
		if q.Outcome != ReqPassed {
			r.Problems = append(r.Problems, fmt.Sprintf("required test %s: %s", q.Name, reqWords[q.Outcome]))
		}
	}
	// JSON lists are [] when empty, never null.
	if r.Cases == nil {
		r.Cases = []Case{}
	}
	if r.Warnings == nil {
		r.Warnings = []string{}
	}
	if r.Required == nil {
		r.Required = []Requirement{}
	}
	if r.Problems == nil {
		r.Problems = []string{}
	}
	r.Pass = len(r.Problems) == 0
	return r
}

// reqWords says a required-test outcome in a sentence.
var reqWords = map[ReqOutcome]string{
	ReqPassed:  "passed",
	ReqFailed:  "failed",
	ReqSkipped: "skipped (a skipped test is not a passed test)",
	ReqNotRun:  "not run (no test matched)",
}
