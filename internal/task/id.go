package task

import (
	"strconv"
	"strings"
)

// IDRef is one id found in free text, with the byte offset of the place it
// was read from (for the shorthand TASK-0146/0147 the second id points at
// "0147").
type IDRef struct {
	ID     ID  `json:"id"`
	Offset int `json:"offset"`
}

// Hyphens people (and word processors) put between TASK and the number:
// ASCII, U+2010 hyphen, U+2011 non-breaking hyphen, U+2012 figure dash,
// U+2013 en dash.
var idHyphens = []string{"-", "\u2010", "\u2011", "\u2012", "\u2013"}

// ParseID reads a whole string as an id: case-insensitive, any of the
// hyphens above, surrounding spaces and backticks ignored. It returns the
// canonical form ("TASK-0003B"): the number zero-padded to four digits, so
// "TASK-45" and "TASK-00045" both read TASK-0045 (see canonDigits).
func ParseID(s string) (ID, bool) {
	s = strings.Trim(strings.TrimSpace(s), "`*")
	if len(s) < 4 || !strings.EqualFold(s[:4], "TASK") {
		return "", false
	}
	rest := s[4:]
	hy := 0
	for _, h := range idHyphens {
		if strings.HasPrefix(rest, h) {
			hy = len(h)
			break
		}
	}
	if hy == 0 {
		return "", false
	}
	rest = rest[hy:]
	n := 0
	for n < len(rest) && isDigit(rest[n]) {
		n++
	}
	if n == 0 {
		return "", false
	}
	digits, tail := canonDigits(rest[:n]), rest[n:]
	switch {
	case tail == "":
	case len(tail) == 1 && isLetter(tail[0]):
		tail = strings.ToUpper(tail)
	default:
		return "", false
	}
	return ID("TASK-" + digits + tail), true
}

// FindIDs returns every id in text, in order. It recognises the hyphen
// variants of ParseID (upper-case TASK only, so prose such as "task-based"
// is not an id) and the shorthand forms TASK-0146/0147 and TASK-0054B/C,
// which name two ids.
func FindIDs(text string) []IDRef {
	var out []IDRef
	from := 0
	for {
		i := strings.Index(text[from:], "TASK")
		if i < 0 {
			return out
		}
		start := from + i
		from = start + 4
		if start > 0 && isWordByte(text[start-1]) {
			continue
		}
		p := start + 4
		hy := 0
		for _, h := range idHyphens {
			if strings.HasPrefix(text[p:], h) {
				hy = len(h)
				break
			}
		}
		if hy == 0 {
			continue
		}
		p += hy
		d := p
		for p < len(text) && isDigit(text[p]) {
			p++
		}
		if p == d {
			continue
		}
		rawDigits := p - d
		digits := canonDigits(text[d:p])
		suffix := ""
		if p < len(text) && isUpper(text[p]) && (p+1 == len(text) || !isWordByte(text[p+1])) {
			suffix = text[p : p+1]
			p++
		}
		var id ID
		if hy == 1 && len(digits) == rawDigits {
			id = ID(text[start:p]) // already canonical: no copy
		} else {
			id = ID("TASK-" + digits + suffix)
		}
		out = append(out, IDRef{ID: id, Offset: start})
		from = p
		// Shorthand: TASK-0146/0147, TASK-0054B/C, TASK-0003/3B.
		for p+1 < len(text) && text[p] == '/' {
			q := p + 1
			e := q
			for e < len(text) && isDigit(text[e]) {
				e++
			}
			nd := e - q
			sfx := ""
			if e < len(text) && isUpper(text[e]) {
				sfx = text[e : e+1]
				e++
			}
			if e < len(text) && isWordByte(text[e]) {
				break
			}
			var id string
			switch {
			case nd == rawDigits:
				id = "TASK-" + canonDigits(text[q:q+nd]) + sfx
			case nd == 0 && sfx != "" && suffix != "":
				id = "TASK-" + digits + sfx
			case nd > 0 && nd < len(digits) && sfx != "":
				id = "TASK-" + digits[:len(digits)-nd] + text[q:q+nd] + sfx
			default:
				nd = -1
			}
			if nd < 0 {
				break
			}
			out = append(out, IDRef{ID: ID(id), Offset: q})
			p = e
			from = p
		}
	}
}

// canonDigits writes an id's number the way the corpus pads it: at least
// four digits. People also write "TASK-45" and "TASK-00045" for
// TASK-0045; both resolve to it, and two files that resolve to one id are
// reported as a duplicate id rather than guessed between.
func canonDigits(d string) string {
	for len(d) > 4 && d[0] == '0' {
		d = d[1:]
	}
	if len(d) < 4 {
		return "0000"[len(d):] + d
	}
	return d
}

// Number is the numeric part of the id, -1 when the id is malformed.
func (id ID) Number() int {
	s := string(id)
	if !strings.HasPrefix(s, "TASK-") {
		return -1
	}
	s = strings.TrimRight(s[5:], "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return -1
	}
	return n
}

// Suffix is the letter suffix ("B" of TASK-0003B), "" when there is none.
func (id ID) Suffix() string {
	s := string(id)
	if len(s) > 5 && isUpper(s[len(s)-1]) && strings.HasPrefix(s, "TASK-") {
		return s[len(s)-1:]
	}
	return ""
}

// Compare orders ids by number, then suffix ("" before "B"); malformed ids
// sort after well-formed ones, by their text.
func Compare(a, b ID) int {
	na, nb := a.Number(), b.Number()
	switch {
	case na < 0 && nb < 0:
		return strings.Compare(string(a), string(b))
	case na < 0:
		return 1
	case nb < 0:
		return -1
	case na != nb:
		if na < nb {
			return -1
		}
		return 1
	}
	if c := strings.Compare(a.Suffix(), b.Suffix()); c != 0 {
		return c
	}
	return strings.Compare(string(a), string(b))
}

func isDigit(c byte) bool    { return c >= '0' && c <= '9' }
func isUpper(c byte) bool    { return c >= 'A' && c <= 'Z' }
func isLetter(c byte) bool   { return isUpper(c) || (c >= 'a' && c <= 'z') }
func isWordByte(c byte) bool { return isLetter(c) || isDigit(c) || c == '_' }
