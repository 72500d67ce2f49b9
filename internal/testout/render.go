package testout

import (
	"bytes"
	"fmt"
	"strings"
)

// textMessageLines bounds how much of a failure message Text shows; the
// JSON report carries the whole (bounded) message.
const textMessageLines = 12

// Text renders the report for a terminal: each case, the problems, the
// required tests and the summary line.
func (rep Report) Text() []byte {
	var buf bytes.Buffer
	w := &buf
	for _, c := range rep.Cases {
		where := c.Suite
		if c.Outcome != Passed {
			if where != "" {
				where += ", "
			}
			where += fmt.Sprintf("line %d", c.Line)
		}
		fmt.Fprintf(w, "%-8s %s", c.Outcome, c.Name)
		if where != "" {
			fmt.Fprintf(w, "  (%s)", where)
		}
		switch c.Outcome {
		case Skipped:
			if c.Message != "" {
				fmt.Fprintf(w, ": %s", strings.TrimSpace(strings.SplitN(c.Message, "\n", 2)[0]))
			}
			w.WriteByte('\n')
		case Failed, Errored:
			w.WriteByte('\n')
			lines := strings.Split(c.Message, "\n")
			if c.Message == "" {
				lines = nil
			}
			for i, l := range lines {
				if i == textMessageLines {
					fmt.Fprintf(w, "         | ... %d more lines (--format json has the message)\n", len(lines)-i)
					break
				}
				fmt.Fprintf(w, "         | %s\n", strings.TrimRight(l, " \t"))
			}
		default:
			w.WriteByte('\n')
		}
	}
	if rep.Crashed {
		fmt.Fprintf(w, "crashed: %s\n", rep.CrashReason)
	}
	for _, warn := range rep.Warnings {
		fmt.Fprintf(w, "warning: %s\n", warn)
	}
	for _, r := range rep.Required {
		fmt.Fprintf(w, "required %s: %s", r.Name, r.Outcome)
		if n := len(r.Matches); n > 0 {
			names := make([]string, 0, 5)
			for i, m := range r.Matches {
				if i == 5 {
					names = append(names, fmt.Sprintf("and %d more", n-5))
					break
				}
				names = append(names, fmt.Sprintf("%s %s", m.Name, m.Outcome))
			}
			fmt.Fprintf(w, " (%s)", strings.Join(names, ", "))
		}
		w.WriteByte('\n')
	}
	s := rep.Summary
	fmt.Fprintf(w, "%d passed, %d failed, %d skipped, %d errored\n", s.Passed, s.Failed, s.Skipped, s.Errored)
	return buf.Bytes()
}

// Describe says how an input starts, for an error about a format that
// cannot be detected.
func Describe(data []byte) string {
	for _, l := range strings.Split(string(data), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			if len(l) > 60 {
				l = strings.ToValidUTF8(l[:60], "") + "..."
			}
			return fmt.Sprintf("it starts with %q", l)
		}
	}
	return "it is empty"
}
