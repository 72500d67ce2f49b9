package board_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/taskproof/taskproof/internal/board"
	"github.com/taskproof/taskproof/internal/config"
	"github.com/taskproof/taskproof/internal/repo"
	"github.com/taskproof/taskproof/internal/task"
	"github.com/taskproof/taskproof/internal/testcorpus"
)

var (
	corpusOnce sync.Once
	corpusRepo *corpus
	corpusErr  error
)

// openCorpus parses the corpus once for all tests; nothing here mutates
// the documents.
func openCorpus(dir string) (*corpus, error) {
	corpusOnce.Do(func() {
		r := repo.Open(dir)
		c := &corpus{}
		if c.Docs, corpusErr = r.Tasks(); corpusErr == nil {
			c.Config, corpusErr = r.Config()
		}
		corpusRepo = c
	})
	return corpusRepo, corpusErr
}

// corpus is the parsed corpus and its configuration.
type corpus struct {
	Docs   []*task.Document
	Config *config.Config
}

// corpusDrift runs drift over the open-nexus STATUS-BOARD.md and
// IMPLEMENTATION-ORDER.md the way the CLI does.
func corpusDrift(t *testing.T) (*board.Report, *corpus) {
	t.Helper()
	dir := testcorpus.Dir(t)
	r, err := openCorpus(dir)
	if err != nil {
		t.Fatal(err)
	}
	read := func(name string) *board.Source {
		data, err := os.ReadFile(filepath.Join(dir, "tasks", name))
		if err != nil {
			t.Fatal(err)
		}
		return &board.Source{Path: "tasks/" + name, Data: data}
	}
	rep := board.Drift(board.DriftInput{
		Board: read("STATUS-BOARD.md"),
		Order: read("IMPLEMENTATION-ORDER.md"),
		Docs:  r.Docs,
		Classify: func(s string) task.StatusClass {
			return task.Classify(s, r.Config.Status.Vocabulary, r.Config.Status.Aliases)
		},
	})
	return rep, r
}

func TestCorpusDriftGroups(t *testing.T) {
	rep, _ := corpusDrift(t)
	if len(rep.Groups) != 15 {
		t.Fatalf("got %d groups, want the board's 15", len(rep.Groups))
	}
	var differ []string
	for _, g := range rep.Groups {
		if g.Computed.Total != len(g.Members) {
			t.Errorf("%s: computed total %d but %d members", g.Name, g.Computed.Total, len(g.Members))
		}
		if !g.Agrees() {
			differ = append(differ, g.Name)
		}
	}
	if !slices.Equal(differ, []string{"Kernel Core & Runtime"}) {
		t.Fatalf("groups that differ from the board: %q, want only Kernel Core & Runtime", differ)
	}
	k := rep.Groups[0]
	if k.Board != (board.Counter{Done: 14, Total: 34}) || k.Computed != (board.Counter{Done: 15, Total: 34}) {
		t.Errorf("Kernel Core & Runtime: board %v computed %v, want 14/34 and 15/34", k.Board, k.Computed)
	}
	// The Windowing group's TASK-0054..TASK-0055 range must reach the
	// suffixed ids of its upper endpoint (TASK-0055D) for 85 to come out.
	for _, g := range rep.Groups {
		if strings.HasPrefix(g.Name, "Windowing") && !slices.Contains(g.Members, "TASK-0055D") {
			t.Errorf("Windowing members lack TASK-0055D: %v", g.Members)
		}
	}
}

func TestCorpusDriftFindings(t *testing.T) {
	rep, _ := corpusDrift(t)
	count := map[string]int{}
	named247 := false
	for _, f := range rep.Findings {
		if f.File == "tasks/STATUS-BOARD.md" || f.Kind == board.KindStatusRule {
			count[f.Kind]++
		}
		if f.Task == "TASK-0247" && (f.Kind == board.KindCounter || f.Kind == board.KindStatusRule) && strings.Contains(f.Message, "TASK-0247") {
			named247 = true
		}
		if f.Kind == board.KindCounter && !strings.Contains(f.Message, "Kernel Core & Runtime") {
			t.Errorf("unexpected counter finding: %+v", f)
		}
	}
	if !named247 {
		t.Error("no counter or status-rule finding names TASK-0247")
	}
	want := map[string]int{
		board.KindUngrouped:     24,
		board.KindNotInDoneList: 26,
		board.KindCounter:       2, // the summary table row and the section
		board.KindStatusRule:    1, // TASK-0247 "done"
	}
	for kind, n := range want {
		if count[kind] != n {
			t.Errorf("%d %s findings on the board, want %d", count[kind], kind, n)
		}
	}
}

func TestCorpusDriftOrder(t *testing.T) {
	rep, _ := corpusDrift(t)
	has := func(kind string, id task.ID) bool {
		for _, f := range rep.Findings {
			if f.File == "tasks/IMPLEMENTATION-ORDER.md" && f.Kind == kind && f.Task == id {
				return true
			}
		}
		return false
	}
	// The In Progress table is empty while six headers say In Progress.
	inProgress := 0
	for _, f := range rep.Findings {
		if f.Kind == board.KindNotInStatusList && f.File == "tasks/IMPLEMENTATION-ORDER.md" {
			inProgress++
		}
	}
	if inProgress != 6 {
		t.Errorf("%d In Progress tasks missing from the order's In Progress table, want 6", inProgress)
	}
	for _, c := range []struct {
		kind string
		id   task.ID
	}{
		{board.KindOrderOpen, "TASK-0147"}, // "still open" in the order, Done in its header
		{board.KindOrderDone, "TASK-0011B"},
		{board.KindDuplicateRow, "TASK-0057"},
		{board.KindUnknownID, "TASK-0064B"},
	} {
		if !has(c.kind, c.id) {
			t.Errorf("no %s finding for %s in the order file", c.kind, c.id)
		}
	}
}

func TestCorpusDriftJSONShape(t *testing.T) {
	rep, _ := corpusDrift(t)
	var v struct {
		Groups   []map[string]json.RawMessage `json:"groups"`
		Findings []map[string]json.RawMessage `json:"findings"`
	}
	if err := json.Unmarshal(rep.JSON(), &v); err != nil {
		t.Fatal(err)
	}
	for _, g := range v.Groups {
		for _, k := range []string{"name", "board", "computed", "members"} {
			if _, ok := g[k]; !ok {
				t.Fatalf("group lacks %q: %v", k, g)
			}
		}
	}
	for _, f := range v.Findings {
		for _, k := range []string{"kind", "task", "file", "line", "message"} {
			if _, ok := f[k]; !ok {
				t.Fatalf("finding lacks %q: %v", k, f)
			}
		}
	}
}

func TestCorpusBoard(t *testing.T) {
	// The generated board for the corpus with its own groups, read back by
	// drift, agrees with the headers: only facts about the tasks remain
	// (TASK-0247's lower-case status, the 24 tasks in no group).
	rep, r := corpusDrift(t)
	var specs []board.GroupSpec
	for _, g := range rep.Groups {
		var items []board.Item
		for _, id := range g.Members {
			items = append(items, board.Item{From: id, To: id})
		}
		specs = append(specs, board.GroupSpec{Name: g.Name, Items: items})
	}
	b := board.Build(r.Docs, specs)
	if b.All.Done != 107 || b.All.Total != 352 {
		t.Errorf("all tasks = %d/%d, want 107 Done of 352 ids", b.All.Done, b.All.Total)
	}
	if len(b.InProgress) != 6 || len(b.Ungrouped) != 24 {
		t.Errorf("in progress %d, ungrouped rows %d; want 6 and 24", len(b.InProgress), len(b.Ungrouped))
	}
	md := b.Markdown("tasks/BOARD.md")
	back := board.Drift(board.DriftInput{Board: &board.Source{Path: "tasks/BOARD.md", Data: md}, Docs: r.Docs,
		Classify: func(s string) task.StatusClass {
			return task.Classify(s, r.Config.Status.Vocabulary, r.Config.Status.Aliases)
		}})
	for _, f := range back.Findings {
		if f.Kind != board.KindStatusRule && f.Kind != board.KindUngrouped {
			t.Errorf("generated board drifts: %+v", f)
		}
	}
}
