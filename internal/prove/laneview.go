package prove

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/taskproof/taskproof/internal/proofrun"
)

// RunLines is the observer of a many-task prove off a terminal: one line
// on w when a run starts, one when it ends.
func RunLines(w io.Writer) Observer {
	return Observer{
		RunStarted: func(r *SharedRun) {
			fmt.Fprintf(w, "run %s [lane %d]: %s (proves %d task(s))\n", r.ID, r.Lane+1, r.First().Step.Command, len(r.Tasks()))
		},
		RunDone: func(r *SharedRun) { fmt.Fprintln(w, r.DoneLine()) },
	}
}

// DoneLine is how a finished run is reported.
func (r *SharedRun) DoneLine() string {
	first := r.First()
	res := first.Step.Result
	mark := "ok"
	if res == nil || !res.Outcome.Passed {
		mark = "FAILED"
	}
	reason := ""
	if res != nil {
		reason = res.Outcome.Reason
	}
	return fmt.Sprintf("run %s [lane %d]: %s: %s (%.1fs)", r.ID, r.Lane+1, mark, reason, r.Duration.Seconds())
}

// laneView is the terminal view: the last lines are one per lane, redrawn
// in place; a finished run's line is printed above them.
type laneView struct {
	w     io.Writer
	lanes []string
	runs  map[*SharedRun]*laneState
	drawn int
	last  time.Time
}

type laneState struct {
	lines   int
	markers int
	last    string
	started time.Time
}

// LaneView is the observer of a many-task prove on a terminal: the last
// lines of w are one per lane (jobs of them), redrawn in place; a finished
// run's line is printed above them.
func LaneView(w io.Writer, jobs int) Observer {
	return (&laneView{w: w, lanes: make([]string, jobs), runs: map[*SharedRun]*laneState{}}).observer()
}

func (v *laneView) observer() Observer {
	return Observer{
		RunStarted: func(r *SharedRun) {
			v.runs[r] = &laneState{started: time.Now()}
			v.set(r, true)
		},
		Event: func(r *SharedRun, e proofrun.Event) {
			s := v.runs[r]
			if s == nil {
				return
			}
			switch e.Kind {
			case proofrun.Lines:
				s.lines = e.Lines
			case proofrun.MarkerSeen:
				s.markers++
				s.last = e.Marker.Marker
			}
			v.set(r, false)
		},
		RunDone: func(r *SharedRun) {
			delete(v.runs, r)
			v.lanes[r.Lane] = ""
			v.print(r.DoneLine())
		},
	}
}

// set redraws r's lane line, at most ten times a second unless forced.
func (v *laneView) set(r *SharedRun, force bool) {
	s := v.runs[r]
	line := fmt.Sprintf("lane %d: %s %s  %.0fs  %d lines  %d markers", r.Lane+1, r.ID, r.First().Step.Command,
		time.Since(s.started).Seconds(), s.lines, s.markers)
	if s.last != "" {
		line += "  last: " + s.last
	}
	if len(line) > 120 {
		line = line[:117] + "..."
	}
	v.lanes[r.Lane] = line
	if !force && time.Since(v.last) < 100*time.Millisecond {
		return
	}
	v.redraw("")
}

// print writes a finished line above the lane lines.
func (v *laneView) print(line string) { v.redraw(line) }

func (v *laneView) redraw(above string) {
	v.last = time.Now()
	var b strings.Builder
	if v.drawn > 0 {
		fmt.Fprintf(&b, "\x1b[%dA", v.drawn)
	}
	if above != "" {
		b.WriteString("\r\x1b[K" + above + "\n")
	}
	for i, l := range v.lanes {
		if l == "" {
			l = fmt.Sprintf("lane %d: idle", i+1)
		}
		b.WriteString("\r\x1b[K" + l + "\n")
	}
	v.drawn = len(v.lanes)
	io.WriteString(v.w, b.String())
}

// WriteCached prints to w each run whose earlier passing output is
// reused: one line per run when many tasks are proved, else one per step.
func (p *Plan) WriteCached(w io.Writer, many bool) {
	for _, r := range p.Runs() {
		if r.Cached == nil {
			continue
		}
		if many {
			fmt.Fprintf(w, "run %s: %s (proves %d task(s))\n", r.ID, r.Cached, len(r.Tasks()))
			continue
		}
		for _, ts := range r.Steps {
			fmt.Fprintf(w, "prove %s: [%d/%d] %s: %s\n", ts.Task.Doc.ID, ts.Step.N, len(ts.Task.Steps), ts.Step.Command, r.Cached)
		}
	}
}

// ManyObserver is the observer of a many-task prove on w: the LaneView of
// jobs lanes when w is a terminal to redraw (live), else RunLines.
func ManyObserver(w io.Writer, jobs int, live bool) Observer {
	if live {
		return LaneView(w, jobs)
	}
	return RunLines(w)
}
