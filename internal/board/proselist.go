package board

import (
	"strings"

	"github.com/taskproof/taskproof/internal/task"
)

// proseList is a line of prose that lists tasks under a label, such as
// "**Still open (SMP closure):** `0281`, `0282`" or "- Done: TASK-0001,
// TASK-0002". Whether the label claims a status is decided by drift, with
// the repository's vocabulary.
type proseList struct {
	Line  int
	Label string // the label without emphasis or its note: "Still open"
	IDs   []task.ID
}

// maxLabelLen bounds a list label; longer text before a colon is a
// sentence, not a label.
const maxLabelLen = 60

// parseProseList reads "Label: ids" from one line (a bullet, a block quote
// or a paragraph). The ids are those before the first ";" or sentence
// end, outside parentheses (notes), written as task ids or as bare numbers
// of at least four digits with a leading zero ("`0281`", which a list of
// tasks means as TASK-0281).
func parseProseList(raw string, line int) (proseList, bool) {
	t := strings.TrimSpace(raw)
	t = strings.TrimSpace(strings.TrimLeft(t, ">"))
	if isBullet(t) {
		t = strings.TrimSpace(t[2:])
	}
	label, rest, ok := cutLabel(t)
	if !ok {
		return proseList{}, false
	}
	if i := strings.IndexByte(label, '('); i >= 0 {
		label = strings.TrimSpace(label[:i]) // "Still open (SMP closure / …)"
	}
	if label == "" || strings.IndexFunc(label, isAlnum) < 0 {
		return proseList{}, false
	}
	ids := listIDs(rest)
	if len(ids) == 0 {
		return proseList{}, false
	}
	return proseList{Line: line, Label: label, IDs: ids}, true
}

// cutLabel splits "**Label:** rest", "**Label**: rest" or "Label: rest".
func cutLabel(t string) (label, rest string, ok bool) {
	if body, found := strings.CutPrefix(t, "**"); found {
		end := strings.Index(body, "**")
		if end < 0 {
			return "", "", false
		}
		label, rest = body[:end], body[end+2:]
		if l, colon := strings.CutSuffix(strings.TrimSpace(label), ":"); colon {
			label = l
		} else if rest, colon = strings.CutPrefix(rest, ":"); !colon {
			return "", "", false
		}
	} else {
		c := strings.IndexByte(t, ':')
		if c <= 0 {
			return "", "", false
		}
		label, rest = t[:c], t[c+1:]
	}
	label = strings.TrimSpace(strings.Trim(label, "*_ "))
	if len(label) > maxLabelLen || strings.ContainsAny(label, "`[|") || len(task.FindIDs(label)) > 0 {
		return "", "", false
	}
	if rest != "" && rest[0] != ' ' && rest[0] != '\t' {
		return "", "", false // "http://…", "a:b"
	}
	return label, rest, true
}

// listIDs reads the ids of a list's text up to the first ";" or sentence
// end, skipping parenthesised notes. A bare number counts only when
// zero-padded ("0281"), so that years and counts are not ids.
func listIDs(s string) []task.ID {
	var b strings.Builder
	depth := 0
scan:
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '(':
			depth++
		case c == ')':
			if depth > 0 {
				depth--
			}
		case depth > 0:
		case c == ';':
			break scan
		case c == '.' && (i+1 == len(s) || s[i+1] == ' '):
			break scan
		default:
			b.WriteByte(c)
		}
	}
	var ids []task.ID
	seen := map[task.ID]bool{}
	add := func(id task.ID) {
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	text := b.String()
	for _, m := range task.FindIDs(text) {
		add(m.ID)
	}
	for _, tok := range strings.FieldsFunc(text, func(r rune) bool { return r == ',' || r == ' ' || r == '/' || r == '`' || r == '*' || r == '\t' }) {
		n := 0
		for n < len(tok) && tok[n] >= '0' && tok[n] <= '9' {
			n++
		}
		// Only zero-padded numbers: "2026" in "Completed: 2026" is a year.
		if n < 4 || tok[0] != '0' || len(tok) > n+1 || (len(tok) == n+1 && !(tok[n] >= 'A' && tok[n] <= 'Z')) {
			continue
		}
		if id, ok := task.ParseID("TASK-" + tok); ok {
			add(id)
		}
	}
	return ids
}

// openWords are list labels that say their tasks are not finished, in
// any project's words.
var openWords = []string{"still open", "open", "remaining", "not done", "not yet done", "outstanding", "unfinished", "todo", "to do"}

// labelClaim is what a list label claims about its tasks: "open" (not
// Done and not Superseded) for openWords, else the status class the label
// names in the repository's vocabulary (board words only when
// [board.vocabulary] maps them). A label with more words than the status
// ("Blocked by", "Done items") claims nothing.
func labelClaim(label string, classify func(string) task.StatusClass) (open bool, class task.StatusClass) {
	l := strings.Join(strings.Fields(strings.ToLower(strings.NewReplacer("-", " ", "_", " ").Replace(label))), " ")
	for _, w := range openWords {
		if l == w {
			return true, ""
		}
	}
	if classify == nil {
		return false, ""
	}
	c := classify(label)
	if c == "" || len(strings.Fields(l)) > len(strings.Fields(string(c))) {
		return false, ""
	}
	return false, c
}
