package report

import (
	"encoding/json"
	"encoding/xml"
	"strings"
	"testing"
	"time"

	"github.com/taskproof/taskproof/internal/golden"
	"github.com/taskproof/taskproof/internal/verify"
)

func spec() *verify.Spec {
	return &verify.Spec{
		Phases: []string{"boot", "kernel"},
		Markers: []verify.Marker{
			{ID: "boot ok", Text: "boot ok", Kind: verify.KindOK, Phase: "boot", Required: true},
			{ID: "mm: ready | 4 pages", Text: "mm: ready | 4 pages", Kind: verify.KindReady, Phase: "kernel", Required: true, After: []string{"boot ok"}},
			{ID: "tick", Text: "tick", Kind: verify.KindOK, Phase: "kernel", Required: true, Min: 2},
			{ID: "net stub", Text: "net stub", Kind: verify.KindStub, Phase: "kernel"},
		},
	}
}

func obs(id string, kind verify.Kind, phase string, line int) verify.Observation {
	return verify.Observation{Marker: id, Kind: kind, Phase: phase, Line: line, Text: id}
}

func cases() map[string]*Report {
	pass := verify.Result{
		Verdict: verify.Pass, Lines: 40, Bytes: 900, Required: 3, Found: 3,
		Warnings: []verify.Warning{
			{Line: 14, Text: "policyd: audit emit FAIL", Word: "FAIL", Phase: "kernel"},
			{Line: 20, Text: "init: rollback fail", Word: "fail", Phase: "kernel"},
		},
	}
	passMarks := []Timed{
		{obs("boot ok", verify.KindOK, "boot", 3), 12 * time.Millisecond, true},
		{obs("mm: ready | 4 pages", verify.KindReady, "kernel", 9), 340 * time.Millisecond, true},
		{obs("tick", verify.KindOK, "kernel", 10), 350 * time.Millisecond, true},
		{obs("net stub", verify.KindStub, "kernel", 11), 351 * time.Millisecond, true},
		{obs("tick", verify.KindOK, "kernel", 12), 360 * time.Millisecond, true},
	}
	r1 := New(spec(), pass, passMarks)
	r1.Tool, r1.ExitCode, r1.StoppedEarly, r1.DurationMS = "run", 0, true, 812
	r1.Contract, r1.Profile, r1.Log = "proof/contract.toml", "smp", "build/console.log"
	r1.Command = []string{"qemu-system-x86_64", "-kernel", "kernel.elf"}
	r1.Process = &Process{}

	forbidden := verify.Result{
		Verdict: verify.Forbidden, Lines: 8, Bytes: 200, Required: 3, Found: 1,
		Seen: []verify.Observation{
			obs("boot ok", verify.KindOK, "boot", 3),
			obs("panic", verify.KindFail, "", 8),
		},
		Failure: &verify.Failure{
			Kind: verify.Forbidden, Marker: "panic", Phase: "kernel", Line: 8,
			Message:      `forbidden marker "panic" appeared while phase kernel was running`,
			Excerpt:      []string{"mm: init <&> \"x\"", "``` fence | pipe", "PANIC: \x1b[31mboom\x00"},
			ExcerptStart: 6,
		},
	}
	r2 := New(spec(), forbidden, nil)
	r2.Tool, r2.ExitCode, r2.Log = "verify", 1, "-"

	missing := verify.Result{
		Verdict: verify.Timeout, Lines: 3, Bytes: 30, Required: 3, Found: 1,
		Failure: &verify.Failure{Kind: verify.Timeout, Phase: "kernel", Message: "no verdict within 1s",
			Excerpt: []string{"boot ok", "tick", "waiting"}, ExcerptStart: 8},
	}
	r3 := New(spec(), missing, []Timed{
		{obs("boot ok", verify.KindOK, "boot", 1), 5 * time.Millisecond, true},
		{obs("tick", verify.KindOK, "kernel", 2), 6 * time.Millisecond, true},
	})
	r3.Tool, r3.ExitCode, r3.DurationMS = "run", 4, 3000
	r3.Command = []string{"sh", "-c", "echo boot ok; sleep 60"}
	r3.Process = &Process{TimedOut: true, Killed: true}
	near := []verify.NearMiss{
		{Marker: "mm: ready | 4 pages", Line: 5, Text: "[ERROR mm] mm: ready | 4 pages", Reason: `the prefix "[ERROR mm]" reports a failure`, Fix: "the guest reported a failure on this line"},
		{Marker: "mm: ready | 4 pages", Line: 7, Text: "mm: ready | 4 pages (retry)", Reason: `text after the marker ("(retry)")`, Fix: "a marker ends its line"},
	}
	absent := verify.Result{
		Verdict: verify.Missing, Lines: 9, Bytes: 120, Required: 3, Found: 2, NearMisses: near,
		Failure: &verify.Failure{Kind: verify.Missing, Marker: "mm: ready | 4 pages", Phase: "kernel",
			Message: `required marker "mm: ready | 4 pages" never appeared; 2 of 3 required markers seen`,
			Excerpt: []string{"tick", "tick"}, ExcerptStart: 8, NearMisses: near},
		WarningsDropped: 1,
		Warnings:        []verify.Warning{{Line: 6, Text: "mm: map error", Word: "error", Phase: "boot"}},
	}
	r4 := New(spec(), absent, []Timed{
		{obs("boot ok", verify.KindOK, "boot", 1), 0, false},
		{obs("tick", verify.KindOK, "kernel", 8), 0, false},
		{obs("tick", verify.KindOK, "kernel", 9), 0, false},
	})
	r4.Tool, r4.ExitCode, r4.Log = "verify", 1, "console.log"
	return map[string]*Report{"pass": r1, "forbidden": r2, "timeout": r3, "missing": r4}
}

func TestGolden(t *testing.T) {
	for name, r := range cases() {
		t.Run(name, func(t *testing.T) {
			golden.Check(t, "testdata/"+name+".json.golden", r.JSON())
			golden.Check(t, "testdata/"+name+".xml.golden", r.JUnit())
			golden.Check(t, "testdata/"+name+".md.golden", r.Markdown())
			unit := "in 0.8s"
			golden.Check(t, "testdata/"+name+".txt.golden", []byte(r.Text(unit)))
		})
	}
}

func TestChecks(t *testing.T) {
	c := cases()
	checks := func(r *Report) string {
		var s []string
		for _, c := range r.Checks {
			mark := "-"
			if c.Passed {
				mark = "+"
			}
			s = append(s, mark+c.Marker)
		}
		return strings.Join(s, ",")
	}
	for name, want := range map[string]string{
		"pass":      "+boot ok,+mm: ready | 4 pages,+tick",
		"forbidden": "+boot ok,-mm: ready | 4 pages,-tick",
		"timeout":   "+boot ok,-mm: ready | 4 pages,-tick", // tick seen once, needs 2
		"missing":   "+boot ok,-mm: ready | 4 pages,+tick",
	} {
		if got := checks(c[name]); got != want {
			t.Errorf("%s checks = %s, want %s", name, got, want)
		}
	}
}

func TestJSONFields(t *testing.T) {
	var m map[string]any
	if err := json.Unmarshal(cases()["pass"].JSON(), &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"verdict", "exit_code", "stopped_early", "duration_ms", "markers", "failure", "command", "profile", "tool"} {
		if _, ok := m[k]; !ok {
			t.Errorf("JSON report lacks %q", k)
		}
	}
	mk := m["markers"].([]any)[0].(map[string]any)
	for _, k := range []string{"marker", "line", "at_ms"} {
		if _, ok := mk[k]; !ok {
			t.Errorf("JSON marker lacks %q", k)
		}
	}
	if m["failure"] != nil {
		t.Errorf("PASS report has a failure: %v", m["failure"])
	}
}

func TestJUnitIsValidXML(t *testing.T) {
	for name, r := range cases() {
		var doc struct {
			Suites []struct {
				Tests    int `xml:"tests,attr"`
				Failures int `xml:"failures,attr"`
				Cases    []struct {
					Name    string `xml:"name,attr"`
					Failure *struct {
						Message string `xml:"message,attr"`
						Body    string `xml:",chardata"`
					} `xml:"failure"`
				} `xml:"testcase"`
			} `xml:"testsuite"`
		}
		if err := xml.Unmarshal(r.JUnit(), &doc); err != nil {
			t.Fatalf("%s: invalid XML: %v", name, err)
		}
		if len(doc.Suites) != 1 {
			t.Fatalf("%s: %d test suites, want 1", name, len(doc.Suites))
		}
		s := doc.Suites[0]
		if len(s.Cases) != len(r.Checks)+1 || s.Tests != len(s.Cases) {
			t.Errorf("%s: %d cases (tests=%d), want %d", name, len(s.Cases), s.Tests, len(r.Checks)+1)
		}
		failed := 0
		for _, c := range s.Cases {
			if c.Failure != nil {
				failed++
			}
		}
		if failed != s.Failures || (r.Verdict == "PASS") != (failed == 0) {
			t.Errorf("%s: %d failed cases, failures=%d, verdict %s", name, failed, s.Failures, r.Verdict)
		}
	}
	// The excerpt's markup characters survive escaping.
	var doc struct {
		Body []string `xml:"testsuite>testcase>failure"`
	}
	if err := xml.Unmarshal(cases()["forbidden"].JUnit(), &doc); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.Join(doc.Body, ""), `mm: init <&> "x"`) {
		t.Errorf("excerpt not round-tripped through XML: %q", doc.Body)
	}
}

// TestWarningsInEveryOutput: undeclared failure lines reach the text, the
// JSON report, JUnit and the job summary, each with its line number.
func TestWarningsInEveryOutput(t *testing.T) {
	r := cases()["pass"]
	for name, out := range map[string]string{
		"text": r.Text("in 1s"), "json": string(r.JSON()), "junit": string(r.JUnit()), "markdown": string(r.Markdown()),
	} {
		for _, want := range []string{"14", "policyd: audit emit FAIL", "20", "init: rollback fail"} {
			if !strings.Contains(out, want) {
				t.Errorf("%s output lacks %q:\n%s", name, want, out)
			}
		}
	}
}
