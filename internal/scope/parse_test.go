package scope

import (
	"reflect"
	"strconv"
	"strings"
	"testing"
)

func TestParseNameStatus(t *testing.T) {
	in := "M\x00src/a.rs\x00R087\x00old name.rs\x00new name.rs\x00D\x00gone.txt\x00A\x00add.md\x00C100\x00x.rs\x00y.rs\x00T\x00link\x00"
	got, err := ParseNameStatus([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []Change{
		{Path: "src/a.rs", Status: "M"},
		{Path: "new name.rs", OldPath: "old name.rs", Status: "R", Score: 87},
		{Path: "gone.txt", Status: "D"},
		{Path: "add.md", Status: "A"},
		{Path: "y.rs", OldPath: "x.rs", Status: "C", Score: 100},
		{Path: "link", Status: "T"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
	if cs, err := ParseNameStatus(nil); err != nil || len(cs) != 0 {
		t.Errorf("empty input: %v %v", cs, err)
	}
}

func TestParseNameStatusErrors(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"M\x00", "without its path"},
		{"R100\x00a\x00", "without its path"},
		{"Q\x00a\x00", "unknown status"},
		{"Rxx\x00a\x00b\x00", "bad status"},
		{"R101\x00a\x00b\x00", "bad status"},
		{"A050\x00a\x00", "takes no score"},
		{"\x00a\x00", "empty status"},
		{"M\x00\x00", "empty path"},
	} {
		_, err := ParseNameStatus([]byte(tc.in))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ParseNameStatus(%q) = %v; want error with %q", tc.in, err, tc.want)
		}
	}
}

func TestParseNULList(t *testing.T) {
	got := ParseNULList([]byte("a b.txt\x00dir/c\x00\x00"))
	if !reflect.DeepEqual(got, []string{"a b.txt", "dir/c"}) {
		t.Errorf("got %q", got)
	}
}

const sampleDiff = `diff --git a/src/lib.rs b/src/lib.rs
index 1111111..2222222 100644
--- a/src/lib.rs
+++ b/src/lib.rs
@@ -1,4 +1,5 @@ fn outer() {
 fn a() {
-    old();
+    new();
+    more();
 }
 
@@ -10 +11 @@
-x
+y
\ No newline at end of file
diff --git a/old dir/f.txt b/new dir/f.txt
similarity index 90%
rename from old dir/f.txt
rename to new dir/f.txt
--- a/old dir/f.txt	
+++ b/new dir/f.txt	
@@ -1,2 +1,2 @@
 keep
-drop
+add
diff --git a/gone.md b/gone.md
deleted file mode 100644
--- a/gone.md
+++ /dev/null
@@ -1 +0,0 @@
-bye
diff --git a/new.md b/new.md
new file mode 100644
--- /dev/null
+++ b/new.md
@@ -0,0 +1,2 @@
+hello
+
diff --git "a/t\303\244b\tx.rs" "b/t\303\244b\tx.rs"
--- "a/t\303\244b\tx.rs"
+++ "b/t\303\244b\tx.rs"
@@ -1 +1 @@
-a
+b
diff --git a/img.png b/img.png
index 1..2 100644
Binary files a/img.png and b/img.png differ
diff --git a/pure rename.txt b/moved rename.txt
similarity index 100%
rename from pure rename.txt
rename to moved rename.txt
`

func TestParseUnifiedDiff(t *testing.T) {
	files, err := ParseUnifiedDiff([]byte(sampleDiff))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range files {
		names = append(names, f.OldPath+" -> "+f.Path)
	}
	want := []string{
		"src/lib.rs -> src/lib.rs",
		"old dir/f.txt -> new dir/f.txt",
		"gone.md -> ",
		" -> new.md",
		"täb\tx.rs -> täb\tx.rs",
		"img.png -> img.png",
		"pure rename.txt -> moved rename.txt",
	}
	if !reflect.DeepEqual(names, want) {
		t.Fatalf("files:\n%q\nwant\n%q", names, want)
	}
	lib := files[0]
	if len(lib.Hunks) != 2 || lib.Hunks[0].Section != "fn outer() {" {
		t.Fatalf("lib hunks: %+v", lib.Hunks)
	}
	var added []string
	for _, h := range lib.Hunks {
		for _, l := range h.Lines {
			if l.Kind == Added {
				added = append(added, l.Text+"@"+strconv.Itoa(l.NewLine))
			}
		}
	}
	if strings.Join(added, ",") != "    new();@2,    more();@3,y@11" {
		t.Errorf("added lines: %q", added)
	}
	// The empty context line keeps counting.
	if l := lib.Hunks[0].Lines[len(lib.Hunks[0].Lines)-1]; l.Kind != Context || l.NewLine != 5 || l.OldLine != 4 {
		t.Errorf("last context line: %+v", l)
	}
	if nf := files[3]; len(nf.Hunks) != 1 || len(nf.Hunks[0].Lines) != 2 || nf.Hunks[0].Lines[1].Text != "" {
		t.Errorf("new file: %+v", nf)
	}
	if !files[5].Binary || files[6].Binary || len(files[6].Hunks) != 0 {
		t.Errorf("binary/rename: %+v %+v", files[5], files[6])
	}
}

func TestParseUnifiedDiffErrors(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"@@ -1 +1 @@\n+x\n", "diff line 1: hunk before any file header"},
		{"diff --git a/x b/x\n@@ -1,2 +1,2 @@\n x\n", "ends early"},
		{"diff --git a/x b/x\n@@ -1 +1 @@\n+x\n+y\n", "diff line 4: added line beyond the hunk's counts"},
		{"diff --git a/x b/x\n@@ -1 +1 @@\n-x\n+y\n+z\n", ""}, // complete hunk; a stray line after it is not hunk content
		{"diff --git a/x b/x\n@@ -1 +1 @@\n*x\n", "diff line 3: unexpected"},
		{"diff --git a/x b/x\n@@ -a +1 @@\n", "bad start line"},
		{"diff --git a/x b/x\n@@ -1,-2 +1 @@\n", "bad line count"},
		{"diff --git a/x b/x\n@@ -1 +1\n", "bad hunk header"},
		{"diff --git a/x b/x\n@@ -1,1 +1,99999999999 @@\n", "bad line count"},
	} {
		_, err := ParseUnifiedDiff([]byte(tc.in))
		if tc.want == "" {
			if err != nil {
				t.Errorf("ParseUnifiedDiff(%q) = %v; want no error", tc.in, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ParseUnifiedDiff(%q) = %v; want error with %q", tc.in, err, tc.want)
		}
	}
}

func TestUnquote(t *testing.T) {
	for in, want := range map[string]string{
		`plain`:          "plain",
		`"a\"b"`:         `a"b`,
		`"\303\244"`:     "ä",
		`"tab\there\\"`:  "tab\there\\",
		`"bad\9"`:        "bad9",
		`"nl\nx\a\b\f"`:  "nl\nx\a\b\f",
		`"\r\v\q"`:       "\r\vq",
		`"octal\101BC"`:  "octalABC",
		`"short\1"`:      "short1",
		`"max\377"`:      "max\xff",
		`"\0001"`:        "\x001",
		`""`:             "",
		`"unterminated`:  `"unterminated`,
		`"sp ace"`:       "sp ace",
		`"trail space "`: "trail space ",
	} {
		if got := unquote(in); got != want {
			t.Errorf("unquote(%s) = %q; want %q", in, got, want)
		}
	}
}

func TestWholeFile(t *testing.T) {
	f := WholeFile("a.rs", []byte("one\r\ntwo\n\nfour"))
	if len(f.Hunks) != 1 || len(f.Hunks[0].Lines) != 4 {
		t.Fatalf("%+v", f)
	}
	l := f.Hunks[0].Lines
	if l[0].Text != "one" || l[3].Text != "four" || l[3].NewLine != 4 || l[2].Kind != Added {
		t.Errorf("lines %+v", l)
	}
	if e := WholeFile("empty", nil); len(e.Hunks) != 0 {
		t.Errorf("empty file has hunks: %+v", e)
	}
}
