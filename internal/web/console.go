package web

import (
	"bytes"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/taskproof/taskproof/internal/verify"
)

// MaxConsoleLines bounds the console lines one run page shows; a longer
// console shows its head and tail.
const MaxConsoleLines = 20000

// consoleLine is one console line as the run page shows it.
type consoleLine struct {
	N      int
	Anchor string // "L12" (first console) or "s2-L12"
	Text   string // cleaned for display; escaped by the template
	Class  string // m-ok, m-ready, m-stub, m-diag, m-fail, failure, near, gap
	Note   string // what the highlight means
}

// displayText makes a raw console line readable: ANSI escapes and NULs
// removed as the verifier removes them, carriage-return segments kept
// (the verifier matches each) and separated by ␍, other control bytes
// shown as their Unicode control pictures, invalid UTF-8 as U+FFFD.
func displayText(raw []byte) string {
	clean := verify.CleanLine(raw)
	var segs []string
	for _, s := range bytes.Split(clean, []byte{'\r'}) {
		if len(bytes.TrimSpace(s)) > 0 {
			segs = append(segs, string(s))
		}
	}
	s := strings.ToValidUTF8(strings.Join(segs, " \u240d "), "\uFFFD")
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t':
			return r
		case r < 0x20:
			return 0x2400 + r
		case r == 0x7f:
			return '\u2421'
		}
		return r
	}, s)
}

// splitConsole splits raw console bytes into lines as the verifier counts
// them: on '\n', with a final line without one. A trailing '\n' ends the
// last line and starts none.
func splitConsole(raw []byte) [][]byte {
	if len(raw) == 0 {
		return nil
	}
	lines := bytes.Split(raw, []byte{'\n'})
	if len(lines[len(lines)-1]) == 0 {
		lines = lines[:len(lines)-1]
	}
	return lines
}

// nearTarget is a marker a console line may nearly match.
type nearTarget struct {
	Marker   string
	Required bool
	Missing  bool // required and never seen: the line that nearly made it matters most
	norm     string
}

// normalise folds case, turns punctuation and runs of space into one
// space, and trims: "Minios:  Boot OK." and "minios: boot ok" agree.
func normalise(s string) string {
	var b strings.Builder
	space := false
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
			continue
		}
		space = true
	}
	return b.String()
}

// nearMiss says whether a console line that is no marker occurrence looks
// like one of the targets: the marker text inside a longer line, the same
// words with other case, spacing or punctuation, or (for a required
// marker that never appeared) a spelling a couple of edits away. It
// returns the marker and why; "" when the line is not near any.
func nearMiss(line string, targets []nearTarget) (marker, why string) {
	nl := normalise(line)
	if nl == "" {
		return "", ""
	}
	for _, t := range targets {
		nm := t.norm
		if nm == "" {
			nm = normalise(t.Marker)
		}
		if nm == "" {
			continue
		}
		switch {
		case nl == nm:
			return t.Marker, "differs from the marker " + quote(t.Marker) + " only in case, spacing or punctuation, so it does not count"
		case strings.Contains(nl, nm):
			return t.Marker, "holds the marker text " + quote(t.Marker) + " inside a longer line, which is not an occurrence"
		case t.Missing && closeSpelling(nl, nm):
			return t.Marker, "nearly spells the missing marker " + quote(t.Marker)
		}
	}
	return "", ""
}

func quote(s string) string { return "“" + s + "”" }

// closeSpelling reports whether a and b are within a small edit distance
// (one edit per 8 characters, at least one) of each other. Strings whose
// lengths differ by more than that are never compared.
func closeSpelling(a, b string) bool {
	limit := max(1, utf8.RuneCountInString(b)/8)
	ra, rb := []rune(a), []rune(b)
	if d := len(ra) - len(rb); d > limit || -d > limit || len(rb) < 6 {
		return false
	}
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		best := cur[0]
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			best = min(best, cur[j])
		}
		if best > limit {
			return false
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)] <= limit
}

// markClass is the console highlight of a marker of kind.
func markClass(kind string) string {
	switch kind {
	case "ok", "ready", "stub", "diag", "fail":
		return "m-" + kind
	}
	return "m-other"
}

// consoleInput is what one console view is made from.
type consoleInput struct {
	Raw         []byte
	FirstLine   int // number of Raw's first line (1 unless continuing)
	Anchor      string
	Marks       map[int]markData // by line
	FailureLine int
	FailureNote string
	Targets     []nearTarget
}

// renderConsole turns console bytes into lines with their highlights.
func renderConsole(in consoleInput) (lines []consoleLine, hidden int) {
	raw := splitConsole(in.Raw)
	for i := range in.Targets {
		in.Targets[i].norm = normalise(in.Targets[i].Marker)
	}
	keep := func(i int) bool { return true }
	if len(raw) > MaxConsoleLines {
		head, tail := MaxConsoleLines/2, len(raw)-MaxConsoleLines/2
		hidden = tail - head
		keep = func(i int) bool { return i < head || i >= tail }
	}
	for i, r := range raw {
		if !keep(i) {
			if i == MaxConsoleLines/2 {
				lines = append(lines, consoleLine{Class: "gap", Text: "… lines not shown …"})
			}
			continue
		}
		n := in.FirstLine + i
		l := consoleLine{N: n, Anchor: in.Anchor + strconv.Itoa(n), Text: displayText(r)}
		if m, ok := in.Marks[n]; ok {
			l.Class = markClass(m.Kind)
			l.Note = m.Kind + " marker " + quote(m.Marker)
			if m.Phase != "" {
				l.Note += " (phase " + m.Phase + ")"
			}
		} else if mk, why := nearMiss(l.Text, in.Targets); mk != "" {
			l.Class, l.Note = "near", "near miss: "+why
		}
		if n == in.FailureLine {
			l.Class = "failure " + l.Class
			l.Note = strings.TrimSpace(in.FailureNote + "; " + l.Note)
			l.Note = strings.TrimSuffix(l.Note, "; ")
		}
		lines = append(lines, l)
	}
	return lines, hidden
}
