package lint

import (
	"fmt"
	"path"
	"regexp"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/taskproof/taskproof/internal/dod"
	"github.com/taskproof/taskproof/internal/task"
)

// Rule documents one lint rule.
type Rule struct {
	ID       string   `json:"id"`
	Severity Severity `json:"severity"`
	Summary  string   `json:"summary"` // one line
	Help     string   `json:"help"`    // why it matters and how to fix it
	Tags     []string `json:"tags"`
}

// rules is the registry, sorted by id. Every rule Check can report is here.
var rules = []Rule{
	{
		ID: "broken-link", Severity: SeverityError, Tags: []string{"links"},
		Summary: "a link points at a relative path that does not exist",
		Help: "A link in the header (`links:`) or body names a file or directory that is not in the repository, " +
			"so a reader (or an agent) following it finds nothing. Relative targets are looked up relative to the " +
			"repository root and relative to the task file's directory; `/path` is root-relative. URLs, anchors " +
			"(`#x`), home-directory paths (`~/x`), ids, globs and prose are not checked, and `#fragment`/`?query` are stripped. Fix the path or " +
			"remove the link.",
	},
	{
		ID: "duplicate-id", Severity: SeverityError, Tags: []string{"ids"},
		Summary: "the same task id is used by more than one file",
		Help: "Ids are how tasks, boards, dependencies and evidence refer to each other; two files with one id make " +
			"every such reference ambiguous. The finding is reported at each file and names the others; the whole " +
			"repository is considered even when only some files are linted. Give one of the tasks the next free id " +
			"(`taskproof new` picks it) or a follow-up suffix such as `TASK-0081B`.",
	},
	{
		ID: "id-mismatch", Severity: SeverityError, Tags: []string{"ids"},
		Summary: "the id in the file name differs from the id in the title",
		Help: "The file `TASK-0003-x.md` must carry `TASK-0003` in its title; when they differ, tools and readers " +
			"disagree about which task this is. Rename the file or correct the title so that both name the same id.",
	},
	{
		ID: "missing-front-matter", Severity: SeverityInfo, Tags: []string{"header"},
		Summary: "the file has no `---` front matter block",
		Help: "The template starts with a front matter block (title, status, owner, created, links). The header-less " +
			"form (`# TASK-NNNN: title` plus `- Status:` bullets) is read too, but it has no agreed place for owner, " +
			"created date, dependencies and links. Move the header into a `---` block as in the template.",
	},
	{
		ID: "missing-id", Severity: SeverityError, Tags: []string{"ids"},
		Summary: "neither the title nor the file name carries a task id",
		Help: "Without a `TASK-NNNN` id nothing can refer to the task: not the board, not dependencies, not evidence. " +
			"Name the file `TASK-NNNN-slug.md` and start the title with the same id.",
	},
	{
		ID: "missing-section", Severity: SeverityWarning, Tags: []string{"template"},
		Summary: "a section the template requires is missing",
		Help: "Every task needs Context, Goal, Non-Goals, Constraints / invariants, Stop conditions (Definition of " +
			"Done) and Touched paths (allowlist): without them there is no agreed scope, no definition of done and no " +
			"allowlist to check a change against. Headings are matched at any level, case-insensitively and with " +
			"decorations ignored, so real variants count: `Stop Conditions`, `Goal / stop condition`, `Non-goals " +
			"(this task)`, `Constraints / invariants`, `Touched paths (per phase)`, `Problem` or `Background` for " +
			"Context. The header-less form is held to the same sections. Add the missing heading with its content.",
	},
	{
		ID: "missing-status", Severity: SeverityError, Tags: []string{"header", "status"},
		Summary: "the task has no status",
		Help: "Boards, `next` and proofs all start from the status. Add `status: Draft` (or the real status from the " +
			"vocabulary) to the front matter, or a `- Status:` bullet in the header-less form.",
	},
	{
		ID: "missing-title", Severity: SeverityWarning, Tags: []string{"header"},
		Summary: "the task has no title",
		Help: "The title is what boards and graphs show. Add `title: TASK-NNNN Short title` to the front matter (or a " +
			"`# TASK-NNNN: Short title` heading in the header-less form).",
	},
	{
		ID: "no-proof-command", Severity: SeverityError, Tags: []string{"proof"},
		Summary: "a Stop-conditions section names no proof command",
		Help: "The Definition of Done must be executable: the Stop-conditions section (with its sub-sections) must " +
			"list at least one command, in a code span or fenced block, that proves the task, such as " +
			"`cargo test -p foo` or `RUN_UNTIL_MARKER=1 ./scripts/qemu-test.sh`. Prose alone (\"tests are green\") " +
			"cannot be run by `taskproof prove`. Add the command under a `Command(s):` item.",
	},
	{
		ID: "non-canonical-proof", Severity: SeverityWarning, Tags: []string{"proof"},
		Summary: "a proof command is not one of the canonical harnesses",
		Help: "Proof must come from the canonical harness or test runner, not from ad-hoc postflight scripts that " +
			"define their own \"OK\". The allowed command globs are `[proof] canonical` in taskproof.toml (`*` " +
			"matches any text, a trailing ` *` also matches no arguments, leading `VAR=value` assignments are " +
			"ignored). The rule runs only in repositories with a taskproof.toml, where the list is a decision " +
			"rather than a default. Use a canonical command, or add the harness to the list if it only delegates " +
			"to the canonical one.",
	},
	{
		ID: "security-proof", Severity: SeverityError, Tags: []string{"security", "proof"},
		Summary: "a security-relevant task has no Security proof naming `test_reject_*` tests",
		Help: "A task whose Security considerations are filled in (not only N/A) touches a security boundary, and the " +
			"template requires negative-case tests that prove its invariants hold. Add a `## Security proof` section " +
			"with the audit command and the required `test_reject_*` tests, or mark the security section N/A if the " +
			"task is not security-relevant.",
	},
	{
		ID: "status-vocabulary", Severity: SeverityError, Tags: []string{"header", "status"},
		Summary: "the status is outside the vocabulary or not in canonical spelling",
		Help: "The status must start with one of the vocabulary entries exactly as spelled (by default Draft, In " +
			"Progress, In Review, Done, Blocked, Deferred, Superseded; a note may follow, e.g. `Done (2026-01-02)`). " +
			"Case variants and configured aliases (`done`, `Complete`, `in-progress`) are understood but reported " +
			"with the canonical spelling as the fix, because tools that compare case-sensitively miss them. A status " +
			"outside the vocabulary is reported without a fix and never guessed: choose the status that is true.",
	},
	{
		ID: "undeclared-marker", Severity: SeverityError, Tags: []string{"markers", "proof"},
		Summary: "a required marker is not declared by the marker contract",
		Help: "The marker contract is the single source of truth for console markers; a marker the task requires but " +
			"the contract does not declare is never checked by the harness, so the task can look proven without it. " +
			"Declare the marker in the contract or correct its spelling. The rule runs only when the repository has " +
			"a marker contract.",
	},
	{
		ID: "unfilled-placeholder", Severity: SeverityWarning, Tags: []string{"template"},
		Summary: "a template placeholder was left unfilled",
		Help: "Template fill-ins (`TASK-XXXX`, `YYYY-MM-DD`, `<crate>`, `<test_name>`) " +
			"and list items that are only an ellipsis (`- …`, `- ...`) mean the section was copied but never " +
			"written. Tokens are reported anywhere outside HTML comments, fenced code included (a proof command " +
			"with `<crate>` cannot run); ellipsis items are reported outside fenced code only, and an ellipsis " +
			"inside text (`/state/...`) is not a placeholder. Fill the value in or delete the item.",
	},
	{
		ID: "varying-marker", Severity: SeverityWarning, Tags: []string{"markers", "determinism"},
		Summary: "a required marker contains a run-varying value",
		Help: "Markers must be stable strings: a marker with a timestamp, date, time of day, hex address (`0x` and 6 " +
			"or more digits), UUID, duration (`12ms`), run counter (`pid=42`, `tick 7`) or a long number (6 or more " +
			"digits) matches only the run it was copied from. Require the stable part (`boot ok`) and leave the " +
			"value out, or elide it on purpose (`mmio=0x…`).",
	},
}

// ruleByID indexes rules.
var ruleByID = func() map[string]Rule {
	m := make(map[string]Rule, len(rules))
	for _, r := range rules {
		m[r.ID] = r
	}
	return m
}()

// Rules returns the documented rules, sorted by id.
func Rules() []Rule {
	out := make([]Rule, len(rules))
	for i, r := range rules {
		out[i] = r
		out[i].Tags = slices.Clone(r.Tags)
	}
	return out
}

// docChecks run once per checked document.
var docChecks = []func(*checker, *task.Document){
	(*checker).checkHeader,
	(*checker).checkStatus,
	(*checker).checkSections,
	(*checker).checkPlaceholders,
	(*checker).checkLinks,
	(*checker).checkProofs,
	(*checker).checkSecurity,
	(*checker).checkMarkers,
}

// checkHeader: missing-front-matter, missing-id, missing-title, id-mismatch.
func (c *checker) checkHeader(d *task.Document) {
	if !d.HasFrontMatter {
		msg := "no front matter block; move the header into a `---` block as in the template"
		if len(d.Fields) > 0 {
			msg = "header-less form (`- Status:` bullets) has no place for owner, created and links; move the header into a `---` front matter block as in the template"
		}
		c.report(d, "missing-front-matter", 1, 0, "", msg)
	}
	if d.ID == "" {
		c.report(d, "missing-id", headerLine(d), 0, "", "no task id in the title or the file name; name the file TASK-NNNN-slug.md and start the title with the id")
	}
	if strings.TrimSpace(d.Title) == "" {
		c.report(d, "missing-title", headerLine(d), 0, "", "the task has no title; add `title: TASK-NNNN Short title` to the front matter")
	}
	if d.FileID != "" && d.IDLine > 0 && d.ID != "" && d.ID != d.FileID {
		c.report(d, "id-mismatch", d.IDLine, c.column(d, d.IDLine, string(d.ID)), "",
			fmt.Sprintf("the title says %s but the file name says %s; rename the file or correct the title", d.ID, d.FileID))
	}
}

// duplicateIDs reports duplicate-id for the checked documents, considering
// env.Repo as well. It is linear: one map from id to paths.
func (c *checker) duplicateIDs(docs []*task.Document) {
	paths := map[task.ID][]string{}
	seen := map[string]bool{}
	add := func(d *task.Document) {
		if d == nil || d.ID == "" || seen[d.Path] {
			return
		}
		seen[d.Path] = true
		paths[d.ID] = append(paths[d.ID], d.Path)
	}
	for _, d := range c.env.Repo {
		add(d)
	}
	for _, d := range docs {
		add(d)
	}
	reported := map[string]bool{}
	for _, d := range docs {
		if d == nil || d.ID == "" || len(paths[d.ID]) < 2 || reported[d.Path] {
			continue
		}
		reported[d.Path] = true
		others := make([]string, 0, len(paths[d.ID])-1)
		for _, p := range paths[d.ID] {
			if p != d.Path {
				others = append(others, p)
			}
		}
		slices.Sort(others)
		line := d.IDLine
		if line == 0 {
			line = headerLine(d)
		}
		c.report(d, "duplicate-id", line, 0, "",
			fmt.Sprintf("%s is also the id of %s; give one of them a new id", d.ID, strings.Join(others, ", ")))
	}
}

// checkStatus: missing-status, status-vocabulary.
func (c *checker) checkStatus(d *task.Document) {
	raw := strings.TrimSpace(d.Status.Raw)
	if raw == "" {
		c.report(d, "missing-status", headerLine(d), 0, "", "the task has no status; add `status: Draft` (or its real status) to the header")
		return
	}
	col := c.column(d, d.Status.Line, raw)
	class := task.Classify(raw, c.vocabulary, c.aliases)
	if class == "" {
		c.report(d, "status-vocabulary", d.Status.Line, col, "",
			fmt.Sprintf("status %q is not in the vocabulary (%s); write the status that is true", clip(raw, 60), strings.Join(c.vocabulary, ", ")))
		return
	}
	if !startsWithWord(raw, string(class)) {
		c.report(d, "status-vocabulary", d.Status.Line, col, string(class),
			fmt.Sprintf("status %q is not in canonical spelling; write %q", clip(raw, 60), string(class)))
	}
}

// startsWithWord reports whether s starts with word, exactly, followed by
// the end or by something that is not a letter or digit.
func startsWithWord(s, word string) bool {
	if !strings.HasPrefix(s, word) {
		return false
	}
	r, _ := utf8.DecodeRuneInString(s[len(word):])
	return len(s) == len(word) || !(unicode.IsLetter(r) || unicode.IsDigit(r))
}

// checkSections: missing-section.
func (c *checker) checkSections(d *task.Document) {
	var have [8]bool
	for _, h := range c.headings(d) {
		for i, r := range requiredSections {
			if !have[i] && r.match(h) {
				have[i] = true
			}
		}
	}
	for i, r := range requiredSections {
		if !have[i] {
			c.report(d, "missing-section", headerLine(d), 0, "",
				fmt.Sprintf("missing required section %q (add `## %s` as in the template)", r.Name, r.Name))
		}
	}
}

// checkPlaceholders: unfilled-placeholder (needs the source).
func (c *checker) checkPlaceholders(d *task.Document) {
	lines := c.lines(d)
	if lines == nil {
		return
	}
	for _, p := range findPlaceholders(lines) {
		c.report(d, "unfilled-placeholder", p.line, p.col, "",
			fmt.Sprintf("template placeholder %q left unfilled", clip(p.text, 40)))
	}
}

// checkLinks: broken-link.
func (c *checker) checkLinks(d *task.Document) {
	if c.env.PathExists == nil {
		return
	}
	dir := fileDir(d)
	for _, l := range d.Links {
		target, ok := linkPath(l.Target)
		if !ok {
			continue
		}
		var candidates []string
		if strings.HasPrefix(target, "/") {
			candidates = []string{path.Clean(strings.TrimLeft(target, "/"))}
		} else {
			candidates = []string{path.Clean(target)}
			if dir != "." && dir != "" {
				candidates = append(candidates, path.Join(dir, target))
			}
		}
		found := false
		for _, p := range candidates {
			if c.pathExists(p) || c.isTaskRef(p) {
				found = true
				break
			}
		}
		if !found {
			where := "the repository root"
			if len(candidates) > 1 {
				where += " or " + dir + "/"
			}
			c.report(d, "broken-link", l.Line, c.column(d, l.Line, target), "",
				fmt.Sprintf("link target %s does not exist (looked up relative to %s)", target, where))
		}
	}
}

// isTaskRef reports whether p names a task by its id the way people link
// to one without its slug: "tasks/TASK-0064" or "tasks/TASK-64" for
// tasks/TASK-0064-wm-baseline.md.
func (c *checker) isTaskRef(p string) bool {
	id, ok := task.ParseID(path.Base(p))
	return ok && c.taskFiles[path.Join(path.Dir(p), string(id))]
}

var (
	// A scheme followed by ":/" is a URL ("https://…") or a path in
	// another namespace than the repository ("state:/prefs/device.nxs",
	// "pkg:/app"), never a repository file.
	urlScheme = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*:/|^(?i:mailto|tel|data|javascript|urn):`)
	})
	lineRef = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`:\d+(?:[-:]\d+)?$`) })
)

// linkPath turns a link target into a path to check, or ok=false when the
// target is not a relative path (URL, anchor, id, glob, prose).
func linkPath(target string) (string, bool) {
	t := strings.TrimSpace(target)
	t = strings.Trim(t, "`<>\"'")
	colon := strings.IndexByte(t, ':') >= 0
	if t == "" || strings.HasPrefix(t, "#") || strings.HasPrefix(t, "~") || (colon && urlScheme().MatchString(t)) {
		return "", false
	}
	if i := strings.IndexAny(t, "#?"); i >= 0 {
		t = t[:i]
	}
	if colon {
		t = lineRef().ReplaceAllString(t, "")
	}
	if t == "" || strings.ContainsAny(t, " \t*[]{}<>|…") || strings.Contains(t, "...") {
		return "", false
	}
	if !strings.ContainsAny(t, "/.") {
		return "", false // a bare word: a label or an id, not a path
	}
	if !looksLikePath(t) {
		return "", false
	}
	return t, true
}

// looksLikePath rejects code spans that are not paths although they hold a
// slash or a dot: a call (`statefs.put("/state/x", ...)`), two spans read
// as one (`.nxs`/`updated`), an address (`10.0.2.15/24`) or a version.
func looksLikePath(t string) bool {
	if strings.ContainsAny(t, "`\"'(),;=") {
		return false
	}
	// A path names something: some segment holds a letter. Addresses,
	// CIDR blocks and versions are digits, dots and slashes only.
	return strings.IndexFunc(t, unicode.IsLetter) >= 0
}

// checkProofs: no-proof-command, non-canonical-proof.
func (c *checker) checkProofs(d *task.Document) {
	for _, s := range sectionSpans(d, c.headings(d), isStopConditions) {
		if spanHasProof(d, s) {
			continue
		}
		c.report(d, "no-proof-command", s.from, 0, "",
			"the Stop-conditions section lists no proof command; add the command that proves the task in a code span under `Command(s):`")
	}
	if len(c.env.CanonicalProof) == 0 {
		return
	}
	for _, p := range d.Proofs {
		cmd := strings.TrimSpace(p.Command)
		if cmd == "" {
			continue
		}
		ok, why := c.canonical(cmd)
		if ok {
			continue
		}
		msg := fmt.Sprintf("proof command %q matches none of the canonical harnesses ([proof] canonical: %s)", clip(cmd, 80), strings.Join(c.env.CanonicalProof, ", "))
		if why != "" {
			msg = fmt.Sprintf("proof command %q cannot run as proof: %s", clip(cmd, 80), why)
		}
		c.report(d, "non-canonical-proof", p.Line, c.column(d, p.Line, cmd), "", msg)
	}
}

func spanHasProof(d *task.Document, s span) bool {
	for _, p := range d.Proofs {
		if s.contains(p.Line) {
			return true
		}
	}
	return false
}

// canonical reports whether cmd is a canonical proof command, decided
// exactly as prove decides it (dod.Split, then dod.MatchCanonical), so a
// command lint accepts is one prove will run. When it is not, why says so.
func (c *checker) canonical(cmd string) (ok bool, why string) {
	parsed, err := dod.Split(cmd)
	if err != nil {
		return false, err.Error()
	}
	if _, ok := dod.MatchCanonical(c.env.CanonicalProof, cmd, parsed); ok {
		return true, ""
	}
	return false, ""
}

// checkSecurity: security-proof.
func (c *checker) checkSecurity(d *task.Document) {
	if !d.Security.Relevant {
		return
	}
	if d.Security.ProofLine == 0 {
		c.report(d, "security-proof", d.Security.Line, 0, "",
			"security-relevant task (its Security considerations are filled in) has no Security proof section; add `## Security proof` naming the `test_reject_*` tests")
		return
	}
	spans := sectionSpans(d, c.headings(d), isSecurityProof)
	for _, t := range d.Tests {
		if !strings.HasPrefix(t.Name, "test_reject_") {
			continue
		}
		if t.Security {
			return
		}
		for _, s := range spans {
			if s.contains(t.Line) {
				return
			}
		}
	}
	c.report(d, "security-proof", d.Security.ProofLine, 0, "",
		"the Security proof section names no `test_reject_*` test; list the negative-case tests under `Required tests:`")
}

// checkMarkers: varying-marker, undeclared-marker.
func (c *checker) checkMarkers(d *task.Document) {
	for _, m := range d.Markers {
		if what, v, ok := varyingValue(m.Text); ok {
			c.report(d, "varying-marker", m.Line, c.column(d, m.Line, m.Text), "",
				fmt.Sprintf("required marker %q contains %s (%s); markers must be stable strings", clip(m.Text, 80), what, v))
		}
		if c.env.DeclaredMarker != nil && !c.env.DeclaredMarker(m.Text) {
			c.report(d, "undeclared-marker", m.Line, c.column(d, m.Line, m.Text), "",
				fmt.Sprintf("required marker %q is not declared by the marker contract", clip(m.Text, 80)))
		}
	}
}

// column returns the 1-based code-point column of needle on a line of the
// document's source, 0 when the source or the needle is not there.
func (c *checker) column(d *task.Document, line int, needle string) int {
	if line < 1 || needle == "" {
		return 0
	}
	lines := c.lines(d)
	if line > len(lines) {
		return 0
	}
	l := lines[line-1]
	i := strings.Index(l, needle)
	if i < 0 {
		return 0
	}
	return utf8.RuneCountInString(l[:i]) + 1
}

// clip shortens s to at most n code points for messages.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
