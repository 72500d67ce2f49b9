package board

import (
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/taskproof/taskproof/internal/task"
)

// sortIDs sorts ids in id order (TASK-0011 < TASK-0011B < TASK-0012).
func sortIDs(ids []task.ID) { slices.SortFunc(ids, task.Compare) }

// idEnd returns the offset just past the id read at s[off:]: "TASK", one
// hyphen of any kind, digits and an optional capital suffix (or only the
// digits of a shorthand such as the 0147 of TASK-0146/0147).
func idEnd(s string, off int) int {
	p := off
	if strings.HasPrefix(s[p:], "TASK") {
		p += 4
		if _, n := utf8.DecodeRuneInString(s[p:]); p < len(s) {
			p += n
		}
	}
	for p < len(s) && s[p] >= '0' && s[p] <= '9' {
		p++
	}
	if p < len(s) && s[p] >= 'A' && s[p] <= 'Z' && (p+1 == len(s) || !isAlnumByte(s[p+1])) {
		p++
	}
	return p
}

func isAlnumByte(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z'
}

// rangeOps are what people write between the ends of an id range.
var rangeOps = []string{"..", "…", "–", "—", "-", "through", "thru", "to"}

// inRange reports whether the id at s[off:] is an end of a range written
// in prose or a heading rather than a task on its own: "TASK-0015+",
// "TASK-0016–0024", "TASK-0001 through TASK-0008", "`TASK-0010`..`TASK-0011`".
// An end of a range need not have a file.
func inRange(s string, off int) bool {
	after := strings.TrimLeft(s[idEnd(s, off):], "`*_ ")
	if strings.HasPrefix(after, "+") {
		return true
	}
	for _, op := range rangeOps {
		if rest, ok := strings.CutPrefix(after, op); ok {
			rest = strings.TrimLeft(rest, "`*_ ")
			if rest != "" && (rest[0] >= '0' && rest[0] <= '9' || strings.HasPrefix(rest, "TASK")) {
				return true
			}
		}
	}
	before := strings.TrimRight(s[:off], "`*_ ")
	for _, op := range rangeOps {
		if rest, ok := strings.CutSuffix(before, op); ok {
			rest = strings.TrimRight(rest, "`*_ ")
			if rest != "" && (rest[len(rest)-1] >= '0' && rest[len(rest)-1] <= '9' || rest[len(rest)-1] >= 'A' && rest[len(rest)-1] <= 'Z') && len(task.FindIDs(rest)) > 0 {
				return true
			}
		}
	}
	return false
}

// shorthandEnd reads the digits-only upper end of a range written after
// an id that ends at s[end:]: the "0012" of "TASK-0010–0012".
func shorthandEnd(s string, end int) (task.ID, bool) {
	after := strings.TrimLeft(s[end:], "`*_ ")
	for _, op := range rangeOps {
		rest, ok := strings.CutPrefix(after, op)
		if !ok {
			continue
		}
		rest = strings.TrimLeft(rest, "`*_ ")
		n := 0
		for n < len(rest) && rest[n] >= '0' && rest[n] <= '9' {
			n++
		}
		if n == 0 {
			return "", false
		}
		return task.ParseID("TASK-" + rest[:n])
	}
	return "", false
}
