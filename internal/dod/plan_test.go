package dod

import (
	"reflect"
	"strings"
	"testing"

	"github.com/taskproof/taskproof/internal/task"
)

var defaultCanonical = []string{"taskproof run *", "go test *", "cargo test *", "./scripts/qemu-test.sh*"}

func TestNewPlan(t *testing.T) {
	doc := &task.Document{
		ID: "TASK-0007",
		Proofs: []task.ProofCommand{
			{Command: "taskproof run --contract proof/contract.toml -- ./qemu.sh pass", Kind: task.ProofQEMU, Line: 10},
			{Command: "RUN_UNTIL_MARKER=1 ./scripts/qemu-test.sh", Kind: task.ProofQEMU, Line: 11},
			{Command: "go test ./...", Kind: task.ProofTests, Line: 14},
			{Command: "cargo test -p foo", Kind: task.ProofSecurity, Line: 20},
		},
		Markers: []task.MarkerRef{{Text: "a ok", Line: 12}, {Text: "b ok", Line: 13}, {Text: "a ok", Line: 21, Security: true}},
		Tests:   []task.TestRef{{Name: "TestX", Line: 15}, {Name: "test_reject_*", Line: 22}, {Name: "TestX", Line: 23}},
	}
	p, probs := NewPlan(doc, defaultCanonical)
	if len(probs) != 0 {
		t.Fatalf("problems: %v", probs)
	}
	want := []Step{
		{N: 1, Command: doc.Proofs[0].Command, Line: 10, Kind: task.ProofQEMU, Canonical: "taskproof run *", Env: []EnvVar{},
			Argv: []string{"taskproof", "run", "--contract", "proof/contract.toml", "--", "./qemu.sh", "pass"}, Runner: RunnerRun},
		{N: 2, Command: doc.Proofs[1].Command, Line: 11, Kind: task.ProofQEMU, Canonical: "./scripts/qemu-test.sh*", Env: []EnvVar{{"RUN_UNTIL_MARKER", "1"}},
			Argv: []string{"./scripts/qemu-test.sh"}, Runner: RunnerHarness},
		{N: 3, Command: "go test ./...", Line: 14, Kind: task.ProofTests, Canonical: "go test *", Env: []EnvVar{},
			Argv: []string{"go", "test", "-json", "./..."}, Runner: RunnerTests, Note: "added -json: the same tests, with machine-readable output naming each test"},
		{N: 4, Command: "cargo test -p foo", Line: 20, Kind: task.ProofSecurity, Canonical: "cargo test *", Env: []EnvVar{},
			Argv: []string{"cargo", "test", "-p", "foo"}, Runner: RunnerTests},
	}
	if !reflect.DeepEqual(p.Steps, want) {
		t.Errorf("steps:\n got %+v\nwant %+v", p.Steps, want)
	}
	if len(p.Markers) != 2 || p.Markers[0].Text != "a ok" || p.Markers[0].Line != 12 || p.Markers[1].Text != "b ok" {
		t.Errorf("markers not folded to first occurrences: %+v", p.Markers)
	}
	if len(p.Tests) != 2 || p.Tests[0].Name != "TestX" || p.Tests[1].Name != "test_reject_*" {
		t.Errorf("tests not folded to first occurrences: %+v", p.Tests)
	}
	if !p.MarkerSteps() || !p.TestSteps() {
		t.Error("MarkerSteps/TestSteps false for a plan with both")
	}
	und := p.Undeclared(func(s string) bool { return s == "a ok" })
	if len(und) != 1 || und[0].Text != "b ok" {
		t.Errorf("Undeclared = %+v; want b ok", und)
	}
}

func TestNewPlanProblems(t *testing.T) {
	tests := []struct {
		name   string
		proofs []task.ProofCommand
		rules  []string
		msg    string
	}{
		{"no proof", nil, []string{RuleNoProof}, "nothing to prove is never a pass"},
		{"postflight", []task.ProofCommand{{Command: "./scripts/postflight.sh", Kind: task.ProofQEMU, Line: 5}}, []string{RuleNotCanonical},
			`not a canonical proof command: "./scripts/postflight.sh" matches none of [proof] canonical (taskproof run *, go test *, cargo test *, ./scripts/qemu-test.sh*); postflight scripts are not proof; add it to [proof] canonical in taskproof.toml only if it delegates to the canonical harness`},
		{"shell list", []task.ProofCommand{{Command: "go test ./... && ./postflight.sh", Kind: task.ProofTests, Line: 6}}, []string{RuleShell}, `shell operator "&&"`},
		{"taskproof verify", []task.ProofCommand{{Command: "taskproof verify x.log", Kind: task.ProofQEMU, Line: 7}}, []string{RuleNotCanonical}, "not a canonical proof command"},
		{"each bad command", []task.ProofCommand{
			{Command: "go test ./...", Kind: task.ProofTests, Line: 8},
			{Command: "make check", Kind: task.ProofTests, Line: 9},
			{Command: "cargo test $X", Kind: task.ProofTests, Line: 10},
		}, []string{RuleNotCanonical, RuleShell}, `"make check"`},
	}
	for _, tt := range tests {
		_, probs := NewPlan(&task.Document{ID: "TASK-0001", Proofs: tt.proofs}, defaultCanonical)
		var rules []string
		for _, p := range probs {
			rules = append(rules, p.Rule)
		}
		if !reflect.DeepEqual(rules, tt.rules) {
			t.Errorf("%s: rules %v; want %v (%v)", tt.name, rules, tt.rules, probs)
			continue
		}
		if !strings.Contains(probs[0].Message, tt.msg) {
			t.Errorf("%s: message %q; want it to contain %q", tt.name, probs[0].Message, tt.msg)
		}
	}
	// A taskproof subcommand other than run is refused even when canonical.
	_, probs := NewPlan(&task.Document{Proofs: []task.ProofCommand{{Command: "taskproof verify x.log", Line: 3}}}, []string{"taskproof *"})
	if len(probs) != 1 || probs[0].Rule != RuleNotRunner {
		t.Errorf("taskproof verify under a broad glob: %v", probs)
	}
}
