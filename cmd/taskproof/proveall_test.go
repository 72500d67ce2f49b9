package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"

	"github.com/taskproof/taskproof/internal/cli"
	"github.com/taskproof/taskproof/internal/evidence"
	"github.com/taskproof/taskproof/internal/gittest"
	"github.com/taskproof/taskproof/internal/ledger"
	"github.com/taskproof/taskproof/internal/proofstate"
	"github.com/taskproof/taskproof/internal/prove"
	"github.com/taskproof/taskproof/internal/task"
	"github.com/taskproof/taskproof/internal/tasklock"
)

// publicKey reads the generated repository's public key.
func publicKey(t *testing.T, root string) ed25519.PublicKey {
	t.Helper()
	pub, err := evidence.ReadPublicKeyFile(filepath.Join(root, evidence.DefaultPublicKeyFile))
	if err != nil {
		t.Fatal(err)
	}
	return pub
}

// verifyAll verifies every task's bundle for commit and returns them by id.
func verifyAll(t *testing.T, m manyTasks, commit string) map[string]*evidence.Verified {
	t.Helper()
	pub := publicKey(t, m.root)
	out := map[string]*evidence.Verified{}
	for i := 1; i <= m.n; i++ {
		id := fmt.Sprintf("TASK-%04d", i)
		data, err := os.ReadFile(proofstate.BundlePath(m.root, task.ID(id)))
		if err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		v, err := evidence.Verify(data, pub, evidence.VerifyOptions{Commit: commit})
		if err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		if v.Predicate.Verdict != evidence.Proven {
			t.Errorf("%s: verdict %s: %+v", id, v.Predicate.Verdict, v.Predicate.Items)
		}
		out[id] = v
	}
	return out
}

// TestQEMUProveAllShared is the acceptance test of proving at scale: 120
// tasks whose proofs are 6 distinct real QEMU runs (and one go test run)
// boot QEMU exactly 6 times, every bundle verifies and names the run that
// proved it, the ledger knows which tasks each run proved; a second prove
// boots nothing and writes nothing; a change to one task's allowlisted
// file re-runs only the runs that task names.
func TestQEMUProveAllShared(t *testing.T) {
	m := newManyTasks(t, 120, sixQEMURuns)
	head := gittest.Git(t, m.root, "rev-parse", "HEAD")

	code, out, errs := m.taskproof(t, m.root, "prove", "--all", "-j", "2")
	if code != 0 {
		t.Fatalf("prove --all: exit %d\n%s\n%s", code, out, errs)
	}
	if n := m.bootCount(t); n != 6 {
		t.Fatalf("prove --all booted QEMU %d times, want 6\n%s", n, errs)
	}
	if !strings.Contains(out, "PROVEN: 120 task(s), 120 proven (0 up to date), 0 failed, 0 left out; runs: 7 ran, 0 reused, 0 not run") {
		t.Errorf("summary:\n%s", out)
	}
	if got := regexp.MustCompile(`(?m)^run [0-9a-f]{12} \[lane [12]\]: ok: `).FindAllString(errs, -1); len(got) != 7 {
		t.Errorf("%d runs reported ok on lanes 1-2, want 7:\n%s", len(got), errs)
	}
	bundles := verifyAll(t, m, head)
	// TASK-0010 names QEMU runs 4 and 5 and nothing else: its statement
	// names both runs, and both proved other tasks too.
	refs := bundles["TASK-0010"].Predicate.Run.Proofs
	if len(refs) != 2 || refs[0].Run == refs[1].Run || refs[0].Reused != "" || refs[0].Commit != head {
		t.Fatalf("TASK-0010 proofs %+v", refs)
	}
	if refs2 := bundles["TASK-0004"].Predicate.Run.Proofs; len(refs2) != 1 || refs2[0].Exec != refs[0].Exec {
		t.Errorf("TASK-0004 (run 4 only) proofs %+v, want the execution %s TASK-0010 names", refs2, refs[0].Exec)
	}
	l, err := ledger.Open(ledger.DefaultPath(m.root))
	if err != nil {
		t.Fatal(err)
	}
	proved, err := l.ProvedBy(t.Context(), refs[0].Run)
	l.Close()
	var want []string
	for i := 1; i <= m.n; i++ {
		if q, _ := m.runsOf(i); q[0] == 4 || len(q) > 1 && q[1] == 4 {
			want = append(want, fmt.Sprintf("TASK-%04d", i))
		}
	}
	if err != nil || strings.Join(proved, " ") != strings.Join(want, " ") {
		t.Errorf("ledger: run %s proved %v (%v), want %v", refs[0].Run, proved, err, want)
	}

	// Unchanged tree: nothing runs, nothing is written.
	before := bundleTimes(t, m)
	start := time.Now()
	code, out, errs = m.taskproof(t, m.root, "prove", "--all", "-j", "2")
	took := time.Since(start)
	if code != 0 || m.bootCount(t) != 6 {
		t.Fatalf("second prove --all: exit %d, %d boots\n%s\n%s", code, m.bootCount(t), out, errs)
	}
	if !strings.Contains(out, "120 proven (120 up to date)") || !strings.Contains(out, "runs: 0 ran, 7 reused") {
		t.Errorf("second prove --all:\n%s", out)
	}
	if c := regexp.MustCompile(`(?m)^run [0-9a-f]{12}: cached: run [0-9a-f]{12} on commit `+head[:12]+` \(proves \d+ task\(s\)\)$`).FindAllString(errs, -1); len(c) != 7 {
		t.Errorf("%d cached lines, want 7:\n%s", len(c), errs)
	}
	if after := bundleTimes(t, m); !equalTimes(before, after) {
		t.Errorf("the second prove --all rewrote bundles")
	}
	t.Logf("no-op prove --all of %d tasks: %v (process included)", m.n, took)

	// One task's file changes (committed): only that task's runs boot
	// again (task 7: QEMU run 1 and go test); the others are reused.
	gittest.WriteFiles(t, m.root, map[string]string{"src/task-7.txt": "changed work of task 7\n"})
	gittest.Git(t, m.root, "commit", "-qam", "change task 7")
	code, out, errs = m.taskproof(t, m.root, "prove", "--all", "--dry-run")
	if code != 0 || !strings.Contains(out, "plan: 120 task(s), 2 run(s) to run, 5 skipped, 0 task(s) left out") {
		t.Errorf("dry run after the change: exit %d\n%s\n%s", code, out, errs)
	}
	code, out, errs = m.taskproof(t, m.root, "prove", "--all", "-j", "2")
	if code != 0 {
		t.Fatalf("prove --all after the change: exit %d\n%s\n%s", code, out, errs)
	}
	if n := m.bootCount(t); n != 7 {
		t.Errorf("after changing one task's file QEMU booted %d more times, want 1", n-6)
	}
	if !strings.Contains(out, "runs: 2 ran, 5 reused") {
		t.Errorf("after the change:\n%s", out)
	}
	head2 := gittest.Git(t, m.root, "rev-parse", "HEAD")
	bundles = verifyAll(t, m, head2)
	for _, ref := range bundles["TASK-0004"].Predicate.Run.Proofs {
		if ref.Reused != "cache" || ref.Commit != head {
			t.Errorf("TASK-0004 should reuse run 4 from %s: %+v", head, ref)
		}
	}

	// --force runs everything again.
	code, out, errs = m.taskproof(t, m.root, "prove", "--all", "--force", "-j", "2")
	if code != 0 || m.bootCount(t) != 13 || !strings.Contains(out, "runs: 7 ran, 0 reused") {
		t.Errorf("--force: exit %d, %d boots\n%s\n%s", code, m.bootCount(t), out, errs)
	}
}

// bundleTimes are the modification times of the evidence bundles.
func bundleTimes(t *testing.T, m manyTasks) map[string]time.Time {
	t.Helper()
	out := map[string]time.Time{}
	ents, err := os.ReadDir(filepath.Join(m.root, proofstate.EvidenceDir))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		info, err := e.Info()
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = info.ModTime()
	}
	return out
}

func equalTimes(a, b map[string]time.Time) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if !b[k].Equal(v) {
			return false
		}
	}
	return true
}

// TestQEMUProveAllInterrupt: SIGINT while two lanes boot hanging guests
// stops both, leaves no QEMU behind and writes no evidence (exit 3).
func TestQEMUProveAllInterrupt(t *testing.T) {
	m := newManyTasks(t, 4, []qemuRun{{"hang", "default", "120s"}, {"hang", "boot", "120s"}})
	cmd := exec.Command("taskproof", "prove", "--all", "-j", "2")
	cmd.Dir = m.root
	cmd.Env = append(os.Environ(), "CI=1", "MANY_BOOTS="+m.boots)
	var errb syncBuffer
	cmd.Stderr = &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	image := filepath.Join(m.root, "build", "minios-hang.elf")
	deadline := time.Now().Add(60 * time.Second)
	for len(qemuProcesses(image)) < 2 {
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatalf("two QEMUs never ran:\n%s", errb.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != cli.ExitInfra {
		t.Errorf("interrupted prove --all: %v, want exit %d\n%s", err, cli.ExitInfra, errb.String())
	}
	if left := qemuProcesses(image); len(left) > 0 {
		t.Errorf("QEMU processes left after SIGINT: %v", left)
	}
	if _, err := os.Stat(filepath.Join(m.root, proofstate.EvidenceDir)); !os.IsNotExist(err) {
		t.Errorf("an interrupted prove wrote evidence: %v", err)
	}
	if !strings.Contains(errb.String(), "interrupted by a signal; no evidence written") {
		t.Errorf("stderr:\n%s", errb.String())
	}
}

// syncBuffer is a bytes.Buffer safe for a process's writes and the
// test's reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestQEMULanesCI plays the CI: plan in one checkout, each lane a
// separate process in its own clone, then collect in the first checkout.
// A failing lane (a guest without its timer marker), a lane killed
// mid-boot and a lane that times out are each named by collect; status
// set Done is accepted for a task whose lanes all passed and refused for
// one whose lane failed.
func TestQEMULanesCI(t *testing.T) {
	runs := []qemuRun{{"pass", "default", "60s"}, {"linger", "default", "60s"}, {"missing", "default", "60s"}, {"hang", "default", "4s"}}
	m := newManyTasks(t, 8, runs)
	code, out, errs := m.taskproof(t, m.root, "plan", "--format", "json")
	if code != 0 {
		t.Fatalf("plan: exit %d\n%s", code, errs)
	}
	var view prove.PlanView
	if err := json.Unmarshal([]byte(out), &view); err != nil {
		t.Fatal(err)
	}
	if len(view.Runs) != 5 {
		t.Fatalf("plan: %d runs, want 4 QEMU runs and go test:\n%s", len(view.Runs), out)
	}
	_, gh, _ := m.taskproof(t, m.root, "plan", "--format", "github")
	var matrix struct{ Include []struct{ Lane, Name string } }
	if err := json.Unmarshal([]byte(gh), &matrix); err != nil || len(matrix.Include) != 5 || matrix.Include[0].Lane != view.Runs[0].ID {
		t.Errorf("github matrix %q: %v", gh, err)
	}
	laneOf := map[string]string{} // variant (or "go") -> run id
	for _, r := range view.Runs {
		key := "go"
		if i := strings.LastIndex(r.Command, "./boot.sh "); i >= 0 {
			key = r.Command[i+len("./boot.sh "):]
		}
		laneOf[key] = r.ID
	}
	key := filepath.Join(m.root, evidence.DefaultPrivateKeyFile)
	dirs := t.TempDir()
	lane := func(id, name string) *exec.Cmd {
		clone := filepath.Join(dirs, name)
		gittest.Git(t, dirs, "clone", "-q", m.root, clone)
		cmd := exec.Command("taskproof", "prove", "--lane", id, "--out", filepath.Join(dirs, "lanes-"+id))
		cmd.Dir = clone
		cmd.Env = append(os.Environ(), "CI=1", "TASKPROOF_SIGNING_KEY_FILE="+key)
		return cmd
	}
	// Three lanes to the end, in parallel, each its own process and clone.
	var wg sync.WaitGroup
	results := map[string]string{}
	var mu sync.Mutex
	for _, v := range []string{"pass", "linger", "missing", "go"} {
		cmd := lane(laneOf[v], "clone-"+v)
		wg.Add(1)
		go func() {
			defer wg.Done()
			outb, err := cmd.CombinedOutput()
			mu.Lock()
			results[v] = fmt.Sprintf("%v\n%s", err, outb)
			mu.Unlock()
		}()
	}
	// The hang lane is killed (SIGTERM) while its guest runs.
	hang := lane(laneOf["hang"], "clone-hang")
	if err := hang.Start(); err != nil {
		t.Fatal(err)
	}
	image := filepath.Join(dirs, "clone-hang", "build", "minios-hang.elf")
	for deadline := time.Now().Add(60 * time.Second); len(qemuProcesses(image)) == 0; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			hang.Process.Kill()
			t.Fatal("the hang lane never booted")
		}
	}
	hang.Process.Signal(syscall.SIGTERM)
	hang.Wait()
	wg.Wait()
	if !strings.HasPrefix(results["pass"], "<nil>") || !strings.Contains(results["missing"], "exit status 1") {
		t.Fatalf("lanes: %v", results)
	}
	if left := qemuProcesses(image); len(left) > 0 {
		t.Errorf("the killed lane left QEMU running: %v", left)
	}
	if ents, _ := os.ReadDir(filepath.Join(dirs, "lanes-"+laneOf["hang"])); len(ents) > 0 {
		t.Errorf("the killed lane left %d file(s) behind", len(ents))
	}
	laneDirs := func() []string {
		var out []string
		for _, id := range laneOf {
			out = append(out, filepath.Join(dirs, "lanes-"+id))
		}
		return out
	}
	os.MkdirAll(filepath.Join(dirs, "lanes-"+laneOf["hang"]), 0o755)
	code, out, errs = m.taskproof(t, m.root, append([]string{"evidence", "collect", "--summary", filepath.Join(dirs, "summary.md")}, laneDirs()...)...)
	if code != 1 {
		t.Fatalf("collect: exit %d, want 1\n%s\n%s", code, out, errs)
	}
	for _, want := range []string{
		"lane " + laneOf["missing"] + " (taskproof run --contract proof/contract.toml --profile default --timeout 60s -- ./boot.sh missing): failed: MISSING: required marker \"minios: timer ready\"",
		"lane " + laneOf["hang"] + " (taskproof run --contract proof/contract.toml --profile default --timeout 4s -- ./boot.sh hang): left no result",
	} {
		if !strings.Contains(errs, want) {
			t.Errorf("collect stderr lacks %q:\n%s", want, errs)
		}
	}
	// Task 1 (linger) and task 4 (pass) are proven; task 2 (missing) and
	// task 3 (hang, no result) are not.
	pub := publicKey(t, m.root)
	for id, want := range map[string]string{"TASK-0001": evidence.Proven, "TASK-0004": evidence.Proven, "TASK-0002": evidence.Failed, "TASK-0003": evidence.Failed} {
		data, err := os.ReadFile(proofstate.BundlePath(m.root, task.ID(id)))
		if err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		v, err := evidence.Verify(data, pub, evidence.VerifyOptions{})
		if err != nil || v.Predicate.Verdict != want {
			t.Errorf("%s: %v, verdict %v, want %s", id, err, v.Predicate.Verdict, want)
		}
	}
	if code, _, errs := m.taskproof(t, m.root, "status", "set", "TASK-0001", "Done"); code != 0 {
		t.Errorf("status set TASK-0001 Done: exit %d\n%s", code, errs)
	}
	if code, _, errs := m.taskproof(t, m.root, "status", "set", "TASK-0002", "Done"); code != 1 {
		t.Errorf("status set TASK-0002 Done (its lane failed): exit %d, want 1\n%s", code, errs)
	}
	summary, err := os.ReadFile(filepath.Join(dirs, "summary.md"))
	if err != nil || !strings.Contains(string(summary), "| TASK-0001 | proven |") {
		t.Errorf("summary: %v\n%s", err, summary)
	}

	// The hang lane runs to its deadline: a TIMEOUT result that collect
	// names, written whole.
	cmd := lane(laneOf["hang"], "clone-hang2")
	if outb, err := cmd.CombinedOutput(); err == nil || !strings.Contains(string(outb), "TIMEOUT") {
		t.Fatalf("hang lane: %v\n%s", err, outb)
	}
	code, _, errs = m.taskproof(t, m.root, append([]string{"evidence", "collect"}, laneDirs()...)...)
	if code != 1 || !strings.Contains(errs, "lane "+laneOf["hang"]+" (taskproof run --contract proof/contract.toml --profile default --timeout 4s -- ./boot.sh hang): failed: TIMEOUT") {
		t.Errorf("collect after the timed-out lane: exit %d\n%s", code, errs)
	}

	// Collect writes bundles, so it takes the task locks as prove does: a
	// prove holding TASK-0001's makes it fail at once (exit 3), naming it.
	held, err := tasklock.Acquire(context.Background(), m.root, []string{"TASK-0001"}, []string{"taskproof", "prove", "TASK-0001"}, false)
	if err != nil {
		t.Fatal(err)
	}
	code, _, errs = m.taskproof(t, m.root, append([]string{"evidence", "collect"}, laneDirs()...)...)
	held.Release()
	if code != cli.ExitInfra || !strings.Contains(errs, "TASK-0001") || !strings.Contains(errs, "taskproof prove TASK-0001") {
		t.Errorf("collect while a prove holds TASK-0001: exit %d, want 3 naming the prove\n%s", code, errs)
	}

	// A lane result signed by another key is refused, naming the file.
	other := filepath.Join(dirs, "other")
	writeKeys(t, other)
	forged := lane(laneOf["pass"], "clone-forged")
	forged.Args[len(forged.Args)-1] = filepath.Join(dirs, "forged")
	forged.Env = append(os.Environ(), "CI=1", "TASKPROOF_SIGNING_KEY_FILE="+filepath.Join(other, evidence.DefaultPrivateKeyFile))
	if outb, err := forged.CombinedOutput(); err != nil {
		t.Fatalf("forged lane: %v\n%s", err, outb)
	}
	code, _, errs = m.taskproof(t, m.root, "evidence", "collect", filepath.Join(dirs, "forged"))
	if code != 1 || !strings.Contains(errs, prove.LaneFile(laneOf["pass"])+": no signature verifies under key") {
		t.Errorf("collect of a lane signed by another key: exit %d\n%s", code, errs)
	}
}

// TestProveAllLanesOnTerminal: on a terminal, a many-task prove keeps one
// live line per lane (redrawn in place) and prints each finished run
// above them.
func TestProveAllLanesOnTerminal(t *testing.T) {
	gittest.Require(t)
	master, tty, err := pty.Open()
	if err != nil {
		t.Skipf("no pty: %v", err)
	}
	defer master.Close()
	root := t.TempDir()
	task := func(id, mode string) string {
		return "# " + id + ": t\n\n- Status: Draft\n\n## Stop conditions (Definition of Done)\n\n- **Proof (QEMU)**:\n  - Command(s):\n" +
			"    - `MODE=" + mode + " taskproof run --contract proof/contract.toml -- ./boot.sh`\n  - Required markers:\n    - `boot ok`\n\n## Touched paths (allowlist)\n\n- `boot.sh`\n"
	}
	gittest.WriteFiles(t, root, map[string]string{
		".gitignore":          ".taskproof/\n",
		"taskproof.toml":      "[proof]\ncanonical = [\"taskproof run *\"]\n",
		"proof/contract.toml": "[contract]\nversion = 1\n\n[[marker]]\ntext = \"boot ok\"\nkind = \"ok\"\n",
		"boot.sh":             "#!/bin/sh\necho starting\nsleep 0.5\necho boot ok\n",
		"tasks/TASK-0001.md":  task("TASK-0001", "a"),
		"tasks/TASK-0002.md":  task("TASK-0002", "b"),
	})
	if err := os.Chmod(filepath.Join(root, "boot.sh"), 0o755); err != nil {
		t.Fatal(err)
	}
	gittest.Repo(t, root)
	writeKeys(t, root)
	var seen bytes.Buffer
	done := make(chan struct{})
	go func() {
		io.Copy(&seen, master)
		close(done)
	}()
	var stdout bytes.Buffer
	env := &cli.Env{Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: tty, Getenv: func(string) string { return "" }}
	code := runMain(context.Background(), env, []string{"prove", "--all", "-j", "2", "--root", root})
	tty.Close()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("pty reader did not finish")
	}
	s := seen.String()
	if code != cli.ExitOK {
		t.Fatalf("exit %d\n%s\n%q", code, stdout.String(), s)
	}
	for _, want := range []string{"\r\x1b[Klane 1: ", "\r\x1b[Klane 2: ", "\x1b[2A", "lane 1: idle"} {
		if !strings.Contains(s, want) {
			t.Errorf("terminal lacks %q:\n%q", want, s)
		}
	}
	if n := len(regexp.MustCompile(`\r\x1b\[Krun [0-9a-f]{12} \[lane [12]\]: ok: PASS`).FindAllString(s, -1)); n != 2 {
		t.Errorf("%d finished-run lines, want 2:\n%q", n, s)
	}
}
