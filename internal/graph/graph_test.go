package graph

import (
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/taskproof/taskproof/internal/golden"
	"github.com/taskproof/taskproof/internal/task"
)

// doc builds a document by hand so that these tests do not depend on the
// parser.
func doc(id, class string, deps ...task.Dependency) *task.Document {
	return &task.Document{
		Path:   "tasks/" + id + ".md",
		ID:     task.ID(id),
		Title:  "title of " + id,
		Status: task.Status{Raw: class, Class: task.StatusClass(class)},
		Deps:   deps,
	}
}

func dep(kind task.DepKind, id string, label string, line int) task.Dependency {
	return task.Dependency{ID: task.ID(id), Kind: kind, Label: label, Line: line}
}

func on(id string) task.Dependency { return dep(task.DepDependsOn, id, "depends-on", 5) }

func TestEdgeDirectionAndKind(t *testing.T) {
	tests := []struct {
		name     string
		dep      task.Dependency
		from, to task.ID
		kind     Kind
		blocking bool
	}{
		{"depends-on header", dep(task.DepDependsOn, "TASK-0002", "depends-on", 3), "TASK-0001", "TASK-0002", DependsOn, true},
		{"Depends-on label", dep(task.DepLink, "TASK-0002", "Depends-on", 9), "TASK-0001", "TASK-0002", Link, true},
		{"Depends-on label with aside", dep(task.DepLink, "TASK-0002", "Depends-on (audit sink)", 9), "TASK-0001", "TASK-0002", Link, true},
		{"Blocked by label", dep(task.DepLink, "TASK-0002", "**Blocked by**", 9), "TASK-0001", "TASK-0002", Link, true},
		{"Requires label", dep(task.DepLink, "TASK-0002", "Requires", 9), "TASK-0001", "TASK-0002", Link, true},
		{"gated on prose", dep(task.DepProse, "TASK-0002", "gated on", 40), "TASK-0001", "TASK-0002", Prose, true},
		{"unknown prose phrase still needs", dep(task.DepProse, "TASK-0002", "only real when", 40), "TASK-0001", "TASK-0002", Prose, true},
		{"follow-up-tasks header", dep(task.DepFollowUp, "TASK-0002", "follow-up-tasks", 4), "TASK-0002", "TASK-0001", FollowUp, false},
		{"follow-on prose", dep(task.DepFollowUp, "TASK-0002", "follow-on phase", 88), "TASK-0002", "TASK-0001", FollowUp, false},
		{"Unblocks label", dep(task.DepFollowUp, "TASK-0002", "Unblocks", 12), "TASK-0002", "TASK-0001", Unblocks, true},
		{"Enables header", dep(task.DepFollowUp, "TASK-0002", "enables", 12), "TASK-0002", "TASK-0001", Unblocks, true},
		{"Follow-up to label", dep(task.DepLink, "TASK-0002", "Follow-up to", 12), "TASK-0001", "TASK-0002", FollowUp, false},
		{"follow-up of prose", dep(task.DepProse, "TASK-0002", "follow-up of", 12), "TASK-0001", "TASK-0002", FollowUp, false},
		{"Parent task label", dep(task.DepLink, "TASK-0002", "Parent task", 14), "TASK-0001", "TASK-0002", Parent, false},
		{"Superseded by label", dep(task.DepSuperseed, "TASK-0002", "Superseded by", 17), "TASK-0001", "TASK-0002", SupersededBy, false},
		{"Supersedes label", dep(task.DepSuperseed, "TASK-0002", "Supersedes", 17), "TASK-0002", "TASK-0001", SupersededBy, false},
		{"unknown link label", dep(task.DepLink, "TASK-0002", "Persistence substrate", 20), "TASK-0001", "TASK-0002", Related, false},
		{"unknown dependency kind", dep("mentioned", "TASK-0002", "", 20), "TASK-0001", "TASK-0002", "mentioned", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := doc("TASK-0001", "Draft", tt.dep)
			e, ok := edgeOf(d, tt.dep, labelCache{})
			if !ok {
				t.Fatal("no edge")
			}
			if e.From != tt.from || e.To != tt.to || e.Kind != tt.kind || e.Blocking != tt.blocking {
				t.Errorf("edge %s -> %s %s blocking=%v, want %s -> %s %s blocking=%v", e.From, e.To, e.Kind, e.Blocking, tt.from, tt.to, tt.kind, tt.blocking)
			}
			if e.File != d.Path || e.Line != tt.dep.Line {
				t.Errorf("position %s:%d, want %s:%d", e.File, e.Line, d.Path, tt.dep.Line)
			}
		})
	}
}

func TestSelfReferences(t *testing.T) {
	d := doc("TASK-0001", "Draft", dep(task.DepLink, "TASK-0001", "Related", 3))
	if _, ok := edgeOf(d, d.Deps[0], labelCache{}); ok {
		t.Error("a non-blocking self reference became an edge")
	}
	g := Build([]*task.Document{doc("TASK-0001", "Draft", on("TASK-0001"))})
	if want := [][]task.ID{{"TASK-0001"}}; !reflect.DeepEqual(g.Cycles, want) {
		t.Errorf("cycles %v, want %v (a task that waits for itself)", g.Cycles, want)
	}
	if len(g.Ready) != 0 {
		t.Errorf("ready %v, want none", g.Ready)
	}
}

func TestCycles(t *testing.T) {
	docs := []*task.Document{
		doc("TASK-0001", "Draft", on("TASK-0002")),
		doc("TASK-0002", "Draft", on("TASK-0001")),
		// A three-cycle, listed out of order, plus a task hanging off it.
		doc("TASK-0012", "Draft", on("TASK-0010")),
		doc("TASK-0010", "Draft", on("TASK-0011")),
		doc("TASK-0011", "Draft", on("TASK-0012")),
		doc("TASK-0013", "Draft", on("TASK-0012")),
		// Non-blocking edges do not make cycles.
		doc("TASK-0020", "Draft", dep(task.DepLink, "TASK-0021", "Parent task", 3)),
		doc("TASK-0021", "Draft", dep(task.DepFollowUp, "TASK-0020", "follow-up-tasks", 4)),
		// Suffixed ids sort after their base number, before the next.
		doc("TASK-0003B", "Draft", on("TASK-0003")),
		doc("TASK-0003", "Draft", on("TASK-0003B")),
	}
	g := Build(docs)
	want := [][]task.ID{
		{"TASK-0001", "TASK-0002"},
		{"TASK-0003", "TASK-0003B"},
		{"TASK-0010", "TASK-0011", "TASK-0012"},
	}
	if !reflect.DeepEqual(g.Cycles, want) {
		t.Errorf("cycles %v, want %v", g.Cycles, want)
	}
	for _, id := range []task.ID{"TASK-0001", "TASK-0011"} {
		if !g.InCycle(id) {
			t.Errorf("%s not reported in a cycle", id)
		}
	}
	if g.InCycle("TASK-0013") {
		t.Error("TASK-0013 only depends on a cycle; it is not on it")
	}
}

func TestLongChainAndLongCycle(t *testing.T) {
	// Deep enough that a recursive Tarjan would be a risk; must stay linear.
	const n = 20000
	docs := make([]*task.Document, n)
	for i := range docs {
		var deps []task.Dependency
		if i > 0 {
			deps = append(deps, on(fmt.Sprintf("TASK-%04d", i)))
		}
		docs[i] = doc(fmt.Sprintf("TASK-%04d", i+1), "Draft", deps...)
	}
	docs[0].Status.Class = "Done"
	g := Build(docs)
	if len(g.Cycles) != 0 {
		t.Fatalf("chain has cycles %d", len(g.Cycles))
	}
	if want := []task.ID{"TASK-0002"}; !reflect.DeepEqual(g.Ready, want) {
		t.Errorf("ready %v, want %v", g.Ready, want)
	}
	docs[0].Deps = []task.Dependency{on(fmt.Sprintf("TASK-%04d", n))}
	g = Build(docs)
	if len(g.Cycles) != 1 || len(g.Cycles[0]) != n {
		t.Fatalf("want one cycle of %d ids, got %d cycles", n, len(g.Cycles))
	}
	if g.Cycles[0][0] != "TASK-0001" || g.Cycles[0][n-1] != task.ID(fmt.Sprintf("TASK-%04d", n)) {
		t.Errorf("cycle not sorted by number: starts %s ends %s", g.Cycles[0][0], g.Cycles[0][n-1])
	}
}

func TestDangling(t *testing.T) {
	a := doc("TASK-0001", "Draft",
		on("TASK-0099"),
		dep(task.DepFollowUp, "TASK-0001B", "follow-up-tasks", 4))
	a.Mentions = []task.Mention{{ID: "TASK-0050", Line: 30}, {ID: "TASK-0001", Line: 1}, {ID: "TASK-0099", Line: 2}}
	b := doc("TASK-0002", "Draft")
	b.Mentions = []task.Mention{{ID: "TASK-0050", Line: 7}}
	g := Build([]*task.Document{b, a})
	want := []task.ID{"TASK-0001B", "TASK-0050", "TASK-0099"}
	if !reflect.DeepEqual(g.Dangling, want) {
		t.Errorf("dangling %v, want %v", g.Dangling, want)
	}
	for id, wantRef := range map[task.ID]Ref{
		"TASK-0050":  {"tasks/TASK-0001.md", 30}, // first by file, then line
		"TASK-0099":  {"tasks/TASK-0001.md", 2},
		"TASK-0001B": {"tasks/TASK-0001.md", 4},
	} {
		if r, ok := g.FirstReference(id); !ok || r != wantRef {
			t.Errorf("first reference to %s = %v, want %v", id, r, wantRef)
		}
	}
	if _, ok := g.Node("TASK-0099"); ok {
		t.Error("a dangling id became a node")
	}
}

func TestReady(t *testing.T) {
	docs := []*task.Document{
		doc("TASK-0001", "Done"),
		doc("TASK-0002", "Superseded"),
		doc("TASK-0003", "Draft", on("TASK-0001")),                             // ready: its dependency is Done
		doc("TASK-0004", "Draft", on("TASK-0003")),                             // waits for a Draft
		doc("TASK-0005", "Draft", on("TASK-0002")),                             // a Superseded dependency is not Done
		doc("TASK-0006", "Draft", on("TASK-0404")),                             // a dangling dependency is not Done
		doc("TASK-0007", "In Progress"),                                        // ready: nothing to wait for
		doc("TASK-0008", "Deferred"),                                           // never ready
		doc("TASK-0009", "Blocked"),                                            // never ready
		doc("TASK-0010", "", dep(task.DepLink, "TASK-0004", "Parent task", 3)), // unknown status; parent does not block
		doc("TASK-0011", "Draft", dep(task.DepFollowUp, "TASK-0012", "Unblocks", 3)),
		doc("TASK-0012", "Draft"), // TASK-0011 unblocks it: waits for a Draft
		doc("TASK-0013", "Draft", dep(task.DepProse, "TASK-0001", "gated on", 9), dep(task.DepLink, "TASK-0001", "Blocked by", 10)),
		doc("TASK-0014", "Done", on("TASK-0004")), // Done is never ready, whatever it says
	}
	g := Build(docs)
	want := []task.ID{"TASK-0003", "TASK-0007", "TASK-0010", "TASK-0011", "TASK-0013"}
	if !reflect.DeepEqual(g.Ready, want) {
		t.Errorf("ready %v, want %v", g.Ready, want)
	}
	nodes := g.ReadyNodes()
	if len(nodes) != len(want) || nodes[0].Title != "title of TASK-0003" {
		t.Errorf("ready nodes %+v", nodes)
	}
}

func TestDuplicateIDsAndMissingIDs(t *testing.T) {
	first := doc("TASK-0081", "Done")
	second := doc("TASK-0081", "Draft", on("TASK-0001"))
	second.Path = "tasks/TASK-0081-other.md"
	noID := &task.Document{Path: "tasks/notes.md", Deps: []task.Dependency{on("TASK-0081")}}
	g := Build([]*task.Document{first, second, noID, nil})
	if len(g.Nodes) != 1 || g.Nodes[0].File != first.Path || g.Nodes[0].Class != "Done" {
		t.Errorf("nodes %+v, want the first TASK-0081 only", g.Nodes)
	}
	if len(g.Edges) != 1 || g.Edges[0].File != second.Path {
		t.Errorf("edges %+v, want the second file's edge", g.Edges)
	}
}

// TestDeterministic builds the same documents in different orders and
// expects byte-identical output in every format.
func TestDeterministic(t *testing.T) {
	docs := fixture()
	want := renderAll(t, Build(docs))
	for shift := 1; shift < len(docs); shift++ {
		rot := append(append([]*task.Document(nil), docs[shift:]...), docs[:shift]...)
		for i, j := 0, len(rot)-1; shift%2 == 0 && i < j; i, j = i+1, j-1 {
			rot[i], rot[j] = rot[j], rot[i]
		}
		if got := renderAll(t, Build(rot)); got != want {
			t.Fatalf("output depends on input order (rotation %d)", shift)
		}
	}
}

func renderAll(t *testing.T, g *Graph) string {
	t.Helper()
	j, err := JSON(g)
	if err != nil {
		t.Fatal(err)
	}
	return string(j) + string(Mermaid(g)) + string(DOT(g))
}

// fixture is a small repository: a finished base, a follow-up, a cycle,
// dangling references (a follow-up with no file, a mention), a superseded
// task, and titles that need escaping.
func fixture() []*task.Document {
	base := doc("TASK-0001", "Done",
		dep(task.DepFollowUp, "TASK-0001B", "follow-up-tasks", 7),
		dep(task.DepFollowUp, "TASK-0001C", "follow-up-tasks", 8))
	base.Mentions = []task.Mention{{ID: "TASK-0077", Line: 30}}
	base.Title = `Boot "hello" <fast> & #1`
	fu := doc("TASK-0001B", "Draft", dep(task.DepLink, "TASK-0001", "Parent task", 12))
	fu.Title = `Follow-up: a | b [x] {y}`
	about := dep(task.DepMention, "TASK-0003", "gated on", 41)
	about.About = "TASK-0001B"
	net := doc("TASK-0002", "In Progress", on("TASK-0001"), dep(task.DepProse, "TASK-0010", "gated on", 40), about)
	net.Title = `Networking with a title long enough that the picture has to cut it short somewhere`
	c1 := doc("TASK-0003", "Draft", on("TASK-0004"))
	c2 := doc("TASK-0004", "Draft", dep(task.DepLink, "TASK-0003", "Depends-on", 15), on("TASK-0003"))
	old := doc("TASK-0005", "Superseded", dep(task.DepSuperseed, "TASK-0002", "Superseded by", 16))
	old.Title = `Back\slash`
	mmio := doc("TASK-0010", "Done", dep(task.DepFollowUp, "TASK-0004", "Unblocks", 20))
	return []*task.Document{base, fu, net, c1, c2, old, mmio}
}

func TestGolden(t *testing.T) {
	g := Build(fixture())
	j, err := JSON(g)
	if err != nil {
		t.Fatal(err)
	}
	for name, got := range map[string][]byte{
		"fixture.json.golden":    j,
		"fixture.mermaid.golden": Mermaid(g),
		"fixture.dot.golden":     DOT(g),
	} {
		golden.Check(t, filepath.Join("testdata", name), got)
	}
}

func TestEscaping(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{`plain text`, `plain text`},
		{`say "hi"`, `say #34;hi#34;`},
		{`<b>&#1`, `#60;b#62;#38;#35;1`},
		{"a`b|c\nd", `a#96;b#124;c d`},
	} {
		if got := mermaidText(tt.in); got != tt.want {
			t.Errorf("mermaidText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	for _, tt := range []struct{ in, want string }{
		{`plain`, `"plain"`},
		{`a "b" \c`, `"a \"b\" \\c"`},
		{"two\nlines", `"two\nlines"`},
	} {
		if got := dotQuote(tt.in); got != tt.want {
			t.Errorf("dotQuote(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
	if got := mermaidID("TASK-0003B"); got != "TASK_0003B" {
		t.Errorf("mermaidID = %s", got)
	}
	// Every node line of the fixture keeps its label inside one pair of quotes.
	for _, line := range strings.Split(string(Mermaid(Build(fixture()))), "\n") {
		if strings.Contains(line, `["`) && strings.Count(line, `"`) != 2 {
			t.Errorf("label not escaped: %s", line)
		}
	}
}

func TestEmptyGraph(t *testing.T) {
	g := Build(nil)
	j, err := JSON(g)
	if err != nil {
		t.Fatal(err)
	}
	want := "{\n  \"nodes\": [],\n  \"edges\": [],\n  \"cycles\": [],\n  \"dangling\": [],\n  \"ready\": []\n}\n"
	if string(j) != want {
		t.Errorf("empty graph JSON:\n%s\nwant:\n%s", j, want)
	}
	if got := string(Mermaid(g)); !strings.HasPrefix(got, "flowchart LR\n") {
		t.Errorf("mermaid: %q", got)
	}
	if got := string(DOT(g)); !strings.HasSuffix(got, "}\n") {
		t.Errorf("dot: %q", got)
	}
}

func TestIDOrderMatchesTaskCompare(t *testing.T) {
	ids := []task.ID{"TASK-0001", "TASK-0001B", "TASK-0001C", "TASK-0002", "TASK-0010", "TASK-10000", "TASK-9999", "bogus", "TASK-", "TASK-12AB", "TASK-0003A"}
	o := idOrder{}
	for _, a := range ids {
		for _, b := range ids {
			if got, want := o.cmp(a, b), task.Compare(a, b); got != want {
				t.Errorf("cmp(%s, %s) = %d, task.Compare = %d", a, b, got, want)
			}
		}
	}
}

// TestRender: each format renders what its own function does, with the
// graph's warnings; a Mermaid drawing over Mermaid's limits adds one more.
func TestRender(t *testing.T) {
	g := Build([]*task.Document{doc("TASK-0001", "Draft", on("TASK-0002")), doc("TASK-0002", "Draft", on("TASK-0099"))})
	js, _ := JSON(g)
	for format, want := range map[string][]byte{"json": js, "dot": DOT(g), "mermaid": Mermaid(g), "": Mermaid(g)} {
		out, warnings, err := Render(g, format)
		if err != nil || string(out) != string(want) || !reflect.DeepEqual(warnings, g.Warnings(true)) || len(warnings) != 1 {
			t.Errorf("%q: %v, warnings %q\n%s", format, err, warnings, out)
		}
	}
	var docs []*task.Document
	for i := range 600 {
		docs = append(docs, doc(fmt.Sprintf("TASK-%04d", i+1), "Draft", on(fmt.Sprintf("TASK-%04d", i+2))))
	}
	big := Build(docs)
	if _, warnings, _ := Render(big, "mermaid"); len(warnings) != len(big.Warnings(true))+1 {
		t.Errorf("a drawing over the limits: warnings %q", warnings)
	}
	if _, warnings, _ := Render(big, "dot"); len(warnings) != len(big.Warnings(true)) {
		t.Errorf("DOT has no Mermaid limit: warnings %q", warnings)
	}
}
