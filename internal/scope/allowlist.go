// Package scope checks a change against a task's touched-path allowlist and
// applies the diff hygiene rules to the lines it adds. It is pure: it takes
// parsed task items, git's name-status and unified-diff bytes, and returns
// values; internal/gitdiff is what runs git.
package scope

import (
	"fmt"
	"strings"

	"github.com/bmatcuk/doublestar/v4"

	"github.com/taskproof/taskproof/internal/task"
)

// Kind classifies one allowlist entry.
type Kind string

// Entry kinds.
const (
	// KindDir is a directory: "source/x/", template-style "source/...";
	// everything under it matches.
	KindDir Kind = "dir"
	// KindPath is a plain path: that file, or everything under it when it
	// is a directory.
	KindPath Kind = "path"
	// KindGlob is a doublestar pattern ("**", "*", "?", "[…]", "{a,b}").
	KindGlob Kind = "glob"
	// KindProse is a bullet without a path: it cannot be checked and is
	// reported as unverifiable.
	KindProse Kind = "prose"
	// KindMention is a path-looking code span that only comments on
	// another entry: inside parentheses ("`tests/` (incl. the `test_*`
	// set)") or a bare file name in the middle of a sentence. It allows
	// nothing and forbids nothing.
	KindMention Kind = "mention"
)

// Source says where an entry came from.
type Source string

// Entry sources.
const (
	SourceTask     Source = "task"         // the task's allowlist section
	SourceTaskFile Source = "task-file"    // the task document itself
	SourceAlways   Source = "always-allow" // config scope.always_allow
)

// Entry is one classified allowlist item.
type Entry struct {
	// Pattern is the path pattern as the task wrote it (backticks
	// stripped), "" for prose.
	Pattern string `json:"pattern"`
	// Match is the doublestar pattern actually matched, "" when the entry
	// matches nothing (prose, mention).
	Match  string `json:"match,omitempty"`
	Kind   Kind   `json:"kind"`
	Brace  bool   `json:"brace,omitempty"` // the pattern has {a,b} alternatives
	Deny   bool   `json:"deny"`
	Line   int    `json:"line"` // line in the task file; 0 for config and the task file
	Source Source `json:"source"`
	// Raw is the bullet text as written.
	Raw string `json:"raw,omitempty"`
	// Note explains a prose or mention classification.
	Note string `json:"note,omitempty"`
}

// Unverifiable is an allowlist bullet that names no checkable path.
type Unverifiable struct {
	Line int    `json:"line"`
	Text string `json:"text"`
	Deny bool   `json:"deny,omitempty"`
	// Reason says why it could not be checked.
	Reason string `json:"reason"`
}

// Allowlist is a task's compiled allowlist.
type Allowlist struct {
	TaskPath string  // the task document, repository-relative
	Entries  []Entry // in task order, then the task file, then always-allow
}

// HasTaskItems reports whether the task itself lists any allowlist item
// (pattern or prose). A task without one is a finding, never a pass.
func (a *Allowlist) HasTaskItems() bool {
	for _, e := range a.Entries {
		if e.Source == SourceTask {
			return true
		}
	}
	return false
}

// Unverifiable returns the prose entries of the task, in order.
func (a *Allowlist) Unverifiable() []Unverifiable {
	var out []Unverifiable
	seen := map[int]bool{}
	for _, e := range a.Entries {
		if e.Kind != KindProse || seen[e.Line] {
			continue
		}
		seen[e.Line] = true
		out = append(out, Unverifiable{Line: e.Line, Text: e.Raw, Deny: e.Deny, Reason: e.Note})
	}
	return out
}

// Compile classifies a task's allowlist items and adds the task file itself
// and the always-allowed paths. taskPath and always are repository-relative.
// Items are classified by Classify; the parser may emit several items for
// one bullet (one per code span), and a bullet whose spans are all mentions
// becomes one prose entry.
func Compile(taskPath string, items []task.PathItem, always []string) *Allowlist {
	a := &Allowlist{TaskPath: cleanPath(taskPath)}
	// Group the parser's items by bullet line, so that a bullet with only
	// mentions turns into one prose entry instead of vanishing.
	type bullet struct {
		line    int
		raw     string
		deny    bool
		entries []Entry
	}
	var bullets []*bullet
	byLine := map[int]*bullet{}
	for _, it := range items {
		b := byLine[it.Line]
		if b == nil || b.raw != it.Raw {
			b = &bullet{line: it.Line, raw: it.Raw, deny: it.Deny}
			byLine[it.Line] = b
			bullets = append(bullets, b)
		}
		b.entries = append(b.entries, Classify(it))
	}
	for _, b := range bullets {
		a.Entries = append(a.Entries, b.entries...)
		usable, prose := false, false
		for _, e := range b.entries {
			switch e.Kind {
			case KindProse:
				prose = true
			case KindMention:
			default:
				usable = true
			}
		}
		if !usable && !prose {
			// Every span was a remark: the bullet as a whole is prose.
			a.Entries = append(a.Entries, Entry{Kind: KindProse, Deny: b.deny, Line: b.line, Source: SourceTask, Raw: b.raw,
				Note: "paths appear only inside remarks or a sentence; no allowlist path"})
		}
	}
	if a.TaskPath != "" {
		a.Entries = append(a.Entries, Entry{Pattern: a.TaskPath, Match: a.TaskPath, Kind: KindPath, Source: SourceTaskFile})
	}
	for _, p := range always {
		e := classifyPattern(p)
		e.Source = SourceAlways
		a.Entries = append(a.Entries, e)
	}
	return a
}

// Classify turns one parsed item into an entry: a pattern normalised for
// doublestar, prose, or a mention (a code span that only comments on the
// bullet's real path). Unknown shapes become prose, never a pattern that
// could allow too much.
func Classify(it task.PathItem) Entry {
	base := Entry{Deny: it.Deny, Line: it.Line, Source: SourceTask, Raw: it.Raw}
	pat := strings.TrimSpace(strings.Trim(strings.TrimSpace(it.Pattern), "`"))
	if pat == "" {
		if p, ok := leadingPath(it.Raw); ok {
			e := classifyPattern(p)
			e.Deny, e.Line, e.Source, e.Raw = it.Deny, it.Line, SourceTask, it.Raw
			return e
		}
		base.Kind = KindProse
		base.Note = proseReason(it.Raw)
		return base
	}
	if mentionOnly(it.Raw, pat) {
		base.Pattern = pat
		base.Kind = KindMention
		base.Note = "inside a parenthetical remark or a sentence; not an allowlist path"
		return base
	}
	e := classifyPattern(pat)
	e.Deny, e.Line, e.Source, e.Raw = it.Deny, it.Line, SourceTask, it.Raw
	return e
}

// classifyPattern normalises one path pattern.
func classifyPattern(p string) Entry {
	orig := p
	p = strings.TrimSpace(p)
	p = strings.TrimPrefix(p, "./")
	p = strings.TrimLeft(p, "/")
	dir := false
	// Template style "source/..." and "source/…" mean the directory; a
	// trailing ellipsis after a name ("docs/adr/0044-…") elides the rest
	// of the name.
	for _, ell := range []string{"/...", "/…"} {
		if strings.HasSuffix(p, ell) {
			p, dir = strings.TrimSuffix(p, ell)+"/", true
		}
	}
	for _, ell := range []string{"...", "…"} {
		if strings.HasSuffix(p, ell) {
			p = strings.TrimSuffix(p, ell) + "*"
		}
	}
	if strings.HasSuffix(p, "/") {
		dir = true
	}
	p = strings.TrimRight(p, "/")
	e := Entry{Pattern: orig}
	if p == "" || p == "." || strings.Contains(p, "://") || strings.HasPrefix(p, "../") || p == ".." {
		e.Kind = KindProse
		e.Note = "not a repository-relative path"
		return e
	}
	glob := strings.ContainsAny(p, "*?[")
	e.Brace = strings.ContainsAny(p, "{}")
	switch {
	case glob || e.Brace:
		e.Kind = KindGlob
		e.Match = p
	case dir:
		e.Kind = KindDir
		e.Match = p
	default:
		e.Kind = KindPath
		e.Match = p
	}
	if dir && e.Kind == KindGlob {
		// "source/services/*/": everything under each match.
		e.Match = p + "/**"
	}
	if !doublestar.ValidatePattern(e.Match) {
		e.Kind, e.Match, e.Brace = KindProse, "", false
		e.Note = fmt.Sprintf("pattern %q does not compile (unbalanced [ or {)", orig)
	}
	return e
}

// Matches reports whether the repository-relative path matches the entry:
// the pattern itself, or anything under a directory the pattern names.
func (e Entry) Matches(path string) bool {
	if e.Match == "" {
		return false
	}
	switch e.Kind {
	case KindDir, KindPath:
		return path == e.Match || strings.HasPrefix(path, e.Match+"/")
	}
	if doublestar.MatchUnvalidated(e.Match, path) {
		return true
	}
	// A pattern that matches a directory covers the files under it.
	for i := strings.LastIndexByte(path, '/'); i > 0; i = strings.LastIndexByte(path[:i], '/') {
		if doublestar.MatchUnvalidated(e.Match, path[:i]) {
			return true
		}
	}
	return false
}

// Verdict is the decision for one path.
type Verdict struct {
	Allowed bool
	// By is the entry that decided: the deny entry that forbids the path,
	// or the first entry that allows it. nil when nothing matched.
	By *Entry
	// Reason explains a refusal.
	Reason string
}

// Check decides one repository-relative path. The task file itself is
// always allowed (a task may record its own status); otherwise a deny entry
// forbids the path even when another entry allows it; otherwise the first
// matching allow entry allows it.
func (a *Allowlist) Check(path string) Verdict {
	path = cleanPath(path)
	if a.TaskPath != "" && path == a.TaskPath {
		for i := range a.Entries {
			if a.Entries[i].Source == SourceTaskFile {
				return Verdict{Allowed: true, By: &a.Entries[i]}
			}
		}
	}
	for i := range a.Entries {
		e := &a.Entries[i]
		if e.Deny && e.Matches(path) {
			return Verdict{By: e, Reason: fmt.Sprintf("forbidden by out-of-allowlist item `%s` (line %d)", e.Pattern, e.Line)}
		}
	}
	for i := range a.Entries {
		e := &a.Entries[i]
		if !e.Deny && e.Matches(path) {
			return Verdict{Allowed: true, By: e}
		}
	}
	return Verdict{Reason: "not in the touched-path allowlist"}
}

// leadingPath reads a path the parser left as prose: a bullet that starts
// with a code span naming a well-known extension-less file ("`justfile`
// (extend …)") or a path with spaces in it ("`docs/my notes/`"), quoted
// by the backticks.
func leadingPath(raw string) (string, bool) {
	raw = strings.TrimSpace(raw)
	if !strings.HasPrefix(raw, "`") {
		return "", false
	}
	end := strings.IndexByte(raw[1:], '`')
	if end < 0 {
		return "", false
	}
	span := strings.TrimSpace(raw[1 : 1+end])
	if knownFiles[span] {
		return span, true
	}
	if !strings.Contains(span, " ") || !strings.Contains(span, "/") || strings.Contains(span, "://") {
		return "", false
	}
	if strings.ContainsAny(span, "=$|;<>\"'`&()\t") || strings.Contains(span, "  ") {
		return "", false
	}
	for _, w := range strings.Fields(span) {
		if strings.HasPrefix(w, "-") {
			return "", false
		}
	}
	if commandWords[strings.Fields(span)[0]] {
		return "", false
	}
	return span, true
}

// knownFiles are extension-less files that a bare name clearly means.
var knownFiles = map[string]bool{
	"Makefile": true, "makefile": true, "GNUmakefile": true, "justfile": true, "Justfile": true,
	".justfile": true, "Dockerfile": true, "Containerfile": true, "Jenkinsfile": true,
	"Vagrantfile": true, "Rakefile": true, "Gemfile": true, "Procfile": true, "LICENSE": true,
	"WORKSPACE": true, "BUILD": true, "CODEOWNERS": true, ".gitignore": true, ".gitattributes": true,
}

// commandWords start a command line rather than a path.
var commandWords = map[string]bool{
	"cargo": true, "just": true, "make": true, "go": true, "bash": true, "sh": true, "git": true,
	"python": true, "python3": true, "npm": true, "rustc": true, "env": true, "cd": true,
}

// proseReason says why a bullet is unverifiable.
func proseReason(raw string) string {
	if strings.Contains(raw, "://") {
		return "names a URI, not a repository path"
	}
	if strings.ContainsAny(raw, "<>") && strings.Contains(raw, "`") {
		return "path contains a placeholder"
	}
	return "prose without a path"
}

// mentionOnly reports whether the code span pat in raw only comments on
// the bullet rather than naming an allowed path:
//   - it sits inside parentheses while the bullet names a path outside
//     them ("`tests/` (incl. the `test_reject_*` set)"); a bullet whose
//     only path is in parentheses ("task model (`src/task.rs`)") keeps it;
//   - it is a bare name without a slash in a bullet that starts with prose
//     ("host tests live in `window_frame.rs`").
func mentionOnly(raw, pat string) bool {
	pos, ok := spanPos(raw, pat)
	if !ok {
		return false // a bare path the parser read from plain text
	}
	if parenDepth(raw[:pos]) > 0 {
		return hasPrimaryPath(raw)
	}
	return !strings.Contains(pat, "/") && !strings.HasPrefix(strings.TrimSpace(raw), "`")
}

// hasPrimaryPath reports whether raw has a path-looking code span outside
// parentheses.
func hasPrimaryPath(raw string) bool {
	for i := 0; i < len(raw); {
		if raw[i] != '`' {
			i++
			continue
		}
		n := 0
		for i+n < len(raw) && raw[i+n] == '`' {
			n++
		}
		end := strings.Index(raw[i+n:], raw[i:i+n])
		if end < 0 {
			return false
		}
		span := strings.TrimSpace(raw[i+n : i+n+end])
		if parenDepth(raw[:i]) == 0 && pathy(span) {
			return true
		}
		i += n + end + n
	}
	return false
}

// pathy is a loose "this names a file": a slash, a glob, an extension or
// a well-known file name, no spaces, no URI.
func pathy(s string) bool {
	if s == "" || strings.ContainsAny(s, " \t") || strings.Contains(s, "://") {
		return false
	}
	if knownFiles[s] || strings.ContainsAny(s, "/*") {
		return true
	}
	dot := strings.LastIndexByte(s, '.')
	return dot > 0 && dot < len(s)-1
}

// spanPos finds the first code span in raw whose content is pat.
func spanPos(raw, pat string) (int, bool) {
	for i := 0; i < len(raw); {
		if raw[i] != '`' {
			i++
			continue
		}
		n := 0
		for i+n < len(raw) && raw[i+n] == '`' {
			n++
		}
		fence := raw[i : i+n]
		end := strings.Index(raw[i+n:], fence)
		if end < 0 {
			return 0, false
		}
		if strings.TrimSpace(raw[i+n:i+n+end]) == pat {
			return i, true
		}
		i += n + end + n
	}
	return 0, false
}

// parenDepth counts open parentheses in s outside code spans.
func parenDepth(s string) int {
	depth, code := 0, false
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '`':
			code = !code
		case '(':
			if !code {
				depth++
			}
		case ')':
			if !code && depth > 0 {
				depth--
			}
		}
	}
	return depth
}

// cleanPath makes a path repository-relative and slash-separated.
func cleanPath(p string) string {
	p = strings.TrimPrefix(p, "./")
	return strings.TrimLeft(p, "/")
}
