package task

import (
	"strings"
	"testing"
)

// headerSeeds are the header forms of header_test.go in their noisiest
// shapes; testdata/fuzz/FuzzHeader holds them as a committed corpus too.
var headerSeeds = []string{
	"<!-- a -->\n<!-- b\n c -->\n\n# TASK-0001: T\n\nStatus: Complete ✅\nOwners: @x\n  @y\n",
	"# TASK-0001: T\nStatus — Done\n**Owner** – @k\n- Status - Draft\n",
	"# TASK-0001: T\n\n> **Status:** Done\n>\n> Owner: @x\n",
	"# TASK-0001: T\n\n| Field | Value |\n|---|---|\n| **Status** | ✅ Done |\n| Owner |\n",
	"# TASK-0001: T\n| Status | Owner | Created |\n|:-|-:|:-:|\n| Done | @y |\n",
	"## TASK-0001: T\n- Status: Done\n",
	"TASK-0001: T\n=====\n\nStatus: Done\n",
	"TASK-0001: T\n---\n- Status: Draft\n",
	"+++\ntitle = \"TASK-0001 T\"\nstatus = \"Done\" # x\ndeps = [\n \"TASK-0002\", # y\n \"TASK-0003B\"]\n[t]\n+++\n",
	"+++\ndeps = [\n\"a\"\n",
	"---\nstatus: >-\n  In\n  Progress\n...\n",
	"---\nstatus: |\n---\n",
	"\ufeff<!---->\n---\nStatus: [Done](x.md)\n---\n",
	"# TASK-0001: T\n<!-- Status: Draft -->\nStatus: Done\n",
	"# TASK-1: T\n- Owner: @x\n<!-- a\n b -->\n\n-\tStatus:\t~~Draft~~ Done <!-- c -->\n\n- Goal: x\n",
	"# TASK-0001: T\r\n> Status: Done\r\n> <!-- c\r\n",
	"|\n|-|\n",
	"# T\n|a|\n|-|\n",
	">",
	"=\n=",
}

// FuzzHeader: every header form, however broken, yields lower-case keys,
// fields on lines of the file, and a status line whenever a status was
// read.
func FuzzHeader(f *testing.F) {
	for _, s := range headerSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := Parse("TASK-0001-fuzz.md", []byte(s))
		if err != nil {
			return
		}
		checkDocument(t, []byte(s), d)
		n := strings.Count(s, "\n") + 1
		for _, fl := range d.Fields {
			if fl.Key == "" || fl.Key != strings.ToLower(fl.Key) || fl.Line < 1 || fl.Line > n {
				t.Fatalf("bad field %+v", fl)
			}
		}
		if d.Status.Raw != "" && d.Status.Line < 1 {
			t.Fatalf("status %q without a line", d.Status.Raw)
		}
		for _, fl := range parseTOMLFrontMatter(splitLines([]byte(s))) {
			if fl.Key != strings.ToLower(fl.Key) {
				t.Fatalf("toml key %q", fl.Key)
			}
		}
	})
}

// FuzzProseDeps: a prose dependency phrase is either this task's
// (kind prose, no About) or a mention about another, named task; never
// about this task itself.
func FuzzProseDeps(f *testing.F) {
	for _, s := range []string{
		"This is gated on `TASK-0009`.",
		"- Search is tracked as `TASK-0153` (host) and `TASK-0154` (OS wiring; persistence gated on `TASK-0009`).",
		"tracked as `TASK-0158` (persistence gated on `TASK-0009`, consent gated on `TASK-0103`)",
		"`TASK-0152` (OS router; perf gates gated on `TASK-0143/0144`)",
		"TASK-0045 is blocked by TASK-0010.",
		"See TASK-0152. This task depends on TASK-0010.",
		"Like TASK-0152, e.g. the router, it requires TASK-0010.",
		"TASK-0160 (OS wiring; follow-up in TASK-0161)",
		"requires TASK‑0005 / TASK‑0024 (U+2011); blocked on TASK-0054B/C",
		"((gated on TASK-0001", "TASK-0002 (depends on TASK-0045)",
		"Keys v1.1, see TASK-0100. It depends on TASK-0101. It requires TASK-0102.", ". It requires TASK-0001",
		"Gated on `TASK-0009` (needed by `TASK-0154`).", "Requires TASK-0009, which TASK-0152 needs; TASK-0153's too.",
		"depends on TASK-0010/0011 for TASK-12's", "requires TASK-0001) for TASK-0002 (", "gated on TASK-0001 for",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		src := []byte("---\nstatus: Draft\n---\n# TASK-0045: T\n\n" + s + "\n")
		d, err := Parse("tasks/TASK-0045-x.md", src)
		if err != nil {
			return
		}
		checkDocument(t, src, d)
		for _, x := range d.Deps {
			switch x.Kind {
			case DepMention:
				if x.About == "" || x.About == d.ID {
					t.Fatalf("mention %+v about %q", x, x.About)
				}
				if _, ok := ParseID(string(x.About)); !ok {
					t.Fatalf("mention about malformed id %q", x.About)
				}
			default:
				if x.About != "" {
					t.Fatalf("%s dependency with About %q", x.Kind, x.About)
				}
			}
			if x.ID == d.ID && x.Kind != DepMention {
				t.Fatalf("self dependency %+v", x)
			}
		}
	})
}
