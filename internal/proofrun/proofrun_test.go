package proofrun

import (
	"context"
	"io/fs"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/taskproof/taskproof/internal/verify"
)

func TestParseSize(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int64
		ok   bool
	}{
		{"8MiB", 8 << 20, true},
		{"4096", 4096, true},
		{"64K", 64 << 10, true},
		{"1 GiB", 1 << 30, true},
		{"2B", 0, false},
		{"1000", 0, false}, // under 1 KiB
		{"-5", 0, false},
		{"lots", 0, false},
		{"99999999999GiB", 0, false},
	} {
		got, err := ParseSize(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d, ok=%v", tc.in, got, err, tc.want, tc.ok)
		}
	}
}

func TestQuickSpec(t *testing.T) {
	spec, err := QuickSpec([]string{"a", "b", "c"}, []string{"x"}, []string{"boom"}, "exact")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range spec.Markers {
		got = append(got, m.ID+"<"+strings.Join(m.After, ","))
	}
	if want := "a<,b<a,c<b,x<"; strings.Join(got, ",") != want {
		t.Errorf("markers %v, want %s", got, want)
	}
	last := spec.Forbidden[len(spec.Forbidden)-1]
	if last.ID != "boom" || len(spec.Forbidden) < 2 {
		t.Errorf("forbidden %v: want the defaults plus boom", spec.Forbidden)
	}
	for _, bad := range [][]string{{"a", "a"}, {" "}} {
		if _, err := QuickSpec(bad, nil, nil, "exact"); err == nil {
			t.Errorf("quick spec %q accepted", bad)
		}
	}
	if _, err := QuickSpec([]string{"a"}, nil, []string{"a"}, "exact"); err == nil {
		t.Errorf("a marker both expected and forbidden was accepted")
	}
}

func TestParseRunCommand(t *testing.T) {
	f, err := ParseRunCommand([]string{"--contract", "proof/c.toml", "./boot.sh", "--timeout", "30s", "--ok-exit", "0,33", "--", "--not-a-flag", "x"})
	if err != nil {
		t.Fatal(err)
	}
	if f.Contract != "proof/c.toml" || f.Timeout != 30*time.Second || !reflect.DeepEqual(f.OKExit, []int{0, 33}) ||
		!reflect.DeepEqual(f.Argv, []string{"./boot.sh", "--not-a-flag", "x"}) || f.LogMax != 8<<20 || f.Root != "." {
		t.Errorf("parsed %+v", f)
	}
	for args, want := range map[string]string{
		"--bogus -- true":    "flag provided but not defined: -bogus",
		"--timeout 30s":      "no command to run",
		"--log-max 2 -- x":   "--log-max 2 is too small",
		"--ok-exit 300 -- x": `--ok-exit "300"`,
	} {
		if _, err := ParseRunCommand(strings.Fields(args)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v; want %q", args, err, want)
		}
	}
}

func quickMarkers(t *testing.T, expect ...string) *Markers {
	t.Helper()
	spec, err := QuickSpec(expect, nil, nil, "exact")
	if err != nil {
		t.Fatal(err)
	}
	return &Markers{Spec: spec}
}

func TestConsoleEventsAndLog(t *testing.T) {
	var kinds []EventKind
	var seen []string
	r, err := Console(t.Context(), Run{
		Argv:    []string{"sh", "-c", "echo boot ok; sleep 0.2; echo run ok; echo tail"},
		Markers: quickMarkers(t, "boot ok", "run ok"),
		Timeout: 10 * time.Second, Drain: 100 * time.Millisecond, Grace: time.Second,
		KeepLog: true,
		Observe: func(e Event) {
			if len(kinds) == 0 || kinds[len(kinds)-1] != e.Kind {
				kinds = append(kinds, e.Kind)
			}
			if e.Kind == MarkerSeen {
				seen = append(seen, e.Marker.Marker)
			}
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if r.Verdict() != verify.Pass || r.Report.Found != 2 {
		t.Fatalf("verdict %s, report %+v", r.Verdict(), r.Report)
	}
	if string(r.Log) != "boot ok\nrun ok\ntail\n" {
		t.Errorf("log %q", r.Log)
	}
	if !reflect.DeepEqual(seen, []string{"boot ok", "run ok"}) {
		t.Errorf("markers seen %q", seen)
	}
	if kinds[0] != Started || kinds[len(kinds)-1] != Finished || !containsKind(kinds, Decided) || !containsKind(kinds, Lines) {
		t.Errorf("events %v", kinds)
	}
	sh, _ := exec.LookPath("sh")
	sleep, _ := exec.LookPath("sleep")
	if !containsProgram(r.Programs, sh) || !containsProgram(r.Programs, sleep) {
		t.Errorf("programs %q: want sh (%s) and sleep (%s)", r.Programs, sh, sleep)
	}
}

func containsKind(ks []EventKind, k EventKind) bool {
	for _, x := range ks {
		if x == k {
			return true
		}
	}
	return false
}

// containsProgram matches by the resolved file: /bin/sh may be a link.
func containsProgram(programs []string, path string) bool {
	want, err := filepath.EvalSymlinks(path)
	if err != nil {
		return false
	}
	for _, p := range programs {
		if got, err := filepath.EvalSymlinks(p); err == nil && got == want {
			return true
		}
	}
	return false
}

func TestConsoleFailsAndInterrupts(t *testing.T) {
	r, err := Console(t.Context(), Run{
		Argv: []string{"sh", "-c", "echo boot ok; echo 'PANIC: boom'; sleep 30"}, Markers: quickMarkers(t, "boot ok", "run ok"),
		Timeout: 20 * time.Second, Grace: time.Second,
	})
	if err != nil || r.Verdict() != verify.Forbidden || VerdictError(r.Verdict()) != ErrFailed || r.Report.ExitCode != 1 {
		t.Fatalf("forbidden: %v %+v", err, r.Report)
	}
	ctx, cancel := contextWithTimeout(t, 300*time.Millisecond)
	defer cancel()
	r, err = Console(ctx, Run{Argv: []string{"sleep", "30"}, Markers: quickMarkers(t, "x"), Timeout: 20 * time.Second, Grace: time.Second})
	if err != nil || r.Verdict() != verify.Infra || !strings.Contains(r.Report.Failure.Message, "interrupted") || r.Report.ExitCode != 3 {
		t.Fatalf("interrupted: %v %+v", err, r.Report)
	}
	if _, err := Console(t.Context(), Run{Argv: []string{"true"}, Markers: quickMarkers(t, "x")}); err == nil {
		t.Error("a run without a timeout was accepted")
	}
}

func TestTests(t *testing.T) {
	r, err := Tests(t.Context(), TestRun{Argv: []string{"sh", "-c", "echo ok 1 - a; exit 3"}, Timeout: 10 * time.Second, Grace: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if r.Ended.Verdict != verify.Crash || r.Ended.Failure.Message != "exit status 3" || string(r.Output) != "ok 1 - a\n" || string(r.Log) != "ok 1 - a\n" {
		t.Errorf("result %+v", r)
	}
}

func TestCheck(t *testing.T) {
	rep, err := Check(t.Context(), quickMarkers(t, "boot ok"), strings.NewReader("x\nboot ok\n"), "uart.log")
	if err != nil || rep.Verdict != "PASS" || rep.Tool != "verify" || rep.Log != "uart.log" || rep.Lines != 2 {
		t.Errorf("Check: %v %+v", err, rep)
	}
}

func TestOutputChecker(t *testing.T) {
	tests := []struct {
		end  verify.End
		want verify.Verdict
	}{
		{verify.End{Exited: true}, verify.Pass},
		{verify.End{Exited: true, ExitCode: 1}, verify.Crash},
		{verify.End{Exited: true, ExitCode: -1, Signal: "SIGSEGV"}, verify.Crash},
		{verify.End{TimedOut: true}, verify.Timeout},
		{verify.End{StartErr: fs.ErrNotExist}, verify.Infra},
		{verify.End{}, verify.Infra},
	}
	for _, tt := range tests {
		c := &outputChecker{}
		c.Write([]byte("x"))
		if c.Decided() {
			t.Error("the output checker decided")
		}
		if got := c.Finish(tt.end).Verdict; got != tt.want {
			t.Errorf("Finish(%+v) = %s; want %s", tt.end, got, tt.want)
		}
	}
}

func TestEnviron(t *testing.T) {
	got := Environ([]string{"A=1", "B=2", "C=3"}, map[string]string{"B": "own", "D": "4"}, map[string]string{"B": "profile"})
	if want := []string{"A=1", "B=profile", "C=3", "D=4"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Environ = %q, want %q", got, want)
	}
}

func contextWithTimeout(t *testing.T, d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(t.Context(), d)
}
