package report

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Markdown renders r as a summary for a CI job page (GitHub's
// GITHUB_STEP_SUMMARY): the verdict, a table of the required markers with
// the line and time each first appeared, and the failure with its excerpt.
func (r *Report) Markdown() []byte {
	var b strings.Builder
	icon := "✅"
	if r.Verdict != "PASS" {
		icon = "❌"
	}
	fmt.Fprintf(&b, "## %s taskproof %s: %s\n\n", icon, r.Tool, r.Verdict)
	facts := []string{fmt.Sprintf("%d/%d required markers", r.Found, r.Required)}
	if r.Profile != "" {
		facts = append(facts, "profile "+code(r.Profile))
	}
	if r.Contract != "" {
		facts = append(facts, "contract "+code(r.Contract))
	}
	if r.Tool == "run" {
		facts = append(facts, seconds(r.DurationMS)+"s")
	}
	if r.StoppedEarly {
		facts = append(facts, "stopped early")
	}
	b.WriteString(strings.Join(facts, " · ") + "\n\n")
	if f := r.Failure; f != nil {
		fmt.Fprintf(&b, "**%s**: %s\n\n", f.Kind, cell(f.Message))
		if f.Phase != "" {
			fmt.Fprintf(&b, "- first failed phase: %s\n", code(f.Phase))
		}
		if f.Marker != "" {
			fmt.Fprintf(&b, "- marker: %s\n", code(f.Marker))
		}
		if f.Line > 0 {
			fmt.Fprintf(&b, "- line: %d\n", f.Line)
		}
		if len(f.Excerpt) > 0 {
			text := strings.Join(f.numbered(), "\n")
			fence := "```"
			for strings.Contains(text, fence) {
				fence += "`"
			}
			fmt.Fprintf(&b, "\n%stext\n%s\n%s\n", fence, text, fence)
		}
		if len(f.NearMisses) > 0 {
			b.WriteString("\nNear misses (lines holding the marker's text that were not accepted):\n\n")
			for _, n := range f.NearMisses {
				fmt.Fprintf(&b, "- line %d: %s — %s; fix: %s\n", n.Line, code(n.Text), cell(n.Reason), cell(n.Fix))
			}
		}
		b.WriteString("\n")
	}
	if len(r.Warnings) > 0 {
		n := len(r.Warnings) + r.WarningsDropped
		fmt.Fprintf(&b, "⚠️ **%d undeclared failure line%s** (declare them as diag markers if a good run prints them; `failure_lines = \"fail\"` fails on them):\n\n", n, plural(n))
		for _, w := range r.Warnings {
			fmt.Fprintf(&b, "- line %d: %s\n", w.Line, code(w.Text))
		}
		if r.WarningsDropped > 0 {
			fmt.Fprintf(&b, "- … and %d more\n", r.WarningsDropped)
		}
		b.WriteString("\n")
	}
	if len(r.Checks) > 0 {
		b.WriteString("| | Marker | Phase | Line | Time |\n|---|---|---|---|---|\n")
		for _, c := range r.Checks {
			mark, line, at := "✅", "—", "—"
			if !c.Passed {
				mark = "❌"
			}
			if c.Line > 0 {
				line = fmt.Sprint(c.Line)
			}
			if c.AtMS != nil {
				at = seconds(*c.AtMS) + "s"
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", mark, code(c.Marker), cell(c.Phase), line, at)
		}
	}
	return []byte(b.String())
}

// code renders s as an inline code span that survives backticks and pipes
// inside a table cell.
func code(s string) string {
	s = cell(s)
	tick := "`"
	for strings.Contains(s, tick) {
		tick += "`"
	}
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		return tick + " " + s + " " + tick
	}
	return tick + s + tick
}

// cell makes s safe inside a Markdown table cell: one line, pipes escaped.
func cell(s string) string {
	return strings.ReplaceAll(printable(s), "|", `\|`)
}

// printable shows control characters (escape sequences, NULs, CR, LF)
// as Go-style escapes so a console excerpt cannot drive the reader's
// terminal or break the document it is embedded in. Tabs stay.
func printable(s string) string {
	clean := true
	for _, r := range s {
		if (r < 0x20 && r != '\t') || r == 0x7f || r == utf8.RuneError {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i, r := range s {
		switch {
		case r == utf8.RuneError:
			fmt.Fprintf(&b, "\\x%02x", s[i])
		case (r < 0x20 && r != '\t') || r == 0x7f:
			fmt.Fprintf(&b, "\\x%02x", r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
