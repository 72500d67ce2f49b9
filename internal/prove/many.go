package prove

import (
	"bytes"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/taskproof/taskproof/internal/evidence"
	"github.com/taskproof/taskproof/internal/proofstate"
)

// ManyReport is the report of a many-task prove or of evidence collect.
type ManyReport struct {
	Verdict string        `json:"verdict"` // proven when every planned task is
	Tasks   []ManyTask    `json:"tasks"`
	Runs    ManyRuns      `json:"runs"`
	Left    []LeftView    `json:"left"`
	Lanes   []LaneProblem `json:"lane_problems"`
	Results []Result      `json:"results"`

	byTask map[string]ManyTask
}

// ManyTask is one planned task's line of a ManyReport.
type ManyTask struct {
	Task     string `json:"task"`
	File     string `json:"file"`
	Verdict  string `json:"verdict"`
	UpToDate bool   `json:"up_to_date"`
	Evidence string `json:"evidence"`
	Digest   string `json:"digest"`
}

// ManyRuns counts the plan's runs by what became of them.
type ManyRuns struct {
	Ran    int `json:"ran"`
	Reused int `json:"reused"`
	NotRun int `json:"not_run"`
}

// NewManyReport starts the report of p after its execution: its runs
// counted, what it left out, and the lanes that did not prove their tasks.
func (p *Plan) NewManyReport(lanes []LaneProblem) *ManyReport {
	rep := &ManyReport{Verdict: evidence.Proven, Tasks: []ManyTask{}, Left: p.View().Left, Lanes: lanes, Results: []Result{}, byTask: map[string]ManyTask{}}
	if rep.Lanes == nil {
		rep.Lanes = []LaneProblem{}
	}
	for _, r := range p.Runs() {
		switch {
		case r.Output == nil:
			rep.Runs.NotRun++
		case r.Cached != nil:
			rep.Runs.Reused++
		default:
			rep.Runs.Ran++
		}
	}
	return rep
}

// Add records the result of a task judged and sealed in this prove.
func (r *ManyReport) Add(res Result, s *Sealed) {
	r.Results = append(r.Results, res)
	r.byTask[res.Task] = ManyTask{Task: res.Task, File: res.File, Verdict: res.Verdict, Evidence: s.Path, Digest: s.Digest}
}

// Finish lists every task of p in plan order (a task not added was up to
// date) and settles the verdict: failed when a task is not proven, a task
// with a proof was left out, or a lane did not prove its tasks.
func (r *ManyReport) Finish(p *Plan) {
	for _, tp := range p.Tasks {
		id := string(tp.Doc.ID)
		t, ok := r.byTask[id]
		if !ok {
			t = ManyTask{Task: id, File: tp.Doc.Path, Verdict: evidence.Proven, UpToDate: true, Evidence: proofstate.BundleRel(tp.Doc.ID), Digest: tp.Fresh}
		}
		if t.Verdict != evidence.Proven {
			r.Verdict = evidence.Failed
		}
		r.Tasks = append(r.Tasks, t)
	}
	for _, l := range r.Left {
		if !l.NoProof {
			r.Verdict = evidence.Failed
		}
	}
	if len(r.Lanes) > 0 {
		r.Verdict = evidence.Failed
	}
}

// Text is the report for people: one line per task, then what was left
// out and the totals.
func (r ManyReport) Text() []byte {
	var b bytes.Buffer
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "TASK\tVERDICT\tEVIDENCE")
	counts := map[string]int{}
	fresh := 0
	for _, t := range r.Tasks {
		note := ""
		if t.UpToDate {
			note = " (up to date)"
			fresh++
		}
		counts[t.Verdict]++
		fmt.Fprintf(tw, "%s\t%s\t%s%s\n", t.Task, t.Verdict, t.Evidence, note)
	}
	tw.Flush()
	if len(r.Left) > 0 {
		b.WriteString("\nleft out:\n")
		for _, l := range r.Left {
			fmt.Fprintf(&b, "  %s %s: %s\n", l.Task, l.File, l.Reason)
		}
	}
	if len(r.Lanes) > 0 {
		b.WriteString("\nlanes that did not prove their tasks:\n")
		for _, l := range r.Lanes {
			fmt.Fprintf(&b, "  %v\n      tasks: %s\n", l, strings.Join(l.Tasks, " "))
		}
	}
	fmt.Fprintf(&b, "\n%s: %d task(s), %d proven (%d up to date), %d failed, %d left out; runs: %d ran, %d reused, %d not run\n",
		strings.ToUpper(r.Verdict), len(r.Tasks), counts[evidence.Proven], fresh, len(r.Tasks)-counts[evidence.Proven], len(r.Left),
		r.Runs.Ran, r.Runs.Reused, r.Runs.NotRun)
	return b.Bytes()
}

// Markdown is the summary a CI job uploads: the totals and a table.
func (r ManyReport) Markdown() []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "## taskproof: %s\n\n", r.Verdict)
	b.WriteString("| task | verdict | evidence |\n|---|---|---|\n")
	for _, t := range r.Tasks {
		fmt.Fprintf(&b, "| %s | %s | `%s` %s |\n", t.Task, t.Verdict, t.Evidence, t.Digest)
	}
	for _, l := range r.Lanes {
		fmt.Fprintf(&b, "\n- lane `%s` (`%s`): %s — tasks %s\n", l.Lane, l.Command, l.Message, strings.Join(l.Tasks, ", "))
	}
	return b.Bytes()
}

// JobSummary is the job summary of a many-task prove: the totals and
// table, then the items of every task that was not proven.
func (r ManyReport) JobSummary() []byte {
	var b bytes.Buffer
	b.Write(r.Markdown())
	for _, res := range r.Results {
		if res.Verdict != evidence.Proven {
			b.WriteString("\n")
			b.Write(res.JobSummary())
		}
	}
	return b.Bytes()
}
