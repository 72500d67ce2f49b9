package contract

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

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
	r, err := c.resolve(profile)
	if err != nil {
		return nil, err
	}
	if requiresSomething(r.spec) {
		return r.spec, nil
	}
	p := r.leaf
	msg := fmt.Sprintf("profile %q requires no marker: nothing to prove is never a pass; require at least one marker of kind ok or ready", p.Name)
	if c.bottom().format != FormatTaskproof {
		msg = fmt.Sprintf("profile %q requires no marker: a proof-manifest does not say which markers must appear (upstream keeps that list in its harness); state the ladder in an overlay (taskproof contract baseline LOG... writes one)", p.Name)
	}
	return nil, &Error{File: p.File, Line: p.Line, Err: ErrNothingRequired, Msg: msg}
}

// requiresSomething reports whether a spec can fail for want of a marker:
// a required marker, or a group that always applies.
func requiresSomething(spec *verify.Spec) bool {
	for _, m := range spec.Markers {
		if m.Required {
			return true
		}
	}
	for _, g := range spec.Groups {
		if len(g.Triggers) == 0 {
			return true
		}
	}
	return false
}

// Resolution is Resolve without the empty-required check, for listing what
// a profile contains even when it proves nothing.
func (c *Contract) Resolution(profile string) (*verify.Spec, error) {
	r, err := c.resolve(profile)
	if err != nil {
		return nil, err
	}
	return r.spec, nil
}

// resolution is one resolved profile.
type resolution struct {
	spec *verify.Spec
	leaf *profileDecl
	// chain is the profile's extends chain, root first.
	chain []*profileDecl
	// fallback are the indexes in spec.Groups of the groups that stand in
	// for a ladder the contract does not state (a proof-manifest's
	// completion rule); a ladder replaces them.
	fallback []int
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

// Markers is the number of markers the contract declares (an overlay's
// base's included).
func (c *Contract) Markers() int {
	n := 0
	for k := c; k != nil; k = k.base {
		n += len(k.markers)
	}
	return n
}

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

// statuses computes every marker's status in the profile chain, and why:
// the rule that decided it, with its file and line.
func (c *Contract) statuses(chain []*profileDecl) ([]status, []string) {
	out := make([]status, len(c.markers))
	why := make([]string, len(c.markers))
	if c.format != FormatTaskproof {
		gates := manifestGates(chain)
		for i, m := range c.markers {
			out[i], why[i] = manifestStatus(m, chain, gates)
		}
		return out, why
	}
	for i, m := range c.markers {
		out[i], why[i] = nativeStatus(m, chain)
	}
	return out, why
}

// nativeStatus walks the chain for one marker of our own format: its
// status (explicit, else its kind's default), unexpected while its
// profiles list names no profile of the chain reached so far, and each
// profile's require/allow/forbid/remove lists.
func nativeStatus(m *markerDecl, chain []*profileDecl) (status, string) {
	base := m.Status
	baseWhy := fmt.Sprintf("status = %q at %s:%d", m.Status, m.File, m.StatusLine)
	if base == stUnset {
		base = kindDefault(m.Kind)
		baseWhy = fmt.Sprintf("kind %s (%s by default) at %s:%d", m.Kind, base, m.File, m.Line)
	}
	s, why := base, baseWhy
	if len(m.Profiles) > 0 {
		s = stUnexpected
		why = fmt.Sprintf("profiles at %s:%d names no profile of this chain", m.Profiles[0].File, m.Profiles[0].Line)
	}
	for _, p := range chain {
		for _, r := range m.Profiles {
			if r.Name == p.Name {
				s, why = base, fmt.Sprintf("%s; profiles names %s at %s:%d", baseWhy, p.Name, r.File, r.Line)
			}
		}
		for _, e := range p.Edits {
			for _, r := range e.IDs {
				if r.Name == m.ID {
					s, why = e.To, fmt.Sprintf("profile %s: %s at %s:%d", p.Name, editKey(e.To), r.File, r.Line)
				}
			}
		}
	}
	return s, why
}

// gate is an upstream env gate: a profile of the chain whose own env sets
// a REQUIRE_* variable to 1.
type gate struct {
	key        string
	file       string
	line       int
	profile    string
	declaredBy *profileDecl
}

// manifestGates returns, by profile name, the first REQUIRE_* = "1" gate
// each profile of the chain declares in its own env.
func manifestGates(chain []*profileDecl) map[string]gate {
	out := map[string]gate{}
	for _, p := range chain {
		keys := make([]string, 0, len(p.Env))
		for k := range p.Env {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if strings.HasPrefix(k, "REQUIRE_") && isTruthy(p.Env[k]) {
				out[p.Name] = gate{key: k, file: p.File, line: p.EnvLine, profile: p.Name, declaredBy: p}
				break
			}
		}
	}
	return out
}

func isTruthy(v string) bool {
	switch strings.ToLower(v) {
	case "1", "true", "yes", "on":
		return true
	}
	return false
}

// manifestStatus is what upstream's harness makes of a marker, with extends
// honoured (a gate naming a profile covers the profiles extending it, the
// way they inherit its env):
//   - forbidden_when names the chain: forbidden (verify-uart);
//   - the literal says FAIL (kind fail): forbidden, taskproof's rule (upstream
//     lets its FAIL lines pass);
//   - emit_when names no profile of the chain, or emit_when_not names one:
//     unexpected (verify-uart's deny-by-default);
//   - emit_when names a profile whose env sets a REQUIRE_* gate to 1:
//     required (the harness requires the markers only emitted under the
//     profile it gates, as REQUIRE_SMP=1 requires the smp markers);
//   - anything else is allowed: `proves` and ok/ready wording are
//     documentation, and the manifest says nothing about presence.
func manifestStatus(m *markerDecl, chain []*profileDecl, gates map[string]gate) (status, string) {
	at := func(rs []ref) string { return position(rs[0].File, rs[0].Line) }
	for _, p := range chain {
		if refsHave(m.ForbiddenWhen, p.Name) {
			return stForbidden, "forbidden_when names " + p.Name + " at " + at(m.ForbiddenWhen)
		}
	}
	if m.Kind == verify.KindFail {
		return stForbidden, "the literal reports a failure (kind fail) at " + position(m.File, m.Line)
	}
	if len(m.EmitWhen) > 0 {
		// A gate covers the profile that declares it and the profiles
		// extending it: a marker only emitted under such a profile is
		// required.
		named := false
		var active *gate
		for _, p := range chain {
			if g, ok := gates[p.Name]; ok && active == nil {
				active = &g
			}
			if refsHave(m.EmitWhen, p.Name) {
				named = true
				if active != nil {
					return stRequired, fmt.Sprintf("emit_when names %s at %s and profile %s sets %s = %q at %s:%d", p.Name, at(m.EmitWhen), active.profile, active.key, active.declaredBy.Env[active.key], active.file, active.line)
				}
			}
		}
		if !named {
			return stUnexpected, "emit_when at " + at(m.EmitWhen) + " names no profile of this chain"
		}
	}
	for _, p := range chain {
		if refsHave(m.EmitWhenNot, p.Name) {
			return stUnexpected, "emit_when_not names " + p.Name + " at " + at(m.EmitWhenNot)
		}
	}
	return stAllowed, "declared at " + position(m.File, m.Line) + " (a proof-manifest does not say which markers must appear)"
}

// position is file:line. Every marker of a manifest gets a reason naming
// one, so it is built without fmt.
func position(file string, line int) string {
	return file + ":" + strconv.Itoa(line)
}

func refsHave(rs []ref, name string) bool {
	for _, r := range rs {
		if r.Name == name {
			return true
		}
	}
	return false
}

func (c *Contract) resolve(profile string) (*resolution, error) {
	if c.base != nil {
		return c.resolveOverlay(profile)
	}
	if err := c.problemsError(); err != nil {
		return nil, err
	}
	chain, err := c.chain(profile)
	if err != nil {
		return nil, err
	}
	leaf := chain[len(chain)-1]
	st, why := c.statuses(chain)

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
	// idx maps an id to its index in spec.Markers, for order edges. It is
	// built whatever the contract holds: an edge whose id it lacks is
	// taken as moot, so a missing index would drop constraints silently.
	idx := make(map[string]int, len(c.markers))
	// Sized up front: a manifest has hundreds of markers. Lists that stay
	// empty stay nil.
	var n [stForbidden + 1]int
	for _, s := range st {
		n[min(s, stForbidden)]++
	}
	spec.Markers = presized(n[stRequired] + n[stAllowed])
	spec.Unexpected = presized(n[stUnset] + n[stUnexpected])
	for i, m := range c.markers {
		vm := verify.Marker{
			ID: m.ID, Text: m.Text, Mode: m.Mode, Pattern: m.Pattern, Kind: m.Kind,
			Phase: m.Phase.Name, Max: m.Max, Source: m.File, Line: m.Line, Why: why[i],
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
			return &Error{File: to.File, Line: to.Line, Msg: fmt.Sprintf("%s: %q must come after %q, but %q is %s in profile %q, so %q could never pass; allow or require %q in this profile or drop the constraint", what, from, to.Name, to.Name, statusOf(c.markers, st, to.Name), leaf.Name, from, to.Name)}
		}
		spec.Markers[i].After = append(spec.Markers[i].After, to.Name)
		return nil
	}
	for _, m := range c.markers {
		for _, r := range m.After {
			if err := edge(m.ID, r, "after"); err != nil {
				return nil, err
			}
		}
	}
	for _, r := range c.rules {
		for _, t := range r.Then {
			if err := edge(r.If.Name, t, "rule"); err != nil {
				return nil, err
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
		m := c.byID[cyc[0]]
		return nil, &Error{File: m.File, Line: m.Line, Msg: fmt.Sprintf("order cycle in profile %q: %s; no log can satisfy it", leaf.Name, strings.Join(append(cyc, cyc[0]), " after "))}
	}
	r := &resolution{spec: spec, leaf: leaf, chain: chain}
	if c.format != FormatTaskproof {
		c.presenceGroup(r)
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
	spec.FailureLines = c.failureLines
	if l := c.ladderFor(r.chain); l != nil {
		if err := c.applyLadder(spec, l, r); err != nil {
			return nil, err
		}
		idx := map[string]int{}
		for i, m := range spec.Markers {
			idx[m.ID] = i
		}
		if cyc := findCycle(spec.Markers, idx); len(cyc) > 0 {
			m := spec.Markers[idx[cyc[0]]]
			return nil, &Error{File: m.Source, Line: m.Line, Msg: fmt.Sprintf("order cycle in profile %q: %s; no log can satisfy it", leaf.Name, strings.Join(append(cyc, cyc[0]), " after "))}
		}
	}
	return r, nil
}

// statusOf is the status (in st) of the marker with id, stUnset when
// none has it.
func statusOf(markers []*markerDecl, st []status, id string) status {
	for i, m := range markers {
		if m.ID == id {
			return st[i]
		}
	}
	return stUnset
}

// presized returns an empty list with room for n markers, nil for none.
func presized(n int) []verify.Marker {
	if n == 0 {
		return nil
	}
	return make([]verify.Marker, 0, n)
}

// presenceGroup adds a proof-manifest's presence rule. The manifest does
// not say which markers must appear (upstream keeps that list in its
// harness), and nothing to prove is never a pass, so a run must at least
// print one marker the profile expects: an empty or foreign log never
// passes. It is deliberately weak; a ladder (an overlay) replaces it.
func (c *Contract) presenceGroup(r *resolution) {
	members := make([]string, 0, len(r.spec.Markers))
	for _, m := range r.spec.Markers {
		if !m.Required {
			members = append(members, m.ID)
		}
	}
	if len(members) == 0 {
		return
	}
	r.fallback = append(r.fallback, len(r.spec.Groups))
	r.spec.Groups = append(r.spec.Groups, verify.Group{
		ID: "the manifest's markers", Members: members, AnyOf: true,
		Why: fmt.Sprintf("taskproof's presence rule for a proof-manifest (%s): the manifest does not say which markers must appear, so at least one it allows in profile %q must; state the ladder in an overlay (taskproof contract baseline)", c.root, r.leaf.Name),
	})
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
	var stack []frame
	for start := range ms {
		if color[start] != white {
			continue
		}
		stack = append(stack[:0], frame{start, 0})
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
		if !ok || ns == "" || !upperCase(ns) {
			continue
		}
		if !seen[ns] {
			seen[ns] = true
			out = append(out, ns+": ")
		}
	}
	sort.Strings(out)
	return out
}

// upperCase reports whether s has an upper-case letter and no lower-case
// one (it changes when lowered, not when uppered); ASCII without
// allocating, as every marker of a manifest asks.
func upperCase(s string) bool {
	upper := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= utf8.RuneSelf:
			return strings.ToUpper(s) == s && strings.ToLower(s) != s
		case 'a' <= c && c <= 'z':
			return false
		case 'A' <= c && c <= 'Z':
			upper = true
		}
	}
	return upper
}
