package testout

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
)

// Compiled on first use, not at package init: init runs in every taskproof
// process, most of which never need these.
var (
	pytestSection = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^={3,} ?(.*?) ?={3,}$`) })
	pytestBlock   = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^_{3,} (.+?) _{3,}$`) })
	pytestFinal   = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(.*?) in [0-9.]+s( \([^()]*\))?$`) })
	pytestCount   = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(\d+) (passed|failed|skipped|xfailed|xpassed|errors?|deselected|warnings?|rerun)`)
	})
	pytestSkipped = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^SKIPPED \[(\d+)\] (.*)$`) })
	pytestVerbose = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^(\S+::\S+)\s+(PASSED|FAILED|SKIPPED|ERROR|XFAIL|XPASS)\b\s*(.*?)\s*(\[\s*\d+%\])?$`)
	})
)

// pytestWords maps pytest's result words to outcomes. XFAIL (an expected
// failure that failed) executed nothing worth proving: skipped. XPASS (a
// non-strict expected failure that passed) passed.
var pytestWords = map[string]Outcome{
	"PASSED": Passed, "FAILED": Failed, "ERROR": Errored,
	"SKIPPED": Skipped, "XFAIL": Skipped, "XPASS": Passed,
}

// pytestSummaryKeys are the summary-line counters in the order listed
// results are checked, with the word of their result lines.
var pytestSummaryKeys = []struct{ key, word string }{
	{"failed", "FAILED"}, {"error", "ERROR"}, {"passed", "PASSED"},
	{"skipped", "SKIPPED"}, {"xfailed", "XFAIL"}, {"xpassed", "XPASS"},
}

type pytestEntry struct {
	c     Case
	count int // SKIPPED [N] folds N cases into one line
}

// ParsePytest parses pytest's text output. Tests are read from the short
// test summary that -rA prints (PASSED/FAILED/ERROR/SKIPPED/XFAIL/XPASS
// lines), or, without one, from -v result lines. The final "N passed, ...
// in Xs" line is checked against what was listed. Failure and error
// sections are attached to their tests as messages.
func ParsePytest(data []byte) *Run {
	run := &Run{Format: FormatPytest}
	var (
		summary, verbose []pytestEntry
		section          string // current ==== section ==== title, lower case
		sawSection       bool
		sawStart         bool
		final            string
		finalLine        int
		interrupted      string
		blocks           []pytestDetail
		block            *boundedText
	)
	sc := newLineScanner(data)
	for sc.scan() {
		raw := sc.line
		t := strings.TrimSpace(raw)
		if m := pytestSection().FindStringSubmatch(t); m != nil {
			title := m[1]
			if fm := pytestFinal().FindStringSubmatch(title); fm != nil && (pytestCount().MatchString(title) || strings.HasPrefix(title, "no tests ran")) {
				final, finalLine = fm[1], sc.num
				section, block = "", nil
				continue
			}
			section, block, sawSection = strings.ToLower(title), nil, true
			if section == "test session starts" {
				sawStart = true
			}
			continue
		}
		if strings.HasPrefix(t, "!!!") && strings.Contains(t, "Interrupted:") {
			interrupted = strings.Trim(t, "! ")
			continue
		}
		switch section {
		case "failures", "errors":
			if m := pytestBlock().FindStringSubmatch(t); m != nil {
				block = &boundedText{}
				blocks = append(blocks, pytestDetail{section: section, title: m[1], text: block})
				continue
			}
			if block != nil {
				block.addLine(raw)
				continue
			}
		case "short test summary info":
			if e, ok := pytestSummaryLine(t, sc.num); ok {
				summary = append(summary, e)
				continue
			}
		case "", "test session starts":
			if !sawSection {
				if e, ok := pytestSummaryLine(t, sc.num); ok {
					summary = append(summary, e)
					continue
				}
			}
			if m := pytestVerbose().FindStringSubmatch(t); m != nil {
				e := pytestEntry{c: pytestCase(m[1], m[2], sc.num), count: 1}
				e.c.Message = strings.Trim(m[3], "()")
				verbose = append(verbose, e)
				continue
			}
		}
		if t != "" {
			run.Ignored++
		}
	}

	// -rA lists every test in the summary; without it the summary lists
	// only failures and -v result lines are the complete list. Use the
	// longer list, taking failure reasons from the summary.
	entries := summary
	if len(verbose) > 0 && len(verbose) >= len(summary) {
		reasons := map[string]string{}
		for _, e := range summary {
			reasons[e.c.Result+"\x00"+e.c.Name] = e.c.Message
		}
		for k := range verbose {
			if r, ok := reasons[verbose[k].c.Result+"\x00"+verbose[k].c.Name]; ok && r != "" {
				verbose[k].c.Message = r
			}
		}
		entries = verbose
	}
	listed := map[string]int{}
	for _, e := range entries {
		listed[e.c.Result] += e.count
		if e.c.Outcome == Failed || e.c.Outcome == Errored {
			if b := pytestFindBlock(blocks, e.c); b != nil {
				if e.c.Message != "" {
					e.c.Message += "\n\n"
				}
				e.c.Message += b.String()
			}
		}
		e.c.Message = boundString(e.c.Message)
		if e.c.Outcome == Passed {
			e.c.Message = ""
		}
		for k := 0; k < e.count; k++ {
			run.Cases = append(run.Cases, e.c)
		}
	}

	if interrupted != "" {
		run.crash("pytest: " + interrupted)
	}
	switch {
	case final != "":
		pytestCheckFinal(run, final, finalLine, listed)
	case sawStart:
		run.crash("pytest output has no final summary line (\"N passed in Xs\"): the run was cut short")
	}
	return run
}

// pytestSummaryLine parses one short-summary line: "WORD nodeid" with an
// optional " - message", or "SKIPPED [N] location: reason".
func pytestSummaryLine(t string, num int) (pytestEntry, bool) {
	if m := pytestSkipped().FindStringSubmatch(t); m != nil {
		n, err := strconv.Atoi(m[1])
		if err != nil || n < 1 || n > 1<<20 {
			return pytestEntry{}, false
		}
		loc, reason := m[2], ""
		// location is "file:line" or a node id, then ": reason".
		if i := strings.Index(loc, ": "); i >= 0 {
			loc, reason = loc[:i], loc[i+2:]
		}
		c := pytestCase(loc, "SKIPPED", num)
		c.Message = reason
		return pytestEntry{c: c, count: n}, true
	}
	word, rest, ok := strings.Cut(t, " ")
	if _, known := pytestWords[word]; !known || !ok || rest == "" {
		return pytestEntry{}, false
	}
	id, msg := splitNodeID(rest)
	if id == "" || strings.HasPrefix(id, "[") {
		return pytestEntry{}, false
	}
	c := pytestCase(id, word, num)
	c.Message = msg
	return pytestEntry{c: c, count: 1}, true
}

// splitNodeID splits "nodeid - message" where the node id may hold spaces
// inside its [parameters].
func splitNodeID(s string) (id, msg string) {
	depth := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '[':
			depth++
		case ']':
			if depth > 0 {
				depth--
			}
		case ' ':
			if depth == 0 {
				rest := strings.TrimPrefix(s[i:], " - ")
				if rest == s[i:] {
					rest = strings.TrimSpace(rest)
				}
				return s[:i], rest
			}
		}
	}
	return s, ""
}

func pytestCase(id, word string, num int) Case {
	suite, _, _ := strings.Cut(id, "::")
	if !strings.Contains(id, "::") {
		// "file:line" of a folded skip, or a file that failed to collect.
		if i := strings.LastIndexByte(suite, ':'); i > 0 {
			if _, err := strconv.Atoi(suite[i+1:]); err == nil {
				suite = suite[:i]
			}
		}
	}
	return Case{Suite: suite, Name: id, Outcome: pytestWords[word], Result: word, Line: num}
}

// pytestDetail is one titled block of the FAILURES or ERRORS section.
type pytestDetail struct {
	section string // "failures" or "errors"
	title   string // the text between the ____ rules
	text    *boundedText
}

// pytestFindBlock finds the FAILURES or ERRORS block of c. Block titles are
// the test's name below its file ("test_x", "TestC.test_x",
// "test_p[1-2]"), "ERROR at setup of test_x", or "ERROR collecting path".
// Blocks are searched in input order and the first match wins, so the
// message is the same on every run (it goes into signed evidence): a test
// with both a setup and a teardown error gets its setup block, and of two
// blocks with the same title the earlier one is used.
func pytestFindBlock(blocks []pytestDetail, c Case) *boundedText {
	section := "failures"
	if c.Outcome == Errored {
		section = "errors"
	}
	for _, b := range blocks {
		if b.section != section {
			continue
		}
		title := b.title
		if rest, ok := strings.CutPrefix(title, "ERROR collecting "); ok {
			if rest == c.Name {
				return b.text
			}
			continue
		}
		for _, p := range []string{"ERROR at setup of ", "ERROR at teardown of ", "ERROR at call of "} {
			title = strings.TrimPrefix(title, p)
		}
		if strings.HasSuffix(c.Name, "::"+strings.ReplaceAll(title, ".", "::")) || strings.HasSuffix(c.Name, "::"+title) {
			return b.text
		}
	}
	return nil
}

// pytestCheckFinal compares the final summary line with the listed
// results. Unlisted failures or errors make the run crashed (the output
// hides them); unlisted passes are a warning (pytest ran without -rA).
func pytestCheckFinal(run *Run, final string, line int, listed map[string]int) {
	want := map[string]int{}
	for _, m := range pytestCount().FindAllStringSubmatch(final, -1) {
		key := strings.TrimSuffix(m[2], "s") // errors -> error
		n, _ := strconv.Atoi(m[1])
		want[key] += n
	}
	for _, k := range pytestSummaryKeys {
		w, got := want[k.key], listed[k.word]
		if w == got {
			continue
		}
		if got == 0 && (k.word == "PASSED" || k.word == "SKIPPED" || k.word == "XFAIL" || k.word == "XPASS") {
			run.Warnings = append(run.Warnings, fmt.Sprintf("the summary at line %d counts %d %s but none is listed by name; run pytest with -rA to list every test", line, w, k.key))
			continue
		}
		run.crash(fmt.Sprintf("the pytest summary at line %d counts %d %s but %d %s lines were listed", line, w, k.key, got, k.word))
	}
}
