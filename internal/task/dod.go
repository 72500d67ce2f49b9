package task

import (
	"strings"
)

// IsStopConditionsHeading reports whether a heading names the Definition of
// Done section: "Stop conditions (Definition of Done)", "Stop Conditions",
// "Definition of Done", "Goal / stop condition", "DoD".
func IsStopConditionsHeading(h string) bool { return isStopNorm(normHeading(h)) }

// IsTouchedPathsHeading reports whether a heading names the touched-path
// allowlist: "Touched paths (allowlist)", "Touched paths", "Corrected
// touched paths", "Allowlist".
func IsTouchedPathsHeading(h string) bool { return isTouchedNorm(normHeading(h)) }

// IsSecurityHeading reports whether a heading names the Security
// considerations section (not the Security proof).
func IsSecurityHeading(h string) bool { return isSecurityNorm(normHeading(h)) }

// IsSecurityProofHeading reports whether a heading names the Security proof
// section ("Security proof", "Security proof (…)", "Proof (Security)").
func IsSecurityProofHeading(h string) bool { return isSecurityProofNorm(normHeading(h)) }

// The *Norm predicates take a heading already passed through normHeading.

func isStopNorm(l string) bool {
	return strings.Contains(l, "stop condition") || strings.Contains(l, "definition of done") ||
		l == "dod" || strings.HasPrefix(l, "dod ")
}

func isTouchedNorm(l string) bool {
	return strings.Contains(l, "touched path") || l == "allowlist" || strings.HasPrefix(l, "allowlist ")
}

func isSecurityNorm(l string) bool {
	if strings.Contains(l, "proof") {
		return false
	}
	return strings.HasPrefix(l, "security consideration") || l == "security" ||
		strings.HasPrefix(l, "security section")
}

func isSecurityProofNorm(l string) bool {
	return strings.HasPrefix(l, "security proof") || strings.HasPrefix(l, "proof (security")
}

// normHeading lower-cases a heading and drops emphasis, numbering ("6.")
// and leading symbols.
func normHeading(h string) string {
	l := strings.ToLower(strings.TrimSpace(h))
	l = headingMarks.Replace(l)
	l = strings.TrimLeft(l, "0123456789.) \t")
	l = strings.TrimLeftFunc(l, func(r rune) bool { return r > 127 || r == ' ' })
	return strings.TrimSpace(l)
}

// bodyCtx is the enclosing bullet or paragraph of a line, for deciding
// what a code span under it means.
type bodyCtx struct {
	indent int
	label  string // lower-cased label ("proof (qemu)", "required markers")
}

// role is what a code span is, given its context.
type role int

const (
	roleNone role = iota
	roleCommand
	roleMarker
	roleTest
)

// stopConditions reads proof commands, required markers and required tests
// from every Stop-conditions section.
func (p *parser) stopConditions() {
	for _, s := range p.coveringSections(isStopNorm) {
		p.proofSection(s, false)
	}
}

// securitySections fills Document.Security and reads the Security proof.
func (p *parser) securitySections() {
	d := p.d
	if ss := p.coveringSections(isSecurityNorm); len(ss) > 0 {
		d.Security.Line = ss[0].Line
		d.Security.Relevant = p.securityFilled(ss[0])
	}
	for i, s := range p.coveringSections(isSecurityProofNorm) {
		if i == 0 {
			d.Security.ProofLine = s.Line
		}
		p.proofSection(s, true)
	}
}

// coveringSections returns the sections whose normalised heading matches,
// skipping those nested inside an earlier match (their lines are read with
// the outer one).
func (p *parser) coveringSections(match func(string) bool) []Section {
	var out []Section
	for i, s := range p.d.Sections {
		if !match(p.norm[i]) {
			continue
		}
		if n := len(out); n > 0 && s.Line <= out[n-1].EndLine {
			continue
		}
		out = append(out, s)
	}
	return out
}

// proofSection walks one proof section line by line, keeping the chain of
// enclosing bullets, and classifies every code span and fenced line.
func (p *parser) proofSection(s Section, security bool) {
	d := p.d
	head := strings.ToLower(s.Heading) // the innermost heading
	var stack []bodyCtx
	var para string // the last non-bullet paragraph line at indent 0 ("Required markers:")
	var block []srcLine
	inBlock := false
	flush := func() {
		if len(block) == 0 {
			return
		}
		kind, r := p.contextOf(head, stack, para, "", security)
		if r == roleNone || r == roleCommand {
			for _, c := range fencedCommands(block) {
				if r == roleCommand || looksLikeCommand(c.text) {
					d.addProof(c.text, commandKind(kind, c.text, security), c.num)
				}
			}
		}
		block = block[:0]
	}
	for _, l := range p.sectionLines(s) {
		if l.code {
			switch {
			case !l.fence:
				block = append(block, l)
			case inBlock:
				flush()
				inBlock = false
			default:
				// A fence belongs to the bullets indented less than it.
				inBlock = true
				indent := indentOf(l.text)
				for len(stack) > 0 && stack[len(stack)-1].indent >= indent {
					stack = stack[:len(stack)-1]
				}
			}
			continue
		}
		t := strings.TrimSpace(l.text)
		if t == "" {
			continue
		}
		if lvl, h := heading(l.text); lvl > 0 {
			head, stack, para = strings.ToLower(h), nil, ""
			continue
		}
		indent := indentOf(l.text)
		body, bullet := bulletText(t)
		if bullet {
			for len(stack) > 0 && stack[len(stack)-1].indent >= indent {
				stack = stack[:len(stack)-1]
			}
		} else if indent == 0 && !strings.HasPrefix(t, ">") {
			stack, para = nil, strings.ToLower(t)
		}
		label := strings.ToLower(itemLabel(body))
		kind, r := p.contextOf(head, stack, para, label, security)
		for _, span := range codeSpans(body) {
			p.classifySpan(span, kind, r, security, l.num)
		}
		if bullet {
			stack = append(stack, bodyCtx{indent: indent, label: label})
		}
	}
	flush()
}

// contextOf derives the proof kind and the role of code spans for a line
// from its own label, its enclosing bullets, the paragraph and the heading
// (innermost first).
func (p *parser) contextOf(heading string, stack []bodyCtx, para, own string, security bool) (ProofKind, role) {
	var buf [16]string
	labels := buf[:0]
	labels = append(labels, own)
	for i := len(stack) - 1; i >= 0; i-- {
		labels = append(labels, stack[i].label)
	}
	labels = append(labels, para, heading)
	var kind ProofKind
	r := roleNone
	for _, lb := range labels {
		if lb == "" {
			continue
		}
		if r == roleNone {
			r = labelRole(lb)
		}
		if kind == "" {
			kind = labelKind(lb)
		}
	}
	if security {
		kind = ProofSecurity
	}
	return kind, r
}

// labelRole reads "Required tests", "Required markers", "Command(s)".
func labelRole(lb string) role {
	switch {
	case strings.Contains(lb, "marker"):
		return roleMarker
	case strings.Contains(lb, "command"):
		return roleCommand
	case strings.Contains(lb, "test") && (strings.Contains(lb, "required") || strings.Contains(lb, "audit") ||
		strings.HasPrefix(lb, "tests") || strings.Contains(lb, "test names") || strings.Contains(lb, "negative")):
		return roleTest
	}
	return roleNone
}

// labelKind reads "Proof (QEMU)", "Proof (OS / QEMU)", "Proof (Host)",
// "Proof (tests)".
func labelKind(lb string) ProofKind {
	if !strings.Contains(lb, "proof") && !strings.Contains(lb, "qemu") && !strings.Contains(lb, "host") {
		return ""
	}
	switch {
	case strings.Contains(lb, "qemu") || strings.Contains(lb, "(os") || strings.Contains(lb, "os/") || strings.Contains(lb, "boot"):
		return ProofQEMU
	case strings.Contains(lb, "host") || strings.Contains(lb, "test"):
		return ProofTests
	case strings.Contains(lb, "proof"):
		return ProofOther
	}
	return ""
}

// classifySpan turns one code span into a command, marker or test.
func (p *parser) classifySpan(span string, kind ProofKind, r role, security bool, line int) {
	d := p.d
	span = strings.TrimSpace(span)
	if span == "" {
		return
	}
	if _, isID := ParseID(span); isID {
		return
	}
	cmd := looksLikeCommand(span)
	switch {
	case cmd && r != roleMarker:
		d.addProof(span, commandKind(kind, span, security), line)
	case r == roleTest || looksLikeTestName(span):
		if looksLikeTestName(span) || (r == roleTest && isIdentLike(span) && !strings.Contains(span, "/")) {
			d.addTest(span, security, line)
		}
	case r == roleMarker:
		if !looksLikePath(span) {
			d.addMarker(span, security, line)
		}
	case kind == ProofQEMU && (looksLikeMarker(span) || isCapsMarker(span)):
		d.addMarker(span, security, line)
	case looksLikeStrongMarker(span):
		d.addMarker(span, security, line)
	}
}

// commandKind picks the proof kind for a command: the context's, else a
// guess from the command itself.
func commandKind(kind ProofKind, cmd string, security bool) ProofKind {
	if security {
		return ProofSecurity
	}
	if kind != "" && kind != ProofOther {
		return kind
	}
	l := strings.ToLower(cmd)
	switch {
	case strings.Contains(l, "qemu"):
		return ProofQEMU
	case strings.Contains(l, "test"):
		return ProofTests
	}
	return ProofOther
}

// fencedCommands reads commands from a fenced block: one per line, "$ "
// prompts dropped, "\" continuations joined, comments skipped.
func fencedCommands(block []srcLine) []srcLine {
	var out []srcLine
	var cur *srcLine
	for _, l := range block {
		t := strings.TrimSpace(l.text)
		t = strings.TrimPrefix(t, "$ ")
		if cur != nil {
			cur.text = strings.TrimSpace(cur.text + " " + strings.TrimSuffix(t, "\\"))
			if !strings.HasSuffix(t, "\\") {
				cur = nil
			}
			continue
		}
		if t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		out = append(out, srcLine{text: strings.TrimSpace(strings.TrimSuffix(t, "\\")), num: l.num})
		if strings.HasSuffix(t, "\\") {
			cur = &out[len(out)-1]
		}
	}
	return out
}

// Commands whose first word makes a code span a command.
var commandWords = map[string]bool{
	"cargo": true, "just": true, "make": true, "go": true, "bash": true, "sh": true,
	"python": true, "python3": true, "pytest": true, "npm": true, "npx": true, "node": true,
	"nx": true, "rustup": true, "taskproof": true, "timeout": true, "env": true, "ctest": true,
	"cmake": true, "ninja": true, "meson": true, "git": true, "rustc": true, "qemu-img": true,
}

// looksLikeCommand accepts "cargo test -p x", "./scripts/qemu-test.sh",
// "RUN_UNTIL_MARKER=1 RUN_TIMEOUT=90s ./scripts/qemu-test.sh",
// "RUSTFLAGS='--cfg x' cargo test".
func looksLikeCommand(s string) bool {
	rest := strings.TrimSpace(s)
	assigned := false
	for {
		eq := assignmentLen(rest)
		if eq == 0 {
			break
		}
		assigned = true
		rest = strings.TrimSpace(rest[eq:])
	}
	word := rest
	if i := strings.IndexAny(word, " \t"); i >= 0 {
		word = word[:i]
	}
	switch {
	case word == "":
		return false
	case assigned:
		return true
	case commandWords[word] && strings.Contains(rest, " "):
		return true
	case word == "just" || word == "make":
		return true
	case strings.HasPrefix(word, "./") || strings.HasPrefix(word, "qemu-system-"):
		return true
	case strings.HasPrefix(word, "scripts/") || strings.HasPrefix(word, "tools/"):
		return strings.Contains(rest, " ") // a bare "scripts/x.sh" names the harness, it does not run it
	}
	return false
}

// assignmentLen is the length of a leading "NAME=value " (value may be
// quoted), 0 when s does not start with one.
func assignmentLen(s string) int {
	i := 0
	for i < len(s) && (isUpper(s[i]) || s[i] == '_' || (i > 0 && isDigit(s[i]))) {
		i++
	}
	if i == 0 || i >= len(s) || s[i] != '=' {
		return 0
	}
	i++
	for i < len(s) && s[i] != ' ' && s[i] != '\t' {
		if s[i] == '\'' || s[i] == '"' {
			q := s[i]
			j := strings.IndexByte(s[i+1:], q)
			if j < 0 {
				return len(s)
			}
			i += j + 2
			continue
		}
		i++
	}
	return i
}

// looksLikeMarker accepts "subsystem: message" console lines.
func looksLikeMarker(s string) bool {
	c := strings.Index(s, ": ")
	if c <= 0 || strings.ContainsAny(s[:c], " =`/") && !strings.HasPrefix(s, "SELFTEST") {
		return false
	}
	return !looksLikeCommand(s)
}

// looksLikeStrongMarker accepts markers that read as such without a QEMU
// context: "SELFTEST: x ok", "KSELFTEST: …", "svc: ready", "x: y ok".
func looksLikeStrongMarker(s string) bool {
	if !looksLikeMarker(s) {
		return false
	}
	if strings.Contains(s[:strings.Index(s, ": ")], "SELFTEST") {
		return true
	}
	l := strings.ToLower(s)
	return strings.HasSuffix(l, " ok") || strings.HasSuffix(l, ": ready") || strings.HasSuffix(l, ": ok")
}

// isCapsMarker accepts bare upper-case markers such as "IMAGE-RECLAIM".
func isCapsMarker(s string) bool {
	if len(s) < 4 {
		return false
	}
	letters := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case isUpper(c):
			letters++
		case isDigit(c) || c == '-' || c == '_' || c == ':':
		default:
			return false
		}
	}
	return letters >= 3
}

// looksLikeTestName accepts test_reject_*, Test_x and similar.
func looksLikeTestName(s string) bool {
	if !isIdentLike(s) {
		return false
	}
	base := s
	if i := strings.LastIndex(s, "::"); i >= 0 {
		base = s[i+2:]
	}
	return strings.HasPrefix(base, "test_") || (strings.HasPrefix(base, "Test") && len(base) > 4 && (isUpper(base[4]) || base[4] == '_'))
}

// isIdentLike accepts test names and globs: letters, digits, _ : . * / -.
func isIdentLike(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !isWordByte(c) && c != ':' && c != '.' && c != '*' && c != '/' && c != '-' {
			return false
		}
	}
	return !strings.HasSuffix(s, ".md") && !strings.HasSuffix(s, ".rs") && !strings.HasSuffix(s, "/")
}

// looksLikePath accepts "source/x/", "docs/a.md", "**/*.rs", "docs/{a,b}.md".
func looksLikePath(s string) bool {
	if s == "" || strings.ContainsAny(s, " \t`") || strings.HasPrefix(s, "-") || strings.Contains(s, "://") {
		return false
	}
	if strings.ContainsAny(s, "=$|;<>\"'") {
		return false
	}
	if strings.Contains(s, "/") || strings.Contains(s, "*") {
		return true
	}
	// A bare file name with an extension ("Cargo.toml", "justfile" is not
	// recognisable and stays prose).
	dot := strings.LastIndexByte(s, '.')
	return dot > 0 && dot < len(s)-1 && !strings.Contains(s, "::") && !strings.Contains(s, "()")
}

func indentOf(s string) int {
	n := 0
	for _, c := range s {
		switch c {
		case ' ':
			n++
		case '\t':
			n += 4
		default:
			return n
		}
	}
	return n
}

// bulletText strips a list marker ("- ", "* ", "+ ", "1. ", "[x] ") from a
// trimmed line.
func bulletText(t string) (string, bool) {
	if len(t) >= 2 && (t[0] == '-' || t[0] == '*' || t[0] == '+') && t[1] == ' ' {
		t = strings.TrimSpace(t[2:])
		for _, box := range []string{"[ ] ", "[x] ", "[X] "} {
			t = strings.TrimPrefix(t, box)
		}
		return t, true
	}
	i := 0
	for i < len(t) && isDigit(t[i]) {
		i++
	}
	if i > 0 && i+1 < len(t) && (t[i] == '.' || t[i] == ')') && t[i+1] == ' ' {
		return strings.TrimSpace(t[i+2:]), true
	}
	if t == "-" || t == "*" {
		return "", true
	}
	return t, false
}

// itemLabel is the label of a bullet: its leading bold text, or the text
// before the first colon when no code span comes first.
func itemLabel(body string) string {
	if strings.HasPrefix(body, "**") {
		if e := strings.Index(body[2:], "**"); e >= 0 {
			return strings.TrimSuffix(strings.TrimSpace(body[2:2+e]), ":")
		}
	}
	c := strings.IndexByte(body, ':')
	if c < 0 {
		if strings.HasSuffix(body, ":") {
			return body
		}
		return ""
	}
	if b := strings.IndexByte(body, '`'); b >= 0 && b < c {
		return ""
	}
	if c > 80 {
		return ""
	}
	return strings.TrimSpace(body[:c])
}

// codeSpans returns the contents of the inline code spans of s (backtick
// runs of equal length), in order.
func codeSpans(s string) []string {
	var out []string
	for i := 0; i < len(s); {
		if s[i] != '`' {
			i++
			continue
		}
		n := 0
		for i+n < len(s) && s[i+n] == '`' {
			n++
		}
		open := i + n
		closeAt := -1
		for j := open; j < len(s); {
			if s[j] != '`' {
				j++
				continue
			}
			m := 0
			for j+m < len(s) && s[j+m] == '`' {
				m++
			}
			if m == n {
				closeAt = j
				break
			}
			j += m
		}
		if closeAt < 0 {
			break
		}
		out = append(out, strings.TrimSpace(s[open:closeAt]))
		i = closeAt + n
	}
	return out
}

func (d *Document) addProof(cmd string, kind ProofKind, line int) {
	for _, x := range d.Proofs {
		if x.Command == cmd && x.Kind == kind {
			return
		}
	}
	d.Proofs = append(d.Proofs, ProofCommand{Command: cmd, Kind: kind, Line: line})
}

func (d *Document) addMarker(text string, security bool, line int) {
	for _, x := range d.Markers {
		if x.Text == text {
			return
		}
	}
	d.Markers = append(d.Markers, MarkerRef{Text: text, Security: security, Line: line})
}

func (d *Document) addTest(name string, security bool, line int) {
	for _, x := range d.Tests {
		if x.Name == name && x.Security == security {
			return
		}
	}
	d.Tests = append(d.Tests, TestRef{Name: name, Security: security, Line: line})
}

// securityFilled reports whether the Security considerations section says
// more than the template: lines that are only N/A, None, HTML comments,
// headings or template placeholders do not count.
func (p *parser) securityFilled(s Section) bool {
	for _, l := range p.sectionLines(s) {
		t := strings.TrimSpace(l.text)
		if t == "" || l.fence {
			continue
		}
		if lvl, _ := heading(l.text); lvl > 0 {
			continue
		}
		if !isPlaceholderLine(t) {
			return true
		}
	}
	return false
}

// isPlaceholderLine reports lines that carry no content: "- N/A", "None",
// "…", "<description>", "Minimal: <description>".
func isPlaceholderLine(t string) bool {
	b, _ := bulletText(t)
	l := strings.ToLower(strings.Trim(strings.TrimSpace(b), "*_ "))
	l = strings.TrimSpace(l)
	if l == "" || strings.Trim(l, ".…-–— ") == "" {
		return true
	}
	for _, p := range []string{"n/a", "na", "none", "not applicable", "not security-relevant", "not security relevant", "tbd"} {
		if l == p || strings.HasPrefix(l, p+" ") || strings.HasPrefix(l, p+".") || strings.HasPrefix(l, p+" —") || strings.HasPrefix(l, p+" (") || strings.HasPrefix(l, p+":") || strings.HasPrefix(l, p+",") {
			return true
		}
	}
	return strings.Contains(l, "<description>")
}

// touchedPaths reads every touched-path allowlist section: each bullet is
// an item; each path-looking code span in it (or a bare leading path) is a
// pattern; bullets without one are prose (Pattern ""). Bullets after an
// "Out-of-allowlist" / "Not allowed" line are denied.
func (p *parser) touchedPaths() {
	d := p.d
	for _, s := range p.coveringSections(isTouchedNorm) {
		deny := false
		for _, l := range p.sectionLines(s) {
			if l.code {
				continue
			}
			t := strings.TrimSpace(l.text)
			if t == "" {
				continue
			}
			body, bullet := bulletText(t)
			low := strings.ToLower(t)
			if isDenyLine(low) && (!bullet || !strings.Contains(body, "`")) {
				deny = true
				if !bullet {
					continue
				}
			}
			if lvl, h := heading(l.text); lvl > 0 {
				deny = isDenyLine(strings.ToLower(h))
				continue
			}
			if !bullet || body == "" {
				continue
			}
			var pats []string
			for _, sp := range codeSpans(body) {
				if looksLikePath(sp) {
					pats = append(pats, sp)
				}
			}
			if len(pats) == 0 && !strings.Contains(body, "`") {
				if f := strings.Fields(body); len(f) > 0 && looksLikePath(strings.TrimRight(f[0], ",;:")) && strings.Contains(f[0], "/") {
					pats = append(pats, strings.TrimRight(f[0], ",;:"))
				}
			}
			if len(pats) == 0 {
				d.Touched = append(d.Touched, PathItem{Raw: body, Deny: deny, Line: l.num})
				continue
			}
			for _, pt := range pats {
				d.Touched = append(d.Touched, PathItem{Raw: body, Pattern: pt, Deny: deny, Line: l.num})
			}
		}
	}
}

func isDenyLine(low string) bool {
	return strings.Contains(low, "out-of-allowlist") || strings.Contains(low, "out of allowlist") ||
		strings.Contains(low, "not allowed") || strings.Contains(low, "must not touch") ||
		strings.Contains(low, "denylist") || strings.Contains(low, "deny list")
}

var headingMarks = strings.NewReplacer("*", "", "`", "", "_", " ")
