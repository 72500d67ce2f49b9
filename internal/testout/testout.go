// Package testout turns test-runner output into one result model.
//
// It is pure: bytes in, a Run out. Each parser (go test -json, cargo test,
// pytest, JUnit XML, TAP and KTAP) reads a whole capture, tolerates noise
// between the lines it understands, never panics and bounds the text it
// keeps per case. Rendering is the caller's job; Report is the JSON shape
// the CLI and the evidence share.
//
// The model's rules are the product's: zero tests executed is a failure,
// never a pass; a skipped test is not a passed one; two cases with the same
// name stay two cases; a run that stopped before it reported everything it
// announced (a harness crash, a plan that does not match, a bail out) is
// Crashed, whatever its cases say.
package testout

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Format names a test-runner output format.
type Format string

// The formats Parse understands. The strings are the values of --from.
const (
	FormatGoTest Format = "gotest" // go test -json (test2json events)
	FormatCargo  Format = "cargo"  // cargo test / libtest human output
	FormatPytest Format = "pytest" // pytest text output with -rA (or -v) result lines
	FormatJUnit  Format = "junit"  // JUnit XML, pytest --junitxml included
	FormatTAP    Format = "tap"    // TAP 12/13/14
	FormatKTAP   Format = "ktap"   // KTAP (kunit, kselftest), kernel-log prefixes allowed
)

// Formats lists every format, in the order --help shows them.
var Formats = []Format{FormatGoTest, FormatCargo, FormatPytest, FormatJUnit, FormatTAP, FormatKTAP}

// ParseFormat maps a --from value to a Format.
func ParseFormat(s string) (Format, error) {
	for _, f := range Formats {
		if strings.EqualFold(s, string(f)) {
			return f, nil
		}
	}
	names := make([]string, len(Formats))
	for i, f := range Formats {
		names[i] = string(f)
	}
	return "", fmt.Errorf("unknown format %q; use one of: %s", s, strings.Join(names, ", "))
}

// Outcome is what happened to one test case.
type Outcome string

// The four outcomes. Errored means the case did not finish normally: it
// never reported a result (its binary died), it failed to build or set up,
// or the runner said ERROR/TIMEOUT.
const (
	Passed  Outcome = "passed"
	Failed  Outcome = "failed"
	Skipped Outcome = "skipped"
	Errored Outcome = "errored"
)

// Case is one executed (or skipped) test case. Nested tests are named by
// their path, "Parent/child" (go test, TAP/KTAP subtests); runners that
// have their own paths keep them (cargo "mod::tests::name", pytest node
// ids "tests/test_x.py::test_a", JUnit "classname.name").
type Case struct {
	// Suite is where the case ran: the Go package, the cargo test binary
	// ("unittests src/lib.rs", "tests/x.rs", "Doc-tests name"), the pytest
	// file, the JUnit testsuite; "" when the format has none (TAP).
	Suite   string
	Name    string
	Outcome Outcome
	// Result is the runner's own word for the outcome, kept because the
	// four outcomes fold several: "ignored", "XFAIL", "not ok # TODO",
	// "ok (should panic)", "no result".
	Result string
	// Duration is valid when Timed is true (cargo and TAP report none).
	Duration time.Duration
	Timed    bool
	// Message is the failure text, skip reason or diagnostics, bounded to
	// MaxMessage bytes (head and tail kept). Passed cases carry none.
	Message string
	// Line is the 1-based line of the input that decided the outcome.
	Line int
}

// caseJSON is Case's JSON form: snake_case keys, duration in milliseconds
// (null when the runner did not time the case).
type caseJSON struct {
	Suite      string   `json:"suite"`
	Name       string   `json:"name"`
	Outcome    Outcome  `json:"outcome"`
	Result     string   `json:"result"`
	DurationMS *float64 `json:"duration_ms"`
	Message    string   `json:"message,omitempty"`
	Line       int      `json:"line"`
}

// MarshalJSON renders the case with snake_case keys and duration_ms.
func (c Case) MarshalJSON() ([]byte, error) {
	j := caseJSON{Suite: c.Suite, Name: c.Name, Outcome: c.Outcome, Result: c.Result, Message: c.Message, Line: c.Line}
	if c.Timed {
		ms := float64(c.Duration.Microseconds()) / 1000
		j.DurationMS = &ms
	}
	return json.Marshal(j)
}

// Plan is a TAP/KTAP plan line (1..N).
type Plan struct {
	Count int `json:"count"`
	Line  int `json:"line"`
	// Skip is the reason of "1..0 # SKIP reason", "" otherwise.
	Skip string `json:"skip,omitempty"`
}

// Run is one parsed capture.
type Run struct {
	Format Format
	Cases  []Case
	// Crashed is true when the run stopped before reporting everything it
	// announced: a test binary that died, a plan or summary that does not
	// match the results, a bail out, a build failure. CrashReason says
	// what, naming the numbers on both sides.
	Crashed     bool
	CrashReason string
	// Plan is the top-level plan of a TAP/KTAP stream, nil when none.
	Plan *Plan
	// Warnings are facts that do not fail the run but limit what it proves
	// (pytest run without -rA: passed tests are not listed by name).
	Warnings []string
	// Ignored counts the input lines that were not part of the format
	// (kernel noise, compiler output, progress lines).
	Ignored int

	crashReasons []string
	crashCount   int
}

// Crash reasons are bounded: a hostile or very broken input could give
// one per line.
const (
	maxCrashReasons = 8
	maxReasonLen    = 512
)

// crash marks the run as crashed, adding reason to the reasons so far.
func (r *Run) crash(reason string) {
	r.Crashed = true
	r.crashCount++
	if len(r.crashReasons) < maxCrashReasons {
		if len(reason) > maxReasonLen {
			reason = strings.ToValidUTF8(reason[:maxReasonLen], "") + "..."
		}
		r.crashReasons = append(r.crashReasons, reason)
	}
	r.CrashReason = strings.Join(r.crashReasons, "; ")
	if more := r.crashCount - len(r.crashReasons); more > 0 {
		r.CrashReason += fmt.Sprintf("; and %d more", more)
	}
}

// Summary counts a run's cases by outcome.
type Summary struct {
	Passed  int `json:"passed"`
	Failed  int `json:"failed"`
	Skipped int `json:"skipped"`
	Errored int `json:"errored"`
	Total   int `json:"total"`
}

// Summary counts the cases by outcome.
func (r *Run) Summary() Summary {
	var s Summary
	for _, c := range r.Cases {
		switch c.Outcome {
		case Passed:
			s.Passed++
		case Failed:
			s.Failed++
		case Skipped:
			s.Skipped++
		default:
			s.Errored++
		}
	}
	s.Total = len(r.Cases)
	return s
}

// ZeroTestsProblem is the problem reported when nothing ran.
const ZeroTestsProblem = "no tests ran: zero tests is a failure"

// Problems lists why the run is not a pass, in a fixed order: zero tests,
// a crash, failed and errored cases. A run passes when the list is empty,
// which needs at least one executed (passed) case. Skipped cases alone do
// not make a pass: they executed nothing.
func (r *Run) Problems() []string {
	var p []string
	s := r.Summary()
	if s.Passed+s.Failed+s.Errored == 0 {
		if s.Skipped > 0 {
			p = append(p, fmt.Sprintf("no tests ran: all %d cases were skipped; zero tests is a failure", s.Skipped))
		} else {
			p = append(p, ZeroTestsProblem)
		}
	}
	if r.Crashed {
		p = append(p, "run crashed: "+r.CrashReason)
	}
	if s.Failed > 0 {
		p = append(p, fmt.Sprintf("%d %s failed", s.Failed, plural(s.Failed, "test", "tests")))
	}
	if s.Errored > 0 {
		p = append(p, fmt.Sprintf("%d %s errored", s.Errored, plural(s.Errored, "test", "tests")))
	}
	return p
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// ErrUnknownFormat is returned by Parse when Detect cannot tell the format.
var ErrUnknownFormat = errors.New("cannot detect the test output format")

// Parse parses data as format f, or as the detected format when f is "".
// Only JUnit XML can fail (malformed XML, with its line); the text formats
// read what they understand and count the rest in Run.Ignored.
func Parse(data []byte, f Format) (*Run, error) {
	if f == "" {
		f = Detect(data)
		if f == "" {
			return nil, ErrUnknownFormat
		}
	}
	switch f {
	case FormatGoTest:
		return ParseGoTest(data), nil
	case FormatCargo:
		return ParseCargo(data), nil
	case FormatPytest:
		if looksLikeXML(data) {
			// pytest --junitxml writes JUnit: read it as such.
			return ParseJUnit(data)
		}
		return ParsePytest(data), nil
	case FormatJUnit:
		return ParseJUnit(data)
	case FormatTAP, FormatKTAP:
		// One parser reads both; the label follows the caller's choice.
		r := ParseTAP(data)
		r.Format = f
		return r, nil
	}
	_, err := ParseFormat(string(f))
	return nil, err
}
