package board

import (
	"fmt"
	"strings"

	"github.com/taskproof/taskproof/internal/task"
)

// Item is one entry of a group's task list: a single id, or a range
// From..To.
type Item struct {
	From task.ID
	To   task.ID // equal to From for a single id
}

// IsRange reports whether the item is a range rather than one id.
func (it Item) IsRange() bool { return it.From != it.To }

// String writes the item the way taskproof.toml spells it.
func (it Item) String() string {
	if it.IsRange() {
		return string(it.From) + ".." + string(it.To)
	}
	return string(it.From)
}

// Contains reports whether id falls inside the item. An endpoint without a
// letter suffix stands for its whole number, so TASK-0010..TASK-0011
// contains TASK-0011B (the upstream board counts it that way); an endpoint
// with a suffix is exact, so TASK-0010..TASK-0011B does not contain
// TASK-0011C.
func (it Item) Contains(id task.ID) bool {
	if !it.IsRange() {
		return id == it.From
	}
	if it.From.Suffix() == "" {
		if id.Number() < it.From.Number() {
			return false
		}
	} else if task.Compare(id, it.From) < 0 {
		return false
	}
	if it.To.Suffix() == "" {
		return id.Number() <= it.To.Number()
	}
	return task.Compare(id, it.To) <= 0
}

// ParseItem reads one taskproof.toml group entry: "TASK-0003" or
// "TASK-0010..TASK-0011" (backticks and spaces around the parts are
// tolerated).
func ParseItem(s string) (Item, error) {
	clean := strings.TrimSpace(strings.ReplaceAll(s, "`", ""))
	from, to, isRange := strings.Cut(clean, "..")
	a, okA := task.ParseID(strings.TrimSpace(from))
	if !isRange {
		if !okA {
			return Item{}, fmt.Errorf("%q is not a task id or range (want TASK-0003 or TASK-0010..TASK-0011)", s)
		}
		return Item{From: a, To: a}, nil
	}
	b, okB := task.ParseID(strings.TrimSpace(to))
	if !okA || !okB {
		return Item{}, fmt.Errorf("%q is not a task id or range (want TASK-0003 or TASK-0010..TASK-0011)", s)
	}
	if task.Compare(a, b) > 0 {
		return Item{}, fmt.Errorf("range %q runs backwards; write %s..%s", s, b, a)
	}
	return Item{From: a, To: b}, nil
}

// ParseItems reads a whole group list from taskproof.toml.
func ParseItems(list []string) ([]Item, error) {
	out := make([]Item, 0, len(list))
	for _, s := range list {
		it, err := ParseItem(s)
		if err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	return out, nil
}

// ParseTasksText reads the ids and ranges of a hand-written "- Tasks:" list
// such as "`TASK-0001`, `TASK-0010`..`TASK-0011`". Two ids joined by a
// range operator ("..", "–", "to", "through"; only backticks, emphasis
// and spaces around it) are a range, whose upper end may be digits only
// ("TASK-0010..0012"); "TASK-0040+" runs to the end; every other id is a
// single item. Prose in between is ignored. A backwards range is kept as
// written and contains nothing.
func ParseTasksText(text string) []Item {
	return rangeItems(text, true)
}

// Expand resolves items against the ids that exist. members are distinct,
// in the order the items list them (a range contributes its existing ids
// in id order); missing are single ids that have no task file. A range
// contributes only ids that exist, so it is never "missing".
func Expand(items []Item, existing []task.ID) (members, missing []task.ID) {
	have := make(map[task.ID]bool, len(existing))
	for _, id := range existing {
		have[id] = true
	}
	sorted := append([]task.ID(nil), existing...)
	sortIDs(sorted)
	seen := map[task.ID]bool{}
	add := func(id task.ID) {
		if !seen[id] {
			seen[id] = true
			members = append(members, id)
		}
	}
	missed := map[task.ID]bool{}
	for _, it := range items {
		if !it.IsRange() {
			if have[it.From] {
				add(it.From)
			} else if !missed[it.From] {
				missed[it.From] = true
				missing = append(missing, it.From)
			}
			continue
		}
		for _, id := range sorted {
			if it.Contains(id) {
				add(id)
			}
		}
	}
	return members, missing
}

// Counter is a Done/Total pair.
type Counter struct {
	Done  int `json:"done"`
	Total int `json:"total"`
}

// Percent is Done/Total as a whole percentage rounded half to even
// (1/8 -> 12, 3/8 -> 38); 0 when Total is 0.
func (c Counter) Percent() int { return Percent(c.Done, c.Total) }

// String writes "done / total".
func (c Counter) String() string { return fmt.Sprintf("%d / %d", c.Done, c.Total) }

// Percent returns done*100/total rounded half to even, 0 when total <= 0.
func Percent(done, total int) int {
	if total <= 0 {
		return 0
	}
	q, r := done*100/total, done*100%total
	switch {
	case 2*r > total:
		q++
	case 2*r == total && q%2 == 1:
		q++
	}
	return q
}
