package verify

import (
	"regexp"
	"testing"
)

// prefixPatterns cover greedy and lazy loops, alternation order, classes,
// case folding, non-ASCII runes and the regexp fallback ($, \b).
var prefixPatterns = []string{
	`\[[A-Z]+ [^\]]+\] `,
	`\[ *[0-9]+\.[0-9]+\] `,
	`[a-z]+: `,
	`(?i)\[info\]\s*`,
	`a|ab`,
	`ab|a`,
	`a*?`,
	`a*`,
	`(a+)(b*)c?`,
	`.*: `,
	`[^:]*?:`,
	`x$`,
	`\bfoo`,
	`é+ `,
	`(?s).{3}`,
	`(?:ab)+?b`,
	`[\x{80}-\x{10FFFF}]+`,
}

func FuzzAnchoredMatcher(f *testing.F) {
	seeds := []string{"", "[INFO mm] x", "[ 12.5] boot", "abc: d", "[Info]  x", "ab", "aab", "aabbc", "x: y: z", "a:b:", "x", "foo", "éé x", "\xff\xfe", "ababab", "héllo"}
	for i, s := range seeds {
		f.Add(uint8(i), []byte(s))
	}
	matchers := make([]*anchoredMatcher, len(prefixPatterns))
	res := make([]*regexp.Regexp, len(prefixPatterns))
	for i, p := range prefixPatterns {
		m, err := newAnchoredMatcher(p)
		if err != nil {
			f.Fatal(err)
		}
		matchers[i] = m
		res[i] = regexp.MustCompile(`^(?:` + p + `)`)
	}
	f.Fuzz(func(t *testing.T, which uint8, s []byte) {
		i := int(which) % len(prefixPatterns)
		want := -1
		if loc := res[i].FindIndex(s); loc != nil {
			want = loc[1]
		}
		if got := matchers[i].end(s); got != want {
			t.Fatalf("%s on %q: end %d, regexp says %d", prefixPatterns[i], s, got, want)
		}
		if len(s) > 0 && !matchers[i].mayMatch(s[0]) && want > 0 {
			t.Fatalf("%s on %q: the first-byte filter rejects a match ending at %d", prefixPatterns[i], s, want)
		}
	})
}

func TestAnchoredMatcherFallback(t *testing.T) {
	for _, p := range []string{`x$`, `\bfoo`} {
		m, err := newAnchoredMatcher(p)
		if err != nil || !m.fallback {
			t.Fatalf("%s: fallback %v err %v", p, m != nil && m.fallback, err)
		}
	}
	m, err := newAnchoredMatcher(`\[[A-Z]+ [^\]]+\] `)
	if err != nil || m.fallback {
		t.Fatalf("the usual log prefix must use the DFA: %v", err)
	}
	if got := m.end([]byte("[INFO boot] neuron vers.")); got != 12 {
		t.Fatalf("end %d", got)
	}
	if _, err := newAnchoredMatcher(`a(`); err == nil {
		t.Fatal("invalid pattern accepted")
	}
}
