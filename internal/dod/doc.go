// Package dod plans and judges a task's Definition of Done for
// `taskproof prove`. It is pure: it takes a parsed task document, the
// canonical command globs of taskproof.toml and the facts a proof observed,
// and returns values; the CLI runs the commands and git.
//
// # Plan
//
// NewPlan turns a task into an ordered list of steps, one per proof command
// (task.Document.Proofs, in document order), plus the markers and tests the
// task requires (duplicates folded, first occurrence kept). Every command is
// checked before anything runs:
//
//   - it is split into words the way sh would (quotes and backslashes), but
//     nothing is expanded and no shell runs it: pipes, lists, redirections,
//     substitutions, unquoted globs and `~` are refused, so a proof is
//     exactly one command;
//   - leading NAME=value words are environment assignments for that command;
//   - the rest must match one glob of [proof] canonical (`*` matches any
//     text; "go test *" also matches "go test"); anything else is refused:
//     postflight scripts are not proof.
//
// Each step has a runner: `taskproof run ...` runs in process through the
// run command; another command listed under a QEMU proof runs under the
// harness against the project's contract; anything else is a test command
// whose output is parsed as test results. `go test` gets -json when it lacks
// it: the same tests, with machine-readable output that names each test.
//
// # Judgement
//
// Judge turns what the steps, the scope check and the hygiene check observed
// into one evidence.Item per Definition-of-Done item, in plan order:
// each command, each required marker, each required test, scope, hygiene.
// The overall verdict is proven only when there is at least one item and
// every item is proven. Reasons are one line and hold no timings, so that
// proving the same commit twice yields the same items.
//
// # Logs
//
// NormalizeTestLog removes what makes a test runner's console differ
// between two runs of the same code (test2json Time and Elapsed fields,
// durations, "(cached)"), so that the evidence files stay deterministic.
package dod
