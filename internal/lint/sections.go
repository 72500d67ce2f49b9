package lint

import (
	"strings"
	"unicode"

	"github.com/taskproof/taskproof/internal/task"
)

// requiredSection is a template section every task must have, with the
// heading variants real repositories use for it.
type requiredSection struct {
	Name  string // the template's heading
	match func(h string) bool
}

// requiredSections are the template sections missing-section asks for, in
// template order. The remaining template sections (Red flags, Security,
// Contract sources, Plan, Acceptance criteria, Evidence, RFC seeds) are
// optional or conditional.
var requiredSections = []requiredSection{
	{"Context", func(h string) bool {
		return hasAnyPrefix(h, "context", "background", "problem", "motivation")
	}},
	{"Goal", func(h string) bool {
		return hasAnyPrefix(h, "goal", "objective")
	}},
	{"Non-Goals", isNonGoals},
	{"Constraints / invariants", func(h string) bool {
		return hasAnyPrefix(h, "constraint", "invariant")
	}},
	{"Stop conditions (Definition of Done)", isStopConditions},
	{"Touched paths (allowlist)", func(h string) bool {
		return hasAnyPrefix(h, "allowlist", "allowed paths") ||
			(strings.Contains(h, "touched") && task.IsTouchedPathsHeading(h))
	}},
}

func isNonGoals(h string) bool {
	return hasAnyPrefix(h, "non-goal", "non goal", "nongoal", "out of scope", "out-of-scope")
}

// isStopConditions recognises the Stop-conditions heading wherever the
// words appear ("Stop Conditions", "Goal / stop condition", "Phases (stop
// conditions + proofs)", "Definition of Done — status"), exactly as the
// parser does when it reads proof commands.
// h is already normalised, so the cheap word test can skip the parser's
// own normalisation for the many headings that cannot match.
func isStopConditions(h string) bool {
	return (strings.Contains(h, "stop") || strings.Contains(h, "definition") || strings.Contains(h, "dod")) &&
		task.IsStopConditionsHeading(h)
}

// isSecurityProof recognises "Security proof" headings as the parser does.
func isSecurityProof(h string) bool {
	return strings.Contains(h, "proof") && task.IsSecurityProofHeading(h)
}

var headingMarks = strings.NewReplacer("*", "", "`", "", "_", " ", "\u2011", "-", "\u2010", "-")

// normHeading lower-cases a heading and strips what decorates it: leading
// emoji, numbering and punctuation, Markdown emphasis and code marks.
func normHeading(h string) string {
	h = strings.ToLower(h)
	h = headingMarks.Replace(h)
	h = strings.TrimLeftFunc(h, func(r rune) bool {
		return !unicode.IsLetter(r)
	})
	return strings.Join(strings.Fields(h), " ")
}

func hasAnyPrefix(s string, prefixes ...string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// span is an inclusive line range.
type span struct{ from, to int }

func (s span) contains(line int) bool { return line >= s.from && line <= s.to }

// sectionSpans returns, for every heading (normalised in headings, index
// for index with d.Sections) accepted by match, the lines from
// the heading to just before the next heading of the same or a higher level
// (so a section includes its sub-sections; the last one runs to the end of
// the document). A matching heading nested inside an earlier match is part
// of that one, as in the parser, and gets no span of its own.
func sectionSpans(d *task.Document, headings []string, match func(h string) bool) []span {
	var out []span
	secs := d.Sections
	for i, s := range secs {
		if !match(headings[i]) {
			continue
		}
		if n := len(out); n > 0 && out[n-1].contains(s.Line) {
			continue
		}
		end := endOfDocument
		for _, t := range secs[i+1:] {
			if t.Level <= s.Level && t.Line > s.Line {
				end = t.Line - 1
				break
			}
		}
		if end < s.Line {
			end = s.Line
		}
		out = append(out, span{s.Line, end})
	}
	return out
}

// endOfDocument stands for "to the end of the file" in a span.
const endOfDocument = 1 << 30
