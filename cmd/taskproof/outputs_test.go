package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/taskproof/taskproof/internal/cli"
	"github.com/taskproof/taskproof/internal/golden"
	"github.com/taskproof/taskproof/internal/outschema"
	"github.com/taskproof/taskproof/internal/testcorpus"
)

const outputSchemaDir = "../../docs/schema/output"

// TestOutputSchemas: docs/schema/output has the JSON Schema of every JSON
// document a command prints, generated from the Go type it encodes (go
// test ./cmd/taskproof -run TestOutputSchemas -update), and real outputs
// of those commands validate against them, schema_version first.
func TestOutputSchemas(t *testing.T) {
	for name, v := range jsonOutputs {
		s, err := outschema.Marshal(outschema.Of("taskproof "+strings.ReplaceAll(name, "-", " ")+" --format json", cli.JSONSchemaVersion, v))
		if err != nil {
			t.Fatal(err)
		}
		golden.Check(t, filepath.Join(outputSchemaDir, name+".schema.json"), s)
	}
	files, _ := filepath.Glob(filepath.Join(outputSchemaDir, "*.schema.json"))
	if len(files) != len(jsonOutputs) {
		t.Errorf("%d schema files for %d outputs", len(files), len(jsonOutputs))
	}

	minios := "../../examples/minios"
	runs := []struct {
		schema string
		args   []string
	}{
		{"lint", []string{"lint", "--root", minios, "--format", "json"}},
		{"graph", []string{"graph", "--root", minios, "--format", "json"}},
		{"board", []string{"board", "--root", minios, "--format", "json"}},
		{"contract-lint", []string{"contract", "lint", "--root", minios, "--format", "json"}},
		{"contract-list", []string{"contract", "list", "--root", minios, "--format", "json"}},
		{"plan", []string{"plan", "--root", minios, "--format", "json"}},
		{"run", []string{"verify", "--root", minios, "--expect", "boot ok", "--format", "json", "testdata/verify-console.log"}},
	}
	if corpus, ok := testcorpus.Lookup(); ok {
		runs = append(runs,
			struct {
				schema string
				args   []string
			}{"drift", []string{"drift", "--root", corpus, "--format", "json"}},
			struct {
				schema string
				args   []string
			}{"lint", []string{"lint", "--root", corpus, "--format", "json"}})
	}
	if err := os.WriteFile("testdata/verify-console.log", []byte("noise\nboot ok\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	defer os.Remove("testdata/verify-console.log")
	for _, r := range runs {
		_, out, stderr := runCLI(r.args...)
		if !strings.HasPrefix(out, "{\n  \"schema_version\": 1,\n") {
			t.Errorf("%v: output does not start with schema_version: %.80q (stderr %q)", r.args, out, stderr)
			continue
		}
		s, err := jsonschema.NewCompiler().Compile(filepath.Join(outputSchemaDir, r.schema+".schema.json"))
		if err != nil {
			t.Fatal(err)
		}
		inst, err := jsonschema.UnmarshalJSON(bytes.NewReader([]byte(out)))
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Validate(inst); err != nil {
			t.Errorf("%v: output fails %s.schema.json: %v", r.args, r.schema, err)
		}
	}
	// The schemas are strict: an output with an unknown field fails.
	s, _ := jsonschema.NewCompiler().Compile(filepath.Join(outputSchemaDir, "lint.schema.json"))
	inst, _ := jsonschema.UnmarshalJSON(strings.NewReader(`{"schema_version": 1, "files": 0, "diagnostics": [], "counts": {"error": 0, "warning": 0, "info": 0}, "extra": 1}`))
	if s == nil || s.Validate(inst) == nil {
		t.Error("lint.schema.json accepts an unknown field")
	}
}

// cmdOutputCheck is the script command "outputcheck SCHEMA FILE": FILE is
// a JSON output that starts with schema_version and validates against
// docs/schema/output/SCHEMA.schema.json.
func cmdOutputCheck(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: outputcheck SCHEMA FILE")
	}
	data := ts.ReadFile(args[1])
	err := func() error {
		if !strings.HasPrefix(data, "{\n  \"schema_version\": 1,\n") {
			return fmt.Errorf("does not start with schema_version")
		}
		s, err := jsonschema.NewCompiler().Compile(filepath.Join(schemaDirAbs, args[0]+".schema.json"))
		if err != nil {
			return err
		}
		inst, err := jsonschema.UnmarshalJSON(strings.NewReader(data))
		if err != nil {
			return err
		}
		return s.Validate(inst)
	}()
	switch {
	case neg && err == nil:
		ts.Fatalf("%s validates against %s", args[1], args[0])
	case !neg && err != nil:
		ts.Fatalf("%s: %v", args[1], err)
	}
}

// schemaDirAbs is outputSchemaDir from the package directory, absolute,
// for scripts that run elsewhere.
var schemaDirAbs = func() string {
	p, err := filepath.Abs(outputSchemaDir)
	if err != nil {
		panic(err)
	}
	return p
}()
