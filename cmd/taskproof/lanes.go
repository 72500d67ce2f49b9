package main

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/taskproof/taskproof/internal/proofrun"
	"github.com/taskproof/taskproof/internal/prove"
)

// laneObserver reports the runs of a many-task prove: plain lines (one
// when a run starts, one when it ends) when stderr is not a terminal or
// CI is set, else one live line per lane above the finished runs' lines.
func laneObserver(env *cliEnv, jobs int) prove.Observer {
	if progressWanted(env) {
		return newLaneView(env.stderr, jobs).observer()
	}
	w := env.stderr
	return prove.Observer{
		RunStarted: func(r *prove.SharedRun) {
			fmt.Fprintf(w, "run %s [lane %d]: %s (proves %d task(s))\n", r.ID, r.Lane+1, r.First().Step.Command, len(r.Tasks()))
		},
		RunDone: func(r *prove.SharedRun) { fmt.Fprintln(w, runDoneLine(r)) },
	}
}

// runDoneLine is how a finished run is reported.
func runDoneLine(r *prove.SharedRun) string {
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
	runs  map[*prove.SharedRun]*laneState
	drawn int
	last  time.Time
}

type laneState struct {
	lines   int
	markers int
	last    string
	started time.Time
}

func newLaneView(w io.Writer, jobs int) *laneView {
	return &laneView{w: w, lanes: make([]string, jobs), runs: map[*prove.SharedRun]*laneState{}}
}

func (v *laneView) observer() prove.Observer {
	return prove.Observer{
		RunStarted: func(r *prove.SharedRun) {
			v.runs[r] = &laneState{started: time.Now()}
			v.set(r, true)
		},
		Event: func(r *prove.SharedRun, e proofrun.Event) {
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
		RunDone: func(r *prove.SharedRun) {
			delete(v.runs, r)
			v.lanes[r.Lane] = ""
			v.print(runDoneLine(r))
		},
	}
}

// set redraws r's lane line, at most ten times a second unless forced.
func (v *laneView) set(r *prove.SharedRun, force bool) {
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
