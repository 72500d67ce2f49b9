package contract

import (
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/taskproof/taskproof/internal/verify"
)

// An overlay is a contract in our own format whose [contract] table says
// extends = "PATH": it adopts another contract (an upstream proof-manifest
// tree, or one of ours) and states on top of it, per profile, the required
// ladder that the base does not declare: entries in order, order checked
// only among the entries that say so, groups of entries required only once
// a trigger line appears. It may add markers (a diag marker silences an
// expected failure line), forbidden patterns, and require/allow/forbid/
// remove lists for the base's profiles. Profiles, phases and env come from
// the base.

// ladderDecl is the required ladder of one profile.
type ladderDecl struct {
	Profile  string
	Match    verify.Mode
	HasMatch bool
	Entries  []ladderEntry
	Groups   []*ladderGroup
	File     string
	Line     int
}

// ladderEntry is one required line of a ladder.
type ladderEntry struct {
	Text     string
	Order    bool   // order is checked among the entries that say so
	Group    string // required only once the group's trigger appeared
	Match    verify.Mode
	HasMatch bool
	File     string
	Line     int
}

// ladderGroup makes its entries required only once one of When appeared.
type ladderGroup struct {
	Name string
	When []ref
	File string
	Line int
}

var (
	overlayContractKeys = []string{"version", "extends", "default_profile", "log_prefix", "match", "include", "max_line_bytes", "undeclared", "failure_lines"}
	overlayProfileKeys  = []string{"env", "require", "allow", "forbid", "remove", "description"}
	ladderKeys          = []string{"match", "entries", "group", "description"}
	ladderEntryKeys     = []string{"text", "order", "group", "match"}
	ladderGroupKeys     = []string{"when", "description"}
)

// bottom returns the contract at the bottom of an extends chain.
func (c *Contract) bottom() *Contract {
	for c.base != nil {
		c = c.base
	}
	return c
}

// loadBase reads the contract an overlay extends, relative to the overlay
// file, inside the same file system.
func (c *Contract) loadBase(fsys fs.FS, f *fileCtx, r ref, seen map[string]bool) error {
	p := r.Name
	if p == "" || path.IsAbs(p) {
		return &Error{File: f.name, Line: r.Line, Msg: fmt.Sprintf("extends %q: expected a path relative to this file", p)}
	}
	full := path.Join(path.Dir(f.name), p)
	if full == ".." || strings.HasPrefix(full, "../") {
		return &Error{File: f.name, Line: r.Line, Msg: fmt.Sprintf("extends %q leaves the directory taskproof reads the contract from; run taskproof from a directory that holds both files (the repository root)", p)}
	}
	if seen[full] {
		return &Error{File: f.name, Line: r.Line, Msg: fmt.Sprintf("extends %q: %s extends itself through the chain", p, full)}
	}
	base, err := loadChain(fsys, full, seen)
	if err != nil {
		return err
	}
	c.base = base
	c.format = FormatOverlay
	c.extends = ref{Name: full, File: r.File, Line: r.Line}
	return nil
}

// decodeLadders reads the [ladder.PROFILE] tables of one file.
func (c *Contract) decodeLadders(f *fileCtx, root tbl) error {
	return root.eachTable("ladder", ladderKeys, func(name string, lt tbl) error {
		l := &ladderDecl{Profile: name, File: f.name, Line: lt.line("")}
		for _, prev := range c.ladders {
			if prev.Profile == name {
				c.problem(f.name, l.Line, "duplicate-profile", "ladder for profile %q is already declared at %s:%d", name, prev.File, prev.Line)
				return nil
			}
		}
		if s, ok, err := lt.str("match"); err != nil {
			return err
		} else if ok {
			if l.Match, err = parseMode(s); err != nil {
				return lt.errf("match", "%v", err)
			}
			l.HasMatch = true
		}
		if _, _, err := lt.str("description"); err != nil {
			return err
		}
		// Groups first: entries name them.
		if gm, ok, err := lt.sub("group"); err != nil {
			return err
		} else if ok {
			for _, g := range sortedKeys(gm) {
				body, isMap := gm[g].(map[string]any)
				gt := lt.child(body, 0, fmt.Sprintf("[ladder.%s.group.%s]", name, g), "ladder", name, "group", g)
				if !isMap {
					return gt.errf("", "must be a table, got %s", typeName(gm[g]))
				}
				if err := gt.known(ladderGroupKeys...); err != nil {
					return err
				}
				when, err := gt.refs("when", true)
				if err != nil {
					return err
				}
				if len(when) == 0 {
					return gt.errf("", "when is missing; list the lines whose appearance makes the group required: when = [\"TEXT\", ...]")
				}
				if _, _, err := gt.str("description"); err != nil {
					return err
				}
				l.Groups = append(l.Groups, &ladderGroup{Name: g, When: when, File: f.name, Line: gt.line("")})
			}
		}
		raw, ok := lt.m["entries"]
		if !ok {
			return lt.errf("", "entries is missing; list the required lines: entries = [\"TEXT\", { text = \"TEXT\", order = true }, ...]")
		}
		arr, isArr := raw.([]any)
		if !isArr {
			if tabs, isTabs := raw.([]map[string]any); isTabs {
				for _, t := range tabs {
					arr = append(arr, t)
				}
			} else {
				return lt.errf("entries", "entries must be an array, got %s", typeName(raw))
			}
		}
		seen := map[string]bool{}
		for i, e := range arr {
			entry := ladderEntry{File: f.name}
			switch v := e.(type) {
			case string:
				entry.Text = v
			case map[string]any:
				et := tbl{f: f, m: v, path: lt.path, n: lt.n, what: fmt.Sprintf("%s entries[%d]", lt.name(), i)}
				if err := et.known(ladderEntryKeys...); err != nil {
					return err
				}
				text, ok, err := et.str("text")
				if err != nil {
					return err
				}
				if !ok {
					return lt.errf("entries", "entries[%d] has no text; expected { text = \"LINE\", order = true }", i)
				}
				entry.Text = text
				if entry.Order, _, err = et.boolean("order"); err != nil {
					return err
				}
				if entry.Group, _, err = et.str("group"); err != nil {
					return err
				}
				if s, ok, err := et.str("match"); err != nil {
					return err
				} else if ok {
					if entry.Match, err = parseMode(s); err != nil {
						return lt.errf("entries", "entries[%d]: %v", i, err)
					}
					entry.HasMatch = true
				}
			default:
				return lt.errf("entries", "entries[%d] must be a string or a table, got %s", i, typeName(e))
			}
			entry.Line = f.lay.elementLine(lt.n, "entries", entry.Text, lt.path...)
			if strings.TrimSpace(entry.Text) == "" {
				return &Error{File: f.name, Line: entry.Line, Msg: fmt.Sprintf("[ladder.%s] entries[%d] is empty; an empty line is no marker", name, i)}
			}
			if seen[entry.Text] {
				c.problem(f.name, entry.Line, "duplicate-marker", "[ladder.%s] lists %q twice", name, entry.Text)
				continue
			}
			seen[entry.Text] = true
			if entry.Group != "" && l.group(entry.Group) == nil {
				c.problem(f.name, entry.Line, "unknown-group", "[ladder.%s] entry %q names group %q, which [ladder.%s.group.*] does not declare", name, entry.Text, entry.Group, name)
			}
			l.Entries = append(l.Entries, entry)
		}
		if len(l.Entries) == 0 {
			return lt.errf("entries", "entries is empty; a ladder requires at least one line")
		}
		c.ladders = append(c.ladders, l)
		return nil
	})
}

func (l *ladderDecl) group(name string) *ladderGroup {
	for _, g := range l.Groups {
		if g.Name == name {
			return g
		}
	}
	return nil
}

// checkOverlay validates an overlay's references against its base.
func (c *Contract) checkOverlay() {
	bp := c.base.Profiles()
	known := func(name string) bool {
		i := sort.SearchStrings(bp, name)
		return i < len(bp) && bp[i] == name
	}
	for _, l := range c.ladders {
		if !known(l.Profile) {
			c.problem(l.File, l.Line, "unknown-profile", "[ladder.%s] names a profile the base contract %s does not declare; known profiles: %s", l.Profile, c.extends.Name, strings.Join(bp, ", "))
		}
	}
	for _, name := range sortedProfileNames(c.profiles) {
		p := c.profiles[name]
		if !known(name) {
			c.problem(p.File, p.Line, "unknown-profile", "[profile.%s] in an overlay must name a profile of the base contract %s; known profiles: %s", name, c.extends.Name, strings.Join(bp, ", "))
		}
		if p.Extends.Name != "" {
			c.problem(p.Extends.File, p.Extends.Line, "profile-shape", "[profile.%s]: extends in an overlay; profiles and their extends chains come from the base contract", name)
		}
	}
	for _, m := range c.markers {
		if b := c.base.findMarker(m.ID); b != nil {
			c.problem(m.File, m.Line, "duplicate-marker", "marker %q is already declared by the base contract at %s:%d; change its status in a [profile.NAME] list instead", m.ID, b.File, b.Line)
		}
	}
	sort.SliceStable(c.problems, func(i, j int) bool { return findingLess(c.problems[i], c.problems[j]) })
}

func sortedProfileNames(m map[string]*profileDecl) []string {
	out := make([]string, 0, len(m))
	for n := range m {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// findMarker returns the declared marker with id, looking through the
// extends chain.
func (c *Contract) findMarker(id string) *markerDecl {
	for k := c; k != nil; k = k.base {
		if m, ok := k.byID[id]; ok {
			return m
		}
	}
	return nil
}

// specIndex locates markers of a spec by id, whatever their class.
type specIndex struct {
	spec *verify.Spec
}

// class of a marker in the spec: 0 allowed/required, 1 forbidden, 2
// unexpected; -1 when the spec has no such marker.
func (x specIndex) find(id string) (int, int) {
	for i, m := range x.spec.Markers {
		if m.ID == id {
			return 0, i
		}
	}
	for i, m := range x.spec.Forbidden {
		if m.ID == id {
			return 1, i
		}
	}
	for i, m := range x.spec.Unexpected {
		if m.ID == id {
			return 2, i
		}
	}
	return -1, -1
}

// byText finds an allowed or required marker whose literal text is text.
func (x specIndex) byText(text string) (int, int) {
	for i, m := range x.spec.Markers {
		if m.Text == text && m.Mode != verify.Regex {
			return 0, i
		}
	}
	for i, m := range x.spec.Forbidden {
		if m.Text == text && m.Mode != verify.Regex {
			return 1, i
		}
	}
	for i, m := range x.spec.Unexpected {
		if m.Text == text && m.Mode != verify.Regex {
			return 2, i
		}
	}
	return -1, -1
}

// setStatus moves the marker with id to the list of status s.
func (x specIndex) setStatus(id string, s status, why string) bool {
	cls, i := x.find(id)
	if cls < 0 {
		return false
	}
	var m verify.Marker
	switch cls {
	case 0:
		m = x.spec.Markers[i]
		x.spec.Markers = append(x.spec.Markers[:i], x.spec.Markers[i+1:]...)
	case 1:
		m = x.spec.Forbidden[i]
		x.spec.Forbidden = append(x.spec.Forbidden[:i], x.spec.Forbidden[i+1:]...)
	default:
		m = x.spec.Unexpected[i]
		x.spec.Unexpected = append(x.spec.Unexpected[:i], x.spec.Unexpected[i+1:]...)
	}
	x.put(m, s, why)
	return true
}

// put adds m to the spec with status s.
func (x specIndex) put(m verify.Marker, s status, why string) {
	m.Why = why
	m.Required = s == stRequired
	if m.Required {
		m.Min = max(m.Min, 1)
	}
	switch s {
	case stRequired, stAllowed:
		x.spec.Markers = append(x.spec.Markers, m)
	case stForbidden:
		m.After, m.AfterIfSeen, m.Max = nil, nil, 0
		x.spec.Forbidden = append(x.spec.Forbidden, m)
	default:
		m.After, m.AfterIfSeen, m.Max = nil, nil, 0
		x.spec.Unexpected = append(x.spec.Unexpected, m)
	}
}

// resolveOverlay resolves the base's profile, then applies the overlay:
// its own markers, its profile lists, its forbidden patterns and the
// ladder of the profile (or of the nearest profile it extends).
func (c *Contract) resolveOverlay(profile string) (*resolution, error) {
	if err := c.problemsError(); err != nil {
		return nil, err
	}
	if profile == "" {
		profile = c.DefaultProfile()
	}
	r, err := c.base.resolve(profile)
	if err != nil {
		return nil, err
	}
	spec := r.spec
	x := specIndex{spec: spec}
	// The overlay's view of the chain: its own [profile.NAME] tables for the
	// base's profiles.
	chain := make([]*profileDecl, len(r.chain))
	for i, p := range r.chain {
		chain[i] = &profileDecl{Name: p.Name}
		if own, ok := c.profiles[p.Name]; ok {
			chain[i] = own
		}
	}
	for _, m := range c.markers {
		st, why := nativeStatus(m, chain)
		vm := verify.Marker{ID: m.ID, Text: m.Text, Mode: m.Mode, Pattern: m.Pattern, Kind: m.Kind, Phase: m.Phase.Name, Max: m.Max, Min: m.Min, Source: m.File, Line: m.Line}
		x.put(vm, st, why)
	}
	for _, p := range chain {
		for _, e := range p.Edits {
			for _, ref := range e.IDs {
				if _, own := c.byID[ref.Name]; own {
					continue // nativeStatus applied it
				}
				if !x.setStatus(ref.Name, e.To, fmt.Sprintf("profile %s: %s at %s:%d", p.Name, editKey(e.To), ref.File, ref.Line)) {
					return nil, &Error{File: ref.File, Line: ref.Line, Msg: fmt.Sprintf("profile %s: %s names %q, which neither the overlay nor the base contract declares", p.Name, editKey(e.To), ref.Name)}
				}
			}
		}
	}
	if ladder := c.ladderFor(r.chain); ladder != nil {
		if err := c.applyLadder(spec, ladder, r); err != nil {
			return nil, err
		}
	}
	if c.failureLinesSet {
		spec.FailureLines = c.failureLines
	}
	if c.logPrefix != nil {
		spec.LogPrefix = c.logPrefix
	}
	if c.maxLineBytes > 0 {
		spec.MaxLineBytes = c.maxLineBytes
	}
	for _, u := range c.undeclared {
		if !contains(spec.Undeclared, u) {
			spec.Undeclared = append(spec.Undeclared, u)
		}
	}
	spec.Forbidden = append(spec.Forbidden, c.forbid...)
	if c.dropAll || len(c.drop) > 0 {
		dropped := map[string]bool{}
		for _, d := range c.drop {
			dropped["default:"+strings.TrimPrefix(d.Name, "default:")] = true
		}
		kept := spec.Forbidden[:0]
		for _, m := range spec.Forbidden {
			if m.Source == "(default)" && (c.dropAll || dropped[m.ID]) {
				continue
			}
			kept = append(kept, m)
		}
		spec.Forbidden = kept
	}
	// Rules of the overlay, then the order the result must satisfy.
	idx := map[string]int{}
	for i, m := range spec.Markers {
		idx[m.ID] = i
	}
	for _, rule := range c.rules {
		i, ok := idx[rule.If.Name]
		if !ok {
			continue
		}
		for _, t := range rule.Then {
			if _, ok := idx[t.Name]; !ok {
				return nil, &Error{File: t.File, Line: t.Line, Msg: fmt.Sprintf("rule: %q must come after %q, which is not required or allowed in profile %q; allow it or drop the rule", rule.If.Name, t.Name, r.leaf.Name)}
			}
			spec.Markers[i].After = append(spec.Markers[i].After, t.Name)
		}
	}
	for i := range spec.Markers {
		spec.Markers[i].After = dedupe(spec.Markers[i].After)
	}
	if cyc := findCycle(spec.Markers, idx); len(cyc) > 0 {
		m := spec.Markers[idx[cyc[0]]]
		return nil, &Error{File: m.Source, Line: m.Line, Msg: fmt.Sprintf("order cycle in profile %q: %s; no log can satisfy it", r.leaf.Name, strings.Join(append(cyc, cyc[0]), " after "))}
	}
	r.leaf = c.leafDecl(r.leaf)
	return r, nil
}

// ladderFor returns the ladder of the profile at the end of chain, or of
// the nearest profile it extends that has one; nil when none has.
func (c *Contract) ladderFor(chain []*profileDecl) *ladderDecl {
	for i := len(chain) - 1; i >= 0; i-- {
		for _, l := range c.ladders {
			if l.Profile == chain[i].Name {
				return l
			}
		}
	}
	return nil
}

// leafDecl returns the overlay's own declaration of a base profile when it
// has one (for positions in messages), else the base's.
func (c *Contract) leafDecl(p *profileDecl) *profileDecl {
	if own, ok := c.profiles[p.Name]; ok {
		return own
	}
	return p
}

// applyLadder makes the ladder's entries required (group entries through
// their group), adds the order among the entries that say so, and drops
// the base's fallback groups: the ladder states what must appear.
func (c *Contract) applyLadder(spec *verify.Spec, l *ladderDecl, r *resolution) error {
	x := specIndex{spec: spec}
	if len(r.fallback) > 0 {
		drop := map[int]bool{}
		for _, i := range r.fallback {
			drop[i] = true
		}
		kept := spec.Groups[:0]
		for i, g := range spec.Groups {
			if !drop[i] {
				kept = append(kept, g)
			}
		}
		spec.Groups = kept
		r.fallback = nil
	}
	mode := c.defaultMode
	if l.HasMatch {
		mode = l.Match
	}
	ids := make([]string, len(l.Entries))
	for i, e := range l.Entries {
		cls, at := x.find(e.Text)
		if cls < 0 {
			cls, at = x.byText(e.Text)
		}
		where := fmt.Sprintf("%s:%d", e.File, e.Line)
		switch cls {
		case 1, 2:
			m := spec.Forbidden
			what := "forbidden"
			if cls == 2 {
				m, what = spec.Unexpected, "unexpected"
			}
			return &Error{File: e.File, Line: e.Line, Msg: fmt.Sprintf("[ladder.%s] requires %q, which is %s in profile %q (%s), so the profile could never pass; drop the entry or change the marker's status", l.Profile, e.Text, what, r.leaf.Name, m[at].Why)}
		case -1:
			em := mode
			if e.HasMatch {
				em = e.Match
			}
			if em == verify.Regex {
				return &Error{File: e.File, Line: e.Line, Msg: fmt.Sprintf("[ladder.%s] entry %q: a ladder entry is a line, not a regex; declare a [[marker]] with match = \"regex\" and list its id", l.Profile, e.Text)}
			}
			spec.Markers = append(spec.Markers, verify.Marker{ID: e.Text, Text: e.Text, Mode: em, Kind: verify.KindOK, Source: e.File, Line: e.Line})
			at = len(spec.Markers) - 1
		}
		m := &spec.Markers[at]
		ids[i] = m.ID
		if e.Group != "" {
			m.Required = false
			m.Why = fmt.Sprintf("[ladder.%s] entry at %s, in group %s: required once one of its when lines appears", l.Profile, where, e.Group)
			continue
		}
		m.Required = true
		m.Min = max(m.Min, 1)
		m.Why = fmt.Sprintf("[ladder.%s] entry at %s", l.Profile, where)
	}
	// Groups: the entries of each, required once a when line appeared.
	for _, g := range l.Groups {
		vg := verify.Group{ID: "group " + g.Name, Why: fmt.Sprintf("[ladder.%s.group.%s] at %s:%d", l.Profile, g.Name, g.File, g.Line)}
		for i, e := range l.Entries {
			if e.Group == g.Name {
				vg.Members = append(vg.Members, ids[i])
			}
		}
		if len(vg.Members) == 0 {
			return &Error{File: g.File, Line: g.Line, Msg: fmt.Sprintf("[ladder.%s.group.%s] has no entries; add group = %q to the entries it covers", l.Profile, g.Name, g.Name)}
		}
		for _, w := range g.When {
			cls, at := x.find(w.Name)
			if cls < 0 {
				cls, at = x.byText(w.Name)
			}
			switch cls {
			case 0:
				vg.Triggers = append(vg.Triggers, spec.Markers[at].ID)
			case -1:
				spec.Markers = append(spec.Markers, verify.Marker{ID: w.Name, Text: w.Name, Mode: mode, Kind: verify.KindDiag, Source: w.File, Line: w.Line, Why: fmt.Sprintf("a when line of [ladder.%s.group.%s] at %s:%d", l.Profile, g.Name, w.File, w.Line)})
				vg.Triggers = append(vg.Triggers, w.Name)
			default:
				return &Error{File: w.File, Line: w.Line, Msg: fmt.Sprintf("[ladder.%s.group.%s] when %q names a marker that is forbidden or unexpected in profile %q; a group cannot be triggered by it", l.Profile, g.Name, w.Name, r.leaf.Name)}
			}
		}
		spec.Groups = append(spec.Groups, vg)
	}
	// Order among the entries that say so: each follows the previous one
	// that every run prints; one a run may leave out (a group entry) must,
	// if it appears, come before the next ordered entry.
	idx := map[string]int{}
	for i, m := range spec.Markers {
		idx[m.ID] = i
	}
	prev := ""            // the last ordered entry outside a group
	var optional []string // ordered group entries since prev
	for i, e := range l.Entries {
		if !e.Order {
			continue
		}
		m := &spec.Markers[idx[ids[i]]]
		if prev != "" {
			m.After = append(m.After, prev)
		}
		m.AfterIfSeen = append(m.AfterIfSeen, optional...)
		if e.Group != "" {
			optional = append(optional, ids[i])
			continue
		}
		prev, optional = ids[i], nil
	}
	return nil
}
