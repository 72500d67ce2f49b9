package harness

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/taskproof/taskproof/internal/verify"
)

// The test binary doubles as a misbehaving child: with HARNESS_HELPER set
// it runs that behaviour instead of the tests.
func TestMain(m *testing.M) {
	if h := os.Getenv("HARNESS_HELPER"); h != "" {
		os.Exit(helper(h))
	}
	os.Exit(m.Run())
}

func helper(name string) int {
	w := bufio.NewWriter(os.Stdout)
	say := func(s string) { w.WriteString(s); w.Flush() }
	switch name {
	case "ladder": // the whole ladder, then exit 0
		say("boot noise\nA\nB\nC\n")
		return 0
	case "ladder-sleep": // the whole ladder, then keeps running
		say("A\nB\nC\n")
		time.Sleep(30 * time.Second)
		return 0
	case "forbidden-sleep": // a panic line, then keeps running
		say("A\nPANIC: boom\n")
		time.Sleep(30 * time.Second)
		return 0
	case "crash": // dies mid-ladder
		say("A\n")
		return 3
	case "huge-line": // a 10 MB line between markers
		say("A\n")
		chunk := bytes.Repeat([]byte("x"), 1<<20)
		for range 10 {
			w.Write(chunk)
		}
		say("\nB\nC\n")
		return 0
	case "ansi-cr-nonl": // escapes, CRLF, no final newline
		say("\x1b[2J\x1b[1;32mA\x1b[0m\r\nB\r\nC")
		return 0
	case "stderr": // markers on stderr must be seen too
		os.Stderr.WriteString("A\nB\n")
		say("C\n")
		return 0
	}
	if code, ok := containHelper(name); ok {
		return code
	}
	fmt.Fprintf(os.Stderr, "unknown helper %q\n", name)
	return 2
}

// self returns argv and env that re-execute the test binary as helper h.
func self(t *testing.T, h string) ([]string, []string) {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	return []string{exe, "-test.run=^$"}, append(os.Environ(), "HARNESS_HELPER="+h)
}

// ladder is a spec requiring A, B, C in that order, with PANIC forbidden.
func ladder(texts ...string) *verify.Spec {
	if len(texts) == 0 {
		texts = []string{"A", "B", "C"}
	}
	s := &verify.Spec{Phases: []string{"boot", "run"}}
	prev := ""
	for i, tx := range texts {
		m := verify.Marker{ID: tx, Text: tx, Mode: verify.Exact, Kind: verify.KindOK, Phase: "boot", Required: true}
		if i > 0 {
			m.Phase = "run"
		}
		if prev != "" {
			m.After = []string{prev}
		}
		prev = tx
		s.Markers = append(s.Markers, m)
	}
	s.Forbidden = []verify.Marker{{ID: "panic", Text: "PANIC", Mode: verify.Prefix, Kind: verify.KindFail}}
	return s
}

func run(t *testing.T, cfg Config) *Outcome {
	t.Helper()
	if cfg.Spec == nil {
		cfg.Spec = ladder()
	}
	cfg.NewChecker = checkerFor(cfg.Spec)
	if cfg.Timeout == 0 {
		cfg.Timeout = 30 * time.Second
	}
	out, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return out
}

func sh(script string) []string { return []string{"sh", "-c", script} }

// pidTo is shell that writes the shell's pid to file as /proc numbers it.
// In a PID namespace $$ and $! are the namespace's numbers, which name
// other processes (or none) out here.
func pidTo(file string) string {
	return `read -r p _ </proc/self/stat; echo $p >` + file
}

// bg is shell that starts cmd in the background and waits until its pid
// is written to file (a run may end the moment the script goes on).
func bg(file, cmd string) string {
	return `sh -c '` + pidTo(file) + `; exec ` + cmd + `' & until [ -s ` + file + ` ]; do sleep 0.01; done;`
}

func wantVerdict(t *testing.T, out *Outcome, v verify.Verdict) {
	t.Helper()
	if out.Result.Verdict != v {
		t.Fatalf("verdict %s, want %s (failure %+v, exited %v code %d, timed out %v)",
			out.Result.Verdict, v, out.Result.Failure, out.Exited, out.ExitCode, out.TimedOut)
	}
}

// readPID waits for a helper script to write a pid into path.
func readPID(t *testing.T, path string) int {
	t.Helper()
	for range 100 {
		b, err := os.ReadFile(path)
		if err == nil && strings.HasSuffix(string(b), "\n") {
			pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
			if err != nil {
				t.Fatal(err)
			}
			return pid
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("no pid in %s", path)
	return 0
}

func wantGone(t *testing.T, what string, pid int) {
	t.Helper()
	if procAlive(pid) {
		t.Errorf("%s (pid %d) is still alive", what, pid)
		_ = signalGroup(pid, 9)
	}
}

func TestPassExitsOnItsOwn(t *testing.T) {
	t.Parallel()
	argv, env := self(t, "ladder")
	// A drain longer than the child's exit: it exits on its own first.
	out := run(t, Config{Argv: argv, Env: env, Drain: 20 * time.Second})
	wantVerdict(t, out, verify.Pass)
	if out.Duration > 10*time.Second {
		t.Errorf("waited %v: the drain must end when the command exits", out.Duration)
	}
	if out.StoppedEarly || !out.Exited {
		t.Errorf("stopped early although the command exited by itself")
	}
}

func TestPassStopsEarly(t *testing.T) {
	t.Parallel()
	argv, env := self(t, "ladder-sleep")
	out := run(t, Config{Argv: argv, Env: env})
	wantVerdict(t, out, verify.Pass)
	if !out.StoppedEarly || out.Exited {
		t.Errorf("stopped early %v, exited %v; want stopped early", out.StoppedEarly, out.Exited)
	}
	// The child sleeps 30s after its last marker; the product promise is
	// a stop within a second of the verdict.
	if out.Duration > 5*time.Second {
		t.Errorf("took %v to stop a finished ladder", out.Duration)
	}
	if out.Killed {
		t.Errorf("SIGKILL was needed for a child that honours SIGTERM")
	}
}

func TestForbiddenFailsFast(t *testing.T) {
	t.Parallel()
	argv, env := self(t, "forbidden-sleep")
	start := time.Now()
	out := run(t, Config{Argv: argv, Env: env, Timeout: 60 * time.Second, Drain: 10 * time.Second})
	wantVerdict(t, out, verify.Forbidden)
	// A long drain must not apply to a failure.
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("FORBIDDEN took %v; it must not wait for the drain or the timeout", d)
	}
	if out.Result.Failure == nil || out.Result.Failure.Line != 2 {
		t.Errorf("failure %+v, want line 2", out.Result.Failure)
	}
}

func TestTimeoutKillsGroupAndGrandchild(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	gfile := filepath.Join(dir, "grandchild")
	cfile := filepath.Join(dir, "child")
	out := run(t, Config{
		Argv:    sh(pidTo(cfile) + `; ` + bg(gfile, "sleep 60") + ` echo A; wait`),
		Timeout: time.Second,
	})
	wantVerdict(t, out, verify.Timeout)
	if !out.TimedOut || out.StoppedEarly {
		t.Errorf("timed out %v, stopped early %v", out.TimedOut, out.StoppedEarly)
	}
	if out.Duration > 10*time.Second {
		t.Errorf("timeout of 1s took %v", out.Duration)
	}
	wantGone(t, "child", readPID(t, cfile))
	wantGone(t, "grandchild", readPID(t, gfile))
}

func TestIgnoredSIGTERMGetsSIGKILL(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cfile := filepath.Join(dir, "child")
	out := run(t, Config{
		// Long enough for the trap to be set also on a loaded machine.
		Argv:    sh(`trap '' TERM; ` + pidTo(cfile) + `; echo A; while :; do sleep 0.05; done`),
		Timeout: 2 * time.Second,
		Grace:   500 * time.Millisecond,
	})
	wantVerdict(t, out, verify.Timeout)
	if !out.Killed {
		t.Errorf("a child ignoring SIGTERM was not SIGKILLed")
	}
	if out.Duration < 2500*time.Millisecond {
		t.Errorf("SIGKILL came after %v, before timeout+grace", out.Duration)
	}
	if out.Leftover {
		t.Errorf("process left over after SIGKILL")
	}
	wantGone(t, "child", readPID(t, cfile))
}

// A grandchild that left the process group keeps the pipe open after the
// child exits: the harness must still finish promptly.
func TestEscapedGrandchildHoldingPipe(t *testing.T) {
	t.Parallel()
	gfile := filepath.Join(t.TempDir(), "grandchild")
	start := time.Now()
	out := run(t, Config{
		Argv: sh(`echo A; echo B; setsid ` + bg(gfile, "sleep 30") + ` exit 0`),
	})
	g := readPID(t, gfile)
	t.Cleanup(func() { _ = signalGroup(g, 9); _ = killPID(g) })
	wantVerdict(t, out, verify.Missing)
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v with an escaped grandchild holding the pipe", d)
	}
}

// A grandchild in the group that keeps the pipe open after the child
// exits is stopped with the group.
func TestGrandchildInGroupHoldingPipe(t *testing.T) {
	t.Parallel()
	gfile := filepath.Join(t.TempDir(), "grandchild")
	start := time.Now()
	out := run(t, Config{
		Argv: sh(`echo A; ` + bg(gfile, "sleep 30") + ` exit 0`),
	})
	wantVerdict(t, out, verify.Missing)
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v with a grandchild holding the pipe", d)
	}
	if !out.Exited || out.ExitCode != 0 {
		t.Errorf("exited %v code %d, want exit 0", out.Exited, out.ExitCode)
	}
	wantGone(t, "grandchild", readPID(t, gfile))
}

func TestCrash(t *testing.T) {
	t.Parallel()
	argv, env := self(t, "crash")
	out := run(t, Config{Argv: argv, Env: env})
	wantVerdict(t, out, verify.Crash)
	if !out.Exited || out.ExitCode != 3 {
		t.Errorf("exited %v code %d, want exit 3", out.Exited, out.ExitCode)
	}
}

func TestCommandNotFound(t *testing.T) {
	t.Parallel()
	log := filepath.Join(t.TempDir(), "console.log")
	out := run(t, Config{Argv: []string{"taskproof-no-such-command-xyz"}, Log: log})
	wantVerdict(t, out, verify.Infra)
	if _, err := os.Stat(log); !os.IsNotExist(err) {
		t.Errorf("a log was written for a command that never started: %v", err)
	}
	assertNoTemp(t, filepath.Dir(log))
}

func TestNoOutput(t *testing.T) {
	t.Parallel()
	out := run(t, Config{Argv: sh(`exit 0`)})
	wantVerdict(t, out, verify.NoOutput)
}

func TestSilentHangIsTimeout(t *testing.T) {
	t.Parallel()
	out := run(t, Config{Argv: sh(`exec sleep 60`), Timeout: 500 * time.Millisecond})
	wantVerdict(t, out, verify.Timeout)
}

func TestStderrIsMerged(t *testing.T) {
	t.Parallel()
	argv, env := self(t, "stderr")
	out := run(t, Config{Argv: argv, Env: env})
	wantVerdict(t, out, verify.Pass)
}

func TestConsoleBytes(t *testing.T) {
	t.Parallel()
	argv, env := self(t, "ansi-cr-nonl")
	out := run(t, Config{Argv: argv, Env: env})
	wantVerdict(t, out, verify.Pass)
}

func TestHugeLineAndLogBudget(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	log := filepath.Join(dir, "console.log")
	argv, env := self(t, "huge-line")
	const budget = 64 << 10
	out := run(t, Config{Argv: argv, Env: env, Log: log, LogMax: budget})
	wantVerdict(t, out, verify.Pass)
	const total = 2 + 10<<20 + 1 + 4
	if out.Bytes != total {
		t.Errorf("read %d bytes, want %d", out.Bytes, total)
	}
	data, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	if len(data) > budget {
		t.Errorf("log is %d bytes, over the %d budget", len(data), budget)
	}
	if !bytes.HasPrefix(data, []byte("A\nxxx")) || !bytes.HasSuffix(data, []byte("xxx\nB\nC\n")) {
		t.Errorf("log does not keep head and tail: %q ... %q", data[:10], data[len(data)-10:])
	}
	m := regexp.MustCompile(`\n\[taskproof: (\d+) bytes truncated\]\n`).FindSubmatch(data)
	if m == nil {
		t.Fatalf("no truncation line in the log")
	}
	n, _ := strconv.ParseInt(string(m[1]), 10, 64)
	kept := int64(len(data) - len(m[0])) // the leading \n is ours too: the head ended mid-line
	if n != out.Truncated || kept+n != total {
		t.Errorf("truncation line says %d, outcome %d, kept %d of %d", n, out.Truncated, kept, total)
	}
	assertNoTemp(t, dir)
}

func TestLogAndSidecar(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	log := filepath.Join(dir, "console.log")
	argv, env := self(t, "ladder")
	out := run(t, Config{Argv: argv, Env: env, Log: log})
	wantVerdict(t, out, verify.Pass)
	data, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	// The log holds exactly the console bytes: no times, no annotations.
	if string(data) != "boot noise\nA\nB\nC\n" {
		t.Errorf("log = %q", data)
	}
	side, err := os.ReadFile(log + ".markers.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	var got []markJSON
	sc := bufio.NewScanner(bytes.NewReader(side))
	for sc.Scan() {
		var m markJSON
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("sidecar line %q: %v", sc.Text(), err)
		}
		got = append(got, m)
	}
	if len(got) != 3 {
		t.Fatalf("sidecar has %d lines, want 3:\n%s", len(got), side)
	}
	for i, want := range []struct {
		marker string
		line   int
	}{{"A", 2}, {"B", 3}, {"C", 4}} {
		g := got[i]
		if g.Marker != want.marker || g.Line != want.line || g.Kind != "ok" {
			t.Errorf("sidecar[%d] = %+v, want marker %s line %d kind ok", i, g, want.marker, want.line)
		}
		if g.AtMS < 0 || g.AtMS > out.Duration.Milliseconds() || (i > 0 && g.AtMS < got[i-1].AtMS) {
			t.Errorf("sidecar[%d] at_ms %d out of order or range (run %v)", i, g.AtMS, out.Duration)
		}
	}
	if !strings.Contains(string(side), `"phase":"run"`) {
		t.Errorf("sidecar lacks phases:\n%s", side)
	}
	assertNoTemp(t, dir)
}

func TestLogPathUnwritable(t *testing.T) {
	t.Parallel()
	_, err := Run(context.Background(), Config{
		Argv:       sh("echo A"),
		Spec:       ladder(),
		NewChecker: checkerFor(ladder()),
		Log:        filepath.Join(t.TempDir(), "no", "such", "dir", "console.log"),
	})
	if err == nil || !strings.Contains(err.Error(), "console.log") {
		t.Fatalf("err = %v, want an error naming the log", err)
	}
}

func TestPTY(t *testing.T) {
	t.Parallel()
	script := `if [ -t 1 ]; then echo A; else echo notty; fi; echo B; echo C`
	out := run(t, Config{Argv: sh(script), PTY: true})
	wantVerdict(t, out, verify.Pass)
	// Without a terminal the script prints "notty": B comes without A,
	// and A never comes.
	out = run(t, Config{Argv: sh(script)})
	wantVerdict(t, out, verify.Missing)
}

// TestOrderAfterDrain: a marker ahead of its predecessor is ORDER when the
// predecessor comes during the drain, MISSING when it never comes.
func TestOrderAfterDrain(t *testing.T) {
	t.Parallel()
	out := run(t, Config{Argv: sh(`echo B; echo A; echo C; sleep 30`), Drain: 2 * time.Second, Timeout: 20 * time.Second})
	wantVerdict(t, out, verify.Order)
	out = run(t, Config{Argv: sh(`echo B; sleep 30`), Drain: 200 * time.Millisecond, Timeout: 20 * time.Second})
	wantVerdict(t, out, verify.Missing)
}

func TestPTYStopsEarlyAndKillsGroup(t *testing.T) {
	t.Parallel()
	gfile := filepath.Join(t.TempDir(), "grandchild")
	out := run(t, Config{
		Argv: sh(bg(gfile, "sleep 60") + ` echo A; echo B; echo C; wait`),
		PTY:  true,
	})
	wantVerdict(t, out, verify.Pass)
	if !out.StoppedEarly || out.Duration > 5*time.Second {
		t.Errorf("stopped early %v after %v", out.StoppedEarly, out.Duration)
	}
	wantGone(t, "grandchild", readPID(t, gfile))
}

func TestInterrupted(t *testing.T) {
	t.Parallel()
	cfile := filepath.Join(t.TempDir(), "child")
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		// Interrupt once the command runs: starting it (under a
		// supervisor, with the race detector, on a loaded machine) may
		// take longer than any fixed delay.
		for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); {
			if b, _ := os.ReadFile(cfile); strings.HasSuffix(string(b), "\n") {
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
		time.Sleep(100 * time.Millisecond)
		cancel()
	}()
	spec := ladder()
	out, err := Run(ctx, Config{
		Argv:       sh(pidTo(cfile) + `; echo A; exec sleep 60`),
		Spec:       spec,
		NewChecker: checkerFor(spec),
	})
	if err != nil {
		t.Fatal(err)
	}
	if !out.Interrupted || out.Duration > 10*time.Second {
		t.Errorf("interrupted %v after %v", out.Interrupted, out.Duration)
	}
	wantGone(t, "child", readPID(t, cfile))
}

func TestProgress(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	argv, env := self(t, "ladder-sleep")
	out := run(t, Config{Argv: argv, Env: env, Progress: &buf})
	wantVerdict(t, out, verify.Pass)
	s := buf.String()
	if !strings.Contains(s, "markers 3/3 · ") {
		t.Errorf("progress never showed the finished ladder: %q", s)
	}
	if !strings.HasSuffix(s, "\r\x1b[K") {
		t.Errorf("progress line not cleared at the end: %q", s)
	}
}

func TestProgressLine(t *testing.T) {
	for _, tc := range []struct {
		found, req int
		phase      string
		d          time.Duration
		want       string
	}{
		{5, 12, "kernel", 3200 * time.Millisecond, "markers 5/12 · phase kernel · 3.2s"},
		{0, 3, "", 0, "markers 0/3 · 0.0s"},
	} {
		if got := ProgressLine(tc.found, tc.req, tc.phase, tc.d); got != tc.want {
			t.Errorf("ProgressLine = %q, want %q", got, tc.want)
		}
	}
}

func assertNoTemp(t *testing.T, dir string) {
	t.Helper()
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("temporary file left behind: %s", e.Name())
		}
	}
}

func killPID(pid int) error { return syscall.Kill(pid, syscall.SIGKILL) }

func TestSignalIsCrash(t *testing.T) {
	t.Parallel()
	out := run(t, Config{Argv: sh(`echo A; kill -SEGV $$`)})
	wantVerdict(t, out, verify.Crash)
	if out.Signal != "SIGSEGV" || out.ExitCode != -1 {
		t.Errorf("signal %q code %d, want SIGSEGV -1", out.Signal, out.ExitCode)
	}
	if !strings.Contains(out.Result.Failure.Message, "SIGSEGV") {
		t.Errorf("failure message does not name the signal: %q", out.Result.Failure.Message)
	}
}

// QEMU's isa-debug-exit makes a completed guest exit with an odd code.
func TestOKExitCodes(t *testing.T) {
	t.Parallel()
	out := run(t, Config{Argv: sh(`echo A; exit 33`), OKExitCodes: []int{33}})
	wantVerdict(t, out, verify.Missing)
	out = run(t, Config{Argv: sh(`echo A; exit 33`)})
	wantVerdict(t, out, verify.Crash)
}

// A forbidden line during the drain after a passing ladder still fails
// the run, and at once rather than at the end of the drain.
func TestForbiddenDuringDrain(t *testing.T) {
	t.Parallel()
	out := run(t, Config{
		Argv:  sh(`echo A; echo B; echo C; sleep 0.1; echo "PANIC: late"; exec sleep 30`),
		Drain: 8 * time.Second,
	})
	wantVerdict(t, out, verify.Forbidden)
	if !out.StoppedEarly || out.Duration > 5*time.Second {
		t.Errorf("stopped early %v after %v; a failure in the drain must stop at once", out.StoppedEarly, out.Duration)
	}
}

// The reader, waiter and stopper goroutines all end with Run, also when a
// process outside the group keeps the pipe open. Not parallel: it counts
// goroutines.
func TestNoGoroutineLeft(t *testing.T) {
	before := runtime.NumGoroutine()
	gfile := filepath.Join(t.TempDir(), "grandchild")
	out := run(t, Config{Argv: sh(`echo A; setsid ` + bg(gfile, "sleep 30") + ` exec sleep 30`), Timeout: 2 * time.Second})
	g := readPID(t, gfile)
	t.Cleanup(func() { _ = killPID(g) })
	wantVerdict(t, out, verify.Timeout)
	deadline := time.Now().Add(3 * time.Second)
	for runtime.NumGoroutine() > before {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<16)
			n := runtime.Stack(buf, true)
			t.Fatalf("%d goroutines before Run, %d after:\n%s", before, runtime.NumGoroutine(), buf[:n])
		}
		time.Sleep(20 * time.Millisecond)
	}
}
