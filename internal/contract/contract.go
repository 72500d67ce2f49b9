// Package contract reads the marker contract: the one file (plus its
// includes) that says which console markers a run must, may and must not
// print, per profile. It reads two formats: taskproof's own TOML format
// (docs/contract.md) and the upstream proof-manifest tree (schema v1/v2,
// a manifest.toml with [meta] and [include]), detected automatically.
//
// The package is pure: it reads through an fs.FS and returns values. A
// resolved profile is a verify.Spec, which the streaming verifier consumes.
package contract

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/taskproof/taskproof/internal/verify"
)

// Format names the file format a contract was read from.
type Format string

// Formats Load understands.
const (
	FormatTaskproof  Format = "taskproof"         // our own format, [contract] version = 1
	FormatManifestV2 Format = "proof-manifest-v2" // upstream split tree with [include]
	FormatManifestV1 Format = "proof-manifest-v1" // upstream single file
	// FormatOverlay is our format with [contract] extends: a ladder and
	// more on top of another contract.
	FormatOverlay Format = "taskproof-overlay"
)

// DefaultProfileName is the profile a taskproof contract without any
// [profile.*] table has.
const DefaultProfileName = "default"

// Error is a contract error at a position.
type Error struct {
	File string
	Line int
	Msg  string
	Err  error // a sentinel such as ErrNothingRequired, or nil
}

// Unwrap returns the sentinel the error carries, for errors.Is.
func (e *Error) Unwrap() error { return e.Err }

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Msg)
}

// status is what a marker is in one profile.
type status int

const (
	stUnset      status = iota // not decided (native marker without status)
	stUnexpected               // declared, but not part of this profile: seeing it fails
	stAllowed                  // may appear
	stRequired                 // must appear
	stForbidden                // fails the run the moment it appears
)

func (s status) String() string {
	switch s {
	case stUnexpected:
		return "unexpected"
	case stAllowed:
		return "allowed"
	case stRequired:
		return "required"
	case stForbidden:
		return "forbidden"
	}
	return "unset"
}

// ref is a reference to a marker id, profile or phase, with where it was written.
type ref struct {
	Name string
	File string
	Line int
}

type markerDecl struct {
	ID      string
	Text    string
	Mode    verify.Mode
	Pattern *regexp.Regexp
	Kind    verify.Kind
	Phase   ref // Name "" when the marker has no phase
	Status  status
	// StatusLine is the line of the status key, when set.
	StatusLine int
	Min        int
	Max        int
	After      []ref
	// Profiles limits the marker to these profiles and their descendants
	// (taskproof format); empty means every profile.
	Profiles []ref
	Proves   string
	// Upstream clauses (proof-manifest format).
	EmitWhen      []ref
	EmitWhenNot   []ref
	ForbiddenWhen []ref
	File          string
	Line          int
}

type edit struct {
	To  status
	IDs []ref
}

type profileDecl struct {
	Name    string
	Extends ref // Name "" for a root profile
	Env     map[string]string
	EnvLine int // line of the env key (or of the table without one)
	Edits   []edit
	// Upstream runtime-only profiles run a subset of phases.
	RuntimeOnly bool
	Runner      string
	Phases      []ref
	File        string
	Line        int
}

type phaseDecl struct {
	Name   string
	Strict bool
	Order  int // upstream [phase.X].order
	File   string
	Line   int
}

type ruleDecl struct {
	If   ref
	Then []ref
	File string
	Line int
}

type sourceFile struct {
	Name string
	Data []byte
}

// Contract is a loaded marker contract. Resolve turns one of its profiles
// into a verify.Spec.
type Contract struct {
	format         Format
	root           string
	files          []sourceFile
	phases         []*phaseDecl
	markers        []*markerDecl
	byID           map[string]*markerDecl
	profiles       map[string]*profileDecl
	defaultProfile ref
	rules          []ruleDecl
	forbid         []verify.Marker // contract-wide forbidden patterns
	dropAll        bool            // every default forbidden pattern dropped
	drop           []ref           // default forbidden patterns dropped by id
	logPrefix      *regexp.Regexp
	phaseOrder     bool // phases order markers (taskproof format)
	maxLineBytes   int
	// undeclared are the namespaces (line prefixes) in which every
	// value-free line must be a declared marker (verify.Spec.Undeclared).
	undeclared []string
	// problems are errors found after decoding (unknown references,
	// duplicates, cycles): Lint reports them and Resolve refuses to run.
	problems []Finding
	// failureLines is [contract] failure_lines (undeclared failure lines
	// warn or fail); failureLinesSet whether the file says.
	failureLines    verify.FailureLines
	failureLinesSet bool
	// defaultMode is [contract] match, the mode of markers that do not say.
	defaultMode verify.Mode
	// base is the contract an overlay extends (nil otherwise), extends
	// where it says so; ladders are the overlay's required ladders.
	base    *Contract
	extends ref
	ladders []*ladderDecl
}

// Format reports which file format the contract was read from.
func (c *Contract) Format() Format { return c.format }

// Root is the name of the contract's root file inside its file system.
func (c *Contract) Root() string { return c.root }

// Files lists the files the contract was read from (an overlay's base
// included), sorted.
func (c *Contract) Files() []string {
	var out []string
	for _, f := range c.allFiles() {
		out = append(out, f.Name)
	}
	sort.Strings(out)
	return out
}

// allFiles are the files of the contract and of every contract it extends.
func (c *Contract) allFiles() []sourceFile {
	var out []sourceFile
	for k := c; k != nil; k = k.base {
		out = append(out, k.files...)
	}
	return out
}

// Hash is "sha256:" and the hex SHA-256 over every file of the contract in
// name order, each as name, NUL, decimal byte length, NUL, bytes. It
// changes when any file's name or content changes, for binding evidence.
func (c *Contract) Hash() string {
	fs := c.allFiles()
	sort.Slice(fs, func(i, j int) bool { return fs[i].Name < fs[j].Name })
	h := sha256.New()
	for _, f := range fs {
		fmt.Fprintf(h, "%s\x00%d\x00", f.Name, len(f.Data))
		h.Write(f.Data)
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}

// Profiles lists the profile names, sorted (an overlay's are its base's).
func (c *Contract) Profiles() []string {
	if c.base != nil {
		return c.base.Profiles()
	}
	out := make([]string, 0, len(c.profiles))
	for n := range c.profiles {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// DefaultProfile is the profile Resolve("") uses, or "" when the contract
// does not determine one.
func (c *Contract) DefaultProfile() string {
	forbidIDs := map[string]bool{}
	for _, d := range DefaultForbidden() {
		forbidIDs[d.ID] = true
	}
	for _, fp := range c.forbid {
		if _, clash := c.byID[fp.ID]; clash || forbidIDs[fp.ID] {
			c.problem(fp.Source, fp.Line, "duplicate-marker", "forbidden pattern id %q is already used by a marker or another pattern; give it its own id", fp.ID)
		}
		forbidIDs[fp.ID] = true
	}
	if c.defaultProfile.Name != "" {
		return c.defaultProfile.Name
	}
	if c.base != nil {
		return c.base.DefaultProfile()
	}
	if _, ok := c.profiles[DefaultProfileName]; ok {
		return DefaultProfileName
	}
	if len(c.profiles) == 1 {
		for n := range c.profiles {
			return n
		}
	}
	return ""
}

// Declares reports whether a console line with this text would be one of
// the contract's markers (any profile, any status). Task lint uses it to
// check that markers named in a task exist in the contract.
func (c *Contract) Declares(text string) bool {
	text = strings.TrimSpace(text)
	if text == "" {
		return false
	}
	if c.logPrefix != nil {
		if loc := c.logPrefix.FindStringIndex(text); loc != nil && loc[0] == 0 {
			text = strings.TrimSpace(text[loc[1]:])
		}
	}
	for _, m := range c.markers {
		if m.ID == text || matches(m.Mode, m.Text, m.Pattern, text) {
			return true
		}
	}
	for _, l := range c.ladders {
		for _, e := range l.Entries {
			if e.Text == text {
				return true
			}
		}
	}
	if c.base != nil {
		return c.base.Declares(text)
	}
	return false
}

// matches applies a marker's match mode to one line, the way the verifier
// does after stripping.
func matches(mode verify.Mode, text string, re *regexp.Regexp, line string) bool {
	switch mode {
	case verify.Exact:
		return line == text
	case verify.Prefix:
		return strings.HasPrefix(line, text)
	case verify.Substring:
		return strings.Contains(line, text)
	case verify.Regex:
		return re != nil && re.MatchString(line)
	}
	return false
}

// Env returns the profile's environment merged through extends: a child's
// value replaces its parent's. "" is the default profile.
func (c *Contract) Env(profile string) (map[string]string, error) {
	chain, err := c.chain(profile)
	if err != nil {
		return nil, err
	}
	env := map[string]string{}
	for _, p := range chain {
		for k, v := range p.Env {
			env[k] = v
		}
		// An overlay's own table for the profile adds to its env.
		for k := c; k != nil && k.base != nil; k = k.base {
			if own, ok := k.profiles[p.Name]; ok {
				for key, v := range own.Env {
					env[key] = v
				}
			}
		}
	}
	return env, nil
}

// chain returns the profile and its ancestors, root first. An overlay's
// profiles are its base's.
func (c *Contract) chain(profile string) ([]*profileDecl, error) {
	if c.base != nil {
		if profile == "" {
			profile = c.DefaultProfile()
		}
		return c.base.chain(profile)
	}
	name := profile
	if name == "" {
		name = c.DefaultProfile()
		if name == "" {
			return nil, fmt.Errorf("no default profile; pass a profile (known: %s) or set %s", strings.Join(c.Profiles(), ", "), c.defaultProfileKey())
		}
	}
	p, ok := c.profiles[name]
	if !ok {
		return nil, fmt.Errorf("unknown profile %q; known profiles: %s", name, strings.Join(c.Profiles(), ", "))
	}
	var rev []*profileDecl
	seen := map[string]bool{}
	for p != nil {
		if seen[p.Name] {
			return nil, &Error{File: p.File, Line: p.Line, Msg: fmt.Sprintf("profile %q: extends cycle %s", name, cycleText(rev, p.Name))}
		}
		seen[p.Name] = true
		rev = append(rev, p)
		if p.Extends.Name == "" {
			break
		}
		parent, ok := c.profiles[p.Extends.Name]
		if !ok {
			return nil, &Error{File: p.Extends.File, Line: p.Extends.Line, Msg: fmt.Sprintf("profile %q extends unknown profile %q; known profiles: %s", p.Name, p.Extends.Name, strings.Join(c.Profiles(), ", "))}
		}
		p = parent
	}
	out := make([]*profileDecl, len(rev))
	for i, p := range rev {
		out[len(rev)-1-i] = p
	}
	return out, nil
}

func cycleText(path []*profileDecl, back string) string {
	names := make([]string, 0, len(path)+1)
	for _, p := range path {
		names = append(names, p.Name)
	}
	names = append(names, back)
	return strings.Join(names, " -> ")
}

func (c *Contract) defaultProfileKey() string {
	if c.format == FormatTaskproof {
		return "[contract] default_profile"
	}
	return "[meta] default_profile"
}

// Load reads the contract whose root file is name inside fsys, with every
// file it includes. The format is detected from the root file: a
// [contract] table is taskproof's format, a [meta] table with
// schema_version is an upstream proof-manifest. Errors name file:line and
// what was expected.
func Load(fsys fs.FS, name string) (*Contract, error) {
	return loadChain(fsys, name, map[string]bool{})
}

// loadChain reads one contract; seen holds the files of the extends chain so
// far, so that a cycle is an error.
func loadChain(fsys fs.FS, name string, seen map[string]bool) (*Contract, error) {
	seen[name] = true
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, fmt.Errorf("read contract %s: %w", name, err)
	}
	doc, lay, err := decodeFile(name, data)
	if err != nil {
		return nil, err
	}
	c := &Contract{
		root:     name,
		files:    []sourceFile{{name, data}},
		byID:     map[string]*markerDecl{},
		profiles: map[string]*profileDecl{},
	}
	f := &fileCtx{name: name, lay: lay}
	switch {
	case doc["contract"] != nil:
		c.format = FormatTaskproof
		c.phaseOrder = true
		err = c.loadNative(fsys, f, doc, seen)
	case doc["meta"] != nil:
		err = c.loadManifest(fsys, f, doc)
	default:
		return nil, &Error{File: name, Line: 1, Msg: "not a marker contract: expected a [contract] table (taskproof format, see docs/contract.md) or a [meta] table with schema_version (proof-manifest)"}
	}
	if err != nil {
		return nil, err
	}
	c.check()
	if c.base != nil {
		c.checkOverlay()
	}
	return c, nil
}

// decodeFile parses TOML into a generic tree; syntax errors carry the line.
func decodeFile(name string, data []byte) (map[string]any, *layout, error) {
	var doc map[string]any
	src := string(data) // one copy for the decoder and the layout
	if _, err := toml.Decode(src, &doc); err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return nil, nil, &Error{File: name, Line: pe.Position.Line, Msg: "invalid TOML: " + pe.Message}
		}
		return nil, nil, &Error{File: name, Line: 0, Msg: "invalid TOML: " + err.Error()}
	}
	return doc, scanLayout(src), nil
}

// expandInclude resolves one include glob relative to the including file.
func expandInclude(fsys fs.FS, from *fileCtx, line int, pattern string) ([]string, error) {
	if pattern == "" || path.IsAbs(pattern) || strings.HasPrefix(pattern, "/") {
		return nil, &Error{File: from.name, Line: line, Msg: fmt.Sprintf("include %q: expected a relative path or glob inside the contract's directory", pattern)}
	}
	for _, el := range strings.Split(pattern, "/") {
		if el == ".." {
			return nil, &Error{File: from.name, Line: line, Msg: fmt.Sprintf("include %q leaves the contract's directory; includes must stay inside it", pattern)}
		}
	}
	full := path.Join(path.Dir(from.name), pattern)
	matches, err := fs.Glob(fsys, full)
	if err != nil {
		return nil, &Error{File: from.name, Line: line, Msg: fmt.Sprintf("include %q: bad glob: %v", pattern, err)}
	}
	var files []string
	for _, m := range matches {
		st, err := fs.Stat(fsys, m)
		if err != nil || st.IsDir() {
			continue
		}
		files = append(files, m)
	}
	sort.Strings(files)
	if len(files) == 0 {
		return nil, &Error{File: from.name, Line: line, Msg: fmt.Sprintf("include %q matches no file", pattern)}
	}
	return files, nil
}

// addFile adds an included file (an includeQueue read it) at its turn: once.
func (c *Contract) addFile(from *fileCtx, line int, f includedFile) (map[string]any, *fileCtx, error) {
	for _, prev := range c.files {
		if prev.Name == f.name {
			return nil, nil, &Error{File: from.name, Line: line, Msg: fmt.Sprintf("%s is included twice", f.name)}
		}
	}
	if f.readErr != nil {
		return nil, nil, &Error{File: from.name, Line: line, Msg: fmt.Sprintf("read included %s: %v", f.name, f.readErr)}
	}
	if f.err != nil {
		return nil, nil, f.err
	}
	c.files = append(c.files, sourceFile{f.name, f.data})
	return f.doc, &fileCtx{name: f.name, lay: f.lay}, nil
}

// includedFile is a file an include names, read and decoded ahead of its
// turn; addFile reports its errors at that turn.
type includedFile struct {
	name    string
	data    []byte
	readErr error
	doc     map[string]any
	lay     *layout
	err     error // decoding
	// markers are an upstream manifest's marker tables, decoded ahead
	// when markersDecoded.
	markers        []markerOutcome
	markersDecoded bool
}

func (c *Contract) problem(file string, line int, rule, format string, a ...any) {
	c.problems = append(c.problems, Finding{Severity: SeverityError, File: file, Line: line, Rule: rule, Message: fmt.Sprintf(format, a...)})
}

// addMarker registers a declared marker; a second marker with the same id
// is a problem naming both places.
func (c *Contract) addMarker(m *markerDecl) {
	if prev, ok := c.byID[m.ID]; ok {
		what := "id"
		if c.format != FormatTaskproof {
			what = "literal"
		}
		c.problem(m.File, m.Line, "duplicate-marker", "marker %s %q is already declared at %s:%d; each marker is declared once", what, m.ID, prev.File, prev.Line)
		return
	}
	c.byID[m.ID] = m
	c.markers = append(c.markers, m)
}

// check validates references after every file is read. Problems are kept
// for Lint and make Resolve fail.
func (c *Contract) check() {
	phases := map[string]bool{}
	for _, p := range c.bottom().phases {
		phases[p.Name] = true
	}
	knownPhases := func() string {
		names := make([]string, len(c.bottom().phases))
		for i, p := range c.bottom().phases {
			names[i] = p.Name
		}
		if len(names) == 0 {
			return "none declared"
		}
		return strings.Join(names, ", ")
	}
	// A reference's description (what) is formatted only for a problem:
	// most references resolve, and a manifest has hundreds.
	profiles := c.Profiles()
	profile := func(r ref, what func() string) {
		if !slices.Contains(profiles, r.Name) {
			c.problem(r.File, r.Line, "unknown-profile", "%s names unknown profile %q; known profiles: %s", what(), r.Name, strings.Join(profiles, ", "))
		}
	}
	marker := func(r ref, what func() string) {
		if c.findMarker(r.Name) == nil {
			c.problem(r.File, r.Line, "unknown-marker", "%s names unknown marker %q; reference a declared marker by its id (the text when no id is set)", what(), r.Name)
		}
	}
	fixed := func(s string) func() string { return func() string { return s } }
	for _, m := range c.markers {
		if m.Phase.Name != "" && !phases[m.Phase.Name] {
			c.problem(m.Phase.File, m.Phase.Line, "unknown-phase", "marker %q names unknown phase %q; known phases: %s", m.ID, m.Phase.Name, knownPhases())
		}
		for _, r := range m.After {
			marker(r, func() string { return fmt.Sprintf("marker %q after", m.ID) })
			if r.Name == m.ID {
				c.problem(r.File, r.Line, "order-cycle", "marker %q must come after itself", m.ID)
			}
		}
		for _, g := range [...]struct {
			key  string
			refs []ref
		}{{"profiles", m.Profiles}, {"emit_when", m.EmitWhen}, {"emit_when_not", m.EmitWhenNot}, {"forbidden_when", m.ForbiddenWhen}} {
			for _, r := range g.refs {
				profile(r, func() string { return fmt.Sprintf("marker %q %s", m.ID, g.key) })
			}
		}
		if m.Max > 0 && m.Min > m.Max {
			c.problem(m.File, m.Line, "bad-count", "marker %q: min %d is greater than max %d", m.ID, m.Min, m.Max)
		}
	}
	for _, r := range c.rules {
		marker(r.If, fixed("rule if"))
		for _, t := range r.Then {
			marker(t, fixed("rule then"))
			if t.Name == r.If.Name {
				c.problem(t.File, t.Line, "order-cycle", "rule: marker %q must come after itself", t.Name)
			}
		}
	}
	for _, name := range sortedProfileNames(c.profiles) {
		p := c.profiles[name]
		if p.Extends.Name != "" {
			profile(p.Extends, func() string { return fmt.Sprintf("profile %q extends", p.Name) })
		}
		for _, r := range p.Phases {
			if !phases[r.Name] {
				c.problem(r.File, r.Line, "unknown-phase", "profile %q names unknown phase %q; known phases: %s", p.Name, r.Name, knownPhases())
			}
		}
		seen := map[string]string{}
		for _, e := range p.Edits {
			for _, r := range e.IDs {
				marker(r, func() string { return fmt.Sprintf("profile %q %s", p.Name, editKey(e.To)) })
				if prev, dup := seen[r.Name]; dup && prev != editKey(e.To) {
					c.problem(r.File, r.Line, "profile-conflict", "profile %q lists marker %q in both %s and %s; list it once", p.Name, r.Name, prev, editKey(e.To))
				}
				seen[r.Name] = editKey(e.To)
			}
		}
	}
	// Extends cycles: walk each chain with a visited set, so a cycle is a
	// finding, never a stack overflow.
	reported := map[string]bool{}
	for _, name := range c.Profiles() {
		if c.base != nil {
			break // the base reported its own
		}
		if _, err := c.chain(name); err != nil {
			var pe *Error
			if errors.As(err, &pe) && strings.Contains(pe.Msg, "extends cycle") {
				key := pe.File + fmt.Sprint(pe.Line)
				if !reported[key] {
					reported[key] = true
					c.problem(pe.File, pe.Line, "extends-cycle", "%s", pe.Msg)
				}
			}
		}
	}
	if c.defaultProfile.Name != "" {
		profile(c.defaultProfile, fixed("default_profile"))
	}
	if c.base == nil {
		for _, l := range c.ladders {
			profile(ref{Name: l.Profile, File: l.File, Line: l.Line}, func() string { return fmt.Sprintf("[ladder.%s]", l.Profile) })
		}
	}
	for _, r := range c.drop {
		if _, ok := defaultForbiddenByID()[strings.TrimPrefix(r.Name, "default:")]; !ok {
			c.problem(r.File, r.Line, "unknown-default", "drop_defaults names %q, which is not a default forbidden pattern; known: %s", r.Name, strings.Join(defaultForbiddenIDs(), ", "))
		}
	}
	sort.SliceStable(c.problems, func(i, j int) bool { return findingLess(c.problems[i], c.problems[j]) })
}

func editKey(s status) string {
	switch s {
	case stRequired:
		return "require"
	case stAllowed:
		return "allow"
	case stForbidden:
		return "forbid"
	case stUnexpected:
		return "remove"
	}
	return "?"
}
