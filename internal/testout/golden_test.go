package testout

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/taskproof/taskproof/internal/golden"
)

// wantFormat is the format every input must be detected as, by file name:
// gotest_* and cargo_* are captured from the real runners (regen.sh), the
// rest are written by hand.
func wantFormat(name string) Format {
	switch {
	case strings.HasSuffix(name, ".xml"):
		return FormatJUnit
	case strings.HasPrefix(name, "gotest_"):
		return FormatGoTest
	case strings.HasPrefix(name, "cargo_"):
		return FormatCargo
	case strings.HasPrefix(name, "pytest_"):
		return FormatPytest
	case strings.HasPrefix(name, "ktap_"):
		return FormatKTAP
	case strings.HasPrefix(name, "tap"):
		return FormatTAP
	}
	return ""
}

// TestGolden parses every input in testdata/inputs with the detected
// format and compares the report, rendered as JSON, with
// testdata/golden/NAME.golden (or the error, NAME.err.golden).
func TestGolden(t *testing.T) {
	inputs, err := filepath.Glob("testdata/inputs/*")
	if err != nil || len(inputs) == 0 {
		t.Fatalf("no inputs: %v", err)
	}
	for _, in := range inputs {
		name := filepath.Base(in)
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			want := wantFormat(name)
			if got := Detect(data); got != want {
				t.Errorf("Detect = %q, want %q", got, want)
			}
			run, err := Parse(data, "")
			if err != nil {
				golden.Check(t, "testdata/golden/"+name+".err.golden", []byte(err.Error()+"\n"))
				return
			}
			checkInvariants(t, run, data)
			b, err := json.MarshalIndent(NewReport(run, nil), "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			golden.Check(t, "testdata/golden/"+name+".golden", append(b, '\n'))
		})
	}
}

// checkInvariants holds for every parse of every input, fuzzed ones too.
func checkInvariants(t *testing.T, run *Run, data []byte) {
	t.Helper()
	s := run.Summary()
	if s.Passed+s.Failed+s.Skipped+s.Errored != s.Total || s.Total != len(run.Cases) {
		t.Errorf("summary %+v does not add up to %d cases", s, len(run.Cases))
	}
	lines := bytes.Count(data, []byte("\n")) + 1
	for i, c := range run.Cases {
		switch c.Outcome {
		case Passed, Failed, Skipped, Errored:
		default:
			t.Errorf("case %d %q: outcome %q", i, c.Name, c.Outcome)
		}
		if len(c.Message) > MaxMessage {
			t.Errorf("case %d %q: message of %d bytes exceeds MaxMessage", i, c.Name, len(c.Message))
		}
		if c.Outcome == Passed && c.Message != "" {
			t.Errorf("case %d %q: a passed case carries a message", i, c.Name)
		}
		if c.Line < 1 || c.Line > lines {
			t.Errorf("case %d %q: line %d outside 1..%d", i, c.Name, c.Line, lines)
		}
	}
	if run.Crashed != (run.CrashReason != "") {
		t.Errorf("crashed=%v with reason %q", run.Crashed, run.CrashReason)
	}
	p := run.Problems()
	if s.Passed+s.Failed+s.Errored == 0 && len(p) == 0 {
		t.Error("a run where no test executed has no problem")
	}
	if len(p) == 0 && (s.Failed > 0 || s.Errored > 0 || run.Crashed) {
		t.Errorf("a failing run has no problem: %+v", s)
	}
}
