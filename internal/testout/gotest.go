package testout

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"
)

// goEvent is one test2json event. Build events (Go 1.24+) carry ImportPath
// instead of Package.
type goEvent struct {
	Action      string
	Package     string
	Test        string
	Elapsed     *float64
	Output      string
	ImportPath  string
	FailedBuild string
}

// goPackage is what the parser knows about one package of the stream.
type goPackage struct {
	name    string
	line    int // first line that named it
	output  boundedText
	panic   string // first "panic: ..." line of the binary
	ended   bool
	failed  bool // a test in it failed or errored
	cases   int
	ordinal int
}

// goParser turns test2json events into cases. Like gotestsum's testjson,
// it keeps one record per run of a test (so -count=2 gives two cases) and
// reads the package-level events to tell a test failure from a binary that
// died (panic, timeout, build failure).
type goParser struct {
	run      *Run
	msgs     []*boundedText
	open     map[string]int // package+test -> running case
	last     map[string]int // package+test -> latest case, for late output
	pkgs     map[string]*goPackage
	builds   map[string]*boundedText // build-output by ImportPath
	buildBad map[string]int          // build-fail ImportPath -> line
	implicit map[int]bool            // cases created by output before any run event
}

// ParseGoTest parses `go test -json` output (test2json events, one JSON
// object per line). Lines that are not events are counted as ignored.
func ParseGoTest(data []byte) *Run {
	p := &goParser{
		run:      &Run{Format: FormatGoTest},
		open:     map[string]int{},
		last:     map[string]int{},
		pkgs:     map[string]*goPackage{},
		builds:   map[string]*boundedText{},
		buildBad: map[string]int{},
		implicit: map[int]bool{},
	}
	sc := newLineScanner(data)
	for sc.scan() {
		line := strings.TrimSpace(sc.line)
		if line == "" {
			continue
		}
		var ev goEvent
		if line[0] != '{' || json.Unmarshal([]byte(line), &ev) != nil || ev.Action == "" {
			p.run.Ignored++
			continue
		}
		p.event(ev, sc.num)
	}
	p.finish()
	for i := range p.run.Cases {
		if c := &p.run.Cases[i]; c.Outcome != Passed {
			c.Message = p.msgs[i].String()
		}
	}
	return p.run
}

func goKey(pkg, test string) string { return pkg + "\x00" + test }

func (p *goParser) pkg(name string, line int) *goPackage {
	g := p.pkgs[name]
	if g == nil {
		g = &goPackage{name: name, line: line, ordinal: len(p.pkgs)}
		p.pkgs[name] = g
	}
	return g
}

func (p *goParser) newCase(pkg, test string, line int) int {
	p.run.Cases = append(p.run.Cases, Case{Suite: pkg, Name: test, Line: line})
	p.msgs = append(p.msgs, &boundedText{})
	i := len(p.run.Cases) - 1
	p.open[goKey(pkg, test)] = i
	p.last[goKey(pkg, test)] = i
	p.pkg(pkg, line).cases++
	return i
}

func (p *goParser) event(ev goEvent, line int) {
	switch ev.Action {
	case "build-output":
		b := p.builds[ev.ImportPath]
		if b == nil {
			b = &boundedText{}
			p.builds[ev.ImportPath] = b
		}
		b.add(ev.Output)
		return
	case "build-fail":
		p.buildBad[ev.ImportPath] = line
		return
	}
	if ev.Package == "" {
		p.run.Ignored++
		return
	}
	g := p.pkg(ev.Package, line)
	if ev.Test == "" {
		p.packageEvent(g, ev, line)
		return
	}
	key := goKey(ev.Package, ev.Test)
	switch ev.Action {
	case "run":
		if i, ok := p.open[key]; ok {
			if p.implicit[i] {
				// Output came before its run event: that case is this run.
				delete(p.implicit, i)
				p.run.Cases[i].Line = line
				return
			}
			// Started again without a result for the previous start.
			c := &p.run.Cases[i]
			c.Outcome, c.Result = Errored, "no result"
			g.failed = true
		}
		p.newCase(ev.Package, ev.Test, line)
	case "output":
		i, ok := p.open[key]
		if !ok {
			// Output after the result (a panic printed after "--- FAIL")
			// still belongs to the test that printed it.
			if i, ok = p.last[key]; !ok {
				i = p.newCase(ev.Package, ev.Test, line)
				p.implicit[i] = true
			}
		}
		p.output(g, i, ev.Output)
	case "pass", "fail", "skip":
		i, ok := p.open[key]
		if !ok {
			i = p.newCase(ev.Package, ev.Test, line)
		}
		delete(p.open, key)
		delete(p.implicit, i)
		c := &p.run.Cases[i]
		c.Outcome = map[string]Outcome{"pass": Passed, "fail": Failed, "skip": Skipped}[ev.Action]
		c.Result = ev.Action
		c.Line = line
		if ev.Elapsed != nil && *ev.Elapsed >= 0 && *ev.Elapsed < 1e9 {
			c.Duration = time.Duration(*ev.Elapsed * float64(time.Second))
			c.Timed = true
		}
		if c.Outcome == Failed {
			g.failed = true
		}
	default:
		// start, pause, cont, bench, attr: nothing to record.
	}
}

// output attaches one output event to case i, dropping the framing lines
// test2json already turned into events.
func (p *goParser) output(g *goPackage, i int, out string) {
	depth := strings.Count(p.run.Cases[i].Name, "/") + 1
	for _, ln := range strings.SplitAfter(out, "\n") {
		if ln == "" {
			continue
		}
		t := strings.TrimLeft(ln, " ")
		if strings.HasPrefix(t, "=== RUN") || strings.HasPrefix(t, "=== PAUSE") ||
			strings.HasPrefix(t, "=== CONT") || strings.HasPrefix(t, "=== NAME") ||
			strings.HasPrefix(t, "--- PASS:") || strings.HasPrefix(t, "--- FAIL:") ||
			strings.HasPrefix(t, "--- SKIP:") {
			continue
		}
		if strings.HasPrefix(ln, "panic: ") && g.panic == "" {
			g.panic = strings.TrimRight(ln, "\n")
		}
		// t.Log output is indented four spaces per nesting level.
		for k := 0; k < depth && strings.HasPrefix(ln, "    "); k++ {
			ln = ln[4:]
		}
		p.msgs[i].add(ln)
	}
}

func (p *goParser) packageEvent(g *goPackage, ev goEvent, line int) {
	switch ev.Action {
	case "output":
		if strings.HasPrefix(ev.Output, "panic: ") && g.panic == "" {
			g.panic = strings.TrimRight(ev.Output, "\n")
		}
		g.output.add(ev.Output)
	case "pass", "skip":
		g.ended = true
		p.closeOpen(g, line, "")
	case "fail":
		g.ended = true
		p.packageFailed(g, ev, line)
	}
}

// closeOpen turns the tests of g still running into errored cases: the
// binary ended without reporting them. It returns their names.
func (p *goParser) closeOpen(g *goPackage, line int, why string) []string {
	var names []string
	var idx []int
	for key, i := range p.open {
		if p.run.Cases[i].Suite == g.name {
			idx = append(idx, i)
			delete(p.open, key)
		}
	}
	sort.Ints(idx)
	for _, i := range idx {
		c := &p.run.Cases[i]
		c.Outcome, c.Result = Errored, "no result"
		if line > 0 {
			c.Line = line
		}
		if why != "" {
			p.msgs[i].addLine(why)
		}
		names = append(names, c.Name)
		g.failed = true
	}
	return names
}

func (p *goParser) packageFailed(g *goPackage, ev goEvent, line int) {
	if ev.FailedBuild != "" {
		msg := &boundedText{}
		if b := p.builds[ev.FailedBuild]; b != nil {
			msg = b
		}
		delete(p.buildBad, ev.FailedBuild)
		p.syntheticCase(g, "(build failed)", "build failed", msg.String(), line)
		p.run.crash(fmt.Sprintf("package %s: build failed", g.name))
		return
	}
	unfinished := p.closeOpen(g, line, "the test binary exited before this test reported a result")
	switch {
	case g.panic != "":
		p.run.crash(fmt.Sprintf("package %s: %s", g.name, g.panic))
	case len(unfinished) > 0:
		p.run.crash(fmt.Sprintf("package %s: the test binary exited with %s still running", g.name, strings.Join(unfinished, ", ")))
	}
	if !g.failed {
		// The package failed but no test did: TestMain, os.Exit, a setup
		// failure or an old go command's build failure.
		p.syntheticCase(g, "(package failed)", "fail", g.output.String(), line)
		if g.panic == "" {
			p.run.crash(fmt.Sprintf("package %s failed without a failing test", g.name))
		}
	}
}

func (p *goParser) syntheticCase(g *goPackage, name, result, msg string, line int) {
	p.run.Cases = append(p.run.Cases, Case{Suite: g.name, Name: name, Outcome: Errored, Result: result, Line: line})
	b := &boundedText{}
	b.add(msg)
	p.msgs = append(p.msgs, b)
	g.failed = true
}

// finish closes what the stream left open: a package that never reported
// its own result means the capture was cut or the go command died.
func (p *goParser) finish() {
	names := make([]string, 0, len(p.pkgs))
	for n := range p.pkgs {
		names = append(names, n)
	}
	sort.Slice(names, func(i, j int) bool { return p.pkgs[names[i]].ordinal < p.pkgs[names[j]].ordinal })
	for _, n := range names {
		g := p.pkgs[n]
		if g.ended {
			// Events for a test after its package's result: malformed,
			// but a test without a result is never a pass.
			if late := p.closeOpen(g, 0, "this test started after its package reported a result"); len(late) > 0 {
				p.run.crash(fmt.Sprintf("package %s: %s started after the package reported its result", n, strings.Join(late, ", ")))
			}
			continue
		}
		unfinished := p.closeOpen(g, 0, "the output ended before this test reported a result")
		reason := fmt.Sprintf("package %s: the output ended before the package reported a result", n)
		if len(unfinished) > 0 {
			reason += fmt.Sprintf(" (%s still running)", strings.Join(unfinished, ", "))
		}
		p.run.crash(reason)
	}
	bad := make([]string, 0, len(p.buildBad))
	for ip := range p.buildBad {
		bad = append(bad, ip)
	}
	sort.Slice(bad, func(i, j int) bool { return p.buildBad[bad[i]] < p.buildBad[bad[j]] })
	for _, ip := range bad {
		name, _, _ := strings.Cut(ip, " ")
		g := p.pkg(name, p.buildBad[ip])
		msg := ""
		if b := p.builds[ip]; b != nil {
			msg = b.String()
		}
		p.syntheticCase(g, "(build failed)", "build failed", msg, p.buildBad[ip])
		p.run.crash(fmt.Sprintf("package %s: build failed", name))
	}
}
