package scaffold

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/taskproof/taskproof/internal/golden"
	"github.com/taskproof/taskproof/internal/task"
)

func ids(s ...string) []task.ID {
	out := make([]task.ID, len(s))
	for i, x := range s {
		out[i] = task.ID(x)
	}
	return out
}

func TestNextID(t *testing.T) {
	tests := []struct {
		existing []task.ID
		want     task.ID
	}{
		{nil, "TASK-0001"},
		{ids("TASK-0001"), "TASK-0002"},
		{ids("TASK-0003", "TASK-0001", "TASK-0002"), "TASK-0004"},
		{ids("TASK-0009B", "TASK-0002"), "TASK-0010"}, // suffixes count as their number
		{ids("TASK-0099"), "TASK-0100"},
		{ids("TASK-9999"), "TASK-10000"},
		{ids("TASK-0007", "bogus", ""), "TASK-0008"},
	}
	for _, tt := range tests {
		if got := NextID(tt.existing); got != tt.want {
			t.Errorf("NextID(%v) = %s, want %s", tt.existing, got, tt.want)
		}
	}
}

func TestFollowUpID(t *testing.T) {
	tests := []struct {
		base     task.ID
		existing []task.ID
		want     task.ID
	}{
		{"TASK-0003", ids("TASK-0003"), "TASK-0003B"},
		{"TASK-0003", ids("TASK-0003", "TASK-0003B"), "TASK-0003C"},
		{"TASK-0003", ids("TASK-0003", "TASK-0003B", "TASK-0003D", "TASK-0004B"), "TASK-0003E"},
		// A follow-up of a follow-up takes the next letter of the number.
		{"TASK-0003B", ids("TASK-0003", "TASK-0003B"), "TASK-0003C"},
		{"TASK-0003B", ids("TASK-0003B", "TASK-0003C"), "TASK-0003D"},
		// The base need not be in existing (a pure function of its inputs).
		{"TASK-0012", nil, "TASK-0012B"},
		{"TASK-0012C", nil, "TASK-0012D"},
		// A plain A suffix is taken like any other.
		{"TASK-0005", ids("TASK-0005A"), "TASK-0005B"},
	}
	for _, tt := range tests {
		got, err := FollowUpID(tt.base, tt.existing)
		if err != nil || got != tt.want {
			t.Errorf("FollowUpID(%s, %v) = %s, %v; want %s", tt.base, tt.existing, got, err, tt.want)
		}
	}
	if _, err := FollowUpID("TASK-0003", ids("TASK-0003Z")); err == nil || !strings.Contains(err.Error(), "TASK-0003Z") {
		t.Errorf("Z taken: err = %v, want one naming TASK-0003Z", err)
	}
	if _, err := FollowUpID("nonsense", nil); err == nil {
		t.Error("a malformed base gave no error")
	}
}

func TestSlugAndFileName(t *testing.T) {
	tests := []struct{ title, slug string }{
		{"Networking step 2", "networking-step-2"},
		{"  DSoftBus: Noise XK (no_std)!  ", "dsoftbus-noise-xk-no-std"},
		{"Don't panic", "dont-panic"},
		{"Übergröße café naïve", "ubergrosse-cafe-naive"},
		{"日本語", ""},
		{"a---b___c", "a-b-c"},
		{"one two three four five six seven eight nine ten eleven twelve", "one-two-three-four-five-six-seven-eight-nine-ten"},
		{strings.Repeat("x", 80), strings.Repeat("x", 50)},
	}
	for _, tt := range tests {
		got := Slug(tt.title)
		if got != tt.slug {
			t.Errorf("Slug(%q) = %q, want %q", tt.title, got, tt.slug)
		}
		if len(got) > maxSlug {
			t.Errorf("Slug(%q) is %d bytes, over %d", tt.title, len(got), maxSlug)
		}
	}
	if got := FileName("TASK-0007", "Boot the guest"); got != "TASK-0007-boot-the-guest.md" {
		t.Errorf("FileName = %s", got)
	}
	if got := FileName("TASK-0007", "???"); got != "TASK-0007.md" {
		t.Errorf("FileName without slug = %s", got)
	}
}

// The corpus-style template, written here in short (front matter, a links
// list with a comment, TASK-XXXX in the body).
const frontTemplate = `---
title: TASK-XXXX Short title (big step)
status: Draft
owner: @runtime
created: YYYY-MM-DD
links:
  - Vision: docs/VISION.md
  # - RFC: docs/rfcs/RFC-0001.md
---

## Context

- Why TASK-XXXX now?
`

func TestRender(t *testing.T) {
	tests := []struct {
		name     string
		template string
		parent   *Parent
		want     string
	}{
		{"front matter", frontTemplate, nil, `---
title: TASK-0007 Boot the guest
status: Draft
owner: @runtime
created: 2026-03-04
links:
  - Vision: docs/VISION.md
  # - RFC: docs/rfcs/RFC-0001.md
---

## Context

- Why TASK-0007 now?
`},
		{"front matter follow-up", frontTemplate, &Parent{"TASK-0003", "tasks/TASK-0003-net.md"}, `---
title: TASK-0007 Boot the guest
status: Draft
owner: @runtime
created: 2026-03-04
links:
  - Vision: docs/VISION.md
  - Parent task: tasks/TASK-0003-net.md
  # - RFC: docs/rfcs/RFC-0001.md
---

## Context

- Why TASK-0007 now?
`},
		{"missing fields are added", "---\nowner: @me\nstatus: In Progress\n---\nbody\n", nil,
			"---\ntitle: TASK-0007 Boot the guest\nowner: @me\nstatus: Draft\ncreated: 2026-03-04\n---\nbody\n"},
		{"inline links list", "---\ntitle: x\nlinks: [a.md, b.md]\n---\n", &Parent{"TASK-0003", "tasks/TASK-0003.md"},
			"---\ntitle: TASK-0007 Boot the guest\nstatus: Draft\ncreated: 2026-03-04\nlinks:\n  - a.md\n  - b.md\n  - Parent task: tasks/TASK-0003.md\n---\n"},
		{"no links key", "---\ntitle: x\nstatus: Done\ncreated: 2020-01-01\n---\n", &Parent{"TASK-0003", "tasks/TASK-0003.md"},
			"---\ntitle: TASK-0007 Boot the guest\nstatus: Draft\ncreated: 2026-03-04\nlinks:\n  - Parent task: tasks/TASK-0003.md\n---\n"},
		{"header-less form", "# TASK-XXXX: title\n\n- Status: Done\n- Owners: @team\n\n## Goal\n", &Parent{"TASK-0003", "tasks/TASK-0003.md"},
			"# TASK-0007: Boot the guest\n\n- Status: Draft\n- Created: 2026-03-04\n- Owners: @team\n- Parent task: tasks/TASK-0003.md\n\n## Goal\n"},
		{"header-less, no bullets", "# TASK-XXXX: title\n## Goal\n", nil,
			"# TASK-0007: Boot the guest\n\n- Status: Draft\n- Created: 2026-03-04\n\n## Goal\n"},
		{"no header at all", "## Goal\n\n- …\n", nil,
			"---\ntitle: TASK-0007 Boot the guest\nstatus: Draft\ncreated: 2026-03-04\n---\n\n## Goal\n\n- …\n"},
		{"empty template", "", nil,
			"---\ntitle: TASK-0007 Boot the guest\nstatus: Draft\ncreated: 2026-03-04\n---\n"},
		{"CRLF kept", "---\r\ntitle: TASK-XXXX t\r\nstatus: Draft\r\ncreated: YYYY-MM-DD\r\n---\r\n", nil,
			"---\r\ntitle: TASK-0007 Boot the guest\r\nstatus: Draft\r\ncreated: 2026-03-04\r\n---\r\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []byte
			if tt.parent != nil {
				got = RenderFollowUp([]byte(tt.template), "TASK-0007", "Boot the guest", "2026-03-04", *tt.parent)
			} else {
				got = Render([]byte(tt.template), "TASK-0007", "Boot the guest", "2026-03-04")
			}
			if string(got) != tt.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, tt.want)
			}
		})
	}
}

// TestRenderParses checks the rendered documents with the real parser: the
// id, title, Draft status and date are read back, and a follow-up carries a
// parent link to its base.
func TestRenderParses(t *testing.T) {
	for name, tmpl := range map[string][]byte{
		"builtin":     BuiltinTemplate(),
		"front":       []byte(frontTemplate),
		"header-less": []byte("# TASK-XXXX: t\n\n- Status: Done\n\n## Goal\n"),
	} {
		t.Run(name, func(t *testing.T) {
			out := RenderFollowUp(tmpl, "TASK-0003B", "Noise handshake", "2026-03-04", Parent{"TASK-0003", "tasks/TASK-0003-net.md"})
			d, err := task.Parse("tasks/TASK-0003B-noise-handshake.md", out)
			if err != nil {
				t.Fatal(err)
			}
			if d.ID != "TASK-0003B" || d.Title != "Noise handshake" || d.Status.Class != "Draft" || d.Created.Value != "2026-03-04" {
				t.Errorf("parsed id %q title %q status %q created %q\n%s", d.ID, d.Title, d.Status.Class, d.Created.Value, out)
			}
			found := false
			for _, dep := range d.Deps {
				if dep.ID == "TASK-0003" && strings.EqualFold(dep.Label, "Parent task") {
					found = true
				}
			}
			if !found {
				t.Errorf("no Parent task dependency on TASK-0003 in %+v", d.Deps)
			}
			if bytes.Contains(out, []byte("TASK-XXXX")) || bytes.Contains(out, []byte("YYYY-MM-DD")) {
				t.Error("placeholders for id or date left in the output")
			}
		})
	}
}

// TestBuiltinTemplateHeadings pins the built-in template to the section
// layout of the template the product grew from.
func TestBuiltinTemplateHeadings(t *testing.T) {
	want := []string{
		"## Context", "## Goal", "## Non-Goals", "## Constraints / invariants (hard requirements)",
		"## Red flags / decision points (track explicitly)",
		"## Security considerations (optional — mark N/A if not security-relevant)",
		"### Threat model", "### Security invariants (MUST hold)", "### DON'T DO (explicit prohibitions)",
		"### Attack surface impact", "### Mitigations",
		"## Security proof (only for security-relevant tasks — delete if N/A)",
		"### Audit tests (negative cases / attack simulation)", "### Hardening markers (QEMU, if applicable)",
		"### Fuzz coverage (optional, for parsing/protocol code)",
		"## Contract sources (single source of truth)", "## Stop conditions (Definition of Done)",
		"## Touched paths (allowlist)", "## Plan (small PRs)", "## Acceptance criteria (behavioral)",
		"## Evidence (to paste into PR)", "## RFC seeds (for later, when the step is complete)",
	}
	var got []string
	for _, l := range strings.Split(string(BuiltinTemplate()), "\n") {
		if strings.HasPrefix(l, "#") {
			got = append(got, l)
		}
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("headings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestRenderBuiltinGolden(t *testing.T) {
	got := Render(BuiltinTemplate(), "TASK-0001", "Boot the guest", "2026-03-04")
	golden.Check(t, filepath.Join("testdata", "builtin-rendered.md.golden"), got)
}

func FuzzRender(f *testing.F) {
	f.Add([]byte(frontTemplate), "Title")
	f.Add(BuiltinTemplate(), "Ünïcode: title")
	f.Add([]byte("# TASK-XXXX: t\n- Status: x\n  more\n"), "t")
	f.Add([]byte("---\nlinks: [\n---"), "")
	f.Add([]byte("---\n"), "x")
	f.Fuzz(func(t *testing.T, tmpl []byte, title string) {
		out := RenderFollowUp(tmpl, "TASK-0002B", title, "2026-01-02", Parent{"TASK-0002", "tasks/TASK-0002.md"})
		if bytes.Contains(out, []byte(placeholderID)) && !strings.Contains(title, "XXX") {
			t.Fatalf("TASK-XXXX left in output:\n%s", out)
		}
		if !bytes.Contains(out, []byte("Parent task: tasks/TASK-0002.md")) {
			t.Fatalf("no parent link:\n%s", out)
		}
		if !bytes.Contains(out, []byte("2026-01-02")) {
			t.Fatalf("no date:\n%s", out)
		}
	})
}
