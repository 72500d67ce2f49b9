package testout

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"
)

// MaxMessage bounds the bytes kept per case message. A longer message keeps
// its head (where a panic names itself) and its tail (where a backtrace
// reaches the test) with a marker saying how much was dropped in between.
const MaxMessage = 4096

const (
	messageHead = 1536
	messageTail = MaxMessage - messageHead - 64 // room for the omission marker
)

// boundedText accumulates a message in bounded memory: the first
// messageHead bytes and the last messageTail bytes.
type boundedText struct {
	head    []byte
	tail    []byte
	dropped int
}

func (b *boundedText) add(s string) {
	if room := messageHead - len(b.head); room > 0 {
		n := min(room, len(s))
		b.head = append(b.head, s[:n]...)
		s = s[n:]
	}
	if s == "" {
		return
	}
	b.tail = append(b.tail, s...)
	if len(b.tail) > 2*messageTail {
		cut := len(b.tail) - messageTail
		b.dropped += cut
		b.tail = append(b.tail[:0], b.tail[cut:]...)
	}
}

// addLine adds s and a newline.
func (b *boundedText) addLine(s string) {
	b.add(s)
	b.add("\n")
}

func (b *boundedText) empty() bool { return len(b.head) == 0 }

// String returns the message, trimmed of surrounding blank lines, valid
// UTF-8, at most MaxMessage bytes.
func (b *boundedText) String() string {
	tail, dropped := b.tail, b.dropped
	if len(tail) > messageTail {
		dropped += len(tail) - messageTail
		tail = tail[len(tail)-messageTail:]
	}
	var s string
	if dropped == 0 {
		s = string(b.head) + string(tail)
	} else {
		// Cut at rune starts so the marker does not split a character.
		for len(tail) > 0 && !utf8.RuneStart(tail[0]) {
			tail = tail[1:]
			dropped++
		}
		s = string(b.head) + fmt.Sprintf("\n[... %d bytes omitted ...]\n", dropped) + string(tail)
	}
	s = strings.ToValidUTF8(s, "\uFFFD")
	return strings.Trim(s, "\n")
}

// boundString bounds a message that is already a string.
func boundString(s string) string {
	var b boundedText
	b.add(s)
	return b.String()
}

// lineScanner walks data line by line with 1-based numbers. Lines lose
// their "\n" and "\r\n"; a bare "\r" inside a line keeps only what follows
// it (a terminal would have overwritten the rest); ANSI escapes are removed.
type lineScanner struct {
	data []byte
	pos  int
	num  int
	line string
}

func newLineScanner(data []byte) *lineScanner { return &lineScanner{data: data} }

func (s *lineScanner) scan() bool {
	if s.pos >= len(s.data) {
		return false
	}
	rest := s.data[s.pos:]
	i := bytes.IndexByte(rest, '\n')
	var raw []byte
	if i < 0 {
		raw, s.pos = rest, len(s.data)
	} else {
		raw, s.pos = rest[:i], s.pos+i+1
	}
	s.num++
	raw = bytes.TrimSuffix(raw, []byte("\r"))
	if j := bytes.LastIndexByte(raw, '\r'); j >= 0 {
		raw = raw[j+1:]
	}
	s.line = cleanLine(raw)
	return true
}

// cleanLine removes ANSI escape sequences and NULs and makes the line valid
// UTF-8.
func cleanLine(b []byte) string {
	if bytes.IndexByte(b, 0x1b) < 0 && bytes.IndexByte(b, 0) < 0 && utf8.Valid(b) {
		return string(b)
	}
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch {
		case c == 0:
			continue
		case c == 0x1b && i+1 < len(b) && b[i+1] == '[':
			// CSI: ESC [ parameters intermediates final (0x40-0x7e).
			j := i + 2
			for j < len(b) && (b[j] < 0x40 || b[j] > 0x7e) {
				j++
			}
			i = j
		case c == 0x1b && i+1 < len(b) && b[i+1] == ']':
			// OSC: ends with BEL or ESC \.
			j := i + 2
			for j < len(b) && b[j] != 0x07 && !(b[j] == 0x1b && j+1 < len(b) && b[j+1] == '\\') {
				j++
			}
			if j < len(b) && b[j] == 0x1b {
				j++
			}
			i = j
		case c == 0x1b:
			i++ // two-byte escape
		default:
			out = append(out, c)
		}
	}
	return strings.ToValidUTF8(string(out), "\uFFFD")
}

// indentOf returns the width of s's leading whitespace (a tab counts 4) and
// s without it.
func indentOf(s string) (int, string) {
	n := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ' ':
			n++
		case '\t':
			n += 4
		default:
			return n, s[i:]
		}
	}
	return n, ""
}

// firstLine returns s up to its first newline.
func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
