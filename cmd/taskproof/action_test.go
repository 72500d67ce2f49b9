package main

import (
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/rhysd/actionlint"
	"go.yaml.in/yaml/v4"
)

// actionMetadata is the part of action.yml the test reads.
type actionMetadata struct {
	Name   string `yaml:"name"`
	Inputs map[string]struct {
		Required bool   `yaml:"required"`
		Default  string `yaml:"default"`
	} `yaml:"inputs"`
	Runs struct {
		Using string `yaml:"using"`
		Steps []any  `yaml:"steps"`
	} `yaml:"runs"`
}

// compositeAsWorkflow turns a composite action into a reusable workflow
// with the action's inputs and one job running its steps, so actionlint
// checks the steps (expressions, contexts, shell, action inputs) as it
// checks any workflow; it does not lint action.yml's steps itself.
func compositeAsWorkflow(t *testing.T, md actionMetadata) []byte {
	t.Helper()
	inputs := map[string]any{}
	for name, in := range md.Inputs {
		spec := map[string]any{"type": "string", "required": in.Required}
		if !in.Required {
			spec["default"] = in.Default
		}
		inputs[name] = spec
	}
	wf := map[string]any{
		"on":   map[string]any{"workflow_call": map[string]any{"inputs": inputs}},
		"jobs": map[string]any{"action": map[string]any{"runs-on": "ubuntu-latest", "steps": md.Runs.Steps}},
	}
	b, err := yaml.Marshal(wf)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// lintIn lints a workflow as a file of the repository (so `uses: ./`
// reads the repository's action.yml) and returns the errors.
func lintIn(t *testing.T, path string, data []byte) []*actionlint.Error {
	t.Helper()
	proj, err := actionlint.NewProject("../..")
	if err != nil {
		t.Fatal(err)
	}
	l, err := actionlint.NewLinter(io.Discard, &actionlint.LinterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	errs, err := l.Lint(path, data, proj)
	if err != nil {
		t.Fatal(err)
	}
	return errs
}

// TestActionLints: action.yml at the repository root is a composite
// action whose steps pass actionlint, taking a required command and
// installing taskproof.
func TestActionLints(t *testing.T) {
	data, err := os.ReadFile("../../action.yml")
	if err != nil {
		t.Fatal(err)
	}
	var md actionMetadata
	if err := yaml.Unmarshal(data, &md); err != nil {
		t.Fatalf("action.yml: %v", err)
	}
	if md.Name == "" || md.Runs.Using != "composite" || len(md.Runs.Steps) == 0 {
		t.Fatalf("action.yml is not a named composite action with steps: %+v", md)
	}
	if in, ok := md.Inputs["command"]; !ok || !in.Required {
		t.Errorf("action.yml has no required input command")
	}
	for _, want := range []string{"go install", "./cmd/taskproof", `taskproof "${args[@]}"`, "GITHUB_OUTPUT"} {
		if !strings.Contains(string(data), want) {
			t.Errorf("action.yml does not contain %q", want)
		}
	}
	wf := compositeAsWorkflow(t, md)
	for _, e := range lintIn(t, "action.yml", wf) {
		t.Errorf("action.yml steps: %s", e)
	}
	// The check is not a rubber stamp: a step naming an input the action
	// does not declare fails it.
	broken := strings.Replace(string(wf), "inputs.command", "inputs.comand", 1)
	if broken == string(wf) || len(lintIn(t, "action.yml", []byte(broken))) == 0 {
		t.Error("actionlint accepted a step using an undeclared input")
	}
}

// TestCodeScanningWorkflowLints: the documented example workflow passes
// actionlint with the action resolved to this repository's action.yml
// (so its inputs are checked against the metadata), and does what the
// issue asks: lint, prove, SARIF to code scanning, evidence as artefact.
func TestCodeScanningWorkflowLints(t *testing.T) {
	path := "../../docs/ci/github-code-scanning.yml"
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	const action = "taskproof/taskproof@main"
	if !strings.Contains(string(data), "uses: "+action) {
		t.Fatalf("%s does not use %s", path, action)
	}
	local := strings.ReplaceAll(string(data), action, "./")
	for _, e := range lintIn(t, "docs/ci/github-code-scanning.yml", []byte(local)) {
		t.Errorf("%s", e)
	}
	for _, want := range []string{"command: lint --format sarif --exit-zero", "command: prove --changed",
		"github/codeql-action/upload-sarif", "security-events: write", "actions/upload-artifact", ".taskproof/evidence/"} {
		if !strings.Contains(string(data), want) {
			t.Errorf("%s does not contain %q", path, want)
		}
	}
	// An input the action does not declare is an error, so the inputs
	// really are checked against action.yml.
	broken := strings.Replace(local, "          output: taskproof-lint.sarif", "          outptu: taskproof-lint.sarif", 1)
	errs := lintIn(t, "docs/ci/github-code-scanning.yml", []byte(broken))
	var msgs []string
	for _, e := range errs {
		msgs = append(msgs, e.Message)
	}
	sort.Strings(msgs)
	if !strings.Contains(strings.Join(msgs, "\n"), `input "outptu" is not defined in action`) {
		t.Errorf("actionlint did not check the inputs against action.yml: %s", fmt.Sprint(msgs))
	}
}
