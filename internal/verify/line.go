package verify

import (
	"bytes"
	"unicode"
	"unicode/utf8"
)

// The console-line model: what may stand on a line before a marker that
// ends the line, and which lines report a failure. docs/contract.md ("The
// console-line model") states the rules with examples; this file
// implements them.

// maxBracketToken and maxAngleToken bound the prefix tokens "[...]" and
// "<...>": a longer bracketed run is text, not a log prefix.
const (
	maxBracketToken = 64
	maxAngleToken   = 16
)

// leadVerdict is what the text before a marker makes of the match.
type leadVerdict uint8

const (
	leadOK          leadVerdict = iota
	leadInsideWord              // the marker continues a word: "xNEURON"
	leadNotPrefix               // words before the marker that are no known prefix
	leadFailPrefix              // a prefix token that reports a failure: "[ERROR net]"
	leadFailureText             // the text before the marker reports a failure
)

// isWordRune reports whether r is part of a word: letters, digits, '_'.
func isWordRune(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r)
}

// lastRuneIsWord reports whether b ends with a word rune. Bytes that are
// not valid UTF-8 are not word runes: firmware noise glued to a marker is
// often binary.
func lastRuneIsWord(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	if c := b[len(b)-1]; c < utf8.RuneSelf {
		return c == '_' || c >= '0' && c <= '9' || c|0x20 >= 'a' && c|0x20 <= 'z'
	}
	r, _ := utf8.DecodeLastRune(b)
	return r != utf8.RuneError && isWordRune(r)
}

// firstRuneIsWord reports whether s starts with a word rune.
func firstRuneIsWord(s string) bool {
	if s == "" {
		return false
	}
	if c := s[0]; c < utf8.RuneSelf {
		return c == '_' || c >= '0' && c <= '9' || c|0x20 >= 'a' && c|0x20 <= 'z'
	}
	r, _ := utf8.DecodeRuneInString(s)
	return r != utf8.RuneError && isWordRune(r)
}

// checkLead judges lead, the non-empty text before a marker whose text
// (starting with first) ends the segment. failureMatters is false for
// forbidden and unexpected markers: text that reports a failure before
// them cannot turn a failure into a success.
//
// The rule: the marker may not continue a word; then either the lead ends
// in a blank and consists of known prefix tokens (printk timestamps,
// "[LEVEL tag]", "<6>", ISO timestamps, level words), optionally after
// glued text; or the lead ends in a non-blank byte and is text glued on
// without a newline ("Booting from ROM..NEURON"). Neither the glued text
// nor a token may report a failure when the marker claims success.
func checkLead(lead []byte, firstIsWord, failureMatters bool) leadVerdict {
	if failureMatters && reportsFailure(lead) {
		return leadFailureText
	}
	if firstIsWord && lastRuneIsWord(lead) {
		return leadInsideWord
	}
	if isBlank(lead[len(lead)-1]) {
		rest, v := stripTrailingTokens(lead, !failureMatters)
		if v != leadOK {
			return v
		}
		if len(rest) > 0 && isBlank(rest[len(rest)-1]) {
			return leadNotPrefix // words, then a prefix: "waiting for [x] boot ok"
		}
	}
	// Otherwise the lead is text glued on without a newline.
	return leadOK
}

// stripTrailingTokens removes prefix tokens and the blanks around them from
// the end of lead (which ends in a blank) and returns what is left before
// them. Without at least one token the lead is no prefix. A token that
// reports a failure ends the lead as leadFailPrefix unless failureOK.
func stripTrailingTokens(lead []byte, failureOK bool) ([]byte, leadVerdict) {
	b := lead
	n := 0
	for {
		t := b
		for len(t) > 0 && isBlank(t[len(t)-1]) {
			t = t[:len(t)-1]
		}
		if len(t) == 0 {
			b = t
			break
		}
		k, failure := trailingToken(t)
		if failure && !failureOK {
			return lead, leadFailPrefix
		}
		if k == 0 {
			break // b keeps its blanks: words before the prefix show
		}
		b = t[:len(t)-k]
		n++
	}
	if n == 0 {
		return lead, leadNotPrefix
	}
	return b, leadOK
}

// trailingToken returns the length of the prefix token that ends b, 0 when
// b does not end with one, and whether the token reports a failure.
func trailingToken(b []byte) (int, bool) {
	switch c := b[len(b)-1]; c {
	case ']', '>':
		open, limit := byte('['), maxBracketToken
		if c == '>' {
			open, limit = '<', maxAngleToken
		}
		for i := len(b) - 2; i >= 0 && len(b)-i <= limit+2; i-- {
			switch b[i] {
			case open:
				content := b[i+1 : len(b)-1]
				return len(b) - i, tokenReportsFailure(content)
			case '[', ']', '<', '>':
				return 0, false
			}
		}
		return 0, false
	}
	// A blank-delimited word: a timestamp or a level word.
	start := len(b)
	for start > 0 && !isBlank(b[start-1]) {
		start--
	}
	w := b[start:]
	if isTimestampWord(w) || isLevelWord(w) {
		return len(w), false
	}
	return 0, false
}

// leadingTokens returns the length of the prefix tokens (and the blanks
// after them) at the start of s: what a prefix marker may follow. Tokens
// that report a failure are included; tokensReportFailure tells them. It
// runs on most console lines, so brackets are found with IndexByte.
func leadingTokens(s []byte) int {
	i := 0
	for i < len(s) {
		k := leadingToken(s[i:])
		if k == 0 {
			break
		}
		i += k
		for i < len(s) && charClass[s[i]]&ccBlank != 0 {
			i++
		}
	}
	return i
}

// leadingToken returns the length of the prefix token that starts b, 0
// when none does.
func leadingToken(b []byte) int {
	switch c := b[0]; c {
	case '[', '<':
		closer, limit := byte(']'), maxBracketToken
		if c == '<' {
			closer, limit = '>', maxAngleToken
		}
		win := b[1:min(len(b), limit+2)]
		j := bytes.IndexByte(win, closer)
		if j < 0 || bytes.IndexByte(win[:j], c) >= 0 {
			return 0
		}
		return j + 2
	}
	if charClass[b[0]]&ccTokenStart == 0 {
		return 0
	}
	end := 0
	for end < len(b) && charClass[b[end]]&ccBlank == 0 {
		end++
	}
	if end == len(b) {
		return 0 // a token is followed by the rest of the line
	}
	if w := b[:end]; isTimestampWord(w) || isLevelWord(w) {
		return end
	}
	return 0
}

// tokensReportFailure reports whether one of the "[...]" or "<...>" tokens
// of a lead that leadingTokens measured names a failure level.
func tokensReportFailure(lead []byte) bool {
	for i := 0; i < len(lead); {
		k := leadingToken(lead[i:])
		if k == 0 {
			return false
		}
		if (lead[i] == '[' || lead[i] == '<') && tokenReportsFailure(lead[i+1:i+k-1]) {
			return true
		}
		i += k
		for i < len(lead) && isBlank(lead[i]) {
			i++
		}
	}
	return false
}

// Character classes of the line model, one table lookup per byte.
const (
	ccBlank      = 1 << iota // ' ', '\t'
	ccTokenStart             // can start a prefix token: '[', '<', digits, level initials
	ccOpenPunct              // sticks before a word: "(FAIL"
	ccClosePunct             // sticks after a word: "FAIL:"
	ccFailEnd                // the last letter of a failure word (l, d, e, r, either case)
)

var charClass = func() (t [256]uint8) {
	t[' '], t['\t'] = ccBlank, ccBlank
	for _, c := range []byte("[<0123456789TDINW") {
		t[c] |= ccTokenStart
	}
	for _, c := range []byte(`([{<"'`) {
		t[c] |= ccOpenPunct
	}
	for _, c := range []byte(`)]}>"'.,:;!?`) {
		t[c] |= ccClosePunct
	}
	for _, c := range []byte("ldeLDEr") {
		t[c] |= ccFailEnd
	}
	t['R'] |= ccFailEnd
	return t
}()

// mayStartToken reports whether a segment starting with c can start with
// a prefix token: most lines are ruled out by one lookup.
func mayStartToken(c byte) bool {
	return charClass[c]&ccTokenStart != 0
}

// isTimestampWord reports whether w is a clock time or date such as
// "12:34:56.789", "2024-05-06T12:34:56Z" or "2009/11/10".
func isTimestampWord(w []byte) bool {
	if len(w) < 5 || w[0] < '0' || w[0] > '9' {
		return false
	}
	colon := false
	for _, c := range w {
		switch {
		case c >= '0' && c <= '9', c == '.', c == ',', c == '-', c == '/', c == '+', c == 'T', c == 'Z':
		case c == ':':
			colon = true
		default:
			return false
		}
	}
	return colon || len(w) >= 10 && (w[4] == '-' || w[4] == '/')
}

// levelWords are log levels that say nothing about failure.
var levelWords = []string{"TRACE", "DEBUG", "INFO", "NOTICE", "WARN", "WARNING"}

func isLevelWord(w []byte) bool {
	for _, l := range levelWords {
		if string(w) == l {
			return true
		}
	}
	return false
}

// failureWords end a failure line or stand in one; prefixFailureWords are
// the level names that mark a whole line as a failure ("[ERROR x]").
var (
	failureWords       = []string{"fail", "failed", "failure", "error"}
	prefixFailureWords = []string{"fail", "failed", "failure", "error", "err", "fatal", "panic", "crit", "critical", "emerg", "alert"}
)

// isFailureWord reports whether w (punctuation already trimmed) is one of
// words, ignoring ASCII case.
func isFailureWord(w []byte, words []string) bool {
	if len(w) < 3 || len(w) > 8 {
		return false
	}
	for _, f := range words {
		if len(f) == len(w) && asciiEqualFold(w, f) {
			return true
		}
	}
	return false
}

func asciiEqualFold(b []byte, lower string) bool {
	for i := range b {
		if b[i]|0x20 != lower[i] {
			return false
		}
	}
	return true
}

// isOpenPunct and isClosePunct are the punctuation that sticks to a word
// in prose: "(FAIL)", "FAIL:", "error.".
func isOpenPunct(c byte) bool { return charClass[c]&ccOpenPunct != 0 }

func isClosePunct(c byte) bool { return charClass[c]&ccClosePunct != 0 }

// trimWordPunct trims the punctuation around a word.
func trimWordPunct(w []byte) []byte {
	for len(w) > 0 && isOpenPunct(w[0]) {
		w = w[1:]
	}
	for len(w) > 0 && isClosePunct(w[len(w)-1]) {
		w = w[:len(w)-1]
	}
	return w
}

// isASCIIWordByte reports whether c is an ASCII letter or digit.
func isASCIIWordByte(c byte) bool {
	return c >= '0' && c <= '9' || c|0x20 >= 'a' && c|0x20 <= 'z'
}

// tokenReportsFailure reports whether the content of a "[...]" or "<...>"
// prefix token names a failure level ("ERROR net", "FAILED", "err").
func tokenReportsFailure(content []byte) bool {
	for i := 0; i < len(content); {
		for i < len(content) && !isASCIIWordByte(content[i]) {
			i++
		}
		j := i
		for j < len(content) && isASCIIWordByte(content[j]) {
			j++
		}
		if j-i >= 3 && isFailureWord(content[i:j], prefixFailureWords) {
			return true
		}
		i = j
	}
	return false
}

// reportsFailure reports whether text holds a failure word as a word
// ("emit FAIL", "FAIL:") or an upper-case FAIL, ERROR or PANIC anywhere
// ("FAILminios: ..." is a failure glued to the next line).
func reportsFailure(text []byte) bool {
	if len(text) == 0 {
		return false
	}
	if bytes.Contains(text, []byte("FAIL")) || bytes.Contains(text, []byte("ERROR")) || bytes.Contains(text, []byte("PANIC")) {
		return true
	}
	return failureWordIn(text) != nil
}

// failureWordIn returns the first blank-delimited word of text that is a
// failure word, nil when none is.
func failureWordIn(text []byte) []byte {
	for len(text) > 0 {
		for len(text) > 0 && isBlank(text[0]) {
			text = text[1:]
		}
		end := 0
		for end < len(text) && !isBlank(text[end]) {
			end++
		}
		if w := trimWordPunct(text[:end]); isFailureWord(w, failureWords) {
			return w
		}
		text = text[end:]
	}
	return nil
}

// failureWordStartsBefore reports whether one of failureWords could end
// at s[end]: its first letter stands as many bytes before end as the
// word is long.
func failureWordStartsBefore(s []byte, end int) bool {
	for _, w := range failureWords {
		if end >= len(w) && s[end-len(w)]|0x20 == w[0] {
			return true
		}
	}
	return false
}

// lastWordFailure returns the segment's last word when it is a failure
// word ("policyd: audit emit FAIL", "init: rollback fail"), else nil. Most
// lines are ruled out by their last byte.
func lastWordFailure(s []byte) []byte {
	end := len(s)
	for end > 0 && isClosePunct(s[end-1]) {
		end--
	}
	if end < 4 || charClass[s[end-1]]&ccFailEnd == 0 {
		return nil
	}
	// A failure word ends here only if one starts where its length says
	// (TestFailureWordStarts): most lines ending in 'd' or 'e' have none.
	if !failureWordStartsBefore(s, end) {
		return nil
	}
	start := end
	for start > 0 && !isBlank(s[start-1]) && end-start <= 9 {
		start--
	}
	if start > 0 && !isBlank(s[start-1]) {
		return nil
	}
	if w := trimWordPunct(s[start:end]); isFailureWord(w, failureWords) {
		return w
	}
	return nil
}

// Lines calls fn for every text segment of a console stream, the way the
// verifier sees them: split on '\n' and '\r', NULs and escape sequences
// removed, blanks trimmed, then well-known prefix tokens removed (a token
// that reports a failure stays). Empty segments are skipped; line is the
// 1-based line number. Tools that derive markers from good logs use it.
func Lines(data []byte, fn func(line int, text string)) {
	var scratch []byte
	n := 0
	for len(data) > 0 {
		n++
		raw := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			raw, data = data[:i], data[i+1:]
		} else {
			data = nil
		}
		scratch = cleanLine(scratch, raw)
		for _, seg := range bytes.Split(scratch, []byte{'\r'}) {
			seg = trimBlank(seg)
			if len(seg) == 0 {
				continue
			}
			if k := leadingTokens(seg); k > 0 && k < len(seg) && !tokensReportFailure(seg[:k]) {
				seg = seg[k:]
			}
			fn(n, string(seg))
		}
	}
}

// ReportsFailure reports whether text holds a failure word (FAIL, fail,
// failed, failure, error as a word, or FAIL, ERROR, PANIC anywhere): a
// line that says so is never a marker of success.
func ReportsFailure(text string) bool { return reportsFailure([]byte(text)) }
