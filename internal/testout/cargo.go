package testout

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
)

// cargoBinary is one libtest run: a unit-test, integration-test or
// doc-test binary.
type cargoBinary struct {
	suite    string
	line     int
	declared int // "running N tests", -1 before that line
	cases    []int
	summary  bool // saw "test result:"
	exitNote string
}

// Compiled on first use, not at package init: init runs in every taskproof
// process, most of which never need these.
var (
	cargoRunning = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^Running (.+?)(?: \(([^()]*)\))?$`) })
	cargoCount   = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^running (\d+) tests?$`) })
	cargoTest    = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^test (.+?) \.\.\. (.*)$`) })
	cargoResult  = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^test result: (ok|FAILED)\. (.*)$`) })
	cargoBlock   = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^---- (.+) (stdout|stderr) ----$`) })
	cargoCounter = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(\d+) (passed|failed|ignored|measured|filtered out)`)
	})
)

// cargoParser reads libtest's human output. Cargo prints a "Running" (or
// "Doc-tests") header on stderr before each binary and the binary prints
// its results on stdout; a capture of both shows which binary each result
// belongs to, a capture of stdout alone still splits binaries at their
// "running N tests" lines.
type cargoParser struct {
	run      *Run
	msgs     []*boundedText
	bins     []*cargoBinary
	cur      *cargoBinary
	block    *boundedText // the ---- name stdout ---- block being read
	pending  string       // a "test x ... " line whose result was torn away
	pendLine int
	buildErr string
}

// ParseCargo parses the human output of `cargo test` (or a libtest binary
// run directly). Give it stdout and stderr together for suite names and
// crash details.
func ParseCargo(data []byte) *Run {
	p := &cargoParser{run: &Run{Format: FormatCargo}}
	sc := newLineScanner(data)
	for sc.scan() {
		p.line(sc.line, sc.num)
	}
	p.endBinary()
	if len(p.bins) == 0 && p.buildErr != "" {
		p.run.crash("cargo: " + p.buildErr)
	}
	for i := range p.run.Cases {
		if c := &p.run.Cases[i]; c.Outcome != Passed {
			c.Message = p.msgs[i].String()
		}
	}
	return p.run
}

func (p *cargoParser) line(raw string, num int) {
	t := strings.TrimSpace(raw)
	if m := cargoBlock().FindStringSubmatch(t); m != nil && p.cur != nil {
		p.block = p.blockFor(m[1])
		return
	}
	switch {
	case strings.HasPrefix(t, "Running "):
		if m := cargoRunning().FindStringSubmatch(t); m != nil {
			// Older cargo printed the binary path, in backticks.
			p.startBinary(strings.Trim(m[1], "`"), num)
			return
		}
	case strings.HasPrefix(t, "Doc-tests "):
		p.startBinary(t, num)
		return
	case t == "failures:":
		p.block = nil
		return
	}
	if m := cargoCount().FindStringSubmatch(t); m != nil {
		if p.cur == nil || p.cur.declared >= 0 {
			// stdout alone: no header, a new binary starts here.
			p.startBinary("", num)
		}
		p.cur.declared, _ = strconv.Atoi(m[1])
		p.block = nil
		return
	}
	if m := cargoResult().FindStringSubmatch(t); m != nil && p.cur != nil {
		p.block = nil
		p.summary(m[1], m[2], num)
		return
	}
	if strings.HasPrefix(raw, "test ") {
		if m := cargoTest().FindStringSubmatch(raw); m != nil && p.cur != nil {
			p.block = nil
			if !p.result(m[1], strings.TrimSpace(m[2]), num) {
				// Output of a --nocapture test tore the line: the result
				// word comes later on a line of its own.
				p.pending, p.pendLine = m[1], num
			}
			return
		}
	}
	if p.pending != "" && (t == "ok" || t == "FAILED" || strings.HasPrefix(t, "ignored")) {
		name := p.pending
		p.pending = ""
		p.result(name, t, num)
		return
	}
	if p.block != nil {
		p.block.addLine(raw)
		return
	}
	switch {
	case strings.HasPrefix(t, "process didn't exit successfully:") && p.cur != nil:
		p.cur.exitNote = t
	case (strings.HasPrefix(t, "error[") || strings.HasPrefix(t, "error: could not compile")) && p.buildErr == "":
		p.buildErr = t
	case strings.HasPrefix(t, "thread '") && strings.Contains(t, "panicked at") && p.cur != nil && !p.cur.summary:
		// A panic outside a captured block: the harness or a --nocapture
		// test; keep it for the crash reason if the binary never finishes.
		if p.cur.exitNote == "" {
			p.cur.exitNote = t
		}
	}
	if t != "" {
		p.run.Ignored++
	}
}

func (p *cargoParser) startBinary(suite string, num int) {
	p.endBinary()
	p.cur = &cargoBinary{suite: suite, line: num, declared: -1}
	p.bins = append(p.bins, p.cur)
	p.block = nil
	p.pending = ""
}

// blockFor returns the message buffer of the named failed case of the
// current binary, or a throwaway buffer for a name it never reported.
func (p *cargoParser) blockFor(name string) *boundedText {
	for k := len(p.cur.cases) - 1; k >= 0; k-- {
		i := p.cur.cases[k]
		if p.run.Cases[i].Name == name {
			return p.msgs[i]
		}
	}
	return &boundedText{}
}

// result records one test line; it returns false when word is not a
// libtest result.
func (p *cargoParser) result(name, word string, num int) bool {
	c := Case{Suite: p.cur.suite, Name: name, Result: word, Line: num}
	msg := &boundedText{}
	if n, ok := strings.CutSuffix(name, " - should panic"); ok {
		c.Name = n
		c.Result = word + " (should panic)"
	}
	switch {
	case word == "ok":
		c.Outcome = Passed
	case word == "FAILED":
		c.Outcome = Failed
	case word == "ignored":
		c.Outcome = Skipped
	case strings.HasPrefix(word, "ignored, "):
		c.Outcome, c.Result = Skipped, "ignored"
		msg.add(strings.TrimPrefix(word, "ignored, "))
	case strings.HasPrefix(word, "bench:"):
		c.Outcome, c.Result = Passed, "bench"
	default:
		return false
	}
	p.run.Cases = append(p.run.Cases, c)
	p.msgs = append(p.msgs, msg)
	p.cur.cases = append(p.cur.cases, len(p.run.Cases)-1)
	return true
}

// summary checks a "test result:" line against the cases of the binary.
func (p *cargoParser) summary(word, counts string, num int) {
	b := p.cur
	b.summary = true
	want := map[string]int{}
	for _, m := range cargoCounter().FindAllStringSubmatch(counts, -1) {
		want[m[2]], _ = strconv.Atoi(m[1])
	}
	var got [3]int // passed, failed, ignored
	for _, i := range b.cases {
		switch p.run.Cases[i].Outcome {
		case Passed:
			got[0]++
		case Failed:
			got[1]++
		case Skipped:
			got[2]++
		}
	}
	// "measured" counts benchmarks, which libtest also lists as passed.
	passedOK := got[0] == want["passed"] || got[0] == want["passed"]+want["measured"]
	if !passedOK || got[1] != want["failed"] || got[2] != want["ignored"] {
		p.run.crash(fmt.Sprintf("test binary %s: its summary at line %d says %d passed, %d failed, %d ignored but the results listed %d passed, %d failed, %d ignored",
			b.name(), num, want["passed"], want["failed"], want["ignored"], got[0], got[1], got[2]))
	} else if word == "FAILED" && got[1] == 0 {
		p.run.crash(fmt.Sprintf("test binary %s: its summary at line %d says FAILED but no test failed", b.name(), num))
	}
}

// endBinary checks that the current binary finished: a binary announced by
// a header or a "running N tests" line must end with a "test result:" line.
func (p *cargoParser) endBinary() {
	b := p.cur
	p.cur = nil
	if b == nil || b.summary {
		return
	}
	reason := fmt.Sprintf("test binary %s ended without a \"test result:\" line", b.name())
	if b.declared >= 0 {
		reason += fmt.Sprintf(" after %d of %d tests", len(b.cases), b.declared)
	}
	if b.exitNote != "" {
		reason += ": " + b.exitNote
	}
	p.run.crash(reason)
}

// name says which binary b is, for crash reasons.
func (b *cargoBinary) name() string {
	if b.suite == "" {
		return fmt.Sprintf("starting at line %d", b.line)
	}
	return fmt.Sprintf("%q (line %d)", b.suite, b.line)
}
