package config_test

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/taskproof/taskproof/internal/config"
	"github.com/taskproof/taskproof/internal/scaffold"
	"github.com/taskproof/taskproof/internal/schematest"
)

const configSchema = "../../docs/schema/taskproof.schema.json"

// TestConfigSchemaKeys: docs/schema/taskproof.schema.json declares exactly
// the keys Config reads, table by table, so an editor completes every key
// and flags none that works.
func TestConfigSchemaKeys(t *testing.T) {
	schema, err := schematest.Decode(configSchema)
	if err != nil {
		t.Fatal(err)
	}
	var walk func(ty reflect.Type, path []string)
	walk = func(ty reflect.Type, path []string) {
		want := map[string]bool{}
		for i := 0; i < ty.NumField(); i++ {
			f := ty.Field(i)
			key, _, _ := strings.Cut(f.Tag.Get("toml"), ",")
			if key == "" || key == "-" {
				continue
			}
			want[key] = true
			switch {
			case f.Type.Kind() == reflect.Struct:
				walk(f.Type, append(append([]string{}, path...), key))
			case f.Type.Kind() == reflect.Slice && f.Type.Elem().Kind() == reflect.Struct:
				walk(f.Type.Elem(), append(append([]string{}, path...), key, "[]"))
			}
		}
		got, err := schematest.Properties(schema, path...)
		if err != nil {
			t.Errorf("schema: %v", err)
			return
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("schema keys at %v = %v, Config reads %v", path, schematest.Sorted(got), schematest.Sorted(want))
		}
	}
	walk(reflect.TypeOf(config.Config{}), nil)
}

// TestConfigSchemaValidates: every taskproof.toml that Parse accepts in
// the repository (the example, the file 'taskproof init' writes, the CLI
// test fixtures) is valid under the schema; documents Parse rejects for
// an unknown key or a wrong type are invalid under it too.
func TestConfigSchemaValidates(t *testing.T) {
	s, err := schematest.Compile(configSchema)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{"taskproof init": scaffold.ConfigFile()}
	if b, err := os.ReadFile("../../examples/minios/taskproof.toml"); err == nil {
		files["examples/minios/taskproof.toml"] = b
	} else {
		t.Fatal(err)
	}
	scripts, _ := filepath.Glob("../../cmd/taskproof/testdata/script/*.txtar")
	for _, p := range scripts {
		a, err := txtar.ParseFile(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range a.Files {
			if filepath.Base(f.Name) == config.FileName || strings.HasSuffix(f.Name, ".toml") && strings.Contains(string(f.Data), "[proof]") && !strings.Contains(string(f.Data), "[contract]") {
				files[filepath.Base(p)+":"+f.Name] = f.Data
			}
		}
	}
	checked := 0
	for name, data := range files {
		if _, err := config.Parse(name, data); err != nil {
			continue // a fixture of a bad configuration
		}
		checked++
		if err := schematest.ValidateTOML(s, data); err != nil {
			t.Errorf("%s: Parse accepts it, the schema does not: %v", name, err)
		}
	}
	if checked < 10 {
		t.Errorf("only %d configurations checked", checked)
	}
	for name, bad := range map[string]string{
		"unknown table": "[prof]\ncontract = \"x\"\n",
		"unknown key":   "[proof]\ncontracts = \"x\"\n",
		"wrong type":    "[proof]\ncanonical = \"go test *\"\n",
		"group no name": "[[groups]]\ntasks = [\"TASK-0001\"]\n",
	} {
		if _, err := config.Parse("taskproof.toml", []byte(bad)); err == nil {
			t.Errorf("%s: Parse accepts %q", name, bad)
		}
		if err := schematest.ValidateTOML(s, []byte(bad)); err == nil {
			t.Errorf("%s: the schema accepts %q", name, bad)
		}
	}
}
