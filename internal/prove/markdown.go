package prove

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"

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
	Files      []evidence.File
	Tail       int // lines of each console shown
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
		ok, err := evidence.Decode(in.Files, name, v)
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
			mdConsole(&b, st, run, in)
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
func mdConsole(b *bytes.Buffer, st evidence.ConfigStep, run evidence.RunReport, in MarkdownInput) {
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
	var data []byte
	found := false
	for _, f := range in.Files {
		if f.Name == run.Log {
			data, found = f.Data, true
		}
	}
	if !found || in.Tail == 0 {
		return
	}
	lines := strings.Split(strings.TrimRight(cleanConsole(string(data)), "\n"), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " \t")
	}
	if len(lines) > in.Tail {
		lines = lines[len(lines)-in.Tail:]
	}
	fmt.Fprintf(b, "\nLast %d line(s) of `%s`:\n\n", len(lines), run.Log)
	mdFence(b, strings.Join(lines, "\n"))
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

var (
	ansiCSI = regexp.MustCompile("\x1b\\[[0-9;?]*[ -/]*[@-~]")
	ansiESC = regexp.MustCompile("\x1b[()#][0-9A-Za-z]|\x1b[=>78cDEHM]")
)

// cleanConsole makes a console log readable in Markdown: ANSI escapes and
// carriage returns removed, other control bytes shown as '?'.
func cleanConsole(s string) string {
	s = ansiCSI.ReplaceAllString(s, "")
	s = ansiESC.ReplaceAllString(s, "")
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
