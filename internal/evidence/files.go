package evidence

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/taskproof/taskproof/internal/report"
	"github.com/taskproof/taskproof/internal/scope"
	"github.com/taskproof/taskproof/internal/testout"
)

// The files prove writes under files/, and their schemas, shared by the
// writer and every reader (evidence md, the dashboard).

// Names of the bundle files that are not per proof command.
const (
	ConfigName  = "config.json"  // Config
	ScopeName   = "scope.json"   // Scope
	HygieneName = "hygiene.json" // Hygiene
)

// LogName is the console (or test output) of proof command n.
func LogName(n int) string { return "logs/" + strconv.Itoa(n) + ".log" }

// MarkersName is the marker trace of proof command n (MarkerLine, one per line).
func MarkersName(n int) string { return "markers/" + strconv.Itoa(n) + ".jsonl" }

// ReportName is the run report of marker proof n (RunReport).
func ReportName(n int) string { return "reports/" + strconv.Itoa(n) + ".json" }

// TestsName is the test results of test proof n (Tests).
func TestsName(n int) string { return "tests/" + strconv.Itoa(n) + ".json" }

// EnvVar is one environment variable config.json records.
type EnvVar struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Config is files/config.json: the resolved configuration of a prove.
type Config struct {
	Task      string       `json:"task"`
	File      string       `json:"file"`
	Contract  string       `json:"contract"`  // [proof] contract, relative to the root
	Canonical []string     `json:"canonical"` // [proof] canonical
	Base      string       `json:"base"`      // --base as given; "" = the default choice (see scope.json)
	EnvPolicy string       `json:"env_policy"`
	Steps     []ConfigStep `json:"steps"`
}

// ConfigStep is one proof command as prove ran it.
type ConfigStep struct {
	N         int      `json:"n"`
	Command   string   `json:"command"`
	Line      int      `json:"line"`
	Kind      string   `json:"kind"`
	Runner    string   `json:"runner"`
	Canonical string   `json:"canonical"`
	Note      string   `json:"note,omitempty"`
	Argv      []string `json:"argv"`               // what prove ran (for taskproof run: the run command itself)
	Verified  []string `json:"verified,omitempty"` // marker steps: the command run verified
	Dir       string   `json:"dir"`                // relative to the root
	Env       []EnvVar `json:"env"`
	Contract  string   `json:"contract,omitempty"`
	Profile   string   `json:"profile,omitempty"`
	Timeout   string   `json:"timeout"`
	OKExit    []int    `json:"ok_exit,omitempty"`
}

// RunReport is files/reports/N.json: what the console of a marker proof
// showed, without anything that depends on scheduling (times, duration,
// how the process ended after the verdict).
type RunReport struct {
	Verdict  string          `json:"verdict"`
	Contract string          `json:"contract"`
	Profile  string          `json:"profile"`
	Command  []string        `json:"command"`
	Log      string          `json:"log"`
	Lines    int             `json:"lines"`
	Required int             `json:"required"`
	Found    int             `json:"found"`
	Markers  []MarkerLine    `json:"markers"`
	Checks   []CheckLine     `json:"checks"`
	Failure  *report.Failure `json:"failure"`
}

// MarkerLine is one marker occurrence: a line of files/markers/N.jsonl
// and an element of RunReport.Markers.
type MarkerLine struct {
	Marker string `json:"marker"`
	Kind   string `json:"kind"`
	Phase  string `json:"phase"`
	Line   int    `json:"line"`
}

// CheckLine is one required marker's check in a RunReport.
type CheckLine struct {
	Marker  string `json:"marker"`
	Phase   string `json:"phase"`
	Min     int    `json:"min"`
	Count   int    `json:"count"`
	Passed  bool   `json:"passed"`
	Line    int    `json:"line"`
	Message string `json:"message,omitempty"`
}

// NewRunReport is the bundled copy of a run report: r without times, its
// contract named relative to the root, its log named as the bundle file.
func NewRunReport(r *report.Report, contract, log string) RunReport {
	b := RunReport{Verdict: r.Verdict, Contract: contract, Profile: r.Profile, Command: r.Command, Log: log,
		Lines: r.Lines, Required: r.Required, Found: r.Found, Failure: r.Failure,
		Markers: []MarkerLine{}, Checks: []CheckLine{}}
	for _, m := range r.Markers {
		b.Markers = append(b.Markers, MarkerLine{Marker: m.Marker, Kind: m.Kind, Phase: m.Phase, Line: m.Line})
	}
	for _, c := range r.Checks {
		b.Checks = append(b.Checks, CheckLine{Marker: c.Marker, Phase: c.Phase, Min: c.Min, Count: c.Count, Passed: c.Passed, Line: c.Line, Message: c.Message})
	}
	return b
}

// Tests is files/tests/N.json: the results of test proof n, with its
// required tests. Its fields and their order are testout.Report's as that
// encodes, so NewTests's value encodes to the same bytes, and it decodes
// back without loss (testout.Case has no decoder for duration_ms).
type Tests struct {
	Format      testout.Format        `json:"format"`
	Cases       []TestCase            `json:"cases"`
	Summary     testout.Summary       `json:"summary"`
	Crashed     bool                  `json:"crashed"`
	CrashReason string                `json:"crash_reason"`
	Plan        *testout.Plan         `json:"plan"`
	Warnings    []string              `json:"warnings"`
	Ignored     int                   `json:"ignored_lines"`
	Required    []testout.Requirement `json:"required"`
	Pass        bool                  `json:"pass"`
	Problems    []string              `json:"problems"`
}

// TestCase is one test case of a Tests file.
type TestCase struct {
	Suite      string          `json:"suite"`
	Name       string          `json:"name"`
	Outcome    testout.Outcome `json:"outcome"`
	Result     string          `json:"result"`
	DurationMS *float64        `json:"duration_ms"` // nil when the runner reports no time
	Message    string          `json:"message,omitempty"`
	Line       int             `json:"line"`
}

// NewTests is the bundled copy of a test report.
func NewTests(r testout.Report) Tests {
	t := Tests{Format: r.Format, Cases: make([]TestCase, 0, len(r.Cases)), Summary: r.Summary, Crashed: r.Crashed,
		CrashReason: r.CrashReason, Plan: r.Plan, Warnings: r.Warnings, Ignored: r.Ignored, Required: r.Required,
		Pass: r.Pass, Problems: r.Problems}
	if r.Cases == nil {
		t.Cases = nil
	}
	for _, c := range r.Cases {
		tc := TestCase{Suite: c.Suite, Name: c.Name, Outcome: c.Outcome, Result: c.Result, Message: c.Message, Line: c.Line}
		if c.Timed {
			ms := float64(c.Duration.Microseconds()) / 1000
			tc.DurationMS = &ms
		}
		t.Cases = append(t.Cases, tc)
	}
	return t
}

// Scope is files/scope.json.
type Scope = scope.Result

// Hygiene is files/hygiene.json.
type Hygiene = scope.HygieneReport

// JSONFile encodes v as every JSON file of a bundle is written: indented
// by two spaces, with a trailing newline.
func JSONFile(v any) ([]byte, error) {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// MarkersFile encodes a marker trace as JSON Lines.
func MarkersFile(lines []MarkerLine) []byte {
	var b []byte
	for _, m := range lines {
		line, _ := json.Marshal(m) // strings and ints only
		b = append(append(b, line...), '\n')
	}
	return b
}

// Decode decodes the bundle file name (under files/) into v. ok is false
// when the bundle has no such file; a file that does not decode is an
// error naming it.
func Decode(files []File, name string, v any) (ok bool, err error) {
	for _, f := range files {
		if f.Name != name {
			continue
		}
		if err := json.Unmarshal(f.Data, v); err != nil {
			return true, fmt.Errorf("%s%s does not decode: %w", FilesPrefix, name, err)
		}
		return true, nil
	}
	return false, nil
}

// DecodeMarkers decodes a marker trace; ok as for Decode.
func DecodeMarkers(files []File, name string) (lines []MarkerLine, ok bool, err error) {
	for _, f := range files {
		if f.Name != name {
			continue
		}
		for i, l := range strings.Split(strings.TrimSuffix(string(f.Data), "\n"), "\n") {
			if l == "" {
				continue
			}
			var m MarkerLine
			if err := json.Unmarshal([]byte(l), &m); err != nil {
				return nil, true, fmt.Errorf("%s%s:%d does not decode: %w", FilesPrefix, name, i+1, err)
			}
			lines = append(lines, m)
		}
		return lines, true, nil
	}
	return nil, false, nil
}

// ItemCounts summarises item verdicts: "3 items: 2 proven, 1 failed".
func ItemCounts(items []Item) string {
	n := map[string]int{}
	for _, it := range items {
		n[it.Verdict]++
	}
	parts := []string{}
	for _, v := range []string{Proven, Failed, NotRun} {
		if n[v] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n[v], v))
		}
	}
	noun := "items"
	if len(items) == 1 {
		noun = "item"
	}
	return fmt.Sprintf("%d %s: %s", len(items), noun, strings.Join(parts, ", "))
}
