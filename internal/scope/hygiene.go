package scope

import (
	"fmt"
	"path"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/bmatcuk/doublestar/v4"

	"github.com/taskproof/taskproof/internal/atomicfile"
)

// Rule names a hygiene rule.
type Rule string

// The hygiene rules, applied to the lines a change adds.
const (
	// RuleUnwrapInDaemon: new .unwrap() / .expect( in Rust daemon code.
	RuleUnwrapInDaemon Rule = "unwrap-in-daemon"
	// RuleUnsafeWithoutSafety: new unsafe block/fn/impl/trait without a
	// "// SAFETY:" comment on the line or within the 3 lines above.
	RuleUnsafeWithoutSafety Rule = "unsafe-without-safety"
	// RuleOKMarkerInStub: a line in a stub file or stub function emits a
	// marker whose kind is ok or ready.
	RuleOKMarkerInStub Rule = "ok-marker-in-stub"
	// RuleSecretInDiff: something that looks like a private key or token.
	RuleSecretInDiff Rule = "secret-in-diff"
)

// Rules lists every rule, in report order.
var Rules = []Rule{RuleUnwrapInDaemon, RuleUnsafeWithoutSafety, RuleOKMarkerInStub, RuleSecretInDiff}

// Marker is a contract marker the ok-marker-in-stub rule looks for.
type Marker struct {
	Text string
	Kind string // ok, ready, fail, stub, diag; only ok and ready are checked
	// Pattern is set for regex markers; Text is then its source.
	Pattern *regexp.Regexp
}

// HygieneOptions configure the rules. Globs use doublestar syntax and
// match repository-relative paths; a glob that matches a directory covers
// everything under it.
type HygieneOptions struct {
	// DaemonPaths: where unwrap/expect is forbidden. Empty turns
	// unwrap-in-daemon off.
	DaemonPaths []string
	// StubPaths: files that are stubs, in addition to files and functions
	// whose name contains "stub" or "placeholder".
	StubPaths []string
	// IgnorePaths are exempt from every rule (fixtures, vendored code).
	IgnorePaths []string
	// Disabled rules report nothing.
	Disabled []Rule
	// Markers are the contract's markers. MarkersFrom names where they
	// came from; when it is "" there is no contract and
	// ok-marker-in-stub reports nothing (it says so in its status).
	Markers     []Marker
	MarkersFrom string
	// MarkersNote explains why there are no markers (no contract file,
	// a contract that does not load).
	MarkersNote string
}

// Finding is one hygiene problem on an added line.
type Finding struct {
	File    string `json:"file"`
	Line    int    `json:"line"` // line number in the new file
	Rule    Rule   `json:"rule"`
	Text    string `json:"text"` // the added line, capped, secrets redacted
	Message string `json:"message"`
}

// RuleStatus says whether a rule ran and with what configuration.
type RuleStatus struct {
	Rule    Rule   `json:"rule"`
	Enabled bool   `json:"enabled"`
	Note    string `json:"note"`
}

// maxFindingText caps the line quoted in a finding.
const maxFindingText = 200

// Hygiene applies the rules to the added lines of files. Deleted and
// binary files have no added lines. Findings are sorted by file, line and
// rule. The statuses say, for every rule, whether it ran.
func Hygiene(files []FileDiff, o HygieneOptions) ([]Finding, []RuleStatus) {
	st := statuses(o)
	on := map[Rule]bool{}
	for _, s := range st {
		on[s.Rule] = s.Enabled
	}
	var okMarkers []Marker
	for _, m := range o.Markers {
		if (m.Kind == "ok" || m.Kind == "ready") && (m.Text != "" || m.Pattern != nil) {
			okMarkers = append(okMarkers, m)
		}
	}
	findings := []Finding{}
	for i := range files {
		f := &files[i]
		// taskproof's own temporary files are not part of the change.
		if f.Path == "" || f.Binary || atomicfile.IsTemp(f.Path) || matchAny(o.IgnorePaths, f.Path) {
			continue
		}
		h := fileHygiene{
			file:      f,
			on:        on,
			rust:      strings.HasSuffix(f.Path, ".rs"),
			cFamily:   isCFamily(f.Path),
			daemon:    matchAny(o.DaemonPaths, f.Path),
			testFile:  isTestPath(f.Path),
			stubFile:  matchAny(o.StubPaths, f.Path) || hasStubWord(path.Base(f.Path)),
			okMarkers: okMarkers,
		}
		findings = append(findings, h.run()...)
	}
	sort.SliceStable(findings, func(i, j int) bool {
		a, b := findings[i], findings[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return ruleIndex(a.Rule) < ruleIndex(b.Rule)
	})
	return findings, st
}

func ruleIndex(r Rule) int {
	for i, x := range Rules {
		if x == r {
			return i
		}
	}
	return len(Rules)
}

// statuses decides which rules run.
func statuses(o HygieneOptions) []RuleStatus {
	disabled := map[Rule]bool{}
	for _, r := range o.Disabled {
		disabled[r] = true
	}
	var out []RuleStatus
	for _, r := range Rules {
		s := RuleStatus{Rule: r, Enabled: true}
		switch r {
		case RuleUnwrapInDaemon:
			if len(o.DaemonPaths) == 0 {
				s.Enabled, s.Note = false, "off: [hygiene] daemon_paths is empty"
			} else {
				s.Note = "Rust files under " + strings.Join(o.DaemonPaths, ", ")
			}
		case RuleUnsafeWithoutSafety:
			s.Note = "Rust files; a `// SAFETY:` comment on the line or within the 3 lines above"
		case RuleOKMarkerInStub:
			n := 0
			for _, m := range o.Markers {
				if m.Kind == "ok" || m.Kind == "ready" {
					n++
				}
			}
			switch {
			case o.MarkersFrom == "":
				note := o.MarkersNote
				if note == "" {
					note = "no marker contract"
				}
				s.Enabled, s.Note = false, "skipped: "+note+"; the rule needs the contract's ok/ready markers"
			case n == 0:
				s.Enabled, s.Note = false, "skipped: "+o.MarkersFrom+" declares no marker of kind ok or ready"
			default:
				s.Note = fmt.Sprintf("%d ok/ready markers from %s", n, o.MarkersFrom)
			}
		case RuleSecretInDiff:
			s.Note = "private keys, AWS/GitHub/Slack tokens, quoted secret assignments"
		}
		if disabled[r] {
			s.Enabled, s.Note = false, "off: disabled in [hygiene] disable"
		}
		out = append(out, s)
	}
	return out
}

// fileHygiene walks one file's hunks.
type fileHygiene struct {
	file                            *FileDiff
	on                              map[Rule]bool
	rust, cFamily, daemon, testFile bool
	stubFile                        bool
	okMarkers                       []Marker
	out                             []Finding
	depth, testDepth                int  // brace depth in the hunk; depth where the test region began
	inTest, pendingTest             bool // inside a #[cfg(test)] item; attribute seen, item not opened yet
	fnStack                         []fnScope
	sectionFn                       string
}

type fnScope struct {
	name   string
	depth  int // brace depth before the fn line
	opened bool
}

// Compiled on first use, not at package init: init runs in every taskproof
// process, most of which never need these.
var (
	fnNameRe      = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\bfn\s+([A-Za-z_][A-Za-z0-9_]*)`) })
	cFuncRe       = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`([A-Za-z_][A-Za-z0-9_]*)\s*\(`) })
	unwrapRe      = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\.\s*unwrap\s*\(\s*\)|\.\s*expect\s*\(`) })
	unsafeRe      = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\bunsafe\b\s*(\{|fn\b|impl\b|trait\b|extern\b|$)`) })
	unsafeItemRe  = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\bunsafe\s+(fn|trait|impl|extern)\b`) })
	cfgTestRe     = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`#\[cfg\((test|all\(test|any\(test)`) })
	testAttrRe    = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`#\[(tokio::)?test\b`) })
	modTestsRe    = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\bmod\s+tests?\b`) })
	simpleQuoteRe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'`) })
)

func (h *fileHygiene) run() []Finding {
	for hi := range h.file.Hunks {
		hk := &h.file.Hunks[hi]
		h.startHunk(hk)
		var state lexState
		// lines of the new file visible in this hunk, by line number
		visible := map[int]lexed{}
		for li, dl := range hk.Lines {
			if dl.Kind == Removed {
				continue
			}
			var lx lexed
			if h.cFamily {
				lx, state = lexLine(dl.Text, state)
			} else {
				lx = lexed{code: dl.Text, literals: quotedLiterals(dl.Text)}
			}
			visible[dl.NewLine] = lx
			if dl.Kind == Added {
				h.checkAdded(dl, nextText(hk.Lines, li), lx, visible)
			}
			h.track(lx)
		}
	}
	return h.out
}

// startHunk resets what the hunk header can tell: the enclosing function
// (git's section heading) and whether the hunk starts inside tests.
func (h *fileHygiene) startHunk(hk *Hunk) {
	h.depth, h.fnStack = 0, nil
	h.sectionFn = ""
	sec := hk.Section
	if m := fnNameRe().FindStringSubmatch(sec); m != nil {
		h.sectionFn = m[1]
	} else if !h.rust {
		if m := cFuncRe().FindStringSubmatch(sec); m != nil {
			h.sectionFn = m[1]
		}
	}
	// A hunk inside "mod tests {" (git names it as the section) is test
	// code; a test region from an earlier hunk continues.
	h.inTest = h.inTest || modTestsRe().MatchString(sec)
	h.testDepth = 0
	h.pendingTest = false
}

// track updates brace depth, the enclosing functions and the test region
// after a line.
func (h *fileHygiene) track(lx lexed) {
	code := lx.code
	if cfgTestRe().MatchString(code) || testAttrRe().MatchString(code) {
		h.pendingTest = true
	}
	if m := fnNameRe().FindStringSubmatch(code); m != nil {
		h.fnStack = append(h.fnStack, fnScope{name: m[1], depth: h.depth})
	}
	opens := strings.Count(code, "{")
	closes := strings.Count(code, "}")
	before := h.depth
	h.depth += opens - closes
	if h.pendingTest && opens > 0 {
		if !h.inTest {
			h.inTest = true
			h.testDepth = before
		}
		h.pendingTest = false
	} else if h.pendingTest && strings.HasSuffix(strings.TrimSpace(code), ";") {
		h.pendingTest = false // #[cfg(test)] use …;
	}
	if h.inTest && h.depth <= h.testDepth && closes > 0 && h.depth < before {
		h.inTest = false
	}
	for n := len(h.fnStack); n > 0; n = len(h.fnStack) {
		top := &h.fnStack[n-1]
		if h.depth > top.depth {
			top.opened = true
			break
		}
		if top.opened || strings.HasSuffix(strings.TrimSpace(code), ";") {
			h.fnStack = h.fnStack[:n-1]
			continue
		}
		break
	}
	if h.depth < 0 {
		// Left the function the hunk started in.
		h.sectionFn = ""
		h.depth = 0
		h.inTest = h.inTest && h.testDepth < 0
	}
}

// enclosingFn is the innermost function visible around the current line.
func (h *fileHygiene) enclosingFn() string {
	if n := len(h.fnStack); n > 0 {
		return h.fnStack[n-1].name
	}
	return h.sectionFn
}

func (h *fileHygiene) add(dl DiffLine, r Rule, msg string) {
	h.out = append(h.out, Finding{File: h.file.Path, Line: dl.NewLine, Rule: r, Text: truncate(strings.TrimSpace(redact(dl.Text)), maxFindingText), Message: msg})
}

// nextText is the text of the new-file line after lines[i] in the hunk, ""
// when the hunk ends there.
func nextText(lines []DiffLine, i int) string {
	for j := i + 1; j < len(lines); j++ {
		if lines[j].Kind != Removed {
			return lines[j].Text
		}
	}
	return ""
}

func (h *fileHygiene) checkAdded(dl DiffLine, next string, lx lexed, visible map[int]lexed) {
	if h.on[RuleSecretInDiff] {
		if kind := secretKind(dl.Text, next); kind != "" {
			h.add(dl, RuleSecretInDiff, kind+" in the diff; remove it, rotate it if it was real, and load secrets from the environment or a secret store")
		}
	}
	if h.rust && h.on[RuleUnwrapInDaemon] && h.daemon && !h.testFile && !h.inTest && !h.pendingTest {
		if m := unwrapRe().FindString(lx.code); m != "" {
			what := ".unwrap()"
			if strings.Contains(m, "expect") {
				what = ".expect(…)"
			}
			h.add(dl, RuleUnwrapInDaemon, "new "+what+" in daemon code ([hygiene] daemon_paths); return or map the error instead of panicking")
		}
	}
	if h.rust && h.on[RuleUnsafeWithoutSafety] && unsafeRe().MatchString(lx.code) && !h.justified(dl.NewLine, lx, visible) {
		h.add(dl, RuleUnsafeWithoutSafety, "new `unsafe` without a `// SAFETY:` comment on the line or within the 3 lines above; justify it or avoid it")
	}
	if h.on[RuleOKMarkerInStub] && len(h.okMarkers) > 0 {
		fn := h.enclosingFn()
		if m := fnNameRe().FindStringSubmatch(lx.code); m != nil {
			fn = m[1] // the line declares the function it is in ("fn a_stub() { emit(…) }")
		}
		stubFn := hasStubWord(fn)
		if h.stubFile || stubFn {
			for _, lit := range lx.literals {
				if m, ok := matchMarker(h.okMarkers, lit); ok {
					where := "stub file"
					if stubFn {
						where = "stub function " + fn
					}
					h.add(dl, RuleOKMarkerInStub, fmt.Sprintf("%s emits %s marker %q; stubs must say stub/placeholder, never ok/ready", where, m.Kind, m.Text))
					break
				}
			}
		}
	}
}

// justified reports whether an unsafe line has a SAFETY comment on it or
// within the 3 visible lines above; for unsafe fn/trait/impl a "# Safety"
// doc section in the comment block right above counts too.
func (h *fileHygiene) justified(line int, lx lexed, visible map[int]lexed) bool {
	if strings.Contains(lx.comment, "SAFETY:") {
		return true
	}
	for d := 1; d <= 3; d++ {
		if v, ok := visible[line-d]; ok && strings.Contains(v.comment, "SAFETY:") {
			return true
		}
	}
	if unsafeItemRe().MatchString(lx.code) {
		for n := line - 1; ; n-- {
			v, ok := visible[n]
			if !ok {
				break
			}
			code := strings.TrimSpace(v.code)
			if code != "" && !strings.HasPrefix(code, "#[") {
				break
			}
			c := strings.TrimSpace(strings.TrimLeft(v.comment, "/!"))
			if strings.HasPrefix(c, "# Safety") || strings.Contains(v.comment, "SAFETY:") {
				return true
			}
		}
	}
	return false
}

// matchMarker finds an ok/ready marker that a string literal emits.
func matchMarker(ms []Marker, lit string) (Marker, bool) {
	lit = strings.TrimSpace(lit)
	if lit == "" {
		return Marker{}, false
	}
	for _, m := range ms {
		if m.Pattern != nil {
			if m.Pattern.MatchString(lit) {
				return m, true
			}
			continue
		}
		if m.Text != "" && strings.Contains(lit, m.Text) {
			return m, true
		}
	}
	return Marker{}, false
}

// quotedLiterals extracts "…" and '…' strings from a line of a language
// the lexer does not know (shell, Python, TOML).
func quotedLiterals(s string) []string {
	var out []string
	for _, q := range simpleQuoteRe().FindAllString(s, -1) {
		out = append(out, q[1:len(q)-1])
	}
	return out
}

// hasStubWord reports whether a name says it is a stub.
func hasStubWord(name string) bool {
	l := strings.ToLower(name)
	return strings.Contains(l, "stub") || strings.Contains(l, "placeholder")
}

// isTestPath reports Rust test code by location: tests/ and benches/
// directories, tests.rs modules, *_test.rs files.
func isTestPath(p string) bool {
	for _, seg := range strings.Split(path.Dir(p), "/") {
		if seg == "tests" || seg == "benches" || seg == "test" {
			return true
		}
	}
	b := path.Base(p)
	return b == "tests.rs" || b == "test.rs" || strings.HasSuffix(b, "_test.rs") || strings.HasSuffix(b, "_tests.rs")
}

// isCFamily reports languages with // and /* */ comments and "…" strings.
func isCFamily(p string) bool {
	switch strings.ToLower(path.Ext(p)) {
	case ".rs", ".c", ".h", ".cc", ".cpp", ".cxx", ".hpp", ".hh", ".go", ".java", ".js", ".ts", ".zig", ".kt", ".swift", ".cs", ".dart":
		return true
	}
	return false
}

// matchAny reports whether p, or a directory above it, matches one of the
// globs.
func matchAny(globs []string, p string) bool {
	for _, g := range globs {
		g = strings.TrimSuffix(strings.TrimPrefix(g, "./"), "/")
		if g == "" {
			continue
		}
		if doublestar.MatchUnvalidated(g, p) {
			return true
		}
		for i := strings.LastIndexByte(p, '/'); i > 0; i = strings.LastIndexByte(p[:i], '/') {
			if doublestar.MatchUnvalidated(g, p[:i]) {
				return true
			}
		}
	}
	return false
}
