package proofstate

import (
	"bytes"
	"fmt"
	"sort"
	"strings"

	"github.com/taskproof/taskproof/internal/task"
)

// CanonicalStatus maps a status typed by a user to its canonical spelling:
// a vocabulary entry matched case-insensitively (spaces, hyphens and
// underscores alike), or an alias of one. It does not accept decorations
// or prefixes ("Done-ish" is unknown): a status set by a command must be
// exactly one of the vocabulary.
func CanonicalStatus(input string, vocabulary []string, aliases map[string]string) (string, bool) {
	key := foldStatus(input)
	if key == "" {
		return "", false
	}
	for _, v := range vocabulary {
		if foldStatus(v) == key {
			return v, true
		}
	}
	// Sorted, so that two aliases folding to the same key resolve the same
	// way every time.
	keys := make([]string, 0, len(aliases))
	for a := range aliases {
		keys = append(keys, a)
	}
	sort.Strings(keys)
	for _, a := range keys {
		v := aliases[a]
		if foldStatus(a) == key {
			for _, c := range vocabulary {
				if strings.EqualFold(c, v) {
					return c, true
				}
			}
		}
	}
	return "", false
}

// foldStatus lower-cases s and folds runs of spaces, hyphens and
// underscores into one space.
func foldStatus(s string) string {
	f := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return r == ' ' || r == '-' || r == '_' || r == '\t'
	})
	return strings.Join(f, " ")
}

// SetStatus returns src with the value of doc's header status line (the
// front-matter `status:` line or the header-less `- Status:` bullet)
// replaced by value, and nothing else changed: other lines, the line's
// key, bold marks, quotes around the value, and the line ending (CRLF
// stays CRLF) are kept byte for byte. doc must be the parse of src.
// It fails, naming the line and the fix, when the document has no status
// line or its status continues onto further lines.
func SetStatus(src []byte, doc *task.Document, value string) ([]byte, error) {
	if strings.ContainsAny(value, "\r\n") {
		return nil, fmt.Errorf("status %q spans lines", value)
	}
	if doc.Status.Line == 0 {
		form := "a `status: Draft` line to the front matter"
		if !doc.HasFrontMatter {
			form = "a `- Status: Draft` bullet under the title"
		}
		return nil, fmt.Errorf("%s has no status line; add %s, then run status set again", doc.Path, form)
	}
	start, end, ok := lineBounds(src, doc.Status.Line)
	if !ok {
		return nil, fmt.Errorf("%s: line %d does not exist (the file changed while reading?)", doc.Path, doc.Status.Line)
	}
	line := string(src[start:end])
	vs, ve, ok := statusValue(line)
	if !ok || !sameStatus(line[vs:ve], doc.Status.Raw) {
		return nil, fmt.Errorf("%s:%d: the status %q continues past this line or is not a `key: value` line; put it on one line, then run status set again", doc.Path, doc.Status.Line, doc.Status.Raw)
	}
	v := line[vs:ve]
	if v == "" && (vs == 0 || (line[vs-1] != ' ' && line[vs-1] != '\t')) {
		value = " " + value // "status:" alone: the parser needs "key: value"
	}
	if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
		vs, ve = vs+1, ve-1 // keep the quotes
	}
	var out bytes.Buffer
	out.Grow(len(src) + len(value))
	out.Write(src[:start+vs])
	out.WriteString(value)
	out.Write(src[start+ve:])
	return out.Bytes(), nil
}

// lineBounds returns the byte range of 1-based line n without its line
// ending ("\n" or "\r\n").
func lineBounds(src []byte, n int) (int, int, bool) {
	start := 0
	for i := 1; i < n; i++ {
		j := bytes.IndexByte(src[start:], '\n')
		if j < 0 {
			return 0, 0, false
		}
		start += j + 1
	}
	if n == 1 && bytes.HasPrefix(src, []byte("\xef\xbb\xbf")) {
		start = 3
	}
	if n < 1 || (start == len(src) && n > 1) {
		return 0, 0, false
	}
	end := len(src)
	if j := bytes.IndexByte(src[start:], '\n'); j >= 0 {
		end = start + j
	}
	if end > start && src[end-1] == '\r' {
		end--
	}
	return start, end, true
}

// statusValue finds the value of a "key: value" header line the way the
// parser reads it: after the first colon (and a closing "**" of a bold
// key), without surrounding spaces. The value may be empty.
func statusValue(line string) (int, int, bool) {
	c := strings.IndexByte(line, ':')
	if c <= 0 {
		return 0, 0, false
	}
	i := c + 1
	if strings.HasPrefix(line[i:], "**") {
		i += 2
	}
	for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
		i++
	}
	e := len(line)
	for e > i && (line[e-1] == ' ' || line[e-1] == '\t') {
		e--
	}
	return i, e, true
}

// sameStatus reports whether the value on the line is the whole parsed
// status (quotes aside), i.e. the status does not continue on later lines.
func sameStatus(onLine, raw string) bool {
	if onLine == raw {
		return true
	}
	if len(onLine) >= 2 && (onLine[0] == '"' || onLine[0] == '\'') && onLine[len(onLine)-1] == onLine[0] {
		return onLine[1:len(onLine)-1] == raw
	}
	return false
}

// Successors are the tasks recorded as replacing doc: its superseded-by
// dependencies (a `superseded-by:` header field, a "Superseded by:" link,
// ids in a Superseded status), in order, without duplicates. fromStatus
// is true when every one of them is written in the status value itself,
// so rewriting the status would lose them.
func Successors(doc *task.Document) (ids []task.ID, fromStatus bool) {
	seen := map[task.ID]bool{}
	fromStatus = true
	for _, d := range doc.Deps {
		if d.Kind != task.DepSuperseed {
			continue
		}
		if d.Line != doc.Status.Line || d.Label != "status" {
			fromStatus = false
		}
		if !seen[d.ID] {
			seen[d.ID] = true
			ids = append(ids, d.ID)
		}
	}
	return ids, fromStatus && len(ids) > 0
}

// SupersededValue is the status value written for a task superseded by
// ids: "Superseded by TASK-0002" (several: "Superseded by TASK-0002,
// TASK-0003"). The parser reads the ids of a Superseded status as its
// superseded-by dependencies, so this one-line edit records the successor
// without touching any other line of the file.
func SupersededValue(canonical string, ids []task.ID) string {
	if len(ids) == 0 {
		return canonical
	}
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = string(id)
	}
	return canonical + " by " + strings.Join(s, ", ")
}
