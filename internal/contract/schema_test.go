package contract

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/taskproof/taskproof/internal/schematest"
)

const contractSchema = "../../docs/schema/contract.schema.json"

// TestContractSchemaKeys: docs/schema/contract.schema.json declares
// exactly the keys the loader accepts, table by table.
func TestContractSchemaKeys(t *testing.T) {
	schema, err := schematest.Decode(contractSchema)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		path []string
		keys []string
	}{
		{nil, []string{"contract", "phase", "marker", "rule", "forbid", "profile", "ladder"}},
		{[]string{"contract"}, contractKeys},
		{[]string{"phase", "*"}, phaseKeys},
		{[]string{"marker", "[]"}, markerKeys},
		{[]string{"rule", "[]"}, ruleKeys},
		{[]string{"forbid"}, forbidKeys},
		{[]string{"forbid", "pattern", "[]"}, patternKeys},
		{[]string{"profile", "*"}, profileKeys},
		{[]string{"ladder", "*"}, ladderKeys},
		{[]string{"ladder", "*", "group", "*"}, ladderGroupKeys},
	} {
		got, err := schematest.Properties(schema, c.path...)
		if err != nil {
			t.Errorf("schema: %v", err)
			continue
		}
		want := map[string]bool{}
		for _, k := range c.keys {
			want[k] = true
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("schema keys at %v = %v, the loader accepts %v", c.path, schematest.Sorted(got), schematest.Sorted(want))
		}
	}
	entry, _ := schema["$defs"].(map[string]any)["entry"].(map[string]any)["oneOf"].([]any)[1].(map[string]any)
	got, _ := schematest.Properties(entry)
	want := map[string]bool{}
	for _, k := range ladderEntryKeys {
		want[k] = true
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("schema ladder entry keys = %v, the loader accepts %v", schematest.Sorted(got), schematest.Sorted(want))
	}
}

// TestContractSchemaValidates: every contract of our format that Load
// accepts in the repository (the minios example, the CLI test fixtures
// with the files they include, the docs' example) validates, file by
// file, under the schema, and so do the corpus history overlays; contracts
// Load rejects for an unknown key, a bad enum or a wrong type are
// invalid under it too.
func TestContractSchemaValidates(t *testing.T) {
	s, err := schematest.Compile(contractSchema)
	if err != nil {
		t.Fatal(err)
	}
	type set struct {
		fsys fstest.MapFS
		root string
	}
	var sets []set
	add := func(fsys fstest.MapFS, root string) { sets = append(sets, set{fsys, root}) }
	if b, err := os.ReadFile("../../examples/minios/proof/contract.toml"); err == nil {
		add(fstest.MapFS{"contract.toml": {Data: b}}, "contract.toml")
	} else {
		t.Fatal(err)
	}
	scripts, _ := filepath.Glob("../../cmd/taskproof/testdata/script/*.txtar")
	for _, p := range scripts {
		a, err := txtar.ParseFile(p)
		if err != nil {
			t.Fatal(err)
		}
		fsys := fstest.MapFS{}
		var roots []string
		for _, f := range a.Files {
			fsys[f.Name] = &fstest.MapFile{Data: f.Data}
			if strings.HasSuffix(f.Name, ".toml") && strings.Contains(string(f.Data), "[contract]") {
				roots = append(roots, f.Name)
			}
		}
		for _, r := range roots {
			add(fsys, r)
		}
	}
	checked := 0
	for _, st := range sets {
		c, err := Load(st.fsys, st.root)
		if err != nil || (c.Format() != FormatTaskproof && c.Format() != FormatOverlay) {
			continue
		}
		for _, f := range c.Files() {
			checked++
			if err := schematest.ValidateTOML(s, st.fsys[f].Data); err != nil {
				t.Errorf("%s (of %s): Load accepts it, the schema does not: %v", f, st.root, err)
			}
		}
	}
	history, _ := filepath.Glob("testdata/history/*.toml")
	for _, p := range history {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		checked++
		if err := schematest.ValidateTOML(s, b); err != nil {
			t.Errorf("%s: %v", p, err)
		}
	}
	if checked < 15 {
		t.Errorf("only %d contract files checked", checked)
	}
	const head = "[contract]\nversion = 1\n"
	for name, bad := range map[string]string{
		"unknown key":    head + "[[marker]]\ntext = \"a\"\nkinds = \"ok\"\n",
		"bad kind":       head + "[[marker]]\ntext = \"a\"\nkind = \"good\"\n",
		"bad match":      head + "match = \"glob\"\n",
		"wrong type":     head + "[[marker]]\ntext = \"a\"\nmin = \"2\"\n",
		"no text":        head + "[[marker]]\nid = \"a\"\n",
		"no version":     "[contract]\nmatch = \"exact\"\n",
		"unknown table":  head + "[markers]\n",
		"profile extras": head + "[profile.default]\nrequires = [\"a\"]\n",
	} {
		if _, err := Load(fstest.MapFS{"c.toml": {Data: []byte(bad)}}, "c.toml"); err == nil {
			t.Errorf("%s: Load accepts %q", name, bad)
		}
		if err := schematest.ValidateTOML(s, []byte(bad)); err == nil {
			t.Errorf("%s: the schema accepts %q", name, bad)
		}
	}
}
