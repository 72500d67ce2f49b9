package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
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
	corpus, _ := filepath.Abs("../../../shared/corpus/open-nexus")
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(e *testscript.Env) error {
			e.Setenv("CORPUS", corpus)
			if _, err := os.Stat(corpus); err == nil {
				e.Setenv("HAVE_CORPUS", "1")
			}
			return nil
		},
		Condition: func(cond string) (bool, error) {
			switch cond {
			case "corpus":
				_, err := os.Stat(corpus)
				return err == nil, nil
			}
			return false, nil
		},
		UpdateScripts: os.Getenv("UPDATE_SCRIPTS") == "1",
	})
}
