package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/taskproof/taskproof/internal/atomicfile"
	"github.com/taskproof/taskproof/internal/gittest"
	"github.com/taskproof/taskproof/internal/ledger"
	"github.com/taskproof/taskproof/internal/tasklock"
)

// slowFixture is goFixture with a test that takes a few seconds, so a
// prove of TASK-0010 is still running when a second one starts.
func slowFixture(t *testing.T) string {
	t.Helper()
	root := goFixture(t)
	gittest.WriteFiles(t, root, map[string]string{
		"slow_test.go": "package fix\n\nimport (\n\t\"testing\"\n\t\"time\"\n)\n\nfunc TestSlow(t *testing.T) { time.Sleep(4 * time.Second) }\n",
	})
	gittest.Git(t, root, "add", "-A")
	gittest.Git(t, root, "commit", "-q", "-m", "slow test")
	return root
}

// startHolder starts the built taskproof proving TASK-0010 and returns
// once it holds the task's lock.
func startHolder(t *testing.T, bin, root string) (*exec.Cmd, *bytes.Buffer) {
	t.Helper()
	cmd := exec.Command(bin, "prove", "TASK-0010", "--root", root)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	lock := filepath.Join(root, tasklock.Dir, "TASK-0010.lock")
	want := "pid " + strconv.Itoa(cmd.Process.Pid) + "\n"
	for deadline := time.Now().Add(60 * time.Second); ; {
		if b, _ := os.ReadFile(lock); bytes.HasPrefix(b, []byte(want)) {
			return cmd, &out
		}
		if time.Now().After(deadline) {
			t.Fatalf("the first prove never took the lock\n%s", out.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func ledgerRuns(t *testing.T, root, id string) int {
	t.Helper()
	l, err := ledger.OpenExisting(ledger.DefaultPath(root))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	runs, err := l.History(context.Background(), id, 0)
	if err != nil {
		t.Fatal(err)
	}
	return len(runs)
}

// TestProveLockTwoProcesses is the acceptance: two concurrent
// `prove TASK-0010` (real processes) in one repository: one proves, the
// other fails at once (exit 3) naming the first; the bundle verifies and
// the ledger has one run.
func TestProveLockTwoProcesses(t *testing.T) {
	root := slowFixture(t)
	bin := builtTaskproof(t)
	head := gittest.Git(t, root, "rev-parse", "HEAD")
	first, firstOut := startHolder(t, bin, root)

	second := exec.Command(bin, "prove", "TASK-0010", "--root", root)
	var out bytes.Buffer
	second.Stdout, second.Stderr = &out, &out
	start := time.Now()
	err := second.Run()
	took := time.Since(start)
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 3 {
		t.Fatalf("second prove: %v, want exit 3\n%s", err, out.String())
	}
	if took > 3*time.Second {
		t.Errorf("second prove took %v to refuse; want at once", took)
	}
	for _, want := range []string{
		"taskproof prove: TASK-0010 is being proven by another taskproof (pid " + strconv.Itoa(first.Process.Pid) + ", started ",
		": taskproof prove TASK-0010 --root " + root + ")",
		"--wait",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("second prove's message lacks %q:\n%s", want, out.String())
		}
	}
	if err := first.Wait(); err != nil {
		t.Fatalf("first prove: %v\n%s", err, firstOut.String())
	}
	verifiedBundle(t, root, "0010", head)
	if n := ledgerRuns(t, root, "TASK-0010"); n != 1 {
		t.Errorf("ledger has %d runs of TASK-0010, want 1", n)
	}
}

// TestProveLockWaitAndKill: --wait waits for the first prove instead of
// failing, and a first prove killed with SIGKILL frees the task at once.
func TestProveLockWaitAndKill(t *testing.T) {
	root := slowFixture(t)
	bin := builtTaskproof(t)
	first, _ := startHolder(t, bin, root)
	waiter := exec.Command(bin, "prove", "TASK-0010", "--root", root, "--wait")
	var out bytes.Buffer
	waiter.Stdout, waiter.Stderr = &out, &out
	if err := waiter.Start(); err != nil {
		t.Fatal(err)
	}
	if err := first.Wait(); err != nil {
		t.Fatalf("first prove: %v", err)
	}
	if err := waiter.Wait(); err != nil {
		t.Fatalf("waiting prove: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "taskproof prove: waiting: TASK-0010 is being proven by another taskproof (pid "+strconv.Itoa(first.Process.Pid)) {
		t.Errorf("the waiting prove did not say whom it waited for:\n%s", out.String())
	}
	if n := ledgerRuns(t, root, "TASK-0010"); n != 2 {
		t.Errorf("ledger has %d runs of TASK-0010, want 2", n)
	}

	killed, _ := startHolder(t, bin, root)
	if err := killed.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = killed.Wait()
	code, stdout, stderr := proveCLI(t, "prove", "TASK-0010", "--root", root)
	if code != 0 {
		t.Fatalf("prove after a killed prove: exit %d\n%s\n%s", code, stdout, stderr)
	}
}

// TestStaleTempDoesNotFailProve: a temporary file exactly as atomicfile
// names it, left by a writer killed mid-write (its lock gone with it), is
// no touched path for scope or prove, and the next prove removes it.
func TestStaleTempDoesNotFailProve(t *testing.T) {
	root := goFixture(t)
	f, err := atomicfile.CreateTemp(filepath.Join(root, "tasks", "TASK-0010-add.md"))
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("# TASK-0010: Add num")
	f.Close() // the writer's death: its lock goes with its descriptors
	stale := f.Name()
	if code, out, errs := proveCLI(t, "scope", "TASK-0010", "--root", root); code != 0 || strings.Contains(out, ".tmp-") {
		t.Fatalf("scope with a stale temp file: exit %d\n%s\n%s", code, out, errs)
	}
	if code, out, errs := proveCLI(t, "prove", "TASK-0010", "--root", root); code != 0 {
		t.Fatalf("prove with a stale temp file: exit %d\n%s\n%s", code, out, errs)
	}
	if _, err := os.Stat(stale); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the stale %s survived the prove: %v", stale, err)
	}
}
