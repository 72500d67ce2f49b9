package board

import (
	"bytes"
	"cmp"
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/taskproof/taskproof/internal/config"
	"github.com/taskproof/taskproof/internal/task"
)

// Finding kinds reported by Drift.
const (
	// KindCounter: a stated Done/Total differs from the recount.
	KindCounter = "counter"
	// KindPercent: a stated percentage does not match its own counter.
	KindPercent = "percent"
	// KindNoMembers: a counter whose group has no Tasks list to recount.
	KindNoMembers = "no-members"
	// KindNoCounter: a group with a Tasks list but no stated counter.
	KindNoCounter = "no-counter"
	// KindStatusRule: the upstream case-sensitive Done rule and taskproof's
	// normalisation disagree about a task.
	KindStatusRule = "status-rule"
	// KindUngrouped: a task in no group.
	KindUngrouped = "ungrouped"
	// KindNotInDoneList: a header-Done task missing from the Done list.
	KindNotInDoneList = "not-in-done-list"
	// KindNotInStatusList: a header-In-Progress/In-Review/Blocked task
	// missing from the table of that status.
	KindNotInStatusList = "not-in-status-list"
	// KindRowStatus: a row's icon, Status cell or section contradicts the header.
	KindRowStatus = "row-status"
	// KindOrderOpen: an order-file row without a done mark for a header-Done task.
	KindOrderOpen = "order-open"
	// KindOrderDone: an order-file row marked done for a task whose header is not Done.
	KindOrderDone = "order-done"
	// KindListStatus: a prose list ("Still open: …", "Done: …") names a
	// task whose header contradicts the list's label.
	KindListStatus = "list-status"
	// KindDuplicateRow: the same task twice in one table.
	KindDuplicateRow = "duplicate-row"
	// KindUnknownID: an id with no task file.
	KindUnknownID = "unknown-id"
)

// Source is a hand-written file to check.
type Source struct {
	Path string // as shown in findings, usually relative to the repository root
	Data []byte
}

// DriftInput is what Drift compares: the hand-written files and the task
// documents (with Status.Class already normalised).
type DriftInput struct {
	// Board is a status board in the style of STATUS-BOARD.md: group
	// sections, a summary table, a Done list. May be nil.
	Board *Source
	// Order is an order file in the style of IMPLEMENTATION-ORDER.md:
	// tables of tasks where ✅ marks done and an unmarked row is open. May
	// be nil.
	Order *Source
	Docs  []*task.Document
	// Classify normalises a status written in a table's Status column with
	// the repository's vocabulary; nil means Status cells are not compared.
	Classify func(raw string) task.StatusClass
}

// GroupReport is one group of a hand-written board: its stated counter,
// the recount from the headers and the member ids.
type GroupReport struct {
	Name     string    `json:"name"`
	File     string    `json:"file"`
	Line     int       `json:"line"`
	Board    Counter   `json:"board"`
	Computed Counter   `json:"computed"`
	Members  []task.ID `json:"members"`
}

// Agrees reports whether the board's counter equals the recount.
func (g GroupReport) Agrees() bool { return g.Board == g.Computed }

// Finding is one disagreement between a hand-written file and the headers.
type Finding struct {
	Kind    string  `json:"kind"`
	Task    task.ID `json:"task"` // "" when the finding is about a group
	File    string  `json:"file"`
	Line    int     `json:"line"`
	Message string  `json:"message"`
}

// Report is the result of Drift.
type Report struct {
	Groups   []GroupReport `json:"groups"`
	Findings []Finding     `json:"findings"`
}

// UpstreamDone is the rule hand-maintained boards such as the open-nexus
// STATUS-BOARD.md state for their counters: a status is done when it starts
// with "Done" or "Complete", case-sensitively.
func UpstreamDone(raw string) bool {
	s := strings.TrimSpace(raw)
	return strings.HasPrefix(s, "Done") || strings.HasPrefix(s, "Complete")
}

type drifter struct {
	in  DriftInput
	ix  taskIndex
	rep *Report
}

// Drift recomputes every counter of the hand-written files from the task
// headers and reports every disagreement. Findings are sorted by file,
// line, kind and task.
func Drift(in DriftInput) *Report {
	d := &drifter{in: in, ix: indexDocs(in.Docs), rep: &Report{Groups: []GroupReport{}, Findings: []Finding{}}}
	var docs []*handDoc
	if in.Board != nil {
		docs = append(docs, parseHandDoc(in.Board.Path, in.Board.Data))
	}
	var order *handDoc
	if in.Order != nil {
		order = parseHandDoc(in.Order.Path, in.Order.Data)
		docs = append(docs, order)
	}
	grouped := map[task.ID]bool{}
	var firstGroup *groupSection
	var firstGroupFile string
	for _, hd := range docs {
		d.groups(hd, grouped)
		for i := range hd.Groups {
			if firstGroup == nil && hd.Groups[i].TasksLine > 0 {
				firstGroup, firstGroupFile = &hd.Groups[i], hd.Path
			}
		}
		d.statusLists(hd, hd != order)
		d.rows(hd, hd == order)
		d.proseLists(hd)
		d.unknownIDs(hd)
	}
	if firstGroup != nil {
		line := firstGroup.Parent.Line
		if line == 0 {
			line = firstGroup.Line
		}
		for _, id := range d.ix.ids {
			if !grouped[id] {
				d.add(KindUngrouped, id, firstGroupFile, line, fmt.Sprintf("%s (%s) is in no group's Tasks list", id, d.statusOf(id)))
			}
		}
	}
	if len(docs) > 0 {
		d.statusRule()
	}
	slices.SortStableFunc(d.rep.Findings, func(a, b Finding) int {
		return cmp.Or(strings.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line), strings.Compare(a.Kind, b.Kind), task.Compare(a.Task, b.Task))
	})
	return d.rep
}

func (d *drifter) add(kind string, id task.ID, file string, line int, msg string) {
	d.rep.Findings = append(d.rep.Findings, Finding{Kind: kind, Task: id, File: file, Line: line, Message: msg})
}

// statusOf describes the header status of id for messages.
func (d *drifter) statusOf(id task.ID) string {
	ds := d.ix.docs[id]
	if len(ds) == 0 {
		return "no task file"
	}
	if ds[0].Status.Raw == "" {
		return "no status"
	}
	return fmt.Sprintf("status %q", firstLine(ds[0].Status.Raw))
}

// classOf is the normalised class of id's first document.
func (d *drifter) classOf(id task.ID) task.StatusClass {
	if ds := d.ix.docs[id]; len(ds) > 0 {
		return ds[0].Status.Class
	}
	return ""
}

// upstreamCount counts members done under UpstreamDone.
func (d *drifter) upstreamCount(members []task.ID) Counter {
	c := Counter{Total: len(members)}
	for _, id := range members {
		ds := d.ix.docs[id]
		all := len(ds) > 0
		for _, doc := range ds {
			all = all && UpstreamDone(doc.Status.Raw)
		}
		if all {
			c.Done++
		}
	}
	return c
}

// groups recounts every group section of hd and checks each stated counter
// (the section's Progress line and the summary-table row) against it.
func (d *drifter) groups(hd *handDoc, grouped map[task.ID]bool) {
	summary := map[string]summaryRow{}
	for _, s := range hd.Summary {
		summary[s.Name] = s
	}
	sections := map[string]bool{}
	for _, g := range hd.Groups {
		sections[g.Name] = true
		sum, hasSum := summary[g.Name]
		if g.TasksLine == 0 {
			d.add(KindNoMembers, "", hd.Path, g.Line, fmt.Sprintf("group %q states a counter but has no Tasks line to recount it from; add \"- Tasks:\" with its ids", g.Name))
			continue
		}
		members, _ := Expand(g.Items, d.ix.ids)
		if members == nil {
			members = []task.ID{}
		}
		for _, id := range members {
			grouped[id] = true
		}
		computed := d.ix.count(members)
		gr := GroupReport{Name: g.Name, File: hd.Path, Line: g.Line, Computed: computed, Members: members}
		switch {
		case g.Progress != nil:
			gr.Board = g.Progress.Counter
		case hasSum:
			gr.Board = sum.Counter.Counter
		default:
			d.add(KindNoCounter, "", hd.Path, g.Line, fmt.Sprintf("group %q has no Done / Total counter; the headers give %s (%d%%)", g.Name, computed, computed.Percent()))
		}
		d.rep.Groups = append(d.rep.Groups, gr)
		if g.Progress != nil {
			d.checkCounter(hd.Path, g.Name, "section", *g.Progress, members, computed)
		}
		if hasSum {
			d.checkCounter(hd.Path, g.Name, "summary table", sum.Counter, members, computed)
		}
	}
	for _, s := range hd.Summary {
		if isTotalRow(s.Name) {
			all := d.ix.count(d.ix.ids)
			if s.Counter.Counter != all {
				d.add(KindCounter, "", hd.Path, s.Counter.Line, fmt.Sprintf("%q row says %s done, the headers give %s (%d%%) over all %d task ids", s.Name, s.Counter.Counter, all, all.Percent(), all.Total))
			}
			continue
		}
		if !sections[s.Name] {
			d.add(KindNoMembers, "", hd.Path, s.Counter.Line, fmt.Sprintf("group %q in the summary table has no section with a Tasks line, so its counter cannot be recounted", s.Name))
		}
	}
}

// isTotalRow recognises a summary row that totals the whole repository,
// such as the "All tasks" row of a generated board.
func isTotalRow(name string) bool {
	switch strings.ToLower(name) {
	case "all tasks", "all", "total":
		return true
	}
	return false
}

func (d *drifter) checkCounter(file, group, where string, sc statedCounter, members []task.ID, computed Counter) {
	if sc.Counter != computed {
		msg := fmt.Sprintf("group %q: %s says %s done, the headers give %s (%d%%)", group, where, sc.Counter, computed, computed.Percent())
		var diff []string
		for _, id := range members {
			ds := d.ix.docs[id]
			if d.ix.isDone(id) != (d.upstreamCount([]task.ID{id}).Done == 1) && len(ds) > 0 {
				diff = append(diff, fmt.Sprintf("%s (status %q)", id, firstLine(ds[0].Status.Raw)))
			}
		}
		if len(diff) > 0 && d.upstreamCount(members) == sc.Counter {
			msg += fmt.Sprintf("; the board matches the case-sensitive rule (status starts with \"Done\" or \"Complete\"), which does not count %s as Done", strings.Join(diff, ", "))
		} else {
			msg += "; recount from the task headers"
		}
		var id task.ID
		if len(diff) == 1 {
			id = task.ID(strings.Fields(diff[0])[0])
		}
		d.add(KindCounter, id, file, sc.Line, msg)
		return
	}
	if sc.HasPercent && sc.Percent != sc.Counter.Percent() {
		d.add(KindPercent, "", file, sc.Line, fmt.Sprintf("group %q: %s says %d%% for %s, which is %d%% (rounded half to even)", group, where, sc.Percent, sc.Counter, sc.Counter.Percent()))
	}
}

// statusLists checks that every task whose header has a listed status
// appears in the table kept for it. The Done list is only required in the
// board (withDone): an order file spreads its done rows over many tables.
func (d *drifter) statusLists(hd *handDoc, withDone bool) {
	type list struct {
		line  int
		ids   map[task.ID]bool
		all   bool   // some table of the list must hold every task of the status
		scope []Item // ranges other tables' headings limit themselves to
	}
	lists := map[task.StatusClass]*list{}
	var order []task.StatusClass
	for _, tb := range hd.Tables {
		c := sectionClass(tb.Heading.Text)
		if c == "" || c == classDone && !withDone {
			continue
		}
		l := lists[c]
		if l == nil {
			l = &list{line: tb.Heading.Line, ids: map[task.ID]bool{}}
			lists[c] = l
			order = append(order, c)
		}
		switch scope, partial := listScope(tb.Heading.Text); {
		case partial:
		case scope == nil:
			l.all = true
		default:
			l.scope = append(l.scope, scope...)
		}
		for _, r := range tb.Rows {
			l.ids[r.ID] = true
		}
	}
	for _, c := range order {
		l := lists[c]
		for _, id := range d.ix.ids {
			if l.ids[id] || (!l.all && !slices.ContainsFunc(l.scope, func(it Item) bool { return it.Contains(id) })) {
				continue
			}
			switch {
			case c == classDone && d.ix.isDone(id):
				d.add(KindNotInDoneList, id, hd.Path, l.line, fmt.Sprintf("%s is Done in its header (%s) but missing from the Done list", id, d.statusOf(id)))
			case c != classDone && d.classOf(id) == c:
				d.add(KindNotInStatusList, id, hd.Path, l.line, fmt.Sprintf("%s is %s in its header (%s) but missing from the %s table", id, c, d.statusOf(id), c))
			}
		}
	}
}

// sectionClass maps a heading such as "Done (Ongoing, Cumulative)" or
// "In Progress" to the status its tables list, "" for other headings. Only
// a heading that names one status, optionally followed by a note in
// parentheses or after a colon, makes that claim: "In Progress / Next"
// and "Done and next" mix states, so their rows claim nothing by place.
func sectionClass(h string) task.StatusClass {
	l := strings.ToLower(strings.TrimLeftFunc(plainText(h), func(r rune) bool { return !isAlnum(r) }))
	for _, c := range []task.StatusClass{classDone, classInProgress, classInReview, classBlocked} {
		p := strings.ToLower(string(c))
		if !strings.HasPrefix(l, p) {
			continue
		}
		rest := strings.TrimSpace(l[len(p):])
		if rest == "" || rest[0] == '(' || rest[0] == ':' {
			return c
		}
	}
	return ""
}

// partialWords in a status heading's note say its list is a selection
// ("Done (recent)", "Done — highlights"), so a task missing from it is no
// finding.
var partialWords = []string{"recent", "latest", "last", "selected", "selection", "highlights", "examples", "sample", "excerpt", "some", "partial"}

// listScope reads the note of a status heading: ids written as a range
// ("Done (TASK-0001 through TASK-0008)", "Done: TASK-0040+") limit the
// list to those ids; words such as "recent" make it partial.
func listScope(h string) (scope []Item, partial bool) {
	l := strings.ToLower(h)
	for _, w := range strings.FieldsFunc(l, func(r rune) bool { return !isAlnum(r) }) {
		if slices.Contains(partialWords, w) {
			return nil, true
		}
	}
	refs := task.FindIDs(h)
	for i := 0; i < len(refs); i++ {
		from := refs[i]
		end := idEnd(h, from.Offset)
		if openEnded(h, end) {
			scope = append(scope, Item{From: from.ID, To: task.ID(fmt.Sprintf("TASK-%d", maxIDNumber))})
			continue
		}
		if i+1 < len(refs) && inRange(h, from.Offset) && inRange(h, refs[i+1].Offset) {
			scope = append(scope, Item{From: from.ID, To: refs[i+1].ID})
			i++
		} else if to, ok := shorthandEnd(h, end); ok {
			scope = append(scope, Item{From: from.ID, To: to}) // "TASK-0010–0012"
		}
		// A single id in the note ("Done (see TASK-0040)") is a reference,
		// not a scope.
	}
	return scope, false
}

// maxIDNumber is the upper end of an open range ("TASK-0015+").
const maxIDNumber = 99999999

// iconClass is the status an icon in front of an id claims.
func iconClass(icon string) task.StatusClass {
	switch strings.TrimSpace(strings.TrimSuffix(icon, "\ufe0f")) {
	case "✅", "✔", "☑":
		return classDone
	case "⤳":
		return classSuperseded
	}
	return ""
}

// rows checks each table row's claims (icon, Status cell, or the status
// list it sits in) against the header, and duplicate rows. In the order
// file an unmarked row is open.
func (d *drifter) rows(hd *handDoc, isOrder bool) {
	for _, tb := range hd.Tables {
		seen := map[task.ID]int{}
		section := sectionClass(tb.Heading.Text)
		for _, r := range tb.Rows {
			if first, dup := seen[r.ID]; dup {
				d.add(KindDuplicateRow, r.ID, hd.Path, r.Line, fmt.Sprintf("%s is listed twice in the table at line %d (first at line %d)", r.ID, tb.Line, first))
			} else {
				seen[r.ID] = r.Line
			}
			if len(d.ix.docs[r.ID]) == 0 {
				continue // reported as unknown-id
			}
			header := d.classOf(r.ID)
			var claims []string
			var claimed []task.StatusClass
			if c := iconClass(r.Icon); c != "" {
				claimed = append(claimed, c)
				claims = append(claims, fmt.Sprintf("icon %s (%s)", r.Icon, c))
			}
			// A Status cell in the board's own words ("Queued", "Next",
			// "Proposed") states the row's status: it is not a claim, and
			// it overrides what the section or an unmarked order row
			// would imply. DriftInput.Classify maps such words when the
			// project configures a board vocabulary.
			ownWord := false
			if r.Status != "" && d.in.Classify != nil {
				if c := d.in.Classify(r.Status); c != "" {
					claimed = append(claimed, c)
					claims = append(claims, fmt.Sprintf("status %q", r.Status))
				} else {
					ownWord = true
				}
			}
			if ownWord && len(claimed) == 0 {
				continue
			}
			if len(claimed) == 0 && section != "" {
				claimed = append(claimed, section)
				claims = append(claims, fmt.Sprintf("its place in the %s table", section))
			}
			if len(claimed) == 0 {
				if isOrder && d.ix.isDone(r.ID) {
					d.add(KindOrderOpen, r.ID, hd.Path, r.Line, fmt.Sprintf("%s has no done mark (✅) here but its header says Done (%s)", r.ID, d.statusOf(r.ID)))
				}
				continue
			}
			var wrong []string
			claimsDone := false
			for i, c := range claimed {
				if c != header {
					wrong = append(wrong, claims[i])
					claimsDone = claimsDone || c == classDone
				}
			}
			if len(wrong) == 0 {
				continue
			}
			kind := KindRowStatus
			if isOrder && claimsDone {
				kind = KindOrderDone
			}
			have := string(header)
			if have == "" {
				have = "not a recognised status"
			}
			d.add(kind, r.ID, hd.Path, r.Line, fmt.Sprintf("%s: row claims %s but its header says %s (%s)", r.ID, strings.Join(wrong, " and "), have, d.statusOf(r.ID)))
		}
	}
}

// proseLists checks each task a prose list names against the list's
// label: an open label ("Still open") against a Done or Superseded
// header, a status label against any other status.
func (d *drifter) proseLists(hd *handDoc) {
	for _, pl := range hd.Lists {
		open, class := labelClaim(pl.Label, d.in.Classify)
		if !open && class == "" {
			continue
		}
		ids := pl.IDs
		if len(pl.Ranges) > 0 {
			inRanges, _ := Expand(pl.Ranges, d.ix.ids)
			ids = append(slices.Clip(ids), inRanges...)
		}
		for _, id := range ids {
			if len(d.ix.docs[id]) == 0 {
				continue // reported as unknown-id
			}
			header := d.classOf(id)
			switch {
			case open && (header == classDone || header == classSuperseded):
				d.add(KindListStatus, id, hd.Path, pl.Line, fmt.Sprintf("%s is listed under %q but its header says %s (%s)", id, pl.Label, header, d.statusOf(id)))
			case !open && header != class:
				have := string(header)
				if have == "" {
					have = "not a recognised status"
				}
				d.add(KindListStatus, id, hd.Path, pl.Line, fmt.Sprintf("%s is listed under %q (%s) but its header says %s (%s)", id, pl.Label, class, have, d.statusOf(id)))
			}
		}
	}
}

// unknownIDs reports each id hd mentions that has no task file, once, at
// its first mention. The ends of a range are not claims that a file
// exists.
func (d *drifter) unknownIDs(hd *handDoc) {
	seen := map[task.ID]bool{}
	for _, m := range hd.Mentions {
		if m.InRange || seen[m.ID] || len(d.ix.docs[m.ID]) > 0 {
			continue
		}
		seen[m.ID] = true
		d.add(KindUnknownID, m.ID, hd.Path, m.Line, fmt.Sprintf("%s is named here but has no task file", m.ID))
	}
}

// statusRule reports tasks the upstream case-sensitive Done rule and
// taskproof's case-insensitive normalisation classify differently, at the
// task's status line.
func (d *drifter) statusRule() {
	for _, id := range d.ix.ids {
		for _, doc := range d.ix.docs[id] {
			up, tp := UpstreamDone(doc.Status.Raw), doc.Status.Class == classDone
			if up == tp {
				continue
			}
			var msg string
			if tp {
				msg = fmt.Sprintf("%s: status %q is Done for taskproof (case-insensitive) but not under the board's rule (starts with \"Done\" or \"Complete\", case-sensitive); write %q", id, firstLine(doc.Status.Raw), string(classDone))
			} else {
				msg = fmt.Sprintf("%s: status %q counts as done under the board's rule but taskproof classifies it as %q", id, firstLine(doc.Status.Raw), doc.Status.Class)
			}
			d.add(KindStatusRule, id, doc.Path, doc.Status.Line, msg)
		}
	}
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return s
}

// JSON renders the report as indented JSON with a trailing newline.
func (r *Report) JSON() []byte { return marshal(r) }

// Text renders "file:line: kind: message" lines, then a table of groups.
func (r *Report) Text() []byte {
	var w bytes.Buffer
	for _, f := range r.Findings {
		fmt.Fprintf(&w, "%s:%d: %s: %s\n", f.File, f.Line, f.Kind, f.Message)
	}
	if len(r.Groups) > 0 {
		if len(r.Findings) > 0 {
			fmt.Fprintln(&w)
		}
		tw := tabwriter.NewWriter(&w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "GROUP\tBOARD\tCOMPUTED\tAGREES")
		for _, g := range r.Groups {
			mark := "yes"
			if !g.Agrees() {
				mark = "NO"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", g.Name, g.Board, g.Computed, mark)
		}
		tw.Flush()
	}
	agree := 0
	for _, g := range r.Groups {
		if g.Agrees() {
			agree++
		}
	}
	if len(r.Groups) == 0 {
		fmt.Fprintf(&w, "%d findings\n", len(r.Findings))
	} else {
		fmt.Fprintf(&w, "%d findings; %d of %d groups agree with the headers\n", len(r.Findings), agree, len(r.Groups))
	}
	return w.Bytes()
}

// DriftClassifier is the status classifier of Drift for cfg: the task
// vocabulary and its aliases, then the words of [board.vocabulary] (a
// board's own words, "Queued", claim a status only when it maps them).
func DriftClassifier(cfg *config.Config) func(string) task.StatusClass {
	return func(s string) task.StatusClass {
		if c := task.Classify(s, cfg.Status.Vocabulary, cfg.Status.Aliases); c != "" {
			return c
		}
		return task.Classify(s, cfg.Status.Vocabulary, cfg.Board.Vocabulary)
	}
}
