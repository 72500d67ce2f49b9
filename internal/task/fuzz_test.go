package task

import (
	"fmt"
	"strings"
	"testing"
)

var fuzzSeeds = []string{
	"",
	"---\n",
	"---\n---\n",
	"---\ntitle: TASK-0001 a: b\nstatus: Done ✅ (x)\nowner: @team\n---\n## A\n",
	"---\ndepends-on: [TASK-0001, TASK-0002B] # c\nlinks:\n  - **RFC**: docs/a.md\n  # x\n  - Label: tasks/TASK-0003-x.md\n---\n",
	"# TASK-0301: t\n\n- Status: Done\n- Owners: @x\n  more\n\n## Goal / stop condition\n",
	"## Stop conditions (Definition of Done)\n- **Proof (QEMU)**:\n  - Command(s):\n    - `RUN_UNTIL_MARKER=1 ./scripts/qemu-test.sh`\n  - Required markers:\n    - `SELFTEST: x ok`\n",
	"## Touched paths (allowlist)\n- `a/**`\n- prose\nOut-of-allowlist:\n- `b/`\n",
	"## Security considerations\n<!--\n-->\n- N/A\n## Security proof\n- Required tests:\n  - `test_reject_*`\n",
	"gated on `TASK-0001` and `TASK-0002`; TASK\u20110005/0006; TASK-0054B/C\n",
	"```\n# x\n```\n~~~~\n```\n",
	"`unterminated ``` span ` `` x",
	"[a](b) [c](<d> \"e\") ![i](j.png) [[x]](y",
	"TASK-0001/",
	"- requires TASK-",
	"\r\n---\r\n\xef\xbb\xbf\xff",
}

// checkDocument asserts the invariants every parse result must hold.
func checkDocument(t *testing.T, src []byte, d *Document) {
	lines := strings.Count(string(src), "\n") + 1
	inRange := func(what string, n int) {
		if n < 0 || n > lines {
			t.Fatalf("%s line %d outside 0..%d", what, n, lines)
		}
	}
	inRange("id", d.IDLine)
	inRange("status", d.Status.Line)
	for _, s := range d.Sections {
		inRange("section", s.Line)
		if s.EndLine < s.Line || s.Level < 1 || s.Level > 6 {
			t.Fatalf("bad section %+v", s)
		}
	}
	for _, x := range d.Deps {
		inRange("dep", x.Line)
		if _, ok := ParseID(string(x.ID)); !ok {
			t.Fatalf("dependency on malformed id %q", x.ID)
		}
	}
	for _, x := range d.Links {
		inRange("link", x.Line)
	}
	for _, x := range d.Proofs {
		inRange("proof", x.Line)
	}
	for _, x := range d.Touched {
		inRange("touched", x.Line)
	}
	if d.ID != "" {
		if _, ok := ParseID(string(d.ID)); !ok {
			t.Fatalf("malformed id %q", d.ID)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		src := []byte(s)
		d, err := Parse("TASK-0001-fuzz.md", src)
		if err != nil {
			if d != nil {
				t.Fatal("document and error")
			}
			return
		}
		checkDocument(t, src, d)
	})
}

func FuzzParseFrontMatter(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		lines := splitLines([]byte(s))
		for _, fl := range parseFrontMatter(lines) {
			if fl.Key == "" || fl.Key != strings.ToLower(fl.Key) {
				t.Fatalf("bad key %q", fl.Key)
			}
			if fl.Line < 1 || fl.Line > len(lines) {
				t.Fatalf("line %d outside 1..%d", fl.Line, len(lines))
			}
			for _, it := range fl.Items {
				if it.Line < fl.Line || it.Line > len(lines) {
					t.Fatalf("item line %d, field line %d", it.Line, fl.Line)
				}
			}
		}
	})
}

func FuzzFindIDs(f *testing.F) {
	for _, s := range []string{"TASK-0001", "TASK-0146/0147", "TASK\u20110005", "TASK-0054B/C/D", "TASK-0003/3B", "xTASK-1234"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		prev := -1
		for _, r := range FindIDs(s) {
			if r.Offset <= prev || r.Offset >= len(s) {
				t.Fatalf("offset %d after %d in %q", r.Offset, prev, s)
			}
			prev = r.Offset
			if id, ok := ParseID(string(r.ID)); !ok || id != r.ID {
				t.Fatalf("FindIDs returned non-canonical %q", r.ID)
			}
		}
		if id, ok := ParseID(s); ok {
			if back, ok2 := ParseID(string(id)); !ok2 || back != id {
				t.Fatalf("ParseID(%q) = %q does not round-trip", s, id)
			}
		}
	})
}

// genTask writes a synthetic task in the shapes the parser meets.
func genTask(i int) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "---\ntitle: TASK-%04d Generated task %d: a title with a colon\nstatus: Draft\nowner: @team\ncreated: 2026-01-01\n", i, i)
	fmt.Fprintf(&b, "depends-on:\n  - TASK-%04d\nfollow-up-tasks: [TASK-%04d]\nlinks:\n  - Vision: docs/vision.md\n  - Depends-on (base): tasks/TASK-%04d-x.md\n---\n\n", i/2, i+1, i/3)
	b.WriteString("## Context\n\n- Why: persistence is gated on `TASK-0009`.\n- See [the guide](docs/guide.md).\n\n")
	b.WriteString("## Security considerations\n\n### Threat model\n- N/A\n\n")
	b.WriteString("## Stop conditions (Definition of Done)\n\n- **Proof (QEMU)**:\n  - Command(s):\n    - `RUN_UNTIL_MARKER=1 ./scripts/qemu-test.sh`\n  - Required markers:\n    - `SELFTEST: gen ok`\n")
	b.WriteString("- **Proof (tests)**:\n  - Command(s):\n    - `cargo test -p gen`\n  - Required tests:\n    - `test_gen_roundtrip`\n\n```sh\njust check\n```\n\n")
	b.WriteString("## Touched paths (allowlist)\n\n- `source/gen/**`\n- `docs/{a,b}.md`\n\n## Plan\n\n1. Do it.\n")
	return []byte(b.String())
}

func BenchmarkParseCorpus(b *testing.B) {
	names, srcs := corpusFiles(b)
	var bytes int64
	for _, s := range srcs {
		bytes += int64(len(s))
	}
	b.SetBytes(bytes)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		for i, n := range names {
			if _, err := Parse(n, srcs[i]); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func BenchmarkParseGenerated(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		srcs := make([][]byte, n)
		names := make([]string, n)
		for i := range srcs {
			srcs[i] = genTask(i + 1)
			names[i] = fmt.Sprintf("tasks/TASK-%04d-gen.md", i+1)
		}
		b.Run(fmt.Sprintf("tasks=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				for i := range srcs {
					if _, err := Parse(names[i], srcs[i]); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}

func TestGeneratedTaskParses(t *testing.T) {
	d := mustParse(t, "tasks/TASK-0012-gen.md", genTask(12))
	if d.ID != "TASK-0012" || d.Status.Class != "Draft" || len(d.Proofs) != 3 || len(d.Markers) != 1 ||
		len(d.Tests) != 1 || len(d.Touched) != 2 || d.Security.Relevant {
		t.Errorf("generated task parsed as %+v", d)
	}
	want := []ID{"TASK-0006", "TASK-0013", "TASK-0004", "TASK-0009"}
	if len(d.Deps) != len(want) {
		t.Fatalf("deps %+v", d.Deps)
	}
	for i, x := range d.Deps {
		if x.ID != want[i] {
			t.Errorf("dep %d = %s; want %s", i, x.ID, want[i])
		}
	}
}
