package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/taskproof/taskproof/internal/contract"
	"github.com/taskproof/taskproof/internal/repo"
	"github.com/taskproof/taskproof/internal/verify"
)

const contractHelp = `The marker contract says which console markers a run must, may and must not
print, per profile (docs/contract.md). It is taskproof's own TOML format
([contract] version = 1) or an upstream proof-manifest tree (manifest.toml
with [meta] and [include]), detected automatically.

Subcommands:
  lint   check the contract: unknown references, duplicates, overlapping
         markers, run-varying text, extends cycles, profiles that require
         nothing; exit 0 clean (warnings allowed), 1 errors, 2 unreadable
         or invalid contract
  list   the required, allowed, forbidden and unexpected markers of one
         profile, resolved through extends, with phase, kind, match mode
         and the file:line that declares each; exit 0, 2 on errors

The contract is --contract FILE, or [proof] contract from the repository's
taskproof.toml (default proof/contract.toml under --root).

Run 'taskproof contract lint --help' or 'taskproof contract list --help'.`

// contractLintOptions are the inputs of `taskproof contract lint`.
type contractLintOptions struct {
	Contract string // contract file; "" = [proof] contract of the repository
	Root     string
	Format   string // text or json
}

const contractLintHelp = `Checks the marker contract and prints one finding per line as
file:line: severity rule: message; a summary goes to stderr. The rules are
listed in docs/contract.md. --format json prints {"contract", "format",
"hash", "files", "findings", "counts"}.

Exit codes: 0 no error findings (warnings allowed), 1 errors found,
2 usage error, unreadable or invalid contract.`

func cmdContractLint(ctx context.Context, env *cliEnv, args []string) error {
	o := contractLintOptions{}
	fs := newFlagSet(env, "contract lint", "contract lint [--contract FILE] [--root DIR] [--format text|json]", contractLintHelp)
	fs.StringVar(&o.Contract, "contract", "", "contract `FILE` (default: [proof] contract of taskproof.toml under --root)")
	fs.rootFlag(&o.Root)
	fs.formatFlag(&o.Format, "text", "json")
	pos, err := fs.parse(args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("unexpected argument %q; pass the contract with --contract", pos[0])
	}
	return runContractLint(ctx, o, env)
}

// openContract loads the --contract file, or the repository's
// configured contract: the one locate-and-load policy of package repo.
func openContract(file, root string) (*repo.Contract, error) {
	r := repo.Open(root)
	var c *repo.Contract
	var err error
	if file == "" {
		c, err = r.Contract()
	} else {
		c, err = r.ContractFile(file)
	}
	var missing *repo.MissingContractError
	switch {
	case errors.As(err, &missing) && file == "":
		return nil, usagef("no marker contract at %s; create it (see docs/contract.md), set [proof] contract in taskproof.toml, or pass --contract FILE", missing.Path)
	case errors.As(err, &missing):
		return nil, usagef("cannot read contract %s: %v", missing.Path, missing.Err)
	}
	return c, err
}

// contractLintReport is the JSON document of `contract lint --format json`.
type contractLintReport struct {
	Contract string             `json:"contract"`
	Format   string             `json:"format"`
	Hash     string             `json:"hash"`
	Files    []string           `json:"files"`
	Findings []contract.Finding `json:"findings"`
	Counts   contractCounts     `json:"counts"`
}

type contractCounts struct {
	Error   int `json:"error"`
	Warning int `json:"warning"`
}

func runContractLint(ctx context.Context, o contractLintOptions, env *cliEnv) error {
	if err := checkFormat(o.Format, "text", "json"); err != nil {
		return err
	}
	lc, err := openContract(o.Contract, o.Root)
	if err != nil {
		return err
	}
	findings := contract.Lint(lc.Contract)
	var n contractCounts
	for i := range findings {
		findings[i].File = lc.Display(findings[i].File)
		if findings[i].Severity == contract.SeverityError {
			n.Error++
		} else {
			n.Warning++
		}
	}
	switch o.Format {
	case "json":
		files := lc.Files()
		for i := range files {
			files[i] = lc.Display(files[i])
		}
		if findings == nil {
			findings = []contract.Finding{}
		}
		err = writeJSON(env.stdout, contractLintReport{
			Contract: lc.Path, Format: string(lc.Format()), Hash: lc.Hash(),
			Files: files, Findings: findings, Counts: n,
		})
	default:
		var b strings.Builder
		for _, f := range findings {
			fmt.Fprintf(&b, "%s:%d: %s %s: %s\n", f.File, f.Line, f.Severity, f.Rule, f.Message)
		}
		_, err = io.WriteString(env.stdout, b.String())
	}
	if err != nil {
		return infra(fmt.Errorf("write output: %w", err))
	}
	fmt.Fprintf(env.stderr, "taskproof contract lint: %s (%s, %s, %s, %s): %s, %s\n",
		lc.Path, lc.Format(), countOf(len(lc.Files()), "file", "files"), countOf(len(lc.Profiles()), "profile", "profiles"),
		countOf(lc.Markers(), "marker", "markers"), countOf(n.Error, "error", "errors"), countOf(n.Warning, "warning", "warnings"))
	if n.Error > 0 {
		return silent(errFindings)
	}
	return nil
}

func countOf(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// contractListOptions are the inputs of `taskproof contract list`.
type contractListOptions struct {
	Contract string
	Root     string
	Profile  string // "" = the contract's default profile
	Format   string // text or json
}

const contractListHelp = `Resolves one profile (through extends) and lists its markers in four
groups: required (must appear, in order), allowed (may appear), forbidden
(fail the run at once: fail markers, forbidden patterns and the default
panic patterns) and unexpected (declared by the contract but not part of
this profile: seeing one fails the run). Each marker shows its phase, kind,
match mode, count, the markers it must follow and the file:line that
declares it. --format json prints the same as one object.

Exit codes: 0 listed, 2 usage error, unreadable or invalid contract, or an
unknown profile (the error lists the known ones).`

func cmdContractList(ctx context.Context, env *cliEnv, args []string) error {
	o := contractListOptions{}
	fs := newFlagSet(env, "contract list", "contract list [--contract FILE] [--profile P] [--root DIR] [--format text|json]", contractListHelp)
	fs.StringVar(&o.Contract, "contract", "", "contract `FILE` (default: [proof] contract of taskproof.toml under --root)")
	fs.StringVar(&o.Profile, "profile", "", "`PROFILE` to resolve (default: the contract's default profile)")
	fs.rootFlag(&o.Root)
	fs.formatFlag(&o.Format, "text", "json")
	pos, err := fs.parse(args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("unexpected argument %q; pass the contract with --contract", pos[0])
	}
	return runContractList(ctx, o, env)
}

// contractListing is the JSON document of `contract list --format json`.
type contractListing struct {
	Contract   string            `json:"contract"`
	Format     string            `json:"format"`
	Hash       string            `json:"hash"`
	Profile    string            `json:"profile"`
	Chain      []string          `json:"chain"`
	Env        map[string]string `json:"env"`
	Phases     []string          `json:"phases"`
	LogPrefix  string            `json:"log_prefix,omitempty"`
	Required   []listedMarker    `json:"required"`
	Allowed    []listedMarker    `json:"allowed"`
	Forbidden  []listedMarker    `json:"forbidden"`
	Unexpected []listedMarker    `json:"unexpected"`
}

type listedMarker struct {
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
}

func runContractList(ctx context.Context, o contractListOptions, env *cliEnv) error {
	if err := checkFormat(o.Format, "text", "json"); err != nil {
		return err
	}
	lc, err := openContract(o.Contract, o.Root)
	if err != nil {
		return err
	}
	c := lc
	chain, err := c.Chain(o.Profile)
	if err != nil {
		return lc.Wrap(err)
	}
	spec, err := c.Resolution(o.Profile)
	if err != nil {
		return lc.Wrap(err)
	}
	envv, err := c.Env(o.Profile)
	if err != nil {
		return lc.Wrap(err)
	}
	l := contractListing{
		Contract: lc.Path, Format: string(c.Format()), Hash: c.Hash(),
		Profile: chain[len(chain)-1], Chain: chain, Env: envv, Phases: spec.Phases,
		Required: []listedMarker{}, Allowed: []listedMarker{}, Forbidden: []listedMarker{}, Unexpected: []listedMarker{},
	}
	if l.Phases == nil {
		l.Phases = []string{}
	}
	if spec.LogPrefix != nil {
		l.LogPrefix = spec.LogPrefix.String()
	}
	item := func(m verify.Marker) listedMarker {
		src := m.Source
		if m.Line > 0 {
			src = lc.Display(m.Source)
		}
		return listedMarker{ID: m.ID, Text: m.Text, Phase: m.Phase, Kind: string(m.Kind), Match: m.Mode.String(),
			Min: m.Min, Max: m.Max, After: m.After, Source: src, Line: m.Line}
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
	rank := func(m listedMarker) int {
		if i, ok := phaseIdx[m.Phase]; ok {
			return i
		}
		return len(l.Phases) + 1
	}
	for _, g := range [][]listedMarker{l.Required, l.Allowed, l.Forbidden, l.Unexpected} {
		sort.SliceStable(g, func(i, j int) bool { return rank(g[i]) < rank(g[j]) })
	}
	if o.Format == "json" {
		err = writeJSON(env.stdout, l)
	} else {
		err = writeContractListText(env.stdout, l)
	}
	if err != nil {
		return infra(fmt.Errorf("write output: %w", err))
	}
	if len(l.Required) == 0 {
		fmt.Fprintf(env.stderr, "taskproof contract list: profile %q requires no marker: nothing to prove is never a pass, so run and verify refuse it\n", l.Profile)
	}
	return nil
}

func writeContractListText(w io.Writer, l contractListing) error {
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
		ms   []listedMarker
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
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func countRange(group string, m listedMarker) string {
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
