package task

import (
	"strings"
)

// header reads the front matter block, or for documents without one the
// "- Key: value" bullets right after the first "# TASK-NNNN: title" heading.
func (p *parser) header() {
	lines := p.lines
	// A licence or generator note in HTML comments may come before the
	// header: "<!-- SPDX-License-Identifier: … -->" then "---" or "# TASK-…".
	start := skipPreamble(lines, 0)
	if start < len(lines) && strings.TrimSpace(lines[start].text) == "---" {
		for i := start + 1; i < len(lines); i++ {
			t := strings.TrimSpace(lines[i].text)
			if t == "---" || t == "..." {
				for j := start; j <= i; j++ {
					lines[j].front = true
				}
				p.d.HasFrontMatter = true
				p.d.Fields = parseFrontMatter(lines[start+1 : i])
				p.body = i + 1
				return
			}
		}
		// No closing ---: not front matter; read the file as a body.
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

// headerBullets reads the header-less form: a "# TASK-NNNN: title" heading
// followed by "- Status: Done" / "- Owners: @x" bullets or plain
// "Status: Done" lines (continuation lines indented). Reading stops at the
// first line that is none of these.
func (p *parser) headerBullets() {
	lines := p.lines
	i := skipPreamble(lines, 0)
	if i == len(lines) {
		return
	}
	if lvl, _ := heading(lines[i].text); lvl != 1 {
		return
	}
	i = skipPreamble(lines, i+1)
	cur := -1
	for ; i < len(lines); i++ {
		raw := lines[i].text
		t := strings.TrimSpace(raw)
		if t == "" {
			break
		}
		if strings.HasPrefix(t, "- ") || strings.HasPrefix(t, "* ") {
			k, v, ok := splitKey(strings.TrimSpace(t[2:]))
			if !ok {
				break
			}
			p.d.Fields = append(p.d.Fields, Field{Key: k, Value: v, Line: lines[i].num})
			cur = len(p.d.Fields) - 1
			lines[i].front = true
			continue
		}
		if cur >= 0 && (raw[0] == ' ' || raw[0] == '\t') {
			p.d.Fields[cur].Value = joinSpace(p.d.Fields[cur].Value, t)
			lines[i].front = true
			continue
		}
		// "Status: Complete" without a bullet. The value must be non-empty:
		// "Links:" opens a list that belongs to the body.
		if k, v, ok := splitKey(t); ok && v != "" && !strings.HasPrefix(t, "#") {
			p.d.Fields = append(p.d.Fields, Field{Key: k, Value: v, Line: lines[i].num})
			cur = len(p.d.Fields) - 1
			lines[i].front = true
			continue
		}
		break
	}
	// Header bullets are read again as body lines: they carry links (- RFC: path).
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
