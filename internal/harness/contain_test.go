package harness

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"syscall"
	"testing"
	"time"
)

// runnerReport is what the contained-run helper prints when its run ends.
type runnerReport struct {
	Containment string `json:"containment"`
	Note        string `json:"note"`
	Verdict     string `json:"verdict"`
	Interrupted bool   `json:"interrupted"`
	Killed      bool   `json:"killed"`
	Leftover    bool   `json:"leftover"`
}

// containHelper runs the helpers of these tests; ok is false for a name
// that is not theirs.
//
// contained-run plays taskproof run: it runs $HARNESS_SCRIPT under the
// harness with containment $HARNESS_CONTAIN (a pty when $HARNESS_PTY is
// set), stops on SIGINT or SIGTERM as the CLI does, and prints a
// runnerReport. Everything it starts inherits its environment, so a
// marker variable set by the test finds every process of the run.
func containHelper(name string) (code int, ok bool) {
	if name != "contained-run" {
		return 0, false
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	spec := ladder()
	out, err := Run(ctx, Config{
		Argv:        sh(os.Getenv("HARNESS_SCRIPT")),
		Containment: Containment(os.Getenv("HARNESS_CONTAIN")),
		PTY:         os.Getenv("HARNESS_PTY") != "",
		Timeout:     2 * time.Minute,
		Grace:       500 * time.Millisecond,
		Spec:        spec,
		NewChecker:  checkerFor(spec),
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2, true
	}
	b, _ := json.Marshal(runnerReport{
		Containment: string(out.Containment), Note: out.ContainmentNote,
		Verdict: string(out.Result.Verdict), Interrupted: out.Interrupted,
		Killed: out.Killed, Leftover: out.Leftover,
	})
	fmt.Println(string(b))
	return 0, true
}

// runnerProc is a contained-run helper process.
type runnerProc struct {
	cmd    *exec.Cmd
	mark   string // HARNESS_RUN_MARK=value, in the environment of every process of its run
	stdout strings.Builder
	stderr strings.Builder
}

// startRunner starts a contained-run helper for script.
func startRunner(t *testing.T, mode Containment, pty bool, script string) *runnerProc {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	r := &runnerProc{mark: fmt.Sprintf("HARNESS_RUN_MARK=%d-%d", os.Getpid(), time.Now().UnixNano())}
	r.cmd = exec.Command(exe, "-test.run=^$")
	r.cmd.Env = append(os.Environ(), "HARNESS_HELPER=contained-run", "HARNESS_SCRIPT="+script,
		"HARNESS_CONTAIN="+string(mode), r.mark)
	if pty {
		r.cmd.Env = append(r.cmd.Env, "HARNESS_PTY=1")
	}
	r.cmd.Stdout, r.cmd.Stderr = &r.stdout, &r.stderr
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = r.cmd.Process.Kill()
		_ = r.cmd.Wait()
	})
	return r
}

// wait waits for the helper to exit and returns its report.
func (r *runnerProc) wait(t *testing.T) runnerReport {
	t.Helper()
	if err := r.cmd.Wait(); err != nil {
		t.Fatalf("runner: %v\nstderr:\n%s", err, r.stderr.String())
	}
	var rep runnerReport
	if err := json.Unmarshal([]byte(strings.TrimSpace(r.stdout.String())), &rep); err != nil {
		t.Fatalf("runner report %q: %v\nstderr:\n%s", r.stdout.String(), err, r.stderr.String())
	}
	return rep
}

// wantAllGone fails for every process in pids still alive, and kills it.
func wantAllGone(t *testing.T, why string, pids map[string]int) {
	t.Helper()
	for what, pid := range pids {
		if procAlive(pid) {
			t.Errorf("%s (pid %d) is alive %s", what, pid, why)
			_ = killPID(pid)
		}
	}
}
