package task

import (
	"slices"
	"strings"
)

// links collects labelled links: the front-matter "links:" items, body
// bullets "- Label: path" whose value starts with a path or URL, and
// Markdown links [text](target).
func (p *parser) links() {
	d := p.d
	for _, f := range d.Fields {
		if f.Key != "links" {
			continue
		}
		for _, it := range f.Items {
			label, text := splitLabel(it.Value)
			d.Links = append(d.Links, Link{Label: label, Target: linkTarget(text), Text: text, Line: it.Line})
		}
	}
}

// bodyScan reads the body once: labelled bullets and Markdown links become
// links, dependency labels and prose become dependencies, and every id
// written becomes a mention.
func (p *parser) bodyScan() {
	d := p.d
	var touched Section
	if ts := p.coveringSections(isTouchedNorm); len(ts) > 0 {
		touched = ts[0]
	}
	for _, l := range p.lines {
		if l.code {
			continue
		}
		hasID := strings.Contains(l.text, "TASK")
		if hasID {
			p.mentionLine(l)
		}
		if l.front && d.HasFrontMatter {
			continue
		}
		inTouched := touched.Line > 0 && l.num > touched.Line && l.num <= touched.EndLine
		if label, text, ok := bulletLabel(l.text); ok {
			tg := linkTarget(text)
			isLink := !inTouched && looksLikeLinkTarget(tg) // allowlist entries are not links
			if isLink {
				d.Links = append(d.Links, Link{Label: label, Target: tg, Text: text, Line: l.num})
			}
			if hasID {
				if k, ok := depLabelKind(label); ok {
					src := text
					if isLink && len(FindIDs(tg)) > 0 {
						src = tg
					}
					for _, r := range FindIDs(src) {
						d.addDep(r.ID, k, label, l.num)
					}
				}
			}
		}
		if !inTouched && strings.IndexByte(l.text, '[') >= 0 {
			for _, m := range markdownLinks(l.text) {
				d.Links = append(d.Links, Link{Label: m[0], Target: m[1], Text: m[1], Line: l.num})
				if k, ok := depLabelKind(m[0]); ok {
					for _, r := range FindIDs(m[1]) {
						d.addDep(r.ID, k, m[0], l.num)
					}
				}
			}
		}
		if hasID {
			p.proseDeps(l)
		}
	}
}

// splitLabel splits "Label: value" (label may be bold); without a label
// the whole string is the value.
func splitLabel(s string) (label, value string) {
	s = strings.TrimSpace(s)
	i := strings.Index(s, ": ")
	if i < 0 {
		if strings.HasSuffix(s, ":") {
			return cleanLabel(s[:len(s)-1]), ""
		}
		return "", s
	}
	label = cleanLabel(s[:i])
	value = strings.TrimSpace(s[i+2:])
	if raw := strings.TrimSpace(s[:i]); strings.HasPrefix(value, "**") && strings.HasPrefix(raw, "**") && !strings.HasSuffix(raw, "**") {
		value = strings.TrimSpace(value[2:]) // "**Label:** value"
	}
	return label, value
}

func cleanLabel(s string) string {
	return strings.TrimSpace(strings.Trim(strings.TrimSpace(s), "*_"))
}

// bulletLabel reads a "- Label: value" / "- **Label**: value" bullet.
func bulletLabel(line string) (label, value string, ok bool) {
	t := strings.TrimSpace(line)
	if len(t) < 3 || (t[0] != '-' && t[0] != '*' && t[0] != '+') || t[1] != ' ' {
		return "", "", false
	}
	t = strings.TrimSpace(t[2:])
	t = strings.TrimPrefix(strings.TrimPrefix(t, "[ ] "), "[x] ")
	i := strings.IndexByte(t, ':')
	if i <= 0 || i > 80 {
		return "", "", false
	}
	raw := t[:i]
	if strings.ContainsAny(raw, "`[") {
		return "", "", false
	}
	rest := t[i+1:]
	if strings.HasPrefix(rest, "**") && strings.HasPrefix(raw, "**") {
		rest = rest[2:] // "**Label:** value"
	}
	if rest != "" && rest[0] != ' ' && rest[0] != '\t' {
		return "", "", false
	}
	return cleanLabel(raw), strings.TrimSpace(rest), true
}

// linkTarget is the first token of a link value without backticks, angle
// brackets or trailing punctuation: "tasks/X.md (why)" -> "tasks/X.md".
func linkTarget(v string) string {
	v = strings.TrimSpace(v)
	if m := markdownLinks(v); len(m) > 0 && strings.HasPrefix(v, "[") {
		return m[0][1]
	}
	if i := strings.IndexAny(v, " \t"); i >= 0 {
		v = v[:i]
	}
	v = strings.Trim(v, "`<>*\"'")
	return strings.TrimRight(v, ".,;:)")
}

// looksLikeLinkTarget accepts relative paths and URLs, not prose or commands.
func looksLikeLinkTarget(t string) bool {
	if t == "" || strings.ContainsAny(t, "=$|&") {
		return false
	}
	if strings.HasPrefix(t, "http://") || strings.HasPrefix(t, "https://") {
		return true
	}
	if strings.HasPrefix(t, "//") || strings.HasPrefix(t, "/") {
		return false
	}
	return strings.HasSuffix(t, ".md") || (strings.Contains(t, "/") && strings.Contains(t, "."))
}

// markdownLinks returns [text, target] of every [text](target) in s,
// skipping images' leading "!" only in that it keeps them (an image is a
// link to a file that must exist, too).
func markdownLinks(s string) [][2]string {
	var out [][2]string
	for i := 0; i < len(s); {
		o := strings.IndexByte(s[i:], '[')
		if o < 0 {
			break
		}
		o += i
		c := strings.Index(s[o:], "](")
		if c < 0 {
			break
		}
		c += o
		text := s[o+1 : c]
		if strings.ContainsRune(text, '[') {
			i = o + 1
			continue
		}
		e := strings.IndexByte(s[c+2:], ')')
		if e < 0 {
			break
		}
		e += c + 2
		target := strings.TrimSpace(s[c+2 : e])
		if sp := strings.IndexByte(target, ' '); sp >= 0 {
			target = target[:sp] // [x](path "title")
		}
		target = strings.Trim(target, "<>")
		if target != "" {
			out = append(out, [2]string{text, target})
		}
		i = e + 1
	}
	return out
}

// depLabelKind classifies a link label: "Depends-on (x)", "Blocked by",
// "Parent task", "Prerequisite" mean this task needs the target;
// "Superseded by" means the target replaces it; "Follow-on", "Follow-up
// (x)", "Unblocks", "Enables" mean the target comes after this task.
func depLabelKind(label string) (DepKind, bool) {
	if len(label) < 6 || !strings.ContainsRune("bdefgprsuBDEFGPRSU", rune(label[0])) {
		return "", false // fast path: no dependency label starts otherwise
	}
	l := strings.ToLower(label)
	if i := strings.IndexByte(l, '('); i >= 0 {
		l = l[:i]
	}
	l = strings.TrimSpace(dashToSpace.Replace(l))
	has := func(ps ...string) bool {
		for _, p := range ps {
			if strings.HasPrefix(l, p) && (len(l) == len(p) || l[len(p)] == ' ') {
				return true
			}
		}
		return false
	}
	switch {
	case has("superseded by", "replaced by"):
		return DepSuperseed, true
	case has("follow up to", "follow up of", "follow on to", "follow on of"):
		return DepLink, true
	case has("depends on", "depends", "depend on", "dependency", "dependencies",
		"blocked by", "blocked on", "gated on", "parent task", "parent",
		"prerequisite", "prerequisites", "predecessor", "requires"):
		return DepLink, true
	case has("follow on", "follow up", "follow ups", "follow up task", "follow up tasks", "unblocks", "enables", "successor"):
		return DepFollowUp, true
	}
	return "", false
}

// Prose phrases that state a dependency. Deliberately absent: "depends-on"
// (in prose it quotes a header, often one being corrected), "builds on",
// "tracked as", "see", "until" (they mention, they do not gate).
// Prose phrases that state a dependency when an id follows them directly
// (after backticks, bold marks or an opening parenthesis). Matched
// case-insensitively at word boundaries.
var (
	proseNeeds = []string{
		"gated on", "blocked on", "blocked by", "depends on", "depend on",
		"dependent on", "requires", "prerequisite", "only real when",
		"follow-up to", "follow-up of",
	}
	proseFollows = []string{
		"follow-on phase", "follow-on milestone", "follow-on task", "follow-on tasks",
		"follow-on work", "follow-on", "follow-up task", "follow-up tasks",
		"follow-up in", "follow-ups", "follow-up", "deferred to",
	}
)

// headerDeps collects dependencies from the header lists, a Superseded
// status and the front-matter links.
func (p *parser) headerDeps() {
	d := p.d
	for _, f := range d.Fields {
		var kind DepKind
		switch f.Key {
		case "depends-on", "depends_on", "dependencies", "blocked-by":
			kind = DepDependsOn
		case "follow-up-tasks", "follow_up_tasks", "enables":
			kind = DepFollowUp
		case "superseded-by", "superseded_by":
			kind = DepSuperseed
		default:
			continue
		}
		if len(f.Items) == 0 && f.Value != "" {
			for _, r := range FindIDs(f.Value) {
				d.addDep(r.ID, kind, f.Key, f.Line)
			}
		}
		for _, it := range f.Items {
			// "- TASK-0034: why" names one id; take the first.
			if refs := FindIDs(it.Value); len(refs) > 0 {
				d.addDep(refs[0].ID, kind, f.Key, it.Line)
			}
		}
	}
	// "status: Superseded (replaced by TASK-0241 …)": every id in a
	// Superseded status names a replacement.
	if hasWordPrefix(normStatus(d.Status.Raw), "superseded") {
		for _, r := range FindIDs(d.Status.Raw) {
			d.addDep(r.ID, DepSuperseed, "status", d.Status.Line)
		}
	}
	for _, l := range d.Links { // only the header's links exist yet
		if k, ok := depLabelKind(l.Label); ok {
			src := l.Target
			if len(FindIDs(src)) == 0 {
				src = l.Text
			}
			for _, r := range FindIDs(src) {
				d.addDep(r.ID, k, l.Label, l.Line)
			}
		}
	}
}

// mentionLine records every id written on a line outside code blocks, so
// that "referenced but has no file" can be checked without treating
// mentions as dependencies.
func (p *parser) mentionLine(l srcLine) {
	refs := FindIDs(l.text)
	for i, r := range refs {
		dup := false
		for _, q := range refs[:i] {
			dup = dup || q.ID == r.ID
		}
		if !dup {
			p.d.Mentions = append(p.d.Mentions, Mention{ID: r.ID, Line: l.num})
		}
	}
}

// proseDeps finds "<phrase> TASK-…" (and "<phrase> `TASK-a` and `TASK-b`")
// in one line.
func (p *parser) proseDeps(l srcLine) {
	t := l.text
	var taken []int // id offsets already attributed to a phrase
	for i := 0; i < len(t); i++ {
		if i > 0 && isWordByte(t[i-1]) {
			continue
		}
		c := t[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
	phrases:
		for _, ph := range phrasesByByte[c] {
			end := i + len(ph.text)
			if end > len(t) || !strings.EqualFold(t[i:end], ph.text) || end < len(t) && isWordByte(t[end]) {
				continue
			}
			run := idRun(t, end)
			about := p.sentenceSubject(t, i, taken)
			if about == "" && len(run) > 0 {
				about = p.trailingSubject(t, idEndAt(t, run[len(run)-1].Offset))
			}
			for _, r := range run {
				if !slices.Contains(taken, r.Offset) {
					taken = append(taken, r.Offset)
					if about != "" {
						p.d.Deps = appendMention(p.d.Deps, r.ID, about, ph.text, l.num)
						continue
					}
					p.d.addDep(r.ID, ph.kind, ph.text, l.num)
				}
			}
			if len(run) > 0 {
				break phrases
			}
		}
	}
}

// sentenceSubject returns the task a prose phrase at t[at:] speaks about
// when that is not this document's task: the last id other than this
// task's: the nearest id written earlier in the same sentence ("… tracked as TASK-0154
// (OS wiring; persistence gated on TASK-0009)"). It returns "" when the
// sentence names no other task before the phrase, so the phrase is this
// task's own dependency.
func (p *parser) sentenceSubject(t string, at int, objects []int) ID {
	start := sentenceStart(t, at)
	refs := FindIDs(t[start:at])
	// The nearest id before the phrase that is not itself the object of
	// an earlier phrase ("gated on X, consent gated on Y") is the subject;
	// when that is this task the sentence is about it.
	for k := len(refs) - 1; k >= 0; k-- {
		if slices.Contains(objects, start+refs[k].Offset) {
			continue
		}
		if id := refs[k].ID; id != p.d.ID && id != p.d.FileID {
			return id
		}
		return ""
	}
	// "See TASK-0100. It depends on TASK-0101": a sentence that opens with
	// a pronoun is about the task the sentence before it named.
	if start > 0 && startsWithPronoun(t[start:at]) {
		return p.sentenceSubject(t, start-1, objects)
	}
	return ""
}

// Words around an id later in the clause that make that task the one
// needing the dependency: "gated on TASK-0009 (needed by TASK-0154)",
// "requires TASK-0009, which TASK-0152 needs", "… for TASK-0152".
var (
	subjectBefore = []string{"needed by", "required by", "wanted by", "used by", "needed for", "required for", "for"}
	subjectAfter  = []string{"needs", "need", "requires", "require", "wants", "uses", "'s", "’s"}
)

// trailingSubject returns the task named after a dependency run, in the
// same clause, as the one that has the dependency ("", "…, which
// TASK-0152 needs" -> TASK-0152). The clause ends at ";", a sentence end,
// or a ")" that closes a parenthesis opened before the run. Other ids
// later in the clause ("requires TASK-0183 and /state (TASK-0009)") leave
// the dependency this task's.
func (p *parser) trailingSubject(t string, from int) ID {
	end := len(t)
	depth := 0
	for k := from; k < len(t); k++ {
		c := t[k]
		if c == '(' {
			depth++
		} else if c == ')' {
			if depth == 0 {
				end = k
				break
			}
			depth--
		} else if c == ';' || (k+1 < len(t) && t[k+1] == ' ' && (c == '.' || c == '!' || c == '?') && !(k >= 3 && (t[k-3:k+1] == "e.g." || t[k-3:k+1] == "i.e."))) {
			end = k
			break
		}
	}
	clause := t[from:end]
	for _, r := range FindIDs(clause) {
		if r.ID == p.d.ID || r.ID == p.d.FileID {
			continue
		}
		before := strings.ToLower(strings.TrimRight(clause[:r.Offset], " `*_(\""))
		for _, w := range subjectBefore {
			if strings.HasSuffix(before, w) && (len(before) == len(w) || !isWordByte(before[len(before)-len(w)-1])) {
				return r.ID
			}
		}
		after := strings.ToLower(strings.TrimLeft(clause[idEndAt(clause, r.Offset):], "`*_"))
		after = strings.TrimPrefix(after, " ")
		for _, w := range subjectAfter {
			if strings.HasPrefix(after, w) && (len(after) == len(w) || !isWordByte(after[len(w)])) {
				return r.ID
			}
		}
	}
	return ""
}

// idEndAt is the offset just past the id (or shorthand digits) at t[off:].
func idEndAt(t string, off int) int {
	if strings.HasPrefix(t[off:], "TASK") {
		return off + idLen(t[off:])
	}
	e := off
	for e < len(t) && (isDigit(t[e]) || isUpper(t[e])) {
		e++
	}
	return e
}

// pronouns open a sentence that continues the previous one's subject.
var pronouns = []string{"it", "its", "it's", "they", "their", "that one"}

func startsWithPronoun(s string) bool {
	s = strings.ToLower(strings.TrimLeft(s, " *_`"))
	for _, w := range pronouns {
		if rest, ok := strings.CutPrefix(s, w); ok && (rest == "" || !isWordByte(rest[0])) {
			return true
		}
	}
	return false
}

// sentenceStart is the offset after the last sentence end (". ", "! ",
// "? ") before at, 0 when the line holds no earlier sentence.
func sentenceStart(t string, at int) int {
	for k := at - 1; k > 0; k-- {
		if t[k] == ' ' && (t[k-1] == '.' || t[k-1] == '!' || t[k-1] == '?') {
			// "e.g. " and "i.e. " do not end a sentence.
			if k >= 4 && (t[k-4:k] == "e.g." || t[k-4:k] == "i.e.") {
				continue
			}
			return k + 1
		}
	}
	return 0
}

// appendMention records a prose reference that is not this task's own
// dependency, once per id, line and subject.
func appendMention(deps []Dependency, id, about ID, label string, line int) []Dependency {
	for _, x := range deps {
		if x.ID == id && x.Line == line {
			return deps
		}
	}
	return append(deps, Dependency{ID: id, Kind: DepMention, Label: label, Line: line, About: about})
}

type phrase struct {
	text string
	kind DepKind
}

// phrasesByByte indexes the prose phrases by first byte, dependency
// phrases before follow-up ones and longer before shorter, so one pass
// over a line finds them all.
var phrasesByByte = func() (t [256][]phrase) {
	for _, ph := range proseNeeds {
		t[ph[0]] = append(t[ph[0]], phrase{ph, DepProse})
	}
	for _, ph := range proseFollows {
		t[ph[0]] = append(t[ph[0]], phrase{ph, DepFollowUp})
	}
	return t
}()

// idRun reads the ids that start at s[from:] after decorations ("`", "**",
// "(", "(see", ":") and continue through separators ("/", ",", "and",
// "or", "+"). It returns nil when no id follows directly.
func idRun(s string, from int) []IDRef {
	p := skipDeco(s, from)
	if strings.HasPrefix(s[p:], "see ") {
		p = skipDeco(s, p+4)
	}
	var out []IDRef
	for {
		if !strings.HasPrefix(s[p:], "TASK") {
			return out
		}
		refs := FindIDs(s[p:])
		if len(refs) == 0 || refs[0].Offset != 0 {
			return out
		}
		// Take the id and its shorthand siblings (TASK-0146/0147).
		end := p + idLen(s[p:])
		out = append(out, IDRef{ID: refs[0].ID, Offset: p})
		for _, r := range refs[1:] {
			if r.Offset+p > end+6 || strings.HasPrefix(s[p+r.Offset:], "TASK") {
				break
			}
			out = append(out, IDRef{ID: r.ID, Offset: p + r.Offset})
			end = p + r.Offset + 1
			for end < len(s) && (isDigit(s[end]) || isUpper(s[end])) {
				end++
			}
		}
		q := skipSep(s, end)
		if q == end {
			return out
		}
		p = q
	}
}

func skipDeco(s string, p int) int {
	for p < len(s) && (s[p] == ' ' || s[p] == '`' || s[p] == '*' || s[p] == '(' || s[p] == ':' || s[p] == '_' || s[p] == '"') {
		p++
	}
	return p
}

// skipSep skips the separators between ids in a run.
func skipSep(s string, p int) int {
	start := p
	for p < len(s) {
		switch {
		case s[p] == ' ' || s[p] == '`' || s[p] == '*' || s[p] == '/' || s[p] == ',' || s[p] == '+' || s[p] == '&':
			p++
		case strings.HasPrefix(s[p:], "and "):
			p += 4
		case strings.HasPrefix(s[p:], "or "):
			p += 3
		default:
			if p > start && strings.HasPrefix(s[p:], "TASK") {
				return p
			}
			return start
		}
	}
	return start
}

func (d *Document) addDep(id ID, kind DepKind, label string, line int) {
	for _, x := range d.Deps {
		// One edge per id and line: a "- Blocked by: `TASK-1`" bullet is
		// both a label and the phrase "blocked by"; the label wins.
		if x.ID == id && x.Line == line {
			return
		}
	}
	d.Deps = append(d.Deps, Dependency{ID: id, Kind: kind, Label: label, Line: line})
}

// dropSelfDeps removes references from a task to itself.
func (p *parser) dropSelfDeps() {
	d := p.d
	out := d.Deps[:0]
	for _, x := range d.Deps {
		if x.ID != d.ID {
			out = append(out, x)
		}
	}
	d.Deps = out
}

var dashToSpace = strings.NewReplacer("-", " ", "_", " ")
