package main

// The costs and the claims of one prove: how many git processes it starts,
// how often it reads and parses its inputs, and which tools its evidence
// names.

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/taskproof/taskproof/internal/cli"
	"github.com/taskproof/taskproof/internal/evidence"
	"github.com/taskproof/taskproof/internal/gittest"
)

// gitLogger puts a `git` first on PATH that logs each invocation to the
// returned file and execs the real git.
func gitLogger(t *testing.T) string {
	t.Helper()
	real, err := exec.LookPath("git")
	if err != nil {
		t.Skip("git not installed")
	}
	dir := t.TempDir()
	log := filepath.Join(dir, "git.log")
	script := "#!/bin/sh\nprintf '%s\\n' \"$*\" >> '" + log + "'\nexec '" + real + "' \"$@\"\n"
	if err := os.WriteFile(filepath.Join(dir, "git"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
	return log
}

func gitCalls(t *testing.T, log string) []string {
	t.Helper()
	data, err := os.ReadFile(log)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSpace(string(data)), "\n")
}

// counted runs taskproof in process with CI set (no live progress) and
// without any signing key from the caller's environment, counting the
// files its repositories read and parse (by path relative to root).
func counted(t *testing.T, root string, args ...string) (code int, stdout, stderr string, reads, parses map[string]int) {
	t.Helper()
	base, err := filepath.Abs(root)
	if err != nil {
		t.Fatal(err)
	}
	reads, parses = map[string]int{}, map[string]int{}
	rel := func(p string) string {
		r, _ := filepath.Rel(base, p)
		return filepath.ToSlash(r)
	}
	var out, errb bytes.Buffer
	env := &cli.Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb,
		Getenv: func(k string) string {
			switch k {
			case "CI":
				return "1"
			case evidence.EnvSigningKey, evidence.EnvSigningKeyFile, "GITHUB_STEP_SUMMARY":
				return ""
			}
			return os.Getenv(k)
		},
		Trace: cli.Trace{
			OnRead:  func(p string) { reads[rel(p)]++ },
			OnParse: func(p string) { parses[rel(p)]++ },
		}}
	code = runMain(context.Background(), env, args)
	return code, out.String(), errb.String(), reads, parses
}

// toolNames lists the tools a bundle's statement names, name=version.
func toolNames(t *testing.T, root, id, commit string) map[string]string {
	t.Helper()
	v := verifiedBundle(t, root, strings.TrimPrefix(id, "TASK-"), commit)
	tools := map[string]string{}
	for _, tool := range v.Predicate.Run.Tools {
		tools[tool.Name] = tool.Version
	}
	return tools
}

// TestQEMUProveReadsEachInputOnce proves TASK-0001 of examples/minios,
// whose one step boots the guest in QEMU: at most 8 git processes,
// taskproof.toml and the contract read once (the contract is also
// allowlisted content: the same read serves both), every task file parsed
// once, and the evidence names the QEMU that ran with its version.
func TestQEMUProveReadsEachInputOnce(t *testing.T) {
	root := miniosRepo(t)
	head := gittest.Git(t, root, "rev-parse", "HEAD")
	qemu, _ := exec.LookPath("qemu-system-x86_64")
	want, err := exec.Command(qemu, "--version").Output()
	if err != nil {
		t.Fatal(err)
	}
	log := gitLogger(t)

	code, out, errs, reads, parses := counted(t, root, "prove", "TASK-0001", "--root", root)
	if code != 0 {
		t.Fatalf("prove: exit %d\n%s\n%s", code, out, errs)
	}
	calls := gitCalls(t, log)
	if len(calls) > 8 {
		t.Errorf("prove started %d git processes, want at most 8:\n%s", len(calls), strings.Join(calls, "\n"))
	}
	t.Logf("git processes (%d):\n%s", len(calls), strings.Join(calls, "\n"))
	for _, f := range []string{"taskproof.toml", "proof/contract.toml"} {
		if reads[f] != 1 {
			t.Errorf("%s read %d times, want once", f, reads[f])
		}
	}
	tasks, _ := filepath.Glob(filepath.Join(root, "tasks", "TASK-*.md"))
	if len(tasks) < 3 {
		t.Fatalf("fixture: %d task files", len(tasks))
	}
	for _, p := range tasks {
		name := "tasks/" + filepath.Base(p)
		if parses[name] != 1 || reads[name] != 1 {
			t.Errorf("%s parsed %d and read %d times, want once each", name, parses[name], reads[name])
		}
	}
	var many []string
	for f, n := range reads {
		if n > 1 {
			many = append(many, f)
		}
	}
	sort.Strings(many)
	if len(many) > 0 {
		t.Errorf("files read more than once: %q", many)
	}

	tools := toolNames(t, root, "TASK-0001", head)
	if got, wantV := tools["qemu-system-x86_64"], strings.SplitN(strings.TrimSpace(string(want)), "\n", 2)[0]; got != wantV {
		t.Errorf("evidence names qemu-system-x86_64 %q, want the version of %s: %q (tools %v)", got, qemu, wantV, tools)
	}
	if !strings.HasPrefix(tools["git"], "git version ") || tools["taskproof"] != version {
		t.Errorf("tools %v", tools)
	}
}

// TestProvePlainScriptNamesNoQEMU proves tasks whose marker steps run a
// plain shell script, through `taskproof run` and under the harness as a
// Proof (QEMU) command: no QEMU ran, so the evidence must not name one.
func TestProvePlainScriptNamesNoQEMU(t *testing.T) {
	gittest.Require(t)
	root := t.TempDir()
	task := func(id, heading, cmd string) string {
		return "# " + id + ": plain\n\n- Status: In Progress\n\n## Stop conditions (Definition of Done)\n\n" +
			"- **" + heading + "**:\n  - Command(s):\n    - `" + cmd + "`\n  - Required markers:\n    - `boot ok`\n\n" +
			"## Touched paths (allowlist)\n\n- `boot.sh`\n"
	}
	gittest.WriteFiles(t, root, map[string]string{
		"taskproof.toml":              "[proof]\ncanonical = [\"taskproof run *\", \"./boot.sh*\"]\n",
		"proof/contract.toml":         "[contract]\nversion = 1\n\n[[marker]]\ntext = \"boot ok\"\nkind = \"ok\"\n",
		"boot.sh":                     "#!/bin/sh\necho boot ok\n",
		"tasks/TASK-0001-run.md":      task("TASK-0001", "Proof (QEMU)", "taskproof run --contract proof/contract.toml -- ./boot.sh"),
		"tasks/TASK-0002-harness.md":  task("TASK-0002", "Proof (QEMU)", "./boot.sh"),
		".gitignore":                  ".taskproof/\n",
		"tasks/README-not-a-task.txt": "x\n",
	})
	if err := os.Chmod(filepath.Join(root, "boot.sh"), 0o755); err != nil {
		t.Fatal(err)
	}
	head := gittest.Repo(t, root)
	writeKeys(t, root)
	for _, id := range []string{"TASK-0001", "TASK-0002"} {
		code, out, errs := proveCLI(t, "prove", id, "--root", root)
		if code != 0 {
			t.Fatalf("prove %s: exit %d\n%s\n%s", id, code, out, errs)
		}
		tools := toolNames(t, root, id, head)
		for name := range tools {
			if strings.Contains(strings.ToLower(name), "qemu") {
				t.Errorf("%s: the evidence names %s, but no QEMU ran (tools %v)", id, name, tools)
			}
		}
		if _, ok := tools["git"]; !ok || len(tools) != 2 {
			t.Errorf("%s: tools %v, want taskproof and git", id, tools)
		}
	}
}
