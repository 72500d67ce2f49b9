package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/taskproof/taskproof/internal/cli"
	"github.com/taskproof/taskproof/internal/evidence"
	"github.com/taskproof/taskproof/internal/gittest"
	"github.com/taskproof/taskproof/internal/proofstate"
	"github.com/taskproof/taskproof/internal/repo"
)

// stTask is the task of the status set tests: front matter, an allowlist
// with src/ (minus src/vendor/), a marker under Stop conditions.
const stTask = "---\n" +
	"title: TASK-0001 Boot\n" +
	"status: In Progress   \n" +
	"owner: @a\n" +
	"---\n\n" +
	"## Stop conditions (Definition of Done)\n\n" +
	"- **Proof (QEMU)**:\n" +
	"  - Command(s):\n" +
	"    - `taskproof run -- ./qemu.sh pass`\n" +
	"  - Required markers:\n" +
	"    - `boot: ok`\n\n" +
	"## Touched paths (allowlist)\n\n" +
	"- `src/`\n" +
	"- Out-of-allowlist:\n" +
	"  - `src/vendor/`\n"

// stHeaderless is a task without front matter.
const stHeaderless = "# TASK-0002: Second\n\n" +
	"- Status: Draft\n" +
	"- Owner: @b\n\n" +
	"## Goal\n\n- status: not this one\n"

// stRepo is a committed git work tree whose taskproof root is a
// subdirectory (as examples/minios is), with a public key in place.
type stRepo struct {
	top, root string
	pub       ed25519.PublicKey
	priv      ed25519.PrivateKey
}

func newStRepo(t *testing.T) *stRepo {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	s := &stRepo{top: t.TempDir()}
	s.root = filepath.Join(s.top, "example")
	gittest.Git(t, s.top, "init", "-q", "-b", "main")
	gittest.WriteFile(t, filepath.Join(s.root, "tasks/TASK-0001-boot.md"), stTask)
	gittest.WriteFile(t, filepath.Join(s.root, "tasks/TASK-0002-second.md"), stHeaderless)
	gittest.WriteFile(t, filepath.Join(s.root, "src/boot.s"), "nop\n")
	gittest.WriteFile(t, filepath.Join(s.root, "src/vendor/lib.s"), "lib\n")
	gittest.Git(t, s.top, "add", "-A")
	gittest.Git(t, s.top, "commit", "-q", "-m", "init")
	var err error
	if s.pub, s.priv, err = evidence.GenerateKey(); err != nil {
		t.Fatal(err)
	}
	pem, err := evidence.MarshalPublicKey(s.pub)
	if err != nil {
		t.Fatal(err)
	}
	gittest.WriteFile(t, filepath.Join(s.root, evidence.DefaultPublicKeyFile), string(pem))
	return s
}

func (s *stRepo) taskPath() string { return filepath.Join(s.root, "tasks/TASK-0001-boot.md") }

// prove writes a real bundle for TASK-0001 whose predicate matches the
// current inputs (as prove computes them), signed with key, with the
// given verdict; commit "" means HEAD.
func (s *stRepo) prove(t *testing.T, key ed25519.PrivateKey, verdict, commit string) {
	t.Helper()
	s.proveFiles(t, key, verdict, commit, []evidence.File{{Name: "qemu.log", Data: []byte("boot: ok\n")}})
}

// proveFiles is prove with the given evidence files.
func (s *stRepo) proveFiles(t *testing.T, key ed25519.PrivateKey, verdict, commit string, files []evidence.File) {
	t.Helper()
	r := repo.Open(s.root)
	doc, err := r.Task("TASK-0001")
	if err != nil {
		t.Fatal(err)
	}
	cur, _, err := proofstate.Inputs(context.Background(), r, doc, nil)
	if err != nil {
		t.Fatal(err)
	}
	if commit == "" {
		commit = cur.Commit
	}
	item := evidence.Item{Item: "boot: ok", Kind: evidence.KindMarker, Verdict: verdict}
	if verdict != evidence.Proven {
		item.Reason = "marker missing from the log"
	}
	b, err := evidence.Build(files, evidence.Predicate{
		TaskID: "TASK-0001", Commit: commit, ContractHash: cur.ContractHash, AllowlistHash: cur.AllowlistHash,
		StopConditionsHash: cur.StopConditionsHash, Verdict: verdict, Items: []evidence.Item{item},
	}, key)
	if err != nil {
		t.Fatal(err)
	}
	gittest.WriteFile(t, proofstate.BundlePath(s.root, "TASK-0001"), string(b))
}

// stRun runs taskproof with args and returns the exit code and output.
func stRun(args ...string) (int, string, string) {
	var stdout, stderr bytes.Buffer
	env := &cli.Env{Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr, Getenv: func(string) string { return "" }}
	code := runMain(context.Background(), env, args)
	return code, stdout.String(), stderr.String()
}

// withStatus is stTask with its status value replaced.
func withStatus(v string) string {
	return strings.Replace(stTask, "status: In Progress   \n", "status: "+v+"   \n", 1)
}

func (s *stRepo) expectFile(t *testing.T, want string) {
	t.Helper()
	got, err := os.ReadFile(s.taskPath())
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Fatalf("task file:\n%q\nwant\n%q", got, want)
	}
}

func (s *stRepo) expectRefused(t *testing.T, status string, wants ...string) {
	t.Helper()
	before, _ := os.ReadFile(s.taskPath())
	code, out, errOut := stRun("status", "set", "TASK-0001", status, "--root", s.root)
	if code != cli.ExitFindings {
		t.Fatalf("status set %s: exit %d, want 1\nstdout: %s\nstderr: %s", status, code, out, errOut)
	}
	for _, w := range wants {
		if !strings.Contains(errOut, w) {
			t.Errorf("stderr lacks %q:\n%s", w, errOut)
		}
	}
	s.expectFile(t, string(before))
}

func (s *stRepo) expectSet(t *testing.T, status string, extra ...string) string {
	t.Helper()
	args := append([]string{"status", "set", "TASK-0001", status, "--root", s.root}, extra...)
	code, out, errOut := stRun(args...)
	if code != cli.ExitOK {
		t.Fatalf("status set %s: exit %d\nstdout: %s\nstderr: %s", status, code, out, errOut)
	}
	return out
}

// TestStatusSetDoneNeedsEvidence is the acceptance of issue 5: Done is
// refused without evidence, accepted with it, refused again after an
// allowlisted file changes.
func TestStatusSetDoneNeedsEvidence(t *testing.T) {
	s := newStRepo(t)
	s.expectRefused(t, "Done", "TASK-0001 cannot be set to Done: no evidence",
		"no evidence bundle at .taskproof/evidence/TASK-0001.tar; run taskproof prove TASK-0001")

	s.prove(t, s.priv, evidence.Proven, "")
	out := s.expectSet(t, "done")
	if !strings.Contains(out, `TASK-0001: status "In Progress" -> "Done" (tasks/TASK-0001-boot.md:3)`) ||
		!strings.Contains(out, "proven by .taskproof/evidence/TASK-0001.tar (commit ") {
		t.Errorf("stdout: %s", out)
	}
	s.expectFile(t, withStatus("Done"))

	// Setting it again changes nothing and writes nothing.
	if out := s.expectSet(t, "Done"); !strings.Contains(out, "already") {
		t.Errorf("stdout: %s", out)
	}

	// A later commit that does not touch the allowlist keeps the evidence
	// valid (its commit is an ancestor of HEAD).
	gittest.WriteFile(t, filepath.Join(s.top, "README.md"), "unrelated\n")
	gittest.Git(t, s.top, "add", "README.md")
	gittest.Git(t, s.top, "commit", "-q", "-m", "unrelated")
	s.expectSet(t, "In Review")
	s.expectFile(t, withStatus("In Review"))

	// Back to In Progress is free; then an allowlisted file changes.
	s.expectSet(t, "In Progress")
	gittest.WriteFile(t, filepath.Join(s.root, "src/boot.s"), "hlt\n")
	s.expectRefused(t, "Done", "the evidence is stale", "allowlisted paths changed since the evidence")
	s.expectRefused(t, "In Review", "the evidence is stale")

	// A denied path inside the allowlisted directory does not matter.
	gittest.WriteFile(t, filepath.Join(s.root, "src/boot.s"), "nop\n")
	gittest.WriteFile(t, filepath.Join(s.root, "src/vendor/lib.s"), "changed\n")
	s.expectSet(t, "Done")
}

func TestStatusSetRefusals(t *testing.T) {
	s := newStRepo(t)
	_, otherPriv, _ := evidence.GenerateKey()

	s.prove(t, otherPriv, evidence.Proven, "")
	s.expectRefused(t, "Done", "the evidence is invalid", "not by the verifying key", "run taskproof prove TASK-0001 to replace it")

	s.prove(t, s.priv, evidence.Failed, "")
	s.expectRefused(t, "Done", "the proof failed", "marker boot: ok: failed (marker missing from the log)")

	// A commit that is not in this history.
	s.prove(t, s.priv, evidence.Proven, strings.Repeat("ab", 20))
	s.expectRefused(t, "Done", "the evidence is for another history", "neither HEAD")

	// Tampered: one byte of a file changed.
	s.prove(t, s.priv, evidence.Proven, "")
	p := proofstate.BundlePath(s.root, "TASK-0001")
	data, _ := os.ReadFile(p)
	i := bytes.Index(data, []byte("boot: ok\n"))
	data[i] = 'B'
	gittest.WriteFile(t, p, string(data))
	s.expectRefused(t, "Done", "the evidence is invalid", "qemu.log")

	// No public key: every bundle is unverifiable.
	s.prove(t, s.priv, evidence.Proven, "")
	os.Remove(filepath.Join(s.root, evidence.DefaultPublicKeyFile))
	s.expectRefused(t, "Done", proofstate.NoPublicKeyReason)

	// The Stop conditions changed after the proof.
	gittest.WriteFile(t, filepath.Join(s.root, evidence.DefaultPublicKeyFile), string(mustPEM(t, s.pub)))
	gittest.WriteFile(t, s.taskPath(), strings.Replace(stTask, "`boot: ok`", "`boot: ready`", 1))
	s.expectRefused(t, "Done", "the task's Stop conditions changed")
}

func mustPEM(t *testing.T, pub ed25519.PublicKey) []byte {
	t.Helper()
	b, err := evidence.MarshalPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestStatusSetPreservesBytes(t *testing.T) {
	s := newStRepo(t)
	// Free transitions; only the value changes, trailing spaces included.
	s.expectSet(t, "blocked")
	s.expectFile(t, withStatus("Blocked"))

	// CRLF stays CRLF, everywhere.
	crlf := strings.ReplaceAll(stTask, "\n", "\r\n")
	gittest.WriteFile(t, s.taskPath(), crlf)
	s.expectSet(t, "DEFERRED")
	s.expectFile(t, strings.Replace(crlf, "status: In Progress   \r\n", "status: Deferred   \r\n", 1))

	// The header-less form: the "- Status:" bullet, not the body's.
	hl := filepath.Join(s.root, "tasks/TASK-0002-second.md")
	code, out, errOut := stRun("status", "set", "TASK-0002", "in-progress", "--root", s.root)
	if code != 0 {
		t.Fatalf("exit %d: %s %s", code, out, errOut)
	}
	got, _ := os.ReadFile(hl)
	if want := strings.Replace(stHeaderless, "- Status: Draft\n", "- Status: In Progress\n", 1); string(got) != want {
		t.Fatalf("header-less:\n%q\nwant\n%q", got, want)
	}
	// The file keeps its mode.
	os.Chmod(hl, 0o600)
	stRun("status", "set", "TASK-0002", "Draft", "--root", s.root)
	if st, _ := os.Stat(hl); st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", st.Mode().Perm())
	}
}

func TestStatusSetSuperseded(t *testing.T) {
	s := newStRepo(t)
	s.expectRefused(t, "Superseded", "without a successor: pass --by TASK-ID")

	if code, _, errOut := stRun("status", "set", "TASK-0001", "Superseded", "--by", "TASK-0077", "--root", s.root); code != cli.ExitUsage || !strings.Contains(errOut, "--by TASK-0077: no such task") {
		t.Fatalf("unknown successor: exit %d, %s", code, errOut)
	}
	if code, _, errOut := stRun("status", "set", "TASK-0001", "Blocked", "--by", "TASK-0002", "--root", s.root); code != cli.ExitUsage || !strings.Contains(errOut, "--by names the successor of a Superseded task") {
		t.Fatalf("--by with Blocked: exit %d, %s", code, errOut)
	}
	s.expectSet(t, "superseded", "--by", "TASK-0002")
	s.expectFile(t, withStatus("Superseded by TASK-0002"))

	// The successor is now recorded: Superseded again keeps it.
	s.expectSet(t, "Superseded")
	s.expectFile(t, withStatus("Superseded by TASK-0002"))

	// A superseded-by header field is a successor too.
	gittest.WriteFile(t, s.taskPath(), strings.Replace(stTask, "owner: @a\n", "owner: @a\nsuperseded-by: TASK-0002\n", 1))
	s.expectSet(t, "Superseded")
	s.expectFile(t, strings.Replace(withStatus("Superseded"), "owner: @a\n", "owner: @a\nsuperseded-by: TASK-0002\n", 1))
}

func TestStatusSetUsage(t *testing.T) {
	s := newStRepo(t)
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"status"}, "missing subcommand"},
		{[]string{"status", "get", "TASK-0001"}, `unknown subcommand "get"`},
		{[]string{"status", "set", "TASK-0001"}, "status set takes TASK-ID and STATUS"},
		{[]string{"status", "set", "TASK-0001", "Finished"}, `unknown status "Finished"; use one of: Draft, In Progress, In Review, Done, Blocked, Deferred, Superseded`},
		{[]string{"status", "set", "TASK-0099", "Draft"}, "no task TASK-0099"},
		{[]string{"status", "set", "nonsense", "Draft"}, "is not a task id"},
	}
	for _, c := range cases {
		code, _, errOut := stRun(append(c.args, "--root", s.root)...)
		if code != cli.ExitUsage || !strings.Contains(errOut, c.want) {
			t.Errorf("%q: exit %d, stderr %q; want 2 and %q", c.args, code, errOut, c.want)
		}
	}
	s.expectFile(t, stTask)
}
