package prove

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"sync"

	"github.com/taskproof/taskproof/internal/evidence"
	"github.com/taskproof/taskproof/internal/proofstate"
	"github.com/taskproof/taskproof/internal/scope"
)

// MarkdownInput is what the PR evidence section is made from.
type MarkdownInput struct {
	Bundle     string // root-relative path
	Digest     string
	Assessment proofstate.Assessment
	Predicate  evidence.Predicate
	// Open streams one evidence file (evidence.Bundle.Open): files are
	// read one at a time, when rendered, so memory does not grow with the
	// bundle.
	Open func(name string) (io.ReadCloser, error)
	Tail int // lines of each console shown
}

// mdMaxJSON bounds an evidence JSON file the section decodes (real ones
// are KBs).
const mdMaxJSON = 8 << 20

// read is evidence file name's data, at most mdMaxJSON bytes; ok false
// when the bundle has none. A file that cannot be read is an error.
func (in MarkdownInput) read(name string) (data []byte, ok bool, err error) {
	rc, err := in.Open(name)
	if errors.Is(err, evidence.ErrNoFile) {
		return nil, false, nil
	}
	if err != nil {
		return nil, true, err
	}
	defer rc.Close()
	data, err = io.ReadAll(io.LimitReader(rc, mdMaxJSON+1))
	if err == nil && len(data) > mdMaxJSON {
		err = fmt.Errorf("%s%s is larger than %d bytes; not rendered", evidence.FilesPrefix, name, mdMaxJSON)
	}
	return data, true, err
}

// Markdown renders the "Evidence (to paste into PR)" section. Everything
// it quotes comes from the bundle, read through the bundle's schemas; the
// header says whether the bundle verified and is fresh. A bundle file that
// does not decode is left out of the section and returned as an error.
func Markdown(in MarkdownInput) ([]byte, []error) {
	var b bytes.Buffer
	var errs []error
	p := in.Predicate
	a := in.Assessment
	b.WriteString("## Evidence (to paste into PR)\n\n")
	switch a.State {
	case proofstate.Proven:
	case proofstate.Stale:
		fmt.Fprintf(&b, "> **Warning: this evidence is STALE** — %s. Run `taskproof prove %s` again.\n\n", mdInline(strings.Join(a.Reasons, "; ")), p.TaskID)
	case proofstate.Failed:
		fmt.Fprintf(&b, "> **Warning: this evidence says FAILED** — the Definition of Done is not met (see the items below).\n\n")
	default:
		reasons := strings.Join(a.Reasons, "; ")
		if reasons == "" {
			reasons = "it could not be verified"
		}
		fmt.Fprintf(&b, "> **Warning: this evidence does NOT VERIFY** (%s) — %s. Nothing below is authenticated.\n\n", a.State, mdInline(reasons))
	}
	fmt.Fprintf(&b, "- **%s: %s** (%s)\n", p.TaskID, p.Verdict, evidence.ItemCounts(p.Items))
	fmt.Fprintf(&b, "- Commit: `%s`\n", p.Commit)
	fmt.Fprintf(&b, "- Bundle: `%s` `%s`\n", in.Bundle, in.Digest)
	if a.KeyID != "" {
		fmt.Fprintf(&b, "- Signed by key `%s`, verified with `%s`\n", a.KeyID, evidence.DefaultPublicKeyFile)
	} else {
		fmt.Fprintf(&b, "- Signature: not verified\n")
	}
	fmt.Fprintf(&b, "- Check it: `taskproof evidence verify %s --commit %s`\n", in.Bundle, scope.ShortHash(p.Commit))

	decode := func(name string, v any) bool {
		data, ok, err := in.read(name)
		if ok && err == nil {
			ok, err = evidence.Decode([]evidence.File{{Name: name, Data: data}}, name, v)
		}
		if err != nil {
			errs = append(errs, err)
			return false
		}
		return ok
	}
	var cfg evidence.Config
	decode(evidence.ConfigName, &cfg)
	cmdItems := map[string]evidence.Item{}
	for _, it := range p.Items {
		if it.Kind == evidence.KindCommand {
			if _, dup := cmdItems[it.Item]; !dup {
				cmdItems[it.Item] = it
			}
		}
	}
	if len(cfg.Steps) > 0 {
		b.WriteString("\n### Commands\n\n")
		for _, st := range cfg.Steps {
			it := cmdItems[st.Command]
			fmt.Fprintf(&b, "%d. %s — %s", st.N, mdCode(st.Command), it.Verdict)
			if it.Reason != "" {
				fmt.Fprintf(&b, ": %s", mdInline(it.Reason))
			}
			b.WriteString("\n")
		}
	}
	for _, st := range cfg.Steps {
		var run evidence.RunReport
		if decode(evidence.ReportName(st.N), &run) {
			mdConsole(&b, st, run, in, &errs)
		}
		var t evidence.Tests
		if decode(evidence.TestsName(st.N), &t) {
			mdTests(&b, st, t)
		}
	}
	var s evidence.Scope
	if decode(evidence.ScopeName, &s) {
		b.WriteString("\n### Scope\n\n")
		if s.OK() {
			fmt.Fprintf(&b, "%d touched path(s), all within the allowlist (base `%s`, merge base `%s`).\n", len(s.Touched), s.Base, scope.ShortHash(s.MergeBase))
		} else {
			fmt.Fprintf(&b, "%d violation(s) of the allowlist (base `%s`, merge base `%s`):\n\n", len(s.Violations), s.Base, scope.ShortHash(s.MergeBase))
			for _, v := range s.Violations {
				fmt.Fprintf(&b, "- %s %s: %s\n", mdCode(v.Path), v.Status, mdInline(v.Reason))
			}
		}
		if len(s.Unverifiable) > 0 {
			fmt.Fprintf(&b, "\nUnverifiable allowlist items (prose): %d.\n", len(s.Unverifiable))
		}
	}
	var h evidence.Hygiene
	if decode(evidence.HygieneName, &h) {
		b.WriteString("\n### Hygiene\n\n")
		if len(h.Findings) == 0 {
			b.WriteString("No finding on the added lines.\n")
		}
		for _, f := range h.Findings {
			fmt.Fprintf(&b, "- `%s:%d` %s: %s\n", f.File, f.Line, f.Rule, mdInline(f.Message))
		}
	}
	b.WriteString("\n### Definition of Done\n\n| Verdict | Kind | Item | Reason |\n|---|---|---|---|\n")
	for _, it := range p.Items {
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", it.Verdict, it.Kind, mdCell(it.Item), mdCell(it.Reason))
	}
	return b.Bytes(), errs
}

// mdConsole writes the marker lines and the log tail of one marker proof.
func mdConsole(b *bytes.Buffer, st evidence.ConfigStep, run evidence.RunReport, in MarkdownInput, errs *[]error) {
	fmt.Fprintf(b, "\n### Console of proof %d (%s: %s)\n\n", st.N, mdCode(strings.Join(run.Command, " ")), run.Verdict)
	if len(run.Markers) > 0 {
		var lines []string
		for _, m := range run.Markers {
			lines = append(lines, fmt.Sprintf("%5d  %-6s %s", m.Line, m.Kind, m.Marker))
		}
		b.WriteString("Markers seen (log line, kind, marker):\n\n")
		mdFence(b, strings.Join(lines, "\n"))
	}
	if run.Failure != nil {
		fmt.Fprintf(b, "\nFailure: %s\n", mdInline(run.Failure.Message))
	}
	if in.Tail == 0 {
		return
	}
	rc, err := in.Open(run.Log)
	if err != nil {
		if !errors.Is(err, evidence.ErrNoFile) {
			*errs = append(*errs, err)
		}
		return
	}
	defer rc.Close()
	lines, err := tailLines(rc, in.Tail)
	if err != nil {
		*errs = append(*errs, fmt.Errorf("%s%s: %w", evidence.FilesPrefix, run.Log, err))
		return
	}
	fmt.Fprintf(b, "\nLast %d line(s) of `%s`:\n\n", len(lines), run.Log)
	mdFence(b, strings.Join(lines, "\n"))
}

// mdMaxLine bounds one rendered log line; longer ones end in "…".
const mdMaxLine = 4096

// tailLines reads a console log as a stream and returns its last n lines
// as the Markdown section shows them: cleaned (cleanConsole), trailing
// blanks trimmed, trailing empty lines dropped, each cut at mdMaxLine
// bytes. Memory is n lines, however long the log.
func tailLines(r io.Reader, n int) ([]string, error) {
	if n <= 0 {
		return nil, nil
	}
	ring := make([]string, 0, n)
	pending := 0 // empty lines not yet known to be followed by text
	push := func(l string) {
		if len(ring) == n {
			copy(ring, ring[1:])
			ring = ring[:n-1]
		}
		ring = append(ring, l)
	}
	add := func(raw []byte, cut bool) {
		clean := cleanConsole(string(raw))
		if clean == "" && !cut {
			pending++
			return
		}
		for ; pending > 0; pending-- {
			push("")
		}
		l := strings.TrimRight(clean, " \t")
		if cut {
			l += "…"
		}
		push(l)
	}
	br := bufio.NewReaderSize(r, 64<<10)
	var line []byte
	cut := false
	for {
		chunk, err := br.ReadSlice('\n')
		if len(chunk) > 0 {
			body := bytes.TrimSuffix(chunk, []byte("\n"))
			if room := mdMaxLine - len(line); len(body) > room {
				body, cut = body[:max(room, 0)], true
			}
			line = append(line, body...)
			if chunk[len(chunk)-1] == '\n' {
				add(line, cut)
				line, cut = line[:0], false
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil && err != bufio.ErrBufferFull {
			return nil, err
		}
	}
	if len(line) > 0 || cut {
		add(line, cut)
	}
	if len(ring) == 0 {
		return []string{""}, nil
	}
	return ring, nil
}

// mdTests writes the summary and the required tests of one test proof.
func mdTests(b *bytes.Buffer, st evidence.ConfigStep, t evidence.Tests) {
	s := t.Summary
	fmt.Fprintf(b, "\n### Tests of proof %d (%s)\n\n", st.N, mdCode(strings.Join(st.Argv, " ")))
	fmt.Fprintf(b, "%s: %d test(s): %d passed, %d failed, %d errored, %d skipped", t.Format, s.Total, s.Passed, s.Failed, s.Errored, s.Skipped)
	if t.Crashed {
		fmt.Fprintf(b, "; the run crashed: %s", mdInline(t.CrashReason))
	}
	b.WriteString(".\n")
	if len(t.Required) > 0 {
		b.WriteString("\n| Required test | Outcome here | Matched |\n|---|---|---|\n")
		for _, r := range t.Required {
			var names []string
			for _, m := range r.Matches {
				names = append(names, m.Name)
			}
			fmt.Fprintf(b, "| %s | %s | %s |\n", mdCell(r.Name), r.Outcome, mdCell(strings.Join(names, ", ")))
		}
	}
}

// Compiled on first use, not at package init: init runs in every taskproof
// process, most of which never need these.
var (
	ansiCSI = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile("\x1b\\[[0-9;?]*[ -/]*[@-~]") })
	ansiESC = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile("\x1b[()#][0-9A-Za-z]|\x1b[=>78cDEHM]") })
)

// cleanConsole makes a console log readable in Markdown: ANSI escapes and
// carriage returns removed, other control bytes shown as '?'.
func cleanConsole(s string) string {
	s = ansiCSI().ReplaceAllString(s, "")
	s = ansiESC().ReplaceAllString(s, "")
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\r':
			return -1
		case r == '\n' || r == '\t':
			return r
		case r < 0x20 || r == 0x7f || r == '\uFFFD':
			return '?'
		}
		return r
	}, strings.ToValidUTF8(s, "\uFFFD"))
}

// mdFence writes text in a fenced block whose fence is longer than any
// backtick run inside it.
func mdFence(b *bytes.Buffer, text string) {
	fence := strings.Repeat("`", max(3, longestRun(text, '`')+1))
	fmt.Fprintf(b, "%stext\n%s\n%s\n", fence, text, fence)
}

// mdCode is text as an inline code span that survives backticks inside.
func mdCode(s string) string {
	s = strings.ReplaceAll(firstLine(s), "\r", "")
	n := longestRun(s, '`')
	ticks := strings.Repeat("`", n+1)
	if n > 0 || strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		return ticks + " " + s + " " + ticks
	}
	return ticks + s + ticks
}

// mdInline is one line of text that cannot open Markdown structure.
func mdInline(s string) string {
	return strings.NewReplacer("\n", " ", "\r", "", "<", "&lt;", ">", "&gt;").Replace(s)
}

// mdCell is text for a table cell.
func mdCell(s string) string {
	return strings.ReplaceAll(mdInline(s), "|", `\|`)
}

func longestRun(s string, c byte) int {
	best, cur := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			cur++
			best = max(best, cur)
		} else {
			cur = 0
		}
	}
	return best
}
