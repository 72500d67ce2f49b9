package contract

import (
	"fmt"
	"io/fs"
	"regexp"
	"sort"
	"sync"
	"unicode/utf8"

	"github.com/taskproof/taskproof/internal/verify"
)

// The upstream proof-manifest (open-nexus `nexus-proof-manifest`): a root
// manifest.toml with [meta] schema_version + default_profile and, in schema
// v2, an [include] table of globs (phases, markers, profiles) resolved
// lexicographically against the root's directory. Markers are
// [marker."literal"] tables with phase, proves, introduced_in and the
// profile gates emit_when, emit_when_not and forbidden_when. Upstream
// matches a literal anywhere in a UART line (substring), ignores phases
// for ordering and never checks presence; see docs/contract.md for how
// taskproof maps this onto required/allowed/forbidden/unexpected.

var (
	manifestTopKeys     = []string{"meta", "include", "phase", "profile", "marker"}
	manifestMetaKeys    = []string{"schema_version", "default_profile"}
	manifestIncludeKeys = []string{"phases", "markers", "profiles"}
	manifestPhaseKeys   = []string{"order"}
	manifestProfileKeys = []string{"runner", "extends", "env", "runtime_only", "phases"}
	manifestMarkerKeys  = []string{"phase", "proves", "introduced_in", "emit_when", "emit_when_not", "forbidden_when"}
)

func (c *Contract) loadManifest(fsys fs.FS, f *fileCtx, doc map[string]any) error {
	root := tbl{f: f, m: doc, what: f.name}
	if err := root.known(manifestTopKeys...); err != nil {
		return err
	}
	mm, _, err := root.sub("meta")
	if err != nil {
		return err
	}
	meta := root.child(mm, 0, "[meta]", "meta")
	if err := meta.known(manifestMetaKeys...); err != nil {
		return err
	}
	ver, ok, err := meta.str("schema_version")
	if err != nil {
		return err
	}
	if !ok || ver == "" {
		return meta.errf("", "schema_version is missing; a proof-manifest declares schema_version = \"1\" or \"2\"")
	}
	def, ok, err := meta.str("default_profile")
	if err != nil {
		return err
	}
	if !ok || def == "" {
		return meta.errf("", "default_profile is missing; expected default_profile = \"NAME\"")
	}
	c.defaultProfile = meta.ref("default_profile", def)
	inc, hasInclude, err := root.sub("include")
	if err != nil {
		return err
	}
	switch ver {
	case "1":
		c.format = FormatManifestV1
		if hasInclude {
			return &Error{File: f.name, Line: f.lay.line(0, "", "include"), Msg: "[include] is only valid with schema_version = \"2\""}
		}
		return c.manifestBody(f, doc, "", nil, false)
	case "2":
		c.format = FormatManifestV2
	default:
		return meta.errf("schema_version", "schema_version %q is not supported; expected \"1\" or \"2\"", ver)
	}
	for _, k := range []string{"phase", "profile", "marker"} {
		if _, ok := doc[k]; ok {
			return &Error{File: f.name, Line: f.lay.line(0, "", k), Msg: fmt.Sprintf("[%s.*] tables belong in included files; a schema v2 root holds only [meta] and [include]", k)}
		}
	}
	if !hasInclude {
		return &Error{File: f.name, Line: 1, Msg: "schema v2 manifest without [include]; expected [include] phases = \"...\", markers = \"...\", profiles = \"...\""}
	}
	it := root.child(inc, 0, "[include]", "include")
	if err := it.known(manifestIncludeKeys...); err != nil {
		return err
	}
	// Upstream loads categories in this order; the order of markers across
	// files follows it (lexicographic within a glob).
	var pats []includePattern
	var sections []string
	for _, cat := range []struct{ key, section string }{{"phases", "phase"}, {"markers", "marker"}, {"profiles", "profile"}} {
		pat, ok, err := it.str(cat.key)
		if err != nil {
			pats = append(pats, includePattern{err: err})
			break
		}
		if ok {
			pats = append(pats, includePattern{pattern: pat, line: it.line(cat.key)})
			sections = append(sections, cat.section)
		}
	}
	q := queueIncludes(fsys, f, pats, func(inc *includedFile) {
		inc.markers, inc.markersDecoded = decodeMarkerTables(&fileCtx{name: inc.name, lay: inc.lay}, inc.doc), true
	})
	defer q.stop()
	for gi, g := range q.groups {
		if g.err != nil {
			return g.err
		}
		for k := range g.names {
			inc := q.file(g.first + k)
			idoc, ifc, err := c.addFile(f, g.line, inc)
			if err != nil {
				return err
			}
			for _, key := range []string{"meta", "include"} {
				if _, ok := idoc[key]; ok {
					return &Error{File: ifc.name, Line: ifc.lay.line(0, "", key), Msg: fmt.Sprintf("[%s] in an included file; only the root manifest has [meta] and [include]", key)}
				}
			}
			if err := c.manifestBody(ifc, idoc, sections[gi], inc.markers, inc.markersDecoded); err != nil {
				return err
			}
		}
	}
	sort.SliceStable(c.phases, func(i, j int) bool { return c.phases[i].Order < c.phases[j].Order })
	return nil
}

// manifestBody reads phase, profile and marker tables of one file. only
// restricts the file to one category ("" = any, for schema v1). markers
// are the file's marker tables when decoded is true (decodeMarkerTables
// ran ahead), else it decodes them.
func (c *Contract) manifestBody(f *fileCtx, doc map[string]any, only string, markers []markerOutcome, decoded bool) error {
	root := tbl{f: f, m: doc, what: f.name}
	allowed := []string{"phase", "profile", "marker"}
	if only != "" {
		allowed = []string{only}
	} else {
		allowed = append(allowed, "meta")
	}
	if err := root.known(allowed...); err != nil {
		return err
	}
	if err := root.eachTable("phase", manifestPhaseKeys, func(name string, pt tbl) error {
		order, ok, err := pt.integer("order")
		if err != nil {
			return err
		}
		if !ok {
			return pt.errf("", "order is missing; expected order = N (1-based, unique)")
		}
		dup := false
		for _, p := range c.phases {
			if p.Name == name {
				c.problem(f.name, pt.line(""), "duplicate-phase", "phase %q is already declared at %s:%d", name, p.File, p.Line)
				dup = true
			} else if p.Order == order {
				c.problem(f.name, pt.line("order"), "duplicate-phase", "phase %q has order %d, already used by phase %q at %s:%d", name, order, p.Name, p.File, p.Line)
			}
		}
		if !dup {
			c.phases = append(c.phases, &phaseDecl{Name: name, Order: order, File: f.name, Line: pt.line("")})
		}
		return nil
	}); err != nil {
		return err
	}
	if err := c.decodeProfiles(f, root, manifestProfileKeys, func(pt tbl, p *profileDecl) error {
		var err error
		if p.Runner, _, err = pt.str("runner"); err != nil {
			return err
		}
		if p.Env, err = pt.stringMap("env"); err != nil {
			return err
		}
		p.EnvLine = pt.line("env")
		if p.RuntimeOnly, _, err = pt.boolean("runtime_only"); err != nil {
			return err
		}
		if p.Phases, err = pt.refs("phases", false); err != nil {
			return err
		}
		if p.RuntimeOnly && p.Runner != "" {
			c.problem(f.name, pt.line("runner"), "profile-shape", "profile %q is runtime_only and must not have a runner", p.Name)
		}
		if !p.RuntimeOnly && len(p.Phases) > 0 {
			c.problem(f.name, pt.line("phases"), "profile-shape", "profile %q: phases = [...] is only allowed with runtime_only = true", p.Name)
		}
		return nil
	}); err != nil {
		return err
	}
	if !decoded {
		markers = decodeMarkerTables(f, doc)
	}
	for _, o := range markers {
		if o.err != nil {
			return o.err
		}
		if o.problem != nil {
			c.problems = append(c.problems, *o.problem)
		}
		c.addMarker(o.m)
	}
	return nil
}

// markerOutcome is one [marker."LITERAL"] table decoded: the marker and
// the problem it has, or the error that ends loading.
type markerOutcome struct {
	m       *markerDecl
	problem *Finding
	err     error
}

// decodeMarkerTables decodes the [marker."LITERAL"] tables of one file in
// declaration order; an error ends the list. It depends on the file alone,
// so an include's runs ahead on the goroutine that decoded it, and the
// loader only adds the markers in order.
func decodeMarkerTables(f *fileCtx, doc map[string]any) []markerOutcome {
	root := tbl{f: f, m: doc, what: f.name}
	mm, ok, err := root.sub("marker")
	if err != nil {
		return []markerOutcome{{err: err}}
	}
	if !ok {
		return nil
	}
	order := declarationOrder(f.lay, mm)
	out := make([]markerOutcome, 0, len(order))
	decls := make([]markerDecl, len(order)) // one allocation for the file
	for i, d := range order {
		lit := d.lit
		body, isMap := mm[lit].(map[string]any)
		var mt tbl
		if d.sec != nil {
			mt = root.labeled(body, 0, quotedLabel, d.sec.path...)
			mt.sec = d.sec
		} else {
			mt = root.labeled(body, 0, quotedLabel, "marker", lit)
		}
		if !isMap {
			return append(out, markerOutcome{err: mt.errf("", "must be a table, got %s", typeName(mm[lit]))})
		}
		o := decodeManifestMarker(mt, lit, &decls[i])
		out = append(out, o)
		if o.err != nil {
			return out
		}
	}
	return out
}

// declaredMarker is a marker literal and, when it has one, the header of
// its table.
type declaredMarker struct {
	lit string
	sec *section
}

// declarationOrder returns the marker literals in the order their headers
// appear in the file (upstream preserves it), then any others sorted. Each
// comes with the section of its header (the first with its path), so that
// locating its keys needs no lookup.
func declarationOrder(lay *layout, mm map[string]any) []declaredMarker {
	out := make([]declaredMarker, 0, len(mm))
	seen := make(map[string]bool, len(mm))
	arrays := false // [[marker."x"]] would be the first section of its path
	for i := range lay.sections {
		s := &lay.sections[i]
		if len(s.path) == 2 && s.path[0] == "marker" {
			if s.array {
				arrays = true
				continue
			}
			if _, ok := mm[s.path[1]]; ok && !seen[s.path[1]] {
				seen[s.path[1]] = true
				out = append(out, declaredMarker{lit: s.path[1], sec: s})
			}
		}
	}
	if arrays {
		for i := range out {
			out[i].sec = nil
		}
	}
	if len(out) == len(mm) {
		return out
	}
	for _, k := range sortedKeys(mm) {
		if !seen[k] {
			out = append(out, declaredMarker{lit: k})
		}
	}
	return out
}

// decodeManifestMarker decodes one marker table into m.
func decodeManifestMarker(mt tbl, lit string, m *markerDecl) markerOutcome {
	if err := mt.known(manifestMarkerKeys...); err != nil {
		return markerOutcome{err: err}
	}
	if lit == "" {
		return markerOutcome{err: mt.errf("", "a marker literal must not be empty")}
	}
	*m = markerDecl{ID: lit, Text: lit, Mode: verify.Substring, Kind: upstreamKind(lit), File: mt.f.name, Line: mt.line("")}
	o := markerOutcome{m: m}
	phase, ok, err := mt.str("phase")
	if err != nil {
		return markerOutcome{err: err}
	}
	if !ok || phase == "" {
		o.problem = &Finding{Severity: SeverityError, File: m.File, Line: m.Line, Rule: "unknown-phase", Message: fmt.Sprintf("marker %q has no phase; expected phase = \"NAME\"", lit)}
	} else {
		m.Phase = mt.ref("phase", phase)
	}
	if m.Proves, _, err = mt.str("proves"); err != nil {
		return markerOutcome{err: err}
	}
	if _, _, err := mt.str("introduced_in"); err != nil {
		return markerOutcome{err: err}
	}
	for _, g := range [...]struct {
		key string
		dst *[]ref
	}{{"emit_when", &m.EmitWhen}, {"emit_when_not", &m.EmitWhenNot}, {"forbidden_when", &m.ForbiddenWhen}} {
		if _, ok := mt.m[g.key]; !ok {
			continue // most markers have no gate
		}
		gm, ok, err := mt.sub(g.key)
		if err != nil {
			return markerOutcome{err: err}
		}
		if !ok {
			continue
		}
		gt := mt
		gt.m, gt.inner = gm, g.key
		if err := gt.known("profile"); err != nil {
			return markerOutcome{err: err}
		}
		names, err := gt.strList("profile", true)
		if err != nil {
			return markerOutcome{err: err}
		}
		if len(names) == 0 {
			return markerOutcome{err: mt.errf(g.key, "%s needs profile = \"NAME\" or profile = [\"A\", \"B\"]", g.key)}
		}
		for _, n := range names {
			*g.dst = append(*g.dst, ref{Name: n, File: mt.f.name, Line: mt.line(g.key)})
		}
	}
	return o
}

// Upstream markers carry no kind; the literal says it by convention
// (`... ok`, `... ready`, `... FAIL`).
// They compile on first use: most runs classify ASCII literals only
// (upstreamKind) and never need them, and every process pays for a
// package-level regexp at start-up.
var (
	reStubWord  = lazyRegexp(`(?i)\b(stub|stubbed|placeholder)\b`)
	reFAILWord  = lazyRegexp(`\bFAIL(ED|URE)?\b`)
	reOKWord    = lazyRegexp(`(?i)\bok\b`)
	reFailWord  = lazyRegexp(`(?i)\b(fail|failed|failure|panic|panicked)\b`)
	reReadyWord = lazyRegexp(`(?i)\bready\b`)
)

// lazyRegexp returns a function compiling expr once, on its first call.
func lazyRegexp(expr string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(expr) })
}

// upstreamKind classifies an upstream literal: stub words win (a stub is
// never a success), an upper-case FAIL is a failure, then ok, other
// failure words, ready, and diag for everything else.
func upstreamKind(lit string) verify.Kind {
	for i := 0; i < len(lit); i++ {
		if lit[i] >= utf8.RuneSelf {
			return upstreamKindRegexp(lit)
		}
	}
	// An ASCII literal: its words are the runs of \w (what \b delimits),
	// so the regular expressions below reduce to word comparisons, which
	// matter at start-up (every upstream literal is classified).
	var stub, failUpper, ok, fail, ready bool
	for i := 0; i < len(lit); {
		if !isWordByte(lit[i]) {
			i++
			continue
		}
		j := i
		for j < len(lit) && isWordByte(lit[j]) {
			j++
		}
		w := lit[i:j]
		i = j
		if len(w) < 2 || len(w) > len("placeholder") {
			continue // no word of interest
		}
		switch w {
		case "FAIL", "FAILED", "FAILURE":
			failUpper = true
		}
		var buf [len("placeholder")]byte
		for k := 0; k < len(w); k++ {
			c := w[k]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			buf[k] = c
		}
		switch string(buf[:len(w)]) {
		case "stub", "stubbed", "placeholder":
			stub = true
		case "ok":
			ok = true
		case "fail", "failed", "failure", "panic", "panicked":
			fail = true
		case "ready":
			ready = true
		}
	}
	switch {
	case stub:
		return verify.KindStub
	case failUpper:
		return verify.KindFail
	case ok:
		return verify.KindOK
	case fail:
		return verify.KindFail
	case ready:
		return verify.KindReady
	}
	return verify.KindDiag
}

// isWordByte reports whether c is an ASCII \w byte.
func isWordByte(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_'
}

// upstreamKindRegexp is upstreamKind by the regular expressions, for
// literals with non-ASCII text (where case folding reaches beyond ASCII).
func upstreamKindRegexp(lit string) verify.Kind {
	switch {
	case reStubWord().MatchString(lit):
		return verify.KindStub
	case reFAILWord().MatchString(lit):
		return verify.KindFail
	case reOKWord().MatchString(lit):
		return verify.KindOK
	case reFailWord().MatchString(lit):
		return verify.KindFail
	case reReadyWord().MatchString(lit):
		return verify.KindReady
	}
	return verify.KindDiag
}
