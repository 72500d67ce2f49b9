package board

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/taskproof/taskproof/internal/config"
	"github.com/taskproof/taskproof/internal/golden"
	"github.com/taskproof/taskproof/internal/task"
)

func TestBuildCounters(t *testing.T) {
	b := Build(fixtureDocs(), fixtureGroups(t))
	type want struct {
		name           string
		done, total, p int
		members        []task.ID
		missing        []task.ID
	}
	wants := []want{
		// TASK-0002B sits inside TASK-0001..TASK-0002; "Complete" and
		// "done" count as Done after normalisation.
		{"Hardware", 3, 4, 75, []task.ID{"TASK-0001", "TASK-0002", "TASK-0002B", "TASK-0005"}, []task.ID{}},
		// TASK-0007 has a Draft and a Done file: not Done until both are.
		{"Firmware", 0, 4, 0, []task.ID{"TASK-0003", "TASK-0004", "TASK-0006", "TASK-0007"}, []task.ID{"TASK-0042"}},
		{"Empty", 0, 0, 0, []task.ID{}, []task.ID{}},
	}
	if len(b.Groups) != len(wants) {
		t.Fatalf("got %d groups, want %d", len(b.Groups), len(wants))
	}
	for i, w := range wants {
		g := b.Groups[i]
		if g.Name != w.name || g.Done != w.done || g.Total != w.total || g.Percent != w.p || !slices.Equal(g.Members, w.members) || !slices.Equal(g.Missing, w.missing) {
			t.Errorf("group %d = %+v, want %+v", i, g, w)
		}
	}
	// 10 distinct ids; Done: 0001, 0002, 0002B, 0009.
	if b.All.Done != 4 || b.All.Total != 10 || b.All.Percent != 40 {
		t.Errorf("all = %d/%d %d%%, want 4/10 40%%", b.All.Done, b.All.Total, b.All.Percent)
	}
	ids := func(rows []Row) []task.ID {
		var out []task.ID
		for _, r := range rows {
			out = append(out, r.ID)
		}
		return out
	}
	checks := []struct {
		name string
		got  []task.ID
		want []task.ID
	}{
		{"in progress", ids(b.InProgress), []task.ID{"TASK-0003"}},
		{"in review", ids(b.InReview), []task.ID{"TASK-0004"}},
		{"blocked", ids(b.Blocked), []task.ID{"TASK-0005"}},
		{"done", ids(b.Done), []task.ID{"TASK-0001", "TASK-0002", "TASK-0002B", "TASK-0007", "TASK-0009"}},
		{"ungrouped", ids(b.Ungrouped), []task.ID{"TASK-0008", "TASK-0009"}},
		{"unrecognised", ids(b.Unrecognised), []task.ID{"TASK-0008"}},
	}
	for _, c := range checks {
		if !slices.Equal(c.got, c.want) {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
}

func TestBuildWithoutGroups(t *testing.T) {
	b := Build(fixtureDocs(), nil)
	if len(b.Groups) != 0 || len(b.Ungrouped) != 0 {
		t.Fatalf("groups = %v, ungrouped = %v; want none", b.Groups, b.Ungrouped)
	}
	md := string(b.Markdown("tasks/BOARD.md"))
	if !strings.Contains(md, "| **All tasks** | 4 / 10 | 40% |") {
		t.Errorf("board without groups lacks the All tasks total:\n%s", md)
	}
	if strings.Contains(md, "In No Group") {
		t.Errorf("board without groups has an In No Group list:\n%s", md)
	}
	golden.Check(t, "testdata/board-nogroups.md.golden", []byte(md))
}

func TestBoardGolden(t *testing.T) {
	b := Build(fixtureDocs(), fixtureGroups(t))
	md := b.Markdown("tasks/BOARD.md")
	if !strings.HasPrefix(string(md), GeneratedHeader+"\n") {
		t.Errorf("board does not start with the generated-file header")
	}
	golden.Check(t, "testdata/board.md.golden", md)
	js := b.JSON()
	var v map[string]any
	if err := json.Unmarshal(js, &v); err != nil {
		t.Fatalf("board JSON does not parse: %v", err)
	}
	golden.Check(t, "testdata/board.json.golden", js)
	// Rendering is deterministic.
	if again := Build(fixtureDocs(), fixtureGroups(t)).Markdown("tasks/BOARD.md"); string(again) != string(md) {
		t.Error("two renders of the same board differ")
	}
}

func TestMarkdownLinksFromBoardLocation(t *testing.T) {
	docs := []*task.Document{fixtureDoc("TASK-0001", "TASK-0001-a b.md", "A", "In Progress", "In Progress")}
	tests := []struct {
		boardPath string
		want      string
	}{
		{"tasks/BOARD.md", "[TASK-0001](<TASK-0001-a b.md>)"},
		{"BOARD.md", "[TASK-0001](<tasks/TASK-0001-a b.md>)"},
		{"docs/status/BOARD.md", "[TASK-0001](<../../tasks/TASK-0001-a b.md>)"},
	}
	for _, tc := range tests {
		md := string(Build(docs, nil).Markdown(tc.boardPath))
		if !strings.Contains(md, tc.want) {
			t.Errorf("board at %s: want link %s in\n%s", tc.boardPath, tc.want, md)
		}
	}
}

func TestRelLink(t *testing.T) {
	tests := []struct{ dir, target, want string }{
		{".", "tasks/a.md", "tasks/a.md"},
		{"tasks", "tasks/a.md", "a.md"},
		{"tasks/sub", "tasks/a.md", "../a.md"},
		{"docs", "tasks/a.md", "../tasks/a.md"},
		{"a/b", "a/b/c/d.md", "c/d.md"},
	}
	for _, tc := range tests {
		if got := relLink(tc.dir, tc.target); got != tc.want {
			t.Errorf("relLink(%q, %q) = %q, want %q", tc.dir, tc.target, got, tc.want)
		}
	}
}

func TestGroupsFromConfigErrors(t *testing.T) {
	_, err := GroupsFromConfig([]config.Group{{Name: "Radio", Tasks: []string{"TASK-0001", "radio stuff"}}})
	if err == nil || !strings.Contains(err.Error(), `group "Radio"`) || !strings.Contains(err.Error(), `"radio stuff"`) {
		t.Errorf("error = %v, want one naming the group and the entry", err)
	}
}
