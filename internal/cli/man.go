package cli

import (
	"fmt"
	"strings"
)

// ManPage renders the manual: NAME, SYNOPSIS, DESCRIPTION, one section
// per command (synopsis, help text as written, flags), EXIT STATUS (exitStatus, as written).
func ManPage(tree []*Node, version, exitStatus string) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, ".TH TASKPROOF 1 \"\" \"taskproof %s\" \"taskproof manual\"\n", roffText(version))
	b.WriteString(".SH NAME\ntaskproof \\- executable Definition of Done for task documents\n")
	b.WriteString(".SH SYNOPSIS\n.B taskproof\n.I COMMAND\n[flags] [args]\n.br\n.B taskproof\n\\-\\-help | \\-\\-version\n")
	b.WriteString(".SH DESCRIPTION\n")
	b.WriteString("taskproof makes a task document's Definition of Done executable: it runs the task's proofs " +
		"(tests, QEMU boots whose console must print declared markers), checks them without interpretation, " +
		"seals what it saw into signed evidence, and derives status, boards and graphs from that evidence.\n")
	b.WriteString(".SH COMMANDS\n")
	var walk func(ns []*Node)
	walk = func(ns []*Node) {
		for _, n := range ns {
			if len(n.Subs) > 0 {
				walk(n.Subs)
				continue
			}
			fmt.Fprintf(&b, ".SS \"taskproof %s\"\n", roffText(n.Name()))
			fmt.Fprintf(&b, "%s.\n.PP\n", roffText(n.Summary))
			fmt.Fprintf(&b, ".B taskproof %s\n", roffText(strings.TrimPrefix(n.Synopsis, "")))
			if n.Help != "" {
				b.WriteString(".PP\n.nf\n")
				for _, line := range strings.Split(strings.TrimRight(n.Help, "\n"), "\n") {
					b.WriteString(roffLine(line) + "\n")
				}
				b.WriteString(".fi\n")
			}
			for _, f := range n.Flags {
				b.WriteString(".TP\n\\fB" + roffText(f.Dashed()) + "\\fR")
				if f.Value != "" {
					b.WriteString(" \\fI" + roffText(f.Value) + "\\fR")
				}
				b.WriteString("\n" + roffLine(f.Usage))
				if f.Def != "" {
					b.WriteString(" (default " + roffText(f.Def) + ")")
				}
				b.WriteString("\n")
			}
		}
	}
	walk(tree)
	b.WriteString(".SH EXIT STATUS\n.nf\n")
	for _, line := range strings.Split(strings.TrimRight(exitStatus, "\n"), "\n") {
		b.WriteString(roffLine(line) + "\n")
	}
	b.WriteString(".fi\n.SH SEE ALSO\nThe documentation under docs/ of https://github.com/taskproof/taskproof: " +
		"rules.md, checks.md, contract.md, evidence.md, trust.md.\n")
	return []byte(b.String())
}

// roffText escapes text for roff: backslashes, hyphens, and non-ASCII
// characters as \[uXXXX] (troff reads bytes, not UTF-8).
func roffText(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\\':
			b.WriteString(`\e`)
		case r == '-':
			b.WriteString(`\-`)
		case r > 127:
			fmt.Fprintf(&b, `\[u%04X]`, r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// roffLine escapes one line of text: a leading '.' or '\” would be read
// as a request, an empty line as a paragraph break.
func roffLine(s string) string {
	s = roffText(s)
	if s == "" {
		return ".sp"
	}
	if s[0] == '.' || s[0] == '\'' {
		s = `\&` + s
	}
	return s
}
