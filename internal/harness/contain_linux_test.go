package harness

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/taskproof/taskproof/internal/verify"
)

// supervised are the mechanisms that must outlive a killed taskproof.
var supervised = []Containment{ContainPIDNS, ContainCgroup, ContainPdeathsig}

// requireContainment skips a test of mode on a system that cannot do it
// (a container without CAP_SYS_ADMIN has no PID namespace, a read-only
// cgroup2 no cgroup), naming why.
func requireContainment(t *testing.T, mode Containment) {
	t.Helper()
	if got, note := Available(mode); got != mode {
		t.Skipf("%s is not available here (got %s: %s)", mode, got, note)
	}
}

// markedProcesses lists the live processes whose environment holds mark
// (HARNESS_RUN_MARK=...): every process of one run, however it was
// started, and nothing else. Zombies have no environment left and are
// dead anyway.
func markedProcesses(mark string) []int {
	names, _ := filepath.Glob("/proc/[0-9]*/environ")
	var pids []int
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			continue
		}
		for _, kv := range bytes.Split(b, []byte{0}) {
			if string(kv) == mark {
				pid, _ := strconv.Atoi(strings.Split(n, "/")[2])
				if procAlive(pid) {
					pids = append(pids, pid)
				}
				break
			}
		}
	}
	sort.Ints(pids)
	return pids
}

// runScript is the script every kill test runs: a child, a grandchild in
// its group, one that left for its own session, and one that ignores
// SIGTERM and SIGHUP; all write their pids to dir, then A is printed and
// the script waits forever.
func runScript(dir string) (string, []string) {
	files := []string{"child", "grandchild", "escaped", "stubborn"}
	f := func(n string) string { return filepath.Join(dir, n) }
	script := pidTo(f("child")) + "; " +
		bg(f("grandchild"), "sleep 300") + " " +
		"setsid " + bg(f("escaped"), "sleep 300") + " " +
		`sh -c 'trap "" TERM HUP; ` + pidTo(f("stubborn")) + `; while :; do sleep 1; done' & ` +
		`until [ -s ` + f("stubborn") + ` ]; do sleep 0.01; done; echo A; wait`
	return script, files
}

// observedContainment tells from /proc what holds process pid: a PID
// namespace below ours (two NSpid numbers), a run cgroup, or a supervisor
// among its ancestors; "" for none of them.
func observedContainment(t *testing.T, pid int) Containment {
	t.Helper()
	status, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(string(status), "\n") {
		if f, ok := strings.CutPrefix(l, "NSpid:"); ok && len(strings.Fields(f)) > 1 {
			return ContainPIDNS
		}
	}
	cg, _ := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cgroup")
	if strings.Contains(string(cg), "/taskproof-") {
		return ContainCgroup
	}
	for p := pid; p > 1; {
		cmdline, _ := os.ReadFile("/proc/" + strconv.Itoa(p) + "/cmdline")
		if strings.HasPrefix(string(cmdline), superviseArg0+"\x00") {
			return ContainPdeathsig
		}
		st, ok := procStat(strconv.Itoa(p))
		if !ok {
			break
		}
		p = st.ppid
	}
	return ""
}

func readPIDs(t *testing.T, dir string, files []string) map[string]int {
	t.Helper()
	pids := map[string]int{}
	for _, n := range files {
		pids[n] = readPID(t, filepath.Join(dir, n))
	}
	return pids
}

// waitNoneLeft polls until no process of the run is left, for at most d;
// it returns how long that took and what is left.
func waitNoneLeft(mark string, pids map[string]int, d time.Duration) (time.Duration, []int) {
	start := time.Now()
	for {
		left := markedProcesses(mark)
		for _, pid := range pids {
			if procAlive(pid) && !containsInt(left, pid) {
				left = append(left, pid)
			}
		}
		if len(left) == 0 || time.Since(start) > d {
			return time.Since(start), left
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func containsInt(xs []int, x int) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// TestKilledRunnerLeavesNothing is the promise at the harness
// level: SIGKILL the process running the harness (as a CI runner cancelling
// a job does) and within a second no process of its run is left: not the
// command, not a grandchild, not one that left for its own session, not
// one that ignores SIGTERM and SIGHUP.
func TestKilledRunnerLeavesNothing(t *testing.T) {
	for _, mode := range supervised {
		for _, pty := range []bool{false, true} {
			name := string(mode)
			if pty {
				name += "-pty"
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				requireContainment(t, mode)
				dir := t.TempDir()
				script, files := runScript(dir)
				r := startRunner(t, mode, pty, script)
				pids := readPIDs(t, dir, files)
				if got := observedContainment(t, pids["child"]); got != mode {
					t.Fatalf("the command runs under %q, want %s", got, mode)
				}
				// Every process of the run carries the mark, and descends
				// from the runner while it lives.
				marked := markedProcesses(r.mark)
				desc := descendants(r.cmd.Process.Pid)
				for what, pid := range pids {
					if !containsInt(marked, pid) || !containsInt(desc, pid) {
						t.Fatalf("%s (pid %d) is not marked %v or not a descendant %v", what, pid, marked, desc)
					}
				}
				for _, pid := range desc {
					pids["descendant "+strconv.Itoa(pid)] = pid
				}
				if err := r.cmd.Process.Kill(); err != nil {
					t.Fatal(err)
				}
				_ = r.cmd.Wait()
				took, left := waitNoneLeft(r.mark, pids, time.Second)
				if len(left) > 0 {
					for _, pid := range left {
						_ = killPID(pid)
					}
					t.Fatalf("%s: %d process(es) of the run alive 1s after the runner was SIGKILLed: %v", mode, len(left), left)
				}
				t.Logf("%s: %d processes gone %v after SIGKILL of the runner", mode, len(pids), took.Round(time.Millisecond))
			})
		}
	}
}

// TestKilledRunnerPGroupLeaks shows what the other mechanisms fix, and
// that the check above sees it: with the process group alone, a SIGKILLed
// runner leaves its run behind.
func TestKilledRunnerPGroupLeaks(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	script, files := runScript(dir)
	r := startRunner(t, ContainPGroup, false, script)
	pids := readPIDs(t, dir, files)
	if got := observedContainment(t, pids["child"]); got != "" {
		t.Fatalf("the command runs under %s, want the process group alone", got)
	}
	if err := r.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = r.cmd.Wait()
	_, left := waitNoneLeft(r.mark, pids, 300*time.Millisecond)
	for _, pid := range left {
		_ = syscall.Kill(pid, syscall.SIGKILL)
	}
	if len(left) < len(files) {
		t.Fatalf("pgroup: only %v of %v left after the runner was killed; this test no longer shows the leak", left, pids)
	}
	if !strings.Contains(r.stderr.String(), "warning: containment pgroup") {
		t.Errorf("no pgroup warning on the runner's stderr:\n%s", r.stderr.String())
	}
}

// TestSignalledRunnerStopsRun: SIGINT and SIGTERM to the runner (what the
// CLI gets from Ctrl-C or a polite CI cancel) end every process of the run
// under every mechanism, the process group included: today's guarantee.
func TestSignalledRunnerStopsRun(t *testing.T) {
	for _, mode := range append(supervised, ContainPGroup) {
		for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
			t.Run(string(mode)+"-"+sig.String(), func(t *testing.T) {
				t.Parallel()
				requireContainment(t, mode)
				dir := t.TempDir()
				script, files := runScript(dir)
				if mode == ContainPGroup {
					// A process that left the group is beyond the group's
					// reach: that is what the stronger mechanisms add.
					script = strings.Replace(script, "setsid ", "", 1)
				}
				r := startRunner(t, mode, false, script)
				pids := readPIDs(t, dir, files)
				if err := r.cmd.Process.Signal(sig); err != nil {
					t.Fatal(err)
				}
				rep := r.wait(t)
				if rep.Containment != string(mode) || !rep.Interrupted {
					t.Errorf("report %+v: want %s, interrupted", rep, mode)
				}
				if !rep.Killed {
					t.Errorf("report %+v: the process ignoring SIGTERM needed SIGKILL", rep)
				}
				wantAllGone(t, "after the runner stopped on "+sig.String(), pids)
				if marked := markedProcesses(r.mark); len(marked) > 0 {
					t.Errorf("marked processes alive after the run: %v", marked)
				}
				warned := strings.Contains(r.stderr.String(), "warning: containment pgroup")
				if warned != (mode == ContainPGroup) {
					t.Errorf("pgroup warning printed %v for %s:\n%s", warned, mode, r.stderr.String())
				}
			})
		}
	}
}

// TestContainmentBehaviour: under every mechanism the command sees what it
// saw as taskproof's direct child (exit codes, signals, its directory, a
// terminal or /dev/null as stdin), a missing command is INFRA, and the
// run's processes are gone when Run returns.
func TestContainmentBehaviour(t *testing.T) {
	for _, mode := range append(supervised, ContainPGroup) {
		t.Run(string(mode), func(t *testing.T) {
			t.Parallel()
			requireContainment(t, mode)
			var warn bytes.Buffer
			do := func(cfg Config) *Outcome {
				t.Helper()
				cfg.Containment, cfg.Warn = mode, &warn
				out := run(t, cfg)
				if out.Containment != mode {
					t.Fatalf("ran under %s (%s), want %s", out.Containment, out.ContainmentNote, mode)
				}
				return out
			}

			out := do(Config{Argv: sh(`echo A; exit 7`)})
			wantVerdict(t, out, verify.Crash)
			if !out.Exited || out.ExitCode != 7 {
				t.Errorf("exit: exited %v code %d, want 7", out.Exited, out.ExitCode)
			}
			out = do(Config{Argv: sh(`echo A; kill -SEGV $$`)})
			if out.Signal != "SIGSEGV" || out.ExitCode != -1 {
				t.Errorf("signal %q code %d, want SIGSEGV", out.Signal, out.ExitCode)
			}
			out = do(Config{Argv: sh(`echo A; echo B; echo C; exit 33`), OKExitCodes: []int{33}})
			wantVerdict(t, out, verify.Pass)

			// A name is looked up in taskproof's PATH, a relative path in
			// the run's directory.
			out, err := Run(context.Background(), Config{Argv: []string{"taskproof-no-such-command-xyz"}, Containment: mode, Spec: ladder(), NewChecker: checkerFor(ladder()), Warn: &warn})
			if err != nil {
				t.Fatal(err)
			}
			wantVerdict(t, out, verify.Infra)
			if msg := out.Result.Failure.Message; !strings.Contains(msg, "taskproof-no-such-command-xyz") {
				t.Errorf("INFRA message %q does not name the command", msg)
			}
			dir := t.TempDir()
			script := filepath.Join(dir, "boot.sh")
			if err := os.WriteFile(script, []byte("#!/bin/sh\necho A; echo B; pwd; read x; echo \"stdin:$x.\"; echo C\n"), 0o755); err != nil {
				t.Fatal(err)
			}
			log := filepath.Join(dir, "console.log")
			out = do(Config{Argv: []string{"./boot.sh"}, Dir: dir, Log: log})
			wantVerdict(t, out, verify.Pass)
			if b, _ := os.ReadFile(log); !strings.Contains(string(b), dir+"\nstdin:.\n") {
				t.Errorf("console %q: want the run's directory and an empty stdin", b)
			}
			out = run(t, Config{Argv: []string{"./no-such.sh"}, Dir: dir, Containment: mode, Warn: &warn})
			wantVerdict(t, out, verify.Infra)
			if msg := out.Result.Failure.Message; !strings.Contains(msg, "./no-such.sh: no such file or directory") {
				t.Errorf("INFRA message %q does not say ./no-such.sh is missing", msg)
			}

			out = do(Config{Argv: sh(`if [ -t 0 ] && [ -t 1 ]; then echo A; fi; echo B; echo C`), PTY: true})
			wantVerdict(t, out, verify.Pass)

			// After a pass the run is stopped; nothing of it is left, the
			// escaped grandchild included unless only the group holds it.
			gdir := t.TempDir()
			gfile, efile := filepath.Join(gdir, "g"), filepath.Join(gdir, "e")
			out = do(Config{Argv: sh(bg(gfile, "sleep 60") + " setsid " + bg(efile, "sleep 60") + " echo A; echo B; echo C; wait")})
			wantVerdict(t, out, verify.Pass)
			wantGone(t, "grandchild", readPID(t, gfile))
			if e := readPID(t, efile); mode != ContainPGroup {
				wantGone(t, "escaped grandchild", e)
			} else {
				_ = killPID(e)
			}
			if got := strings.Count(warn.String(), "\n"); (mode == ContainPGroup) != (got > 0) {
				t.Errorf("warnings for %s: %q", mode, warn.String())
			}
		})
	}
}

// TestSupervisorKilledFromOutside: a PID namespace dies with its init, so a
// supervisor killed by someone else (the OOM killer) still takes the run
// with it, and the run is a crash, not a pass.
func TestSupervisorKilledFromOutside(t *testing.T) {
	t.Parallel()
	requireContainment(t, ContainPIDNS)
	dir := t.TempDir()
	gfile := filepath.Join(dir, "g")
	spec := ladder()
	type result struct {
		out *Outcome
		err error
	}
	done := make(chan result, 1)
	go func() {
		out, err := Run(context.Background(), Config{
			Argv: sh(bg(gfile, "sleep 60") + " echo A; wait"), Containment: ContainPIDNS,
			Spec: spec, NewChecker: checkerFor(spec), Timeout: 30 * time.Second,
		})
		done <- result{out, err}
	}()
	g := readPID(t, gfile)
	st, ok := procStat(strconv.Itoa(g))
	if !ok {
		t.Fatal("no grandchild")
	}
	// The grandchild's parent is the shell, whose parent is the supervisor.
	sh, _ := procStat(strconv.Itoa(st.ppid))
	if err := syscall.Kill(sh.ppid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	var res result
	select {
	case res = <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after its supervisor was killed")
	}
	if res.err != nil {
		t.Fatal(res.err)
	}
	wantVerdict(t, res.out, verify.Crash)
	if res.out.Signal != "SIGKILL" {
		t.Errorf("signal %q, want SIGKILL", res.out.Signal)
	}
	wantGone(t, "grandchild", g)
}

// TestUnprivilegedPIDNS: a user who is not root gets a PID namespace too,
// through a user namespace that maps only its own ids, where the kernel
// allows unprivileged user namespaces. Needs root to switch to nobody.
func TestUnprivilegedPIDNS(t *testing.T) {
	t.Parallel()
	if os.Geteuid() != 0 {
		t.Skip("needs root to run the test binary as another user")
	}
	setpriv, err := exec.LookPath("setpriv")
	if err != nil {
		t.Skip("setpriv (util-linux) not installed")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	// A copy nobody may execute, in a directory nobody may write.
	dir, err := os.MkdirTemp("", "harness-userns-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "harness.test")
	data, err := os.ReadFile(exe)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bin, data, 0o755); err != nil {
		t.Fatal(err)
	}
	pidFile := filepath.Join(dir, "child")
	cmd := exec.Command(setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", bin, "-test.run=^$")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "HARNESS_HELPER=contained-run", "HARNESS_CONTAIN=pidns",
		"HARNESS_SCRIPT="+pidTo(pidFile)+`; [ "$(id -u)" = 65534 ] && echo A; echo B; echo C`)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("runner as nobody: %v\n%s", err, stderr.String())
	}
	var rep runnerReport
	if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
		t.Fatalf("report %q: %v\n%s", stdout.String(), err, stderr.String())
	}
	if rep.Containment != string(ContainPIDNS) {
		t.Skipf("no PID namespace for an unprivileged user here: %s (%s)", rep.Containment, rep.Note)
	}
	if rep.Verdict != string(verify.Pass) {
		t.Errorf("verdict %s: the command did not run as nobody in the user namespace", rep.Verdict)
	}
	wantGone(t, "command", readPID(t, pidFile))
}

// BenchmarkContainment measures what a mechanism costs per run: a command
// printing the ladder and exiting, under each one.
//
//	go test ./internal/harness -run '^$' -bench Containment -benchtime 50x
func BenchmarkContainment(b *testing.B) {
	for _, mode := range append(supervised, ContainPGroup) {
		b.Run(string(mode), func(b *testing.B) {
			if got, note := Available(mode); got != mode {
				b.Skipf("%s not available: %s", mode, note)
			}
			spec := ladder()
			for b.Loop() {
				out, err := Run(context.Background(), Config{
					Argv: []string{"/bin/echo", "A\nB\nC"}, Containment: mode,
					Spec: spec, NewChecker: checkerFor(spec), Warn: io.Discard,
				})
				if err != nil || out.Result.Verdict != verify.Pass || out.Containment != mode {
					b.Fatalf("%v %+v", err, out)
				}
			}
		})
	}
}
