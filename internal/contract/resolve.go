package contract

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/taskproof/taskproof/internal/verify"
)

// ErrNothingRequired is wrapped by Resolve when a profile requires no
// marker: a verification that cannot fail to find anything proves nothing,
// so it is never allowed to pass.
var ErrNothingRequired = errors.New("nothing to prove")

// Resolve turns a profile ("" = the default profile) into the Spec the
// verifier checks: required and allowed markers with their order edges,
// forbidden markers (fail markers, forbidden_when, the default panic
// patterns) and unexpected markers (declared but not part of the profile).
// A contract with problems (see Lint), an unknown profile and a profile
// that requires nothing are errors.
func (c *Contract) Resolve(profile string) (*verify.Spec, error) {
	spec, name, err := c.resolve(profile)
	if err != nil {
		return nil, err
	}
	for _, m := range spec.Markers {
		if m.Required {
			return spec, nil
		}
	}
	p := c.profiles[name]
	return nil, &Error{File: p.File, Line: p.Line, Err: ErrNothingRequired,
		Msg: fmt.Sprintf("profile %q requires no marker: nothing to prove is never a pass; require at least one marker of kind ok or ready", name)}
}

// Resolution is Resolve without the empty-required check, for listing what
// a profile contains even when it proves nothing.
func (c *Contract) Resolution(profile string) (*verify.Spec, error) {
	spec, _, err := c.resolve(profile)
	return spec, err
}

// Chain returns the profile's extends chain, root first, ending with the
// profile itself ("" = default).
func (c *Contract) Chain(profile string) ([]string, error) {
	chain, err := c.chain(profile)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(chain))
	for i, p := range chain {
		out[i] = p.Name
	}
	return out, nil
}

// LogPrefix is the contract's log-prefix regex source, "" when none.
func (c *Contract) LogPrefix() string {
	if c.logPrefix == nil {
		return ""
	}
	return c.logPrefix.String()
}

// Markers is the number of markers the contract declares.
func (c *Contract) Markers() int { return len(c.markers) }

func (c *Contract) problemsError() error {
	for _, p := range c.problems {
		if p.Severity == SeverityError {
			n := 0
			for _, q := range c.problems {
				if q.Severity == SeverityError {
					n++
				}
			}
			more := ""
			if n > 1 {
				more = fmt.Sprintf(" (and %d more; run 'taskproof contract lint')", n-1)
			}
			return &Error{File: p.File, Line: p.Line, Msg: p.Message + more}
		}
	}
	return nil
}

func kindDefault(k verify.Kind) status {
	switch k {
	case verify.KindOK, verify.KindReady:
		return stRequired
	case verify.KindFail:
		return stForbidden
	}
	return stAllowed
}

// statuses computes every marker's status in the profile chain.
func (c *Contract) statuses(chain []*profileDecl) []status {
	out := make([]status, len(c.markers))
	names := map[string]bool{}
	for _, p := range chain {
		names[p.Name] = true
	}
	leaf := chain[len(chain)-1]
	if c.format != FormatTaskproof {
		phases := map[string]bool{}
		for _, r := range leaf.Phases {
			phases[r.Name] = true
		}
		for i, m := range c.markers {
			out[i] = manifestStatus(m, names, phases)
		}
		return out
	}
	edits := make([]map[string]status, len(chain))
	for i, p := range chain {
		edits[i] = map[string]status{}
		for _, e := range p.Edits {
			for _, r := range e.IDs {
				edits[i][r.Name] = e.To
			}
		}
	}
	for i, m := range c.markers {
		base := m.Status
		if base == stUnset {
			base = kindDefault(m.Kind)
		}
		s := base
		if len(m.Profiles) > 0 {
			s = stUnexpected
		}
		for j, p := range chain {
			if refsHave(m.Profiles, p.Name) {
				s = base
			}
			if e, ok := edits[j][m.ID]; ok {
				s = e
			}
		}
		out[i] = s
	}
	return out
}

// manifestStatus mirrors upstream's profile projection, with extends
// honoured (a gate naming a profile covers the profiles extending it):
// forbidden_when wins; fail markers are forbidden (upstream lets them
// pass as "expected"); a marker whose emit_when does not name the chain,
// or whose emit_when_not does, is unexpected; a marker that says what it
// `proves` and claims ok/ready is required (upstream never checks
// presence, so that is taskproof's reading); the rest are allowed.
func manifestStatus(m *markerDecl, chain, phases map[string]bool) status {
	switch {
	case refsAny(m.ForbiddenWhen, chain):
		return stForbidden
	case m.Kind == verify.KindFail:
		return stForbidden
	case len(m.EmitWhen) > 0 && !refsAny(m.EmitWhen, chain):
		return stUnexpected
	case refsAny(m.EmitWhenNot, chain):
		return stUnexpected
	case m.Proves != "" && (m.Kind == verify.KindOK || m.Kind == verify.KindReady) && (len(phases) == 0 || phases[m.Phase.Name]):
		return stRequired
	}
	return stAllowed
}

func refsHave(rs []ref, name string) bool {
	for _, r := range rs {
		if r.Name == name {
			return true
		}
	}
	return false
}

func refsAny(rs []ref, names map[string]bool) bool {
	for _, r := range rs {
		if names[r.Name] {
			return true
		}
	}
	return false
}

func (c *Contract) resolve(profile string) (*verify.Spec, string, error) {
	if err := c.problemsError(); err != nil {
		return nil, "", err
	}
	chain, err := c.chain(profile)
	if err != nil {
		return nil, "", err
	}
	leaf := chain[len(chain)-1]
	st := c.statuses(chain)

	spec := &verify.Spec{LogPrefix: c.logPrefix, MaxLineBytes: c.maxLineBytes, Undeclared: c.undeclaredNamespaces()}
	if len(leaf.Phases) > 0 {
		for _, r := range leaf.Phases {
			spec.Phases = append(spec.Phases, r.Name)
		}
	} else {
		for _, p := range c.phases {
			spec.Phases = append(spec.Phases, p.Name)
		}
	}
	idx := map[string]int{}       // id -> index in spec.Markers
	status := map[string]status{} // id -> status in this profile
	decl := map[string]*markerDecl{}
	for i, m := range c.markers {
		status[m.ID] = st[i]
		decl[m.ID] = m
		vm := verify.Marker{
			ID: m.ID, Text: m.Text, Mode: m.Mode, Pattern: m.Pattern, Kind: m.Kind,
			Phase: m.Phase.Name, Max: m.Max, Source: m.File, Line: m.Line,
		}
		switch st[i] {
		case stRequired:
			vm.Required = true
			vm.Min = max(m.Min, 1)
			idx[m.ID] = len(spec.Markers)
			spec.Markers = append(spec.Markers, vm)
		case stAllowed:
			idx[m.ID] = len(spec.Markers)
			spec.Markers = append(spec.Markers, vm)
		case stForbidden:
			vm.Max = 0
			spec.Forbidden = append(spec.Forbidden, vm)
		default:
			vm.Max = 0
			spec.Unexpected = append(spec.Unexpected, vm)
		}
	}

	// Explicit after and implication rules: "if X appears, Y must have
	// appeared before it" is an After edge on X.
	edge := func(from string, to ref, what string) error {
		i, ok := idx[from]
		if !ok {
			return nil // X cannot appear in this profile, the rule is moot
		}
		if _, ok := idx[to.Name]; !ok {
			return &Error{File: to.File, Line: to.Line, Msg: fmt.Sprintf("%s: %q must come after %q, but %q is %s in profile %q, so %q could never pass; allow or require %q in this profile or drop the constraint", what, from, to.Name, to.Name, status[to.Name], leaf.Name, from, to.Name)}
		}
		spec.Markers[i].After = append(spec.Markers[i].After, to.Name)
		return nil
	}
	for _, m := range c.markers {
		for _, r := range m.After {
			if err := edge(m.ID, r, "after"); err != nil {
				return nil, "", err
			}
		}
	}
	for _, r := range c.rules {
		for _, t := range r.Then {
			if err := edge(r.If.Name, t, "rule"); err != nil {
				return nil, "", err
			}
		}
	}

	if c.format == FormatTaskproof {
		c.phaseEdges(spec, idx)
	}
	for i := range spec.Markers {
		spec.Markers[i].After = dedupe(spec.Markers[i].After)
	}
	if cyc := findCycle(spec.Markers, idx); len(cyc) > 0 {
		m := decl[cyc[0]]
		return nil, "", &Error{File: m.File, Line: m.Line, Msg: fmt.Sprintf("order cycle in profile %q: %s; no log can satisfy it", leaf.Name, strings.Join(append(cyc, cyc[0]), " after "))}
	}

	// Forbidden patterns: the contract's own, then the defaults not dropped.
	spec.Forbidden = append(spec.Forbidden, c.forbid...)
	if !c.dropAll {
		dropped := map[string]bool{}
		for _, r := range c.drop {
			dropped[strings.TrimPrefix(r.Name, "default:")] = true
		}
		for _, d := range DefaultForbidden() {
			if !dropped[strings.TrimPrefix(d.ID, "default:")] {
				spec.Forbidden = append(spec.Forbidden, d)
			}
		}
	}
	return spec, leaf.Name, nil
}

// phaseEdges orders required markers by phase: in a strict phase each
// required marker follows the previous one; every required marker that
// has no predecessor inside its phase follows the last markers (those no
// other marker of the phase must precede) of the nearest earlier phase
// with required markers. Only immediate predecessors become edges, so a
// strict ladder stays a chain of n-1 edges.
func (c *Contract) phaseEdges(spec *verify.Spec, idx map[string]int) {
	var prevSinks []string
	for _, ph := range c.phases {
		var req []int
		for i, m := range spec.Markers {
			if m.Required && m.Phase == ph.Name {
				req = append(req, i)
			}
		}
		if len(req) == 0 {
			continue
		}
		if ph.Strict {
			for k := 1; k < len(req); k++ {
				spec.Markers[req[k]].After = append(spec.Markers[req[k]].After, spec.Markers[req[k-1]].ID)
			}
		}
		inPhase := map[string]bool{}
		for _, i := range req {
			inPhase[spec.Markers[i].ID] = true
		}
		hasPred := map[string]bool{}
		hasSucc := map[string]bool{}
		for _, i := range req {
			for _, a := range spec.Markers[i].After {
				if inPhase[a] && a != spec.Markers[i].ID {
					hasPred[spec.Markers[i].ID] = true
					hasSucc[a] = true
				}
			}
		}
		if c.phaseOrder && len(prevSinks) > 0 {
			for _, i := range req {
				if !hasPred[spec.Markers[i].ID] {
					spec.Markers[i].After = append(spec.Markers[i].After, prevSinks...)
				}
			}
		}
		prevSinks = prevSinks[:0:0]
		for _, i := range req {
			if !hasSucc[spec.Markers[i].ID] {
				prevSinks = append(prevSinks, spec.Markers[i].ID)
			}
		}
	}
}

func dedupe(list []string) []string {
	if len(list) < 2 {
		return list
	}
	seen := map[string]bool{}
	out := list[:0]
	for _, s := range list {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// findCycle returns the ids of one cycle in the After graph, or nil. It is
// iterative so a long ladder cannot exhaust the stack.
func findCycle(ms []verify.Marker, idx map[string]int) []string {
	const (
		white = iota
		grey
		black
	)
	color := make([]int, len(ms))
	parent := make([]int, len(ms))
	type frame struct{ node, next int }
	for start := range ms {
		if color[start] != white {
			continue
		}
		stack := []frame{{start, 0}}
		color[start] = grey
		parent[start] = -1
		for len(stack) > 0 {
			top := &stack[len(stack)-1]
			after := ms[top.node].After
			if top.next >= len(after) {
				color[top.node] = black
				stack = stack[:len(stack)-1]
				continue
			}
			j, ok := idx[after[top.next]]
			top.next++
			if !ok {
				continue
			}
			switch color[j] {
			case white:
				color[j] = grey
				parent[j] = top.node
				stack = append(stack, frame{j, 0})
			case grey:
				var cyc []string
				for k := top.node; k != j && k >= 0; k = parent[k] {
					cyc = append(cyc, ms[k].ID)
				}
				cyc = append(cyc, ms[j].ID)
				// cyc runs from the deepest node back to j; report it from j.
				for a, b := 0, len(cyc)-1; a < b; a, b = a+1, b-1 {
					cyc[a], cyc[b] = cyc[b], cyc[a]
				}
				return cyc
			}
		}
	}
	return nil
}

// undeclaredNamespaces is Spec.Undeclared. Our format lists them
// (`undeclared` in [contract]); for an upstream manifest they are the
// upper-case namespaces of its markers ("SELFTEST: ", "KSELFTEST: "),
// the proof namespaces its deny-by-default analyzer guards: a value-free
// line there that the profile does not declare is unexpected.
func (c *Contract) undeclaredNamespaces() []string {
	if c.format == FormatTaskproof {
		return c.undeclared
	}
	seen := map[string]bool{}
	var out []string
	for _, m := range c.markers {
		ns, _, ok := strings.Cut(m.Text, ": ")
		if !ok || ns == "" || strings.ToUpper(ns) != ns || strings.ToLower(ns) == ns {
			continue
		}
		if p := ns + ": "; !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	sort.Strings(out)
	return out
}
