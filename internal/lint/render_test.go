package lint

import (
	"bytes"
	"encoding/json"
	"github.com/taskproof/taskproof/internal/sarif/sariftest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/taskproof/taskproof/internal/golden"
	"github.com/taskproof/taskproof/internal/task"
)

// fixture is the small repository in testdata/repo, parsed with the real
// parser.
type fixture struct {
	root string
	docs []*task.Document
	src  map[string][]byte
}

func loadFixture(t testing.TB) *fixture {
	t.Helper()
	f := &fixture{root: filepath.Join("testdata", "repo"), src: map[string][]byte{}}
	paths, err := filepath.Glob(filepath.Join(f.root, "tasks", "TASK-*.md"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no fixture tasks: %v", err)
	}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		rel := "tasks/" + filepath.Base(p)
		d, err := task.Parse(rel, b)
		if err != nil {
			t.Fatalf("parse %s: %v", rel, err)
		}
		f.docs = append(f.docs, d)
		f.src[rel] = b
	}
	return f
}

func (f *fixture) env() Env {
	declared := map[string]bool{"console: banner ok": true, "timer: tick ok": true}
	return Env{
		PathExists: func(p string) bool {
			_, err := os.Stat(filepath.Join(f.root, filepath.FromSlash(p)))
			return err == nil
		},
		DeclaredMarker: func(m string) bool { return declared[m] },
		CanonicalProof: []string{"cargo test *", "./scripts/qemu-test.sh*"},
		Source:         func(p string) []byte { return f.src[p] },
		Repo:           f.docs,
	}
}

func TestGoldenFixture(t *testing.T) {
	f := loadFixture(t)
	ds := Check(f.docs, f.env())

	var text bytes.Buffer
	if err := WriteText(&text, ds); err != nil {
		t.Fatal(err)
	}
	text.WriteString(Summary(len(f.docs), ds) + "\n")
	golden.Check(t, "testdata/fixture.text.golden", text.Bytes())

	var js bytes.Buffer
	if err := WriteJSON(&js, len(f.docs), ds); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "testdata/fixture.json.golden", js.Bytes())

	var sarif bytes.Buffer
	if err := WriteSARIF(&sarif, Tool{Version: "0.0.0-test"}, ds); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "testdata/fixture.sarif.golden", sarif.Bytes())
	validateSARIF(t, sarif.Bytes(), len(ds))

	// The fixture is built so that every rule fires at least once, and the
	// clean task not at all.
	fired := map[string]bool{}
	for _, d := range ds {
		fired[d.Rule] = true
		if d.File == "tasks/TASK-0001-clean.md" {
			t.Errorf("the clean fixture task has a finding: %+v", d)
		}
	}
	for _, r := range rules {
		if !fired[r.ID] {
			t.Errorf("rule %s does not fire on the fixture", r.ID)
		}
	}
}

func TestGoldenRules(t *testing.T) {
	var text, js bytes.Buffer
	if err := WriteRulesText(&text); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "testdata/rules.text.golden", text.Bytes())
	if err := WriteRulesJSON(&js); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "testdata/rules.json.golden", js.Bytes())
}

func TestJSONEmpty(t *testing.T) {
	var b bytes.Buffer
	if err := WriteJSON(&b, 0, nil); err != nil {
		t.Fatal(err)
	}
	want := "{\n  \"files\": 0,\n  \"diagnostics\": [],\n  \"counts\": {\n    \"error\": 0,\n    \"warning\": 0,\n    \"info\": 0\n  }\n}\n"
	if b.String() != want {
		t.Errorf("got %q, want %q", b.String(), want)
	}
	b.Reset()
	if err := WriteSARIF(&b, Tool{Version: "x"}, nil); err != nil {
		t.Fatal(err)
	}
	validateSARIF(t, b.Bytes(), 0)
}

func TestSARIFEdgeCases(t *testing.T) {
	ds := []Diagnostic{
		{File: `tasks\TASK 0001 x.md`, Line: 0, Rule: "broken-link", Severity: SeverityError, Message: "m"},
		{File: "tasks/TASK-0002.md", Line: 4, Column: 3, Rule: "status-vocabulary", Severity: SeverityError, Message: "m", Fix: "Done"},
		{File: "tasks/TASK-0003.md", Line: 1, Rule: "missing-front-matter", Severity: SeverityInfo, Message: "m"},
	}
	var b bytes.Buffer
	if err := WriteSARIF(&b, Tool{Version: "x"}, ds); err != nil {
		t.Fatal(err)
	}
	validateSARIF(t, b.Bytes(), 3)
	s := b.String()
	for _, want := range []string{`"uri": "tasks/TASK%200001%20x.md"`, `"startLine": 1`, `"level": "note"`, `"fix": "Done"`, `"startColumn": 3`} {
		if !strings.Contains(s, want) {
			t.Errorf("SARIF lacks %s", want)
		}
	}
	if err := WriteSARIF(&b, Tool{}, []Diagnostic{{Rule: "no-such-rule", Line: 1}}); err == nil {
		t.Error("an unknown rule id must be an error, not an invalid ruleIndex")
	}
	// The same finding on two lines is two alerts (issue 12: the corpus had
	// 155 results sharing 77 fingerprints when the line was left out).
	two := []Diagnostic{
		{File: "f", Line: 1, Rule: "broken-link", Severity: SeverityError, Message: "m"},
		{File: "f", Line: 9, Rule: "broken-link", Severity: SeverityError, Message: "m"},
	}
	b.Reset()
	if err := WriteSARIF(&b, Tool{Version: "x"}, two); err != nil {
		t.Fatal(err)
	}
	validateSARIF(t, b.Bytes(), 2)
}

// validateSARIF checks the SARIF 2.1.0 structure GitHub code scanning
// requires, on the generic JSON rather than on our own structs.
func validateSARIF(t *testing.T, data []byte, nResults int) {
	t.Helper()
	if _, err := sariftest.Check(data); err != nil {
		t.Fatal(err)
	}
	var log map[string]any
	if err := json.Unmarshal(data, &log); err != nil {
		t.Fatalf("SARIF is not JSON: %v", err)
	}
	if log["$schema"] != "https://json.schemastore.org/sarif-2.1.0.json" || log["version"] != "2.1.0" {
		t.Errorf("bad $schema/version: %v %v", log["$schema"], log["version"])
	}
	runs, _ := log["runs"].([]any)
	if len(runs) != 1 {
		t.Fatalf("want 1 run, got %d", len(runs))
	}
	run := runs[0].(map[string]any)
	driver, _ := dig(run, "tool", "driver").(map[string]any)
	if driver == nil || driver["name"] != "taskproof" || driver["informationUri"] == nil || driver["version"] == nil {
		t.Fatalf("bad tool.driver: %v", driver)
	}
	rulesList, _ := driver["rules"].([]any)
	if len(rulesList) == 0 {
		t.Fatal("no rules")
	}
	levels := map[string]bool{"error": true, "warning": true, "note": true}
	ids := map[string]int{}
	for i, x := range rulesList {
		r := x.(map[string]any)
		id, _ := r["id"].(string)
		ids[id] = i
		for _, k := range []string{"shortDescription", "fullDescription", "help"} {
			if s, _ := dig(r, k, "text").(string); s == "" {
				t.Errorf("rule %s: %s.text missing", id, k)
			}
		}
		if name, _ := r["name"].(string); name == "" {
			t.Errorf("rule %s: name missing", id)
		}
		if lv, _ := dig(r, "defaultConfiguration", "level").(string); !levels[lv] {
			t.Errorf("rule %s: bad defaultConfiguration.level %q", id, lv)
		}
	}
	results, ok := run["results"].([]any)
	if !ok {
		t.Fatal("results must be an array (empty, not null)")
	}
	if len(results) != nResults {
		t.Errorf("got %d results, want %d", len(results), nResults)
	}
	for _, x := range results {
		r := x.(map[string]any)
		id, _ := r["ruleId"].(string)
		idx, ok := r["ruleIndex"].(float64)
		if want, known := ids[id]; !known || !ok || int(idx) != want {
			t.Errorf("result %v: ruleId/ruleIndex do not point at its rule", r)
		}
		if lv, _ := r["level"].(string); !levels[lv] {
			t.Errorf("result %v: bad level", r)
		}
		if s, _ := dig(r, "message", "text").(string); s == "" {
			t.Errorf("result %v: no message.text", r)
		}
		locs, _ := r["locations"].([]any)
		if len(locs) == 0 {
			t.Fatalf("result %v: no locations", r)
		}
		for _, l := range locs {
			pl := dig(l.(map[string]any), "physicalLocation").(map[string]any)
			uri, _ := dig(pl, "artifactLocation", "uri").(string)
			if uri == "" || strings.HasPrefix(uri, "/") || strings.Contains(uri, `\`) {
				t.Errorf("result %v: uri %q must be relative with forward slashes", r, uri)
			}
			if line, _ := dig(pl, "region", "startLine").(float64); line < 1 {
				t.Errorf("result %v: startLine %v < 1", r, line)
			}
		}
		fp, _ := r["partialFingerprints"].(map[string]any)
		if len(fp) == 0 {
			t.Errorf("result %v: no partialFingerprints", r)
		}
	}
}

func dig(m map[string]any, keys ...string) any {
	var v any = m
	for _, k := range keys {
		mm, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = mm[k]
	}
	return v
}

// TestRulesDoc keeps docs/rules.md, where SARIF helpUris point, in step
// with the rules.
func TestRulesDoc(t *testing.T) {
	var b bytes.Buffer
	if err := WriteRulesMarkdown(&b); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "../../docs/rules.md", b.Bytes())
}
