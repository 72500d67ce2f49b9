package testout

import (
	"regexp"
	"strings"
	"sync"
)

// detectLimit bounds how much of the input Detect reads: KTAP in a kernel
// log may start after a long boot, so it is generous.
const detectLimit = 8 << 20

// Compiled on first use, not at package init: init runs in every taskproof
// process, most of which never need these.
var (
	detectCargoTest  = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^test .+ \.\.\. (ok|FAILED|ignored)`) })
	detectPytestLine = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(PASSED|FAILED|ERROR|XFAIL|XPASS) \S+::\S`) })
	detectPytestVerb = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^\S+\.py::\S+ (PASSED|FAILED|SKIPPED|ERROR|XFAIL|XPASS)\b`)
	})
	detectTAPTest     = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(not )?ok (\d+|- )`) })
	detectPytestFinal = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^=+ .*\d+ (passed|failed|errors?|skipped).* in [0-9.]+s.* =+$`)
	})
)

// Detect guesses the format of data from its first meaningful lines: the
// first line that is typical of one format decides. It returns "" when no
// line is (the caller should ask for --from).
func Detect(data []byte) Format {
	if len(data) > detectLimit {
		data = data[:detectLimit]
	}
	if looksLikeXML(data) {
		return FormatJUnit
	}
	sc := newLineScanner(data)
	for sc.scan() {
		if f := detectLine(sc.line); f != "" {
			if f == formatGoPlain {
				return ""
			}
			return f
		}
	}
	return ""
}

// formatGoPlain marks plain `go test -v` output, which no parser reads
// (its "ok  \tpkg" lines would pass for TAP): it needs go test -json.
const formatGoPlain Format = "go test without -json"

func detectLine(raw string) Format {
	t := strings.TrimSpace(raw)
	if t == "" {
		return ""
	}
	if strings.HasPrefix(t, "{") && strings.Contains(t, `"Action"`) {
		return FormatGoTest
	}
	if strings.HasPrefix(t, "=== RUN ") || strings.HasPrefix(t, "--- PASS: ") || strings.HasPrefix(t, "--- FAIL: ") {
		return formatGoPlain
	}
	switch {
	case strings.HasPrefix(t, "Running unittests "), strings.HasPrefix(t, "Doc-tests "),
		cargoCount().MatchString(t), cargoResult().MatchString(t), detectCargoTest().MatchString(t):
		return FormatCargo
	case strings.Contains(t, "test session starts"), strings.Contains(t, "short test summary info"),
		detectPytestLine().MatchString(t), detectPytestVerb().MatchString(t), detectPytestFinal().MatchString(t):
		return FormatPytest
	}
	_, tap := indentOf(tapKernelPrefix().ReplaceAllString(raw, ""))
	tap = strings.TrimSpace(tap)
	if m := tapVersion().FindStringSubmatch(tap); m != nil {
		if m[1] == "KTAP" {
			return FormatKTAP
		}
		return FormatTAP
	}
	if tapPlan().MatchString(tap) || detectTAPTest().MatchString(tap) {
		return FormatTAP
	}
	return ""
}
