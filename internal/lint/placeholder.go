package lint

import (
	"strings"
	"unicode/utf8"
)

// placeholderTokens are the template's fill-in tokens. They are reported
// wherever they appear outside HTML comments (the template's own guidance
// lives in comments), fenced code included: a proof command
// `cargo test -p <crate>` in a fenced block is just as unfilled.
// Only the tokens the template uses outside comments are listed: a generic
// `<target>` in prose ("run the fuzzer for each <target>") is deliberate.
var placeholderTokens = []string{"TASK-XXXX", "YYYY-MM-DD", "<crate>", "<test_name>"}

// placeholder is one unfilled template placeholder on a line.
type placeholder struct {
	line, col int // 1-based; col in code points
	text      string
}

// findPlaceholders scans a document's source for unfilled placeholders:
// the tokens above, and list items whose whole content is an ellipsis
// (`- …`, `- ...`, `1. ...`), the template's "write something here". An
// ellipsis item inside a fenced code block is output, not a bullet, and is
// not reported; an ellipsis inside text (`/state/...`) is a path pattern.
func findPlaceholders(lines []string) []placeholder {
	var out []placeholder
	var fence string // the open fence's marker ("```", "~~~~"), "" outside
	inComment := false
	frontMatter := false
	for i, line := range lines {
		n := i + 1
		if n == 1 && strings.TrimRight(line, " \t") == "---" {
			frontMatter = true
			continue
		}
		if frontMatter {
			t := strings.TrimSpace(line)
			if t == "---" || t == "..." {
				frontMatter = false
				continue
			}
			if strings.HasPrefix(t, "#") { // YAML comment
				continue
			}
		}
		// Blank out HTML comments, which may span lines.
		visible, open := stripComments(line, inComment)
		inComment = open
		if fence == "" && !frontMatter {
			if f := fenceOf(visible); f != "" {
				fence = f
				continue
			}
		} else if fence != "" {
			if t := strings.TrimSpace(visible); strings.HasPrefix(t, fence) && strings.Trim(t, fence[:1]) == "" {
				fence = ""
				continue
			}
		}
		for _, tok := range placeholderTokens {
			for off := 0; ; {
				j := strings.Index(visible[off:], tok)
				if j < 0 {
					break
				}
				out = append(out, placeholder{n, utf8.RuneCountInString(visible[:off+j]) + 1, tok})
				off += j + len(tok)
			}
		}
		if fence == "" {
			if col, ok := ellipsisItem(visible); ok {
				out = append(out, placeholder{n, col, strings.TrimSpace(visible[col-1:])})
			}
		}
	}
	return out
}

// ellipsisItem reports whether line is a list item whose only content is
// an ellipsis, and the 1-based column where the item content starts.
func ellipsisItem(line string) (col int, ok bool) {
	t := strings.TrimLeft(line, " \t")
	indent := len(line) - len(t)
	var rest string
	switch {
	case strings.HasPrefix(t, "- "), strings.HasPrefix(t, "* "), strings.HasPrefix(t, "+ "):
		rest = t[2:]
	default:
		k := 0
		for k < len(t) && t[k] >= '0' && t[k] <= '9' {
			k++
		}
		if k == 0 || k+1 >= len(t) || (t[k] != '.' && t[k] != ')') || t[k+1] != ' ' {
			return 0, false
		}
		rest = t[k+2:]
	}
	content := strings.TrimSpace(rest)
	bare := strings.Trim(content, "`*_ ")
	if bare != "…" && bare != "..." {
		return 0, false
	}
	pos := indent + (len(t) - len(rest)) + (len(rest) - len(strings.TrimLeft(rest, " \t")))
	return utf8.RuneCountInString(line[:pos]) + 1, true
}

// fenceOf returns the fence marker when line opens a fenced code block.
func fenceOf(line string) string {
	t := strings.TrimLeft(line, " ")
	if len(line)-len(t) > 3 {
		return ""
	}
	for _, c := range []byte{'`', '~'} {
		k := 0
		for k < len(t) && t[k] == c {
			k++
		}
		if k >= 3 {
			if c == '`' && strings.IndexByte(t[k:], '`') >= 0 {
				return "" // an inline code span, not a fence
			}
			return t[:k]
		}
	}
	return ""
}

// stripComments replaces the parts of line inside HTML comments with
// spaces (keeping columns) and reports whether a comment is still open at
// the end of the line.
func stripComments(line string, inComment bool) (string, bool) {
	if !inComment && !strings.Contains(line, "<!--") {
		return line, false
	}
	b := []byte(line)
	for i := 0; i < len(b); {
		if inComment {
			j := strings.Index(line[i:], "-->")
			end := len(b)
			if j >= 0 {
				end = i + j + 3
			}
			for k := i; k < end; k++ {
				b[k] = ' '
			}
			if j < 0 {
				return string(b), true
			}
			inComment = false
			i = end
			continue
		}
		j := strings.Index(line[i:], "<!--")
		if j < 0 {
			break
		}
		i += j
		inComment = true
	}
	return string(b), inComment
}

// splitLines splits source into lines without their line endings.
func splitLines(src []byte) []string {
	s := string(src)
	lines := strings.Split(s, "\n")
	if len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	for i, l := range lines {
		lines[i] = strings.TrimSuffix(l, "\r")
	}
	return lines
}
