package contract

import (
	"strconv"
	"strings"
)

// The TOML decoder does not expose key positions, so errors and findings
// would have no line without this: a small scanner that records where each
// table header and each top-level key of a table starts. It understands
// enough TOML (strings, comments, multi-line arrays and inline tables) to
// tell a header from a value; anything it cannot place falls back to the
// table header or line 1.

// section is one table header occurrence: `[a.b]` or `[[a]]`.
type section struct {
	path  []string
	array bool
	line  int
	keys  map[string]int // first dotted part of a key -> line
	// values maps key -> the lines of its value, for locating one element
	// of a multi-line array.
	spans map[string][2]int
}

// layout is the scanned structure of one file.
type layout struct {
	lines    []string
	sections []*section // sections[0] is the root (path nil)
}

func scanLayout(src string) *layout {
	l := &layout{lines: strings.Split(src, "\n")}
	cur := &section{line: 1, keys: map[string]int{}, spans: map[string][2]int{}}
	l.sections = append(l.sections, cur)
	var st lexState
	for i, line := range l.lines {
		n := i + 1
		if st.inValue() {
			st.feed(line)
			if !st.inValue() {
				cur.closeSpan(st.key, n)
			}
			continue
		}
		trim := strings.TrimSpace(line)
		if trim == "" || trim[0] == '#' {
			continue
		}
		if trim[0] == '[' {
			if p, arr, ok := parseHeader(trim); ok {
				cur = &section{path: p, array: arr, line: n, keys: map[string]int{}, spans: map[string][2]int{}}
				l.sections = append(l.sections, cur)
				continue
			}
		}
		key, rest, ok := splitKey(trim)
		if !ok {
			continue
		}
		if _, dup := cur.keys[key]; !dup {
			cur.keys[key] = n
		}
		st = lexState{key: key}
		st.feed(rest)
		cur.spans[key] = [2]int{n, n}
	}
	return l
}

func (s *section) closeSpan(key string, end int) {
	if sp, ok := s.spans[key]; ok {
		sp[1] = end
		s.spans[key] = sp
	}
}

// lexState tracks an unfinished value across lines: open brackets and
// multi-line strings.
type lexState struct {
	key   string
	depth int
	mls   string // `"""` or `'''` while inside a multi-line string
}

func (s *lexState) inValue() bool { return s.depth > 0 || s.mls != "" }

// feed consumes one line of a value.
func (s *lexState) feed(line string) {
	i := 0
	for i < len(line) {
		if s.mls != "" {
			j := strings.Index(line[i:], s.mls)
			if j < 0 {
				return
			}
			i += j + 3
			s.mls = ""
			continue
		}
		c := line[i]
		switch {
		case c == '#':
			return
		case strings.HasPrefix(line[i:], `"""`) || strings.HasPrefix(line[i:], `'''`):
			s.mls = line[i : i+3]
			i += 3
		case c == '"':
			i++
			for i < len(line) && line[i] != '"' {
				if line[i] == '\\' {
					i++
				}
				i++
			}
			i++
		case c == '\'':
			j := strings.IndexByte(line[i+1:], '\'')
			if j < 0 {
				return
			}
			i += j + 2
		case c == '[' || c == '{':
			s.depth++
			i++
		case c == ']' || c == '}':
			if s.depth > 0 {
				s.depth--
			}
			i++
		default:
			i++
		}
	}
}

// parseHeader parses `[a."b.c"]` or `[[a]]` (comment allowed after).
func parseHeader(t string) (path []string, array bool, ok bool) {
	open, close := "[", "]"
	if strings.HasPrefix(t, "[[") {
		open, close, array = "[[", "]]", true
	}
	body := t[len(open):]
	keys, rest, ok := parseDottedKey(body)
	if !ok {
		return nil, false, false
	}
	rest = strings.TrimSpace(rest)
	if !strings.HasPrefix(rest, close) {
		return nil, false, false
	}
	return keys, array, true
}

// splitKey splits `key = value` and returns the first part of a dotted key.
func splitKey(t string) (key, rest string, ok bool) {
	keys, rest, ok := parseDottedKey(t)
	if !ok || len(keys) == 0 {
		return "", "", false
	}
	rest = strings.TrimSpace(rest)
	if !strings.HasPrefix(rest, "=") {
		return "", "", false
	}
	return keys[0], rest[1:], true
}

// parseDottedKey reads `a.b."c d".'e'` from the start of s.
func parseDottedKey(s string) (keys []string, rest string, ok bool) {
	i := 0
	for {
		for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
			i++
		}
		if i >= len(s) {
			return nil, "", false
		}
		switch s[i] {
		case '"':
			j := i + 1
			for j < len(s) && s[j] != '"' {
				if s[j] == '\\' {
					j++
				}
				j++
			}
			if j >= len(s) {
				return nil, "", false
			}
			k, err := strconv.Unquote(s[i : j+1])
			if err != nil {
				k = s[i+1 : j]
			}
			keys = append(keys, k)
			i = j + 1
		case '\'':
			j := strings.IndexByte(s[i+1:], '\'')
			if j < 0 {
				return nil, "", false
			}
			keys = append(keys, s[i+1:i+1+j])
			i += j + 2
		default:
			j := i
			for j < len(s) && isBareKeyChar(s[j]) {
				j++
			}
			if j == i {
				return nil, "", false
			}
			keys = append(keys, s[i:j])
			i = j
		}
		for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
			i++
		}
		if i < len(s) && s[i] == '.' {
			i++
			continue
		}
		return keys, s[i:], true
	}
}

func isBareKeyChar(c byte) bool {
	return c == '_' || c == '-' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
}

// table returns the nth (0-based) section whose path equals p.
func (l *layout) table(n int, p ...string) *section {
	for _, s := range l.sections {
		if equalPath(s.path, p) {
			if n == 0 {
				return s
			}
			n--
		}
	}
	return nil
}

func equalPath(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// line returns the line of key inside the nth table p, the table header
// when the key is not found, or 1.
func (l *layout) line(n int, key string, p ...string) int {
	s := l.table(n, p...)
	if s == nil && key == "" {
		// [a] may exist only through its children, e.g. [a.b].
		for _, sec := range l.sections {
			if len(sec.path) > len(p) && equalPath(sec.path[:len(p)], p) {
				return sec.line
			}
		}
	}
	if s == nil {
		// A table may also be written as a dotted key or inline table in its
		// parent, e.g. `phase = { boot = { order = "strict" } }`.
		if len(p) > 0 {
			return l.line(0, p[len(p)-1], p[:len(p)-1]...)
		}
		return 1
	}
	if key == "" {
		return s.line
	}
	if ln, ok := s.keys[key]; ok {
		return ln
	}
	return s.line
}

// elementLine finds the line inside the value of key (nth table p) that
// mentions the quoted string v, for pointing at one element of a list.
func (l *layout) elementLine(n int, key, v string, p ...string) int {
	s := l.table(n, p...)
	if s == nil {
		return l.line(n, key, p...)
	}
	sp, ok := s.spans[key]
	if !ok {
		return l.line(n, key, p...)
	}
	q1, q2 := strconv.Quote(v), "'"+v+"'"
	for ln := sp[0]; ln <= sp[1] && ln <= len(l.lines); ln++ {
		if strings.Contains(l.lines[ln-1], q1) || strings.Contains(l.lines[ln-1], q2) {
			return ln
		}
	}
	return sp[0]
}
