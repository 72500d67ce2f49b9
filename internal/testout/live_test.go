package testout

import (
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// The committed captures came from running the fixtures; these tests run
// them again with the toolchain on this machine and check that the parsed
// model is the same (names and outcomes; timings and ids differ), so a
// change in the runners' output shows up here rather than in the field.

// outcomes lists "suite|name|outcome" for the cases of run in suite
// ("" for all), sorted: libtest prints results in completion order.
func outcomes(run *Run, suite string) []string {
	var out []string
	for _, c := range run.Cases {
		if suite == "" || c.Suite == suite {
			out = append(out, c.Suite+"|"+c.Name+"|"+string(c.Outcome))
		}
	}
	sort.Strings(out)
	return out
}

func TestLiveGoTest(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("go not on PATH")
	}
	cmd := exec.Command("go", "test", "-json", "-count=1", "./calc")
	cmd.Dir = filepath.Join("testdata", "gofixture")
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOTOOLCHAIN=local", "GOFLAGS=-mod=mod")
	out, err := cmd.Output()
	if _, exit := err.(*exec.ExitError); err != nil && !exit {
		t.Fatal(err)
	}
	live := ParseGoTest(out)
	const calc = "example.com/gofixture/calc"
	want := outcomes(parseFile(t, "gotest_all.json"), calc)
	if got := outcomes(live, calc); !reflect.DeepEqual(got, want) {
		t.Errorf("live go test -json parses differently from the capture (run testdata/regen.sh?):\ngot  %q\nwant %q", got, want)
	}
	for _, c := range live.Cases {
		if !c.Timed {
			t.Errorf("%s: no duration", c.Name)
		}
	}
}

// TestLiveCargo compiles the fixture crate (about 15s), so it runs only
// with TASKPROOF_LIVE_RUNNERS=1.
func TestLiveCargo(t *testing.T) {
	if os.Getenv("TASKPROOF_LIVE_RUNNERS") != "1" {
		t.Skip("set TASKPROOF_LIVE_RUNNERS=1 to run cargo on the fixture crate")
	}
	if _, err := exec.LookPath("cargo"); err != nil {
		t.Fatal("TASKPROOF_LIVE_RUNNERS=1 but cargo is not on PATH")
	}
	cmd := exec.Command("cargo", "test", "--no-fail-fast")
	cmd.Dir = filepath.Join("testdata", "cargofixture")
	cmd.Env = append(os.Environ(), "CARGO_TARGET_DIR="+t.TempDir(), "CARGO_NET_OFFLINE=true", "RUST_BACKTRACE=0")
	out, err := cmd.CombinedOutput()
	if _, exit := err.(*exec.ExitError); err != nil && !exit {
		t.Fatal(err)
	}
	live := ParseCargo(out)
	want := parseFile(t, "cargo_nofailfast.txt")
	if got, w := outcomes(live, ""), outcomes(want, ""); !reflect.DeepEqual(got, w) {
		t.Errorf("live cargo test parses differently from the capture:\ngot  %q\nwant %q", got, w)
	}
	if !live.Crashed || !strings.Contains(live.CrashReason, `"tests/crash.rs"`) {
		t.Errorf("the aborting binary is not a crash: %q", live.CrashReason)
	}
}
