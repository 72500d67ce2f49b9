package web

import (
	"fmt"
	"sort"
	"strings"

	"github.com/taskproof/taskproof/internal/board"
	"github.com/taskproof/taskproof/internal/lint"
	"github.com/taskproof/taskproof/internal/proofstate"
	"github.com/taskproof/taskproof/internal/task"
)

// pageBase is what every page's layout needs.
type pageBase struct {
	Title   string
	Base    string // relative path to the site root: "" or "../"
	Project string
	Nav     string // board, graph, runs: the highlighted tab
	Live    bool   // served: live updates (server-sent events) are available
}

// findingView is one lint or drift finding beside its task.
type findingView struct {
	Where    string // file:line
	Rule     string
	Severity string // error, warning, info, drift
	Message  string
}

// stateCount is how many tasks are in one proof state.
type stateCount struct {
	State string
	Count int
	Help  string
}

// boardRow is one task on the board.
type boardRow struct {
	ID       string
	Href     string
	Title    string
	Status   string // as written
	Class    string // normalised status class, "" unknown
	State    string // proof state
	Summary  string
	Claims   bool
	Path     string
	Groups   string // group names joined by "\x1f", for the filter
	Search   string // lower-case text the filter matches
	Findings []findingView
	Errors   int // lint errors + drift findings
	Warnings int
}

// boardGroup is one group with its rows.
type boardGroup struct {
	Name    string
	Anchor  string
	Done    int
	Total   int
	Percent int
	Proven  int
	Bar     progressBar
	Rows    []boardRow
	Missing []string
}

// progressBar is the geometry of a group's bar: header-Done and proven
// shares of the width, as SVG rectangles (no inline styles: CSP).
type progressBar struct {
	DoneW   string // percentage width of the Done part
	ProvenW string // percentage width of the proven part
}

func newBar(done, proven, total int) progressBar {
	if total <= 0 {
		return progressBar{DoneW: "0%", ProvenW: "0%"}
	}
	return progressBar{
		DoneW:   fmt.Sprintf("%.2f%%", 100*float64(done)/float64(total)),
		ProvenW: fmt.Sprintf("%.2f%%", 100*float64(proven)/float64(total)),
	}
}

// boardPage is the board: every task with its header status, proof state
// and findings, by group.
type boardPage struct {
	pageBase
	Counts        []stateCount
	Total         int
	Done          int
	Proven        int
	Groups        []boardGroup
	GroupNames    []string
	Claimed       []boardRow
	BoardFindings []findingView
	Warnings      []string
	GroupSource   string
	HasKey        bool
}

// stateHelp says what each proof state means, for tooltips and the legend.
var stateHelp = map[string]string{
	string(proofstate.Proven):   "valid evidence, inputs unchanged since the proof",
	string(proofstate.Stale):    "valid, proven evidence, but its inputs changed since",
	string(proofstate.Failed):   "valid evidence whose verdict is failed",
	string(proofstate.Claimed):  "the header says Done or In Review without valid evidence",
	string(proofstate.Unproven): "no evidence, and the header claims nothing",
	string(proofstate.Invalid):  "an evidence bundle that does not verify",
}

func taskHref(base string, id task.ID) string {
	if id == "" {
		return ""
	}
	return base + "tasks/" + string(id) + ".html"
}

func lintViews(ds []lint.Diagnostic) []findingView {
	out := make([]findingView, 0, len(ds))
	for _, d := range ds {
		out = append(out, findingView{Where: fmt.Sprintf("%s:%d", d.File, d.Line), Rule: d.Rule, Severity: string(d.Severity), Message: d.Message})
	}
	return out
}

func driftViews(fs []board.Finding) []findingView {
	out := make([]findingView, 0, len(fs))
	for _, f := range fs {
		out = append(out, findingView{Where: fmt.Sprintf("%s:%d", f.File, f.Line), Rule: f.Kind, Severity: "drift", Message: f.Message})
	}
	return out
}

func rowOf(base string, t *Task) boardRow {
	d := t.Doc
	r := boardRow{
		ID: string(d.ID), Href: taskHref(base, d.ID), Title: d.Title, Status: d.Status.Raw, Class: string(d.Status.Class),
		State: string(t.Proof.State), Summary: t.Proof.Summary, Claims: t.Proof.Claims, Path: d.Path,
		Groups: strings.Join(t.Groups, "\x1f"),
	}
	if r.ID == "" {
		r.ID = d.Path
	}
	r.Search = strings.ToLower(r.ID + " " + d.Title + " " + d.Status.Raw + " " + d.Path)
	r.Findings = append(lintViews(t.Lint), driftViews(t.Drift)...)
	for _, f := range r.Findings {
		if f.Severity == "error" || f.Severity == "drift" {
			r.Errors++
		} else {
			r.Warnings++
		}
	}
	return r
}

// buildBoard makes the board page of snap.
func buildBoard(snap *Snapshot, base pageBase) *boardPage {
	p := &boardPage{pageBase: base, Warnings: snap.Warnings, GroupSource: snap.GroupSource, HasKey: snap.HasKey}
	p.Title = snap.Name + " — board"
	p.Nav = "board"
	counts := map[string]int{}
	ids := map[task.ID]bool{}
	for _, t := range snap.Tasks {
		counts[string(t.Proof.State)]++
		if t.Doc.ID != "" {
			ids[t.Doc.ID] = true
		}
	}
	for _, s := range proofstate.States {
		p.Counts = append(p.Counts, stateCount{State: string(s), Count: counts[string(s)], Help: stateHelp[string(s)]})
	}
	p.Total = snap.Board.All.Total
	p.Done = snap.Board.All.Done
	if snap.Board.All.Proven != nil {
		p.Proven = *snap.Board.All.Proven
	}
	rows := func(members []task.ID) []boardRow {
		var out []boardRow
		for _, id := range members {
			for _, t := range snap.ByID[id] {
				out = append(out, rowOf(base.Base, t))
			}
		}
		return out
	}
	proven := func(members []task.ID) int {
		n := 0
		for _, id := range members {
			ts := snap.ByID[id]
			ok := len(ts) > 0
			for _, t := range ts {
				ok = ok && t.Proof.State == proofstate.Proven
			}
			if ok {
				n++
			}
		}
		return n
	}
	grouped := map[*Task]bool{}
	for i, g := range snap.Groups {
		bg := boardGroup{Name: g.Name, Anchor: fmt.Sprintf("g%d", i+1), Done: g.Done, Total: g.Total, Percent: g.Percent, Proven: proven(g.Members), Rows: rows(g.Members)}
		bg.Bar = newBar(bg.Done, bg.Proven, bg.Total)
		for _, id := range g.Missing {
			bg.Missing = append(bg.Missing, string(id))
		}
		for _, id := range g.Members {
			for _, t := range snap.ByID[id] {
				grouped[t] = true
			}
		}
		p.Groups = append(p.Groups, bg)
		p.GroupNames = append(p.GroupNames, g.Name)
	}
	// Every task appears: those in no group (or every task, when there are
	// no groups) get a group of their own.
	var rest []boardRow
	done, prov := 0, 0
	for _, t := range snap.Tasks {
		if grouped[t] {
			continue
		}
		rest = append(rest, rowOf(base.Base, t))
		if t.Doc.Status.Class == "Done" {
			done++
		}
		if t.Proof.State == proofstate.Proven {
			prov++
		}
	}
	if len(rest) > 0 {
		name := "All tasks"
		if len(snap.Groups) > 0 {
			name = "In no group"
		}
		g := boardGroup{Name: name, Anchor: "g0", Done: done, Total: len(rest), Percent: board.Percent(done, len(rest)), Proven: prov, Rows: rest}
		g.Bar = newBar(done, prov, len(rest))
		p.Groups = append(p.Groups, g)
	}
	for _, t := range snap.Tasks {
		if t.Proof.Claims && t.Proof.State != proofstate.Proven {
			p.Claimed = append(p.Claimed, rowOf(base.Base, t))
		}
	}
	p.BoardFindings = driftViews(snap.BoardFindings)
	sort.Strings(p.GroupNames)
	return p
}

// boardState is the JSON the board's live script fetches to refresh the
// proof states in place.
type boardState struct {
	Counts map[string]int    `json:"counts"`
	Tasks  []boardStateTask  `json:"tasks"`
	Groups []boardStateGroup `json:"groups"`
}

type boardStateTask struct {
	ID      string `json:"id"`
	Path    string `json:"path"`
	State   string `json:"state"`
	Summary string `json:"summary"`
	Status  string `json:"status"`
}

type boardStateGroup struct {
	Anchor  string `json:"anchor"`
	Done    int    `json:"done"`
	Proven  int    `json:"proven"`
	Total   int    `json:"total"`
	DoneW   string `json:"done_w"`
	ProvenW string `json:"proven_w"`
}

func buildBoardState(p *boardPage) boardState {
	st := boardState{Counts: map[string]int{}, Tasks: []boardStateTask{}, Groups: []boardStateGroup{}}
	for _, c := range p.Counts {
		st.Counts[c.State] = c.Count
	}
	seen := map[string]bool{}
	for _, g := range p.Groups {
		st.Groups = append(st.Groups, boardStateGroup{Anchor: g.Anchor, Done: g.Done, Proven: g.Proven, Total: g.Total, DoneW: g.Bar.DoneW, ProvenW: g.Bar.ProvenW})
		for _, r := range g.Rows {
			if seen[r.Path] {
				continue
			}
			seen[r.Path] = true
			st.Tasks = append(st.Tasks, boardStateTask{ID: r.ID, Path: r.Path, State: r.State, Summary: r.Summary, Status: r.Status})
		}
	}
	return st
}
