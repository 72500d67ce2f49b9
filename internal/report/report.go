// Package report renders the outcome of a proof run (taskproof run and
// verify) for machines and people: JSON, JUnit XML, a Markdown summary for
// CI job pages, and the one-paragraph text the CLI prints. It is pure:
// values in, bytes out.
package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/taskproof/taskproof/internal/verify"
)

// Report is the machine-readable outcome of one run or verify. Field order
// is the JSON key order.
type Report struct {
	Tool         string   `json:"tool"` // "run" or "verify"
	Verdict      string   `json:"verdict"`
	ExitCode     int      `json:"exit_code"`
	StoppedEarly bool     `json:"stopped_early"`
	DurationMS   int64    `json:"duration_ms"`
	Contract     string   `json:"contract"` // contract path; "" in quick mode
	Profile      string   `json:"profile"`
	Command      []string `json:"command"` // argv of the command run; null for verify
	Log          string   `json:"log"`     // the log written (run) or read (verify)
	Lines        int      `json:"lines"`
	Bytes        int64    `json:"bytes"`
	Required     int      `json:"required"` // required markers
	Found        int      `json:"found"`    // required markers seen often enough
	// Markers are the marker occurrences in stream order (bounded).
	Markers []Marker `json:"markers"`
	// Checks is one entry per required marker, in contract order.
	Checks []Check `json:"checks"`
	// Unexpected lists every occurrence of a marker the profile does not
	// allow (verify reads the whole log, so all of them; run stops at the
	// first), for the upstream-style "what is unexpected here" report.
	Unexpected []Marker `json:"unexpected,omitempty"`
	// Warnings are the lines that report a failure no marker declares
	// (FAIL, fail, failed, failure, error at the end of a line, or as a word
	// in a proof namespace); WarningsDropped counts those left out.
	Warnings        []Warning `json:"warnings"`
	WarningsDropped int       `json:"warnings_dropped,omitempty"`
	Failure         *Failure  `json:"failure"`
	Process         *Process  `json:"process,omitempty"`
}

// Warning is an undeclared failure line.
type Warning struct {
	Line  int    `json:"line"`
	Text  string `json:"text"`
	Word  string `json:"word"`
	Phase string `json:"phase,omitempty"`
}

// NearMiss is a line that holds a required marker's text but was not
// accepted as it: why, and what would make it count.
type NearMiss struct {
	Marker string `json:"marker"`
	Line   int    `json:"line"`
	Text   string `json:"text"`
	Reason string `json:"reason"`
	Fix    string `json:"fix"`
}

// Marker is one occurrence of a marker.
type Marker struct {
	Marker string `json:"marker"`
	Kind   string `json:"kind"`
	Phase  string `json:"phase"`
	Line   int    `json:"line"`
	AtMS   *int64 `json:"at_ms"` // null when times are unknown (verify)
}

// Check is the state of one required marker.
type Check struct {
	Marker string `json:"marker"`
	Phase  string `json:"phase"`
	Min    int    `json:"min"`
	Count  int    `json:"count"`
	Passed bool   `json:"passed"`
	Line   int    `json:"line"`  // first occurrence, 0 when never seen
	AtMS   *int64 `json:"at_ms"` // first occurrence, null when unknown
	// Message says why the check failed, "" when it passed.
	Message string `json:"message,omitempty"`
	// Why is the rule that made the marker required, with file:line.
	Why string `json:"why,omitempty"`
	// NearMisses are lines that hold the marker's text but were not
	// accepted as it (failed checks only).
	NearMisses []NearMiss `json:"near_misses,omitempty"`
}

// Failure is why the verdict is not PASS.
type Failure struct {
	Kind    string   `json:"kind"`
	Marker  string   `json:"marker"`
	Phase   string   `json:"phase"`
	Line    int      `json:"line"`
	Message string   `json:"message"`
	Excerpt []string `json:"excerpt"`
	// ExcerptStart is the log line number of Excerpt[0]; 0 when empty.
	ExcerptStart int `json:"excerpt_start"`
	// NearMisses are lines where the failed marker appears but was not
	// accepted (MISSING and ORDER), with why and the fix.
	NearMisses []NearMiss `json:"near_misses,omitempty"`
}

// numbered renders the excerpt with log line numbers ("  12 | text"),
// control characters made visible.
func (f *Failure) numbered() []string {
	out := make([]string, len(f.Excerpt))
	last := f.ExcerptStart + len(f.Excerpt) - 1
	w := len(fmt.Sprint(last))
	for i, l := range f.Excerpt {
		if f.ExcerptStart > 0 {
			mark := " "
			if f.Line > 0 && f.ExcerptStart+i == f.Line {
				mark = ">"
			}
			out[i] = fmt.Sprintf("%s%*d | %s", mark, w, f.ExcerptStart+i, printable(l))
		} else {
			out[i] = printable(l)
		}
	}
	return out
}

// Process is what happened to the command (run only).
type Process struct {
	Exited   bool   `json:"exited"`    // exited on its own
	ExitCode int    `json:"exit_code"` // its exit code when exited
	Signal   string `json:"signal,omitempty"`
	TimedOut bool   `json:"timed_out"`
	Killed   bool   `json:"killed"`   // SIGKILL was needed
	Leftover bool   `json:"leftover"` // a process survived SIGKILL
	// Containment is the mechanism that held the command's processes
	// (pidns, cgroup, pdeathsig or pgroup; see harness.Containment).
	Containment string `json:"containment,omitempty"`
}

// Timed is a marker occurrence with its arrival time, when known.
type Timed struct {
	verify.Observation
	At    time.Duration
	Timed bool
}

// New builds the report of result against spec. marks are the occurrences
// (with times for run); nil means result.Seen without times.
func New(spec *verify.Spec, res verify.Result, marks []Timed) *Report {
	if marks == nil {
		marks = make([]Timed, 0, len(res.Seen)) // up to MaxSeen: grown, it was copied a dozen times
		for _, o := range res.Seen {
			marks = append(marks, Timed{Observation: o})
		}
	}
	r := &Report{
		Verdict:         string(res.Verdict),
		Lines:           res.Lines,
		Bytes:           res.Bytes,
		Required:        res.Required,
		Found:           res.Found,
		Markers:         make([]Marker, 0, len(marks)),
		Checks:          []Check{},
		Warnings:        []Warning{},
		WarningsDropped: res.WarningsDropped,
	}
	for _, w := range res.Warnings {
		r.Warnings = append(r.Warnings, Warning{Line: w.Line, Text: w.Text, Word: w.Word, Phase: w.Phase})
	}
	near := map[string][]NearMiss{}
	for _, n := range res.NearMisses {
		near[n.Marker] = append(near[n.Marker], nearMiss(n))
	}
	type first struct {
		count int
		line  int
		at    *int64
	}
	seen := map[string]*first{}
	for _, m := range marks {
		var at *int64
		if m.Timed {
			ms := m.At.Milliseconds()
			at = &ms
		}
		r.Markers = append(r.Markers, Marker{Marker: m.Marker, Kind: string(m.Kind), Phase: m.Phase, Line: m.Line, AtMS: at})
		if m.Class == "unexpected" {
			r.Unexpected = append(r.Unexpected, Marker{Marker: m.Marker, Kind: string(m.Kind), Phase: m.Phase, Line: m.Line, AtMS: at})
		}
		f := seen[m.Marker]
		if f == nil {
			f = &first{line: m.Line, at: at}
			seen[m.Marker] = f
		}
		f.count++
	}
	if res.Failure != nil {
		f := res.Failure
		r.Failure = &Failure{Kind: string(f.Kind), Marker: f.Marker, Phase: f.Phase, Line: f.Line, Message: f.Message, Excerpt: f.Excerpt, ExcerptStart: f.ExcerptStart}
		if r.Failure.Excerpt == nil {
			r.Failure.Excerpt = []string{}
		}
		for _, n := range f.NearMisses {
			r.Failure.NearMisses = append(r.Failure.NearMisses, nearMiss(n))
		}
	}
	if spec != nil {
		check := func(m verify.Marker, why string) {
			c := Check{Marker: m.ID, Phase: m.Phase, Min: max(m.Min, 1), Why: why}
			if f := seen[m.ID]; f != nil {
				c.Count, c.Line, c.AtMS = f.count, f.line, f.at
			}
			c.Passed = c.Count >= c.Min
			switch {
			case r.Failure != nil && r.Failure.Marker == m.ID:
				c.Passed = false
				c.Message = r.Failure.Kind + ": " + r.Failure.Message
			case c.Count == 0:
				c.Message = "never appeared"
			case !c.Passed:
				c.Message = fmt.Sprintf("appeared %d times, needs %d", c.Count, c.Min)
			}
			if !c.Passed {
				c.NearMisses = near[m.ID]
			}
			r.Checks = append(r.Checks, c)
		}
		byID := map[string]verify.Marker{}
		for _, m := range spec.Markers {
			byID[m.ID] = m
			if m.Required {
				check(m, m.Why)
			}
		}
		// Groups that apply: their members (or, for an any-of group, the
		// group) are checks too.
		for _, g := range spec.Groups {
			active := len(g.Triggers) == 0
			for _, t := range g.Triggers {
				active = active || seen[t] != nil
			}
			if !active {
				continue
			}
			if !g.AnyOf {
				for _, id := range g.Members {
					check(byID[id], g.Why)
				}
				continue
			}
			c := Check{Marker: g.ID, Min: 1, Why: g.Why, Message: fmt.Sprintf("none of its %d markers appeared", len(g.Members))}
			for _, id := range g.Members {
				if f := seen[id]; f != nil && (c.Line == 0 || f.line < c.Line) {
					c.Count, c.Line, c.AtMS, c.Passed, c.Message = f.count, f.line, f.at, true, ""
				}
			}
			r.Checks = append(r.Checks, c)
		}
	}
	return r
}

func nearMiss(n verify.NearMiss) NearMiss {
	return NearMiss{Marker: n.Marker, Line: n.Line, Text: n.Text, Reason: n.Reason, Fix: n.Fix}
}

// JSON renders r with 2-space indentation and a trailing newline.
func (r *Report) JSON() []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(r); err != nil {
		// Only plain values are encoded; this cannot happen.
		panic(err)
	}
	return b.Bytes()
}

// Text is what the CLI prints: one PASS line, or the failure with its
// phase, marker, line and excerpt. unit says how the run is measured
// ("in 0.8s" for run, "in 1234 lines" for verify).
func (r *Report) Text(unit string) string {
	if r.Verdict == string(verify.Pass) {
		return fmt.Sprintf("PASS: %d/%d markers %s\n", r.Found, r.Required, unit) + r.warningsText()
	}
	var b strings.Builder
	msg := ""
	if r.Failure != nil {
		msg = r.Failure.Message
	}
	if msg == "" {
		msg = "no detail from the verifier"
	}
	fmt.Fprintf(&b, "FAIL %s: %s\n", r.Verdict, printable(msg))
	if f := r.Failure; f != nil {
		if f.Phase != "" {
			fmt.Fprintf(&b, "  phase:   %s (first failed phase)\n", f.Phase)
		}
		if f.Marker != "" {
			fmt.Fprintf(&b, "  marker:  %s\n", f.Marker)
		}
		if f.Line > 0 {
			where := fmt.Sprint(f.Line)
			if r.Log != "" && r.Log != "-" {
				where = fmt.Sprintf("%s:%d", r.Log, f.Line)
			}
			fmt.Fprintf(&b, "  line:    %s\n", where)
		}
		if len(f.Excerpt) > 0 {
			b.WriteString("  excerpt:\n")
			for _, l := range f.numbered() {
				fmt.Fprintf(&b, "   %s\n", l)
			}
		}
		if len(f.NearMisses) > 0 {
			b.WriteString("  near misses (the marker's text, not accepted):\n")
			for _, n := range f.NearMisses {
				fmt.Fprintf(&b, "    line %d: %s\n      why: %s\n      fix: %s\n", n.Line, printable(n.Text), printable(n.Reason), n.Fix)
			}
		}
	}
	if len(r.Unexpected) > 1 {
		fmt.Fprintf(&b, "  unexpected markers (%d):\n", len(r.Unexpected))
		for _, u := range r.Unexpected {
			fmt.Fprintf(&b, "    line %d: %s\n", u.Line, printable(u.Marker))
		}
	}
	fmt.Fprintf(&b, "  markers: %d/%d required seen %s\n", r.Found, r.Required, unit)
	b.WriteString(r.warningsText())
	return b.String()
}

// warningsText lists the undeclared failure lines, "" when there are none.
func (r *Report) warningsText() string {
	if len(r.Warnings) == 0 {
		return ""
	}
	var b strings.Builder
	n := len(r.Warnings) + r.WarningsDropped
	fmt.Fprintf(&b, "  warning: %d undeclared failure line%s (declare them as diag markers if a good run prints them; failure_lines = \"fail\" fails on them):\n", n, plural(n))
	for _, w := range r.Warnings {
		where := fmt.Sprint(w.Line)
		if r.Log != "" && r.Log != "-" {
			where = fmt.Sprintf("%s:%d", r.Log, w.Line)
		}
		fmt.Fprintf(&b, "    %s: %s\n", where, printable(w.Text))
	}
	if r.WarningsDropped > 0 {
		fmt.Fprintf(&b, "    ... and %d more\n", r.WarningsDropped)
	}
	return b.String()
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
