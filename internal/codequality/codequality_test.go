package codequality_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/taskproof/taskproof/internal/codequality"
	"github.com/taskproof/taskproof/internal/codequality/codequalitytest"
	"github.com/taskproof/taskproof/internal/sarif"
)

func TestWriteMatchesSARIFAndChecks(t *testing.T) {
	l := sarif.Log{Prefix: "sub", Rules: []sarif.Rule{
		{ID: "a", Summary: "s", Level: sarif.Error},
		{ID: "b", Summary: "s", Level: sarif.Warning},
	}, Results: []sarif.Result{
		{Rule: "a", Message: "m", File: "x.md", Line: 3},
		{Rule: "a", Message: "m", File: "x.md", Line: 3}, // the same twice: two issues
		{Rule: "b", Message: "n", File: "y.md", Fix: "F"},
		{Rule: "b", Level: sarif.Note, Message: "o", File: "y.md", Line: 2},
	}}
	var b bytes.Buffer
	if err := codequality.Write(&b, l); err != nil {
		t.Fatal(err)
	}
	n, err := codequalitytest.Check(b.Bytes())
	if err != nil {
		t.Fatalf("%v\n%s", err, b.String())
	}
	if n != 4 {
		t.Fatalf("%d issues, want 4", n)
	}
	is := codequality.Issues(l)
	locs := l.Locate()
	for i, want := range []struct{ sev, path string }{{"major", "sub/x.md"}, {"major", "sub/x.md"}, {"minor", "sub/y.md"}, {"info", "sub/y.md"}} {
		if is[i].Severity != want.sev || is[i].Location.Path != want.path || is[i].Fingerprint != locs[i].Fingerprint {
			t.Errorf("issue %d = %+v, want severity %s path %s fingerprint %s", i, is[i], want.sev, want.path, locs[i].Fingerprint)
		}
	}
	if is[2].Location.Lines.Begin != 1 || !strings.Contains(is[2].Description, "(fix: F)") {
		t.Errorf("whole-file issue = %+v", is[2])
	}
	// No finding is an empty array, not null.
	b.Reset()
	if err := codequality.Write(&b, sarif.Log{}); err != nil || strings.TrimSpace(b.String()) != "[]" {
		t.Errorf("empty report = %q, %v", b.String(), err)
	}
}

// TestCheckRejects: the structural check can fail.
func TestCheckRejects(t *testing.T) {
	for name, data := range map[string]string{
		"not an array":    `{}`,
		"no description":  `[{"check_name":"c","fingerprint":"f","severity":"info","location":{"path":"a","lines":{"begin":1}}}]`,
		"bad severity":    `[{"description":"d","check_name":"c","fingerprint":"f","severity":"error","location":{"path":"a","lines":{"begin":1}}}]`,
		"absolute path":   `[{"description":"d","check_name":"c","fingerprint":"f","severity":"info","location":{"path":"/a","lines":{"begin":1}}}]`,
		"no line":         `[{"description":"d","check_name":"c","fingerprint":"f","severity":"info","location":{"path":"a"}}]`,
		"dup fingerprint": `[{"description":"d","check_name":"c","fingerprint":"f","severity":"info","location":{"path":"a","lines":{"begin":1}}},{"description":"d","check_name":"c","fingerprint":"f","severity":"info","location":{"path":"a","lines":{"begin":2}}}]`,
	} {
		if _, err := codequalitytest.Check([]byte(data)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
