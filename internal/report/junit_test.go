package report

import (
	"encoding/xml"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/taskproof/taskproof/internal/verify"
)

// crashCases are runs that could not be judged: the process died (CRASH)
// or never started (INFRA).
func crashCases() map[string]*Report {
	crash := verify.Result{
		Verdict: verify.Crash, Lines: 2, Bytes: 20, Required: 3, Found: 1,
		Failure: &verify.Failure{Kind: verify.Crash, Phase: "kernel", Message: "qemu exited with signal 11 before the verdict was known",
			Excerpt: []string{"boot ok", "Segmentation fault"}, ExcerptStart: 1},
	}
	r1 := New(spec(), crash, []Timed{{obs("boot ok", verify.KindOK, "boot", 1), 40 * time.Millisecond, true}})
	r1.Tool, r1.ExitCode, r1.DurationMS = "run", 3, 90
	infra := verify.Result{
		Verdict: verify.Infra, Required: 3,
		Failure: &verify.Failure{Kind: verify.Infra, Message: `exec: "qemu-system-x86_64": executable file not found in $PATH`},
	}
	r2 := New(spec(), infra, nil)
	r2.Tool, r2.ExitCode = "run", 3
	return map[string]*Report{"crash": r1, "infra": r2}
}

type junitDoc struct {
	Errors int `xml:"errors,attr"`
	Suites []struct {
		Tests     int    `xml:"tests,attr"`
		Failures  int    `xml:"failures,attr"`
		Errors    int    `xml:"errors,attr"`
		Time      string `xml:"time,attr"`
		Timestamp string `xml:"timestamp,attr"`
		Hostname  string `xml:"hostname,attr"`
		Cases     []struct {
			Name    string    `xml:"name,attr"`
			Time    string    `xml:"time,attr"`
			Failure *struct{} `xml:"failure"`
			Error   *struct {
				Type string `xml:"type,attr"`
			} `xml:"error"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

// TestJUnitValidatesAgainstJenkinsSchema: every JUnit file taskproof
// writes (pass, every failure kind, crash, infra, with and without the
// suite's timestamp and hostname) is valid under the Jenkins xUnit
// plugin's JUnit schema, checked by xmllint; and xmllint does reject a
// file the schema forbids.
func TestJUnitValidatesAgainstJenkinsSchema(t *testing.T) {
	xmllint, err := exec.LookPath("xmllint")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("xmllint not found: scripts/setup.sh installs libxml2-utils")
		}
		t.Skip("xmllint not installed (apt-get install libxml2-utils)")
	}
	dir := t.TempDir()
	var files []string
	add := func(name string, data []byte) {
		p := filepath.Join(dir, name+".xml")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, p)
	}
	meta := JUnitSuite{Started: time.Date(2026, 12, 5, 14, 3, 4, 0, time.FixedZone("x", 3600)), Hostname: "ci-runner-7"}
	for name, r := range cases() {
		add(name, r.JUnit())
		add(name+"-meta", r.JUnitFor(meta))
	}
	for name, r := range crashCases() {
		add(name, r.JUnitFor(meta))
	}
	out, err := exec.Command(xmllint, append([]string{"--noout", "--schema", "testdata/junit-10.xsd"}, files...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("JUnit fails the Jenkins schema: %v\n%s", err, out)
	}
	if n := strings.Count(string(out), " validates"); n != len(files) {
		t.Fatalf("%d of %d files validate:\n%s", n, len(files), out)
	}
	// The validator can fail: a suite without its required errors count.
	const suite = `<testsuite name="taskproof run (smp)" tests="4" failures="0"`
	bad := strings.Replace(string(cases()["pass"].JUnit()), suite+` errors="0"`, suite, 1)
	if !strings.Contains(bad, suite+` time=`) {
		t.Fatalf("negative case not built:\n%s", bad)
	}
	p := filepath.Join(dir, "bad.xml")
	if err := os.WriteFile(p, []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(xmllint, "--noout", "--schema", "testdata/junit-10.xsd", p).CombinedOutput(); err == nil {
		t.Fatalf("xmllint accepted a suite without errors=:\n%s", out)
	}
}

// TestJUnitErrorsTimesAndSuiteAttributes: a run that could not be judged
// is <error>, not <failure>; case times are durations that add up to the
// suite's time; the suite carries timestamp and hostname.
func TestJUnitErrorsTimesAndSuiteAttributes(t *testing.T) {
	parse := func(data []byte) junitDoc {
		t.Helper()
		var d junitDoc
		if err := xml.Unmarshal(data, &d); err != nil {
			t.Fatal(err)
		}
		return d
	}
	meta := JUnitSuite{Started: time.Date(2026, 12, 5, 14, 3, 4, 0, time.FixedZone("x", 3600)), Hostname: "ci-runner-7"}
	for name, r := range crashCases() {
		d := parse(r.JUnitFor(meta))
		s := d.Suites[0]
		want := 1 // the verdict, and every marker not seen
		for _, c := range r.Checks {
			if !c.Passed {
				want++
			}
		}
		if want < 3 || s.Failures != 0 || s.Errors != want || d.Errors != want {
			t.Errorf("%s: failures=%d errors=%d (testsuites %d), want 0, %d", name, s.Failures, s.Errors, d.Errors, want)
		}
		for _, c := range s.Cases {
			if c.Failure != nil {
				t.Errorf("%s: case %s is a failure", name, c.Name)
			}
		}
		if v := s.Cases[len(s.Cases)-1]; v.Error == nil || v.Error.Type != r.Verdict {
			t.Errorf("%s: verdict case is not an error of type %s", name, r.Verdict)
		}
		if s.Timestamp != "2026-12-05T13:03:04" || s.Hostname != "ci-runner-7" {
			t.Errorf("%s: timestamp %q hostname %q", name, s.Timestamp, s.Hostname)
		}
	}
	// Check failures stay failures.
	if s := parse(cases()["missing"].JUnit()).Suites[0]; s.Errors != 0 || s.Failures == 0 {
		t.Errorf("missing: failures=%d errors=%d", s.Failures, s.Errors)
	}
	// pass: markers at 12, 340 and 350 ms of an 812 ms run take 0.012,
	// 0.328 and 0.010 s; the verdict case the remaining 0.462 s.
	s := parse(cases()["pass"].JUnit()).Suites[0]
	want := []string{"0.012", "0.328", "0.010", "0.462"}
	sum := 0.0
	for i, c := range s.Cases {
		if c.Time != want[i] {
			t.Errorf("pass: case %s time %s, want %s", c.Name, c.Time, want[i])
		}
		f, _ := strconv.ParseFloat(c.Time, 64)
		sum += f
	}
	if total, _ := strconv.ParseFloat(s.Time, 64); sum < total-0.0005 || sum > total+0.0005 {
		t.Errorf("pass: case times add up to %.3f, suite time %s", sum, s.Time)
	}
	if s.Timestamp != "" || s.Hostname != "" {
		t.Errorf("JUnit() without a suite context has timestamp %q hostname %q", s.Timestamp, s.Hostname)
	}
}
