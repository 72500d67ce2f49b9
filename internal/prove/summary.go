package prove

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/taskproof/taskproof/internal/evidence"
)

// JobSummary is the Markdown a CI job shows for one task's proof
// ($GITHUB_STEP_SUMMARY): the verdict, every Definition-of-Done item with
// its verdict and why, each proof command, and the evidence.
func (r Result) JobSummary() []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "### %s %s: %s\n\n", mdInline(r.Task), mdInline(r.File), strings.ToUpper(r.Verdict))
	fmt.Fprintf(&b, "%s\n\n", evidence.ItemCounts(r.Items))
	b.WriteString("| verdict | kind | item | reason |\n|---|---|---|---|\n")
	for _, it := range r.Items {
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", it.Verdict, mdCell(it.Kind), mdCell(it.Item), mdCell(it.Reason))
	}
	if len(r.Steps) > 0 {
		b.WriteString("\n| # | command | verdict | reason |\n|---|---|---|---|\n")
		for _, s := range r.Steps {
			fmt.Fprintf(&b, "| %d | `%s` | %s | %s |\n", s.N, mdCell(strings.ReplaceAll(s.Command, "`", "'")), s.Verdict, mdCell(s.Reason))
		}
	}
	if r.Evidence.Path != "" {
		fmt.Fprintf(&b, "\nEvidence: `%s` (%s), signed by key `%s`.\n", mdInline(r.Evidence.Path), r.Evidence.Digest, r.Evidence.KeyID)
	}
	return b.Bytes()
}
