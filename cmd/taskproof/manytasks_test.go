package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/taskproof/taskproof/internal/gittest"
)

// sixQEMURuns are the distinct QEMU runs of a generated many-task repository:
// two minios variants that pass, each under three contract profiles.
var sixQEMURuns = []qemuRun{
	{"pass", "default", "60s"}, {"linger", "default", "60s"},
	{"pass", "boot", "60s"}, {"linger", "boot", "60s"},
	{"pass", "smoke", "60s"}, {"linger", "smoke", "60s"},
}

// qemuRun is one QEMU boot of a minios variant under a contract profile.
type qemuRun struct{ variant, profile, timeout string }

// command is the run's proof command.
func (r qemuRun) command() string {
	return fmt.Sprintf("taskproof run --contract proof/contract.toml --profile %s --timeout %s -- ./boot.sh %s", r.profile, r.timeout, r.variant)
}

// manyTasks describes a generated repository.
type manyTasks struct {
	root  string
	boots string // the file boot.sh appends one line to per QEMU boot
	n     int
	runs  []qemuRun
}

// runsOf lists the QEMU runs task i names: run i%len(runs), and for every
// fifth task also the next one; every seventh task also runs go test.
func (m manyTasks) runsOf(i int) (qemu []int, gotest bool) {
	qemu = []int{i % len(m.runs)}
	if i%5 == 0 {
		qemu = append(qemu, (i+1)%len(m.runs))
	}
	return qemu, i%7 == 0
}

// newManyTasks generates a git repository of n tasks whose proofs are the
// six QEMU runs of minios (shared: about n/6 tasks name each), some tasks
// with a go test command too. Task i allowlists src/run<k>/ of each run k
// it names and its own src/task-<i>.txt. The guest is built from
// examples/minios into build/ (ignored); boot.sh counts the boots in a
// file outside the repository, named by $MANY_BOOTS.
func newManyTasks(t testing.TB, n int, runs []qemuRun) manyTasks {
	t.Helper()
	requireQEMUTools(t)
	gittest.Require(t)
	src, err := filepath.Abs("../../examples/minios")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	m := manyTasks{root: filepath.Join(dir, "many"), boots: filepath.Join(dir, "boots.txt"), n: n, runs: runs}
	files := map[string]string{
		".gitignore":        "build/\n.taskproof/\nlanes/\n",
		"taskproof.toml":    "[tasks]\ndir = \"tasks\"\npattern = \"TASK-*.md\"\n\n[proof]\ncontract = \"proof/contract.toml\"\ncanonical = [\"taskproof run *\", \"go test *\"]\n",
		"boot.sh":           "#!/usr/bin/env bash\n# One QEMU boot of minios, counted in $MANY_BOOTS.\necho \"$1\" >> \"${MANY_BOOTS:-/dev/null}\"\nexec \"$(dirname \"$0\")/qemu.sh\" \"$@\"\n",
		"go.mod":            "module example.com/many\n\ngo 1.22\n",
		"calc/calc.go":      "// Package calc adds.\npackage calc\n\n// Add returns a+b.\nfunc Add(a, b int) int { return a + b }\n",
		"calc/calc_test.go": "package calc\n\nimport \"testing\"\n\nfunc TestAdd(t *testing.T) {\n\tif Add(2, 3) != 5 {\n\t\tt.Fatal(\"2+3\")\n\t}\n}\n",
	}
	for _, name := range []string{"minios.s", "minios.ld", "build.sh", "qemu.sh", "proof/contract.toml"} {
		data, err := os.ReadFile(filepath.Join(src, name))
		if err != nil {
			t.Fatal(err)
		}
		files[name] = string(data)
	}
	files["proof/contract.toml"] += "\n[profile.boot]\nextends = \"default\"\ndescription = \"the boot ladder, for the boot tasks\"\n\n[profile.smoke]\nextends = \"default\"\ndescription = \"a smoke boot\"\n"
	for k := range runs {
		files[fmt.Sprintf("src/run%d/area.txt", k)] = fmt.Sprintf("area of run %d\n", k)
	}
	ladder := []string{"minios: boot ok", "minios: serial ready", "minios: memory ok", "minios: timer ready", "minios: selftest ok", "minios: all done"}
	for i := 1; i <= n; i++ {
		qemu, gotest := m.runsOf(i)
		var cmds, allow []string
		for _, k := range qemu {
			cmds = append(cmds, "    - `"+runs[k].command()+"`")
			allow = append(allow, fmt.Sprintf("- `src/run%d/**`", k))
		}
		allow = append(allow, fmt.Sprintf("- `src/task-%d.txt`", i))
		tests := ""
		if gotest {
			allow = append(allow, "- `calc/**`")
			tests = "- **Proof (tests)**:\n  - Command(s):\n    - `go test ./calc/...`\n  - Required tests:\n    - `TestAdd`\n"
		}
		var markers []string
		for k := 0; k <= i%len(ladder); k++ {
			markers = append(markers, "    - `"+ladder[k]+"`")
		}
		files[fmt.Sprintf("src/task-%d.txt", i)] = fmt.Sprintf("work of task %d\n", i)
		files[fmt.Sprintf("tasks/TASK-%04d-generated.md", i)] = fmt.Sprintf(`---
title: TASK-%04d Generated task %d
status: In Progress
---

## Goal

- Task %d of a generated repository.

## Stop conditions (Definition of Done)

- **Proof (QEMU)**:
  - Command(s):
%s
  - Required markers:
%s
%s
## Touched paths (allowlist)

%s
`, i, i, i, strings.Join(cmds, "\n"), strings.Join(markers, "\n"), tests, strings.Join(allow, "\n"))
	}
	gittest.WriteFiles(t, m.root, files)
	for _, x := range []string{"boot.sh", "build.sh", "qemu.sh"} {
		if err := os.Chmod(filepath.Join(m.root, x), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	gittest.Repo(t, m.root)
	variants := map[string]bool{}
	args := []string{filepath.Join(m.root, "build.sh"), filepath.Join(m.root, "build")}
	for _, r := range runs {
		if !variants[r.variant] {
			variants[r.variant] = true
			args = append(args, r.variant)
		}
	}
	if out, err := exec.Command("bash", args...).CombinedOutput(); err != nil {
		t.Fatalf("build.sh: %v\n%s", err, out)
	}
	writeKeys(t, m.root)
	return m
}

// bootCount is how many QEMU boots boot.sh has counted.
func (m manyTasks) bootCount(t testing.TB) int {
	t.Helper()
	data, err := os.ReadFile(m.boots)
	if os.IsNotExist(err) {
		return 0
	}
	if err != nil {
		t.Fatal(err)
	}
	return strings.Count(string(data), "\n")
}

// taskproof runs the taskproof binary testscript installed on PATH, as a
// separate process, in dir, with CI set and the boot counter.
func (m manyTasks) taskproof(t testing.TB, dir string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	cmd := exec.Command("taskproof", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CI=1", "MANY_BOOTS="+m.boots, "TASKPROOF_SIGNING_KEY=", "TASKPROOF_SIGNING_KEY_FILE=")
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("taskproof %v: %v", args, err)
	}
	return code, out.String(), errb.String()
}
