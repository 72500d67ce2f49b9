//go:build unix

package tasklock

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The test binary doubles as another prover: with TASKLOCK_HOLD=ROOT it
// locks TASK-0001 and TASK-0002 under ROOT, says so and waits to be killed.
func TestMain(m *testing.M) {
	if root := os.Getenv("TASKLOCK_HOLD"); root != "" {
		l, err := Acquire(context.Background(), root, []string{"TASK-0002", "TASK-0001"}, []string{"taskproof", "prove", "--all"}, false)
		if err != nil {
			fmt.Println(err)
			os.Exit(2)
		}
		if heir := os.Getenv("TASKLOCK_HEIR"); heir != "" {
			// A child that inherits the locks' descriptors, as one the
			// holder starts does from fork to exec, and outlives it.
			c := exec.Command("sleep", heir)
			c.ExtraFiles = l.files
			if err := c.Start(); err != nil {
				fmt.Println(err)
				os.Exit(2)
			}
			fmt.Println("locked, heir", c.Process.Pid)
		} else {
			fmt.Println("locked")
		}
		time.Sleep(time.Minute)
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// holder starts another process holding the locks under root; env adds
// to its environment.
func holder(t *testing.T, root string, env ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(append(os.Environ(), "TASKLOCK_HOLD="+root), env...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "locked") {
		t.Fatalf("holder: %q %v", line, err)
	}
	var heir int
	if _, err := fmt.Sscanf(line, "locked, heir %d", &heir); err == nil {
		t.Cleanup(func() { _ = syscall.Kill(heir, syscall.SIGKILL) })
	}
	return cmd
}

// TestHeldByAnotherProcess: a second prover of a task fails at once,
// naming the first; it holds none of its locks then; once the first is
// killed with SIGKILL the task is free.
func TestHeldByAnotherProcess(t *testing.T) {
	root := t.TempDir()
	h := holder(t, root)
	start := time.Now()
	l, err := Acquire(context.Background(), root, []string{"TASK-0003", "TASK-0002"}, []string{"taskproof", "prove"}, false)
	var held *HeldError
	if !errors.As(err, &held) || !errors.Is(err, ErrHeld) {
		l.Release()
		t.Fatalf("Acquire = %v; want a HeldError", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("refusal took %v; want at once", d)
	}
	if held.Task != "TASK-0002" || held.Holder.PID != h.Process.Pid || held.Holder.Command != "taskproof prove --all" || held.Holder.Started.IsZero() {
		t.Errorf("held %+v; want TASK-0002 held by pid %d", held, h.Process.Pid)
	}
	for _, want := range []string{"TASK-0002 is being proven by another taskproof (pid " + fmt.Sprint(h.Process.Pid), "taskproof prove --all", "--wait"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message %q lacks %q", err, want)
		}
	}
	// All or none: TASK-0003, taken before TASK-0002 was found held, is free.
	l3, err := Acquire(context.Background(), root, []string{"TASK-0003"}, nil, false)
	if err != nil {
		t.Fatalf("TASK-0003 still locked by the refused prover: %v", err)
	}
	l3.Release()

	if err := h.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = h.Wait()
	l, err = Acquire(context.Background(), root, []string{"TASK-0001", "TASK-0002"}, nil, false)
	if err != nil {
		t.Fatalf("locks not released by the killed holder: %v", err)
	}
	l.Release()
}

// TestWait: with wait, a prover waits for the holder's end, and gives up
// when its context ends.
func TestWait(t *testing.T) {
	root := t.TempDir()
	h := holder(t, root)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	if _, err := Acquire(ctx, root, []string{"TASK-0001"}, nil, true); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("waiting on a live holder: %v; want the context's end", err)
	}
	go func() {
		time.Sleep(200 * time.Millisecond)
		_ = h.Process.Kill()
	}()
	l, err := Acquire(context.Background(), root, []string{"TASK-0001"}, nil, true)
	if err != nil {
		t.Fatal(err)
	}
	l.Release()
}

// TestLockKeptByHeir: a killed holder's lock that a process it started
// still holds comes free when that process ends; a prove that does not
// wait gives it that moment instead of refusing, and names the situation
// when the heir outlives the grace.
func TestLockKeptByHeir(t *testing.T) {
	root := t.TempDir()
	h := holder(t, root, "TASKLOCK_HEIR=0.5")
	if err := h.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = h.Wait()
	l, err := Acquire(context.Background(), root, []string{"TASK-0001"}, nil, false)
	if err != nil {
		t.Fatalf("lock kept by the killed holder's child for 0.5 s: %v", err)
	}
	l.Release()

	root = t.TempDir()
	h = holder(t, root, "TASKLOCK_HEIR=10")
	pid := h.Process.Pid
	if err := h.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = h.Wait()
	start := time.Now()
	_, err = Acquire(context.Background(), root, []string{"TASK-0001"}, nil, false)
	var held *HeldError
	if !errors.As(err, &held) || !held.Exited || held.Holder.PID != pid {
		t.Fatalf("Acquire = %v; want a HeldError naming exited pid %d", err, pid)
	}
	if d := time.Since(start); d < heirGrace {
		t.Errorf("refused after %v; want the %v grace first", d, heirGrace)
	}
	if !strings.Contains(err.Error(), "which has exited, but a process it started still holds") {
		t.Errorf("message %q does not say the holder exited", err)
	}
}
