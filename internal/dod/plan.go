package dod

import (
	"fmt"
	"path"
	"strings"

	"github.com/taskproof/taskproof/internal/task"
)

// Runner says how a step runs.
type Runner string

// Runners.
const (
	// RunnerRun is `taskproof run ...`: run in process through the run
	// command, with its own flags.
	RunnerRun Runner = "taskproof-run"
	// RunnerHarness is another command listed as a QEMU proof: run under
	// the harness against the project's contract (default profile).
	RunnerHarness Runner = "harness"
	// RunnerTests is a test command: its output is parsed as test results.
	RunnerTests Runner = "tests"
)

// Step is one proof command as prove runs it.
type Step struct {
	N       int            `json:"n"`       // 1-based, document order
	Command string         `json:"command"` // as written in the task
	Line    int            `json:"line"`
	Kind    task.ProofKind `json:"kind"`
	// Canonical is the [proof] canonical glob the command matched.
	Canonical string   `json:"canonical"`
	Env       []EnvVar `json:"env"`  // leading assignments, in order
	Argv      []string `json:"argv"` // what runs (go test with -json added)
	Runner    Runner   `json:"runner"`
	// Note explains a change prove made to the command, "" when none.
	Note string `json:"note,omitempty"`
}

// Plan is a task's Definition of Done as prove checks it.
type Plan struct {
	Task    task.ID          `json:"task"`
	Steps   []Step           `json:"steps"`
	Markers []task.MarkerRef `json:"markers"` // required markers, first occurrence of each text
	Tests   []task.TestRef   `json:"tests"`   // required tests, first occurrence of each name
}

// Rules a plan can break, named in Problem.Rule.
const (
	RuleNoProof      = "no-proof-command"    // the task lists no proof command
	RuleNotCanonical = "not-canonical"       // a command matches no canonical glob
	RuleShell        = "needs-a-shell"       // a command uses shell syntax prove does not run
	RuleNotRunner    = "not-a-proof-command" // taskproof subcommand other than run
)

// Problem is a reason a plan cannot run. Every problem is found before
// anything runs.
type Problem struct {
	Rule    string `json:"rule"`
	Line    int    `json:"line"` // task line, 0 when the task as a whole
	Command string `json:"command"`
	Message string `json:"message"`
}

func (p Problem) String() string {
	if p.Line > 0 {
		return fmt.Sprintf("line %d: %s", p.Line, p.Message)
	}
	return p.Message
}

// NoProofMessage is the problem of a task without proof commands.
const NoProofMessage = "the Stop conditions list no proof command: nothing to prove is never a pass; add the canonical command under `Command(s):`"

// NewPlan plans doc's Definition of Done against the canonical command
// globs. It returns the plan and every problem found; a plan with problems
// must not run.
func NewPlan(doc *task.Document, canonical []string) (*Plan, []Problem) {
	p := &Plan{Task: doc.ID, Steps: []Step{}, Markers: []task.MarkerRef{}, Tests: []task.TestRef{}}
	var probs []Problem
	if len(doc.Proofs) == 0 {
		probs = append(probs, Problem{Rule: RuleNoProof, Message: NoProofMessage})
	}
	for i, pc := range doc.Proofs {
		st := Step{N: i + 1, Command: strings.TrimSpace(pc.Command), Line: pc.Line, Kind: pc.Kind, Env: []EnvVar{}}
		c, err := Split(st.Command)
		if err != nil {
			probs = append(probs, Problem{Rule: RuleShell, Line: pc.Line, Command: st.Command,
				Message: fmt.Sprintf("proof command %q cannot run: %v; postflight scripts are not proof: a proof is one canonical command", st.Command, err)})
			continue
		}
		g, ok := MatchCanonical(canonical, st.Command, c)
		if !ok {
			probs = append(probs, Problem{Rule: RuleNotCanonical, Line: pc.Line, Command: st.Command, Message: notCanonical(st.Command, canonical)})
			continue
		}
		st.Canonical = g
		if c.Env != nil {
			st.Env = c.Env
		}
		st.Argv = c.Argv
		switch {
		case isTaskproof(c.Argv[0]) && len(c.Argv) > 1 && c.Argv[1] == "run":
			st.Runner = RunnerRun
		case isTaskproof(c.Argv[0]):
			probs = append(probs, Problem{Rule: RuleNotRunner, Line: pc.Line, Command: st.Command,
				Message: fmt.Sprintf("proof command %q is not `taskproof run`: of taskproof's commands only run executes a proof", st.Command)})
			continue
		case pc.Kind == task.ProofQEMU:
			st.Runner = RunnerHarness
		default:
			st.Runner = RunnerTests
			if argv, added := GoTestJSON(st.Argv); added {
				st.Argv = argv
				st.Note = "added -json: the same tests, with machine-readable output naming each test"
			}
		}
		p.Steps = append(p.Steps, st)
	}
	seenM := map[string]bool{}
	for _, m := range doc.Markers {
		if t := strings.TrimSpace(m.Text); t != "" && !seenM[t] {
			seenM[t] = true
			m.Text = t
			p.Markers = append(p.Markers, m)
		}
	}
	seenT := map[string]bool{}
	for _, t := range doc.Tests {
		if n := strings.TrimSpace(t.Name); n != "" && !seenT[n] {
			seenT[n] = true
			t.Name = n
			p.Tests = append(p.Tests, t)
		}
	}
	return p, probs
}

func notCanonical(cmd string, canonical []string) string {
	allowed := "none: [proof] canonical is empty"
	if len(canonical) > 0 {
		allowed = strings.Join(canonical, ", ")
	}
	return fmt.Sprintf("not a canonical proof command: %q matches none of [proof] canonical (%s); postflight scripts are not proof; add it to [proof] canonical in taskproof.toml only if it delegates to the canonical harness", cmd, allowed)
}

// isTaskproof reports whether argv0 names taskproof itself.
func isTaskproof(argv0 string) bool {
	return argv0 == "taskproof" || path.Base(argv0) == "taskproof"
}

// MarkerSteps reports whether the plan has a step that checks markers.
func (p *Plan) MarkerSteps() bool {
	for _, s := range p.Steps {
		if s.Runner != RunnerTests {
			return true
		}
	}
	return false
}

// TestSteps reports whether the plan has a step that yields test results.
func (p *Plan) TestSteps() bool {
	for _, s := range p.Steps {
		if s.Runner == RunnerTests {
			return true
		}
	}
	return false
}

// Undeclared returns the required markers for which declared is false, in
// plan order.
func (p *Plan) Undeclared(declared func(text string) bool) []task.MarkerRef {
	var out []task.MarkerRef
	for _, m := range p.Markers {
		if !declared(m.Text) {
			out = append(out, m)
		}
	}
	return out
}
