package proofrun

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/taskproof/taskproof/internal/contract"
	"github.com/taskproof/taskproof/internal/repo"
	"github.com/taskproof/taskproof/internal/verify"
)

// Markers is what a run checks: the resolved spec and where it came from.
type Markers struct {
	Spec *verify.Spec
	// Env is the contract profile's environment, added to the command's.
	Env map[string]string
	// Contract is the contract the spec comes from, nil in quick mode.
	Contract *repo.Contract
	// Profile is the profile checked ("" in quick mode).
	Profile string
}

// ContractPath is the path the contract was named by, "" in quick mode.
func (m *Markers) ContractPath() string {
	if m.Contract == nil {
		return ""
	}
	return m.Contract.Path
}

// FromContract resolves profile ("" is the contract's default) of c.
func FromContract(c *repo.Contract, profile string) (*Markers, error) {
	spec, err := c.Resolve(profile)
	if err != nil {
		return nil, c.Wrap(err)
	}
	env, err := c.Env(profile)
	if err != nil {
		return nil, c.Wrap(err)
	}
	if profile == "" {
		profile = c.DefaultProfile()
	}
	return &Markers{Spec: spec, Env: env, Contract: c, Profile: profile}, nil
}

// Markers resolves what the flags say to check: quick-mode markers, the
// contract of --contract, or the repository's configured contract. dir is
// the directory a --contract path is relative to: "" for the working
// directory (the command line), a root for a task's proof command, which
// runs there.
func (f *Flags) Markers(r *repo.Repo, dir string) (*Markers, error) {
	if f.quick() {
		if f.Contract != "" {
			return nil, errors.New("--contract cannot be combined with --expect, --expect-any or --forbid; put the markers in the contract, or drop --contract")
		}
		if f.Profile != "" {
			return nil, errors.New("--profile needs a contract; quick mode (--expect, --expect-any, --forbid) has no profiles")
		}
		spec, err := QuickSpec(f.Expect, f.ExpectAny, f.Forbid, f.Match)
		if err != nil {
			return nil, err
		}
		return &Markers{Spec: spec}, nil
	}
	if f.Match != "exact" {
		return nil, errors.New("--match applies to quick mode only (--expect, --expect-any, --forbid); a contract sets match modes per marker")
	}
	var c *repo.Contract
	var err error
	var missing *repo.MissingContractError
	switch {
	case f.Contract != "" && dir == "":
		c, err = r.ContractFile(f.Contract)
	case f.Contract != "":
		c, err = r.ContractFrom(dir, f.Contract)
	default:
		c, err = r.Contract()
		if errors.As(err, &missing) {
			return nil, fmt.Errorf("no markers to check: the contract %s does not exist; pass --contract FILE, or use quick mode with --expect TEXT", missing.Path)
		}
	}
	if errors.As(err, &missing) {
		return nil, fmt.Errorf("cannot read contract %s: %v", missing.Path, missing.Err)
	}
	if err != nil {
		return nil, err
	}
	return FromContract(c, f.Profile)
}

// QuickSpec builds a spec from quick-mode flags: --expect markers each
// after the previous one, --expect-any markers in any order, --forbid
// markers on top of the default forbidden set. match is how the texts
// match a console line: exact, prefix, substring or regex.
func QuickSpec(expect, expectAny, forbid []string, match string) (*verify.Spec, error) {
	mode, ok := map[string]verify.Mode{
		"exact": verify.Exact, "prefix": verify.Prefix, "substring": verify.Substring, "regex": verify.Regex,
	}[match]
	if !ok {
		return nil, fmt.Errorf("unknown --match %q; use one of: exact, prefix, substring, regex", match)
	}
	if len(expect)+len(expectAny) == 0 {
		return nil, errors.New("quick mode needs at least one --expect or --expect-any marker: nothing to prove is never a pass")
	}
	marker := func(flag, text string, kind verify.Kind) (verify.Marker, error) {
		if strings.TrimSpace(text) == "" {
			return verify.Marker{}, fmt.Errorf("%s %q is blank; give the marker text", flag, text)
		}
		m := verify.Marker{ID: text, Text: text, Mode: mode, Kind: kind, Source: flag}
		if mode == verify.Regex {
			re, err := regexp.Compile(text)
			if err != nil {
				return m, fmt.Errorf("%s %q is not a valid regular expression: %v", flag, text, err)
			}
			m.Pattern = re
		}
		return m, nil
	}
	spec := &verify.Spec{}
	seen := map[string]string{}
	prev := ""
	for i, list := range [][]string{expect, expectAny} {
		flag := [...]string{"--expect", "--expect-any"}[i]
		for _, text := range list {
			if f, dup := seen[text]; dup {
				return nil, fmt.Errorf("marker %q is given twice (%s and %s); give it once", text, f, flag)
			}
			seen[text] = flag
			m, err := marker(flag, text, verify.KindOK)
			if err != nil {
				return nil, err
			}
			m.Required = true
			if flag == "--expect" {
				if prev != "" {
					m.After = []string{prev}
				}
				prev = text
			}
			spec.Markers = append(spec.Markers, m)
		}
	}
	spec.Forbidden = contract.DefaultForbidden()
	ids := map[string]bool{}
	for _, m := range spec.Forbidden {
		ids[m.ID] = true
	}
	for _, text := range forbid {
		if f, dup := seen[text]; dup {
			return nil, fmt.Errorf("marker %q is both expected (%s) and forbidden (--forbid)", text, f)
		}
		m, err := marker("--forbid", text, verify.KindFail)
		if err != nil {
			return nil, err
		}
		if ids[m.ID] {
			continue
		}
		ids[m.ID] = true
		spec.Forbidden = append(spec.Forbidden, m)
	}
	return spec, nil
}

// ExitCode is the exit status run and verify document for a verdict, as
// their reports record it: 0 PASS, 3 INFRA, 4 TIMEOUT, 1 any other failure.
func ExitCode(v verify.Verdict) int {
	switch v {
	case verify.Pass:
		return 0
	case verify.Infra:
		return 3
	case verify.Timeout:
		return 4
	}
	return 1
}

// Errors a run's verdict maps to (see VerdictError).
var (
	// ErrFailed: the proof ran and failed (MISSING, ORDER, COUNT,
	// FORBIDDEN, UNEXPECTED, NO_OUTPUT, CRASH).
	ErrFailed = errors.New("proof failed")
	// ErrInfra: the command could not be started, or the run was
	// interrupted.
	ErrInfra = errors.New("infrastructure failure")
	// ErrTimeout: no verdict before the deadline.
	ErrTimeout = errors.New("timeout")
)

// VerdictError is nil for PASS and the matching sentinel otherwise.
func VerdictError(v verify.Verdict) error {
	switch v {
	case verify.Pass:
		return nil
	case verify.Infra:
		return ErrInfra
	case verify.Timeout:
		return ErrTimeout
	}
	return ErrFailed
}
