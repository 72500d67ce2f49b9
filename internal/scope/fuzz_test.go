package scope

import (
	"bytes"
	"testing"
)

// FuzzNameStatus: any input either parses into changes with non-empty
// paths and known statuses, or is an error; it never panics, and
// re-encoding a parse reproduces an equivalent parse.
func FuzzNameStatus(f *testing.F) {
	for _, s := range []string{
		"",
		"M\x00a.rs\x00",
		"R100\x00old\x00new\x00D\x00gone\x00",
		"A\x00with space.txt\x00C075\x00x\x00y\x00T\x00l\x00U\x00u\x00",
		"M\x00",
		"R050\x00only-one\x00",
		"Z\x00x\x00",
		"M\x00a\x00M\x00b",
		"\x00\x00\x00",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		cs, err := ParseNameStatus(data)
		if err != nil {
			return
		}
		var enc bytes.Buffer
		for _, c := range cs {
			if c.Path == "" {
				t.Fatalf("empty path in %+v", c)
			}
			switch c.Status {
			case StatusRenamed, StatusCopied:
				if c.OldPath == "" {
					t.Fatalf("rename/copy without old path: %+v", c)
				}
				enc.WriteString(c.Status + itoa3(c.Score) + "\x00" + c.OldPath + "\x00" + c.Path + "\x00")
			case StatusAdded, StatusDeleted, StatusModified, StatusType, StatusUnmerged, StatusUnknown, StatusBroken:
				if c.OldPath != "" {
					t.Fatalf("old path on %+v", c)
				}
				st := c.Status
				if c.Score != 0 {
					st += itoa3(c.Score)
				}
				enc.WriteString(st + "\x00" + c.Path + "\x00")
			default:
				t.Fatalf("unknown status %q", c.Status)
			}
		}
		again, err := ParseNameStatus(enc.Bytes())
		if err != nil || len(again) != len(cs) {
			t.Fatalf("re-parse of %q: %v (%d vs %d changes)", enc.Bytes(), err, len(again), len(cs))
		}
		for i := range cs {
			if again[i] != cs[i] {
				t.Fatalf("re-parse differs: %+v vs %+v", again[i], cs[i])
			}
		}
	})
}

func itoa3(n int) string {
	return string([]byte{byte('0' + n/100), byte('0' + n/10%10), byte('0' + n%10)})
}

// FuzzUnifiedDiff: any input either parses or is an error; never panics.
// A parse is consistent: hunks hold exactly the lines their header
// declares, and new-file line numbers of added and context lines increase
// by one from the header's start. The hygiene rules run on any parse
// without panicking.
func FuzzUnifiedDiff(f *testing.F) {
	f.Add([]byte(sampleDiff))
	for _, s := range []string{
		"",
		"diff --git a/x b/x\n@@ -1 +1 @@\n-a\n+b\n",
		"diff --git a/x b/x\n@@ -0,0 +1,2 @@\n+unsafe { x() }\n+y.unwrap();\n",
		"diff --git a/x b/x\n@@ -1,2 +1,2 @@ fn a_stub() {\n \n+\"ok\"\n-\n",
		"diff --git \"a/\\303\" \"b/\\303\"\n--- \"a/\\303\"\n+++ \"b/\\303\"\n",
		"@@ -1 +1 @@\n",
		"diff --git a/x b/x\n@@ -1,3 +1 @@\n-a\n",
		"diff --git a/x b/x\nBinary files a/x and b/x differ\n",
		"diff --git a/src/s.rs b/src/s.rs\n@@ -1,0 +1,3 @@\n+#[cfg(test)]\n+mod tests {\n+ fn t() { a.unwrap() }\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		files, err := ParseUnifiedDiff(data)
		if err != nil {
			return
		}
		for _, fd := range files {
			for _, h := range fd.Hunks {
				var old, nw int
				next := h.NewStart
				for _, l := range h.Lines {
					switch l.Kind {
					case Added:
						nw++
					case Removed:
						old++
					case Context:
						old++
						nw++
					default:
						t.Fatalf("line kind %q", l.Kind)
					}
					if l.Kind != Removed {
						if l.NewLine != next {
							t.Fatalf("new line %d, want %d in %+v", l.NewLine, next, h)
						}
						next++
					}
				}
				if old != h.OldLines || nw != h.NewLines {
					t.Fatalf("hunk declares -%d +%d, holds -%d +%d", h.OldLines, h.NewLines, old, nw)
				}
			}
		}
		fs, _ := Hygiene(files, testOptions)
		for _, x := range fs {
			if x.Line <= 0 || x.File == "" {
				t.Fatalf("finding without position: %+v", x)
			}
		}
	})
}
