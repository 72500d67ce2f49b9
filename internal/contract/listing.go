package contract

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/taskproof/taskproof/internal/verify"
)

// The reports of `taskproof contract lint` and `contract list`. display
// turns a file name of the contract into the path a user opens.

// LintReport is what `contract lint` reports: the contract, its files and
// hash, every finding (files as a user opens them) and the counts.
type LintReport struct {
	Contract string     `json:"contract"`
	Format   string     `json:"format"`
	Hash     string     `json:"hash"`
	Files    []string   `json:"files"`
	Findings []Finding  `json:"findings"`
	Counts   LintCounts `json:"counts"`
}

type LintCounts struct {
	Error   int `json:"error"`
	Warning int `json:"warning"`
}

// NewLintReport lints c, named path.
func NewLintReport(c *Contract, path string, display func(string) string) *LintReport {
	findings := Lint(c)
	var n LintCounts
	for i := range findings {
		findings[i].File = display(findings[i].File)
		if findings[i].Severity == SeverityError {
			n.Error++
		} else {
			n.Warning++
		}
	}
	if findings == nil {
		findings = []Finding{}
	}
	files := c.Files()
	for i := range files {
		files[i] = display(files[i])
	}
	return &LintReport{Contract: path, Format: string(c.Format()), Hash: c.Hash(), Files: files, Findings: findings, Counts: n}
}

// Text is one finding per line: file:line: severity rule: message.
func (r *LintReport) Text() []byte {
	var b strings.Builder
	for _, f := range r.Findings {
		fmt.Fprintf(&b, "%s:%d: %s %s: %s\n", f.File, f.Line, f.Severity, f.Rule, f.Message)
	}
	return []byte(b.String())
}

// Summary is the one-line summary of a lint of c.
func (r *LintReport) Summary(c *Contract) string {
	return fmt.Sprintf("%s (%s, %s, %s, %s): %s, %s",
		r.Contract, c.Format(), countOf(len(c.Files()), "file", "files"), countOf(len(c.Profiles()), "profile", "profiles"),
		countOf(c.Markers(), "marker", "markers"), countOf(r.Counts.Error, "error", "errors"), countOf(r.Counts.Warning, "warning", "warnings"))
}

func countOf(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// Listing is what `contract list` reports: one profile resolved through
// extends, its markers in four groups in phase order.
type Listing struct {
	Contract   string            `json:"contract"`
	Format     string            `json:"format"`
	Hash       string            `json:"hash"`
	Profile    string            `json:"profile"`
	Chain      []string          `json:"chain"`
	Env        map[string]string `json:"env"`
	Phases     []string          `json:"phases"`
	LogPrefix  string            `json:"log_prefix,omitempty"`
	Required   []ListedMarker    `json:"required"`
	Allowed    []ListedMarker    `json:"allowed"`
	Forbidden  []ListedMarker    `json:"forbidden"`
	Unexpected []ListedMarker    `json:"unexpected"`
	Groups     []ListedGroup     `json:"groups"`
}

// ListedGroup is a requirement on a set of markers (verify.Group).
type ListedGroup struct {
	ID       string   `json:"id"`
	AnyOf    bool     `json:"any_of"`
	Members  []string `json:"members"`
	Triggers []string `json:"when,omitempty"`
	Why      string   `json:"why"`
}

// ListedMarker is one marker of a Listing.
type ListedMarker struct {
	ID     string   `json:"id"`
	Text   string   `json:"text"`
	Phase  string   `json:"phase,omitempty"`
	Kind   string   `json:"kind"`
	Match  string   `json:"match"`
	Min    int      `json:"min,omitempty"`
	Max    int      `json:"max,omitempty"`
	After  []string `json:"after,omitempty"`
	Source string   `json:"source"`
	Line   int      `json:"line,omitempty"`
	// Why is the rule that gave the marker its status, with file:line.
	Why string `json:"why,omitempty"`
}

// NewListing resolves profile ("" for the default) of c, named path.
func NewListing(c *Contract, profile, path string, display func(string) string) (*Listing, error) {
	chain, err := c.Chain(profile)
	if err != nil {
		return nil, err
	}
	spec, err := c.Resolution(profile)
	if err != nil {
		return nil, err
	}
	envv, err := c.Env(profile)
	if err != nil {
		return nil, err
	}
	l := &Listing{
		Contract: path, Format: string(c.Format()), Hash: c.Hash(),
		Profile: chain[len(chain)-1], Chain: chain, Env: envv, Phases: spec.Phases,
		Required: []ListedMarker{}, Allowed: []ListedMarker{}, Forbidden: []ListedMarker{}, Unexpected: []ListedMarker{},
	}
	if l.Phases == nil {
		l.Phases = []string{}
	}
	if spec.LogPrefix != nil {
		l.LogPrefix = spec.LogPrefix.String()
	}
	item := func(m verify.Marker) ListedMarker {
		src := m.Source
		if m.Line > 0 {
			src = display(m.Source)
		}
		return ListedMarker{ID: m.ID, Text: m.Text, Phase: m.Phase, Kind: string(m.Kind), Match: m.Mode.String(),
			Min: m.Min, Max: m.Max, After: m.After, Source: src, Line: m.Line, Why: m.Why}
	}
	l.Groups = []ListedGroup{}
	for _, g := range spec.Groups {
		l.Groups = append(l.Groups, ListedGroup{ID: g.ID, AnyOf: g.AnyOf, Members: g.Members, Triggers: g.Triggers, Why: g.Why})
	}
	for _, m := range spec.Markers {
		if m.Required {
			l.Required = append(l.Required, item(m))
		} else {
			l.Allowed = append(l.Allowed, item(m))
		}
	}
	for _, m := range spec.Forbidden {
		l.Forbidden = append(l.Forbidden, item(m))
	}
	for _, m := range spec.Unexpected {
		l.Unexpected = append(l.Unexpected, item(m))
	}
	// Show each group in phase order (declaration order within a phase),
	// the order a reader expects the lines on the console.
	phaseIdx := map[string]int{}
	for i, p := range l.Phases {
		phaseIdx[p] = i + 1
	}
	rank := func(m ListedMarker) int {
		if i, ok := phaseIdx[m.Phase]; ok {
			return i
		}
		return len(l.Phases) + 1
	}
	for _, g := range [][]ListedMarker{l.Required, l.Allowed, l.Forbidden, l.Unexpected} {
		sort.SliceStable(g, func(i, j int) bool { return rank(g[i]) < rank(g[j]) })
	}
	return l, nil
}

// Text is the readable form of a Listing.
func (l *Listing) Text() []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "contract: %s (%s, %s)\n", l.Contract, l.Format, l.Hash)
	fmt.Fprintf(&b, "profile:  %s", l.Profile)
	if len(l.Chain) > 1 {
		fmt.Fprintf(&b, " (extends %s)", strings.Join(reverse(l.Chain[:len(l.Chain)-1]), " < "))
	}
	b.WriteByte('\n')
	keys := make([]string, 0, len(l.Env))
	for k := range l.Env {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	envs := make([]string, len(keys))
	for i, k := range keys {
		envs[i] = k + "=" + l.Env[k]
	}
	fmt.Fprintf(&b, "env:      %s\n", orNone(strings.Join(envs, " ")))
	fmt.Fprintf(&b, "phases:   %s\n", orNone(strings.Join(l.Phases, ", ")))
	if l.LogPrefix != "" {
		fmt.Fprintf(&b, "prefix:   %s\n", l.LogPrefix)
	}
	for _, g := range []struct {
		name string
		ms   []ListedMarker
	}{{"required", l.Required}, {"allowed", l.Allowed}, {"forbidden", l.Forbidden}, {"unexpected", l.Unexpected}} {
		fmt.Fprintf(&b, "\n%s (%d)\n", g.name, len(g.ms))
		if len(g.ms) == 0 {
			continue
		}
		tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "  PHASE\tKIND\tMATCH\tCOUNT\tMARKER\tSOURCE\tAFTER")
		for _, m := range g.ms {
			src := m.Source
			if m.Line > 0 {
				src += ":" + strconv.Itoa(m.Line)
			}
			text := m.Text
			if m.ID != m.Text {
				text = m.ID + ": " + m.Text
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\t%s\t%s\n", orDash(m.Phase), m.Kind, m.Match, countRange(g.name, m), text, src, orDash(strings.Join(m.After, ", ")))
		}
		tw.Flush()
		if g.name == "required" {
			// Which rule made each marker required, with its file:line.
			for _, m := range g.ms {
				fmt.Fprintf(&b, "  why %s: %s\n", m.ID, orDash(m.Why))
			}
		}
	}
	if len(l.Groups) > 0 {
		fmt.Fprintf(&b, "\ngroups (%d)\n", len(l.Groups))
	}
	for _, gr := range l.Groups {
		what := "all of"
		if gr.AnyOf {
			what = "any of"
		}
		fmt.Fprintf(&b, "  %s: %s %d markers", gr.ID, what, len(gr.Members))
		if len(gr.Triggers) > 0 {
			fmt.Fprintf(&b, ", once one of these appears: %s", strings.Join(gr.Triggers, " | "))
		}
		fmt.Fprintf(&b, "\n    why: %s\n    members: %s\n", gr.Why, strings.Join(gr.Members, " | "))
	}
	return []byte(b.String())
}

func countRange(group string, m ListedMarker) string {
	if group != "required" && group != "allowed" {
		return "-"
	}
	switch {
	case m.Max > 0 && m.Min == m.Max:
		return strconv.Itoa(m.Min)
	case m.Max > 0:
		return strconv.Itoa(m.Min) + ".." + strconv.Itoa(m.Max)
	case group == "required":
		return strconv.Itoa(m.Min) + ".."
	}
	return "any"
}

func reverse(s []string) []string {
	out := make([]string, len(s))
	for i, v := range s {
		out[len(s)-1-i] = v
	}
	return out
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
