package contract

import (
	"errors"
	"fmt"
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
	{"substring-overlap", "a substring marker wins another marker's line, so that marker is never counted (a forbidden text inside it: its line always fails)"},
	{"prefix-overlap", "a prefix marker wins another marker's line, so that marker is never counted"},
	{"regex-overlap", "a regex marker wins another marker's line, so that marker is never counted"},
	{"unknown-group", "a ladder entry names a group the ladder does not declare"},
	{"run-varying", "text with timestamps, hex addresses, UUIDs or long digit runs, which change between runs"},
	{"stub-as-ok", "an ok/ready marker whose text says stub or placeholder"},
	{"stub-says-ok", "a stub marker whose text says ok"},
	{"fail-as-ok", "an ok/ready marker whose text says FAIL"},
	{"empty-phase", "a declared phase without markers"},
}

var (
	reHexAddr   = lazyRegexp(`0[xX][0-9a-fA-F]{4,}`)
	reUUID      = lazyRegexp(`[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}`)
	reTimestamp = lazyRegexp(`\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}|\b\d{1,2}:\d{2}:\d{2}\b|^\[\s*\d+\.\d+\]`)
	reDigitRun  = lazyRegexp(`\d{5,}`)
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
			case reHexAddr().MatchString(m.Text):
				add(SeverityError, m.File, m.Line, "run-varying", "marker %q contains a hex address %q, which changes between runs; cut the text before it and use match = \"prefix\", or use a regex", m.ID, reHexAddr().FindString(m.Text))
			case reUUID().MatchString(m.Text):
				add(SeverityError, m.File, m.Line, "run-varying", "marker %q contains a UUID, which changes between runs; use a regex", m.ID)
			case reTimestamp().MatchString(m.Text):
				add(SeverityError, m.File, m.Line, "run-varying", "marker %q contains a timestamp %q, which changes between runs; drop it from the marker", m.ID, reTimestamp().FindString(m.Text))
			case reDigitRun().MatchString(m.Text):
				add(SeverityWarning, m.File, m.Line, "run-varying", "marker %q contains the digit run %q, likely a counter or id that changes between runs", m.ID, reDigitRun().FindString(m.Text))
			}
		}
		claim := m.Text
		if m.Mode == verify.Regex {
			claim = "" // a pattern's words are not a claim
		}
		switch m.Kind {
		case verify.KindOK, verify.KindReady:
			if reStubWord().MatchString(claim) {
				add(SeverityError, m.File, m.Line, "stub-as-ok", "marker %q is kind %s but its text says %q; a stub is never a success: use kind = \"stub\"", m.ID, m.Kind, reStubWord().FindString(claim))
			} else if reFAILWord().MatchString(claim) {
				add(SeverityError, m.File, m.Line, "fail-as-ok", "marker %q is kind %s but its text says FAIL; use kind = \"fail\"", m.ID, m.Kind)
			}
		case verify.KindStub:
			if reOKWord().MatchString(claim) {
				add(SeverityError, m.File, m.Line, "stub-says-ok", "stub marker %q says %q; a stub must not claim success: say stub or placeholder instead", m.ID, reOKWord().FindString(claim))
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
			if !requiresSomething(spec) {
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

// lintOverlaps flags a marker whose line is never counted as that marker
// because another marker also matches it and wins: a forbidden text
// inside it (the line always fails), a prefix that beats a substring, an
// allowed text that hides an unexpected one. Markers that merely contain
// one another are fine: the verifier counts a line as its most specific
// marker ("init: start keystored", never "init: start"), so that overlap
// changes nothing and is not reported.
func lintOverlaps(c *Contract, add func(Severity, string, int, string, string, ...any)) {
	if c.problemsError() != nil {
		return
	}
	type cand struct {
		m     verify.Marker
		class int // 0 forbidden, 1 allowed, 2 unexpected: the verifier's order
		decl  int
	}
	type pair struct{ a, b string }
	type hit struct {
		profiles    []string
		severe      bool
		why         string
		a, b        verify.Marker
		aDeclaredAt string
	}
	found := map[pair]*hit{}
	var order []pair
	for _, name := range c.Profiles() {
		spec, err := c.Resolution(name)
		if err != nil {
			continue // reported as a resolution finding
		}
		var all []cand
		for i, m := range spec.Markers {
			all = append(all, cand{m, 1, i})
		}
		for i, m := range spec.Forbidden {
			all = append(all, cand{m, 0, i})
		}
		for i, m := range spec.Unexpected {
			all = append(all, cand{m, 2, i})
		}
		for _, b := range all {
			if b.m.Mode == verify.Regex || b.class == 0 {
				continue // a failure line failing is never a problem
			}
			line := b.m.Text
			for _, a := range all {
				if a.m.ID == b.m.ID || a.m.Text == b.m.Text || a.m.Source == "(default)" {
					continue
				}
				if !matches(a.m.Mode, a.m.Text, a.m.Pattern, line) {
					continue
				}
				// Does a win b's line? Class first, then mode, then length.
				wins := a.class < b.class
				if a.class == b.class {
					switch {
					case a.m.Mode != b.m.Mode:
						wins = a.m.Mode < b.m.Mode
					case a.m.Mode == verify.Regex:
						wins = a.decl < b.decl
					default:
						wins = len(a.m.Text) > len(b.m.Text)
					}
				}
				if !wins {
					continue
				}
				k := pair{a.m.ID, b.m.ID}
				h := found[k]
				if h == nil {
					h = &hit{a: a.m, b: b.m}
					switch {
					case a.class == 0:
						h.why = fmt.Sprintf("it holds the forbidden text %q, so its line fails the run", a.m.Text)
					case b.class == 2:
						h.why = fmt.Sprintf("its line counts as %q (allowed there), so printing it where it is unexpected goes unnoticed", a.m.ID)
					default:
						h.why = fmt.Sprintf("its line counts as %q (%s match beats %s)", a.m.ID, a.m.Mode, b.m.Mode)
					}
					found[k] = h
					order = append(order, k)
				}
				h.profiles = append(h.profiles, name)
				if b.m.Required || a.class == 0 && b.class == 1 {
					h.severe = true
				}
			}
		}
	}
	for _, k := range order {
		h := found[k]
		sev := SeverityWarning
		if h.severe {
			sev = SeverityError
		}
		rule := map[verify.Mode]string{verify.Substring: "substring-overlap", verify.Prefix: "prefix-overlap", verify.Regex: "regex-overlap", verify.Exact: "substring-overlap"}[h.a.Mode]
		where := "profile " + h.profiles[0]
		if n := len(h.profiles); n > 1 {
			where = fmt.Sprintf("profiles %s and %d more", h.profiles[0], n-1)
		}
		add(sev, h.a.Source, h.a.Line, rule, "marker %q (%s:%d) is never counted in %s: %s; make the texts distinct or match one of them exactly", h.b.ID, h.b.Source, h.b.Line, where, h.why)
	}
}
