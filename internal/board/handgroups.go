package board

import (
	"github.com/taskproof/taskproof/internal/config"
	"github.com/taskproof/taskproof/internal/task"
)

// HandGroups reads the groups of a hand-written board: every section with
// a "- Tasks:" line, named by its heading, with its ids and ranges as
// taskproof.toml spells them, in board order. A backwards range (which
// contains nothing) is left out, since taskproof.toml refuses one.
func HandGroups(src []byte) []config.Group {
	doc := parseHandDoc("", src)
	var out []config.Group
	for _, g := range doc.Groups {
		if g.TasksLine == 0 {
			continue
		}
		tasks := []string{}
		seen := map[string]bool{}
		for _, it := range g.Items {
			if it.IsRange() && task.Compare(it.From, it.To) > 0 {
				continue
			}
			if s := it.String(); !seen[s] {
				seen[s] = true
				tasks = append(tasks, s)
			}
		}
		out = append(out, config.Group{Name: g.Name, Tasks: tasks})
	}
	return out
}
