package board

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/taskproof/taskproof/internal/task"
)

// FuzzHandDocReading feeds arbitrary boards through the hand-written board
// reader (tables, prose lists, groups), drift and HandGroups: nothing may
// panic, everything points at a line of the file, every id is canonical,
// and the groups init would write load as taskproof.toml groups.
func FuzzHandDocReading(f *testing.F) {
	for _, name := range []string{"drift-board.md", "drift-order.md", "drift-lanes.md", "drift-prose.md", "drift-comments.md"} {
		if b, err := os.ReadFile(filepath.Join("testdata", name)); err == nil {
			f.Add(b)
		}
	}
	for _, s := range []string{
		"| Lane | Task | Status |\n|---|---|---|\n| K | TASK-0011 Kernel | In Progress |\n",
		"| a |\n|-|\n| TASK-0001 \\| x |\n",
		"## Done (TASK-0001 through TASK-0008)\n| Task |\n|--|\n| ✅ TASK-0001 |\n",
		"### G\n- Progress: `1 / 2` (50%)\n- Tasks: `TASK-0009`..`TASK-0003`,\n  TASK-0001\n",
		"**Still open (x):** `0281`, `0282`.\n- Done: TASK-0146/0147; later\n",
		"```\n| Task |\n|--|\n| TASK-0100 |\n",
		"## Queue (TASK-0015+)\nTASK-0016–0024\n",
		"| Task # | Status |\n|---|---|\n| 0281 | Done |\n| #12B x | Draft |\n| [7](t.md) | Draft |\n| 2026-01-09 | Done |\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		n := strings.Count(string(src), "\n") + 1
		doc := parseHandDoc("b.md", src)
		canon := func(id task.ID) {
			if back, ok := task.ParseID(string(id)); !ok || back != id {
				t.Fatalf("non-canonical id %q", id)
			}
		}
		for _, tb := range doc.Tables {
			for _, r := range tb.Rows {
				if r.Line < 1 || r.Line > n {
					t.Fatalf("row line %d outside 1..%d", r.Line, n)
				}
				canon(r.ID)
			}
		}
		for _, l := range doc.Lists {
			if l.Line < 1 || l.Line > n || len(l.IDs)+len(l.Ranges) == 0 || l.Label == "" {
				t.Fatalf("bad list %+v", l)
			}
			for _, id := range l.IDs {
				canon(id)
			}
		}
		for _, m := range doc.Mentions {
			if m.Line < 1 || m.Line > n {
				t.Fatalf("mention line %d outside 1..%d", m.Line, n)
			}
			canon(m.ID)
		}
		if _, err := GroupsFromConfig(HandGroups(src)); err != nil {
			t.Fatalf("HandGroups wrote a group taskproof.toml refuses: %v", err)
		}
		rep := Drift(DriftInput{Board: &Source{Path: "b.md", Data: src}, Order: &Source{Path: "o.md", Data: src}, Docs: fixtureDocs(), Classify: defaultClassify})
		for _, x := range rep.Findings {
			if x.Line < 0 || x.Kind == "" {
				t.Fatalf("malformed finding %+v", x)
			}
		}
	})
}

// FuzzProseList: a list label is short and free of ids and code, and
// every id it yields is canonical; listScope never panics.
func FuzzProseList(f *testing.F) {
	for _, s := range []string{
		"**Still open (SMP closure / release-blockers):** `0281`, `0282`, `0286`.",
		"- Done: TASK-0146/0147; TASK-0150 next",
		"> Remaining: `0010` (blocked by TASK-0009",
		"**Unclosed: TASK-0001", "Completed: 2026", ":", "**:**", "- : 0001",
		"Done (TASK-0001 through TASK-0008)", "Done: TASK-0010–0012, TASK-0040+",
		"Still open: TASK-0010..0015, `0020`..`0022`", "Open: TASK-0010 to 15; TASK-12", "Remaining: 0015..0010, 0001-0003B",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		listScope(s)
		pl, ok := parseProseList(s, 1)
		if !ok {
			return
		}
		if pl.Label == "" || len(pl.Label) > maxLabelLen || strings.ContainsAny(pl.Label, "`|") || len(pl.IDs)+len(pl.Ranges) == 0 {
			t.Fatalf("bad list %+v from %q", pl, s)
		}
		for _, id := range pl.IDs {
			if back, ok := task.ParseID(string(id)); !ok || back != id {
				t.Fatalf("non-canonical id %q", id)
			}
		}
	})
}
