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
	// keys are the table's keys (the first dotted part of each), in the
	// order they first appear; byKey indexes them once a table has many.
	keys  []keyPos
	byKey map[string]int
	first int // index of keys[0] among the layout's keys, while scanning
}

// keyPos is where a key of a table is: the line it first appears on, and
// the lines of its (last) value, for locating one element of a multi-line
// array.
type keyPos struct {
	key        string
	line       int
	start, end int
}

// manyKeys is the number of keys from which a section indexes them by map:
// tables usually hold a handful, where a scan is cheaper than hashing.
const manyKeys = 16

// key returns the position of key in s, or nil.
func (s *section) key(key string) *keyPos {
	if s.byKey != nil {
		if i, ok := s.byKey[key]; ok {
			return &s.keys[i]
		}
		return nil
	}
	for i := range s.keys {
		if s.keys[i].key == key {
			return &s.keys[i]
		}
	}
	return nil
}

// lineOf returns the line of key in s, or of its header when key is "" or
// not found.
func (s *section) lineOf(key string) int {
	if key != "" {
		if k := s.key(key); k != nil {
			return k.line
		}
	}
	return s.line
}

// layout is the scanned structure of one file.
type layout struct {
	lines    []string
	sections []section // sections[0] is the root (path nil)
	// byPath indexes sections by path, in file order, once a lookup needs
	// it (table): a manifest has a header per marker, and looking each up
	// by a scan made loading quadratic.
	byPath map[pathKey]sameLayoutPath
}

// sameLayoutPath are the indexes of the sections with one path key, in
// file order; rest is allocated only for repeated paths (arrays of tables).
type sameLayoutPath struct {
	first int
	rest  []int
}

// pathKey identifies a table path without joining it: paths of up to two
// parts (nearly all) by their parts, longer ones by their joined form.
type pathKey struct {
	first, last string
	n           int
}

func keyOf(p []string) pathKey {
	switch len(p) {
	case 0:
		return pathKey{}
	case 1:
		return pathKey{first: p[0], n: 1}
	case 2:
		return pathKey{first: p[0], last: p[1], n: 2}
	}
	return pathKey{first: strings.Join(p, "\x00"), n: len(p)}
}

// scanLayout scans src. Sections, their keys and header paths live in one
// slice each (a manifest has a header per marker): a section's keys are
// contiguous, since keys belong to the last header seen.
func scanLayout(src string) *layout {
	l := &layout{lines: strings.Split(src, "\n")}
	// Sized by what headers and keys look like, to spare growing them: a
	// manifest has hundreds.
	headers := strings.Count(src, "\n[") + 1
	l.sections = make([]section, 1, headers+1)
	l.sections[0] = section{line: 1}
	var (
		keys  = make([]keyPos, 0, min(strings.Count(src, "="), len(l.lines))) // a key per line at most
		paths = make([]string, 0, 2*headers)
		big   map[string]int // the current section's keys once it has many
		st    lexState
	)
	// find returns the index in keys of the current section's key, or -1.
	find := func(key string) int {
		if big != nil {
			if i, ok := big[key]; ok {
				return i
			}
			return -1
		}
		for i := l.sections[len(l.sections)-1].first; i < len(keys); i++ {
			if keys[i].key == key {
				return i
			}
		}
		return -1
	}
	for i, line := range l.lines {
		n := i + 1
		if st.inValue() {
			st.feed(line)
			if !st.inValue() {
				if k := find(st.key); k >= 0 {
					keys[k].end = n
				}
			}
			continue
		}
		trim := strings.TrimSpace(line)
		if trim == "" || trim[0] == '#' {
			continue
		}
		if trim[0] == '[' {
			var buf [4]string
			if p, arr, ok := parseHeader(trim, buf[:0]); ok {
				start := len(paths)
				paths = append(paths, p...)
				l.sections = append(l.sections, section{path: paths[start:len(paths):len(paths)], array: arr, line: n, first: len(keys)})
				big = nil
				continue
			}
		}
		key, rest, ok := splitKey(trim)
		if !ok {
			continue
		}
		if k := find(key); k >= 0 {
			keys[k].start, keys[k].end = n, n
		} else {
			keys = append(keys, keyPos{key: key, line: n, start: n, end: n})
			cur := &l.sections[len(l.sections)-1]
			if big != nil {
				big[key] = len(keys) - 1
			} else if len(keys)-cur.first > manyKeys {
				big = make(map[string]int, 2*(len(keys)-cur.first))
				for j := cur.first; j < len(keys); j++ {
					big[keys[j].key] = j
				}
			}
		}
		st = lexState{key: key}
		st.feed(rest)
	}
	for i := range l.sections {
		s := &l.sections[i]
		end := len(keys)
		if i+1 < len(l.sections) {
			end = l.sections[i+1].first
		}
		s.keys = keys[s.first:end:end]
		if len(s.keys) > manyKeys {
			s.byKey = make(map[string]int, len(s.keys))
			for j, k := range s.keys {
				if _, dup := s.byKey[k.key]; !dup {
					s.byKey[k.key] = j
				}
			}
		}
	}
	return l
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

// parseHeader parses `[a."b.c"]` or `[[a]]` (comment allowed after),
// appending the path's parts to path.
func parseHeader(t string, path []string) (_ []string, array bool, ok bool) {
	open, close := "[", "]"
	if strings.HasPrefix(t, "[[") {
		open, close, array = "[[", "]]", true
	}
	body := t[len(open):]
	keys, rest, ok := parseDottedKey(body, path)
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
	var buf [4]string
	keys, rest, ok := parseDottedKey(t, buf[:0])
	if !ok || len(keys) == 0 {
		return "", "", false
	}
	rest = strings.TrimSpace(rest)
	if !strings.HasPrefix(rest, "=") {
		return "", "", false
	}
	return keys[0], rest[1:], true
}

// parseDottedKey reads `a.b."c d".'e'` from the start of s, appending the
// parts to keys.
func parseDottedKey(s string, keys []string) (_ []string, rest string, ok bool) {
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
	if l.byPath == nil {
		l.byPath = make(map[pathKey]sameLayoutPath, len(l.sections))
		for i := range l.sections {
			k := keyOf(l.sections[i].path)
			if e, ok := l.byPath[k]; ok {
				e.rest = append(e.rest, i)
				l.byPath[k] = e
			} else {
				l.byPath[k] = sameLayoutPath{first: i}
			}
		}
	}
	e, ok := l.byPath[keyOf(p)]
	if !ok {
		return nil
	}
	for j := -1; j < len(e.rest); j++ {
		i := e.first
		if j >= 0 {
			i = e.rest[j]
		}
		if equalPath(l.sections[i].path, p) {
			if n == 0 {
				return &l.sections[i]
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
	return s.lineOf(key)
}

// elementLine finds the line inside the value of key (nth table p) that
// mentions the quoted string v, for pointing at one element of a list.
func (l *layout) elementLine(n int, key, v string, p ...string) int {
	s := l.table(n, p...)
	if s == nil {
		return l.line(n, key, p...)
	}
	k := s.key(key)
	if k == nil {
		return l.line(n, key, p...)
	}
	q1, q2 := strconv.Quote(v), "'"+v+"'"
	for ln := k.start; ln <= k.end && ln <= len(l.lines); ln++ {
		if strings.Contains(l.lines[ln-1], q1) || strings.Contains(l.lines[ln-1], q2) {
			return ln
		}
	}
	return k.start
}
