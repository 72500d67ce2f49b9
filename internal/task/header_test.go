package task

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestHeaderVariants pins each way a header is written in the wild: the
// comment forms before it, the key/value separators, quoted and tabular
// headers, Setext and level-2 titles, TOML and YAML front matter, and
// statuses decorated with emoji, bold, code and links.
func TestHeaderVariants(t *testing.T) {
	for _, tt := range []struct {
		name, src string
		raw       string
		class     StatusClass
		line      int
		owner     string
	}{
		// Comment forms before the header.
		{"one-line comment", "<!-- generated -->\n# TASK-0001: T\n- Status: Done\n", "Done", "Done", 3, ""},
		{"three-dash comment", "<!--- note --->\n# TASK-0001 — T\n_Status_: Done\n", "Done", "Done", 3, ""},
		{"comment spanning lines with blank lines", "<!--\n\nCopyright\n\n-->\n\n\n# TASK-0001: T\n\nStatus: Done\n", "Done", "Done", 10, ""},
		{"two comments then front matter", "<!-- a -->\n<!-- b\n c -->\n---\nstatus: Draft\n---\n", "Draft", "Draft", 5, ""},
		{"comment between title and header", "# TASK-0001: T\n<!-- Status: Draft -->\nStatus: Done\n", "Done", "Done", 3, ""},
		{"status inside a comment only", "# TASK-0001: T\n<!-- Status: Done -->\n", "", "", 0, ""},
		// Separators and emphasis.
		{"bold key colon inside", "# TASK-0001: T\n**Status:** Done\n", "Done", "Done", 2, ""},
		{"bold key colon outside", "# TASK-0001: T\n**Status**: In Progress\n", "In Progress", "In Progress", 2, ""},
		{"em dash", "# TASK-0001: T\nStatus — Done\nOwner — @kernel\n", "Done", "Done", 2, "@kernel"},
		{"en dash bullet", "# TASK-0001: T\n- Status – Blocked\n", "Blocked", "Blocked", 2, ""},
		{"hyphen bold", "# TASK-0001: T\n\n* **Status** - Draft\n", "Draft", "Draft", 3, ""},
		{"bold key without separator", "# TASK-0001: T\n\n**Status** Done\n**Owner** @x\n", "Done", "Done", 3, "@x"},
		{"bold key bullet without separator", "# TASK-0001: T\n- __Status__ In Progress\n", "In Progress", "In Progress", 2, ""},
		{"bold key then prose", "# TASK-0001: T\n**Status** is read from the header\n", "", "", 0, ""},
		{"bold other word is not a key", "# TASK-0001: T\n**Summary** Done soon\n", "", "", 0, ""},
		{"dash after another word is prose", "# TASK-0001: T\nSummary — Done soon\n", "", "", 0, ""},
		{"state key", "# TASK-0001: T\nState: Done\n", "Done", "Done", 2, ""},
		{"trailing hard breaks", "# TASK-0001: T\n\n**Status:** Done  \n**Owner:** @x  \n", "Done", "Done", 3, "@x"},
		{"other keys first", "# TASK-0001: T\n\nDate: 2026-01-01\nStatus: Done\n", "Done", "Done", 4, ""},
		// Quoted and tabular headers.
		{"block quote", "# TASK-0001: T\n\n> **Status:** Done\n> Owner: @x\n\nBody: text\n", "Done", "Done", 3, "@x"},
		{"key/value table", "# TASK-0001: T\n\n| Field | Value |\n|---|---|\n| **Status** | ✅ Done |\n| Owner | @x |\n", "✅ Done", "Done", 5, "@x"},
		{"key/value table without header words", "# TASK-0001: T\n| Status | In Review |\n|:--|:--|\n| Owner | @x |\n", "In Review", "In Review", 2, "@x"},
		{"row of keys over values", "# TASK-0001: T\n\n| Status | Owner | Created |\n|---|---|---|\n| Done | @y | 2026-02-01 |\n", "Done", "Done", 5, "@y"},
		{"table without delimiter is body", "# TASK-0001: T\n| Status | Done |\n", "", "", 0, ""},
		// Title forms.
		{"level-2 title with id", "## TASK-0001: T\n- Status: Done\n", "Done", "Done", 2, ""},
		{"level-2 title without id", "## Notes\n- Status: Done\n", "", "", 0, ""},
		{"setext title", "TASK-0001: T\n=====\n\nStatus: Done\n", "Done", "Done", 4, ""},
		{"setext level 2 with id", "TASK-0001: T\n---\n- Status: Draft\n", "Draft", "Draft", 3, ""},
		// Front matter variants.
		{"capitalised key", "---\nStatus: Done\n---\n", "Done", "Done", 2, ""},
		{"quoted value", "---\nstatus: \"Done\"\n---\n", "Done", "Done", 2, ""},
		{"folded scalar", "---\nstatus: >-\n  In Progress\n---\n", "In Progress", "In Progress", 2, ""},
		{"literal scalar", "---\nstatus: |\n  Done\n---\n", "Done", "Done", 2, ""},
		{"dots close", "---\nstatus: Done\n...\n", "Done", "Done", 2, ""},
		{"byte order mark", "\ufeff---\nstatus: Done\n---\n", "Done", "Done", 2, ""},
		{"toml front matter", "+++\ntitle = \"TASK-0001 T\"\n# comment\nstatus = \"Done\" # shipped\nowner = '@x'\n[extra]\nk = 1\n+++\n", "Done", "Done", 4, "@x"},
		{"unclosed toml is body", "+++\nstatus = \"Done\"\n", "", "", 0, ""},
		// Decorated statuses.
		{"emoji after bold key", "# TASK-0001: T\n- **Status:** ✅ Done\n", "✅ Done", "Done", 2, ""},
		{"linked status", "# TASK-0001: T\n- **Status**: [Done](evidence/x.md)\n", "[Done](evidence/x.md)", "Done", 2, ""},
		{"bold status", "# TASK-0001: T\n\nStatus: **Done**\n", "**Done**", "Done", 3, ""},
		{"code status", "# TASK-0001: T\n\n- Status: `In Progress`\n", "`In Progress`", "In Progress", 3, ""},
		{"struck-through old status", "# TASK-0001: T\n\nStatus: ~~Draft~~ Done\n", "~~Draft~~ Done", "Done", 3, ""},
		{"trailing comment in the value", "# TASK-0001: T\n\nStatus: Done <!-- since v2 -->\n", "Done", "Done", 3, ""},
		// Comments, blank lines and tabs inside the header.
		{"comment between bullets", "# TASK-0001: T\n- Owner: @x\n<!-- b -->\n- Status: Done\n", "Done", "Done", 4, "@x"},
		{"multi-line comment between lines", "# TASK-0001: T\nOwner: @x\n<!--\n  reviewed\n-->\nStatus: In Review\n", "In Review", "In Review", 6, "@x"},
		{"comment inside a quoted header", "# TASK-0001: T\n\n> Status: Done\n> <!-- c -->\n> Owner: @x\n", "Done", "Done", 3, "@x"},
		{"blank line between header fields", "# TASK-0001: T\n- Owner: @x\n\n- Status: Done\n", "Done", "Done", 4, "@x"},
		{"blank line then body bullet", "# TASK-0001: T\n- Status: Draft\n\n- Goal: ship\n- Owner: @x\n", "Draft", "Draft", 2, ""},
		{"tab after bullet and key", "# TASK-0001: T\n\n-\tStatus:\tDone\n", "Done", "Done", 3, ""},
		{"crlf line endings", "# TASK-0001: T\r\n\r\n- Status: Done\r\n- Owner: @x\r\n", "Done", "Done", 3, "@x"},
		{"front matter without a status, then bullets", "---\ntitle: TASK-0001 T\nowner: @x\n---\n\n# TASK-0001: T\n\n- Status: In Review\n- Depends-on: TASK-0002\n", "In Review", "In Review", 8, "@x"},
		{"front matter status wins over bullets", "---\nstatus: Draft\n---\n# TASK-0001: T\n- Status: Done\n", "Draft", "Draft", 2, ""},
		{"unpadded id in the title", "# TASK-1: T\n\nStatus: Done\n", "Done", "Done", 3, ""},
		{"emoji with variation selector", "---\nstatus: \"✔️ Complete (2026-02-01)\"\n---\n", "✔️ Complete (2026-02-01)", "Done", 2, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			d := mustParse(t, "TASK-0001-x.md", []byte(tt.src))
			if d.Status.Raw != tt.raw || d.Status.Class != tt.class || d.Status.Line != tt.line {
				t.Errorf("status %q (%q) line %d, want %q (%q) line %d", d.Status.Raw, d.Status.Class, d.Status.Line, tt.raw, tt.class, tt.line)
			}
			if d.Owner.Value != tt.owner {
				t.Errorf("owner %q, want %q", d.Owner.Value, tt.owner)
			}
			if d.ID != "TASK-0001" {
				t.Errorf("id %q", d.ID)
			}
		})
	}
}

// TestSetextTitle: a Setext title gives the id and title like an ATX one.
func TestSetextTitle(t *testing.T) {
	d := mustParse(t, "notes.md", []byte("TASK-0042: Widget export\n=====\n\nStatus: Draft\n"))
	if d.ID != "TASK-0042" || d.IDLine != 1 || d.Title != "Widget export" {
		t.Errorf("id %q line %d title %q", d.ID, d.IDLine, d.Title)
	}
}

// TestHeaderFixtures parses the noisy header fixtures under
// testdata/headers, one per header form.
func TestHeaderFixtures(t *testing.T) {
	for _, tt := range []struct {
		file  string
		id    ID
		class StatusClass
		line  int
		owner string
		deps  []ID // header dependencies (depends-on, links)
	}{
		{"TASK-0310-licence-plain.md", "TASK-0310", "Done", 9, "@kernel-team, @tools", []ID{"TASK-0309"}},
		{"TASK-0311-quoted-dash.md", "TASK-0311", "In Progress", 4, "@net (co-owned with @qa until the retry ladder is proven)", nil},
		{"TASK-0312-toml.md", "TASK-0312", "In Review", 4, "@storage", []ID{"TASK-0300", "TASK-0301B"}},
		{"TASK-0313-table.md", "TASK-0313", "Done", 5, "@display", nil},
		{"TASK-0314-comments-tabs.md", "TASK-0314", "Done", 10, "@storage", []ID{"TASK-0300"}},
	} {
		t.Run(tt.file, func(t *testing.T) {
			src, err := os.ReadFile(filepath.Join("testdata", "headers", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			d := mustParse(t, "tasks/"+tt.file, src)
			if d.ID != tt.id || d.Status.Class != tt.class || d.Status.Line != tt.line || d.Owner.Value != tt.owner {
				t.Errorf("id %s status %q (%s) line %d owner %q; want %s %s line %d owner %q",
					d.ID, d.Status.Raw, d.Status.Class, d.Status.Line, d.Owner.Value, tt.id, tt.class, tt.line, tt.owner)
			}
			var deps []ID
			for _, x := range d.Deps {
				if x.Kind == DepDependsOn || x.Kind == DepLink {
					deps = append(deps, x.ID)
				}
			}
			if !slices.Equal(deps, tt.deps) {
				t.Errorf("header deps %v, want %v", deps, tt.deps)
			}
		})
	}
}

// TestProseSubjectFixture: in testdata/prose, only the sentences about
// TASK-0070 itself give blocking prose edges; the others are mentions
// about the task each sentence names.
func TestProseSubjectFixture(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("testdata", "prose", "TASK-0070-platform-tracks.md"))
	if err != nil {
		t.Fatal(err)
	}
	d := mustParse(t, "tasks/TASK-0070-platform-tracks.md", src)
	type dep struct {
		ID    ID
		Kind  DepKind
		About ID
		Line  int
	}
	var got []dep
	for _, x := range d.Deps {
		got = append(got, dep{x.ID, x.Kind, x.About, x.Line})
	}
	want := []dep{
		{"TASK-0012", DepProse, "", 9},
		{"TASK-0013", DepProse, "", 9},
		{"TASK-0009", DepMention, "TASK-0081", 13},
		{"TASK-0030", DepMention, "TASK-0081", 13},
		{"TASK-0091", DepMention, "TASK-0090", 14},
		{"TASK-0092", DepMention, "TASK-0090", 14},
		{"TASK-0101", DepMention, "TASK-0100", 15},
		{"TASK-0111", DepMention, "TASK-0110", 16},
		{"TASK-0014", DepProse, "", 17},
		{"TASK-0009", DepMention, "TASK-0120", 18},
		{"TASK-0009", DepMention, "TASK-0121", 19},
		{"TASK-0015", DepMention, "TASK-0122", 20},
		{"TASK-0016", DepProse, "", 21},
	}
	if !slices.Equal(got, want) {
		t.Errorf("deps\n%+v\nwant\n%+v", got, want)
	}
}

// TestFrontMatterThenBullets: a file half-way through a migration has
// front matter without a status and the old "- Status:" bullets after the
// title; the status comes from the bullets and their links and
// dependencies are still read.
func TestFrontMatterThenBullets(t *testing.T) {
	d := mustParse(t, "TASK-0001-x.md", []byte("---\ntitle: TASK-0001 T\n---\n# TASK-0001: T\n\n- Status: Done\n- Depends-on: TASK-0002\n- RFC: docs/rfc.md\n\n## Context\n"))
	if d.Status.Raw != "Done" || d.Status.Line != 6 || !d.HasFrontMatter {
		t.Errorf("status %q line %d front %v", d.Status.Raw, d.Status.Line, d.HasFrontMatter)
	}
	if len(d.Deps) != 1 || d.Deps[0].ID != "TASK-0002" || d.Deps[0].Line != 7 {
		t.Errorf("deps %+v, want TASK-0002 at line 7", d.Deps)
	}
	if len(d.Links) != 1 || d.Links[0].Target != "docs/rfc.md" || d.Links[0].Line != 8 {
		t.Errorf("links %+v", d.Links)
	}
}
