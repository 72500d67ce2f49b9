package main

import (
	"os"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/taskproof/taskproof/internal/testcorpus"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"taskproof": main,
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
		UpdateScripts: os.Getenv("UPDATE_SCRIPTS") == "1",
	})
}
