package main

import (
	"errors"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/taskproof/taskproof/internal/testcorpus"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"taskproof":      main,
		"taskproof-peak": peakMain,
	})
}

// TestScript runs the CLI behaviour pinned in testdata/script/*.txtar.
// Scripts see $CORPUS (the open-nexus corpus, when present) and may use
// [exec:qemu-system-x86_64] conditions.
func TestScript(t *testing.T) {
	corpus, _ := testcorpus.Lookup()
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(e *testscript.Env) error {
			e.Setenv("CORPUS", corpus)
			if _, ok := testcorpus.Lookup(); ok {
				e.Setenv("HAVE_CORPUS", "1")
			}
			return nil
		},
		Condition: func(cond string) (bool, error) {
			switch cond {
			case "corpus":
				_, ok := testcorpus.Lookup()
				return ok, nil
			}
			return false, nil
		},
		Cmds: map[string]func(*testscript.TestScript, bool, []string){"exitcode": cmdExitcode,
			"sarifcheck": cmdSARIFCheck, "gitlabcheck": cmdGitLabCheck, "outputcheck": cmdOutputCheck},
		UpdateScripts: os.Getenv("UPDATE_SCRIPTS") == "1",
	})
}

// cmdExitcode is the script command "exitcode N PROGRAM [ARGS...]": it runs
// PROGRAM as exec does, keeping its stdout and stderr for the stdout and
// stderr commands, and fails unless PROGRAM exits with status N.
func cmdExitcode(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("unsupported: ! exitcode (the status is the argument)")
	}
	if len(args) < 2 {
		ts.Fatalf("usage: exitcode N PROGRAM [ARGS...]")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil || want < 0 || want > 255 {
		ts.Fatalf("exitcode: %q is not an exit status (0-255)", args[0])
	}
	got := 0
	if err := ts.Exec(args[1], args[2:]...); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			ts.Fatalf("exitcode: %s did not run: %v", args[1], err)
		}
		got = ee.ExitCode()
	}
	if got != want {
		ts.Fatalf("%s exited with status %d, want %d", strings.Join(args[1:], " "), got, want)
	}
}
