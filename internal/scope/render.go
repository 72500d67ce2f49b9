package scope

import (
	"bytes"
	"fmt"
	"text/tabwriter"
)

// HygieneReport is the outcome of the hygiene rules over one change: the
// document `taskproof hygiene --format json` prints and evidence keeps.
type HygieneReport struct {
	Base      string       `json:"base"`
	BaseFrom  string       `json:"base_from"`
	MergeBase string       `json:"merge_base"`
	Findings  []Finding    `json:"findings"`
	Rules     []RuleStatus `json:"rules"`
	// Skipped names untracked files whose content was not read.
	Skipped []string `json:"skipped"`
}

// Text is the readable form of a scope result.
func (res *Result) Text() []byte {
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "%s %s\n", res.Task, res.File)
	fmt.Fprintf(&buf, "base %s (%s), merge base %s\n", res.Base, BaseFromText(res.BaseFrom), ShortHash(res.MergeBase))
	TextBlock(&buf, "touched", len(res.Touched), func(tw *tabwriter.Writer) {
		for _, c := range res.Touched {
			p := c.Path
			if c.OldPath != "" {
				p = c.OldPath + " -> " + c.Path
			}
			fmt.Fprintf(tw, "  %s\t%s\n", c.Status, p)
		}
	})
	TextBlock(&buf, "violations", len(res.Violations), func(tw *tabwriter.Writer) {
		for _, v := range res.Violations {
			st, p := v.Status, v.Path
			if st == "" {
				st = "-"
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\n", st, p, v.Reason)
		}
	})
	TextBlock(&buf, "unverifiable allowlist items", len(res.Unverifiable), func(tw *tabwriter.Writer) {
		for _, u := range res.Unverifiable {
			fmt.Fprintf(tw, "  %s:%d\t%s\t(%s)\n", res.File, u.Line, u.Text, u.Reason)
		}
	})
	if res.OK() {
		fmt.Fprintf(&buf, "\nok: %d touched path(s) within the allowlist of %s\n", len(res.Touched), res.Task)
	} else {
		fmt.Fprintf(&buf, "\nFAIL: %d violation(s) of the allowlist of %s\n", len(res.Violations), res.Task)
	}
	return buf.Bytes()
}

// Text is the readable form of a hygiene report.
func (rep *HygieneReport) Text() []byte {
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "base %s (%s), merge base %s\n", rep.Base, BaseFromText(rep.BaseFrom), ShortHash(rep.MergeBase))
	for _, f := range rep.Findings {
		fmt.Fprintf(&buf, "%s:%d: %s: %s\n    %s\n", f.File, f.Line, f.Rule, f.Message, f.Text)
	}
	fmt.Fprintln(&buf, "\nrules")
	tw := tabwriter.NewWriter(&buf, 0, 0, 2, ' ', 0)
	for _, r := range rep.Rules {
		state := "on"
		if !r.Enabled {
			state = "off"
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", r.Rule, state, r.Note)
	}
	tw.Flush()
	if len(rep.Skipped) > 0 {
		fmt.Fprintf(&buf, "\nnot read (%d)\n", len(rep.Skipped))
		for _, s := range rep.Skipped {
			fmt.Fprintf(&buf, "  %s\n", s)
		}
	}
	if len(rep.Findings) == 0 {
		fmt.Fprintln(&buf, "\nok: no hygiene finding on the added lines")
	} else {
		fmt.Fprintf(&buf, "\nFAIL: %d hygiene finding(s)\n", len(rep.Findings))
	}
	return buf.Bytes()
}

// TextBlock writes a titled, aligned block of n rows, or "(none)": the
// sections of the scope report and of `taskproof show`.
func TextBlock(buf *bytes.Buffer, title string, n int, rows func(*tabwriter.Writer)) {
	fmt.Fprintf(buf, "\n%s (%d)\n", title, n)
	if n == 0 {
		buf.WriteString("  (none)\n")
		return
	}
	tw := tabwriter.NewWriter(buf, 0, 0, 2, ' ', 0)
	rows(tw)
	tw.Flush()
}

// BaseFromText says in words how a base was chosen.
func BaseFromText(how string) string {
	switch how {
	case "given":
		return "--base"
	case "upstream":
		return "upstream of the current branch"
	case "main", "master":
		return "default: local branch " + how
	case "HEAD":
		return "default: HEAD, no upstream, main or master"
	case "empty tree":
		return "no commits yet"
	}
	return how
}

// ShortHash is a commit id cut to 12 hex digits.
func ShortHash(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return h
}
