package scope

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
)

// LineKind is what a diff line does.
type LineKind byte

// Line kinds, spelled as in the diff.
const (
	Context LineKind = ' '
	Added   LineKind = '+'
	Removed LineKind = '-'
)

// DiffLine is one line of a hunk. NewLine is its line number in the new
// file (0 for removed lines); OldLine in the old file (0 for added lines).
type DiffLine struct {
	Kind    LineKind
	Text    string // without the leading +/-/space and the newline
	NewLine int
	OldLine int
}

// Hunk is one @@ block.
type Hunk struct {
	OldStart, OldLines int
	NewStart, NewLines int
	// Section is the text after the closing @@, git's guess at the
	// enclosing function ("fn start_stub() {"), "" when absent.
	Section string
	Lines   []DiffLine
}

// FileDiff is the diff of one file. Path is the new path ("" when the file
// was deleted), OldPath the old one ("" when it was added).
type FileDiff struct {
	Path    string
	OldPath string
	Binary  bool
	Hunks   []Hunk
}

// Name is the path that identifies the file: the new path, else the old.
func (f *FileDiff) Name() string {
	if f.Path != "" {
		return f.Path
	}
	return f.OldPath
}

// ParseUnifiedDiff parses `git diff` patch output (any -U context, with or
// without rename detection). Paths are taken from the ---/+++ lines, or
// from rename/copy headers and the diff --git line when a file has no
// hunks; C-quoted paths are unquoted. Malformed hunks are errors naming
// the line.
func ParseUnifiedDiff(data []byte) ([]FileDiff, error) {
	var out []FileDiff
	var cur *FileDiff
	var hunk *Hunk
	var oldLeft, newLeft, oldNo, newNo int
	lines := bytes.Split(data, []byte{'\n'})
	if n := len(lines); n > 0 && len(lines[n-1]) == 0 {
		lines = lines[:n-1]
	}
	finishHunk := func(num int) error {
		if hunk == nil {
			return nil
		}
		if oldLeft != 0 || newLeft != 0 {
			return fmt.Errorf("diff line %d: hunk @@ -%d,%d +%d,%d @@ ends early (%d old and %d new lines missing)",
				num, hunk.OldStart, hunk.OldLines, hunk.NewStart, hunk.NewLines, oldLeft, newLeft)
		}
		cur.Hunks = append(cur.Hunks, *hunk)
		hunk = nil
		return nil
	}
	for i, raw := range lines {
		num := i + 1
		line := string(bytes.TrimSuffix(raw, []byte{'\r'}))
		if hunk != nil && (oldLeft > 0 || newLeft > 0) {
			if line == "" {
				// Some tools strip the space of empty context lines.
				line = " "
			}
			switch line[0] {
			case ' ':
				if oldLeft == 0 || newLeft == 0 {
					return nil, fmt.Errorf("diff line %d: context line beyond the hunk's counts", num)
				}
				hunk.Lines = append(hunk.Lines, DiffLine{Kind: Context, Text: line[1:], NewLine: newNo, OldLine: oldNo})
				oldNo++
				newNo++
				oldLeft--
				newLeft--
			case '+':
				if newLeft == 0 {
					return nil, fmt.Errorf("diff line %d: added line beyond the hunk's counts", num)
				}
				hunk.Lines = append(hunk.Lines, DiffLine{Kind: Added, Text: line[1:], NewLine: newNo})
				newNo++
				newLeft--
			case '-':
				if oldLeft == 0 {
					return nil, fmt.Errorf("diff line %d: removed line beyond the hunk's counts", num)
				}
				hunk.Lines = append(hunk.Lines, DiffLine{Kind: Removed, Text: line[1:], OldLine: oldNo})
				oldNo++
				oldLeft--
			case '\\':
				// "\ No newline at end of file"
			default:
				return nil, fmt.Errorf("diff line %d: unexpected %q inside a hunk (expected ' ', '+', '-' or '\\')", num, truncate(line, 40))
			}
			continue
		}
		if strings.HasPrefix(line, `\`) {
			continue // "\ No newline" right after the last line of a hunk
		}
		switch {
		case strings.HasPrefix(line, "diff --git "):
			if err := finishHunk(num); err != nil {
				return nil, err
			}
			out = append(out, FileDiff{})
			cur = &out[len(out)-1]
			if a, b, ok := splitGitHeader(line[len("diff --git "):]); ok {
				cur.OldPath, cur.Path = a, b
			}
		case strings.HasPrefix(line, "@@ "):
			if cur == nil {
				return nil, fmt.Errorf("diff line %d: hunk before any file header", num)
			}
			if err := finishHunk(num); err != nil {
				return nil, err
			}
			h, err := parseHunkHeader(line)
			if err != nil {
				return nil, fmt.Errorf("diff line %d: %w", num, err)
			}
			hunk = &h
			oldLeft, newLeft, oldNo, newNo = h.OldLines, h.NewLines, h.OldStart, h.NewStart
		case cur == nil:
			// Text before the first file (e.g. a commit message): ignored.
		case strings.HasPrefix(line, "--- "):
			if err := finishHunk(num); err != nil {
				return nil, err
			}
			cur.OldPath = diffPath(line[4:], "a/")
		case strings.HasPrefix(line, "+++ "):
			cur.Path = diffPath(line[4:], "b/")
		case strings.HasPrefix(line, "rename from "), strings.HasPrefix(line, "copy from "):
			cur.OldPath = unquote(line[strings.Index(line, "from ")+5:])
		case strings.HasPrefix(line, "rename to "), strings.HasPrefix(line, "copy to "):
			cur.Path = unquote(line[strings.Index(line, "to ")+3:])
		case strings.HasPrefix(line, "new file mode"):
			cur.OldPath = ""
		case strings.HasPrefix(line, "deleted file mode"):
			cur.Path = ""
		case strings.HasPrefix(line, "Binary files ") || line == "GIT binary patch":
			cur.Binary = true
		}
	}
	if err := finishHunk(len(lines) + 1); err != nil {
		return nil, err
	}
	return out, nil
}

// parseHunkHeader reads "@@ -a,b +c,d @@ section".
func parseHunkHeader(line string) (Hunk, error) {
	rest := line[3:]
	end := strings.Index(rest, " @@")
	if end < 0 {
		return Hunk{}, fmt.Errorf("bad hunk header %q: expected @@ -a,b +c,d @@", truncate(line, 60))
	}
	ranges := strings.Fields(rest[:end])
	if len(ranges) != 2 || !strings.HasPrefix(ranges[0], "-") || !strings.HasPrefix(ranges[1], "+") {
		return Hunk{}, fmt.Errorf("bad hunk header %q: expected @@ -a,b +c,d @@", truncate(line, 60))
	}
	var h Hunk
	var err error
	if h.OldStart, h.OldLines, err = parseRange(ranges[0][1:]); err != nil {
		return Hunk{}, fmt.Errorf("bad hunk header %q: %w", truncate(line, 60), err)
	}
	if h.NewStart, h.NewLines, err = parseRange(ranges[1][1:]); err != nil {
		return Hunk{}, fmt.Errorf("bad hunk header %q: %w", truncate(line, 60), err)
	}
	h.Section = strings.TrimSpace(rest[end+3:])
	return h, nil
}

// maxHunkLines bounds a hunk's declared size, so that a corrupt header
// cannot make the parser wait for billions of lines.
const maxHunkLines = 1 << 30

func parseRange(s string) (start, n int, err error) {
	n = 1
	if c := strings.IndexByte(s, ','); c >= 0 {
		if n, err = strconv.Atoi(s[c+1:]); err != nil || n < 0 || n > maxHunkLines {
			return 0, 0, fmt.Errorf("bad line count %q", s[c+1:])
		}
		s = s[:c]
	}
	if start, err = strconv.Atoi(s); err != nil || start < 0 || start > maxHunkLines {
		return 0, 0, fmt.Errorf("bad start line %q", s)
	}
	return start, n, nil
}

// diffPath reads the path of a ---/+++ line: "/dev/null" is none; the
// a/ or b/ prefix is dropped; a trailing tab (git adds one when the name
// has a space) is trimmed; quoted names are unquoted.
func diffPath(s, prefix string) string {
	s = strings.TrimSuffix(s, "\t")
	if s == "/dev/null" {
		return ""
	}
	s = unquote(s)
	return strings.TrimPrefix(s, prefix)
}

// splitGitHeader splits "a/x b/y" (either part possibly quoted). Unquoted
// names with spaces are ambiguous; the header is then split where both
// halves name the same file, which is right for everything but renames,
// whose rename from/to lines override it anyway.
func splitGitHeader(s string) (a, b string, ok bool) {
	if strings.HasPrefix(s, `"`) {
		end := quotedEnd(s)
		if end < 0 || end+1 >= len(s) {
			return "", "", false
		}
		a = strings.TrimPrefix(unquote(s[:end+1]), "a/")
		b = strings.TrimPrefix(unquote(strings.TrimSpace(s[end+1:])), "b/")
		return a, b, true
	}
	if strings.HasSuffix(s, `"`) {
		if i := strings.Index(s, ` "`); i >= 0 {
			return strings.TrimPrefix(s[:i], "a/"), strings.TrimPrefix(unquote(s[i+1:]), "b/"), true
		}
	}
	if len(s)%2 == 1 {
		h := len(s) / 2
		if s[h] == ' ' && strings.HasPrefix(s, "a/") && s[h+1:h+3] == "b/" && s[2:h] == s[h+3:] {
			return s[2:h], s[h+3:], true
		}
	}
	if i := strings.Index(s, " b/"); i >= 0 {
		return strings.TrimPrefix(s[:i], "a/"), s[i+3:], true
	}
	return "", "", false
}

// quotedEnd returns the index of the closing quote of a C-quoted string
// starting at s[0], or -1.
func quotedEnd(s string) int {
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '"':
			return i
		}
	}
	return -1
}

// unquote undoes git's C-style path quoting ("a\tb", "\303\244"); a
// string that is not quoted is returned as is.
func unquote(s string) string {
	if len(s) < 2 || s[0] != '"' || s[len(s)-1] != '"' {
		return s
	}
	in := s[1 : len(s)-1]
	var b strings.Builder
	for i := 0; i < len(in); i++ {
		c := in[i]
		if c != '\\' || i+1 >= len(in) {
			b.WriteByte(c)
			continue
		}
		i++
		switch e := in[i]; e {
		case 'a':
			b.WriteByte('\a')
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'v':
			b.WriteByte('\v')
		case '0', '1', '2', '3':
			if i+2 < len(in) && isOctal(in[i+1]) && isOctal(in[i+2]) {
				b.WriteByte((e-'0')<<6 | (in[i+1]-'0')<<3 | (in[i+2] - '0'))
				i += 2
			} else {
				b.WriteByte(e)
			}
		default:
			b.WriteByte(e)
		}
	}
	return b.String()
}

func isOctal(c byte) bool { return c >= '0' && c <= '7' }

// truncate caps s at n bytes (on a rune boundary) with an ellipsis.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8Start(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

func utf8Start(c byte) bool { return c&0xC0 != 0x80 }

// WholeFile makes the diff of a new file whose content is known (an
// untracked file): every line is added.
func WholeFile(path string, content []byte) FileDiff {
	f := FileDiff{Path: path}
	if len(content) == 0 {
		return f
	}
	text := strings.TrimSuffix(string(content), "\n")
	lines := strings.Split(text, "\n")
	h := Hunk{OldStart: 0, OldLines: 0, NewStart: 1, NewLines: len(lines)}
	for i, l := range lines {
		h.Lines = append(h.Lines, DiffLine{Kind: Added, Text: strings.TrimSuffix(l, "\r"), NewLine: i + 1})
	}
	f.Hunks = []Hunk{h}
	return f
}
