package prove

import (
	"bytes"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/taskproof/taskproof/internal/evidence"
)

// Result is the report of one task's prove (`prove --format json`).
type Result struct {
	Task       string          `json:"task"`
	File       string          `json:"file"`
	Commit     string          `json:"commit"`
	Verdict    string          `json:"verdict"`
	Items      []evidence.Item `json:"items"`
	Steps      []StepReport    `json:"steps"`
	Evidence   EvidenceReport  `json:"evidence"`
	DurationMS int64           `json:"duration_ms"`
}

// StepReport is one proof command in a Result.
type StepReport struct {
	N          int      `json:"n"`
	Command    string   `json:"command"`
	Line       int      `json:"line"`
	Runner     string   `json:"runner"`
	Argv       []string `json:"argv"`
	Verdict    string   `json:"verdict"`
	Reason     string   `json:"reason"`
	DurationMS int64    `json:"duration_ms"`
	Run        string   `json:"run,omitempty"` // the shared run's id
}

// EvidenceReport names the bundle in a Result.
type EvidenceReport struct {
	Path      string `json:"path"`   // relative to the root
	Digest    string `json:"digest"` // sha256 of the bundle file
	KeyID     string `json:"key_id"`
	KeySource string `json:"key_source"`
}

// Result reports j, sealed as s; keySource says where the key came from.
func (p *Plan) Result(j *Judgement, s *Sealed, keySource string) Result {
	tp := j.Task
	res := Result{
		Task: string(tp.Doc.ID), File: tp.Doc.Path, Commit: tp.Inputs.Commit, Verdict: j.Verdict, Items: j.Items,
		Steps:      []StepReport{},
		Evidence:   EvidenceReport{Path: s.Path, Digest: s.Digest, KeyID: s.KeyID, KeySource: keySource},
		DurationMS: time.Since(p.started).Milliseconds(),
	}
	for _, st := range tp.Steps {
		r := st.result()
		reason := r.Outcome.Reason
		if r.Cached != nil {
			reason += " (" + r.Cached.String() + ")"
		}
		res.Steps = append(res.Steps, StepReport{N: st.N, Command: st.Command, Line: st.Line, Runner: string(st.Runner),
			Argv: st.Argv, Verdict: r.Verdict, Reason: reason, DurationMS: r.Duration.Milliseconds(), Run: r.Run})
	}
	return res
}

// Text is the readable report: the verdict, a table of items, where the
// evidence is.
func (r Result) Text() []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s %s: %s (%s)\n\n", r.Task, r.File, strings.ToUpper(r.Verdict), evidence.ItemCounts(r.Items))
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  VERDICT\tKIND\tITEM\tREASON")
	for _, it := range r.Items {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", it.Verdict, it.Kind, firstLine(it.Item), it.Reason)
	}
	tw.Flush()
	fmt.Fprintf(&b, "\ncommit:   %s\n", r.Commit)
	fmt.Fprintf(&b, "evidence: %s %s\n", r.Evidence.Path, r.Evidence.Digest)
	fmt.Fprintf(&b, "signed:   key %s (%s)\n", r.Evidence.KeyID, r.Evidence.KeySource)
	lines := strings.Split(b.String(), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return []byte(strings.Join(lines, "\n"))
}
