package board

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/taskproof/taskproof/internal/config"
	"github.com/taskproof/taskproof/internal/task"
)

// TestTaskColumn: a table's task column is found from its header, else
// from where its rows start with ids, never in a column of references.
func TestTaskColumn(t *testing.T) {
	for _, tt := range []struct {
		name, header string
		rows         []string
		want         int
	}{
		{"first column", "| Task | Title |", []string{"| TASK-0001 | a |"}, 0},
		{"named second", "| Lane | Task | Status |", []string{"| K | TASK-0001 x | Draft |"}, 1},
		{"named last", "| Lane | Status | Task ID |", []string{"| K | Draft | TASK-0001 |"}, 2},
		{"bold and emoji header", "| Lane | 🔖 **Ticket** |", []string{"| K | TASK-0001 |"}, 1},
		{"found from rows", "| Lane | Work | State |", []string{"| K | TASK-0001 x | Draft |", "| K | TASK-0002 y | Done |", "| K | | |"}, 1},
		{"reference column skipped", "| Blocked by | Work | State |", []string{"| TASK-0009 | TASK-0001 x | Draft |", "| TASK-0009 | TASK-0002 | Draft |"}, 1},
		{"ids in a minority of rows", "| Lane | Notes |", []string{"| K | see TASK-0001 |", "| K | none |", "| K | TASK-0002 |", "| K | x |"}, 0},
		{"icons and links before the id", "| When | What |", []string{"| 2026 | ✅ [TASK-0001](x.md) |", "| 2026 | ⤳ `TASK-0002` |"}, 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := taskColumn(splitRow(tt.header), tt.rows); got != tt.want {
				t.Errorf("taskColumn = %d, want %d", got, tt.want)
			}
		})
	}
}

// TestTableRowsAnyColumn reads rows whose id is in any column, with a
// title, an icon, a link or bold around it, and Status cells decorated
// with emoji, bold and links.
func TestTableRowsAnyColumn(t *testing.T) {
	doc := parseHandDoc("b.md", []byte(strings.Join([]string{
		"## Lanes",
		"",
		"| Lane | Blocked by | Task | **Status** |",
		"|---|---|---|---|",
		"| K | TASK-0009 | [TASK-0001](t.md) Boot | 🚧 **In Progress** |",
		"| K | | ✅ **TASK-0002** Lamp | [Done](e.md) |",
		"| K | | ADR-0004 for TASK-0004 | Proposed |",
		"| K | | TASK-0005 | — |",
		"| K | | `TASK-0006` | Superseded |",
	}, "\n")))
	if len(doc.Tables) != 1 {
		t.Fatalf("tables %+v", doc.Tables)
	}
	type row struct {
		id     task.ID
		icon   string
		status string
	}
	var got []row
	for _, r := range doc.Tables[0].Rows {
		got = append(got, row{r.ID, r.Icon, r.Status})
	}
	want := []row{
		{"TASK-0001", "", "🚧 In Progress"},
		{"TASK-0002", "✅", "[Done](e.md)"},
		{"TASK-0005", "", ""},
		{"TASK-0006", "", "Superseded"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("rows %+v\nwant %+v", got, want)
	}
}

// TestTableBareNumbers: under a header that says the column holds task
// numbers, "0281" names TASK-0281; under any other header, or when the
// cell is a date, a percentage or a decimal, a number is not an id.
func TestTableBareNumbers(t *testing.T) {
	for _, tt := range []struct {
		name   string
		header string
		rows   []string
		want   []task.ID
	}{
		{"task column", "| Task | Title | Status |", []string{"| 0281 | Boot | Done |", "| #12 | Lamp | Draft |", "| **0008B** Split | x | Done |", "| [0013](t.md) | y | Draft |"},
			[]task.ID{"TASK-0281", "TASK-0012", "TASK-0008B", "TASK-0013"}},
		{"task number header", "| Task # | Status |", []string{"| 7 | Done |"}, []task.ID{"TASK-0007"}},
		{"mixed with prefixed ids", "| Task | Status |", []string{"| TASK-0001 | Done |", "| 0002 | Draft |"}, []task.ID{"TASK-0001", "TASK-0002"}},
		{"not numbers", "| Task | Status |", []string{"| 2026-01-09 | Done |", "| 12% | Done |", "| 3.5 | Draft |", "| v2 | Draft |"}, nil},
		{"id header is any item's number", "| ID | Title | Status |", []string{"| 0014 | RFC | Done |"}, nil},
		{"count column", "| Lane | Done | Total |", []string{"| K | 3 | 9 |"}, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			src := "## Board\n\n" + tt.header + "\n|" + strings.Repeat("---|", strings.Count(tt.header, "|")-1) + "\n" + strings.Join(tt.rows, "\n") + "\n"
			doc := parseHandDoc("b.md", []byte(src))
			var got []task.ID
			for _, tb := range doc.Tables {
				for _, r := range tb.Rows {
					got = append(got, r.ID)
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("ids %v, want %v\n%s", got, tt.want, src)
			}
		})
	}
}

// TestListScope: a status heading's note may limit its list to a range
// or say it is a selection.
func TestListScope(t *testing.T) {
	for _, tt := range []struct {
		heading string
		scope   []Item
		partial bool
	}{
		{"Done", nil, false},
		{"Done (Ongoing, Cumulative)", nil, false},
		{"Done (TASK-0001 through TASK-0008)", []Item{{"TASK-0001", "TASK-0008"}}, false},
		{"Done: `TASK-0001`..`TASK-0004`, TASK-0010–0012", []Item{{"TASK-0001", "TASK-0004"}, {"TASK-0010", "TASK-0012"}}, false},
		{"Done (TASK-0040+)", []Item{{"TASK-0040", "TASK-99999999"}}, false},
		{"Done (TASK-0040 + TASK-0041)", nil, false},
		{"Done (see TASK-0040)", nil, false},
		{"Done (recent)", nil, true},
		{"✅ Done — latest", nil, true},
		{"Done (last 10)", nil, true},
	} {
		scope, partial := listScope(tt.heading)
		if !slices.Equal(scope, tt.scope) || partial != tt.partial {
			t.Errorf("listScope(%q) = %v %v, want %v %v", tt.heading, scope, partial, tt.scope, tt.partial)
		}
	}
}

func TestSectionClassDecorated(t *testing.T) {
	for h, want := range map[string]task.StatusClass{
		"✅ Done (TASK-0001 through TASK-0008)": classDone,
		"🚧 **In Progress**":                    classInProgress,
		"In Progress / Next":                   "",
		"Done and next":                        "",
		"Blocked: waiting on hardware":         classBlocked,
		"Doneness criteria":                    "",
	} {
		if got := sectionClass(h); got != want {
			t.Errorf("sectionClass(%q) = %q, want %q", h, got, want)
		}
	}
}

// findingKey is what the fixture drift tests compare of a finding.
type findingKey struct {
	kind string
	id   task.ID
	line int
}

// defaultClassify is task.Classify with the default vocabulary.
func defaultClassify(s string) task.StatusClass {
	return task.Classify(s, config.DefaultVocabulary, config.DefaultAliases)
}

// fixtureFindings runs drift over testdata/name (as the board, or as the
// order file) with fixtureDocs and returns its findings other than
// status-rule ones, which are about the fixture's headers, not the file.
func fixtureFindings(t *testing.T, name string, asOrder bool) ([]findingKey, *Report) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	in := DriftInput{Docs: fixtureDocs(), Classify: defaultClassify}
	src := &Source{Path: "tasks/" + name, Data: data}
	if asOrder {
		in.Order = src
	} else {
		in.Board = src
	}
	rep := Drift(in)
	var got []findingKey
	for _, f := range rep.Findings {
		if f.Kind != KindStatusRule {
			got = append(got, findingKey{f.Kind, f.Task, f.Line})
		}
	}
	return got, rep
}

// TestDriftLanes runs drift over testdata/drift-lanes.md: lane tables
// with the task in the third column, board words (Queued, Next,
// Proposed), Status cells with emoji, links and dashes, a Done list
// scoped to a range and a partial one, and range ends in headings and
// prose.
func TestDriftLanes(t *testing.T) {
	got, rep := fixtureFindings(t, "drift-lanes.md", false)
	want := []findingKey{
		{KindRowStatus, "TASK-0001", 9},       // TASK-1 unpadded; In Progress, header Done
		{KindRowStatus, "TASK-0009", 21},      // [In Review](…), header Done
		{KindNotInDoneList, "TASK-0002", 23},  // inside TASK-0001 through TASK-0002
		{KindNotInDoneList, "TASK-0002B", 23}, // a range end without suffix covers its suffixes
	}
	if !slices.Equal(got, want) {
		t.Errorf("findings %+v\nwant %+v\n%s", got, want, rep.Text())
	}
}

// TestDriftComments runs drift over testdata/drift-comments.md: HTML
// comments (a licence line, a commented-out table, notes inside cells and
// lists) hide what they hold, and "-<tab>Tasks:" bullets are read. Were the
// comments read, TASK-0077/0078 would be unknown ids, TASK-0005 a Done row
// and TASK-0009 an open list entry.
func TestDriftComments(t *testing.T) {
	got, rep := fixtureFindings(t, "drift-comments.md", false)
	var want []findingKey
	for _, id := range []task.ID{"TASK-0002", "TASK-0002B", "TASK-0003", "TASK-0004", "TASK-0006", "TASK-0007", "TASK-0008", "TASK-0009"} {
		want = append(want, findingKey{KindUngrouped, id, 12}) // at the Groups heading
	}
	want = append(want, findingKey{KindRowStatus, "TASK-0004", 24}) // Done, header In Review
	if !slices.Equal(got, want) {
		t.Errorf("findings %+v\nwant %+v\n%s", got, want, rep.Text())
	}
	if len(rep.Groups) != 1 || rep.Groups[0].Board != (Counter{1, 2}) || len(rep.Groups[0].Members) != 2 {
		t.Errorf("groups %+v, want Hardware 1 / 2 over two members", rep.Groups)
	}
}
