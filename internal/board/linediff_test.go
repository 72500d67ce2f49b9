package board

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
)

func TestLineDiff(t *testing.T) {
	old := "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n"
	new := "a\nb\nc\nD\ne\nf\ng\nh\ni\nj\nk\n"
	want := `--- old
+++ new
@@ -1,10 +1,11 @@
 a
 b
 c
-d
+D
 e
 f
 g
 h
 i
 j
+k
`
	if got := LineDiff("old", "new", []byte(old), []byte(new)); got != want {
		t.Errorf("diff =\n%s\nwant\n%s", got, want)
	}
	if got := LineDiff("old", "new", []byte(old), []byte(old)); got != "" {
		t.Errorf("equal inputs give %q, want empty", got)
	}
	if got := LineDiff("old", "new", []byte("x\n"), []byte("x")); !strings.Contains(got, "final newline") {
		t.Errorf("newline-only difference gives %q", got)
	}
	// Two changes far apart make two hunks.
	var a, b []string
	for i := 0; i < 30; i++ {
		a = append(a, strconv.Itoa(i))
		b = append(b, strconv.Itoa(i))
	}
	b[2], b[25] = "two", "twenty-five"
	got := LineDiff("old", "new", []byte(strings.Join(a, "\n")+"\n"), []byte(strings.Join(b, "\n")+"\n"))
	if n := strings.Count(got, "@@ -"); n != 2 {
		t.Errorf("want 2 hunks, got %d:\n%s", n, got)
	}
	if !strings.Contains(got, "@@ -1,6 +1,6 @@\n 0\n 1\n-2\n+two\n 3\n 4\n 5\n") || !strings.Contains(got, "@@ -23,7 +23,7 @@\n") {
		t.Errorf("unexpected hunks:\n%s", got)
	}
}

func TestLineDiffBeyondEditBound(t *testing.T) {
	// More edits than maxEdits: the diff falls back to replacing the
	// differing middle, and still applies.
	var a, b []string
	for i := 0; i < maxEdits; i++ {
		a = append(a, fmt.Sprintf("old %d", i))
		b = append(b, fmt.Sprintf("new %d", i))
	}
	a = append([]string{"same"}, a...)
	b = append([]string{"same"}, b...)
	d := LineDiff("a", "b", []byte(strings.Join(a, "\n")+"\n"), []byte(strings.Join(b, "\n")+"\n"))
	got, err := applyDiff(a, d)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(got, "\n") != strings.Join(b, "\n") {
		t.Fatal("applying the fallback diff does not give the new text")
	}
}

func TestLineDiffRandomApplies(t *testing.T) {
	// Larger scripts than the fuzzer reaches quickly: pseudo-random files
	// over a small alphabet, so lines repeat and many edit paths tie.
	seed := uint32(1)
	next := func() uint32 { seed = seed*1664525 + 1013904223; return seed >> 16 }
	for round := 0; round < 20; round++ {
		var a, b []string
		for i := 0; i < 200+int(next()%200); i++ {
			a = append(a, string(rune('a'+next()%5)))
		}
		for i := 0; i < 200+int(next()%200); i++ {
			b = append(b, string(rune('a'+next()%5)))
		}
		d := LineDiff("a", "b", []byte(strings.Join(a, "\n")+"\n"), []byte(strings.Join(b, "\n")+"\n"))
		got, err := applyDiff(a, d)
		if err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		if strings.Join(got, "\n") != strings.Join(b, "\n") {
			t.Fatalf("round %d: applying the diff does not give the new text", round)
		}
	}
}

// applyDiff applies a diff from LineDiff to old, checking context lines.
func applyDiff(old []string, diff string) ([]string, error) {
	lines := strings.Split(strings.TrimSuffix(diff, "\n"), "\n")
	var out []string
	pos := 0
	for i := 2; i < len(lines); i++ {
		l := lines[i]
		if strings.HasPrefix(l, "@@ -") {
			var aStart, aLen int
			spec := strings.Fields(l)[1][1:]
			if s, n, ok := strings.Cut(spec, ","); ok {
				aStart, _ = strconv.Atoi(s)
				aLen, _ = strconv.Atoi(n)
			} else {
				aStart, _ = strconv.Atoi(spec)
				aLen = 1
			}
			start := aStart - 1
			if aLen == 0 {
				start = aStart
			}
			if start < pos {
				return nil, fmt.Errorf("hunk %q goes backwards", l)
			}
			out = append(out, old[pos:start]...)
			pos = start
			continue
		}
		if l == "" {
			return nil, fmt.Errorf("empty diff line")
		}
		switch l[0] {
		case ' ', '-':
			if pos >= len(old) || old[pos] != l[1:] {
				return nil, fmt.Errorf("line %d: %q does not match %q", pos+1, l, old[min(pos, len(old)-1)])
			}
			if l[0] == ' ' {
				out = append(out, old[pos])
			}
			pos++
		case '+':
			out = append(out, l[1:])
		default:
			return nil, fmt.Errorf("bad diff line %q", l)
		}
	}
	return append(out, old[pos:]...), nil
}

func FuzzLineDiff(f *testing.F) {
	f.Add("a\nb\nc\n", "a\nc\nd\n")
	f.Add("", "x\n")
	f.Add("x\ny\nz\n", "")
	f.Add("1\n2\n3\n4\n5\n6\n7\n8\n9\n", "1\n2\nX\n4\n5\n6\n7\n8\nY\n")
	f.Fuzz(func(t *testing.T, a, b string) {
		// Lines made of the fuzzed text, always newline-terminated, so the
		// diff must describe the whole change.
		if a != "" && !strings.HasSuffix(a, "\n") {
			a += "\n"
		}
		if b != "" && !strings.HasSuffix(b, "\n") {
			b += "\n"
		}
		d := LineDiff("a", "b", []byte(a), []byte(b))
		if a == b {
			if d != "" {
				t.Fatalf("equal inputs, diff %q", d)
			}
			return
		}
		got, err := applyDiff(splitLines(a), d)
		if err != nil {
			t.Fatalf("diff does not apply: %v\n%s", err, d)
		}
		if strings.Join(got, "\n") != strings.Join(splitLines(b), "\n") {
			t.Fatalf("applying the diff gives %q, want %q\n%s", got, splitLines(b), d)
		}
	})
}
