package task

import (
	"reflect"
	"strings"
	"testing"
)

// md joins lines into a document (tests read better without raw-string
// indentation traps).
func md(lines ...string) []byte { return []byte(strings.Join(lines, "\n") + "\n") }

func mustParse(t *testing.T, name string, src []byte) *Document {
	t.Helper()
	d, err := Parse(name, src)
	if err != nil {
		t.Fatalf("Parse(%s): %v", name, err)
	}
	return d
}

func TestParseFrontMatter(t *testing.T) {
	src := md(
		"---",
		"title: TASK-0007 Widget export: CSV and JSON",
		"status: Done ✅ (shipped)",
		"owner: @team",
		"created: 2026-01-02",
		"# a comment line",
		"depends-on: [TASK-0001, TASK-0002B]",
		"follow-up-tasks: [] # TASK-0099 later",
		"links:",
		"  - Vision: docs/vision.md",
		"  # - RFC: docs/rfcs/commented-out.md",
		"  - **RFC**: docs/rfcs/RFC-0001.md (the contract)",
		"  - Grants (content://): tasks/TASK-0004-grants.md",
		"    continued prose line",
		"enables:",
		"  - TASK-0010: the next thing (also TASK-0011)",
		"---",
		"",
		"## Context",
	)
	d := mustParse(t, "tasks/TASK-0007-widget-export.md", src)
	if !d.HasFrontMatter {
		t.Fatal("HasFrontMatter = false")
	}
	if d.ID != "TASK-0007" || d.IDLine != 2 || d.FileID != "TASK-0007" {
		t.Errorf("id = %q line %d file %q", d.ID, d.IDLine, d.FileID)
	}
	if d.Title != "Widget export: CSV and JSON" || d.TitleLine != 2 {
		t.Errorf("title = %q line %d", d.Title, d.TitleLine)
	}
	if d.Status.Raw != "Done ✅ (shipped)" || d.Status.Class != "Done" || d.Status.Line != 3 {
		t.Errorf("status = %+v", d.Status)
	}
	if d.Owner.Value != "@team" || d.Owner.Line != 4 {
		t.Errorf("owner = %+v", d.Owner)
	}
	if d.Created.Value != "2026-01-02" || d.Created.Line != 5 {
		t.Errorf("created = %+v", d.Created)
	}
	wantLinks := []Link{
		{Label: "Vision", Target: "docs/vision.md", Text: "docs/vision.md", Line: 10},
		{Label: "RFC", Target: "docs/rfcs/RFC-0001.md", Text: "docs/rfcs/RFC-0001.md (the contract)", Line: 12},
		{Label: "Grants (content://)", Target: "tasks/TASK-0004-grants.md", Text: "tasks/TASK-0004-grants.md continued prose line", Line: 13},
	}
	if !reflect.DeepEqual(d.Links, wantLinks) {
		t.Errorf("links =\n%+v\nwant\n%+v", d.Links, wantLinks)
	}
	wantDeps := []Dependency{
		{ID: "TASK-0001", Kind: DepDependsOn, Label: "depends-on", Line: 7},
		{ID: "TASK-0002B", Kind: DepDependsOn, Label: "depends-on", Line: 7},
		{ID: "TASK-0010", Kind: DepFollowUp, Label: "enables", Line: 16},
	}
	if !reflect.DeepEqual(d.Deps, wantDeps) {
		t.Errorf("deps =\n%+v\nwant\n%+v", d.Deps, wantDeps)
	}
	if len(d.Sections) != 1 || d.Sections[0] != (Section{Heading: "Context", Level: 2, Line: 19, EndLine: 19}) {
		t.Errorf("sections = %+v", d.Sections)
	}
}

func TestParseFrontMatterLines(t *testing.T) {
	tests := []struct {
		name string
		in   []string
		want []Field
	}{
		{"first colon splits", []string{"title: a: b: c"}, []Field{{Key: "title", Value: "a: b: c", Line: 1}}},
		{"bold key", []string{"**Status**: Done"}, []Field{{Key: "status", Value: "Done", Line: 1}}},
		{"bold key with colon inside", []string{"**Status:** Done"}, []Field{{Key: "status", Value: "Done", Line: 1}}},
		{"quoted value", []string{`title: "TASK-0001 x"`}, []Field{{Key: "title", Value: "TASK-0001 x", Line: 1}}},
		{"block list at column 0", []string{"depends-on:", "- TASK-0001", "- TASK-0002"}, []Field{{Key: "depends-on", Line: 1,
			Items: []ListItem{{"TASK-0001", 2}, {"TASK-0002", 3}}}}},
		{"empty inline list", []string{"depends-on: []"}, []Field{{Key: "depends-on", Value: "[]", Line: 1}}},
		{"inline list with comment", []string{"x: [A, 'B'] # c"}, []Field{{Key: "x", Value: "[A, 'B']", Line: 1,
			Items: []ListItem{{"A", 1}, {"B", 1}}}}},
		{"comments and blank lines", []string{"# c", "", "a: 1", "  # - hidden: x"}, []Field{{Key: "a", Value: "1", Line: 3}}},
		{"continuation", []string{"title: long", "  title continues"}, []Field{{Key: "title", Value: "long title continues", Line: 1}}},
		{"not a key", []string{"http://example.com", "a:b"}, nil},
		{"upper-case key lowered", []string{"Owner: @x"}, []Field{{Key: "owner", Value: "@x", Line: 1}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lines := make([]srcLine, len(tt.in))
			for i, s := range tt.in {
				lines[i] = srcLine{text: s, num: i + 1}
			}
			if got := parseFrontMatter(lines); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestParseHeaderless(t *testing.T) {
	src := md(
		"# TASK-0042: Reaper — reclaim zombies",
		"",
		"- Status: Done (boot-proven 2026-01-01)",
		"- Owners: @kernel / @runtime",
		"- RFC: `docs/rfcs/RFC-0042-reaper.md`",
		"- Related: RFC-0040 (the arena), later",
		"  continued on the next line",
		"",
		"## Goal / stop condition",
		"",
		"Reaped children emit `reaper: reaped pid=N`.",
	)
	d := mustParse(t, "tasks/TASK-0042-reaper.md", src)
	if d.HasFrontMatter {
		t.Error("HasFrontMatter = true")
	}
	if d.ID != "TASK-0042" || d.IDLine != 1 || d.Title != "Reaper — reclaim zombies" {
		t.Errorf("id %q line %d title %q", d.ID, d.IDLine, d.Title)
	}
	if d.Status.Raw != "Done (boot-proven 2026-01-01)" || d.Status.Class != "Done" || d.Status.Line != 3 {
		t.Errorf("status = %+v", d.Status)
	}
	if d.Owner.Key != "owners" || d.Owner.Value != "@kernel / @runtime" {
		t.Errorf("owner = %+v", d.Owner)
	}
	if f, ok := d.Field("Related"); !ok || f.Value != "RFC-0040 (the arena), later continued on the next line" {
		t.Errorf("related = %+v %v", f, ok)
	}
	if len(d.Links) != 1 || d.Links[0].Target != "docs/rfcs/RFC-0042-reaper.md" || d.Links[0].Line != 5 {
		t.Errorf("links = %+v", d.Links)
	}
	want := []Section{
		{Heading: "TASK-0042: Reaper — reclaim zombies", Level: 1, Line: 1, EndLine: 11},
		{Heading: "Goal / stop condition", Level: 2, Line: 9, EndLine: 11},
	}
	if !reflect.DeepEqual(d.Sections, want) {
		t.Errorf("sections = %+v", d.Sections)
	}
}

func TestParseIDFallbacks(t *testing.T) {
	tests := []struct {
		name, path string
		src        []byte
		id, fileID ID
		idLine     int
		title      string
	}{
		{"title wins over file", "tasks/TASK-0001-x.md", md("---", "title: TASK-0002 Other", "---"), "TASK-0002", "TASK-0001", 2, "Other"},
		{"file name when title has no id", "TASK-0003B-x.md", md("---", "title: Just words", "---"), "TASK-0003B", "TASK-0003B", 0, "Just words"},
		{"h1 when no title field", "notes.md", md("---", "status: Draft", "---", "# TASK-0009 Heading title"), "TASK-0009", "", 4, "Heading title"},
		{"nothing", "notes.md", md("hello"), "", "", 0, ""},
		{"unclosed front matter is body", "TASK-0005.md", md("---", "title: TASK-0006 x"), "TASK-0005", "TASK-0005", 0, ""},
		{"U+2011 in title", "a.md", md("---", "title: TASK\u20110008: dashes", "---"), "TASK-0008", "", 2, "dashes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := mustParse(t, tt.path, tt.src)
			if d.ID != tt.id || d.FileID != tt.fileID || d.IDLine != tt.idLine || d.Title != tt.title {
				t.Errorf("got id %q file %q line %d title %q", d.ID, d.FileID, d.IDLine, d.Title)
			}
		})
	}
}

func TestParseSections(t *testing.T) {
	src := md(
		"---", // 1
		"title: TASK-0001 x",
		"---",
		"## A", // 4
		"text",
		"```sh", // 6
		"# not a heading",
		"```",
		"### A.1", // 9
		"~~~~",
		"## still code",
		"~~~",
		"~~~~",
		"## B ##", // 14
		"    # indented code, not a heading",
		"#hashtag",
		"####### seven",
		"# C", // 18
	)
	d := mustParse(t, "TASK-0001.md", src)
	want := []Section{
		{Heading: "A", Level: 2, Line: 4, EndLine: 13},
		{Heading: "A.1", Level: 3, Line: 9, EndLine: 13},
		{Heading: "B", Level: 2, Line: 14, EndLine: 17},
		{Heading: "C", Level: 1, Line: 18, EndLine: 18},
	}
	if !reflect.DeepEqual(d.Sections, want) {
		t.Errorf("sections =\n%+v\nwant\n%+v", d.Sections, want)
	}
}

func TestParseSupersededStatus(t *testing.T) {
	d := mustParse(t, "TASK-0030.md", md("---", "title: TASK-0030 old", "status: Superseded (2026-01-01 — replaced by TASK-0031/0032)", "---"))
	want := []Dependency{
		{ID: "TASK-0031", Kind: DepSuperseed, Label: "status", Line: 3},
		{ID: "TASK-0032", Kind: DepSuperseed, Label: "status", Line: 3},
	}
	if !reflect.DeepEqual(d.Deps, want) {
		t.Errorf("deps = %v", d.Deps)
	}
	d = mustParse(t, "TASK-0033.md", md("---", "title: TASK-0033 x", "status: Done (follow-up → TASK-0034)", "---"))
	if len(d.Deps) != 0 {
		t.Errorf("a Done status produced deps %v", d.Deps)
	}
}

func TestParseLinks(t *testing.T) {
	src := md(
		"# TASK-0001: links",
		"",
		"## Context",
		"- RFC: docs/rfcs/RFC-0001.md",
		"- **ADR**: `docs/adr/0001.md` (decision)",
		"- Determinism: markers must be stable", // prose, not a link
		"- Proof: `cargo test -p x`",            // a command, not a link
		"See [the guide](docs/guide.md \"Guide\") and [site](https://example.org).",
		"```",
		"- RFC: docs/in-code.md",
		"```",
		"## Touched paths",
		"- Code: source/x/", // allowlist, not a link
	)
	d := mustParse(t, "TASK-0001.md", src)
	want := []Link{
		{Label: "RFC", Target: "docs/rfcs/RFC-0001.md", Text: "docs/rfcs/RFC-0001.md", Line: 4},
		{Label: "ADR", Target: "docs/adr/0001.md", Text: "`docs/adr/0001.md` (decision)", Line: 5},
		{Label: "the guide", Target: "docs/guide.md", Text: "docs/guide.md", Line: 8},
		{Label: "site", Target: "https://example.org", Text: "https://example.org", Line: 8},
	}
	if !reflect.DeepEqual(d.Links, want) {
		t.Errorf("links =\n%+v\nwant\n%+v", d.Links, want)
	}
}

func TestParseDeps(t *testing.T) {
	src := md(
		"---",
		"title: TASK-0020 deps",
		"depends-on:",
		"  - TASK-0001",
		"  - TASK-0020", // self: dropped
		"follow-up-tasks: [TASK-0021]",
		"links:",
		"  - Depends-on (log sink): tasks/TASK-0002-logd.md",
		"  - Superseded by: tasks/TASK-0030-new.md",
		"  - Parent task: tasks/TASK-0003-parent.md",
		"  - Follow-on: tasks/TASK-0022-next.md",
		"  - Unblocks: tasks/TRACK-X.md",
		"---",
		"## Context", // 14
		"- Persistence is gated on `TASK-0004`.",
		"- Real connect requires `TASK-0005` and `TASK-0006`.",
		"- UI claims remain blocked on `TASK-0007B` / `TASK-0007C`, `TASK-0008`, and `TASK-0009`.",
		"- Offline bundles are a follow-up (`TASK-0023`).",
		"- Multicast is a follow-on phase (TASK\u20110024 / TASK\u20110025).",
		"- This is tracked as `TASK-0040`; see TASK-0041.",    // mentions only
		"- The former `depends-on: TASK-0042` was backwards.", // quoted header, not an edge
		"- Blocked by: `TASK-0010`",
		"- requires TASK-0146/0147 first",
		"```",
		"gated on TASK-0099",
		"```",
	)
	d := mustParse(t, "TASK-0020.md", src)
	want := []Dependency{
		{ID: "TASK-0001", Kind: DepDependsOn, Label: "depends-on", Line: 4},
		{ID: "TASK-0021", Kind: DepFollowUp, Label: "follow-up-tasks", Line: 6},
		{ID: "TASK-0002", Kind: DepLink, Label: "Depends-on (log sink)", Line: 8},
		{ID: "TASK-0030", Kind: DepSuperseed, Label: "Superseded by", Line: 9},
		{ID: "TASK-0003", Kind: DepLink, Label: "Parent task", Line: 10},
		{ID: "TASK-0022", Kind: DepFollowUp, Label: "Follow-on", Line: 11},
		{ID: "TASK-0004", Kind: DepProse, Label: "gated on", Line: 15},
		{ID: "TASK-0005", Kind: DepProse, Label: "requires", Line: 16},
		{ID: "TASK-0006", Kind: DepProse, Label: "requires", Line: 16},
		{ID: "TASK-0007B", Kind: DepProse, Label: "blocked on", Line: 17},
		{ID: "TASK-0007C", Kind: DepProse, Label: "blocked on", Line: 17},
		{ID: "TASK-0008", Kind: DepProse, Label: "blocked on", Line: 17},
		{ID: "TASK-0009", Kind: DepProse, Label: "blocked on", Line: 17},
		{ID: "TASK-0023", Kind: DepFollowUp, Label: "follow-up", Line: 18},
		{ID: "TASK-0024", Kind: DepFollowUp, Label: "follow-on phase", Line: 19},
		{ID: "TASK-0025", Kind: DepFollowUp, Label: "follow-on phase", Line: 19},
		{ID: "TASK-0010", Kind: DepLink, Label: "Blocked by", Line: 22},
		{ID: "TASK-0146", Kind: DepProse, Label: "requires", Line: 23},
		{ID: "TASK-0147", Kind: DepProse, Label: "requires", Line: 23},
	}
	if !reflect.DeepEqual(d.Deps, want) {
		t.Errorf("deps:\n got %v\nwant %v", d.Deps, want)
	}
	var mentioned []ID
	for _, m := range d.Mentions {
		if m.Line == 20 || m.Line == 21 || m.Line == 25 {
			mentioned = append(mentioned, m.ID)
		}
	}
	if !reflect.DeepEqual(mentioned, []ID{"TASK-0040", "TASK-0041", "TASK-0042"}) {
		t.Errorf("mentions on lines 20-21 (not in code) = %v", mentioned)
	}
}

func TestParseStopConditions(t *testing.T) {
	src := md(
		"# TASK-0050: proofs", // 1
		"",
		"## Stop conditions (Definition of Done)", // 3
		"",
		"- **Proof (QEMU)**:",
		"  - Command(s):",
		"    - `RUN_UNTIL_MARKER=1 RUN_TIMEOUT=90s ./scripts/qemu-test.sh`", // 7
		"  - Required markers (must exist in the harness):",
		"    - `SELFTEST: widget ok`", // 9
		"    - `widgetd: ready` (after init)",
		"- **Proof (tests)**:",
		"  - Command(s):",
		"    - `cargo test -p widget -- --nocapture`", // 13
		"  - Required tests:",
		"    - `test_widget_roundtrip`", // 15
		"    - `widget::tests::*`",
		"- **Proof (QEMU)**: `IMAGE-RECLAIM` and `gpud: scanout ok` appear", // 17
		"",
		"### Proof (Host) — required", // 19
		"",
		"```sh",
		"$ just test-host \\", // 22
		"    --verbose",
		"# a comment",
		"```",
		"",
		"Notes:",
		"- Mentions `scripts/qemu-test.sh` as the harness; `TASK-0001` is context.",
		"",
		"## Stop Conditions", // 30: a second spelling, also read
		"- `go test ./...`",
		"## Plan",
		"- `cargo test -p not-proof`", // outside: ignored
	)
	d := mustParse(t, "TASK-0050.md", src)
	wantP := []ProofCommand{
		{"RUN_UNTIL_MARKER=1 RUN_TIMEOUT=90s ./scripts/qemu-test.sh", ProofQEMU, 7},
		{"cargo test -p widget -- --nocapture", ProofTests, 13},
		{"just test-host --verbose", ProofTests, 22},
		{"go test ./...", ProofTests, 31},
	}
	if !reflect.DeepEqual(d.Proofs, wantP) {
		t.Errorf("proofs:\n got %+v\nwant %+v", d.Proofs, wantP)
	}
	wantM := []MarkerRef{
		{Text: "SELFTEST: widget ok", Line: 9},
		{Text: "widgetd: ready", Line: 10},
		{Text: "IMAGE-RECLAIM", Line: 17},
		{Text: "gpud: scanout ok", Line: 17},
	}
	if !reflect.DeepEqual(d.Markers, wantM) {
		t.Errorf("markers:\n got %+v\nwant %+v", d.Markers, wantM)
	}
	wantT := []TestRef{{Name: "test_widget_roundtrip", Line: 15}, {Name: "widget::tests::*", Line: 16}}
	if !reflect.DeepEqual(d.Tests, wantT) {
		t.Errorf("tests:\n got %+v\nwant %+v", d.Tests, wantT)
	}
}

func TestStopConditionHeadings(t *testing.T) {
	yes := []string{"Stop conditions (Definition of Done)", "Stop Conditions", "Definition of Done",
		"Goal / stop condition", "6. Stop conditions", "**Stop conditions**", "DoD"}
	no := []string{"Goal", "Plan", "Conditions", "Stopwatch"}
	for _, h := range yes {
		if !IsStopConditionsHeading(h) {
			t.Errorf("IsStopConditionsHeading(%q) = false", h)
		}
	}
	for _, h := range no {
		if IsStopConditionsHeading(h) {
			t.Errorf("IsStopConditionsHeading(%q) = true", h)
		}
	}
}

func TestParseSecurity(t *testing.T) {
	template := md(
		"# TASK-0060: not security relevant",
		"## Security considerations (optional — mark N/A if not security-relevant)",
		"<!--",
		"Fill this in if the task touches auth.",
		"-->",
		"### Threat model",
		"- N/A",
		"<!-- Examples:",
		"- Spoofed announcements",
		"-->",
		"### Attack surface impact",
		"- None",
		"<!-- Or:",
		"- Minimal: <description>",
		"-->",
		"### Mitigations",
		"- N/A (no new inputs)",
		"## Security proof (only for security-relevant tasks — delete if N/A)",
		"### Audit tests (negative cases / attack simulation)",
		"- Command(s):",
		"  - `cargo test -p <crate> -- reject --nocapture`",
		"- Required tests:",
		"  - `test_reject_*` — rejection of malformed input",
		"### Fuzz coverage (optional)",
		"<!-- - `cargo +nightly fuzz run fuzz_x` -->",
		"<!--",
		"- `cargo test -p commented-out`",
		"-->",
	)
	d := mustParse(t, "TASK-0060.md", template)
	if d.Security.Relevant || d.Security.Line != 2 || d.Security.ProofLine != 18 {
		t.Errorf("template security = %+v", d.Security)
	}
	wantP := []ProofCommand{{"cargo test -p <crate> -- reject --nocapture", ProofSecurity, 21}}
	if !reflect.DeepEqual(d.Proofs, wantP) {
		t.Errorf("proofs = %+v", d.Proofs)
	}
	wantT := []TestRef{{Name: "test_reject_*", Security: true, Line: 23}}
	if !reflect.DeepEqual(d.Tests, wantT) {
		t.Errorf("tests = %+v", d.Tests)
	}

	filled := md(
		"# TASK-0061: handshake",
		"## Security considerations",
		"### Threat model",
		"- Replay of handshake messages",
		"## Security proof",
		"### Host tests",
		"- `cargo test -p hs -- reject`",
		"  - Add `test_reject_replayed_nonce`",
		"### QEMU markers",
		"- `hsd: replay rejected ok`",
	)
	d = mustParse(t, "TASK-0061.md", filled)
	if !d.Security.Relevant {
		t.Errorf("filled security not relevant: %+v", d.Security)
	}
	if len(d.Tests) != 1 || d.Tests[0] != (TestRef{Name: "test_reject_replayed_nonce", Security: true, Line: 8}) {
		t.Errorf("tests = %+v", d.Tests)
	}
	if len(d.Markers) != 1 || d.Markers[0] != (MarkerRef{Text: "hsd: replay rejected ok", Security: true, Line: 10}) {
		t.Errorf("markers = %+v", d.Markers)
	}
	if len(d.Proofs) != 1 || d.Proofs[0].Kind != ProofSecurity {
		t.Errorf("proofs = %+v", d.Proofs)
	}
}

func TestParseTouchedPaths(t *testing.T) {
	src := md(
		"# TASK-0070: paths",
		"## Touched paths (allowlist)", // 2
		"",
		"Only these paths may be modified:",
		"",
		"- `source/services/widgetd/`", // 6
		"- `source/libs/widget/**` (new)",
		"- `docs/widget/{api,guide}.md`, `scripts/qemu-test.sh` — **approval zone**",
		"- tools/widget-cli/ (plain path)",
		"- SystemUI integration points (placement decided later)", // 10
		"- `pkg://fixtures/` (a URI, not a path)",
		"",
		"Out-of-allowlist (must not touch in this task):",
		"",
		"- `source/kernel/**`", // 15
		"## Plan",
		"- `source/not/allowlisted/`",
	)
	d := mustParse(t, "TASK-0070.md", src)
	want := []PathItem{
		{Raw: "`source/services/widgetd/`", Pattern: "source/services/widgetd/", Line: 6},
		{Raw: "`source/libs/widget/**` (new)", Pattern: "source/libs/widget/**", Line: 7},
		{Raw: "`docs/widget/{api,guide}.md`, `scripts/qemu-test.sh` — **approval zone**", Pattern: "docs/widget/{api,guide}.md", Line: 8},
		{Raw: "`docs/widget/{api,guide}.md`, `scripts/qemu-test.sh` — **approval zone**", Pattern: "scripts/qemu-test.sh", Line: 8},
		{Raw: "tools/widget-cli/ (plain path)", Pattern: "tools/widget-cli/", Line: 9},
		{Raw: "SystemUI integration points (placement decided later)", Line: 10},
		{Raw: "`pkg://fixtures/` (a URI, not a path)", Line: 11},
		{Raw: "`source/kernel/**`", Pattern: "source/kernel/**", Deny: true, Line: 15},
	}
	if !reflect.DeepEqual(d.Touched, want) {
		t.Errorf("touched:\n got %+v\nwant %+v", d.Touched, want)
	}
}

func TestParseOddInput(t *testing.T) {
	tests := []struct {
		name string
		src  []byte
		err  bool
	}{
		{"empty", nil, false},
		{"only dashes", []byte("---"), false},
		{"crlf", []byte("---\r\ntitle: TASK-0001 x\r\nstatus: Draft\r\n---\r\n## A\r\n"), false},
		{"bom", []byte("\xef\xbb\xbf---\ntitle: TASK-0001 x\n---\n"), false},
		{"invalid utf-8", []byte("---\ntitle: TASK-0001 \xff\xfe\n---\n"), false},
		{"binary", []byte("PK\x03\x04\x00\x00"), true},
		{"no trailing newline", []byte("# TASK-0001: x\n- Status: Draft"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := Parse("TASK-0001.md", tt.src)
			if (err != nil) != tt.err {
				t.Fatalf("err = %v; want error %v", err, tt.err)
			}
			if err == nil && d == nil {
				t.Fatal("nil document without error")
			}
		})
	}
	d := mustParse(t, "x.md", []byte("---\r\ntitle: TASK-0001 x\r\nstatus: Draft\r\n---\r\n"))
	if d.Title != "x" || d.Status.Class != "Draft" {
		t.Errorf("crlf: title %q status %+v", d.Title, d.Status)
	}
	d = mustParse(t, "x.md", []byte("# TASK-0001: x\n- Status: Draft"))
	if d.Status.Raw != "Draft" || d.Status.Line != 2 {
		t.Errorf("no trailing newline: %+v", d.Status)
	}
}
