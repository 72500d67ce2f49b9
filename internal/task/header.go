package task

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// header reads the front matter block ("---" YAML-like or "+++" TOML), or
// for documents without one the "Key: value" lines right after the title
// heading (see headerBullets).
func (p *parser) header() {
	lines := p.lines
	// A licence or generator note in HTML comments may come before the
	// header: "<!-- SPDX-License-Identifier: … -->" then "---" or "# TASK-…".
	start := skipPreamble(lines, 0)
	if start < len(lines) {
		if delim := strings.TrimSpace(lines[start].text); delim == "---" || delim == "+++" {
			for i := start + 1; i < len(lines); i++ {
				t := strings.TrimSpace(lines[i].text)
				if t == delim || (delim == "---" && t == "...") {
					for j := start; j <= i; j++ {
						lines[j].front = true
					}
					p.d.HasFrontMatter = true
					if delim == "+++" {
						p.d.Fields = parseTOMLFrontMatter(lines[start+1 : i])
					} else {
						p.d.Fields = parseFrontMatter(lines[start+1 : i])
					}
					p.body = i + 1
					if _, ok := p.d.field("status", "state"); !ok {
						// Front matter without a status, then the title and
						// "- Status: Done" bullets (a file half-way through a
						// migration): read those too.
						p.headerBulletsFrom(i + 1)
					}
					return
				}
			}
		}
		// No closing delimiter: not front matter; read the file as a body.
	}
	p.headerBullets()
}

// parseFrontMatter reads front-matter lines line by line, not as YAML:
// "key: value" splits on the first colon, "**Key**:" labels are unbolded,
// "[a, b]" values and indented "- item" lines become Items, "# ..." lines
// are comments, and indented lines without a dash continue the previous
// value.
func parseFrontMatter(lines []srcLine) []Field {
	var fields []Field
	cur := -1
	for _, l := range lines {
		t := strings.TrimSpace(l.text)
		if t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		indented := l.text[0] == ' ' || l.text[0] == '\t'
		if cur >= 0 && (strings.HasPrefix(t, "- ") || t == "-") {
			v := stripComment(strings.TrimSpace(t[1:]))
			fields[cur].Items = append(fields[cur].Items, ListItem{Value: unquote(v), Line: l.num})
			continue
		}
		if !indented {
			if k, v, ok := splitKey(t); ok {
				f := Field{Key: k, Value: unquote(v), Line: l.num}
				if isBlockScalar(v) {
					f.Value = "" // "status: >" then an indented "Done"
				}
				if strings.HasPrefix(v, "[") {
					f.Value, f.Items = inlineList(v, l.num)
				}
				fields = append(fields, f)
				cur = len(fields) - 1
				continue
			}
		}
		if cur < 0 {
			continue
		}
		// Continuation of the last item or value.
		f := &fields[cur]
		if n := len(f.Items); n > 0 {
			f.Items[n-1].Value = joinSpace(f.Items[n-1].Value, t)
		} else {
			f.Value = joinSpace(f.Value, t)
		}
	}
	return fields
}

// skipPreamble returns the index of the first line at or after i that is
// neither blank nor part of an HTML comment.
func skipPreamble(lines []srcLine, i int) int {
	for i < len(lines) {
		t := strings.TrimSpace(lines[i].text)
		if t != "" && !strings.HasPrefix(t, "<!--") {
			return i
		}
		if t != "" {
			// Skip to the line that closes the comment; an unclosed
			// comment hides the rest of the file, as in a renderer.
			for !strings.Contains(strings.TrimPrefix(t, "<!--"), "-->") {
				i++
				if i == len(lines) {
					return i
				}
				t = lines[i].text
			}
		}
		i++
	}
	return i
}

// isBlockScalar reports whether v is a YAML block scalar indicator
// ("|", ">-", …) whose value follows on indented lines.
func isBlockScalar(v string) bool {
	v = stripComment(v)
	if v == "" || (v[0] != '|' && v[0] != '>') {
		return false
	}
	return strings.Trim(v[1:], "+-0123456789") == ""
}

// parseTOMLFrontMatter reads a "+++" block line by line: key = value,
// inline arrays (also spread over lines), "[table]" headers and comments
// skipped. Keys are lower-cased; values are unquoted.
func parseTOMLFrontMatter(lines []srcLine) []Field {
	var fields []Field
	open := -1 // field whose multi-line array is still open
	for _, l := range lines {
		t := strings.TrimSpace(l.text)
		if open >= 0 {
			f := &fields[open]
			body, closed := strings.CutSuffix(stripComment(t), "]")
			if !closed {
				body, _, closed = strings.Cut(body, "]")
			}
			for _, part := range strings.Split(body, ",") {
				if part = unquote(strings.TrimSpace(part)); part != "" {
					f.Items = append(f.Items, ListItem{Value: part, Line: l.num})
				}
			}
			if closed {
				open = -1
			}
			continue
		}
		if t == "" || t[0] == '#' || t[0] == '[' {
			continue
		}
		k, v, ok := strings.Cut(t, "=")
		k = strings.ToLower(strings.TrimSpace(unquote(strings.TrimSpace(k))))
		if !ok || k == "" {
			continue
		}
		v = strings.TrimSpace(v)
		f := Field{Key: k, Line: l.num}
		switch {
		case strings.HasPrefix(v, "[") && strings.Contains(v, "]"):
			f.Value, f.Items = inlineList(v, l.num)
		case strings.HasPrefix(v, "["):
			f.Value = v
			for _, part := range strings.Split(v[1:], ",") {
				if part = unquote(strings.TrimSpace(part)); part != "" {
					f.Items = append(f.Items, ListItem{Value: part, Line: l.num})
				}
			}
			open = len(fields)
		default:
			f.Value = unquote(stripComment(v))
		}
		fields = append(fields, f)
	}
	return fields
}

// headerBullets reads the header-less form: a title heading ("# TASK-0001:
// title", "## TASK-0001 — title" or a Setext "TASK-0001: title" over
// "====") followed by the header written as "- Status: Done" bullets,
// plain "Status: Done" lines, "Status — Done" lines, a block quote of
// those, or a key/value table ("| Status | Done |"). Reading stops at the
// first line that is none of these.
func (p *parser) headerBullets() { p.headerBulletsFrom(0) }

// headerBulletsFrom is headerBullets for a title at or after lines[from].
func (p *parser) headerBulletsFrom(from int) {
	lines := p.lines
	i := skipPreamble(lines, from)
	if i == len(lines) || !p.titleAt(&i) {
		return
	}
	i = skipPreamble(lines, i+1)
	if i < len(lines) && strings.HasPrefix(strings.TrimSpace(lines[i].text), "|") {
		p.headerTable(i)
		return
	}
	quoted := i < len(lines) && strings.HasPrefix(strings.TrimSpace(lines[i].text), ">")
	cur := -1
	for ; i < len(lines); i++ {
		raw := lines[i].text
		if quoted {
			q, ok := strings.CutPrefix(strings.TrimSpace(raw), ">")
			if !ok {
				break
			}
			raw = strings.TrimPrefix(q, " ")
		}
		t := strings.TrimSpace(raw)
		if t == "" {
			// A blank line ends the header unless the next line is another
			// header field ("- Owner: @x", blank, "- Status: Done").
			if n := skipPreamble(lines, i+1); n < len(lines) && isHeaderKeyLine(lines[n].text, quoted) {
				i = n - 1
				continue
			}
			break
		}
		if strings.HasPrefix(t, "<!--") {
			// A comment between header lines ("<!-- reviewed -->") hides
			// nothing after it, as in a renderer.
			for !strings.Contains(strings.TrimPrefix(t, "<!--"), "-->") {
				if i++; i == len(lines) {
					return // unclosed: hides the rest, as in a renderer
				}
				t = lines[i].text
			}
			continue
		}
		add := func(k, v string) {
			v = stripInlineComments(v)
			p.d.Fields = append(p.d.Fields, Field{Key: k, Value: v, Line: lines[i].num})
			cur = len(p.d.Fields) - 1
			// After front matter these lines stay body lines, whose
			// links and dependencies the body scan reads.
			lines[i].front = from == 0
		}
		if IsListBullet(t) {
			k, v, ok := splitField(strings.TrimSpace(t[2:]))
			if !ok {
				break
			}
			add(k, v)
			continue
		}
		if cur >= 0 && (raw[0] == ' ' || raw[0] == '\t') {
			p.d.Fields[cur].Value = joinSpace(p.d.Fields[cur].Value, t)
			lines[i].front = from == 0
			continue
		}
		// "Status: Complete" without a bullet. The value must be non-empty:
		// "Links:" opens a list that belongs to the body.
		if k, v, ok := splitField(t); ok && v != "" && !strings.HasPrefix(t, "#") {
			add(k, v)
			continue
		}
		break
	}
	// Header bullets are read again as body lines: they carry links (- RFC: path).
}

// titleAt reports whether lines[*i] starts a title: an ATX heading of
// level 1, or of level 2 when it starts with a task id, or a Setext
// heading (text over "===", or over "---" when it starts with an id). For
// a Setext title it records the title and moves *i to the underline.
func (p *parser) titleAt(i *int) bool {
	l := p.lines[*i]
	if lvl, h := heading(l.text); lvl == 1 || (lvl == 2 && startsWithID(h)) {
		return true
	}
	if *i+1 >= len(p.lines) {
		return false
	}
	t, u := strings.TrimSpace(l.text), strings.TrimSpace(p.lines[*i+1].text)
	if t == "" || len(u) < 3 || (strings.Trim(u, "=") != "" && (strings.Trim(u, "-") != "" || !startsWithID(t))) {
		return false
	}
	p.setTitle(t, l.num)
	p.lines[*i].front, p.lines[*i+1].front = true, true
	*i++
	return true
}

func startsWithID(s string) bool {
	refs := FindIDs(s)
	return len(refs) > 0 && refs[0].Offset == 0
}

// IsListBullet accepts "- ", "* ", "+ " and the same marks before a tab.
func IsListBullet(t string) bool {
	return len(t) >= 2 && (t[0] == '-' || t[0] == '*' || t[0] == '+') && (t[1] == ' ' || t[1] == '\t')
}

// isHeaderKeyLine reports whether t (after a blank line in the header) is
// one more field with a key of dashKeys ("- Status: Done"), which keeps
// the header going; any other line starts the body.
func isHeaderKeyLine(t string, quoted bool) bool {
	t = strings.TrimSpace(t)
	if quoted {
		q, ok := strings.CutPrefix(t, ">")
		if !ok {
			return false
		}
		t = strings.TrimSpace(q)
	}
	if IsListBullet(t) {
		t = strings.TrimSpace(t[2:])
	}
	k, v, ok := splitField(t)
	return ok && v != "" && dashKeys[k]
}

// stripInlineComments drops "<!-- … -->" from a header value: "Done
// <!-- since v2 -->" is Done.
func stripInlineComments(v string) string {
	if !strings.Contains(v, "<!--") {
		return v
	}
	out, _ := StripHTMLComments(v, false)
	return strings.TrimSpace(out)
}

// headerTable reads a header written as a table right after the title:
// two columns of key and value ("| Status | Done |", the header row
// included, since "| Field | Value |" is harmless), or a row of keys over
// a row of values ("| Status | Owner |" then "| Done | @x |").
func (p *parser) headerTable(i int) {
	lines := p.lines
	if i+1 >= len(lines) || !isTableDelimiter(lines[i+1].text) {
		return
	}
	head := tableCells(lines[i].text)
	end := i + 2
	for end < len(lines) && strings.HasPrefix(strings.TrimSpace(lines[end].text), "|") {
		end++
	}
	for j := i; j < end; j++ {
		lines[j].front = true
	}
	keyed := func(c string) (string, bool) {
		k, _, ok := splitKey(strings.TrimRight(strings.TrimSpace(c), ":") + ": x")
		return k, ok
	}
	if len(head) == 2 {
		for j := i; j < end; j++ {
			if j == i+1 {
				continue
			}
			cells := tableCells(lines[j].text)
			if len(cells) < 2 {
				continue
			}
			if k, ok := keyed(cells[0]); ok {
				p.d.Fields = append(p.d.Fields, Field{Key: k, Value: cells[1], Line: lines[j].num})
			}
		}
		return
	}
	if end == i+2 {
		return
	}
	vals := tableCells(lines[i+2].text)
	for c, h := range head {
		if k, ok := keyed(h); ok && c < len(vals) {
			p.d.Fields = append(p.d.Fields, Field{Key: k, Value: vals[c], Line: lines[i+2].num})
		}
	}
}

// tableCells splits a Markdown table row into trimmed cells.
func tableCells(t string) []string {
	t = strings.TrimSpace(t)
	t = strings.TrimSuffix(strings.TrimPrefix(t, "|"), "|")
	cells := strings.Split(t, "|")
	for i := range cells {
		cells[i] = strings.TrimSpace(cells[i])
	}
	return cells
}

// isTableDelimiter reports whether t is a table's "|---|:--:|" row.
func isTableDelimiter(t string) bool {
	t = strings.TrimSpace(t)
	if !strings.HasPrefix(t, "|") {
		return false
	}
	for _, c := range tableCells(t) {
		if c = strings.Trim(c, ": "); c == "" || strings.Trim(c, "-") != "" {
			return false
		}
	}
	return true
}

// dashKeys are the header keys also read as "Status — Done" (a dash
// instead of a colon); other words before a dash are prose.
var dashKeys = map[string]bool{"status": true, "state": true, "owner": true, "owners": true, "created": true}

// splitField splits a header line as splitKey does, or "Status — Done",
// "**Status** – Done", "Status - Done" for the keys in dashKeys.
func splitField(t string) (key, value string, ok bool) {
	if k, v, ok := splitKey(t); ok {
		return k, v, true
	}
	for _, sep := range []string{" — ", " – ", " - ", "—", "–"} {
		k, v, found := strings.Cut(t, sep)
		if !found {
			continue
		}
		k = strings.ToLower(strings.TrimSpace(strings.Trim(strings.TrimSpace(k), "*_")))
		v = strings.TrimSpace(v)
		if dashKeys[k] && v != "" {
			return k, v, true
		}
		return "", "", false
	}
	return splitBoldKey(t)
}

// splitBoldKey reads "**Status** Done" and "__Owner__ @x": emphasis alone
// separates the key, for the keys in dashKeys. A value that starts with a
// lower-case letter is prose ("**Status** is the header field"), not a field.
func splitBoldKey(t string) (key, value string, ok bool) {
	for _, m := range []string{"**", "__"} {
		rest, found := strings.CutPrefix(t, m)
		if !found {
			continue
		}
		k, v, found := strings.Cut(rest, m)
		if !found || v == "" || (v[0] != ' ' && v[0] != '\t') {
			return "", "", false
		}
		k, v = strings.ToLower(strings.TrimSpace(k)), strings.TrimSpace(v)
		if !dashKeys[k] || v == "" {
			return "", "", false
		}
		if r, _ := utf8.DecodeRuneInString(v); unicode.IsLower(r) {
			return "", "", false
		}
		return k, v, true
	}
	return "", "", false
}

// splitKey splits "key: value" on the first colon. The key may be bold
// ("**Status**: x", "**Status:** x") and is returned lower-cased; it must
// look like a key (letters, digits, spaces, - and _, at most 40 bytes).
func splitKey(t string) (key, value string, ok bool) {
	c := strings.IndexByte(t, ':')
	if c <= 0 {
		return "", "", false
	}
	k := strings.TrimSpace(strings.Trim(t[:c], "*_"))
	v := t[c+1:]
	if v != "" && v[0] != ' ' && v[0] != '\t' && !strings.HasPrefix(v, "**") {
		return "", "", false // "http://x", "a:b"
	}
	v = strings.TrimSpace(strings.TrimPrefix(v, "**"))
	if k == "" || len(k) > 40 {
		return "", "", false
	}
	for i := 0; i < len(k); i++ {
		c := k[i]
		if !isWordByte(c) && c != ' ' && c != '-' && c != '(' && c != ')' && c != '/' {
			return "", "", false
		}
	}
	return strings.ToLower(k), v, true
}

// inlineList reads "[A, B] # comment" into items.
func inlineList(v string, line int) (string, []ListItem) {
	end := strings.IndexByte(v, ']')
	if end < 0 {
		return v, nil
	}
	inner := v[1:end]
	var items []ListItem
	for _, part := range strings.Split(inner, ",") {
		part = unquote(strings.TrimSpace(part))
		if part != "" {
			items = append(items, ListItem{Value: part, Line: line})
		}
	}
	return strings.TrimSpace(v[:end+1]), items
}

// stripComment drops a " # comment" tail.
func stripComment(v string) string {
	if i := strings.Index(v, " #"); i >= 0 {
		return strings.TrimSpace(v[:i])
	}
	return v
}

// unquote removes one pair of matching surrounding quotes.
func unquote(v string) string {
	if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
		return v[1 : len(v)-1]
	}
	return v
}

func joinSpace(a, b string) string {
	if a == "" {
		return b
	}
	return a + " " + b
}
