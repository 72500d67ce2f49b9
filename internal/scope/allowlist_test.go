package scope

import (
	"strings"
	"testing"

	"github.com/taskproof/taskproof/internal/task"
)

func TestClassify(t *testing.T) {
	tests := []struct {
		raw, pattern string
		kind         Kind
		match        string
		brace        bool
	}{
		{"`source/services/widgetd/`", "source/services/widgetd/", KindDir, "source/services/widgetd", false},
		{"`source/...`", "source/...", KindDir, "source", false},
		{"`source/…`", "source/…", KindDir, "source", false},
		{"`docs/adr/0044-…` (amendment)", "docs/adr/0044-…", KindGlob, "docs/adr/0044-*", false},
		{"`scripts/qemu-test.sh`", "scripts/qemu-test.sh", KindPath, "scripts/qemu-test.sh", false},
		{"`./tools/x.sh`", "./tools/x.sh", KindPath, "tools/x.sh", false},
		{"`/CHANGELOG.md`", "/CHANGELOG.md", KindPath, "CHANGELOG.md", false},
		{"`source/libs/**` (new)", "source/libs/**", KindGlob, "source/libs/**", false},
		{"`docs/{a,b}.md`", "docs/{a,b}.md", KindGlob, "docs/{a,b}.md", true},
		{"`examples/dsl/{counter,todo}/`", "examples/dsl/{counter,todo}/", KindGlob, "examples/dsl/{counter,todo}/**", true},
		{"`source/services/*/`", "source/services/*/", KindGlob, "source/services/*/**", false},
		{"`docs/rfcs/RFC-0059-*.md`", "docs/rfcs/RFC-0059-*.md", KindGlob, "docs/rfcs/RFC-0059-*.md", false},
		{"`Cargo.toml`", "Cargo.toml", KindPath, "Cargo.toml", false},
		{"`README.md` (extend)", "README.md", KindPath, "README.md", false},
		// Spans that only comment on the bullet.
		{"`tests/` (host tests, including the `test_reject_*` set)", "test_reject_*", KindMention, "", false},
		{"`tools/nx/` (no separate `nx-*` binaries)", "nx-*", KindMention, "", false},
		{"notes (or extend `src/other/`)", "src/other/", KindDir, "src/other", false},
		{"`src/a/` (or extend `src/other/`)", "src/other/", KindMention, "", false},
		{"syscall entry path (`src/syscall/*`)", "src/syscall/*", KindGlob, "src/syscall/*", false},
		{"`updated` (exists; extend `source/services/updated/`)", "source/services/updated/", KindDir, "source/services/updated", false},
		// A bare name in a list of paths is a path; in a sentence, a mention.
		{"`docs/a.md`, `CHANGELOG.md`", "CHANGELOG.md", KindPath, "CHANGELOG.md", false},
		{"`Cargo.toml` / `Cargo.lock` only for workspace membership", "Cargo.lock", KindPath, "Cargo.lock", false},
		{"host tests live in `window_frame.rs`", "window_frame.rs", KindMention, "", false},
		{"`tests/` (host tests, including the `test_reject_*` set)", "tests/", KindDir, "tests", false},
		// Prose.
		{"SystemUI integration points", "", KindProse, "", false},
		{"`pkg://fixtures/audio/`", "", KindProse, "", false},
		{"`userspace/apps/<fixture-app>/` (fixture)", "", KindProse, "", false},
		{"`bootargd` (only if still needed)", "", KindProse, "", false},
		{"`cargo test -p foo/bar`", "", KindProse, "", false},
		{"`docs/a[b.md`", "docs/a[b.md", KindProse, "", false},
		{"`../outside/`", "../outside/", KindProse, "", false},
		// Paths the parser leaves as prose that scope reads.
		{"`justfile` (extend: recipes)", "", KindPath, "justfile", false},
		{"`Makefile`", "", KindPath, "Makefile", false},
		{"`docs/my notes/` (a directory with a space)", "", KindDir, "docs/my notes", false},
	}
	for _, tc := range tests {
		e := Classify(task.PathItem{Raw: tc.raw, Pattern: tc.pattern, Line: 7})
		if e.Kind != tc.kind || e.Match != tc.match || e.Brace != tc.brace {
			t.Errorf("Classify(%q, %q) = kind %s match %q brace %v; want %s %q %v (note %q)",
				tc.raw, tc.pattern, e.Kind, e.Match, e.Brace, tc.kind, tc.match, tc.brace, e.Note)
		}
		if e.Line != 7 || e.Source != SourceTask {
			t.Errorf("Classify(%q): line %d source %s", tc.raw, e.Line, e.Source)
		}
	}
}

func TestAllowlistCheck(t *testing.T) {
	items := []task.PathItem{
		{Raw: "`source/services/widgetd/`", Pattern: "source/services/widgetd/", Line: 10},
		{Raw: "`source/libs/**`", Pattern: "source/libs/**", Line: 11},
		{Raw: "`docs/{api,guide}.md`", Pattern: "docs/{api,guide}.md", Line: 12},
		{Raw: "`userspace/apps/*`", Pattern: "userspace/apps/*", Line: 13},
		{Raw: "`tools/x`", Pattern: "tools/x", Line: 14},
		{Raw: "`docs/rfcs/RFC-00??-*.md`", Pattern: "docs/rfcs/RFC-00??-*.md", Line: 15},
		{Raw: "`my dir/` (spaces)", Pattern: "", Line: 16},
		{Raw: "SystemUI integration points", Line: 17},
		{Raw: "`source/libs/secret/`", Pattern: "source/libs/secret/", Deny: true, Line: 20},
		{Raw: "`**/*.pem`", Pattern: "**/*.pem", Deny: true, Line: 21},
		{Raw: "`tasks/**`", Pattern: "tasks/**", Deny: true, Line: 22},
	}
	a := Compile("tasks/TASK-0001-x.md", items, []string{"go.sum", "**/Cargo.lock", "tasks/BOARD.md"})
	tests := []struct {
		path    string
		allowed bool
		reason  string // substring of the refusal
	}{
		{"source/services/widgetd/src/main.rs", true, ""},
		{"source/services/widgetd", true, ""},
		{"source/services/widgetdx/main.rs", false, "not in the touched-path allowlist"},
		{"source/libs/a/b/c.rs", true, ""},
		{"source/libs/secret/key.rs", false, "`source/libs/secret/` (line 20)"},
		{"source/libs/certs/ca.pem", false, "`**/*.pem` (line 21)"},
		{"docs/api.md", true, ""},
		{"docs/guide.md", true, ""},
		{"docs/other.md", false, "not in"},
		{"userspace/apps/launcher/src/lib.rs", true, ""}, // * matches the directory
		{"userspace/apps", false, "not in"},
		{"tools/x", true, ""},
		{"tools/x/y.sh", true, ""}, // a bare path covers a directory
		{"tools/xy", false, "not in"},
		{"docs/rfcs/RFC-0059-io.md", true, ""},
		{"docs/rfcs/RFC-0159-io.md", false, "not in"},
		{"my dir/file name.txt", true, ""},
		{"go.sum", true, ""},
		{"sub/crate/Cargo.lock", true, ""},
		{"tasks/TASK-0001-x.md", true, ""},                // the task file itself, despite tasks/** denied
		{"tasks/BOARD.md", false, "`tasks/**` (line 22)"}, // deny beats always-allow
		{"tasks/TASK-0002-y.md", false, "`tasks/**`"},
		{"README.md", false, "not in"},
	}
	for _, tc := range tests {
		v := a.Check(tc.path)
		if v.Allowed != tc.allowed || (!tc.allowed && !strings.Contains(v.Reason, tc.reason)) {
			t.Errorf("Check(%q) = %v %q; want %v %q", tc.path, v.Allowed, v.Reason, tc.allowed, tc.reason)
		}
	}
	un := a.Unverifiable()
	if len(un) != 1 || un[0].Line != 17 || un[0].Text != "SystemUI integration points" {
		t.Errorf("unverifiable = %+v", un)
	}
}

func TestCompileMentionOnlyBulletIsProse(t *testing.T) {
	raw := "host tests live in `window_frame.rs` + `interaction.rs`"
	a := Compile("tasks/T.md", []task.PathItem{
		{Raw: raw, Pattern: "window_frame.rs", Line: 5},
		{Raw: raw, Pattern: "interaction.rs", Line: 5},
	}, nil)
	un := a.Unverifiable()
	if len(un) != 1 || un[0].Line != 5 {
		t.Fatalf("unverifiable = %+v", un)
	}
	if a.Check("window_frame.rs").Allowed {
		t.Error("a mention allowed a path")
	}
	if !a.HasTaskItems() {
		t.Error("the bullet is an item")
	}
}

func TestCompileNoItems(t *testing.T) {
	a := Compile("tasks/T.md", nil, []string{"go.sum"})
	if a.HasTaskItems() {
		t.Error("no items, but HasTaskItems")
	}
	r := Check(a, []Change{{Path: "go.sum", Status: "M"}})
	if r.OK() || len(r.Violations) != 1 || r.Violations[0].Reason != NoAllowlistReason {
		t.Errorf("violations = %+v", r.Violations)
	}
}

func TestCheckRenamesAndDeny(t *testing.T) {
	a := Compile("tasks/T.md", []task.PathItem{
		{Raw: "`src/new/`", Pattern: "src/new/", Line: 3},
		{Raw: "`src/old/keep.rs`", Pattern: "src/old/keep.rs", Deny: true, Line: 6},
	}, nil)
	r := Check(a, []Change{
		{Path: "src/new/a.rs", OldPath: "src/old/a.rs", Status: "R", Score: 100},
		{Path: "src/new/b.rs", OldPath: "src/new/b0.rs", Status: "R", Score: 90},
		{Path: "src/new/c.rs", OldPath: "src/old/keep.rs", Status: "C", Score: 100},
		{Path: "src/new/d.rs", Status: "?"},
		{Path: "src/old/keep.rs", Status: "D"},
	})
	var got []string
	for _, v := range r.Violations {
		got = append(got, v.Status+" "+v.Path)
	}
	want := "R src/old/a.rs|D src/old/keep.rs"
	if strings.Join(got, "|") != want {
		t.Errorf("violations %q; want %q (%+v)", strings.Join(got, "|"), want, r.Violations)
	}
	if !strings.Contains(r.Violations[0].Reason, "renamed to src/new/a.rs") || r.Violations[1].Line != 6 {
		t.Errorf("reasons: %+v", r.Violations)
	}
	if len(r.Touched) != 5 || r.Touched[0].Path != "src/new/a.rs" {
		t.Errorf("touched not sorted: %+v", r.Touched)
	}
}
