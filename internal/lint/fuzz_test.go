package lint

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"

	"github.com/taskproof/taskproof/internal/task"
)

// FuzzCheck feeds arbitrary documents through the parser, every rule and
// every renderer: nothing may panic, every finding points at a line >= 1
// and the JSON and SARIF outputs stay valid JSON.
func FuzzCheck(f *testing.F) {
	paths, _ := filepath.Glob(filepath.Join("testdata", "repo", "tasks", "*.md"))
	for _, p := range paths {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(filepath.Base(p), b)
		}
	}
	f.Add("TASK-0001-x.md", []byte("---\nstatus: \xff\n---\n# TASK-0001: \n## Stop conditions\n```\n- …\n"))
	f.Add("TASK-0002.md", []byte("<!-- <crate>\n- Status: done\n## Security proof\n- `test_reject_x`"))
	f.Fuzz(func(t *testing.T, name string, src []byte) {
		d, err := task.Parse("tasks/"+name, src)
		if err != nil {
			return
		}
		env := Env{
			PathExists:     func(string) bool { return false },
			DeclaredMarker: func(string) bool { return false },
			CanonicalProof: []string{"cargo test *"},
			Source:         func(string) []byte { return src },
		}
		ds := Check([]*task.Document{d, d}, env)
		for _, x := range ds {
			if x.Line < 1 || x.Column < 0 || x.Rule == "" || x.Severity == "" {
				t.Fatalf("malformed diagnostic %+v", x)
			}
		}
		if err := WriteText(io.Discard, ds); err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := WriteJSON(&b, 1, ds); err != nil || !json.Valid(b.Bytes()) {
			t.Fatalf("bad JSON: %v", err)
		}
		b.Reset()
		if err := WriteSARIF(&b, Tool{Version: "fuzz"}, ds); err != nil || !json.Valid(b.Bytes()) {
			t.Fatalf("bad SARIF: %v", err)
		}
	})
}

// FuzzVaryingAndLinks checks that the small text classifiers never panic
// and that a reported varying value is part of the marker.
func FuzzVaryingAndLinks(f *testing.F) {
	for _, s := range []string{"boot at 12:03:44", "0xdeadbeef", "docs/x.md#a", "12ms", "…", "a:1:2", "\xff:9"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if _, v, ok := varyingValue(s); ok && !bytes.Contains([]byte(s), []byte(v)) {
			t.Fatalf("value %q not in %q", v, s)
		}
		if p, ok := linkPath(s); ok && p == "" {
			t.Fatalf("empty path accepted for %q", s)
		}
		findPlaceholders(splitLines([]byte(s)))
	})
}

// FuzzLinkPath: a target taken as a path names something (holds a
// letter) and holds nothing a path in a task document does not: quotes,
// parentheses, commas, backticks, spaces.
func FuzzLinkPath(f *testing.F) {
	for _, s := range []string{
		"`10.0.2.15/24`", "`statefs.put(\"/state/x\", ...)`", "`.nxs`/`updated`", "`docs/a-b_c.md`",
		"`./scripts/run.sh`", "src/main.rs:42", "../README.md#x", "`1.2.3`", "<docs/x.md>", "a,b/c.md",
		"`state:/prefs/device.nxs`", "tasks/TASK-64", "C:/x.md",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, ok := linkPath(s)
		if !ok {
			return
		}
		if p == "" || strings.ContainsAny(p, "`\"'(),; \t") || strings.IndexFunc(p, unicode.IsLetter) < 0 {
			t.Fatalf("linkPath(%q) = %q accepted", s, p)
		}
	})
}
