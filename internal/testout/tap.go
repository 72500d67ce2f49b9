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
	tapVersion = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(K?TAP) version (\d+)\s*$`) })
	tapPlan    = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^1\.\.(\d+)\s*(?:#\s*(.*))?$`) })
	tapTest    = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^(not ok|ok)(?:\s+(\d+))?(?:\s+|$)(?:-\s+|-$)?(.*)$`)
	})
	tapBail    = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^Bail out!\s*(.*)$`) })
	tapSubtest = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^#\s*Subtest:\s*(.*)$`) })
	// A kernel log prefixes each line with a syslog level "<6>", a time
	// "[    1.234567]" and, with CONFIG_PRINTK_CALLER, a caller "[    T1]".
	tapKernelPrefix = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^(?:<\d+>)?\[\s*\d+(?:\.\d+)?\](?:\[\s*[A-Z]\d+\])? ?`)
	})
)

// tapLevel is one block of results at one indentation: the stream itself
// or a subtest block.
type tapLevel struct {
	indent  int
	line    int // where the block started
	name    string
	plan    *Plan
	results int   // direct results
	all     []int // every case created inside, descendants included
	last    int   // previous direct result, -1 before the first
	diag    boundedText
	// kids are the cases of a child block that just closed; the next
	// result line at this level is their parent and prefixes their names.
	kids     []int
	kidsLine int
	kidsName string
}

// tapParser reads TAP 12/13/14 and KTAP. Nesting is by indentation
// (TAP14 "# Subtest:" and KTAP indented "KTAP version 1" blocks); a child
// block's cases are named "parent/child" once the parent's result line
// arrives.
type tapParser struct {
	run      *Run
	msgs     []*boundedText
	stack    []*tapLevel
	subtest  string // name from the last "# Subtest:" line
	yamlCase int    // case receiving a YAML block, -1 when none
	yamlAt   int    // indentation of the result line that owns it
	inYAML   bool
	afterRes int // case of the line just read, for a following "---"
	resAt    int
	bailed   bool
	streams  int
}

// ParseTAP parses TAP 12/13/14 or KTAP output, also when it is embedded in
// a kernel log: a dmesg-style prefix is removed from every line and lines
// that are not TAP are ignored. The format is "ktap" when a KTAP version
// line is seen, "tap" otherwise. A plan that does not match the number of
// results, a missing plan, a subtest block without a result line and
// "Bail out!" make the run crashed.
//
// Directives: SKIP, and KTAP's XFAIL, are skipped; TODO is not a failure
// ("not ok # TODO" is skipped, "ok # TODO" passed); KTAP's TIMEOUT and
// ERROR are errored.
func ParseTAP(data []byte) *Run {
	p := &tapParser{run: &Run{Format: FormatTAP}, yamlCase: -1, afterRes: -1}
	sc := newLineScanner(data)
	for sc.scan() && !p.bailed {
		p.line(sc.line, sc.num)
	}
	if !p.bailed {
		p.endStream()
	}
	for i := range p.run.Cases {
		if c := &p.run.Cases[i]; c.Outcome != Passed {
			c.Message = p.msgs[i].String()
		}
	}
	return p.run
}

func (p *tapParser) top() *tapLevel {
	if len(p.stack) == 0 {
		return nil
	}
	return p.stack[len(p.stack)-1]
}

func (p *tapParser) line(raw string, num int) {
	raw = tapKernelPrefix().ReplaceAllString(raw, "")
	indent, t := indentOf(raw)
	t = strings.TrimRight(t, " \t")
	afterRes, resAt := p.afterRes, p.resAt
	p.afterRes = -1

	if p.inYAML {
		if t == "..." || (indent <= p.yamlAt && p.structural(t)) {
			p.inYAML = false
			if t == "..." {
				return
			}
		} else {
			if p.yamlCase >= 0 {
				p.msgs[p.yamlCase].addLine(strings.TrimPrefix(raw, strings.Repeat(" ", min(indent, p.yamlAt+2))))
			}
			return
		}
	}
	if t == "---" && afterRes >= 0 && indent > resAt {
		p.inYAML, p.yamlCase, p.yamlAt = true, afterRes, resAt
		return
	}

	switch {
	case t == "":
		return
	case tapBail().MatchString(t):
		m := tapBail().FindStringSubmatch(t)
		reason := "Bail out!"
		if m[1] != "" {
			reason += " " + m[1]
		}
		p.run.crash(fmt.Sprintf("%s (line %d)", reason, num))
		p.bailed = true
		return
	case tapVersion().MatchString(t):
		m := tapVersion().FindStringSubmatch(t)
		if m[1] == "KTAP" && p.streams == 0 {
			p.run.Format = FormatKTAP
		}
		if b := p.base(); b != nil && indent <= b.indent && (b.results > 0 || b.plan != nil) {
			// A second stream (a kernel that ran its tests again).
			p.endStream()
		}
		p.nest(indent, num)
		return
	case tapPlan().MatchString(t):
		m := tapPlan().FindStringSubmatch(t)
		l := p.nest(indent, num)
		n, err := strconv.Atoi(m[1])
		if err != nil {
			n = -1
		}
		if l.plan != nil {
			p.run.crash(fmt.Sprintf("%s has a second plan at line %d (the first is at line %d)", p.blockName(l), num, l.plan.Line))
		}
		l.plan = &Plan{Count: n, Line: num}
		if _, word, reason := tapDirective("# " + m[2]); word == "SKIP" {
			l.plan.Skip = reason
			if reason == "" {
				l.plan.Skip = "SKIP"
			}
		}
		if len(p.stack) == 1 && p.run.Plan == nil {
			p.run.Plan = l.plan
		}
		return
	case tapTest().MatchString(t):
		p.result(tapTest().FindStringSubmatch(t), indent, num)
		return
	case tapSubtest().MatchString(t):
		name := strings.TrimSpace(tapSubtest().FindStringSubmatch(t)[1])
		if l := p.top(); l != nil && len(p.stack) > 1 && l.indent == indent && l.name == "" && l.results == 0 {
			// KTAP names its block inside it, after "KTAP version 1".
			l.name = name
			return
		}
		p.subtest = name
		return
	case strings.HasPrefix(t, "pragma "):
		return
	}
	// A comment or a line that is not TAP: diagnostics for the block it is
	// indented into. Unindented non-TAP lines are noise (kernel messages).
	l := p.top()
	if l != nil && indent >= l.indent && (strings.HasPrefix(t, "#") || len(p.stack) > 1) {
		l.diag.addLine(strings.TrimSpace(strings.TrimPrefix(t, "#")))
		return
	}
	p.run.Ignored++
}

// structural reports whether t is a TAP line that ends a torn YAML block.
func (p *tapParser) structural(t string) bool {
	return tapTest().MatchString(t) || tapPlan().MatchString(t) || tapVersion().MatchString(t) || tapBail().MatchString(t)
}

func (p *tapParser) base() *tapLevel {
	if len(p.stack) == 0 {
		return nil
	}
	return p.stack[0]
}

func (p *tapParser) blockName(l *tapLevel) string {
	if l == p.base() {
		return "the TAP stream"
	}
	if l.name != "" {
		return fmt.Sprintf("subtest %q (line %d)", l.name, l.line)
	}
	return fmt.Sprintf("the subtest block at line %d", l.line)
}

// nest makes the level for a structural line at indent current: it opens
// a child block for a deeper line and closes child blocks for a shallower
// one.
func (p *tapParser) nest(indent, num int) *tapLevel {
	if len(p.stack) == 0 {
		p.stack = append(p.stack, &tapLevel{indent: indent, line: num, last: -1})
		p.streams++
		return p.stack[0]
	}
	for len(p.stack) > 1 && indent < p.top().indent {
		p.closeLevel()
	}
	l := p.top()
	if indent > l.indent {
		if len(l.kids) > 0 {
			p.orphanKids(l)
		}
		child := &tapLevel{indent: indent, line: num, last: -1, name: p.subtest}
		p.subtest = ""
		p.stack = append(p.stack, child)
		return child
	}
	return l
}

// closeLevel pops the innermost block, checks it, and hands its cases to
// the parent, which names them when its result line arrives.
func (p *tapParser) closeLevel() {
	l := p.top()
	if len(l.kids) > 0 {
		p.orphanKids(l)
	}
	p.stack = p.stack[:len(p.stack)-1]
	p.checkPlan(l)
	p.flushDiag(l, -1)
	parent := p.top()
	if len(parent.kids) > 0 {
		p.orphanKids(parent)
	}
	parent.kids, parent.kidsLine, parent.kidsName = l.all, l.line, l.name
}

// orphanKids reports a child block that no result line claimed.
func (p *tapParser) orphanKids(l *tapLevel) {
	name := fmt.Sprintf("the subtest block at line %d", l.kidsLine)
	if l.kidsName != "" {
		name = fmt.Sprintf("subtest %q (line %d)", l.kidsName, l.kidsLine)
	}
	p.run.crash(name + " has no result line of its own")
	l.all = append(l.all, l.kids...)
	l.kids = nil
}

func (p *tapParser) checkPlan(l *tapLevel) {
	switch {
	case l.plan == nil && l.results > 0:
		p.run.crash(fmt.Sprintf("%s has no plan (1..N) for its %d results: the run may have been cut short", p.blockName(l), l.results))
	case l.plan != nil && l.plan.Count != l.results:
		p.run.crash(fmt.Sprintf("%s: plan 1..%d at line %d but %d results were seen", p.blockName(l), l.plan.Count, l.plan.Line, l.results))
	}
}

// endStream closes every open block at the end of a stream.
func (p *tapParser) endStream() {
	for len(p.stack) > 1 {
		l := p.top()
		p.run.crash(fmt.Sprintf("%s never finished: the output ended inside it", p.blockName(l)))
		p.closeLevel()
	}
	if b := p.base(); b != nil {
		if len(b.kids) > 0 {
			p.orphanKids(b)
		}
		p.checkPlan(b)
		p.flushDiag(b, -1)
	}
	p.stack = nil
}

// tapDirective splits a description from its directive: the first "#"
// not escaped with a backslash, when a known directive word follows it.
func tapDirective(s string) (desc, word, reason string) {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '#':
			rest := strings.TrimSpace(s[i+1:])
			up := strings.ToUpper(rest)
			for _, w := range []string{"SKIP", "TODO", "XFAIL", "TIMEOUT", "ERROR"} {
				if strings.HasPrefix(up, w) {
					reason := rest[len(w):]
					if w == "SKIP" && strings.HasPrefix(strings.ToUpper(reason), "PED") {
						reason = reason[3:] // "skipped"
					}
					return tapUnescape(strings.TrimSpace(s[:i])), w, strings.TrimLeft(reason, " :-")
				}
			}
		}
	}
	return tapUnescape(s), "", ""
}

func tapUnescape(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	return strings.NewReplacer(`\#`, "#", `\\`, `\`).Replace(s)
}

func (p *tapParser) result(m []string, indent, num int) {
	l := p.nest(indent, num)
	p.subtest = "" // a "# Subtest:" name not followed by a block is stale
	l.results++
	desc, word, reason := tapDirective(strings.TrimSpace(m[3]))
	ok := m[1] == "ok"
	c := Case{Line: num, Result: m[1]}
	if word != "" {
		c.Result += " # " + word
	}
	switch {
	case word == "SKIP" || word == "XFAIL":
		c.Outcome = Skipped
	case word == "TIMEOUT" || word == "ERROR":
		c.Outcome = Errored
	case word == "TODO" && !ok:
		c.Outcome = Skipped
	case ok:
		c.Outcome = Passed
	default:
		c.Outcome = Failed
	}
	c.Name = desc
	if c.Name == "" {
		c.Name = l.kidsName
	}
	if c.Name == "" {
		c.Name = "#" + m[2]
		if m[2] == "" {
			c.Name = "#" + strconv.Itoa(l.results)
		}
	}
	msg := &boundedText{}
	p.run.Cases = append(p.run.Cases, c)
	p.msgs = append(p.msgs, msg)
	i := len(p.run.Cases) - 1

	// The child block that just closed belongs to this result.
	for _, k := range l.kids {
		p.run.Cases[k].Name = c.Name + "/" + p.run.Cases[k].Name
	}
	l.all = append(l.all, l.kids...)
	l.kids = nil
	l.all = append(l.all, i)

	p.flushDiag(l, i)
	if reason != "" {
		msg.addLine(reason)
	}
	l.last = i
	p.afterRes, p.resAt = i, indent
}

// flushDiag attaches the diagnostics gathered since the previous result:
// to the new result when it did not pass (KTAP prints them before), else
// to the previous one when that did not pass (TAP prints them after).
func (p *tapParser) flushDiag(l *tapLevel, next int) {
	if l.diag.empty() {
		return
	}
	text := l.diag.String()
	l.diag = boundedText{}
	switch {
	case next >= 0 && p.run.Cases[next].Outcome != Passed:
		p.msgs[next].addLine(text)
	case l.last >= 0 && p.run.Cases[l.last].Outcome != Passed:
		p.msgs[l.last].addLine(text)
	}
}
