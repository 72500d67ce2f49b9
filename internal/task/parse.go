package task

import (
	"bytes"
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/taskproof/taskproof/internal/config"
)

// srcLine is one line of the document with the facts every pass needs.
type srcLine struct {
	text  string // without the line ending
	num   int    // 1-based
	code  bool   // inside a fenced code block or on its fence line
	fence bool   // a fence delimiter line itself
	front bool   // part of the header (front matter block or header bullets)
}

// Parse reads one task document. It never fails on content it does not
// understand; it returns an error only when the bytes cannot be a task
// document at all (binary data). Status.Class is normalised with the
// default vocabulary; repo.ParseFile re-classifies with the repository's.
func Parse(path string, src []byte) (*Document, error) {
	head := src
	if len(head) > 8192 {
		head = head[:8192]
	}
	if bytes.IndexByte(head, 0) >= 0 {
		return nil, fmt.Errorf("%s: binary content (NUL byte), not a task document", path)
	}
	lines := splitLines(src)
	d := &Document{Path: path, FileID: fileID(path)}
	p := &parser{d: d, lines: lines}
	p.header()
	markFences(lines)
	p.sections()
	p.headerValues()
	p.titleFallback()
	p.links()
	p.headerDeps()
	p.bodyScan()
	p.stopConditions()
	p.securitySections()
	p.touchedPaths()
	if d.ID == "" && d.FileID != "" {
		d.ID, d.IDLine = d.FileID, 0
	}
	d.Status.Class = Classify(d.Status.Raw, config.DefaultVocabulary, config.DefaultAliases)
	p.dropSelfDeps()
	sort.SliceStable(d.Deps, func(i, j int) bool { return d.Deps[i].Line < d.Deps[j].Line })
	d.emptyLists()
	return d, nil
}

// emptyLists makes absent lists empty rather than nil, so that JSON shows
// [] and consumers never see null (an empty composite literal does not
// allocate).
func (d *Document) emptyLists() {
	if d.Fields == nil {
		d.Fields = []Field{}
	}
	if d.Sections == nil {
		d.Sections = []Section{}
	}
	if d.Links == nil {
		d.Links = []Link{}
	}
	if d.Deps == nil {
		d.Deps = []Dependency{}
	}
	if d.Mentions == nil {
		d.Mentions = []Mention{}
	}
	if d.Proofs == nil {
		d.Proofs = []ProofCommand{}
	}
	if d.Markers == nil {
		d.Markers = []MarkerRef{}
	}
	if d.Tests == nil {
		d.Tests = []TestRef{}
	}
	if d.Touched == nil {
		d.Touched = []PathItem{}
	}
}

type parser struct {
	d     *Document
	lines []srcLine
	body  int      // index of the first line after the header
	norm  []string // normHeading of each of d.Sections
}

// splitLines splits on \n, dropping a trailing \r and a UTF-8 BOM.
func splitLines(src []byte) []srcLine {
	src = bytes.TrimPrefix(src, []byte("\xef\xbb\xbf"))
	s := string(src)
	n := strings.Count(s, "\n") + 1
	out := make([]srcLine, 0, n)
	for i := 1; ; i++ {
		j := strings.IndexByte(s, '\n')
		line := s
		if j >= 0 {
			line = s[:j]
		}
		line = strings.TrimSuffix(line, "\r")
		out = append(out, srcLine{text: line, num: i})
		if j < 0 {
			break
		}
		s = s[j+1:]
	}
	// A final newline does not start another line.
	if len(out) > 1 && out[len(out)-1].text == "" && bytes.HasSuffix(src, []byte("\n")) {
		out = out[:len(out)-1]
	}
	return out
}

// fileID is the id at the start of the file's base name, "" without one.
func fileID(p string) ID {
	base := path.Base(strings.ReplaceAll(p, "\\", "/"))
	refs := FindIDs(base)
	if len(refs) > 0 && refs[0].Offset == 0 {
		return refs[0].ID
	}
	return ""
}

// markFences flags fenced code blocks (``` or ~~~, closed by a fence of the
// same character at least as long) outside the header, and blanks HTML
// comments outside them: commented-out template text is not content.
func markFences(lines []srcLine) {
	open := false
	var ch byte
	n := 0
	inComment := false
	for i := range lines {
		l := &lines[i]
		if l.front {
			continue
		}
		if !open && (inComment || strings.Contains(l.text, "<!--")) {
			l.text, inComment = StripHTMLComments(l.text, inComment)
		}
		t := strings.TrimLeft(l.text, " ")
		if len(l.text)-len(t) > 3 && !open {
			continue
		}
		c, k := fenceRun(t)
		if open {
			l.code = true
			if c == ch && k >= n && strings.TrimSpace(t[k:]) == "" {
				l.fence = true
				open = false
			}
			continue
		}
		if k >= 3 && !(c == '`' && strings.ContainsRune(t[k:], '`')) {
			l.code, l.fence = true, true
			open, ch, n = true, c, k
		}
	}
}

func fenceRun(t string) (byte, int) {
	if t == "" || (t[0] != '`' && t[0] != '~') {
		return 0, 0
	}
	k := 0
	for k < len(t) && t[k] == t[0] {
		k++
	}
	return t[0], k
}

// heading returns the ATX heading level and text of t, or 0.
func heading(t string) (int, string) {
	s := t
	ind := 0
	for ind < len(s) && s[ind] == ' ' {
		ind++
	}
	if ind > 3 {
		return 0, ""
	}
	s = s[ind:]
	lvl := 0
	for lvl < len(s) && s[lvl] == '#' {
		lvl++
	}
	if lvl == 0 || lvl > 6 || (lvl < len(s) && s[lvl] != ' ' && s[lvl] != '\t') {
		return 0, ""
	}
	h := strings.TrimSpace(s[lvl:])
	// Optional closing sequence: "## Title ##".
	if k := strings.TrimRight(h, "#"); k != h && (k == "" || strings.HasSuffix(k, " ")) {
		h = strings.TrimSpace(k)
	}
	return lvl, h
}

// sections collects the ATX headings outside code and the header; a section
// ends before the next heading of the same or a higher level.
func (p *parser) sections() {
	for _, l := range p.lines {
		if l.code || l.front {
			continue
		}
		if lvl, h := heading(l.text); lvl > 0 {
			p.d.Sections = append(p.d.Sections, Section{Heading: h, Level: lvl, Line: l.num})
		}
	}
	p.norm = make([]string, len(p.d.Sections))
	for i, s := range p.d.Sections {
		p.norm[i] = normHeading(s.Heading)
	}
	last := len(p.lines)
	for i := range p.d.Sections {
		s := &p.d.Sections[i]
		s.EndLine = last
		for _, n := range p.d.Sections[i+1:] {
			if n.Level <= s.Level {
				s.EndLine = n.Line - 1
				break
			}
		}
	}
}

// sectionLines returns the lines of s after its heading.
func (p *parser) sectionLines(s Section) []srcLine {
	from, to := s.Line, s.EndLine // lines are 1-based: index s.Line is the line after
	if from > len(p.lines) {
		return nil
	}
	if to > len(p.lines) {
		to = len(p.lines)
	}
	if to < from {
		return nil
	}
	return p.lines[from:to]
}

// titleFallback reads id and title from the first level-1 heading when the
// header had no title.
func (p *parser) titleFallback() {
	d := p.d
	if d.TitleLine != 0 {
		return
	}
	for _, s := range d.Sections {
		if s.Level == 1 {
			p.setTitle(s.Heading, s.Line)
			return
		}
	}
}

// setTitle splits "TASK-0001: Title" / "TASK-0001 Title" into id and title.
func (p *parser) setTitle(v string, line int) {
	d := p.d
	v = strings.TrimSpace(v)
	d.TitleLine = line
	refs := FindIDs(v)
	if len(refs) > 0 && refs[0].Offset == 0 {
		d.ID, d.IDLine = refs[0].ID, line
		rest := v[idLen(v):]
		d.Title = strings.TrimSpace(strings.TrimLeft(rest, " \t:—–-|"))
		return
	}
	d.Title = v
}

// idLen is the byte length of the id at the start of v (which FindIDs
// found there).
func idLen(v string) int {
	n := 4
	for _, h := range idHyphens {
		if strings.HasPrefix(v[n:], h) {
			n += len(h)
			break
		}
	}
	for n < len(v) && isDigit(v[n]) {
		n++
	}
	if n < len(v) && isUpper(v[n]) && (n+1 == len(v) || !isWordByte(v[n+1])) {
		n++
	}
	return n
}

// field returns the first header field with key (lower case), if any.
func (d *Document) field(keys ...string) (Field, bool) {
	for _, k := range keys {
		for _, f := range d.Fields {
			if f.Key == k {
				return f, true
			}
		}
	}
	return Field{}, false
}

// Field returns the first header field with the given (case-insensitive) key.
func (d *Document) Field(key string) (Field, bool) {
	return d.field(strings.ToLower(key))
}

// headerValues fills title, status, owner and created from the fields.
func (p *parser) headerValues() {
	d := p.d
	if f, ok := d.field("title"); ok {
		p.setTitle(f.Value, f.Line)
	}
	if f, ok := d.field("status", "state"); ok {
		d.Status.Raw, d.Status.Line = f.Value, f.Line
	}
	if f, ok := d.field("owner", "owners"); ok {
		d.Owner = f
	}
	if f, ok := d.field("created"); ok {
		d.Created = f
	}
}

// Section returns the first section whose heading satisfies match.
func (d *Document) Section(match func(heading string) bool) (Section, bool) {
	for _, s := range d.Sections {
		if match(s.Heading) {
			return s, true
		}
	}
	return Section{}, false
}

// StripHTMLComments removes <!-- ... --> from one line; in says whether the
// line starts inside a comment, and the result whether it ends inside one.
func StripHTMLComments(t string, in bool) (string, bool) {
	var b strings.Builder
	for {
		if in {
			j := strings.Index(t, "-->")
			if j < 0 {
				return b.String(), true
			}
			t, in = t[j+3:], false
			continue
		}
		i := strings.Index(t, "<!--")
		if i < 0 {
			b.WriteString(t)
			return b.String(), false
		}
		b.WriteString(t[:i])
		t, in = t[i+4:], true
	}
}
