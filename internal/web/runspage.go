package web

import (
	"fmt"
	"strings"
	"time"

	"github.com/taskproof/taskproof/internal/live"
	"github.com/taskproof/taskproof/internal/task"
)

// MaxRunsListed bounds the runs page.
const MaxRunsListed = 200

// runsPage lists the runs: live records not (yet) in the ledger first,
// then the ledger, newest first.
type runsPage struct {
	pageBase
	LiveRows []runsRow
	Runs     []runsRow
	Note     string
}

type runsRow struct {
	Href     string
	Label    string
	Kind     string
	Task     string
	TaskHref string
	Verdict  string
	Cls      string
	Started  string
	Duration string
	Commit   string
	State    string
	Command  string
	Progress string
}

// liveProgress counts the required markers a live record has seen.
func liveProgress(src Source, r *live.Record) string {
	need, have := 0, 0
	for _, st := range r.Steps {
		marks, _ := src.LiveMarks(r.ID, st.N, 0)
		seen := map[string]bool{}
		for _, m := range marks {
			seen[m.Marker] = true
		}
		for _, q := range st.Required {
			need++
			if seen[q.Marker] {
				have++
			}
		}
	}
	if need == 0 {
		return fmt.Sprintf("%d step(s)", len(r.Steps))
	}
	return fmt.Sprintf("%d/%d markers", have, need)
}

func liveRow(src Source, r *live.Record, base string) runsRow {
	row := runsRow{Href: liveRunHref(base, r.ID), Label: r.ID, Kind: r.Kind, Task: r.Task, Verdict: r.Verdict,
		State: r.Effective(), Command: strings.Join(r.Command, " "), Progress: liveProgress(src, r)}
	if r.Task != "" {
		if id, ok := task.ParseID(r.Task); ok {
			row.TaskHref = taskHref(base, id)
		}
	}
	if t, err := time.Parse(time.RFC3339Nano, r.StartedAt); err == nil {
		row.Started = t.UTC().Format("2006-01-02 15:04:05")
	}
	if row.Verdict == "" {
		row.Verdict = row.State
	}
	row.Cls = verdictClass(row.Verdict)
	if r.DurationMS > 0 {
		row.Duration = fmtMS(r.DurationMS)
	}
	return row
}

func buildRunsPage(src Source, snap *Snapshot, base pageBase) (*runsPage, error) {
	p := &runsPage{pageBase: base}
	p.Nav = "runs"
	p.Title = snap.Name + " — runs"
	recs, err := src.LiveRuns()
	if err != nil {
		return nil, err
	}
	for _, r := range recs {
		if r.LedgerID == 0 {
			p.LiveRows = append(p.LiveRows, liveRow(src, r, base.Base))
		}
	}
	runs, err := src.Runs("", MaxRunsListed)
	if err != nil {
		return nil, err
	}
	for _, r := range runs {
		row := runsRow{Href: ledgerRunHref(base.Base, r.ID), Label: fmt.Sprintf("#%d", r.ID), Kind: string(r.Kind), Task: r.TaskID,
			Verdict: r.Verdict, Cls: verdictClass(r.Verdict), Started: r.StartedAt.UTC().Format("2006-01-02 15:04:05"),
			Duration: fmtMS(r.DurationMS), Commit: shortHash(r.Commit), Command: strings.Join(r.Command, " ")}
		if id, ok := task.ParseID(r.TaskID); ok && r.TaskID != "" {
			row.TaskHref = taskHref(base.Base, id)
		}
		p.Runs = append(p.Runs, row)
	}
	if len(runs) == MaxRunsListed {
		p.Note = fmt.Sprintf("the newest %d runs; taskproof history lists them all", MaxRunsListed)
	}
	return p, nil
}
