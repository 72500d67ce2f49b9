package main

// End-to-end tests of `taskproof run` against the real device: the minios
// guest (examples/minios) booted by qemu-system-x86_64. They build the guest
// with binutils, run the CLI in-process and check the verdict, the exit
// code, the report's timing and that no QEMU process is left behind.
//
// They skip when QEMU or binutils are missing, except with
// TASKPROOF_REQUIRE_QEMU=1 (CI), where a missing tool fails the test.

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/taskproof/taskproof/internal/cli"
)

// miniosRequired is the required ladder of proof/contract.toml's default
// profile, in order.
var miniosRequired = []string{
	"minios: boot ok",
	"minios: serial ready",
	"minios: memory ok",
	"minios: timer ready",
	"minios: selftest ok",
	"minios: all done",
}

const miniosStub = "minios: net stub"

// requireQEMUTools skips the test when a tool the e2e tests need is
// missing, or fails it when TASKPROOF_REQUIRE_QEMU=1.
func requireQEMUTools(t testing.TB) {
	t.Helper()
	var missing []string
	for _, tool := range []string{"qemu-system-x86_64", "as", "ld", "bash"} {
		if _, err := exec.LookPath(tool); err != nil {
			missing = append(missing, tool)
		}
	}
	if len(missing) == 0 {
		return
	}
	msg := "QEMU e2e: " + strings.Join(missing, ", ") + " not found; run scripts/setup.sh"
	if os.Getenv("TASKPROOF_REQUIRE_QEMU") == "1" {
		t.Fatal(msg + " (TASKPROOF_REQUIRE_QEMU=1 makes this a failure)")
	}
	t.Skip(msg)
}

// miniosGuest is a built copy of the guest for one test.
type miniosGuest struct {
	dir      string // examples/minios, absolute
	build    string // this test's build directory
	contract string // proof/contract.toml, absolute
}

// image is the ELF a variant boots; its path is unique to the test, which
// is how leftover QEMU processes are recognised.
func (g miniosGuest) image(variant string) string {
	return filepath.Join(g.build, "minios-"+variant+".elf")
}

// buildMinios builds the variants a test boots into its temporary
// directory (a few milliseconds per variant). A build per test keeps image
// paths unique to the test, which is how leftover QEMU processes are found,
// and lets t.TempDir clean up; a build shared by the whole test binary
// would have no owner to remove it (TestMain belongs to testscript).
func buildMinios(t *testing.T, variants ...string) miniosGuest {
	t.Helper()
	requireQEMUTools(t)
	dir, err := filepath.Abs("../../examples/minios")
	if err != nil {
		t.Fatal(err)
	}
	g := miniosGuest{dir: dir, build: t.TempDir(), contract: filepath.Join(dir, "proof", "contract.toml")}
	cmd := exec.Command("bash", append([]string{filepath.Join(dir, "build.sh"), g.build}, variants...)...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build.sh: %v\n%s", err, out)
	}
	return g
}

// e2eReport is the part of run's --report JSON these tests read.
type e2eReport struct {
	Verdict      string `json:"verdict"`
	StoppedEarly bool   `json:"stopped_early"`
	DurationMS   int64  `json:"duration_ms"`
	Markers      []struct {
		Marker string `json:"marker"`
		Kind   string `json:"kind"`
		Line   int    `json:"line"`
		AtMS   *int64 `json:"at_ms"`
	} `json:"markers"`
	Failure *struct {
		Kind   string `json:"kind"`
		Marker string `json:"marker"`
		Phase  string `json:"phase"`
		Line   int    `json:"line"`
	} `json:"failure"`
	Process *struct {
		Exited   bool `json:"exited"`
		TimedOut bool `json:"timed_out"`
		Killed   bool `json:"killed"`
		Leftover bool `json:"leftover"`
	} `json:"process"`
}

// seenAt returns when marker was first seen, from the report.
func (r *e2eReport) seenAt(marker string) (time.Duration, bool) {
	for _, m := range r.Markers {
		if m.Marker == marker && m.AtMS != nil {
			return time.Duration(*m.AtMS) * time.Millisecond, true
		}
	}
	return 0, false
}

// lastAt returns the arrival time of the last marker in the report.
func (r *e2eReport) lastAt() (string, time.Duration) {
	if len(r.Markers) == 0 {
		return "", 0
	}
	m := r.Markers[len(r.Markers)-1]
	if m.AtMS == nil {
		return m.Marker, 0
	}
	return m.Marker, time.Duration(*m.AtMS) * time.Millisecond
}

type e2eRun struct {
	code   int
	wall   time.Duration
	out    string // stdout and stderr of the CLI
	report e2eReport
	log    []byte
}

// runMinios runs `taskproof run --contract C --report R --log L ARGS -- bash qemu.sh VARIANT`
// in-process and checks that no QEMU of this variant survives it.
func runMinios(t *testing.T, g miniosGuest, variant string, args ...string) e2eRun {
	t.Helper()
	tmp := t.TempDir()
	reportPath := filepath.Join(tmp, "report.json")
	logPath := filepath.Join(tmp, "console.log")
	argv := []string{"run", "--contract", g.contract, "--report", reportPath, "--log", logPath}
	argv = append(argv, args...)
	argv = append(argv, "--", "env", "MINIOS_BUILD="+g.build, "bash", filepath.Join(g.dir, "qemu.sh"), variant)
	var out bytes.Buffer
	env := &cli.Env{
		Stdin:  strings.NewReader(""),
		Stdout: &out,
		Stderr: &out,
		Getenv: os.Getenv,
	}
	start := time.Now()
	code := runMain(context.Background(), env, argv)
	r := e2eRun{code: code, wall: time.Since(start), out: out.String()}
	t.Logf("taskproof %s: exit %d in %v", strings.Join(argv, " "), code, r.wall.Round(time.Millisecond))
	data, err := os.ReadFile(reportPath)
	if err != nil {
		t.Fatalf("no report: %v\noutput:\n%s", err, r.out)
	}
	if err := json.Unmarshal(data, &r.report); err != nil {
		t.Fatalf("report %s: %v\n%s", reportPath, err, data)
	}
	r.log, _ = os.ReadFile(logPath)
	if pids := qemuProcesses(g.image(variant)); len(pids) > 0 {
		t.Errorf("QEMU left running after taskproof run returned: pid(s) %v booting %s", pids, g.image(variant))
	}
	return r
}

// qemuProcesses lists live processes whose command line names image. Only
// this test booted that path, so any hit was left behind by this run. The
// harness returns only after the process group is gone, so there is no
// grace period here. (A zombie has an empty cmdline and is not listed: it
// is dead, only not yet reaped.)
func qemuProcesses(image string) []int {
	ents, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	var pids []int
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == os.Getpid() {
			continue
		}
		cmdline, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err != nil {
			continue
		}
		args := strings.Split(string(cmdline), "\x00")
		if len(args) == 0 || filepath.Base(args[0]) != "qemu-system-x86_64" {
			continue
		}
		for _, a := range args {
			if a == image {
				pids = append(pids, pid)
				break
			}
		}
	}
	return pids
}

// logLine returns line n (1-based, counted by '\n' as the verifier counts)
// of the console log.
func (r e2eRun) logLine(n int) string {
	lines := strings.Split(string(r.log), "\n")
	if n < 1 || n > len(lines) {
		return ""
	}
	return lines[n-1]
}

func (r e2eRun) fatalf(t *testing.T, format string, args ...any) {
	t.Helper()
	data, _ := json.MarshalIndent(r.report, "", "  ")
	t.Fatalf(format+"\nCLI output:\n%s\nreport:\n%s", append(args, r.out, data)...)
}

func TestQEMUPass(t *testing.T) {
	g := buildMinios(t, "pass")
	r := runMiniosGlued(t, g, "pass", "Booting from ROM..[INFO boot] minios starting", "--timeout", "30s")
	if r.code != cli.ExitOK || r.report.Verdict != "PASS" {
		r.fatalf(t, "pass: exit %d verdict %q, want 0 PASS", r.code, r.report.Verdict)
	}
	if r.report.Failure != nil {
		r.fatalf(t, "pass: report has a failure")
	}
	// Every required marker, in the contract's order.
	var last time.Duration
	for _, m := range miniosRequired {
		at, ok := r.report.seenAt(m)
		if !ok {
			r.fatalf(t, "pass: required marker %q not in the report", m)
		}
		if at < last {
			r.fatalf(t, "pass: %q at %v, before the marker preceding it (%v)", m, at, last)
		}
		last = at
	}
	// The stub is seen and allowed: it does not fail the run.
	stubSeen := false
	for _, m := range r.report.Markers {
		if m.Marker == miniosStub {
			stubSeen = m.Kind == "stub"
		}
	}
	if !stubSeen {
		r.fatalf(t, "pass: stub marker %q not in the report with kind stub", miniosStub)
	}
	// The guest exited through isa-debug-exit (qemu.sh maps QEMU's 33 to 0)
	// or was stopped after the drain; either way nothing was left over.
	if r.report.Process == nil || r.report.Process.Leftover || r.report.Process.TimedOut {
		r.fatalf(t, "pass: process record missing, timed out or left over")
	}
	// The console really carried SeaBIOS's noise, escape sequences included,
	// and the first guest line glued to "Booting from ROM..".
	for _, want := range []string{"SeaBIOS", "\x1b[", "iPXE", "Booting from ROM..[INFO boot] minios starting"} {
		if !bytes.Contains(r.log, []byte(want)) {
			r.fatalf(t, "pass: console log lacks %q (is -machine graphics=off gone from qemu.sh?)\nlog:\n%q", want, r.log)
		}
	}
}

func TestQEMUMissing(t *testing.T) {
	g := buildMinios(t, "missing")
	r := runMinios(t, g, "missing", "--timeout", "30s")
	if r.code != cli.ExitFindings || r.report.Verdict != "MISSING" {
		r.fatalf(t, "missing: exit %d verdict %q, want 1 MISSING", r.code, r.report.Verdict)
	}
	if r.report.Failure == nil || r.report.Failure.Marker != "minios: timer ready" {
		r.fatalf(t, "missing: failure does not name %q", "minios: timer ready")
	}
	if !strings.Contains(r.out, "minios: timer ready") {
		r.fatalf(t, "missing: CLI output does not name the missing marker")
	}
}

func TestQEMUForbidden(t *testing.T) {
	for _, tc := range []struct {
		variant string
		line    string // the forbidden console line
	}{
		{"fail", "minios: selftest FAIL"},
		{"panic", "KERNEL PANIC: cpu exception 00"},
	} {
		t.Run(tc.variant, func(t *testing.T) {
			g := buildMinios(t, tc.variant)
			// The guest parks after the line and never exits: only failing
			// fast on the line ends this run before the 30 s timeout.
			r := runMinios(t, g, tc.variant, "--timeout", "30s")
			if r.code != cli.ExitFindings || r.report.Verdict != "FORBIDDEN" {
				r.fatalf(t, "%s: exit %d verdict %q, want 1 FORBIDDEN", tc.variant, r.code, r.report.Verdict)
			}
			if r.report.Failure == nil || !strings.Contains(r.logLine(r.report.Failure.Line), tc.line) {
				r.fatalf(t, "%s: the failure does not point at the log line holding %q", tc.variant, tc.line)
			}
			if !strings.Contains(r.out, tc.line) {
				r.fatalf(t, "%s: the CLI output does not show %q", tc.variant, tc.line)
			}
			// The report times the forbidden marker like any other.
			at, ok := r.report.seenAt(r.report.Failure.Marker)
			if !ok {
				r.fatalf(t, "%s: forbidden marker %q has no time in the report", tc.variant, r.report.Failure.Marker)
			}
			stop := time.Duration(r.report.DurationMS) * time.Millisecond
			if stop-at > time.Second {
				r.fatalf(t, "%s: stopped %v after the forbidden line, want within 1s", tc.variant, stop-at)
			}
			if r.wall > 10*time.Second {
				r.fatalf(t, "%s: took %v of wall time; fail-fast did not happen", tc.variant, r.wall)
			}
			t.Logf("%s: stopped %v after the forbidden line (run %v)", tc.variant, stop-at, stop)
		})
	}
}

func TestQEMUTimeout(t *testing.T) {
	g := buildMinios(t, "hang")
	const timeout = 3 * time.Second
	r := runMinios(t, g, "hang", "--timeout", timeout.String())
	if r.code != cli.ExitTimeout || r.report.Verdict != "TIMEOUT" {
		r.fatalf(t, "hang: exit %d verdict %q, want 4 TIMEOUT", r.code, r.report.Verdict)
	}
	stop := time.Duration(r.report.DurationMS) * time.Millisecond
	// SIGTERM ends QEMU at once; --grace (2 s) bounds a stubborn one.
	if stop < timeout || stop > timeout+3*time.Second {
		r.fatalf(t, "hang: run took %v, want the %v timeout plus at most the stop grace", stop, timeout)
	}
	if p := r.report.Process; p == nil || !p.TimedOut || p.Exited || p.Leftover {
		r.fatalf(t, "hang: process record does not say timed out, stopped and gone")
	}
	// The guest got as far as the timer before it hung.
	if _, ok := r.report.seenAt("minios: timer ready"); !ok {
		r.fatalf(t, "hang: %q not in the report", "minios: timer ready")
	}
	// runMinios has already checked that no QEMU booting this image is left.
}

func TestQEMUEarlyStop(t *testing.T) {
	g := buildMinios(t, "linger")
	r := runMinios(t, g, "linger", "--timeout", "30s")
	if r.code != cli.ExitOK || r.report.Verdict != "PASS" {
		r.fatalf(t, "linger: exit %d verdict %q, want 0 PASS", r.code, r.report.Verdict)
	}
	if !r.report.StoppedEarly {
		r.fatalf(t, "linger: stopped_early is false; the guest never exits, so the harness must have stopped it")
	}
	if p := r.report.Process; p == nil || p.Exited || p.TimedOut || p.Leftover {
		r.fatalf(t, "linger: process record does not say stopped by the harness and gone")
	}
	last, at := r.report.lastAt()
	if last != "minios: all done" {
		r.fatalf(t, "linger: last marker %q, want %q", last, "minios: all done")
	}
	stop := time.Duration(r.report.DurationMS) * time.Millisecond
	if stop-at > time.Second {
		r.fatalf(t, "linger: stopped %v after the last marker, want within 1s", stop-at)
	}
	t.Logf("linger: stopped %v after the last marker (run %v)", stop-at, stop)
}

// guestPart is the console after the firmware handed over to the guest.
func guestPart(log []byte) string {
	const boot = "Booting from ROM.."
	s := string(log)
	if i := strings.LastIndex(s, boot); i >= 0 {
		return s[i+len(boot):]
	}
	return ""
}

// TestQEMURecordedLogsCurrent keeps testdata/qemu/pass.log honest: the
// guest part of the recorded console must be what the guest prints today.
// (Only pass: it runs to completion, while a run that fails fast may stop
// the guest before its last line reaches the log. The other recordings come
// from the same source with one switch each.)
func TestQEMURecordedLogsCurrent(t *testing.T) {
	g := buildMinios(t, "pass")
	r := runMinios(t, g, "pass", "--timeout", "30s")
	want, err := os.ReadFile(filepath.Join("testdata", "qemu", "pass.log"))
	if err != nil {
		t.Fatal(err)
	}
	if got := guestPart(r.log); got == "" || got != guestPart(want) {
		t.Errorf("testdata/qemu/pass.log is stale; re-record it (see testdata/qemu/README.md)\ngot:  %q\nwant: %q", got, guestPart(want))
	}
}

// TestMiniosRecordedLogs checks the minios contract against consoles
// recorded from QEMU (SeaBIOS and iPXE banners, ANSI escapes, CRLF, a guest
// line glued to the firmware's last line). It needs no QEMU, so it runs
// everywhere.
func TestMiniosRecordedLogs(t *testing.T) {
	contract := filepath.Join("..", "..", "examples", "minios", "proof", "contract.toml")
	for _, tc := range []struct {
		log, profile string
		code         int
		verdict      string
		marker       string // failure marker, "" on PASS
		line         int    // failure line
	}{
		{"pass", "default", cli.ExitOK, "PASS", "", 0},
		{"missing", "default", cli.ExitFindings, "MISSING", "minios: timer ready", 0},
		{"fail", "default", cli.ExitFindings, "FORBIDDEN", "minios: selftest FAIL", 15},
		{"panic", "default", cli.ExitFindings, "FORBIDDEN", "default:PANIC", 15},
		// The net profile extends default, requires the driver and forbids its stub.
		{"pass", "net", cli.ExitFindings, "FORBIDDEN", "minios: net stub", 13},
	} {
		t.Run(tc.log+"/"+tc.profile, func(t *testing.T) {
			reportPath := filepath.Join(t.TempDir(), "report.json")
			var out bytes.Buffer
			env := &cli.Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &out, Getenv: func(string) string { return "" }}
			code := runMain(context.Background(), env, []string{"verify", "--contract", contract, "--profile", tc.profile, "--report", reportPath,
				filepath.Join("testdata", "qemu", tc.log+".log")})
			data, err := os.ReadFile(reportPath)
			if err != nil {
				t.Fatalf("exit %d, no report: %v\n%s", code, err, out.String())
			}
			var rep e2eReport
			if err := json.Unmarshal(data, &rep); err != nil {
				t.Fatal(err)
			}
			if code != tc.code || rep.Verdict != tc.verdict {
				t.Fatalf("exit %d verdict %q, want %d %s\n%s", code, rep.Verdict, tc.code, tc.verdict, out.String())
			}
			if tc.marker == "" {
				if rep.Failure != nil {
					t.Fatalf("PASS with a failure in the report:\n%s", data)
				}
				return
			}
			if rep.Failure == nil || rep.Failure.Marker != tc.marker || (tc.line != 0 && rep.Failure.Line != tc.line) {
				t.Fatalf("failure does not name %q at line %d:\n%s", tc.marker, tc.line, data)
			}
		})
	}
}
