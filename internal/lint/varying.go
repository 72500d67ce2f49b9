package lint

import (
	"regexp"
	"strings"
	"sync"
)

// varyingPattern is one kind of run-varying value a marker must not carry.
type varyingPattern struct {
	what string
	re   *regexp.Regexp
}

// varyingPatterns are checked in order; the first match names the finding.
// They look for concrete values only: an elided value such as `n=…` or
// `0x…` is a pattern the author wrote on purpose, not a captured value.
// Compiled on first use, not at package init, so that commands which never
// lint do not pay for them at start-up.
var varyingPatterns = sync.OnceValue(func() []varyingPattern {
	return []varyingPattern{
		{"a UUID", regexp.MustCompile(`(?i)\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b`)},
		{"a timestamp", regexp.MustCompile(`\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}`)},
		{"a date", regexp.MustCompile(`\b(?:\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{4})\b`)},
		{"a time of day", regexp.MustCompile(`(?:^|[^\d:])(?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:[.,]\d+)?)?(?:$|[^\d:])`)},
		{"a hex address", regexp.MustCompile(`\b0[xX][0-9a-fA-F]{6,}\b`)},
		{"a duration", regexp.MustCompile(`(?i)\b\d+(?:\.\d+)?(?:\s?(?:ns|us|µs|ms|secs?|seconds?|mins?|minutes?)|[smh])(?:$|[^\pL\pN_])`)},
		{"a counter", regexp.MustCompile(`(?i)\b(?:pid|tid|ticks?|uptime|seq|nonce|cycles|jiffies|elapsed|took|ts|timestamp|time|epoch|seed|rand|random)\s*[=:#]?\s*\d+`)},
		{"a long number", regexp.MustCompile(`\d{6,}`)},
	}
})

// varyingValue reports the first run-varying value in a marker: what kind
// it is and the text that matched. ok is false for a stable marker.
func varyingValue(marker string) (what, value string, ok bool) {
	if !strings.ContainsAny(marker, "0123456789") {
		return "", "", false // every pattern needs a digit
	}
	for _, p := range varyingPatterns() {
		if loc := p.re.FindStringIndex(marker); loc != nil {
			v := marker[loc[0]:loc[1]]
			return p.what, trimNonValue(v), true
		}
	}
	return "", "", false
}

// trimNonValue drops the delimiter characters a pattern consumed around the
// value itself.
func trimNonValue(v string) string {
	isValue := func(b byte) bool {
		return b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= 0x80
	}
	for v != "" && !isValue(v[0]) {
		v = v[1:]
	}
	for v != "" && !isValue(v[len(v)-1]) {
		v = v[:len(v)-1]
	}
	return v
}
