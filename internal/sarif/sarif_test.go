package sarif

import (
	"bytes"
	"strings"
	"testing"

	"github.com/taskproof/taskproof/internal/sarif/sariftest"
)

var testRules = []Rule{
	{ID: "broken-link", Summary: "link target does not exist", Help: "Fix the link.", Level: Error, Tags: []string{"links"}},
	{ID: "unfilled-placeholder", Summary: "template placeholder left", Help: "Fill it.", Level: Warning},
}

func TestWriteValidatesAndFingerprintsDiffer(t *testing.T) {
	l := Log{Version: "0.0.0-test", Prefix: "sub/dir", Category: "lint", Rules: testRules, Results: []Result{
		{Rule: "broken-link", Message: "link target x does not exist", File: "tasks/a.md", Line: 3},
		// Same rule, file and message on another line: another finding.
		{Rule: "broken-link", Message: "link target x does not exist", File: "tasks/a.md", Line: 9},
		// Exactly the same finding twice: still two fingerprints.
		{Rule: "broken-link", Message: "link target x does not exist", File: "tasks/a.md", Line: 9},
		{Rule: "unfilled-placeholder", Level: Note, Message: "m", File: "tasks/my file.md", Fix: "X"},
	}}
	var b bytes.Buffer
	if err := Write(&b, l); err != nil {
		t.Fatal(err)
	}
	n, err := sariftest.Check(b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if n != 4 {
		t.Fatalf("%d results, want 4", n)
	}
	for _, want := range []string{
		`"uri": "sub/dir/tasks/a.md"`,
		`"uri": "sub/dir/tasks/my%20file.md"`,
		`"helpUri": "` + HelpBase + `#broken-link"`,
		`"level": "note"`,
		`"startLine": 1`,
		`(fix: X)`,
		`"id": "taskproof/lint/"`,
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("SARIF lacks %s", want)
		}
	}
}

func TestWriteRejectsUndescribedRule(t *testing.T) {
	err := Write(&bytes.Buffer{}, Log{Rules: testRules, Results: []Result{{Rule: "nope", File: "a"}}})
	if err == nil || !strings.Contains(err.Error(), `"nope"`) {
		t.Fatalf("err = %v, want undescribed rule", err)
	}
}

// TestCheckRejects makes sure the validator can fail: a log the schema
// forbids, and one with shared fingerprints.
func TestCheckRejects(t *testing.T) {
	if _, err := sariftest.Check([]byte(`{"version":"2.1.0","runs":[{"tool":{}}]}`)); err == nil {
		t.Error("schema accepted a run whose tool has no driver")
	}
	dup := `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"t"}},"results":[
	 {"message":{"text":"a"},"partialFingerprints":{"k":"1"},"locations":[{"physicalLocation":{"artifactLocation":{"uri":"a"}}}]},
	 {"message":{"text":"a"},"partialFingerprints":{"k":"1"},"locations":[{"physicalLocation":{"artifactLocation":{"uri":"a"}}}]}]}]}`
	if _, err := sariftest.Check([]byte(dup)); err == nil || !strings.Contains(err.Error(), "share fingerprint") {
		t.Errorf("shared fingerprints: err = %v", err)
	}
}
