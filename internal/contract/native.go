package contract

import (
	"fmt"
	"io/fs"
	"regexp"
	"strings"

	"github.com/taskproof/taskproof/internal/verify"
)

// FormatVersion is the [contract] version this package reads.
const FormatVersion = 1

var (
	contractKeys = []string{"version", "default_profile", "log_prefix", "match", "phases", "phase_order", "include", "max_line_bytes", "undeclared", "failure_lines", "extends"}
	phaseKeys    = []string{"order", "description"}
	markerKeys   = []string{"id", "text", "match", "kind", "phase", "status", "min", "max", "after", "profiles", "proves", "description"}
	ruleKeys     = []string{"if", "then", "description"}
	forbidKeys   = []string{"drop_defaults", "pattern"}
	patternKeys  = []string{"id", "text", "match", "description"}
	profileKeys  = []string{"extends", "env", "require", "allow", "forbid", "remove", "description"}
)

// loadNative reads taskproof's own format: the root file's [contract]
// table, then the same tables from the root and each included file.
func (c *Contract) loadNative(fsys fs.FS, f *fileCtx, doc map[string]any, seen map[string]bool) error {
	root := tbl{f: f, m: doc, what: f.name}
	ct, _, err := root.sub("contract")
	if err != nil {
		return err
	}
	t := root.child(ct, 0, "[contract]", "contract")
	keys := contractKeys
	ext, isOverlay, err := t.str("extends")
	if err != nil {
		return err
	}
	if isOverlay {
		keys = overlayContractKeys // phases and their order come from the base
	}
	if err := t.known(keys...); err != nil {
		if isOverlay {
			return fmt.Errorf("%w (an overlay takes its phases and profiles from the contract it extends)", err)
		}
		return err
	}
	v, ok, err := t.integer("version")
	if err != nil {
		return err
	}
	if !ok {
		return t.errf("", "version is missing; expected version = %d", FormatVersion)
	}
	if v != FormatVersion {
		return t.errf("version", "version %d is not supported; this taskproof reads version %d", v, FormatVersion)
	}
	if s, ok, err := t.str("default_profile"); err != nil {
		return err
	} else if ok {
		c.defaultProfile = t.ref("default_profile", s)
	}
	if s, ok, err := t.str("log_prefix"); err != nil {
		return err
	} else if ok && s != "" {
		re, err := regexp.Compile(s)
		if err != nil {
			return t.errf("log_prefix", "log_prefix is not a valid regular expression: %v", err)
		}
		if !strings.HasPrefix(s, "^") {
			return t.errf("log_prefix", "log_prefix must be anchored at the start of the line; write %q", "^"+s)
		}
		c.logPrefix = re
	}
	defMode := verify.Exact
	if s, ok, err := t.str("match"); err != nil {
		return err
	} else if ok {
		if defMode, err = parseMode(s); err != nil {
			return t.errf("match", "%v", err)
		}
	}
	c.defaultMode = defMode
	if s, ok, err := t.str("failure_lines"); err != nil {
		return err
	} else if ok {
		switch s {
		case "warn":
			c.failureLines = verify.FailureLinesWarn
		case "fail":
			c.failureLines = verify.FailureLinesFail
		default:
			return t.errf("failure_lines", "failure_lines %q: expected \"warn\" (undeclared failure lines are warnings) or \"fail\" (they fail the run)", s)
		}
		c.failureLinesSet = true
	}
	if s, ok, err := t.str("phase_order"); err != nil {
		return err
	} else if ok {
		switch s {
		case "sequential":
			c.phaseOrder = true
		case "none":
			c.phaseOrder = false
		default:
			return t.errf("phase_order", "phase_order %q: expected \"sequential\" or \"none\"", s)
		}
	}
	if n, ok, err := t.integer("max_line_bytes"); err != nil {
		return err
	} else if ok {
		if n < 256 || n > 16<<20 {
			return t.errf("max_line_bytes", "max_line_bytes %d: expected 256 to %d (16 MiB); the verifier never buffers more of one line", n, 16<<20)
		}
		c.maxLineBytes = n
	}
	undeclared, err := t.strList("undeclared", false)
	if err != nil {
		return err
	}
	for _, u := range undeclared {
		if strings.TrimSpace(u) == "" {
			return t.errf("undeclared", "undeclared: a namespace prefix must not be empty (it would match every line)")
		}
	}
	c.undeclared = undeclared
	phases, err := t.strList("phases", false)
	if err != nil {
		return err
	}
	seenPhase := map[string]bool{}
	for _, p := range phases {
		if p == "" {
			return t.errf("phases", "phases: a phase name must not be empty")
		}
		if seenPhase[p] {
			return &Error{File: f.name, Line: f.lay.elementLine(0, "phases", p, "contract"), Msg: fmt.Sprintf("[contract]: phase %q is listed twice", p)}
		}
		seenPhase[p] = true
		c.phases = append(c.phases, &phaseDecl{Name: p, File: f.name, Line: f.lay.elementLine(0, "phases", p, "contract")})
	}
	includes, err := t.strList("include", true)
	if err != nil {
		return err
	}

	if isOverlay {
		// The base first: the overlay's markers and lists refer to it.
		if err := c.loadBase(fsys, f, t.ref("extends", ext), seen); err != nil {
			return err
		}
	}
	if err := c.nativeBody(f, doc, defMode, true); err != nil {
		return err
	}
	pats := make([]includePattern, len(includes))
	for i, pat := range includes {
		pats[i] = includePattern{pattern: pat, line: f.lay.elementLine(0, "include", pat, "contract")}
	}
	q := queueIncludes(fsys, f, pats, nil)
	defer q.stop()
	for _, g := range q.groups {
		if g.err != nil {
			return g.err
		}
		for k := range g.names {
			idoc, ifc, err := c.addFile(f, g.line, q.file(g.first+k))
			if err != nil {
				return err
			}
			if err := c.nativeBody(ifc, idoc, defMode, false); err != nil {
				return err
			}
		}
	}
	if len(c.profiles) == 0 && !isOverlay {
		c.profiles[DefaultProfileName] = &profileDecl{Name: DefaultProfileName, File: f.name, Line: 1}
	}
	return nil
}

// nativeBody reads phases options, markers, rules, forbid and profiles
// from one file.
func (c *Contract) nativeBody(f *fileCtx, doc map[string]any, defMode verify.Mode, isRoot bool) error {
	root := tbl{f: f, m: doc, what: f.name}
	allowed := []string{"phase", "marker", "rule", "forbid", "profile", "ladder"}
	if c.base != nil {
		allowed = []string{"marker", "rule", "forbid", "profile", "ladder"}
	}
	if isRoot {
		allowed = append(allowed, "contract")
	} else if _, ok := doc["contract"]; ok {
		return &Error{File: f.name, Line: f.lay.line(0, "", "contract"), Msg: "[contract] belongs in the root contract file only; an included file holds [phase.*], [[marker]], [[rule]], [forbid] and [profile.*] tables"}
	}
	if err := root.known(allowed...); err != nil {
		return err
	}

	// [phase.NAME] option tables.
	if err := root.eachTable("phase", phaseKeys, func(name string, pt tbl) error {
		var decl *phaseDecl
		for _, p := range c.phases {
			if p.Name == name {
				decl = p
			}
		}
		if decl == nil {
			c.problem(f.name, pt.line(""), "unknown-phase", "[phase.%s] configures a phase that [contract] phases does not list; add %q to phases", name, name)
			return nil
		}
		if s, ok, err := pt.str("order"); err != nil {
			return err
		} else if ok {
			switch s {
			case "strict":
				decl.Strict = true
			case "any":
			default:
				return pt.errf("order", "order %q: expected \"strict\" (markers in declaration order) or \"any\"", s)
			}
		}
		_, _, err := pt.str("description")
		return err
	}); err != nil {
		return err
	}

	// [[marker]]
	ms, err := root.tables("marker")
	if err != nil {
		return err
	}
	for i, body := range ms {
		mt := root.labeled(body, i, arrayLabel, "marker")
		m, err := decodeNativeMarker(mt, defMode)
		if err != nil {
			return err
		}
		c.addMarker(m)
	}

	// [[rule]]
	rs, err := root.tables("rule")
	if err != nil {
		return err
	}
	for i, body := range rs {
		rt := root.labeled(body, i, arrayLabel, "rule")
		if err := rt.known(ruleKeys...); err != nil {
			return err
		}
		ifs, ok, err := rt.str("if")
		if err != nil {
			return err
		}
		if !ok || ifs == "" {
			return rt.errf("", "if is missing; expected if = \"MARKER\" and then = [\"MARKER\", ...]")
		}
		then, err := rt.refs("then", true)
		if err != nil {
			return err
		}
		if len(then) == 0 {
			return rt.errf("then", "then is missing or empty; list the markers that must have appeared before %q", ifs)
		}
		if _, _, err := rt.str("description"); err != nil {
			return err
		}
		c.rules = append(c.rules, ruleDecl{If: rt.ref("if", ifs), Then: then, File: f.name, Line: rt.line("")})
	}

	// [forbid]
	if fm, ok, err := root.sub("forbid"); err != nil {
		return err
	} else if ok {
		ft := root.child(fm, 0, "[forbid]", "forbid")
		if err := ft.known(forbidKeys...); err != nil {
			return err
		}
		drops, err := ft.refs("drop_defaults", true)
		if err != nil {
			return err
		}
		for _, d := range drops {
			if d.Name == "*" {
				c.dropAll = true
				continue
			}
			c.drop = append(c.drop, d)
		}
		pats, err := ft.tables("pattern")
		if err != nil {
			return err
		}
		for i, body := range pats {
			pt := ft.labeled(body, i, arrayLabel, "forbid", "pattern")
			if err := pt.known(patternKeys...); err != nil {
				return err
			}
			text, ok, err := pt.str("text")
			if err != nil {
				return err
			}
			if !ok || text == "" {
				return pt.errf("", "text is missing; expected text = \"LINE OR PATTERN\"")
			}
			mode := verify.Substring // a forbidden pattern anywhere in a line is what people mean
			if s, ok, err := pt.str("match"); err != nil {
				return err
			} else if ok {
				if mode, err = parseMode(s); err != nil {
					return pt.errf("match", "%v", err)
				}
			}
			id, _, err := pt.str("id")
			if err != nil {
				return err
			}
			if id == "" {
				id = text
			}
			vm := verify.Marker{ID: id, Text: text, Mode: mode, Kind: verify.KindFail, Source: f.name, Line: pt.line("")}
			if mode == verify.Regex {
				re, err := regexp.Compile(text)
				if err != nil {
					return pt.errf("text", "text is not a valid regular expression: %v", err)
				}
				vm.Pattern = re
			}
			c.forbid = append(c.forbid, vm)
		}
	}

	// [ladder.NAME]
	if err := c.decodeLadders(f, root); err != nil {
		return err
	}

	// [profile.NAME]
	keys := profileKeys
	if c.base != nil {
		keys = overlayProfileKeys
	}
	return c.decodeProfiles(f, root, keys, func(pt tbl, p *profileDecl) error {
		var err error
		if p.Env, err = pt.stringMap("env"); err != nil {
			return err
		}
		p.EnvLine = pt.line("env")
		for _, e := range []struct {
			key string
			to  status
		}{{"remove", stUnexpected}, {"allow", stAllowed}, {"require", stRequired}, {"forbid", stForbidden}} {
			ids, err := pt.refs(e.key, true)
			if err != nil {
				return err
			}
			if len(ids) > 0 {
				p.Edits = append(p.Edits, edit{To: e.to, IDs: ids})
			}
		}
		_, _, err = pt.str("description")
		return err
	})
}

func decodeNativeMarker(mt tbl, defMode verify.Mode) (*markerDecl, error) {
	if err := mt.known(markerKeys...); err != nil {
		return nil, err
	}
	m := &markerDecl{File: mt.f.name, Line: mt.line(""), Kind: verify.KindOK, Mode: defMode}
	text, ok, err := mt.str("text")
	if err != nil {
		return nil, err
	}
	if !ok || strings.TrimSpace(text) == "" {
		return nil, mt.errf("", "text is missing; expected text = \"THE LINE\" (the console line, or a regex with match = \"regex\")")
	}
	m.Text = text
	if s, ok, err := mt.str("match"); err != nil {
		return nil, err
	} else if ok {
		if m.Mode, err = parseMode(s); err != nil {
			return nil, mt.errf("match", "%v", err)
		}
	}
	if m.Mode == verify.Regex {
		re, err := regexp.Compile(text)
		if err != nil {
			return nil, mt.errf("text", "text is not a valid regular expression: %v", err)
		}
		m.Pattern = re
	} else if strings.ContainsAny(text, "\r\n") {
		return nil, mt.errf("text", "text %q spans lines; a marker is one console line", text)
	} else if (m.Mode == verify.Exact && text != strings.TrimSpace(text)) || (m.Mode == verify.Prefix && text != strings.TrimLeft(text, " \t")) {
		return nil, mt.errf("text", "text %q has surrounding space; lines are matched trimmed, so it could never match", text)
	}
	if s, ok, err := mt.str("kind"); err != nil {
		return nil, err
	} else if ok {
		if m.Kind, err = parseKind(s); err != nil {
			return nil, mt.errf("kind", "%v", err)
		}
	}
	if m.ID, _, err = mt.str("id"); err != nil {
		return nil, err
	}
	if m.ID == "" {
		m.ID = text
	}
	if s, ok, err := mt.str("phase"); err != nil {
		return nil, err
	} else if ok {
		m.Phase = mt.ref("phase", s)
	}
	if s, ok, err := mt.str("status"); err != nil {
		return nil, err
	} else if ok {
		m.StatusLine = mt.line("status")
		switch s {
		case "required":
			m.Status = stRequired
		case "allowed":
			m.Status = stAllowed
		case "forbidden":
			m.Status = stForbidden
		default:
			return nil, mt.errf("status", "status %q: expected \"required\", \"allowed\" or \"forbidden\"", s)
		}
	}
	if m.Min, _, err = mt.integer("min"); err != nil {
		return nil, err
	}
	if m.Max, _, err = mt.integer("max"); err != nil {
		return nil, err
	}
	if m.After, err = mt.refs("after", true); err != nil {
		return nil, err
	}
	if m.Profiles, err = mt.refs("profiles", true); err != nil {
		return nil, err
	}
	if m.Proves, _, err = mt.str("proves"); err != nil {
		return nil, err
	}
	if _, _, err := mt.str("description"); err != nil {
		return nil, err
	}
	return m, nil
}

func parseMode(s string) (verify.Mode, error) {
	switch s {
	case "exact":
		return verify.Exact, nil
	case "prefix":
		return verify.Prefix, nil
	case "regex":
		return verify.Regex, nil
	case "substring":
		return verify.Substring, nil
	}
	return 0, fmt.Errorf("match %q: expected \"exact\", \"prefix\", \"regex\" or \"substring\"", s)
}

func parseKind(s string) (verify.Kind, error) {
	switch k := verify.Kind(s); k {
	case verify.KindOK, verify.KindReady, verify.KindFail, verify.KindStub, verify.KindDiag:
		return k, nil
	}
	return "", fmt.Errorf("kind %q: expected \"ok\", \"ready\", \"fail\", \"stub\" or \"diag\"", s)
}

// decodeProfiles reads the [profile.NAME] tables of both formats: a name
// declared twice is a problem and extends is read the same way; body
// decodes the format's own keys.
func (c *Contract) decodeProfiles(f *fileCtx, root tbl, keys []string, body func(pt tbl, p *profileDecl) error) error {
	return root.eachTable("profile", keys, func(name string, pt tbl) error {
		if prev, dup := c.profiles[name]; dup {
			c.problem(f.name, pt.line(""), "duplicate-profile", "profile %q is already declared at %s:%d", name, prev.File, prev.Line)
			return nil
		}
		p := &profileDecl{Name: name, File: f.name, Line: pt.line("")}
		if s, ok, err := pt.str("extends"); err != nil {
			return err
		} else if ok {
			p.Extends = pt.ref("extends", s)
		}
		if err := body(pt, p); err != nil {
			return err
		}
		c.profiles[name] = p
		return nil
	})
}
