package contract

import (
	"bytes"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/taskproof/taskproof/internal/verify"
)

// ErrNoBaseline is wrapped by Baseline's errors about the logs themselves:
// one is not known-good for the profile, or they share no marker.
var ErrNoBaseline = errors.New("no baseline")

// BaselineLog is one known-good console log.
type BaselineLog struct {
	Name string // how the generated file names it
	Data []byte
}

// BaselineOptions say what Baseline writes.
type BaselineOptions struct {
	// Base is the contract the overlay extends: its markers are the
	// candidates. Nil writes a contract of its own whose entries are the
	// value-free lines every log prints.
	Base *Contract
	// BasePath is written as [contract] extends (relative to where the
	// overlay will be saved).
	BasePath string
	// Profile is the profile the ladder is for; "" is the base's default
	// profile ("default" without a base).
	Profile string
	Logs    []BaselineLog
}

// Baseline writes a contract whose ladder requires what every one of the
// known-good logs shows, with order = true on the longest chain of entries
// whose first lines come in the same order in every log ("the orders they
// all agree on"). With a base, the candidates are the base's markers that
// the profile allows; a log in which a base marker is forbidden or
// unexpected is not known-good and is an error. Without a base, they are
// the lines (after the console-line model's prefix tokens) that carry no
// digit and report no failure.
func Baseline(o BaselineOptions) ([]byte, error) {
	if len(o.Logs) == 0 {
		return nil, fmt.Errorf("no log: a baseline is what known-good logs show; pass at least one")
	}
	profile := o.Profile
	var firsts []map[string]int // per log: entry -> first line
	var order []string          // candidates in the order of the first log
	if o.Base != nil {
		if profile == "" {
			profile = o.Base.DefaultProfile()
		}
		spec, err := o.Base.Resolution(profile)
		if err != nil {
			return nil, err
		}
		for _, l := range o.Logs {
			seen, err := baselineSeen(spec, l)
			if err != nil {
				return nil, err
			}
			firsts = append(firsts, seen)
		}
	} else {
		if profile == "" {
			profile = DefaultProfileName
		}
		for _, l := range o.Logs {
			seen := map[string]int{}
			verify.Lines(l.Data, func(line int, text string) {
				if _, dup := seen[text]; dup || len(text) < 3 || len(text) > 200 || strings.ContainsAny(text, "0123456789") || verify.ReportsFailure(text) {
					return
				}
				seen[text] = line
			})
			firsts = append(firsts, seen)
		}
	}
	for id := range firsts[0] {
		all := true
		for _, f := range firsts[1:] {
			if _, ok := f[id]; !ok {
				all = false
				break
			}
		}
		if all {
			order = append(order, id)
		}
	}
	if len(order) == 0 {
		return nil, fmt.Errorf("%w: the logs have no marker in common; nothing to require", ErrNoBaseline)
	}
	sort.Slice(order, func(i, j int) bool {
		a, b := firsts[0][order[i]], firsts[0][order[j]]
		if a != b {
			return a < b
		}
		return order[i] < order[j]
	})
	ordered := agreedChain(order, firsts)

	var b bytes.Buffer
	names := make([]string, len(o.Logs))
	for i, l := range o.Logs {
		names[i] = l.Name
	}
	fmt.Fprintf(&b, "# Written by taskproof contract baseline from %d known-good log(s):\n", len(o.Logs))
	for _, n := range names {
		fmt.Fprintf(&b, "#   %s\n", n)
	}
	b.WriteString("# The ladder requires what every log shows. order = true marks the longest chain\n")
	b.WriteString("# of entries whose first lines come in the same order in every log; the other\n")
	b.WriteString("# entries may appear in any order. Review it: drop lines that are not proof,\n")
	b.WriteString("# group lines a good run may leave out (see docs/contract.md, \"Overlays\").\n\n")
	b.WriteString("[contract]\nversion = 1\n")
	if o.Base != nil {
		fmt.Fprintf(&b, "extends = %s\n", tomlString(o.BasePath))
	}
	fmt.Fprintf(&b, "\n[ladder.%s]\n", tomlKey(profile))
	b.WriteString("entries = [\n")
	for _, e := range order {
		if ordered[e] {
			fmt.Fprintf(&b, "  { text = %s, order = true },\n", tomlString(e))
		} else {
			fmt.Fprintf(&b, "  %s,\n", tomlString(e))
		}
	}
	b.WriteString("]\n")
	return b.Bytes(), nil
}

// baselineSeen returns the first line of every marker the spec allows that
// the log shows, and fails on a marker the spec forbids or does not expect.
func baselineSeen(spec *verify.Spec, l BaselineLog) (map[string]int, error) {
	probe := &verify.Spec{LogPrefix: spec.LogPrefix, MaxLineBytes: spec.MaxLineBytes, Undeclared: spec.Undeclared, Forbidden: spec.Forbidden, Unexpected: spec.Unexpected}
	for _, m := range spec.Markers {
		m.Required, m.Min, m.Max, m.After, m.AfterIfSeen = true, 1, 0, nil, nil
		probe.Markers = append(probe.Markers, m)
	}
	seen := map[string]int{}
	v, err := verify.New(probe, verify.Options{KeepMatching: true, MaxSeen: -1, OnObservation: func(o verify.Observation) {
		if _, dup := seen[o.Marker]; !dup && o.Class == "allowed" {
			seen[o.Marker] = o.Line
		}
	}})
	if err != nil {
		return nil, err
	}
	v.Write(l.Data)
	r := v.Finish(verify.End{})
	if r.Verdict == verify.Forbidden || r.Verdict == verify.Unexpected {
		return nil, fmt.Errorf("%w: %s is not a known-good log for this profile: %s at line %d: %s", ErrNoBaseline, l.Name, r.Verdict, r.Failure.Line, r.Failure.Message)
	}
	return seen, nil
}

// agreedChain returns the longest chain of entries (in the first log's
// order) whose first lines increase in every log.
func agreedChain(order []string, firsts []map[string]int) map[string]bool {
	n := len(order)
	best := make([]int, n)
	prev := make([]int, n)
	before := func(a, b string) bool {
		for _, f := range firsts {
			if f[a] >= f[b] {
				return false
			}
		}
		return true
	}
	end := -1
	for i := range order {
		best[i], prev[i] = 1, -1
		for j := 0; j < i; j++ {
			if best[j]+1 > best[i] && before(order[j], order[i]) {
				best[i], prev[i] = best[j]+1, j
			}
		}
		if end < 0 || best[i] > best[end] {
			end = i
		}
	}
	out := map[string]bool{}
	if end >= 0 && best[end] > 1 {
		for i := end; i >= 0; i = prev[i] {
			out[order[i]] = true
		}
	}
	return out
}

// tomlKey quotes a table key when it is not a bare key.
func tomlKey(s string) string {
	for i := 0; i < len(s); i++ {
		if !isBareKeyChar(s[i]) {
			return tomlString(s)
		}
	}
	if s == "" {
		return `""`
	}
	return s
}
