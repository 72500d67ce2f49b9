package scope

import (
	"regexp"
	"strings"
	"sync"
)

// secretPattern is one kind of secret the secret-in-diff rule recognises.
type secretPattern struct {
	kind string
	re   *regexp.Regexp
	// value is the submatch holding the secret value for the placeholder
	// check (0 = the whole match).
	value int
}

// secretPatterns are compiled on first use, not at package init, so that
// commands which never check a diff do not pay for them at start-up. The
// private-key pattern comes first: redact relies on it.
var secretPatterns = sync.OnceValue(func() []secretPattern {
	return []secretPattern{
		{kind: "private key", re: regexp.MustCompile(`-----BEGIN ((RSA|EC|DSA|OPENSSH|ENCRYPTED|PGP) )?PRIVATE KEY( BLOCK)?-----`)},
		{kind: "AWS access key id", re: regexp.MustCompile(`\b(AKIA|ASIA)[0-9A-Z]{16}\b`)},
		{kind: "GitHub token", re: regexp.MustCompile(`\b(gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{40,})\b`)},
		{kind: "Slack token", re: regexp.MustCompile(`\bxox[baprs]-[A-Za-z0-9]{8,}(-[A-Za-z0-9]+)+`)},
		{kind: "quoted secret assignment", value: 2,
			re: regexp.MustCompile(`(?i)\b((?:api[_-]?key|secret|token|password|passwd)[a-z0-9_-]*)["']?\s*(?::\s*[&'a-z0-9_<> ]{1,30}?\s*)?[:=]\s*"([^"]{16,})"`)},
	}
})

// pemBody is a line of PEM key material (PEM wraps at 64 characters).
var pemBody = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`[A-Za-z0-9+/]{40,}={0,2}`) })

// secretKind returns what kind of secret the line seems to hold, "" when
// none. next is the line after it in the new file ("" when unknown). A
// private-key header counts only with key material after it, on the same
// line or the next, so code that merely names the PEM header is not a
// finding. Assignments whose value is a placeholder (${VAR}, <token>,
// {{ x }}, xxxx…, prose with spaces) do not count.
func secretKind(line, next string) string {
	for _, p := range secretPatterns() {
		for _, m := range p.re.FindAllStringSubmatchIndex(line, -1) {
			if p.value > 0 && placeholderValue(line[m[2*p.value]:m[2*p.value+1]]) {
				continue
			}
			if p.kind == "private key" && !pemBody().MatchString(line[m[1]:]) && !pemBody().MatchString(strings.TrimSpace(next)) {
				continue
			}
			return p.kind
		}
	}
	return ""
}

// placeholderValue reports values that are obviously not secrets.
func placeholderValue(v string) bool {
	if strings.ContainsAny(v, " \t") || strings.Contains(v, "${") || strings.Contains(v, "{{") ||
		strings.Contains(v, "<") || strings.HasPrefix(v, "$") || strings.Contains(v, "%s") || strings.Contains(v, "{}") {
		return true
	}
	l := strings.ToLower(v)
	for _, w := range []string{"example", "placeholder", "changeme", "redacted", "dummy", "your_", "your-", "xxxx", "****", "...."} {
		if strings.Contains(l, w) {
			return true
		}
	}
	// One character repeated ("aaaaaaaaaaaaaaaa").
	return v == "" || strings.Count(v, v[:1]) == len(v)
}

// redact hides the secret part of a line before it is quoted in a
// finding, so that the report does not leak what it found.
func redact(line string) string {
	for _, p := range secretPatterns() {
		line = p.re.ReplaceAllStringFunc(line, func(m string) string {
			if p.value > 0 {
				sub := p.re.FindStringSubmatch(m)
				if placeholderValue(sub[p.value]) {
					return m
				}
				return strings.Replace(m, sub[p.value], keep(sub[p.value]), 1)
			}
			if strings.HasPrefix(m, "-----") {
				return m // the header is not the secret
			}
			return keep(m)
		})
	}
	if secretPatterns()[0].re.MatchString(line) {
		// Key material written on the header's line.
		line = pemBody().ReplaceAllStringFunc(line, keep)
	}
	return line
}

// keep shows the first 4 bytes of a secret.
func keep(s string) string {
	r := []rune(s)
	if len(r) <= 4 {
		return "[redacted]"
	}
	return string(r[:4]) + "…[redacted]"
}
