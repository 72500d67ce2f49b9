package web

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/taskproof/taskproof/internal/dod"
	"github.com/taskproof/taskproof/internal/evidence"
	"github.com/taskproof/taskproof/internal/graph"
	"github.com/taskproof/taskproof/internal/ledger"
	"github.com/taskproof/taskproof/internal/proofstate"
	"github.com/taskproof/taskproof/internal/task"
)

// taskPage shows one task id (every file with that id).
type taskPage struct {
	pageBase
	ID        string
	Title     string
	Docs      []taskDocView
	Duplicate bool
	GraphHref string
}

type taskDocView struct {
	Path        string
	Title       string
	Status      string
	Class       string
	StatusLine  int
	State       string
	Summary     string
	Reasons     []string
	Claims      bool
	Groups      []string
	Evidence    *evidenceView
	Items       []dodItem
	ItemsNote   string
	Deps        []depView
	Dependants  []depView
	Findings    []findingView
	Runs        []historyRow
	RunsNote    string
	Flaky       []flakyRow
	Source      []srcLine
	SourceIDPre string // anchor prefix of the source view ("src-" or "src2-")
}

type evidenceView struct {
	Bundle    string
	Digest    string
	KeyID     string
	Verified  bool
	Commit    string
	Verdict   string
	Started   string
	Duration  string
	Host      string
	Tools     string
	Fresh     string // what freshness says
	FreshCls  string
	RunHref   string
	RunLabel  string
	ItemCount string
	// FileErrors are the bundle files that do not decode: what they hold
	// is missing from this page, and the page says so.
	FileErrors []string
}

type dodItem struct {
	Kind      string
	Text      string
	Line      int
	LineHref  string // where the task states it
	Verdict   string // proven, failed, not_run; "unproven" without evidence
	Reason    string
	Evidence  []evLink
	Extra     bool // in the evidence but no longer in the task
	VerdictCl string
}

type evLink struct {
	Text string
	Href string
}

type depView struct {
	ID       string
	Href     string
	Title    string
	Kind     string
	Blocking bool
	Label    string
	Where    string
	State    string
	Status   string
	Dangling bool
	InCycle  bool
}

type historyRow struct {
	ID       int64
	Href     string
	Started  string
	Verdict  string
	Cls      string
	Duration string
	Commit   string
	Dirty    bool
	Markers  string
	Items    string
	Shared   []string // the shared runs that proved its commands, "ID (reused)" when reused
}

type flakyRow struct {
	Kind        string
	Name        string
	Runs        int
	Outcomes    string
	Rate        string
	Instability string
	Commit      string
}

type srcLine struct {
	N      int
	Anchor string
	Text   string
	Mark   bool // a line an item or finding points at
}

func shortHash(s string) string {
	if len(s) > 12 {
		return s[:12]
	}
	return s
}

// claimedItems lists a task's Definition of Done as the document states
// it, in prove's order: commands, required markers, required tests, scope,
// hygiene.
func claimedItems(d *task.Document) []dodItem {
	p, _ := dod.NewPlan(d, nil)
	var out []dodItem
	for _, pc := range d.Proofs {
		out = append(out, dodItem{Kind: evidence.KindCommand, Text: strings.TrimSpace(pc.Command), Line: pc.Line})
	}
	for _, m := range p.Markers {
		out = append(out, dodItem{Kind: evidence.KindMarker, Text: m.Text, Line: m.Line})
	}
	for _, t := range p.Tests {
		out = append(out, dodItem{Kind: evidence.KindTest, Text: t.Name, Line: t.Line})
	}
	scopeLine := 0
	if len(d.Touched) > 0 {
		scopeLine = d.Touched[0].Line
	}
	out = append(out, dodItem{Kind: evidence.KindScope, Text: dod.ScopeItem, Line: scopeLine})
	out = append(out, dodItem{Kind: evidence.KindHygiene, Text: dod.HygieneItem})
	return out
}

// buildTaskPage makes the page of id from the snapshot, the task's runs
// from the ledger (newest first) and the ledger's flaky items; found is
// false when no document has the id.
func buildTaskPage(snap *Snapshot, id task.ID, runs []ledger.Run, flaky []ledger.FlakyItem, base pageBase) (*taskPage, bool) {
	ts := snap.ByID[id]
	if len(ts) == 0 {
		return nil, false
	}
	p := &taskPage{pageBase: base, ID: string(id), Title: ts[0].Doc.Title, Duplicate: len(ts) > 1,
		GraphHref: base.Base + "graph.html?focus=" + string(id) + "&depth=1"}
	p.Nav = "board"
	p.Title = string(id) + " " + ts[0].Doc.Title
	for i, t := range ts {
		pre := "src-"
		if i > 0 {
			pre = fmt.Sprintf("src%d-", i+1)
		}
		p.Docs = append(p.Docs, docView(snap, t, runs, flaky, base.Base, pre))
	}
	return p, true
}

func docView(snap *Snapshot, t *Task, runs []ledger.Run, flaky []ledger.FlakyItem, base, pre string) taskDocView {
	d := t.Doc
	v := taskDocView{Path: d.Path, Title: d.Title, Status: d.Status.Raw, Class: string(d.Status.Class), StatusLine: d.Status.Line,
		State: string(t.Proof.State), Summary: t.Proof.Summary, Reasons: t.Proof.Reasons, Claims: t.Proof.Claims, Groups: t.Groups,
		SourceIDPre: pre}
	lineHref := func(n int) string {
		if n <= 0 {
			return ""
		}
		return "#" + pre + "L" + strconv.Itoa(n)
	}
	marked := map[int]bool{}

	// Evidence and the run that wrote it.
	b := snap.Bundle(t)
	var writer *ledger.Run
	if b != nil {
		for i := range runs {
			if runs[i].EvidenceDigest == b.Digest {
				writer = &runs[i]
				break
			}
		}
		pr := b.Predicate
		ev := &evidenceView{Bundle: b.Path, Digest: b.Digest, KeyID: t.Proof.KeyID, Verified: b.Verified, Commit: pr.Commit, Verdict: pr.Verdict,
			Started: pr.Run.StartedAt, Host: pr.Run.Host}
		if pr.Run.DurationMS > 0 {
			ev.Duration = fmtMS(pr.Run.DurationMS)
		}
		var tools []string
		for _, tl := range pr.Run.Tools {
			tools = append(tools, tl.Name+" "+tl.Version)
		}
		ev.Tools = strings.Join(tools, "; ")
		proven := 0
		for _, it := range pr.Items {
			if it.Verdict == evidence.Proven {
				proven++
			}
		}
		ev.ItemCount = fmt.Sprintf("%d of %d items proven", proven, len(pr.Items))
		switch t.Proof.State {
		case proofstate.Proven:
			ev.Fresh, ev.FreshCls = "fresh: the allowlisted paths, the contract and the Stop conditions are unchanged since the proof", "good"
		case proofstate.Stale:
			ev.Fresh, ev.FreshCls = "stale: "+strings.Join(t.Proof.Reasons, "; "), "warn"
		case proofstate.Failed:
			ev.Fresh, ev.FreshCls = "valid, but the proof failed", "bad"
		default:
			ev.Fresh, ev.FreshCls = strings.Join(t.Proof.Reasons, "; "), "bad"
		}
		if writer != nil {
			ev.RunHref, ev.RunLabel = ledgerRunHref(base, writer.ID), fmt.Sprintf("run #%d", writer.ID)
		} else {
			ev.RunHref, ev.RunLabel = evidenceRunHref(base, d.ID), "the bundle's consoles"
		}
		ev.FileErrors = b.FileErrors()
		v.Evidence = ev
	}
	runPage := ""
	if v.Evidence != nil {
		runPage = v.Evidence.RunHref
	}

	// Definition of Done: as claimed, and as proven.
	items := claimedItems(d)
	if b != nil {
		byKey := map[string]evidence.Item{}
		used := map[string]bool{}
		for _, it := range b.Predicate.Items {
			byKey[it.Kind+"\x00"+it.Item] = it
		}
		firstMark := map[string][2]int{} // marker -> step, line
		for _, st := range b.config().Steps {
			for _, m := range b.marks(st.N) {
				if _, ok := firstMark[m.Marker]; !ok {
					firstMark[m.Marker] = [2]int{st.N, m.Line}
				}
			}
		}
		cfg := b.config()
		for i := range items {
			it := &items[i]
			e, ok := byKey[it.Kind+"\x00"+it.Text]
			if !ok {
				it.Verdict, it.Reason = "unproven", "the evidence does not judge this item (the Stop conditions changed since the proof)"
				continue
			}
			used[it.Kind+"\x00"+it.Text] = true
			it.Verdict, it.Reason = e.Verdict, e.Reason
			it.Evidence = itemEvidence(b, cfg, *it, firstMark, runPage)
		}
		for _, e := range b.Predicate.Items {
			if !used[e.Kind+"\x00"+e.Item] {
				items = append(items, dodItem{Kind: e.Kind, Text: e.Item, Verdict: e.Verdict, Reason: e.Reason, Extra: true})
			}
		}
		if !b.Verified {
			v.ItemsNote = "The bundle does not verify with this repository's key, so its verdicts are shown but prove nothing."
		}
	} else {
		for i := range items {
			items[i].Verdict = "unproven"
		}
		v.ItemsNote = fmt.Sprintf("No evidence yet: every item is only stated. Run taskproof prove %s.", d.ID)
	}
	for i := range items {
		items[i].LineHref = lineHref(items[i].Line)
		items[i].VerdictCl = verdictClass(items[i].Verdict)
		if items[i].Verdict == "unproven" {
			items[i].VerdictCl = "none"
		}
		marked[items[i].Line] = true
	}
	v.Items = items

	// Dependencies and dependants.
	g := snap.Graph
	// Edges point from the task that waits; a statement written in another
	// file ("Unblocks: this") counts like one written here.
	for _, e := range g.Edges {
		switch {
		case e.From == d.ID:
			v.Deps = append(v.Deps, depOf(snap, g, e, e.To, base))
		case e.To == d.ID:
			v.Dependants = append(v.Dependants, depOf(snap, g, e, e.From, base))
		}
	}

	v.Findings = append(lintViews(t.Lint), driftViews(t.Drift)...)
	for _, f := range t.Lint {
		marked[f.Line] = true
	}
	for _, r := range runs {
		h := historyRow{ID: r.ID, Href: ledgerRunHref(base, r.ID), Started: r.StartedAt.UTC().Format("2006-01-02 15:04:05"), Verdict: r.Verdict,
			Cls: verdictClass(r.Verdict), Duration: fmtMS(r.DurationMS), Commit: shortHash(r.Commit), Dirty: r.Dirty}
		seen := 0
		for _, m := range r.Markers {
			if m.Seen {
				seen++
			}
		}
		if len(r.Markers) > 0 {
			h.Markers = fmt.Sprintf("%d/%d", seen, len(r.Markers))
		}
		proven := 0
		for _, it := range r.Items {
			if it.Verdict == evidence.Proven {
				proven++
			}
		}
		if len(r.Items) > 0 {
			h.Items = fmt.Sprintf("%d/%d", proven, len(r.Items))
		}
		h.Shared = sharedRuns(r.Proofs)
		v.Runs = append(v.Runs, h)
	}
	if len(runs) == 0 {
		v.RunsNote = "No run of this task in the ledger (.taskproof/ledger.db)."
	}
	for _, f := range flaky {
		if f.TaskID != string(d.ID) {
			continue
		}
		var oc []string
		for _, o := range f.Outcomes {
			oc = append(oc, fmt.Sprintf("%s %d", o.Outcome, o.Count))
		}
		v.Flaky = append(v.Flaky, flakyRow{Kind: f.Kind, Name: f.Name, Runs: f.Runs, Outcomes: strings.Join(oc, ", "),
			Rate: fmt.Sprintf("%.0f%%", 100*f.Rate), Instability: fmt.Sprintf("%.2f", f.Instability), Commit: shortHash(f.Commit)})
	}
	for i, l := range strings.Split(strings.TrimRight(string(snap.Source(d)), "\n"), "\n") {
		n := i + 1
		v.Source = append(v.Source, srcLine{N: n, Anchor: pre + "L" + strconv.Itoa(n), Text: strings.TrimRight(l, "\r"), Mark: marked[n]})
	}
	return v
}

// itemEvidence links one judged item to what proves it.
func itemEvidence(b *Bundle, cfg bundleConfig, it dodItem, firstMark map[string][2]int, runPage string) []evLink {
	var out []evLink
	switch it.Kind {
	case evidence.KindMarker:
		if at, ok := firstMark[it.Text]; ok {
			out = append(out, evLink{Text: fmt.Sprintf("console of proof %d, line %d", at[0], at[1]), Href: runPage + "#" + stepAnchor(at[0]) + strconv.Itoa(at[1])})
		}
	case evidence.KindCommand:
		for _, st := range cfg.Steps {
			if st.Command == it.Text {
				out = append(out, evLink{Text: fmt.Sprintf("proof %d", st.N), Href: runPage + "#step-" + strconv.Itoa(st.N)})
				break
			}
		}
	case evidence.KindTest:
		for _, st := range cfg.Steps {
			t, ok := b.tests(st.N)
			if !ok {
				continue
			}
			for _, r := range t.Required {
				if r.Name != it.Text {
					continue
				}
				for _, m := range r.Matches {
					out = append(out, evLink{Text: fmt.Sprintf("%s: %s", m.Name, m.Outcome), Href: runPage + "#step-" + strconv.Itoa(st.N)})
				}
			}
		}
	case evidence.KindScope:
		out = append(out, evLink{Text: "scope result", Href: runPage + "#scope"})
	case evidence.KindHygiene:
		out = append(out, evLink{Text: "hygiene result", Href: runPage + "#hygiene"})
	}
	return out
}

func depOf(snap *Snapshot, g *graph.Graph, e graph.Edge, other task.ID, base string) depView {
	dv := depView{ID: string(other), Kind: string(e.Kind), Blocking: e.Blocking, Label: e.Label, Where: fmt.Sprintf("%s:%d", e.File, e.Line),
		InCycle: e.Blocking && g.InCycle(e.From) && g.InCycle(e.To)}
	if n, ok := g.Node(other); ok {
		dv.Href, dv.Title, dv.Status = taskHref(base, other), n.Title, n.Status
		if ts := snap.ByID[other]; len(ts) > 0 {
			dv.State = string(ts[0].Proof.State)
		}
	} else {
		dv.Dangling = true
	}
	return dv
}

// sharedRuns names the shared runs behind a prove's proof commands, each
// once, in command order; a run reused from an earlier prove says so.
func sharedRuns(proofs []ledger.ProofRun) []string {
	var out []string
	seen := map[string]bool{}
	for _, p := range proofs {
		if p.Shared == "" || seen[p.Shared] {
			continue
		}
		seen[p.Shared] = true
		name := p.Shared
		if p.Reused != "" {
			name += " (reused)"
		}
		out = append(out, name)
	}
	return out
}
