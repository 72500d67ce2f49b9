package report

import (
	"bytes"
	"cmp"
	"encoding/xml"
	"fmt"
	"slices"
	"strings"
	"time"
)

type junitSuites struct {
	XMLName  xml.Name   `xml:"testsuites"`
	Name     string     `xml:"name,attr"`
	Tests    int        `xml:"tests,attr"`
	Failures int        `xml:"failures,attr"`
	Errors   int        `xml:"errors,attr"`
	Time     string     `xml:"time,attr"`
	Suite    junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Time       string          `xml:"time,attr"`
	Timestamp  string          `xml:"timestamp,attr,omitempty"`
	Hostname   string          `xml:"hostname,attr,omitempty"`
	Properties []junitProperty `xml:"properties>property,omitempty"`
	Cases      []junitCase     `xml:"testcase"`
}

// JUnitSuite is when and where the run happened: the suite's timestamp
// and hostname attributes. The zero value leaves both out.
type JUnitSuite struct {
	Started  time.Time
	Hostname string
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitFailure `xml:"failure,omitempty"`
	Error     *junitFailure `xml:"error,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitFailure struct {
	Type    string `xml:"type,attr"`
	Message string `xml:"message,attr"`
	Body    string `xml:",chardata"`
}

// JUnit renders r as JUnit XML without the suite's timestamp and
// hostname (see JUnitFor).
func (r *Report) JUnit() []byte { return r.JUnitFor(JUnitSuite{}) }

// JUnitFor renders r as JUnit XML: one test suite with one test case per
// required marker (passed, or failed with why), plus a final "verdict"
// case carrying the overall verdict, so a failure that is not about a
// required marker (a forbidden line, a timeout) still fails the suite.
//
// Consumers add up case times and read <error> as "could not test" and
// <failure> as "tested, wrong", so: a marker's time is the time from the
// previous marker seen to it (the verdict case has the rest of the run),
// and when the run could not be judged (INFRA, CRASH) the verdict and the
// unmet markers are errors, not failures.
// encoding/xml escapes text and replaces characters XML cannot hold.
func (r *Report) JUnitFor(meta JUnitSuite) []byte {
	suite := junitSuite{
		Name:     "taskproof " + r.Tool,
		Time:     seconds(r.DurationMS),
		Hostname: meta.Hostname,
	}
	if !meta.Started.IsZero() {
		// JUnit's timestamp is ISO 8601 without a zone; it is UTC here.
		suite.Timestamp = meta.Started.UTC().Format("2006-01-02T15:04:05")
	}
	if r.Profile != "" {
		suite.Name += " (" + r.Profile + ")"
	}
	for _, p := range []junitProperty{
		{"contract", r.Contract}, {"profile", r.Profile}, {"log", r.Log},
		{"command", strings.Join(r.Command, " ")}, {"verdict", r.Verdict},
		{"warnings", warningCount(r)},
	} {
		if p.Value != "" {
			suite.Properties = append(suite.Properties, p)
		}
	}
	class := func(phase string) string {
		if phase == "" {
			return "taskproof.markers"
		}
		return "taskproof.markers." + phase
	}
	errored := r.Verdict == "INFRA" || r.Verdict == "CRASH"
	durations, last := markerDurations(r.Checks)
	for i, c := range r.Checks {
		tc := junitCase{Name: c.Marker, Classname: class(c.Phase), Time: seconds(durations[i])}
		if c.AtMS != nil && c.Line > 0 {
			tc.SystemOut = fmt.Sprintf("first seen at line %d, %s s into the run", c.Line, seconds(*c.AtMS))
		}
		if !c.Passed {
			kind := "MISSING"
			if r.Failure != nil && r.Failure.Marker == c.Marker {
				kind = r.Failure.Kind
			} else if c.Count > 0 {
				kind = "COUNT"
			}
			f := &junitFailure{Type: kind, Message: c.Message, Body: r.failureBody(c)}
			if errored {
				f.Type = r.Verdict
				tc.Error = f
			} else {
				tc.Failure = f
			}
		}
		suite.Cases = append(suite.Cases, tc)
	}
	verdict := junitCase{Name: "verdict", Classname: "taskproof", Time: seconds(max(r.DurationMS-last, 0)), SystemOut: r.warningsText()}
	if r.Verdict != "PASS" {
		msg := r.Verdict
		if r.Failure != nil && r.Failure.Message != "" {
			msg = r.Failure.Message
		}
		f := &junitFailure{Type: r.Verdict, Message: msg, Body: r.failureBody(Check{})}
		if errored {
			verdict.Error = f
		} else {
			verdict.Failure = f
		}
	}
	suite.Cases = append(suite.Cases, verdict)
	suite.Tests = len(suite.Cases)
	for _, c := range suite.Cases {
		if c.Failure != nil {
			suite.Failures++
		}
		if c.Error != nil {
			suite.Errors++
		}
	}
	doc := junitSuites{Name: "taskproof", Tests: suite.Tests, Failures: suite.Failures, Errors: suite.Errors, Time: suite.Time, Suite: suite}
	var b bytes.Buffer
	b.WriteString(xml.Header)
	enc := xml.NewEncoder(&b)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		panic(err) // plain values only
	}
	b.WriteByte('\n')
	return b.Bytes()
}

// markerDurations is the time each check's marker took: from the marker
// seen before it (or the start) to its first occurrence, 0 for a marker
// never seen or with unknown times. last is the latest first occurrence,
// so the rest of the run is the verdict case's time.
func markerDurations(checks []Check) (durations []int64, last int64) {
	durations = make([]int64, len(checks))
	var seen []int
	for i, c := range checks {
		if c.AtMS != nil {
			seen = append(seen, i)
		}
	}
	slices.SortStableFunc(seen, func(a, b int) int { return cmp.Compare(*checks[a].AtMS, *checks[b].AtMS) })
	for _, i := range seen {
		at := *checks[i].AtMS
		durations[i] = max(at-last, 0)
		last = max(last, at)
	}
	return durations, last
}

// failureBody is the detail of a failed test case: for the verdict case
// (and the case of the marker the failure is about) the failure with
// where it happened and the excerpt; for other markers why they failed.
func (r *Report) failureBody(c Check) string {
	f := r.Failure
	if c.Marker != "" && (f == nil || f.Marker != c.Marker) {
		var b strings.Builder
		fmt.Fprintf(&b, "required marker %q %s (verdict %s)", c.Marker, c.Message, r.Verdict)
		for _, n := range c.NearMisses {
			fmt.Fprintf(&b, "\nnear miss at line %d: %s\n  why: %s\n  fix: %s", n.Line, printable(n.Text), printable(n.Reason), n.Fix)
		}
		return b.String()
	}
	if f == nil {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s\n", f.Kind, f.Message)
	if f.Phase != "" {
		fmt.Fprintf(&b, "phase: %s\n", f.Phase)
	}
	if f.Marker != "" {
		fmt.Fprintf(&b, "marker: %s\n", f.Marker)
	}
	if f.Line > 0 {
		fmt.Fprintf(&b, "line: %d\n", f.Line)
	}
	for _, l := range f.numbered() {
		b.WriteString(l + "\n")
	}
	for _, n := range f.NearMisses {
		fmt.Fprintf(&b, "near miss at line %d: %s\n  why: %s\n  fix: %s\n", n.Line, printable(n.Text), printable(n.Reason), n.Fix)
	}
	return b.String()
}

// warningCount is the "warnings" property: "" (left out) when none.
func warningCount(r *Report) string {
	if n := len(r.Warnings) + r.WarningsDropped; n > 0 {
		return fmt.Sprint(n)
	}
	return ""
}

func seconds(ms int64) string {
	return fmt.Sprintf("%.3f", float64(ms)/1000)
}
