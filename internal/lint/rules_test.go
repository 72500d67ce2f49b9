package lint

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/taskproof/taskproof/internal/task"
)

// cleanDoc is a hand-built document that satisfies every rule; each test
// case breaks one thing.
func cleanDoc() *task.Document {
	return &task.Document{
		Path: "tasks/TASK-0001-clean.md", ID: "TASK-0001", IDLine: 2, FileID: "TASK-0001",
		Title: "Clean task", TitleLine: 2, HasFrontMatter: true,
		Fields: []task.Field{{Key: "title", Value: "TASK-0001 Clean task", Line: 2}, {Key: "status", Value: "Draft", Line: 3}},
		Status: task.Status{Raw: "Draft", Class: "Draft", Line: 3},
		Sections: []task.Section{
			{Heading: "Context", Level: 2, Line: 10, EndLine: 13},
			{Heading: "Goal", Level: 2, Line: 14, EndLine: 17},
			{Heading: "Non-Goals", Level: 2, Line: 18, EndLine: 21},
			{Heading: "Constraints / invariants (hard requirements)", Level: 2, Line: 22, EndLine: 25},
			{Heading: "Stop conditions (Definition of Done)", Level: 2, Line: 26, EndLine: 33},
			{Heading: "Proof (tests)", Level: 3, Line: 27, EndLine: 33},
			{Heading: "Touched paths (allowlist)", Level: 2, Line: 34, EndLine: 40},
		},
		Links:   []task.Link{{Label: "Design", Target: "docs/design.md", Line: 5}},
		Proofs:  []task.ProofCommand{{Command: "cargo test -p foo", Kind: task.ProofTests, Line: 29}},
		Markers: []task.MarkerRef{{Text: "SELFTEST: foo ok", Line: 31}},
		Tests:   []task.TestRef{{Name: "test_foo", Line: 32}},
	}
}

// existing is the file set PathExists sees in rule tests.
var existing = map[string]bool{"docs/design.md": true, "tasks/notes.md": true, "docs": true}

func ruleEnv() Env {
	return Env{PathExists: func(p string) bool { return existing[p] }}
}

// render is "rule@line" plus ":col" when set and "=fix" when there is one.
func render(ds []Diagnostic) []string {
	var out []string
	for _, d := range ds {
		s := fmt.Sprintf("%s@%d", d.Rule, d.Line)
		if d.Column > 0 {
			s += fmt.Sprintf(":%d", d.Column)
		}
		if d.Fix != "" {
			s += "=" + d.Fix
		}
		out = append(out, s)
	}
	return out
}

func TestRules(t *testing.T) {
	tests := []struct {
		name   string
		edit   func(d *task.Document, e *Env)
		want   []string
		substr string // a fragment the first message must contain
	}{
		{"clean", func(*task.Document, *Env) {}, nil, ""},

		// Status.
		{"status lower-case", func(d *task.Document, _ *Env) { d.Status.Raw = "done" }, []string{"status-vocabulary@3=Done"}, `status "done" is not in canonical spelling`},
		{"status alias", func(d *task.Document, _ *Env) { d.Status.Raw = "Complete" }, []string{"status-vocabulary@3=Done"}, `write "Done"`},
		{"status with note", func(d *task.Document, _ *Env) { d.Status.Raw = "Done (2026-07-21) — all green" }, nil, ""},
		{"status with emoji", func(d *task.Document, _ *Env) { d.Status.Raw = "Done ✅ (loopback)" }, nil, ""},
		{"status multi-word wrong case", func(d *task.Document, _ *Env) { d.Status.Raw = "In progress (x)" }, []string{"status-vocabulary@3=In Progress"}, ""},
		{"status hyphen alias", func(d *task.Document, _ *Env) { d.Status.Raw = "in-progress" }, []string{"status-vocabulary@3=In Progress"}, ""},
		{"status unknown is never guessed", func(d *task.Document, _ *Env) { d.Status.Raw = "Part 1 Done; Part 2 deferred" }, []string{"status-vocabulary@3"}, "not in the vocabulary"},
		{"status unknown word", func(d *task.Document, _ *Env) { d.Status.Raw = "Habitat removed" }, []string{"status-vocabulary@3"}, "write the status that is true"},
		{"status custom vocabulary", func(d *task.Document, e *Env) {
			d.Status.Raw = "Shipped"
			e.Vocabulary = []string{"Open", "Shipped"}
		}, nil, ""},
		{"status custom alias", func(d *task.Document, e *Env) {
			d.Status.Raw = "released"
			e.Vocabulary = []string{"Open", "Shipped"}
			e.Aliases = map[string]string{"released": "Shipped"}
		}, []string{"status-vocabulary@3=Shipped"}, ""},
		{"missing status", func(d *task.Document, _ *Env) { d.Status = task.Status{} }, []string{"missing-status@2"}, ""},

		// Header.
		{"no front matter, header-less form", func(d *task.Document, _ *Env) { d.HasFrontMatter = false }, []string{"missing-front-matter@1"}, "header-less form"},
		{"no front matter, no header", func(d *task.Document, _ *Env) { d.HasFrontMatter, d.Fields = false, nil }, []string{"missing-front-matter@1"}, "no front matter block"},
		{"missing title", func(d *task.Document, _ *Env) { d.Title, d.TitleLine = "", 0 }, []string{"missing-title@2"}, ""},
		{"missing id", func(d *task.Document, _ *Env) {
			d.ID, d.IDLine, d.FileID, d.Path = "", 0, "", "tasks/notes-task.md"
		}, []string{"missing-id@2"}, ""},
		{"id mismatch", func(d *task.Document, _ *Env) { d.ID = "TASK-0010" }, []string{"id-mismatch@2"}, "the title says TASK-0010 but the file name says TASK-0001"},
		{"id from file name only is no mismatch", func(d *task.Document, _ *Env) { d.IDLine = 0 }, nil, ""},
		{"suffix mismatch", func(d *task.Document, _ *Env) { d.ID = "TASK-0001B" }, []string{"id-mismatch@2"}, ""},

		// Sections.
		{"missing non-goals and allowlist", func(d *task.Document, _ *Env) {
			d.Sections = slices.DeleteFunc(d.Sections, func(s task.Section) bool {
				return s.Heading == "Non-Goals" || strings.HasPrefix(s.Heading, "Touched")
			})
		}, []string{"missing-section@2", "missing-section@2"}, `missing required section "Non-Goals"`},
		{"heading variants", func(d *task.Document, _ *Env) {
			d.Sections = []task.Section{
				{Heading: "Context (rebased 2026-07-15)", Level: 2, Line: 10},
				{Heading: "Goal / stop condition", Level: 2, Line: 14},
				{Heading: "Non-goals (this task)", Level: 2, Line: 18},
				{Heading: "**Constraints / invariants**", Level: 2, Line: 22},
				{Heading: "Proof", Level: 3, Line: 28},
				{Heading: "Touched paths (per phase)", Level: 2, Line: 34},
			}
			d.Proofs[0].Line = 15 // under "Goal / stop condition"
		}, nil, ""},
		{"Stop Conditions capitalised, level 3", func(d *task.Document, _ *Env) {
			d.Sections[4] = task.Section{Heading: "Stop Conditions", Level: 3, Line: 26}
			d.Sections = slices.Delete(d.Sections, 5, 6) // its level-3 sibling would end it
		}, nil, ""},
		{"no sections at all", func(d *task.Document, _ *Env) { d.Sections = nil }, []string{
			"missing-section@2", "missing-section@2", "missing-section@2", "missing-section@2", "missing-section@2", "missing-section@2",
		}, ""},

		// Proof commands.
		{"stop conditions without command", func(d *task.Document, _ *Env) { d.Proofs = nil }, []string{"no-proof-command@26"}, "lists no proof command"},
		{"command outside the stop section does not count", func(d *task.Document, _ *Env) { d.Proofs[0].Line = 36 }, []string{"no-proof-command@26"}, ""},
		{"command in a sub-section counts", func(d *task.Document, _ *Env) { d.Proofs[0].Line = 33 }, nil, ""},
		{"every stop section needs a command", func(d *task.Document, _ *Env) {
			d.Sections = append(d.Sections, task.Section{Heading: "Stop conditions: Slice B", Level: 3, Line: 41})
		}, []string{"no-proof-command@41"}, ""},
		{"nested stop heading belongs to the outer one", func(d *task.Document, _ *Env) {
			d.Sections = append(d.Sections[:5], append([]task.Section{{Heading: "Stop conditions: Slice A", Level: 3, Line: 27}}, d.Sections[6:]...)...)
		}, nil, ""},
		{"bare canonical command", func(d *task.Document, e *Env) {
			e.CanonicalProof = []string{"cargo test *"}
			d.Proofs = append(d.Proofs, task.ProofCommand{Command: "cargo test", Line: 30})
		}, nil, ""},
		{"canonical proof", func(d *task.Document, e *Env) {
			e.CanonicalProof = []string{"cargo test *", "./scripts/qemu-test.sh*"}
			d.Proofs = append(d.Proofs, task.ProofCommand{Command: "RUN_UNTIL_MARKER=1 RUN_TIMEOUT=90s ./scripts/qemu-test.sh", Line: 30})
		}, nil, ""},
		{"non-canonical proof", func(d *task.Document, e *Env) {
			e.CanonicalProof = []string{"cargo test *"}
			d.Proofs = append(d.Proofs, task.ProofCommand{Command: "./tools/postflight.sh", Line: 30})
		}, []string{"non-canonical-proof@30"}, `"./tools/postflight.sh" matches none`},

		// Security.
		{"security relevant, no proof section", func(d *task.Document, _ *Env) { d.Security = task.Security{Relevant: true, Line: 42} }, []string{"security-proof@42"}, "has no Security proof section"},
		{"security proof without reject test", func(d *task.Document, _ *Env) {
			d.Security = task.Security{Relevant: true, Line: 42, ProofLine: 50}
			d.Sections = append(d.Sections, task.Section{Heading: "Security proof", Level: 2, Line: 50})
		}, []string{"security-proof@50"}, "names no `test_reject_*` test"},
		{"security proof with reject test", func(d *task.Document, _ *Env) {
			d.Security = task.Security{Relevant: true, Line: 42, ProofLine: 50}
			d.Tests = append(d.Tests, task.TestRef{Name: "test_reject_*", Security: true, Line: 53})
		}, nil, ""},
		{"reject test located in the security proof section", func(d *task.Document, _ *Env) {
			d.Security = task.Security{Relevant: true, Line: 42, ProofLine: 50}
			d.Sections = append(d.Sections, task.Section{Heading: "Security proof", Level: 2, Line: 50})
			d.Tests = append(d.Tests, task.TestRef{Name: "test_reject_oversized_frame", Line: 53})
		}, nil, ""},
		{"reject test elsewhere does not count", func(d *task.Document, _ *Env) {
			d.Security = task.Security{Relevant: true, Line: 42, ProofLine: 50}
			d.Sections = append(d.Sections, task.Section{Heading: "Security proof", Level: 2, Line: 50}, task.Section{Heading: "Plan", Level: 2, Line: 55})
			d.Tests = append(d.Tests, task.TestRef{Name: "test_reject_x", Line: 57})
		}, []string{"security-proof@50"}, ""},
		{"not security relevant", func(d *task.Document, _ *Env) { d.Security = task.Security{Line: 42} }, nil, ""},

		// Markers.
		{"varying marker", func(d *task.Document, _ *Env) {
			d.Markers = append(d.Markers, task.MarkerRef{Text: "init: boot at 12:03:44", Line: 32})
		}, []string{"varying-marker@32"}, "contains a time of day (12:03:44)"},
		{"undeclared marker", func(d *task.Document, e *Env) {
			e.DeclaredMarker = func(m string) bool { return m == "SELFTEST: foo ok" }
			d.Markers = append(d.Markers, task.MarkerRef{Text: "SELFTEST: bar ok", Line: 32})
		}, []string{"undeclared-marker@32"}, `"SELFTEST: bar ok" is not declared`},
		{"no contract, no undeclared-marker", func(d *task.Document, _ *Env) {
			d.Markers = append(d.Markers, task.MarkerRef{Text: "SELFTEST: bar ok", Line: 32})
		}, nil, ""},

		// Links.
		{"broken link", func(d *task.Document, _ *Env) {
			d.Links = append(d.Links, task.Link{Target: "docs/missing.md#part", Line: 6})
		}, []string{"broken-link@6"}, "link target docs/missing.md does not exist"},
		{"link relative to the task directory", func(d *task.Document, _ *Env) {
			d.Links = append(d.Links, task.Link{Target: "notes.md", Line: 6}, task.Link{Target: "./notes.md", Line: 7})
		}, nil, ""},
		{"root-relative link", func(d *task.Document, _ *Env) {
			d.Links = append(d.Links, task.Link{Target: "/docs/design.md", Line: 6}, task.Link{Target: "/notes.md", Line: 7})
		}, []string{"broken-link@7"}, "looked up relative to the repository root)"},
		{"directory link and dot-dot", func(d *task.Document, _ *Env) {
			d.Links = append(d.Links, task.Link{Target: "docs/", Line: 6}, task.Link{Target: "../docs/design.md", Line: 7})
		}, nil, ""},
		{"urls, anchors and ids are not checked", func(d *task.Document, _ *Env) {
			d.Links = append(d.Links,
				task.Link{Target: "https://example.org/nope.md", Line: 6},
				task.Link{Target: "#goal", Line: 7},
				task.Link{Target: "TASK-0099", Line: 8})
		}, nil, ""},
		{"no PathExists, no broken-link", func(d *task.Document, e *Env) {
			e.PathExists = nil
			d.Links = append(d.Links, task.Link{Target: "docs/missing.md", Line: 6})
		}, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := cleanDoc()
			env := ruleEnv()
			tt.edit(d, &env)
			ds := Check([]*task.Document{d}, env)
			if got := render(ds); strings.Join(got, " ") != strings.Join(tt.want, " ") {
				t.Fatalf("got  %q\nwant %q\n%v", got, tt.want, ds)
			}
			if tt.substr != "" && !strings.Contains(ds[0].Message, tt.substr) {
				t.Errorf("message %q does not contain %q", ds[0].Message, tt.substr)
			}
			for _, x := range ds {
				if x.Severity != ruleByID[x.Rule].Severity || x.File != d.Path {
					t.Errorf("diagnostic %+v: wrong severity or file", x)
				}
			}
		})
	}
}

func TestDuplicateID(t *testing.T) {
	a, b, c := cleanDoc(), cleanDoc(), cleanDoc()
	b.Path = "tasks/TASK-0001-other.md"
	c.Path = "tasks/TASK-0002-third.md"
	c.ID, c.FileID = "TASK-0002", "TASK-0002"
	env := ruleEnv()

	// Both files checked: each names the other.
	ds := Check([]*task.Document{b, a, c}, env)
	got := render(ds)
	want := []string{"duplicate-id@2", "duplicate-id@2"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("got %q, want %q", got, want)
	}
	if ds[0].File != a.Path || !strings.Contains(ds[0].Message, b.Path) || ds[1].File != b.Path || !strings.Contains(ds[1].Message, a.Path) {
		t.Errorf("each file must name the other: %+v", ds)
	}

	// Only one file checked, the repository has the other.
	env.Repo = []*task.Document{a, b, c}
	ds = Check([]*task.Document{a}, env)
	if len(ds) != 1 || ds[0].File != a.Path || !strings.Contains(ds[0].Message, "also the id of "+b.Path) {
		t.Errorf("single file: %+v", ds)
	}

	// The same document passed twice (and present in Repo) is one file.
	ds = Check([]*task.Document{c, c}, Env{Repo: []*task.Document{c}})
	if len(ds) != 0 {
		t.Errorf("same path twice: %+v", ds)
	}
}

func TestColumnsFromSource(t *testing.T) {
	d := cleanDoc()
	d.Status.Raw = "done"
	d.Links = []task.Link{{Target: "docs/gone.md", Line: 5}}
	src := "---\ntitle: TASK-0001 Clean task\nstatus: done\nlinks:\n  - Design: docs/gone.md\n---\n"
	env := ruleEnv()
	env.Source = func(p string) []byte {
		if p == d.Path {
			return []byte(src)
		}
		return nil
	}
	got := render(Check([]*task.Document{d}, env))
	want := []string{"status-vocabulary@3:9=Done", "broken-link@5:13"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestCheckSortsAndClamps(t *testing.T) {
	a := cleanDoc()
	a.Path = "tasks/TASK-0001-b.md"
	a.Status = task.Status{}
	a.TitleLine, a.IDLine, a.Title = 0, 0, ""
	b := cleanDoc()
	b.Path = "tasks/TASK-0001-a.md"
	b.Links = []task.Link{{Target: "x/y.md", Line: 0}}
	ds := Check([]*task.Document{a, b}, ruleEnv())
	var got []string
	for _, d := range ds {
		got = append(got, fmt.Sprintf("%s:%d:%s", d.File, d.Line, d.Rule))
		if d.Line < 1 {
			t.Errorf("line < 1: %+v", d)
		}
	}
	want := []string{
		"tasks/TASK-0001-a.md:1:broken-link",
		"tasks/TASK-0001-a.md:2:duplicate-id",
		"tasks/TASK-0001-b.md:1:duplicate-id",
		"tasks/TASK-0001-b.md:1:missing-status",
		"tasks/TASK-0001-b.md:1:missing-title",
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}

func TestRulesDocumented(t *testing.T) {
	seen := map[string]bool{}
	prev := ""
	for _, r := range Rules() {
		if r.ID <= prev {
			t.Errorf("rules not sorted: %s after %s", r.ID, prev)
		}
		prev = r.ID
		seen[r.ID] = true
		if r.Summary == "" || len(r.Help) < 80 || strings.Contains(r.Summary, "\n") {
			t.Errorf("%s: summary must be one line and help a paragraph", r.ID)
		}
		switch r.Severity {
		case SeverityError, SeverityWarning, SeverityInfo:
		default:
			t.Errorf("%s: bad severity %q", r.ID, r.Severity)
		}
		for _, c := range r.ID {
			if !(c >= 'a' && c <= 'z' || c == '-') {
				t.Errorf("%s: id is not kebab-case", r.ID)
				break
			}
		}
	}
	for _, id := range []string{"missing-section", "unfilled-placeholder", "status-vocabulary", "broken-link", "id-mismatch",
		"duplicate-id", "no-proof-command", "security-proof", "varying-marker", "undeclared-marker"} {
		if !seen[id] {
			t.Errorf("rule %s is not registered", id)
		}
	}
}
