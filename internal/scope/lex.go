package scope

import "strings"

// lexState is carried from one line to the next: inside a /* */ comment
// (Rust nests them) or a multi-line string.
type lexState struct {
	blockDepth int
	inString   bool
	rawHashes  int // > 0: inside r#"…"# with that many hashes; -1 r"…"
}

// lexed is one source line split into code, comment text and string
// literal contents. Code keeps the string delimiters with the contents
// blanked out, so `.unwrap()` inside "…" is not code.
type lexed struct {
	code     string
	comment  string
	literals []string
}

// lexLine splits one line of C-family source (Rust, C, Go, …) given the
// state at its start and returns the state at its end. It is a heuristic:
// good enough to tell code from comments and strings on real code, never
// a parser.
func lexLine(line string, st lexState) (lexed, lexState) {
	var code, comment, lit strings.Builder
	var out lexed
	flushLit := func() {
		out.literals = append(out.literals, lit.String())
		lit.Reset()
	}
	i := 0
	// Continue a string or comment from the previous line.
	for i < len(line) {
		switch {
		case st.blockDepth > 0:
			if strings.HasPrefix(line[i:], "*/") {
				st.blockDepth--
				i += 2
				if st.blockDepth == 0 {
					code.WriteByte(' ')
				}
				continue
			}
			if strings.HasPrefix(line[i:], "/*") {
				st.blockDepth++
				i += 2
				continue
			}
			comment.WriteByte(line[i])
			i++
		case st.inString:
			c := line[i]
			if st.rawHashes != 0 {
				closing := "\"" + strings.Repeat("#", max(st.rawHashes, 0))
				if strings.HasPrefix(line[i:], closing) {
					st.inString, st.rawHashes = false, 0
					code.WriteString(closing)
					i += len(closing)
					flushLit()
					continue
				}
				lit.WriteByte(c)
				i++
				continue
			}
			if c == '\\' && i+1 < len(line) {
				lit.WriteByte(line[i+1])
				i += 2
				continue
			}
			if c == '"' {
				st.inString = false
				code.WriteByte('"')
				i++
				flushLit()
				continue
			}
			lit.WriteByte(c)
			i++
		default:
			c := line[i]
			switch {
			case strings.HasPrefix(line[i:], "//"):
				comment.WriteString(line[i+2:])
				i = len(line)
			case strings.HasPrefix(line[i:], "/*"):
				st.blockDepth = 1
				i += 2
			case c == '"':
				st.inString = true
				code.WriteByte('"')
				i++
			case c == 'r' && rawStringStart(line[i:]) > 0 && (i == 0 || !isIdentByte(line[i-1])):
				n := rawStringStart(line[i:]) // bytes up to and including the quote
				hashes := n - 2
				st.inString = true
				st.rawHashes = hashes
				if hashes == 0 {
					st.rawHashes = -1
				}
				code.WriteString(line[i : i+n])
				i += n
			case c == '\'':
				// A char literal ('x', '\n', '"'); otherwise a lifetime.
				if n := charLiteralLen(line[i:]); n > 0 {
					code.WriteString("' '")
					i += n
				} else {
					code.WriteByte(c)
					i++
				}
			default:
				code.WriteByte(c)
				i++
			}
		}
	}
	if lit.Len() > 0 {
		// A string that continues on the next line (Rust allows that).
		out.literals = append(out.literals, lit.String())
	}
	out.code = code.String()
	out.comment = comment.String()
	return out, st
}

// rawStringStart returns the length of a raw string opener at s
// (r", r#", r##" …), 0 when s does not start one.
func rawStringStart(s string) int {
	if len(s) < 2 || s[0] != 'r' {
		return 0
	}
	i := 1
	for i < len(s) && s[i] == '#' {
		i++
	}
	if i < len(s) && s[i] == '"' {
		return i + 1
	}
	return 0
}

// charLiteralLen returns the length of a char literal at s, 0 when the
// quote starts a lifetime or label.
func charLiteralLen(s string) int {
	if len(s) >= 3 && s[1] != '\\' && s[2] == '\'' {
		return 3
	}
	if len(s) >= 4 && s[1] == '\\' && s[3] == '\'' {
		return 4
	}
	if len(s) >= 4 && s[1] == '\\' {
		if end := strings.IndexByte(s[2:], '\''); end >= 0 && end < 10 {
			return end + 3
		}
	}
	// Multi-byte UTF-8 char: 'é'.
	if len(s) >= 3 && s[1] >= 0x80 {
		for j := 2; j < len(s) && j < 6; j++ {
			if s[j] == '\'' {
				return j + 1
			}
		}
	}
	return 0
}

func isIdentByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}
