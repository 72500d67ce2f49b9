package contract

import (
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/taskproof/taskproof/internal/verify"
)

// Severity of a finding.
type Severity string

// Severities: errors fail `contract lint` (exit 1), warnings do not.
const (
	SeverityError   Severity = "error"
	SeverityWarning Severity = "warning"
)

// Finding is one lint result with its position.
type Finding struct {
	Severity Severity `json:"severity"`
	File     string   `json:"file"`
	Line     int      `json:"line"`
	Rule     string   `json:"rule"`
	Message  string   `json:"message"`
}

func (f Finding) String() string {
	return fmt.Sprintf("%s:%d: %s: %s [%s]", f.File, f.Line, f.Severity, f.Message, f.Rule)
}

func findingLess(a, b Finding) bool {
	if a.File != b.File {
		return a.File < b.File
	}
	if a.Line != b.Line {
		return a.Line < b.Line
	}
	if a.Rule != b.Rule {
		return a.Rule < b.Rule
	}
	return a.Message < b.Message
}

// LintRules names every rule Lint applies, for documentation.
var LintRules = []struct{ Rule, What string }{
	{"duplicate-marker", "a marker id, or the same text and match mode, declared twice"},
	{"duplicate-phase", "a phase declared twice or two phases with the same order (proof-manifest)"},
	{"duplicate-profile", "a profile declared twice"},
	{"unknown-phase", "a marker, [phase.X] table or profile names a phase that is not declared"},
	{"unknown-profile", "extends, default_profile, profiles or a gate names a profile that is not declared"},
	{"unknown-marker", "after, a rule or a profile list names a marker that is not declared"},
	{"unknown-default", "drop_defaults names a default forbidden pattern that does not exist"},
	{"extends-cycle", "profiles extend each other in a cycle"},
	{"profile-conflict", "a profile lists one marker in two of require/allow/forbid/remove"},
	{"profile-shape", "a proof-manifest profile mixes runtime_only with runner, or phases without runtime_only"},
	{"bad-count", "min greater than max"},
	{"order-cycle", "order constraints that no log can satisfy"},
	{"order-unsatisfiable", "a marker must follow one that is forbidden or unexpected in a profile"},
	{"empty-required", "a profile requires no marker: nothing to prove is never a pass"},
	{"substring-overlap", "a substring marker is contained in another marker's text, so it is seen on that line too"},
	{"prefix-overlap", "a prefix marker starts another marker's text (an error when that one is a failure)"},
	{"regex-overlap", "a regex marker matches another marker's text"},
	{"run-varying", "text with timestamps, hex addresses, UUIDs or long digit runs, which change between runs"},
	{"stub-as-ok", "an ok/ready marker whose text says stub or placeholder"},
	{"stub-says-ok", "a stub marker whose text says ok"},
	{"fail-as-ok", "an ok/ready marker whose text says FAIL"},
	{"empty-phase", "a declared phase without markers"},
}

var (
	reHexAddr   = regexp.MustCompile(`0[xX][0-9a-fA-F]{4,}`)
	reUUID      = regexp.MustCompile(`[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}`)
	reTimestamp = regexp.MustCompile(`\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}|\b\d{1,2}:\d{2}:\d{2}\b|^\[\s*\d+\.\d+\]`)
	reDigitRun  = regexp.MustCompile(`\d{5,}`)
)

// Lint checks a contract: the problems found while loading, then the rules
// in LintRules. Findings are sorted by file, line and rule.
func Lint(c *Contract) []Finding {
	out := append([]Finding(nil), c.problems...)
	add := func(sev Severity, file string, line int, rule, format string, a ...any) {
		out = append(out, Finding{Severity: sev, File: file, Line: line, Rule: rule, Message: fmt.Sprintf(format, a...)})
	}

	// Duplicates by text (ids are checked at load).
	type key struct {
		mode verify.Mode
		text string
	}
	first := map[key]*markerDecl{}
	for _, m := range c.markers {
		k := key{m.Mode, m.Text}
		if prev, ok := first[k]; ok {
			add(SeverityError, m.File, m.Line, "duplicate-marker", "marker %q has the same text and match mode as %q at %s:%d", m.ID, prev.ID, prev.File, prev.Line)
			continue
		}
		first[k] = m
	}

	lintOverlaps(c, add)

	for _, m := range c.markers {
		if m.Mode != verify.Regex {
			switch {
			case reHexAddr.MatchString(m.Text):
				add(SeverityError, m.File, m.Line, "run-varying", "marker %q contains a hex address %q, which changes between runs; cut the text before it and use match = \"prefix\", or use a regex", m.ID, reHexAddr.FindString(m.Text))
			case reUUID.MatchString(m.Text):
				add(SeverityError, m.File, m.Line, "run-varying", "marker %q contains a UUID, which changes between runs; use a regex", m.ID)
			case reTimestamp.MatchString(m.Text):
				add(SeverityError, m.File, m.Line, "run-varying", "marker %q contains a timestamp %q, which changes between runs; drop it from the marker", m.ID, reTimestamp.FindString(m.Text))
			case reDigitRun.MatchString(m.Text):
				add(SeverityWarning, m.File, m.Line, "run-varying", "marker %q contains the digit run %q, likely a counter or id that changes between runs", m.ID, reDigitRun.FindString(m.Text))
			}
		}
		claim := m.Text
		if m.Mode == verify.Regex {
			claim = "" // a pattern's words are not a claim
		}
		switch m.Kind {
		case verify.KindOK, verify.KindReady:
			if reStubWord.MatchString(claim) {
				add(SeverityError, m.File, m.Line, "stub-as-ok", "marker %q is kind %s but its text says %q; a stub is never a success: use kind = \"stub\"", m.ID, m.Kind, reStubWord.FindString(claim))
			} else if reFAILWord.MatchString(claim) {
				add(SeverityError, m.File, m.Line, "fail-as-ok", "marker %q is kind %s but its text says FAIL; use kind = \"fail\"", m.ID, m.Kind)
			}
		case verify.KindStub:
			if reOKWord.MatchString(claim) {
				add(SeverityError, m.File, m.Line, "stub-says-ok", "stub marker %q says %q; a stub must not claim success: say stub or placeholder instead", m.ID, reOKWord.FindString(claim))
			}
		}
	}

	used := map[string]bool{}
	for _, m := range c.markers {
		used[m.Phase.Name] = true
	}
	for _, p := range c.phases {
		if !used[p.Name] {
			add(SeverityWarning, p.File, p.Line, "empty-phase", "phase %q has no markers", p.Name)
		}
	}

	// Per profile: resolution errors and the empty required set. Skipped
	// while load problems exist: Resolve refuses those contracts anyway.
	if c.problemsError() == nil {
		for _, name := range c.Profiles() {
			p := c.profiles[name]
			spec, err := c.Resolution(name)
			if err != nil {
				var pe *Error
				file, line := p.File, p.Line
				if errors.As(err, &pe) {
					file, line = pe.File, pe.Line
				}
				rule := "order-unsatisfiable"
				if strings.Contains(err.Error(), "order cycle") {
					rule = "order-cycle"
				}
				add(SeverityError, file, line, rule, "profile %q: %s", name, errMsg(err))
				continue
			}
			n := 0
			for _, m := range spec.Markers {
				if m.Required {
					n++
				}
			}
			if n == 0 {
				add(SeverityError, p.File, p.Line, "empty-required", "profile %q requires no marker: nothing to prove is never a pass; require at least one ok or ready marker", name)
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return findingLess(out[i], out[j]) })
	return dedupeFindings(out)
}

func errMsg(err error) string {
	var pe *Error
	if errors.As(err, &pe) {
		return pe.Msg
	}
	return err.Error()
}

func dedupeFindings(fs []Finding) []Finding {
	out := fs[:0]
	for i, f := range fs {
		if i > 0 && f == fs[i-1] {
			continue
		}
		out = append(out, f)
	}
	return out
}

// lintOverlaps flags markers that match another marker's line: the shorter
// one is then "seen" whenever the longer one is printed, the way upstream
// sees `ok` inside its own FAIL line.
func lintOverlaps(c *Contract, add func(Severity, string, int, string, string, ...any)) {
	bad := func(m *markerDecl) bool { return m.Kind == verify.KindFail }
	good := func(m *markerDecl) bool { return m.Kind == verify.KindOK || m.Kind == verify.KindReady }
	for _, a := range c.markers {
		for _, b := range c.markers {
			if a == b || b.Mode == verify.Regex || a.Text == b.Text {
				continue
			}
			switch a.Mode {
			case verify.Substring:
				if strings.Contains(b.Text, a.Text) {
					why := ""
					if bad(b) && good(a) {
						why = " (a success seen inside a failure line)"
					}
					add(SeverityError, a.File, a.Line, "substring-overlap", "marker %q (substring match) is also seen on every line of %q at %s:%d%s; use exact or prefix matching, or make the text unique", a.ID, b.ID, b.File, b.Line, why)
				}
			case verify.Prefix:
				if strings.HasPrefix(b.Text, a.Text) {
					if bad(b) && good(a) {
						add(SeverityError, a.File, a.Line, "prefix-overlap", "marker %q (prefix match) is also seen on the failure line %q at %s:%d; make the text longer or match exactly", a.ID, b.ID, b.File, b.Line)
					} else {
						add(SeverityWarning, a.File, a.Line, "prefix-overlap", "marker %q (prefix match) is also seen on the line of %q at %s:%d", a.ID, b.ID, b.File, b.Line)
					}
				}
			case verify.Regex:
				if a.Pattern != nil && b.Mode == verify.Exact && a.Pattern.MatchString(b.Text) {
					sev := SeverityWarning
					if bad(b) && good(a) {
						sev = SeverityError
					}
					add(sev, a.File, a.Line, "regex-overlap", "marker %q (regex) also matches %q at %s:%d", a.ID, b.ID, b.File, b.Line)
				}
			}
		}
	}
}
