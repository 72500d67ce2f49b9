package task

import (
	"strings"
	"unicode"
)

// Classify normalises a raw status against a vocabulary and lower-cased
// aliases: case-insensitive, decorations such as "✅", "**" and "(…)"
// ignored, the longest vocabulary entry that starts the status wins, then
// the longest alias. It returns "" when the status is outside the
// vocabulary ("Part 1 Done" is unknown: it does not start with a status).
func Classify(raw string, vocabulary []string, aliases map[string]string) StatusClass {
	s := normStatus(dropStruck(raw))
	if s == "" {
		return ""
	}
	best, bestLen := "", -1
	for _, v := range vocabulary {
		n := normStatus(v)
		if n != "" && len(n) > bestLen && hasWordPrefix(s, n) {
			best, bestLen = v, len(n)
		}
	}
	if bestLen >= 0 {
		return StatusClass(best)
	}
	for k, v := range aliases {
		n := normStatus(k)
		// Ties between aliases of equal length are broken by name so that
		// map order never changes the result.
		if n != "" && hasWordPrefix(s, n) && (len(n) > bestLen || (len(n) == bestLen && v < best)) {
			best, bestLen = v, len(n)
		}
	}
	if bestLen < 0 {
		return ""
	}
	// An alias must name a vocabulary entry; return its canonical spelling.
	for _, v := range vocabulary {
		if strings.EqualFold(v, best) {
			return StatusClass(v)
		}
	}
	return ""
}

// dropStruck removes struck-through text: "~~Draft~~ Done" is Done, the
// old status kept visible for history.
func dropStruck(s string) string {
	for {
		i := strings.Index(s, "~~")
		if i < 0 {
			return s
		}
		j := strings.Index(s[i+2:], "~~")
		if j < 0 {
			return s
		}
		s = s[:i] + s[i+2+j+2:]
	}
}

// normStatus lower-cases s, drops Markdown emphasis and code marks, leading
// symbols (emoji, bullets) and folds runs of spaces, hyphens and
// underscores into one space, so "**In-progress**" reads "in progress".
func normStatus(s string) string {
	var b strings.Builder
	space := false
	started := false
	for _, r := range s {
		switch {
		case r == '*' || r == '`' || r == '"' || r == '\'':
			continue
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if space && started {
				b.WriteByte(' ')
			}
			space = false
			started = true
			b.WriteRune(unicode.ToLower(r))
		case r == ' ' || r == '\t' || r == '-' || r == '_' || r == '\u00a0':
			space = true
		default:
			if !started {
				continue // leading emoji or punctuation
			}
			// Other punctuation ends the status word(s) but is kept as a
			// boundary so that "done(x)" still reads as "done".
			if space {
				b.WriteByte(' ')
				space = false
			}
			b.WriteRune(r)
		}
	}
	return b.String()
}

// hasWordPrefix reports whether s starts with p followed by a non-letter.
func hasWordPrefix(s, p string) bool {
	if !strings.HasPrefix(s, p) {
		return false
	}
	if len(s) == len(p) {
		return true
	}
	r := []rune(s[len(p):])[0]
	return !unicode.IsLetter(r) && !unicode.IsDigit(r)
}
