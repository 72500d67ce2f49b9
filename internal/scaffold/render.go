package scaffold

import (
	_ "embed"
	"strings"

	"github.com/taskproof/taskproof/internal/task"
)

// builtinTemplate is used by `taskproof new` when the repository has no
// template file. It follows the section layout of the template the product
// grew from, in our own words.
//
//go:embed template.md
var builtinTemplate []byte

// BuiltinTemplate returns a copy of the built-in task template.
func BuiltinTemplate() []byte { return append([]byte(nil), builtinTemplate...) }

// placeholderID is the template's stand-in for the task's own id.
const placeholderID = "TASK-XXXX"

// Parent is the task a follow-up continues: its id and its file, relative
// to the repository root and slash-separated (tasks/TASK-0003-x.md).
type Parent struct {
	ID   task.ID
	Path string
}

// Render fills a task template for a new task: the title becomes
// "<id> <title>", the status Draft, created (and updated, if the template
// has it) the date, and every TASK-XXXX the id. Fields the template lacks
// are added. A template with front matter is filled there; one written in
// the header-less form (# TASK-XXXX: title, then "- Status:" bullets) is
// filled in that form; anything else gets a front matter block.
func Render(template []byte, id, title, date string) []byte {
	return render(template, id, title, date, nil)
}

// RenderFollowUp is Render for a follow-up: it also records the parent as
// a "Parent task:" link (in the links list, or as a header bullet), the
// form the graph reads as a non-blocking parent edge. It adds no depends-on:
// a follow-up that must wait for its parent says so itself.
func RenderFollowUp(template []byte, id, title, date string, parent Parent) []byte {
	return render(template, id, title, date, &parent)
}

func render(template []byte, id, title, date string, parent *Parent) []byte {
	src := strings.ReplaceAll(string(template), placeholderID, id)
	eol := "\n"
	if strings.Contains(src, "\r\n") {
		eol = "\r\n"
		src = strings.ReplaceAll(src, "\r\n", "\n")
	}
	src = strings.TrimPrefix(src, "\ufeff")
	trailing := strings.HasSuffix(src, "\n")
	lines := strings.Split(strings.TrimSuffix(src, "\n"), "\n")
	if src == "" {
		lines = nil
	}
	title = strings.Join(strings.Fields(title), " ")
	e := &editor{lines: lines, id: id, title: title, date: date, parent: parent}
	switch {
	case e.frontMatterEnd() > 0:
		e.fillFrontMatter()
	case e.headingIndex() >= 0:
		e.fillHeaderBullets()
	default:
		e.prependFrontMatter()
	}
	out := strings.Join(e.lines, eol)
	if trailing || len(template) == 0 {
		out += eol
	}
	return []byte(out)
}

type editor struct {
	lines           []string
	id, title, date string
	parent          *Parent
}

func (e *editor) insert(at int, ls ...string) {
	e.lines = append(e.lines[:at], append(append([]string(nil), ls...), e.lines[at:]...)...)
}

// frontMatterEnd returns the index of the closing --- of a front matter
// block that starts on the first line, or -1.
func (e *editor) frontMatterEnd() int {
	if len(e.lines) == 0 || strings.TrimRight(e.lines[0], " \t") != "---" {
		return -1
	}
	for i := 1; i < len(e.lines); i++ {
		if t := strings.TrimRight(e.lines[i], " \t"); t == "---" || t == "..." {
			return i
		}
	}
	return -1
}

// topKey returns the lower-cased key of a top-level "key: value" line.
func topKey(line string) (key, spelled string, ok bool) {
	if line == "" || line[0] == ' ' || line[0] == '\t' || line[0] == '#' {
		return "", "", false
	}
	k, _, found := strings.Cut(line, ":")
	if !found || k == "" || strings.ContainsAny(k, " \t") {
		return "", "", false
	}
	return strings.ToLower(k), k, true
}

func (e *editor) fillFrontMatter() {
	end := e.frontMatterEnd()
	at := map[string]int{}
	for i := 1; i < end; i++ {
		key, spelled, ok := topKey(e.lines[i])
		if !ok {
			continue
		}
		switch key {
		case "title":
			e.lines[i] = spelled + ": " + e.id + " " + e.title
		case "status":
			e.lines[i] = spelled + ": Draft"
		case "created", "updated":
			e.lines[i] = spelled + ": " + e.date
		default:
			continue
		}
		at[key] = i
	}
	// Add what the template lacks, each after the field it follows.
	if _, ok := at["title"]; !ok {
		e.insert(1, "title: "+e.id+" "+e.title)
		shift(at, 1)
		at["title"] = 1
	}
	if _, ok := at["status"]; !ok {
		p := at["title"] + 1
		e.insert(p, "status: Draft")
		shift(at, p)
		at["status"] = p
	}
	if _, ok := at["created"]; !ok {
		p := at["status"] + 1
		e.insert(p, "created: "+e.date)
		shift(at, p)
	}
	if e.parent != nil {
		e.addParentLink()
	}
}

// shift moves recorded line indexes at or after p down by one.
func shift(at map[string]int, p int) {
	for k, v := range at {
		if v >= p {
			at[k] = v + 1
		}
	}
}

// addParentLink puts "- Parent task: path" at the end of the links list,
// creating the list when there is none.
func (e *editor) addParentLink() {
	end := e.frontMatterEnd()
	item := "Parent task: " + e.parent.Path
	for i := 1; i < end; i++ {
		key, spelled, ok := topKey(e.lines[i])
		if !ok || key != "links" {
			continue
		}
		value := strings.TrimSpace(e.lines[i][len(spelled)+1:])
		if value != "" {
			// An inline list ([a, b]) or a single value: rewrite it as
			// a block list so that the parent can join it.
			e.lines[i] = spelled + ":"
			var items []string
			for _, it := range strings.Split(strings.Trim(value, "[]"), ",") {
				if it = strings.TrimSpace(it); it != "" {
					items = append(items, "  - "+it)
				}
			}
			e.insert(i+1, items...)
			end += len(items)
		}
		last, indent := i, "  "
		for j := i + 1; j < end; j++ {
			l := e.lines[j]
			if l != "" && l[0] != ' ' && l[0] != '\t' {
				break
			}
			t := strings.TrimLeft(l, " \t")
			if strings.HasPrefix(t, "- ") {
				last, indent = j, l[:len(l)-len(t)]
			}
		}
		e.insert(last+1, indent+"- "+item)
		return
	}
	e.insert(end, "links:", "  - "+item)
}

// headingIndex returns the index of the first line when it is a level-1
// heading (after blank lines), or -1.
func (e *editor) headingIndex() int {
	for i, l := range e.lines {
		if strings.TrimSpace(l) == "" {
			continue
		}
		if strings.HasPrefix(l, "# ") {
			return i
		}
		return -1
	}
	return -1
}

// fillHeaderBullets fills the header-less form: "# TASK-NNNN: title" and
// the "- Key: value" bullets right under it.
func (e *editor) fillHeaderBullets() {
	h := e.headingIndex()
	e.lines[h] = "# " + e.id + ": " + e.title
	start := h + 1
	for start < len(e.lines) && strings.TrimSpace(e.lines[start]) == "" {
		start++
	}
	end := start
	hasStatus, hasCreated, statusAt := false, false, -1
	for end < len(e.lines) {
		t := e.lines[end]
		if !strings.HasPrefix(t, "- ") {
			if end > start && strings.HasPrefix(t, "  ") && strings.TrimSpace(t) != "" {
				end++ // continuation of the previous bullet
				continue
			}
			break
		}
		if k, _, ok := strings.Cut(t[2:], ":"); ok {
			switch strings.ToLower(strings.Trim(k, "* ")) {
			case "status":
				e.lines[end] = "- Status: Draft"
				hasStatus, statusAt = true, end
			case "created":
				e.lines[end] = "- Created: " + e.date
				hasCreated = true
			}
		}
		end++
	}
	var first []string
	if !hasStatus {
		first = append(first, "- Status: Draft")
	}
	if !hasCreated && !hasStatus {
		first = append(first, "- Created: "+e.date)
	}
	var last []string
	if e.parent != nil {
		last = append(last, "- Parent task: "+e.parent.Path)
	}
	if start == end {
		// No bullets yet: a block of our own between blank lines.
		block := append([]string{""}, append(first, last...)...)
		if start == h+1 && start < len(e.lines) {
			block = append(block, "")
		}
		e.insert(h+1, block...)
		return
	}
	e.insert(end, last...)
	if !hasCreated && hasStatus {
		e.insert(statusAt+1, "- Created: "+e.date)
	}
	e.insert(start, first...)
}

// prependFrontMatter gives a template with neither front matter nor a
// title heading a front matter block of its own.
func (e *editor) prependFrontMatter() {
	fm := []string{"---", "title: " + e.id + " " + e.title, "status: Draft", "created: " + e.date}
	if e.parent != nil {
		fm = append(fm, "links:", "  - Parent task: "+e.parent.Path)
	}
	fm = append(fm, "---")
	if len(e.lines) > 0 {
		fm = append(fm, "")
	}
	e.lines = append(fm, e.lines...)
}
