package board

import (
	"fmt"
	"slices"
	"strings"

	"github.com/taskproof/taskproof/internal/task"
)

// proseList is a line of prose that lists tasks under a label, such as
// "**Still open (SMP closure):** `0281`, `0282`" or "- Done: TASK-0001,
// TASK-0002". Whether the label claims a status is decided by drift, with
// the repository's vocabulary.
type proseList struct {
	Line  int
	Label string    // the label without emphasis or its note: "Still open"
	IDs   []task.ID // single ids, in list order
	// Ranges ("TASK-0010..0015") are resolved by drift against the ids
	// that exist; their ends need no file.
	Ranges []Item
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
	if task.IsListBullet(t) {
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
	ids, ranges := listIDs(rest)
	if len(ids) == 0 && len(ranges) == 0 {
		return proseList{}, false
	}
	return proseList{Line: line, Label: label, IDs: ids, Ranges: ranges}, true
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
// end, skipping parenthesised notes: single ids, and ranges ("TASK-0010..0015",
// "TASK-0010–TASK-0015", "TASK-0010 to 0015", "TASK-0040+") that drift
// resolves against the ids that exist. A bare number counts only when
// zero-padded ("0281"), so that years and counts are not ids.
func listIDs(s string) (ids []task.ID, ranges []Item) {
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
	seen := map[task.ID]bool{}
	for _, it := range listItems(b.String()) {
		switch {
		case it.IsRange():
			ranges = append(ranges, it)
		case !seen[it.From]:
			seen[it.From] = true
			ids = append(ids, it.From)
		}
	}
	return ids, ranges
}

// listToken is one id written in a list: TASK-0010, the 0147 of
// TASK-0146/0147, or a zero-padded bare number.
type listToken struct {
	off, end int
	id       task.ID
}

// listTokens finds the ids of a list's text in order.
func listTokens(text string) []listToken {
	var toks []listToken
	for _, m := range task.FindIDs(text) {
		toks = append(toks, listToken{m.Offset, idEnd(text, m.Offset), m.ID})
	}
	inToken := func(i int) bool {
		return slices.ContainsFunc(toks, func(t listToken) bool { return i >= t.off && i < t.end })
	}
	var bare []listToken
	for i := 0; i < len(text); i++ {
		if !isDigitByte(text[i]) || (i > 0 && (isAlnumByte(text[i-1]) || text[i-1] == '_')) || inToken(i) {
			continue
		}
		n := i
		for n < len(text) && isDigitByte(text[n]) {
			n++
		}
		e := n
		if e < len(text) && text[e] >= 'A' && text[e] <= 'Z' {
			e++
		}
		// Only zero-padded numbers: "2026" in "Completed: 2026" is a year.
		if n-i >= 4 && text[i] == '0' && (e == len(text) || !isAlnumByte(text[e]) && text[e] != '_') {
			if id, ok := task.ParseID("TASK-" + text[i:e]); ok {
				bare = append(bare, listToken{i, e, id})
			}
		}
		i = e
	}
	toks = append(toks, bare...)
	slices.SortFunc(toks, func(a, b listToken) int { return a.off - b.off })
	return toks
}

// listItems reads the tokens of a list as single ids and ranges; the
// ends of a backwards range are read as two ids.
func listItems(text string) []Item { return rangeItems(text, false) }

// rangeItems reads the tokens of text as single ids and ranges.
// keepBackwards keeps "TASK-0015..TASK-0010" as one (empty) range instead
// of two ids.
func rangeItems(text string, keepBackwards bool) []Item {
	toks := listTokens(text)
	var out []Item
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if openEnded(text, t.end) {
			out = append(out, Item{From: t.id, To: task.ID(fmt.Sprintf("TASK-%d", maxIDNumber))})
			continue
		}
		if i+1 < len(toks) && isRangeOp(text[t.end:toks[i+1].off]) && (keepBackwards || task.Compare(t.id, toks[i+1].id) < 0) {
			out = append(out, Item{From: t.id, To: toks[i+1].id})
			i++
			continue
		}
		if to, ok := shorthandEnd(text, t.end); ok && task.Compare(t.id, to) < 0 && (i+1 == len(toks) || toks[i+1].off > t.end+1) {
			out = append(out, Item{From: t.id, To: to}) // "TASK-0010 to 15"
			continue
		}
		out = append(out, Item{From: t.id, To: t.id})
	}
	return out
}

// openEnded reports whether the id ending at text[end] is written
// "TASK-0040+" (that id onwards). A '+' that joins another id or a word is
// "and": "`TASK-0126` + `TASK-0126B`" is two ids, not a range to the end.
func openEnded(text string, end int) bool {
	rest, ok := strings.CutPrefix(strings.TrimLeft(text[end:], "`*_ "), "+")
	if !ok {
		return false
	}
	rest = strings.TrimLeft(rest, "`*_ \t")
	return rest == "" || !isAlnumByte(rest[0])
}

// isRangeOp reports whether the text between two ids of a list joins
// them into a range ("..", "–", " to ", " through ").
func isRangeOp(between string) bool {
	op := strings.Trim(between, "`*_ \t")
	return op == "..." || slices.Contains(rangeOps, op)
}

func isDigitByte(c byte) bool { return c >= '0' && c <= '9' }

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
