package repo

import (
	"testing"

	"github.com/taskproof/taskproof/internal/gittest"
)

func TestLintEnv(t *testing.T) {
	for _, c := range []struct {
		name      string
		files     map[string]string
		declares  bool // the contract's "boot ok" is declared
		skipped   bool
		canonical bool
	}{
		{"contract and config", map[string]string{"taskproof.toml": "[proof]\ncanonical = [\"make *\"]\n", "proof/contract.toml": contractOK}, true, false, true},
		{"no contract, no config", map[string]string{}, false, false, false},
		{"broken contract", map[string]string{"proof/contract.toml": "[contract\n"}, false, true, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			c.files["tasks/TASK-0001-one.md"] = taskOne
			gittest.WriteFiles(t, dir, c.files)
			env, skipped, err := Open(dir).LintEnv()
			if err != nil {
				t.Fatal(err)
			}
			if (skipped != nil) != c.skipped {
				t.Errorf("skipped = %v, want skipped %v", skipped, c.skipped)
			}
			if got := env.DeclaredMarker != nil && env.DeclaredMarker("boot ok"); got != c.declares {
				t.Errorf("declares boot ok = %v, want %v", got, c.declares)
			}
			if env.DeclaredMarker != nil && env.DeclaredMarker("boot maybe") {
				t.Error("an undeclared marker is declared")
			}
			if got := len(env.CanonicalProof) > 0; got != c.canonical {
				t.Errorf("canonical proof %q, want some: %v", env.CanonicalProof, c.canonical)
			}
			if string(env.Source("tasks/TASK-0001-one.md")) != taskOne || env.Source("tasks/nope.md") != nil {
				t.Error("Source does not give the parsed documents' bytes, and only theirs")
			}
			if !env.PathExists("tasks/TASK-0001-one.md") || env.PathExists("tasks/nope.md") || len(env.Repo) != 1 {
				t.Errorf("PathExists or Repo (%d tasks) wrong", len(env.Repo))
			}
		})
	}
}

// TestLintFiles: linting one file still sees the repository's other
// tasks (a duplicate id elsewhere), and a file that is no task file is an
// error.
func TestLintFiles(t *testing.T) {
	dir := t.TempDir()
	gittest.WriteFiles(t, dir, map[string]string{
		"tasks/TASK-0002-two.md":   taskTwo,
		"tasks/TASK-0002-again.md": taskDup,
		"tasks/TASK-0001-one.md":   taskOne,
	})
	r := Open(dir)
	rep, _, err := r.Lint([]string{dir + "/tasks/TASK-0002-two.md"})
	if err != nil {
		t.Fatal(err)
	}
	dup := 0
	for _, d := range rep.Diagnostics {
		if d.Rule == "duplicate-id" {
			dup++
		}
	}
	if rep.Files != 1 || dup == 0 || rep.Counts.Error == 0 {
		t.Errorf("one file: %d files, %d duplicate-id findings, %+v", rep.Files, dup, rep.Counts)
	}
	all, _, err := r.Lint(nil)
	if err != nil || all.Files != 3 {
		t.Errorf("every task: %d files, %v", all.Files, err)
	}
	if _, _, err := r.Lint([]string{dir + "/tasks/nope.md"}); err == nil {
		t.Error("a missing file linted without error")
	}
}
