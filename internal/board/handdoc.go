package board

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"

	"github.com/taskproof/taskproof/internal/task"
)

// handDoc is what drift reads from a hand-written Markdown board or order
// file: headings, group sections with their stated counters and "Tasks:"
// lists, the group summary table, every table row that starts with a task
// id, and every id mentioned anywhere (outside code fences).
type handDoc struct {
	Path     string
	Groups   []groupSection
	Summary  []summaryRow
	Tables   []mdTable
	Lists    []proseList
	Mentions []mention
}

type heading struct {
	Level int
	Text  string
	Line  int
}

// statedCounter is a "done / total" a person wrote, with its percentage.
type statedCounter struct {
	Counter
	Percent    int
	HasPercent bool
	Line       int
}

// groupSection is a heading whose section holds a "- Tasks:" line and
// usually a "- Progress: `d / t`" line.
type groupSection struct {
	Name      string
	Line      int     // heading line
	Parent    heading // enclosing higher-level heading, for "add it here" findings
	Progress  *statedCounter
	Items     []Item
	TasksLine int // 0 when the section has a Progress line but no Tasks line
}

// summaryRow is a row of a table whose columns include Group and
// "Done / Total".
type summaryRow struct {
	Name    string
	Counter statedCounter
}

// mdTable is a Markdown table whose rows name tasks in their first cell.
type mdTable struct {
	Line    int     // line of the header row
	Heading heading // nearest heading above the table
	// StatusCol is the index of a column headed "Status", -1 when none.
	StatusCol int
	Rows      []tableRow
}

// tableRow is a table row whose first cell names a task, optionally after
// an icon such as ✅ or ⤳.
type tableRow struct {
	Line   int
	ID     task.ID
	Icon   string
	Status string // the Status column cell, "" when the table has none
}

type mention struct {
	ID   task.ID
	Line int
	// InRange is true for an end of a range ("Queue (TASK-0015+)"), which
	// need not have a file.
	InRange bool
}

// lineMentions returns the ids written on one line.
func lineMentions(text string, lineNo int) []mention {
	var out []mention
	for _, m := range task.FindIDs(text) {
		out = append(out, mention{ID: m.ID, Line: lineNo, InRange: inRange(text, m.Offset)})
	}
	return out
}

// Compiled on first use, not at package init: init runs in every taskproof
// process, most of which never need these.
var (
	counterRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(\d+)\s*/\s*(\d+)`) })
	percentRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(\d+)\s*%`) })
)

// parseHandDoc reads a hand-written Markdown file. It never fails: text it
// does not recognise is ignored.
func parseHandDoc(path string, src []byte) *handDoc {
	doc := &handDoc{Path: path}
	lines := strings.Split(strings.ReplaceAll(string(src), "\r\n", "\n"), "\n")
	blankComments(lines)
	var (
		fences    fenceTracker
		headings  []heading // stack of open headings by level
		cur       *groupSection
		inTasks   bool // continuation lines of a Tasks bullet
		tasksText string
		under     string // label of the bullet list of ids that may follow
		underPara bool   // under came from a label line, not a heading
	)
	flushTasks := func() {
		if cur != nil && inTasks {
			cur.Items = append(cur.Items, ParseTasksText(tasksText)...)
		}
		inTasks, tasksText = false, ""
	}
	closeSection := func() {
		flushTasks()
		if cur != nil && (cur.TasksLine > 0 || cur.Progress != nil) {
			doc.Groups = append(doc.Groups, *cur)
		}
		cur = nil
	}
	nearest := func() heading {
		if len(headings) == 0 {
			return heading{}
		}
		return headings[len(headings)-1]
	}
	for i := 0; i < len(lines); i++ {
		lineNo := i + 1
		raw := lines[i]
		t := strings.TrimSpace(raw)
		if fences.code(t) {
			continue
		}
		doc.Mentions = append(doc.Mentions, lineMentions(raw, lineNo)...)
		if level, text := parseHeading(t); level > 0 {
			closeSection()
			under, underPara = headingLabel(text), false
			for len(headings) > 0 && headings[len(headings)-1].Level >= level {
				headings = headings[:len(headings)-1]
			}
			parent := nearest()
			h := heading{Level: level, Text: text, Line: lineNo}
			headings = append(headings, h)
			cur = &groupSection{Name: text, Line: lineNo, Parent: parent}
			continue
		}
		if inTasks {
			if t != "" && !task.IsListBullet(t) && (raw[0] == ' ' || raw[0] == '\t') {
				tasksText += " " + t
				continue
			}
			flushTasks()
		}
		if cur != nil && task.IsListBullet(t) {
			key, val := bulletField(t)
			switch key {
			case "tasks":
				cur.TasksLine = lineNo
				inTasks, tasksText = true, val
				continue
			case "progress":
				if sc, ok := parseStated(val, lineNo); ok {
					cur.Progress = &sc
				}
				continue
			}
		}
		// A bullet list of ids under a label of its own: a heading
		// ("## Still open") or a line that is only a label ("**Done:**").
		if under != "" && task.IsListBullet(t) && raw[0] != ' ' && raw[0] != '\t' {
			if ids, ranges := bulletIDs(t); len(ids)+len(ranges) > 0 {
				doc.Lists = append(doc.Lists, proseList{Line: lineNo, Label: under, IDs: ids, Ranges: ranges})
				doc.addListMentions(ids, lineNo)
				continue
			}
		}
		if label, ok := labelOnly(t); ok {
			under, underPara = label, true
			continue
		}
		if underPara && t != "" && !task.IsListBullet(t) {
			under, underPara = "", false
		}
		if pl, ok := parseProseList(raw, lineNo); ok {
			doc.Lists = append(doc.Lists, pl)
			doc.addListMentions(pl.IDs, lineNo)
		}
		if strings.HasPrefix(t, "|") && i+1 < len(lines) && isDelimiterRow(strings.TrimSpace(lines[i+1])) {
			header := splitRow(t)
			end := i + 2
			for end < len(lines) && strings.HasPrefix(strings.TrimSpace(lines[end]), "|") {
				end++
			}
			doc.readTable(header, lines, i, end, nearest())
			// Mentions inside the table rows still count.
			for j := i + 1; j < end; j++ {
				doc.Mentions = append(doc.Mentions, lineMentions(lines[j], j+1)...)
			}
			i = end - 1
			continue
		}
	}
	closeSection()
	return doc
}

// addListMentions records the single ids of a list as mentions (bare
// "`0281`" is not found by the mention scan): unknown ones are reported.
func (doc *handDoc) addListMentions(ids []task.ID, lineNo int) {
	for _, id := range ids {
		if !slices.ContainsFunc(doc.Mentions, func(m mention) bool { return m.Line == lineNo && m.ID == id }) {
			doc.Mentions = append(doc.Mentions, mention{ID: id, Line: lineNo})
		}
	}
}

// headingLabel is a heading as a list label: "Still open (phase 2)" reads
// "Still open"; "" when the heading names ids or is too long to be one.
func headingLabel(h string) string {
	l := strings.TrimSpace(strings.Trim(plainText(h), "*_ :"))
	if i := strings.IndexByte(l, '('); i >= 0 {
		l = strings.TrimSpace(l[:i])
	}
	l = strings.TrimSpace(strings.TrimRight(l, ":"))
	if l == "" || len(l) > maxLabelLen || len(task.FindIDs(l)) > 0 || strings.IndexFunc(l, isAlnum) < 0 {
		return ""
	}
	return l
}

// labelOnly reads a line that is only a list label: "Still open:",
// "**Done:**", "**Remaining**:". A longer line ending in a colon ("Phase 3
// picks these up first:") is a sentence introducing the list, which stays
// under its heading's label.
func labelOnly(t string) (string, bool) {
	if task.IsListBullet(t) || strings.HasPrefix(t, "|") || strings.HasPrefix(t, "#") {
		return "", false
	}
	label, rest, ok := cutLabel(t)
	if !ok || strings.TrimSpace(strings.Trim(rest, "*_ ")) != "" {
		return "", false
	}
	if l := headingLabel(label); l != "" && len(strings.Fields(l)) <= maxLabelWords {
		return l, true
	}
	return "", false
}

// maxLabelWords bounds a label written on a line of its own.
const maxLabelWords = 4

// bulletIDs reads the ids a bullet starts with ("- `TASK-0010` — title",
// "- [ ] TASK-0010..0012: …", "- **TASK-0016–0024**: …"): the ids and
// ranges before the first text that is not an id, separator or mark.
func bulletIDs(t string) ([]task.ID, []Item) {
	body := strings.TrimSpace(t[2:])
	body = strings.TrimSpace(strings.TrimPrefix(strings.TrimPrefix(strings.TrimPrefix(body, "[ ]"), "[x]"), "[X]"))
	if leadingID(body) < 0 {
		return nil, nil
	}
	// The id run ends at the first letter that is not part of an id or a
	// range word: "TASK-0010 — kernel" keeps "TASK-0010 — ".
	end := len(body)
	for i := 0; i < len(body); {
		refs := listTokens(body[i:])
		if len(refs) > 0 && refs[0].off == 0 {
			i += refs[0].end
			continue
		}
		if w := rangeWordAt(body, i); w > 0 {
			i += w
			continue
		}
		if c := body[i]; isAlnumByte(c) || c == ':' || c == '(' || c == '[' && i > 0 {
			end = i
			break
		}
		i++
	}
	return listIDs(body[:end])
}

// rangeWordAt is the length of a range word ("to", "through", "thru") at
// s[i:] standing alone, 0 otherwise.
func rangeWordAt(s string, i int) int {
	for _, w := range []string{"through", "thru", "to"} {
		if strings.HasPrefix(s[i:], w) && (i == 0 || !isAlnumByte(s[i-1])) && (i+len(w) == len(s) || !isAlnumByte(s[i+len(w)])) {
			return len(w)
		}
	}
	return 0
}

// readTable records a table: as the group summary when it has Group and
// Done/Total columns, else as a table of task rows.
func (doc *handDoc) readTable(header, lines []string, start, end int, h heading) {
	groupCol, counterCol, pctCol, statusCol := -1, -1, -1, -1
	for c, name := range header {
		n := headerWord(name)
		switch {
		case n == "group":
			groupCol = c
		case strings.Contains(n, "done") && strings.Contains(n, "total"):
			counterCol = c
		case n == "progress" || strings.Contains(n, "%"):
			pctCol = c
		case statusCol < 0 && (n == "status" || n == "state" || strings.HasPrefix(n, "status (") || strings.HasPrefix(n, "state (")):
			statusCol = c
		}
	}
	if groupCol == 0 && counterCol > 0 {
		for j := start + 2; j < end; j++ {
			cells := splitRow(strings.TrimSpace(lines[j]))
			if len(cells) <= counterCol {
				continue
			}
			sc, ok := parseStated(cells[counterCol], j+1)
			if !ok {
				continue
			}
			if pctCol >= 0 && pctCol < len(cells) {
				if m := percentRE().FindStringSubmatch(cells[pctCol]); m != nil {
					sc.Percent, _ = strconv.Atoi(m[1])
					sc.HasPercent = true
				}
			}
			doc.Summary = append(doc.Summary, summaryRow{Name: plainText(cells[0]), Counter: sc})
		}
		return
	}
	idCol := taskColumn(header, lines[start+2:end])
	tb := mdTable{Line: start + 1, Heading: h, StatusCol: statusCol}
	if aboutOtherItems(lines[start+2:end], idCol) {
		// "| RFC | Title | Status | Task |": the rows and their Status
		// are the RFCs'; the Task column only refers to tasks.
		doc.Tables = append(doc.Tables, tb)
		return
	}
	for j := start + 2; j < end; j++ {
		cells := splitRow(strings.TrimSpace(lines[j]))
		if len(cells) <= idCol {
			continue
		}
		// The id may share its cell with an icon before it and a title
		// after it: "✅ TASK-0001", "TASK-0011 Kernel simplification".
		cell := cells[idCol]
		var r tableRow
		if off := leadingID(cell); off >= 0 {
			r = tableRow{Line: j + 1, ID: task.FindIDs(cell)[0].ID, Icon: strings.Trim(cell[:off], " \t*`[_")}
		} else if id, ok := bareNumberID(cell); ok && numbersName(header, idCol) {
			r = tableRow{Line: j + 1, ID: id}
		} else {
			continue // no id, or an id inside a note ("ADR-0018 for TASK-0280")
		}
		if statusCol >= 0 && statusCol < len(cells) {
			r.Status = plainText(cells[statusCol])
			if strings.IndexFunc(r.Status, isAlnum) < 0 {
				r.Status = "" // "—", "-", "?": no status written
			}
		}
		tb.Rows = append(tb.Rows, r)
	}
	doc.Tables = append(doc.Tables, tb)
}

// taskColumn is the index of the column a table names its tasks in: the
// one headed "Task", "Task ID" or "ID" ("| Lane | Task | Status |"); else
// the first column in which most rows start with a task id ("| Lane |
// Item | Status |"); else the first column. Columns whose header says
// they refer to other tasks ("Blocked by", "Depends on", "Prereqs") are
// references, never the rows' task.
func taskColumn(header, rows []string) int {
	for c, name := range header {
		switch headerWord(name) {
		case "task", "tasks", "task id", "task ids", "id", "ticket", "issue", "item", "work item":
			return c
		}
	}
	for c, name := range header {
		if isReferenceColumn(headerWord(name)) {
			continue
		}
		n, ids := 0, 0
		for _, row := range rows {
			cells := splitRow(strings.TrimSpace(row))
			if c >= len(cells) || strings.TrimSpace(cells[c]) == "" {
				continue
			}
			n++
			if leadingID(cells[c]) >= 0 {
				ids++
			}
		}
		if n > 0 && 2*ids > n {
			return c
		}
	}
	return 0
}

// numbersName reports whether column c's header says its cells are task
// numbers ("| Task | Title |", "| Task # |"): only there does a bare
// "0281" name TASK-0281. Under "ID" or "#" it could be any item's number.
func numbersName(header []string, c int) bool {
	if c >= len(header) {
		return false
	}
	switch headerWord(header[c]) {
	case "task", "tasks", "task id", "task ids", "task no", "task nr", "task number":
		return true
	}
	return strings.TrimSpace(plainText(header[c])) == "Task #"
}

// bareNumberID reads a cell that starts with a task number and no TASK
// prefix: "0281", "#281", "**0008B** Title", "[0012](t.md)".
func bareNumberID(cell string) (task.ID, bool) {
	t := strings.TrimLeft(plainText(cell), " \t#[_")
	n := 0
	for n < len(t) && n < 6 && t[n] >= '0' && t[n] <= '9' {
		n++
	}
	if n == 0 {
		return "", false
	}
	end := n
	if end < len(t) && t[end] >= 'A' && t[end] <= 'Z' {
		end++
	}
	if end < len(t) && !strings.ContainsRune(" \t]_", rune(t[end])) {
		return "", false // "12%", "3.5", "2026-01-09"
	}
	return task.ParseID("TASK-" + t[:end])
}

// referenceWords start the header of a column that refers to other tasks.
var referenceWords = []string{"blocked", "blocks", "blocker", "depend", "prereq", "needs", "requires", "after", "before",
	"follow", "parent", "child", "related", "see", "supersed", "replaced", "gate", "links", "refs"}

func isReferenceColumn(h string) bool {
	for _, w := range referenceWords {
		if strings.HasPrefix(h, w) {
			return true
		}
	}
	return false
}

// headerWord is a table header cell as plain lower-case words: emphasis,
// code marks and leading emoji dropped ("**Task** 🔖" reads "task").
func headerWord(s string) string {
	s = strings.ToLower(plainText(s))
	s = strings.TrimLeftFunc(s, func(r rune) bool { return !isAlnum(r) && r != '(' })
	return strings.TrimRightFunc(s, func(r rune) bool { return !isAlnum(r) && r != ')' })
}

// leadingID is the offset of the task id a cell starts with, after icons
// and marks ("✅ TASK-0001", "[TASK-0001](…)", "**TASK-0001** title"), -1
// when the cell does not start with one.
func leadingID(cell string) int {
	ids := task.FindIDs(cell)
	if len(ids) == 0 || strings.IndexFunc(cell[:ids[0].Offset], isAlnum) >= 0 {
		return -1
	}
	return ids[0].Offset
}

// foreignIDRE matches an identifier of another kind at the start of a
// cell: RFC-0014, ADR-0018, BUG-12.
var foreignIDRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[^\pL\pN]*([A-Z][A-Z0-9]+)-\d+`) })

// aboutOtherItems reports whether a column before idCol names other
// identifiers (RFC-…, ADR-…) in most rows, which makes them the rows'
// subject.
func aboutOtherItems(rows []string, idCol int) bool {
	for c := 0; c < idCol; c++ {
		n, foreign := 0, 0
		for _, row := range rows {
			cells := splitRow(strings.TrimSpace(row))
			if c >= len(cells) {
				continue
			}
			n++
			if m := foreignIDRE().FindStringSubmatch(cells[c]); m != nil && m[1] != "TASK" {
				foreign++
			}
		}
		if n > 0 && 2*foreign > n {
			return true
		}
	}
	return false
}

func isAlnum(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// parseStated reads "`14 / 34` done (`41%`)" or "14 / 34".
func parseStated(s string, line int) (statedCounter, bool) {
	m := counterRE().FindStringSubmatchIndex(s)
	if m == nil {
		return statedCounter{}, false
	}
	done, _ := strconv.Atoi(s[m[2]:m[3]])
	total, _ := strconv.Atoi(s[m[4]:m[5]])
	sc := statedCounter{Counter: Counter{Done: done, Total: total}, Line: line}
	if p := percentRE().FindStringSubmatch(s[m[1]:]); p != nil {
		sc.Percent, _ = strconv.Atoi(p[1])
		sc.HasPercent = true
	}
	return sc, true
}

// fenceTracker follows fenced code blocks line by line.
type fenceTracker struct{ open string }

// code reports whether the trimmed line t opens, closes or lies inside a
// fenced code block.
func (f *fenceTracker) code(t string) bool {
	if m := fenceMarker(t); m != "" {
		switch {
		case f.open == "":
			f.open = m
		case strings.HasPrefix(t, f.open):
			f.open = ""
		}
		return true
	}
	return f.open != ""
}

// fenceMarker returns the fence (``` or ~~~ run) a line opens or closes.
func fenceMarker(t string) string {
	for _, f := range []string{"```", "~~~"} {
		if strings.HasPrefix(t, f) {
			n := len(t) - len(strings.TrimLeft(t, f[:1]))
			return t[:n]
		}
	}
	return ""
}

// parseHeading returns the level and text of an ATX heading, 0 otherwise.
func parseHeading(t string) (int, string) {
	n := len(t) - len(strings.TrimLeft(t, "#"))
	if n == 0 || n > 6 || len(t) > n && t[n] != ' ' && t[n] != '\t' {
		return 0, ""
	}
	text := strings.TrimSpace(t[n:])
	text = strings.TrimSpace(strings.TrimRight(text, "#"))
	return n, text
}

// blankComments removes HTML comments ("<!-- old table … -->") from the
// lines outside code fences, keeping line numbers: a commented-out row
// or list is not a claim, as it is not shown.
func blankComments(lines []string) {
	in := false
	var fences fenceTracker
	for i, l := range lines {
		t := strings.TrimSpace(l)
		if !in && (fences.code(t) || !strings.Contains(l, "<!--")) {
			continue
		}
		lines[i], in = task.StripHTMLComments(l, in)
	}
}

// bulletField splits "- Tasks: …" / "- **Progress:** …" into a lower-case
// key and the value; key is "" when the bullet is not "Key: value".
func bulletField(t string) (string, string) {
	body := strings.TrimSpace(t[2:])
	body = strings.TrimPrefix(body, "**")
	k, v, ok := strings.Cut(body, ":")
	if !ok || strings.ContainsAny(k, "`[") {
		return "", ""
	}
	v = strings.TrimPrefix(v, "**")
	return strings.ToLower(strings.TrimSpace(strings.TrimSuffix(k, "**"))), strings.TrimSpace(v)
}

func isDelimiterRow(t string) bool {
	if !strings.HasPrefix(t, "|") {
		return false
	}
	cells := splitRow(t)
	if len(cells) == 0 {
		return false
	}
	for _, c := range cells {
		c = strings.Trim(c, ": ")
		if c == "" || strings.Trim(c, "-") != "" {
			return false
		}
	}
	return true
}

// splitRow splits a table row into trimmed cells; "\|" does not split.
func splitRow(t string) []string {
	t = strings.TrimSpace(t)
	t = strings.TrimPrefix(t, "|")
	if strings.HasSuffix(t, "|") && !strings.HasSuffix(t, `\|`) {
		t = t[:len(t)-1]
	}
	var cells []string
	var b strings.Builder
	for i := 0; i < len(t); i++ {
		switch {
		case t[i] == '\\' && i+1 < len(t) && t[i+1] == '|':
			b.WriteByte('|')
			i++
		case t[i] == '|':
			cells = append(cells, strings.TrimSpace(b.String()))
			b.Reset()
		default:
			b.WriteByte(t[i])
		}
	}
	return append(cells, strings.TrimSpace(b.String()))
}

// plainText drops Markdown emphasis and code marks from a cell.
func plainText(s string) string {
	s = strings.NewReplacer("**", "", "`", "").Replace(s)
	return strings.TrimSpace(s)
}
