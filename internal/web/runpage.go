package web

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/taskproof/taskproof/internal/evidence"
	"github.com/taskproof/taskproof/internal/ledger"
	"github.com/taskproof/taskproof/internal/live"
	"github.com/taskproof/taskproof/internal/task"
)

// A run page shows one run from the best record there is of it:
//
//   - its live record (.taskproof/live/ID): every console byte and every
//     marker with its arrival time, kept for the last live.Keep runs;
//   - the task's evidence bundle, when the run is the prove that wrote it:
//     the consoles, marker lines, checks, tests, scope and hygiene it
//     sealed (marker times come from the ledger);
//   - the ledger row: verdict, items, required markers with their times.
//
// Keys: "42" is ledger run 42, "live-ID" a live record, "e-TASK-0001" the
// evidence bundle of TASK-0001 (whichever run wrote it).

var (
	ledgerKeyRE   = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[1-9][0-9]{0,17}$`) })
	liveKeyPrefix = "live-"
	evidenceKeyP  = "e-"
)

func ledgerRunHref(base string, id int64) string {
	return base + "runs/" + strconv.FormatInt(id, 10) + ".html"
}

func liveRunHref(base, id string) string { return base + "runs/" + liveKeyPrefix + id + ".html" }

func evidenceRunHref(base string, id task.ID) string {
	return base + "runs/" + evidenceKeyP + string(id) + ".html"
}

// reqData is a marker a console must show.
type reqData struct {
	Marker string
	Phase  string
	Min    int
}

// stepData is one command of a run, from whichever records have it.
type stepData struct {
	N        int
	Command  string
	Runner   string
	State    string
	Verdict  string
	Reason   string
	Console  []byte
	HasLog   bool
	LogFrom  string // where the console comes from
	Marks    []markData
	Phases   []string
	Required []reqData
	Declared []live.Declared
	Checks   []bundleCheck // from the bundled report, when there is one
	Failure  *bundleFailure
	Tests    *evidence.Tests
}

// runPage is the run page.
type runPage struct {
	pageBase
	Key        string
	Heading    string
	Kind       string
	TaskID     string
	TaskHref   string
	Command    string
	Commit     string
	Dirty      bool
	Started    string
	Duration   string
	State      string // running, finished, abandoned; "" for records that are not live
	Verdict    string
	VerdictCls string
	Why        []string
	Items      []runItem
	Steps      []runStepView
	Scope      []string
	Hygiene    []string
	Sources    []string
	LiveID     string // set while the run is in progress: the page subscribes
	LedgerHref string
	LiveHref   string
	Notes      []string
	// FileErrors are the bundle files that do not decode (what they hold
	// is missing from the page).
	FileErrors []string
	// Shared are the shared runs that proved a prove's commands (ledger
	// run_proofs), each with the other tasks it proved.
	Shared []sharedRunView
	// Recorded are the ledger runs a finished prove of many tasks
	// recorded, one per task.
	Recorded []recordedRun
}

// recordedRun is one ledger run of a finished live prove.
type recordedRun struct {
	ID      int64
	Href    string
	Task    taskLink
	Verdict string
	Shared  []sharedRunView
}

// ledgerRuns are the ledger runs ids names, each with its task and the
// shared runs that proved it; an id the ledger lacks is listed bare.
func ledgerRuns(src Source, snap *Snapshot, ids []int64, base string) []recordedRun {
	var out []recordedRun
	for _, id := range ids {
		v := recordedRun{ID: id, Href: ledgerRunHref(base, id)}
		if r, ok, err := src.Run(id); err == nil && ok {
			v.Task, v.Verdict = taskLink{ID: r.TaskID}, r.Verdict
			if tid, ok := task.ParseID(r.TaskID); ok && len(snap.ByID[tid]) > 0 {
				v.Task.Href = taskHref(base, tid)
			}
			v.Shared = sharedRunViews(src, snap, &r, base)
		}
		out = append(out, v)
	}
	return out
}

type sharedRunView struct {
	ID     string
	Exec   string
	Reused string
	Also   []taskLink
}

type taskLink struct {
	ID   string
	Href string
}

type runItem struct {
	Kind    string
	Item    string
	Verdict string
	Reason  string
	Href    string
}

type runStepView struct {
	N          int
	Anchor     string // "step-1"
	LinePrefix string // "L" or "s2-L"
	Command    string
	Runner     string
	State      string
	Verdict    string
	VerdictCls string
	Reason     string
	Timeline   *timeline
	Checks     []checkRow
	Console    []consoleLine
	Hidden     int
	HasConsole bool
	LogFrom    string
	// ConsoleBytes and ConsoleLines are where a live page continues.
	ConsoleBytes int64
	ConsoleLines int
	MarkCount    int
	Tests        *testsView
}

type checkRow struct {
	Marker  string
	Phase   string
	Min     int
	Count   int
	Passed  bool
	Line    int
	Href    string
	At      string
	Message string
}

type testsView struct {
	Summary  string
	Required []testReq
	Failed   []string
	Problems []string
}

type testReq struct {
	Name    string
	Outcome string
	Matches string
}

// verdictClass maps any verdict word to a colour class.
func verdictClass(v string) string {
	switch strings.ToLower(v) {
	case "pass", "passed", "proven":
		return "good"
	case "", "unproven", "—":
		return "none"
	case "running":
		return "running"
	case "skipped", "not_run", "stub", "abandoned":
		return "warn"
	}
	return "bad"
}

// stepAnchor is the console line anchor prefix of step n: the first
// console is "L123", later ones "s2-L123".
func stepAnchor(n int) string {
	if n <= 1 {
		return "L"
	}
	return "s" + strconv.Itoa(n) + "-L"
}

// runSources are the records of one run, any of which may be missing.
type runSources struct {
	ledger *ledger.Run
	live   *live.Record
	bundle *Bundle
	task   *Task
}

// findRun collects the records behind a run key. found is false for a key
// that names nothing.
func findRun(src Source, snap *Snapshot, key string) (rs runSources, found bool, err error) {
	switch {
	case ledgerKeyRE().MatchString(key):
		id, _ := strconv.ParseInt(key, 10, 64)
		run, ok, err := src.Run(id)
		if err != nil || !ok {
			return rs, false, err
		}
		rs.ledger = &run
		recs, _ := src.LiveRuns()
		for _, r := range recs {
			if r.LedgerID == id {
				rs.live = r
				break
			}
		}
		rs.task, rs.bundle = snap.matchingBundle(run.TaskID, run.EvidenceDigest)
		return rs, true, nil
	case strings.HasPrefix(key, liveKeyPrefix):
		id := strings.TrimPrefix(key, liveKeyPrefix)
		if !live.ValidID(id) {
			return rs, false, nil
		}
		rec, err := src.LiveRun(id)
		if err != nil {
			return rs, false, nil
		}
		rs.live = rec
		// A prove of many tasks recorded one ledger run per task: the
		// page lists them (ledgerRuns) rather than pass one for the whole.
		if rec.LedgerID > 0 && len(rec.LedgerIDs) < 2 {
			if run, ok, err := src.Run(rec.LedgerID); err == nil && ok {
				rs.ledger = &run
				rs.task, rs.bundle = snap.matchingBundle(run.TaskID, run.EvidenceDigest)
			}
		}
		if rs.task == nil && rec.Task != "" {
			if ts := snap.ByID[task.ID(rec.Task)]; len(ts) > 0 {
				rs.task = ts[0]
			}
		}
		return rs, true, nil
	case strings.HasPrefix(key, evidenceKeyP):
		id, ok := task.ParseID(strings.TrimPrefix(key, evidenceKeyP))
		if !ok || "e-"+string(id) != key || len(snap.ByID[id]) == 0 {
			return rs, false, nil
		}
		rs.task = snap.ByID[id][0]
		rs.bundle = snap.Bundle(rs.task)
		if rs.bundle == nil {
			return rs, false, nil
		}
		return rs, true, nil
	}
	return rs, false, nil
}

// matchingBundle returns the task and its bundle when the bundle is the
// one a run with this digest wrote.
func (snap *Snapshot) matchingBundle(id, digest string) (*Task, *Bundle) {
	ts := snap.ByID[task.ID(id)]
	if len(ts) == 0 {
		return nil, nil
	}
	if digest == "" {
		return ts[0], nil
	}
	b := snap.Bundle(ts[0])
	if b == nil || b.Digest != digest {
		return ts[0], nil
	}
	return ts[0], b
}

// steps merges the records into one list of steps.
func (rs runSources) steps(src Source) []stepData {
	var out []stepData
	byN := map[int]*stepData{}
	get := func(n int) *stepData {
		if s, ok := byN[n]; ok {
			return s
		}
		out = append(out, stepData{N: n})
		s := &out[len(out)-1]
		byN[n] = s
		return s
	}
	if rs.live != nil {
		for _, st := range rs.live.Steps {
			s := get(st.N)
			s.Command, s.State, s.Verdict, s.Reason = st.Command, st.State, st.Verdict, st.Reason
			s.Runner = "tests"
			if len(st.Required) > 0 || len(st.Markers) > 0 {
				s.Runner = "markers"
			}
			s.Phases, s.Declared = st.Phases, st.Markers
			if f := st.Failure; f != nil {
				s.Failure = &bundleFailure{Kind: f.Kind, Marker: f.Marker, Phase: f.Phase, Line: f.Line, Message: f.Message}
			}
			for _, r := range st.Required {
				s.Required = append(s.Required, reqData{Marker: r.Marker, Phase: r.Phase, Min: r.Min})
			}
			con, err := src.LiveConsole(rs.live.ID, st.N, 0, 64<<20)
			if err == nil {
				s.Console, s.HasLog, s.LogFrom = con, true, "live record "+rs.live.ID
			}
			marks, _ := src.LiveMarks(rs.live.ID, st.N, 0)
			for _, m := range marks {
				s.Marks = append(s.Marks, markData{Marker: m.Marker, Kind: m.Kind, Phase: m.Phase, Line: m.Line, AtMS: m.AtMS})
			}
		}
	}
	if b := rs.bundle; b != nil {
		for _, st := range b.config().Steps {
			s := get(st.N)
			if s.Command == "" {
				s.Command = st.Command
			}
			if rep, ok := b.report(st.N); ok {
				s.Runner = "markers"
				s.Checks = rep.Checks
				if rep.Failure != nil {
					s.Failure = rep.Failure
				}
				if s.Verdict == "" {
					s.Verdict = rep.Verdict
				}
				if len(s.Required) == 0 {
					for _, c := range rep.Checks {
						s.Required = append(s.Required, reqData{Marker: c.Marker, Phase: c.Phase, Min: c.Min})
					}
				}
				if len(s.Marks) == 0 {
					for _, m := range b.marks(st.N) {
						s.Marks = append(s.Marks, markData{Marker: m.Marker, Kind: m.Kind, Phase: m.Phase, Line: m.Line, AtMS: -1})
					}
				}
			}
			if t, ok := b.tests(st.N); ok {
				s.Runner = "tests"
				s.Tests = &t
			}
			if !s.HasLog {
				if l, ok := b.log(st.N); ok {
					s.Console, s.HasLog, s.LogFrom = l, true, "evidence bundle "+b.Path+", files/logs/"+strconv.Itoa(st.N)+".log"
				}
			}
		}
	}
	// Times the bundle does not keep come from the ledger's required
	// markers (first occurrence of each).
	if rs.ledger != nil {
		at := map[string]ledger.MarkerOutcome{}
		for _, m := range rs.ledger.Markers {
			if m.Seen && m.AtMS != nil {
				at[m.Marker] = m
			}
		}
		for i := range out {
			for j := range out[i].Marks {
				m := &out[i].Marks[j]
				if m.AtMS >= 0 {
					continue
				}
				if lm, ok := at[m.Marker]; ok && lm.Line == m.Line {
					m.AtMS = *lm.AtMS
				}
			}
		}
		if len(out) == 0 && len(rs.ledger.Markers) > 0 {
			// A plain run without a live record: the ledger's required
			// markers are all there is.
			s := get(1)
			s.Runner = "markers"
			s.Command = strings.Join(rs.ledger.Command, " ")
			s.Verdict = rs.ledger.Verdict
			for _, m := range rs.ledger.Markers {
				s.Required = append(s.Required, reqData{Marker: m.Marker})
				if m.Seen {
					ms := int64(-1)
					if m.AtMS != nil {
						ms = *m.AtMS
					}
					s.Marks = append(s.Marks, markData{Marker: m.Marker, Kind: "ok", Line: m.Line, AtMS: ms})
				}
			}
		}
	}
	return out
}

// timedOnly keeps the occurrences with a time when some have one and
// some not (a bundle whose ledger row timed only the required markers).
func timedOnly(marks []markData) (kept []markData, dropped int) {
	anyTimed := false
	for _, m := range marks {
		anyTimed = anyTimed || m.AtMS >= 0
	}
	if !anyTimed {
		return marks, 0
	}
	for _, m := range marks {
		if m.AtMS >= 0 {
			kept = append(kept, m)
		} else {
			dropped++
		}
	}
	return kept, dropped
}

// checksOf computes the required-marker checks of a step from its marks
// when no bundled report has them.
func checksOf(s stepData, anchor, base string) []checkRow {
	var rows []checkRow
	if len(s.Checks) > 0 {
		first := map[string]markData{}
		for _, m := range s.Marks {
			if _, ok := first[m.Marker]; !ok {
				first[m.Marker] = m
			}
		}
		for _, c := range s.Checks {
			r := checkRow{Marker: c.Marker, Phase: c.Phase, Min: max(c.Min, 1), Count: c.Count, Passed: c.Passed, Line: c.Line, Message: c.Message}
			if m, ok := first[c.Marker]; ok && m.AtMS >= 0 {
				r.At = fmtMS(m.AtMS)
			}
			if r.Line > 0 {
				r.Href = "#" + anchor + strconv.Itoa(r.Line)
			}
			rows = append(rows, r)
		}
		return rows
	}
	count := map[string]int{}
	first := map[string]markData{}
	for _, m := range s.Marks {
		if count[m.Marker] == 0 {
			first[m.Marker] = m
		}
		count[m.Marker]++
	}
	for _, q := range s.Required {
		r := checkRow{Marker: q.Marker, Phase: q.Phase, Min: max(q.Min, 1), Count: count[q.Marker]}
		r.Passed = r.Count >= r.Min
		if m, ok := first[q.Marker]; ok {
			r.Line = m.Line
			r.Href = "#" + anchor + strconv.Itoa(m.Line)
			if m.AtMS >= 0 {
				r.At = fmtMS(m.AtMS)
			}
		}
		switch {
		case r.Count == 0 && s.State == live.Running:
			r.Message = "not yet"
		case r.Count == 0:
			r.Message = "never appeared"
		case !r.Passed:
			r.Message = fmt.Sprintf("appeared %d times, needs %d", r.Count, r.Min)
		}
		rows = append(rows, r)
	}
	return rows
}

// stepView renders one step.
func stepView(s stepData, base string) runStepView {
	anchor := stepAnchor(s.N)
	v := runStepView{N: s.N, Anchor: "step-" + strconv.Itoa(s.N), LinePrefix: anchor, Command: s.Command, Runner: s.Runner,
		State: s.State, Verdict: s.Verdict, VerdictCls: verdictClass(s.Verdict), Reason: s.Reason, HasConsole: s.HasLog, LogFrom: s.LogFrom,
		MarkCount: len(s.Marks)}
	if s.State == live.Running {
		v.VerdictCls = "running"
	}
	if s.Runner == "markers" {
		v.Checks = checksOf(s, anchor, base)
		marks, dropped := timedOnly(s.Marks)
		tl := buildTimeline(s.N, marks, s.Phases, s.Required, anchor, s.State == live.Running)
		if dropped > 0 {
			tl.Axis += fmt.Sprintf("; %d occurrence(s) without a recorded time not drawn", dropped)
		}
		v.Timeline = &tl
	}
	if s.HasLog {
		byLine := map[int]markData{}
		for _, m := range s.Marks {
			if _, ok := byLine[m.Line]; !ok {
				byLine[m.Line] = m
			}
		}
		in := consoleInput{Raw: s.Console, FirstLine: 1, Anchor: anchor, Marks: byLine}
		if f := s.Failure; f != nil && f.Line > 0 {
			in.FailureLine = f.Line
			in.FailureNote = f.Kind + ": " + f.Message
		} else {
			for _, m := range s.Marks {
				if m.Kind == "fail" {
					in.FailureLine, in.FailureNote = m.Line, "the run failed here: forbidden marker "+quote(m.Marker)
					break
				}
			}
		}
		seen := map[string]bool{}
		for _, m := range s.Marks {
			seen[m.Marker] = true
		}
		targets := map[string]bool{}
		for _, r := range s.Required {
			in.Targets = append(in.Targets, nearTarget{Marker: r.Marker, Required: true, Missing: !seen[r.Marker]})
			targets[r.Marker] = true
		}
		for _, d := range s.Declared {
			if (d.Kind == "ok" || d.Kind == "ready") && !targets[d.Marker] {
				in.Targets = append(in.Targets, nearTarget{Marker: d.Marker})
				targets[d.Marker] = true
			}
		}
		v.Console, v.Hidden = renderConsole(in)
		// A live page continues after the last complete line.
		whole := s.Console
		if i := strings.LastIndexByte(string(whole), '\n'); i >= 0 {
			whole = whole[:i+1]
		} else {
			whole = nil
		}
		v.ConsoleBytes = int64(len(whole))
		v.ConsoleLines = strings.Count(string(whole), "\n")
		if s.State == live.Running && len(v.Console) > v.ConsoleLines && v.Hidden == 0 {
			v.Console = v.Console[:v.ConsoleLines] // the partial line arrives with the next event
		}
	}
	if t := s.Tests; t != nil {
		tv := &testsView{Summary: fmt.Sprintf("%s: %d test(s): %d passed, %d failed, %d errored, %d skipped", t.Format, t.Summary.Total, t.Summary.Passed, t.Summary.Failed, t.Summary.Errored, t.Summary.Skipped),
			Problems: t.Problems}
		for _, r := range t.Required {
			var names []string
			for _, m := range r.Matches {
				names = append(names, m.Name+" ("+string(m.Outcome)+")")
			}
			tv.Required = append(tv.Required, testReq{Name: r.Name, Outcome: string(r.Outcome), Matches: strings.Join(names, ", ")})
		}
		for _, c := range t.Cases {
			if c.Outcome == "failed" || c.Outcome == "errored" {
				tv.Failed = append(tv.Failed, c.Name)
			}
		}
		v.Tests = tv
	}
	return v
}

// buildRunPage assembles the run page of key; found is false when the key
// names no run.
func buildRunPage(src Source, snap *Snapshot, key string, base pageBase) (*runPage, bool, error) {
	rs, found, err := findRun(src, snap, key)
	if err != nil || !found {
		return nil, found, err
	}
	p := &runPage{pageBase: base, Key: key}
	p.Nav = "runs"
	if rs.task != nil {
		p.TaskID = string(rs.task.Doc.ID)
		p.TaskHref = taskHref(base.Base, rs.task.Doc.ID)
	}
	var predicate *evidence.Predicate
	if rs.bundle != nil {
		predicate = &rs.bundle.Predicate
	}
	switch {
	case rs.ledger != nil:
		r := rs.ledger
		p.Heading = fmt.Sprintf("Run #%d", r.ID)
		p.Kind, p.Command, p.Commit, p.Dirty = string(r.Kind), strings.Join(r.Command, " "), r.Commit, r.Dirty
		p.Started = r.StartedAt.UTC().Format("2006-01-02 15:04:05 UTC")
		p.Duration = fmtMS(r.DurationMS)
		p.Verdict = r.Verdict
		if p.TaskID == "" && r.TaskID != "" {
			p.TaskID = r.TaskID
		}
		p.Sources = append(p.Sources, fmt.Sprintf("ledger run #%d", r.ID))
		p.Shared = sharedRunViews(src, snap, r, base.Base)
		if strings.HasPrefix(key, liveKeyPrefix) {
			// The live page of a finished run leads to its ledger run.
			p.LedgerHref = ledgerRunHref(base.Base, r.ID)
		} else if rs.live != nil {
			p.LiveHref = liveRunHref(base.Base, rs.live.ID)
		}
	case rs.live != nil:
		r := rs.live
		p.Heading = "Live run " + r.ID
		p.Kind, p.Command = r.Kind, strings.Join(r.Command, " ")
		if t, err := time.Parse(time.RFC3339Nano, r.StartedAt); err == nil {
			p.Started = t.UTC().Format("2006-01-02 15:04:05 UTC")
		}
		if r.DurationMS > 0 {
			p.Duration = fmtMS(r.DurationMS)
		}
		p.Verdict = r.Verdict
		if p.TaskID == "" {
			p.TaskID = r.Task
		}
		if r.LedgerID > 0 && len(r.LedgerIDs) < 2 {
			p.LedgerHref = ledgerRunHref(base.Base, r.LedgerID)
		}
		p.Recorded = ledgerRuns(src, snap, r.LedgerIDs, base.Base)
	default:
		b := rs.bundle
		p.Heading = "Evidence of " + p.TaskID
		p.Kind = "prove"
		p.Commit = b.Predicate.Commit
		p.Started = b.Predicate.Run.StartedAt
		if b.Predicate.Run.DurationMS > 0 {
			p.Duration = fmtMS(b.Predicate.Run.DurationMS)
		}
		p.Verdict = b.Predicate.Verdict
		p.Command = "taskproof prove " + p.TaskID
	}
	if rs.live != nil {
		p.State = rs.live.Effective()
		p.Sources = append(p.Sources, "live record "+rs.live.ID)
		if p.State == live.Running {
			p.LiveID = rs.live.ID
			if p.Verdict == "" {
				p.Verdict = "running"
			}
		}
		if p.State == live.Abandoned && p.Verdict == "" {
			p.Verdict = "abandoned"
			p.Why = append(p.Why, fmt.Sprintf("the producing process (pid %d) is gone and never recorded a verdict", rs.live.PID))
		}
	}
	if rs.bundle != nil {
		p.Sources = append(p.Sources, "evidence bundle "+rs.bundle.Path+" ("+rs.bundle.Digest+")")
		p.FileErrors = rs.bundle.FileErrors()
		if !rs.bundle.Verified {
			p.Notes = append(p.Notes, "the evidence bundle did not verify with the repository's key: what it says is not authenticated")
		}
	} else if rs.ledger != nil && rs.ledger.EvidenceDigest != "" {
		p.Notes = append(p.Notes, "the evidence this run wrote ("+rs.ledger.EvidenceDigest+") has been replaced by a later proof; its console is shown only while its live record is kept")
	}
	p.VerdictCls = verdictClass(p.Verdict)

	// Items: the predicate's (with reasons) when the bundle is this run's,
	// else the ledger's.
	runHrefFor := func(kind, item string, steps []stepData) string {
		if kind != evidence.KindMarker {
			return ""
		}
		for _, s := range steps {
			for _, m := range s.Marks {
				if m.Marker == item {
					return "#" + stepAnchor(s.N) + strconv.Itoa(m.Line)
				}
			}
		}
		return ""
	}
	steps := rs.steps(src)
	switch {
	case predicate != nil:
		for _, it := range predicate.Items {
			p.Items = append(p.Items, runItem{Kind: it.Kind, Item: it.Item, Verdict: it.Verdict, Reason: it.Reason, Href: runHrefFor(it.Kind, it.Item, steps)})
		}
	case rs.ledger != nil:
		for _, it := range rs.ledger.Items {
			p.Items = append(p.Items, runItem{Kind: it.Kind, Item: it.Item, Verdict: it.Verdict, Href: runHrefFor(it.Kind, it.Item, steps)})
		}
	}
	for _, it := range p.Items {
		if it.Verdict != evidence.Proven {
			w := fmt.Sprintf("%s %s: %s", it.Kind, it.Item, strings.ReplaceAll(it.Verdict, "_", " "))
			if it.Reason != "" {
				w += " (" + it.Reason + ")"
			}
			p.Why = append(p.Why, w)
		}
	}
	for _, s := range steps {
		v := stepView(s, base.Base)
		if s.Failure != nil && s.Failure.Message != "" {
			w := s.Failure.Kind + ": " + s.Failure.Message
			if s.Failure.Phase != "" {
				w += " (first failed phase: " + s.Failure.Phase + ")"
			}
			if l := fmt.Sprintf("line %d", s.Failure.Line); s.Failure.Line > 0 && !strings.Contains(w, l) {
				w += " at " + l
			}
			p.Why = append(p.Why, w)
		} else if s.Verdict != "" && verdictClass(s.Verdict) == "bad" && s.Reason != "" && len(p.Items) == 0 {
			p.Why = append(p.Why, s.Reason)
		}
		if len(p.Items) == 0 {
			for _, c := range v.Checks {
				if !c.Passed && c.Message != "not yet" {
					p.Why = append(p.Why, "required marker "+quote(c.Marker)+": "+c.Message)
				}
			}
		}
		p.Steps = append(p.Steps, v)
	}
	if len(p.Why) == 0 && rs.live != nil && rs.live.Reason != "" && p.VerdictCls != "good" {
		p.Why = append(p.Why, rs.live.Reason)
	}
	if p.VerdictCls == "good" && len(p.Why) == 0 {
		switch p.Kind {
		case "prove":
			p.Why = append(p.Why, fmt.Sprintf("every Definition-of-Done item is proven (%d items)", len(p.Items)))
		default:
			p.Why = append(p.Why, "every required marker appeared, in order, and nothing forbidden did")
		}
	}
	if b := rs.bundle; b != nil {
		if sc := b.decoded.scope; sc != nil {
			if len(sc.Violations) == 0 {
				p.Scope = append(p.Scope, fmt.Sprintf("%d touched path(s), all within the allowlist (base %s)", len(sc.Touched), sc.Base))
			}
			for _, v := range sc.Violations {
				p.Scope = append(p.Scope, fmt.Sprintf("%s %s: %s", v.Path, v.Status, v.Reason))
			}
		}
		if hy := b.decoded.hygiene; hy != nil {
			if len(hy.Findings) == 0 {
				p.Hygiene = append(p.Hygiene, "no finding on the added lines")
			}
			for _, f := range hy.Findings {
				p.Hygiene = append(p.Hygiene, fmt.Sprintf("%s:%d %s: %s", f.File, f.Line, f.Rule, f.Message))
			}
		}
	}
	p.Why = uniqueLines(p.Why)
	p.Title = p.Heading
	if p.TaskID != "" {
		p.Title += " · " + p.TaskID
	}
	return p, true, nil
}

// uniqueLines drops repeated lines, keeping the first.
func uniqueLines(in []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range in {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// sharedRunViews lists the shared runs behind a prove's commands, each
// once, with the other tasks the same run proved (from the ledger).
func sharedRunViews(src Source, snap *Snapshot, r *ledger.Run, base string) []sharedRunView {
	var out []sharedRunView
	seen := map[string]bool{}
	for _, pr := range r.Proofs {
		if pr.Shared == "" || seen[pr.Shared] {
			continue
		}
		seen[pr.Shared] = true
		v := sharedRunView{ID: pr.Shared, Exec: pr.Exec, Reused: pr.Reused}
		tasks, _ := src.ProvedBy(pr.Shared)
		for _, id := range tasks {
			if id == r.TaskID {
				continue
			}
			l := taskLink{ID: id}
			if tid, ok := task.ParseID(id); ok && len(snap.ByID[tid]) > 0 {
				l.Href = taskHref(base, tid)
			}
			v.Also = append(v.Also, l)
		}
		out = append(out, v)
	}
	return out
}
