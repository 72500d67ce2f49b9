package board

import (
	"slices"
	"strings"
	"unicode"

	"github.com/taskproof/taskproof/internal/task"
)

// sortIDs sorts ids in id order (TASK-0011 < TASK-0011B < TASK-0012).
func sortIDs(ids []task.ID) { slices.SortFunc(ids, task.Compare) }

// idTokenEnd returns the length of the id token at the start of s: "TASK",
// a hyphen of any kind, digits and an optional letter. s must start with an
// id as found by task.FindIDs.
func idTokenEnd(s string) int {
	for i, r := range s {
		if r < unicode.MaxASCII && (r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r == '-') {
			continue
		}
		if unicode.Is(unicode.Pd, r) {
			continue
		}
		return i
	}
	return len(s)
}

// joinedByRange reports whether the text between two id mentions is a range
// operator: ".." with only backticks and spaces around it.
func joinedByRange(between string) bool {
	return strings.Trim(between, "` \t") == ".."
}
