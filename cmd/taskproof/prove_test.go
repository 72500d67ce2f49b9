package main

// Tests of `taskproof prove` and `evidence md` that need more than a
// testscript: a real go test run in a generated module, real QEMU booting
// examples/minios (TestQEMUProve*: skipped without QEMU and binutils unless
// TASKPROOF_REQUIRE_QEMU=1), determinism of the bundle, the ledger, and
// scope with a root below the top of the git work tree.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/taskproof/taskproof/internal/dod"
	"github.com/taskproof/taskproof/internal/evidence"
	"github.com/taskproof/taskproof/internal/gittest"
	"github.com/taskproof/taskproof/internal/ledger"
	"github.com/taskproof/taskproof/internal/proofstate"
	"github.com/taskproof/taskproof/internal/prove"
	"github.com/taskproof/taskproof/internal/task"
)

// proveCLI runs taskproof in process with CI set (no live progress) and
// without any signing key from the caller's environment.
func proveCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	code, stdout, stderr, _, _ = counted(t, ".", args...)
	return code, stdout, stderr
}

// writeKeys writes a fresh key pair at root's default key paths.
func writeKeys(t testing.TB, root string) {
	t.Helper()
	pub, priv, err := evidence.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	kp, err := evidence.MarshalPrivateKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	pp, err := evidence.MarshalPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(root, ".taskproof"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, evidence.DefaultPrivateKeyFile), kp, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, evidence.DefaultPublicKeyFile), pp, 0o644); err != nil {
		t.Fatal(err)
	}
}

// verifiedBundle verifies the task's bundle with the repository's key and
// the given commit.
func verifiedBundle(t *testing.T, root, id, commit string) *evidence.Verified {
	t.Helper()
	data, err := os.ReadFile(proofstate.BundlePath(root, task.ID("TASK-"+id)))
	if err != nil {
		t.Fatalf("no bundle: %v", err)
	}
	pub, err := evidence.ReadPublicKeyFile(filepath.Join(root, evidence.DefaultPublicKeyFile))
	if err != nil {
		t.Fatal(err)
	}
	v, err := evidence.Verify(data, pub, evidence.VerifyOptions{Commit: commit})
	if err != nil {
		t.Fatalf("bundle does not verify: %v", err)
	}
	return v
}

func bundleFile(t *testing.T, v *evidence.Verified, name string) []byte {
	t.Helper()
	if data, err := v.ReadFile(name); err == nil {
		return data
	} else if !errors.Is(err, evidence.ErrNoFile) {
		t.Fatal(err)
	}
	var names []string
	for _, f := range v.Files {
		names = append(names, f.Name)
	}
	t.Fatalf("bundle has no %s (files: %v)", name, names)
	return nil
}

func itemVerdicts(items []evidence.Item) map[string]string {
	m := map[string]string{}
	for _, it := range items {
		m[it.Kind+" "+it.Item] = it.Verdict
	}
	return m
}

// goFixture is a small Go module with a task whose proof is `go test ./...`.
func goFixture(t *testing.T, required ...string) string {
	t.Helper()
	gittest.Require(t)
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("go not on PATH")
	}
	root := t.TempDir()
	var req strings.Builder
	for _, r := range required {
		req.WriteString("    - `" + r + "`\n")
	}
	gittest.WriteFiles(t, root, map[string]string{
		".gitignore": ".taskproof/\n",
		"go.mod":     "module example.com/fix\n\ngo 1.26\n",
		"fix.go":     "package fix\n\n// Add adds.\nfunc Add(a, b int) int { return a + b }\n",
		"fix_test.go": `package fix

import "testing"

func TestAdd(t *testing.T) {
	if Add(1, 1) != 2 {
		t.Fatal("Add(1, 1) != 2")
	}
}

func TestSub(t *testing.T) {
	t.Run("small", func(t *testing.T) {})
	t.Run("large", func(t *testing.T) {})
}
`,
		"tasks/TASK-0010-add.md": "# TASK-0010: Add numbers\n\n- Status: In Progress\n\n" +
			"## Stop conditions (Definition of Done)\n\n- **Proof (tests)**:\n  - Command(s):\n    - `go test ./...`\n  - Required tests:\n" +
			req.String() + "\n## Touched paths (allowlist)\n\n- `*.go`\n",
	})
	gittest.Repo(t, root)
	writeKeys(t, root)
	return root
}

// TestProveGoTests proves a task whose proof is `go test ./...` of a
// generated module, with named required tests: exit 0, the bundle
// verifies, holds the parsed tests and a normalised log, proving again
// (cached by go) gives the same files, and the ledger has the prove.
func TestProveGoTests(t *testing.T) {
	root := goFixture(t, "TestAdd", "TestSub/*")
	head := gittest.Git(t, root, "rev-parse", "HEAD")
	code, out, errs := proveCLI(t, "prove", "TASK-0010", "--root", root, "--format", "json")
	if code != 0 {
		t.Fatalf("prove: exit %d\n%s\n%s", code, out, errs)
	}
	var res prove.Result
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("json: %v\n%s", err, out)
	}
	want := map[string]string{
		"command go test ./...":      "proven",
		"test TestAdd":               "proven",
		"test TestSub/*":             "proven",
		"scope " + dod.ScopeItem:     "proven",
		"hygiene " + dod.HygieneItem: "proven",
	}
	if got := itemVerdicts(res.Items); !reflect.DeepEqual(got, want) {
		t.Errorf("items %v; want %v", got, want)
	}
	if res.Items[0].Reason != "gotest tests: 4 passed" {
		t.Errorf("command reason %q", res.Items[0].Reason)
	}
	if got := res.Items[2].Reason; got != "passed in proof 1 (example.com/fix TestSub/small, example.com/fix TestSub/large)" {
		t.Errorf("TestSub/* reason %q", got)
	}
	if got := res.Steps[0].Argv; !reflect.DeepEqual(got, []string{"go", "test", "-json", "./..."}) {
		t.Errorf("argv %q: want -json added", got)
	}
	v := verifiedBundle(t, root, "0010", head)
	var tr struct {
		Format   string `json:"format"`
		Pass     bool   `json:"pass"`
		Required []struct {
			Name    string `json:"name"`
			Outcome string `json:"outcome"`
		} `json:"required"`
		Cases []struct {
			Name       string `json:"name"`
			DurationMS *int64 `json:"duration_ms"`
		} `json:"cases"`
	}
	if err := json.Unmarshal(bundleFile(t, v, "tests/1.json"), &tr); err != nil {
		t.Fatal(err)
	}
	if tr.Format != "gotest" || !tr.Pass || len(tr.Required) != 2 || tr.Required[1].Outcome != "passed" || len(tr.Cases) != 4 {
		t.Errorf("tests/1.json: %+v", tr)
	}
	for _, c := range tr.Cases {
		if c.DurationMS != nil && *c.DurationMS != 0 {
			t.Errorf("case %s keeps a duration in the bundle: %d", c.Name, *c.DurationMS)
		}
	}
	log := bundleFile(t, v, "logs/1.log")
	if bytes.Contains(log, []byte(`"Time"`)) || bytes.Contains(log, []byte(`"Elapsed"`)) || !bytes.Contains(log, []byte(`"Test":"TestAdd"`)) {
		t.Errorf("logs/1.log is not the normalised go test -json output:\n%s", log)
	}
	var cfg evidence.Config
	if err := json.Unmarshal(bundleFile(t, v, "config.json"), &cfg); err != nil {
		t.Fatal(err)
	}
	if cfg.Steps[0].Note == "" || cfg.Steps[0].Runner != "tests" || cfg.Steps[0].Timeout != prove.DefaultTimeout.String() {
		t.Errorf("config step: %+v", cfg.Steps[0])
	}

	// Determinism: the second prove (go answers from its test cache) gives
	// the same files and the same statement apart from the run object.
	if code, out, errs := proveCLI(t, "prove", "TASK-0010", "--root", root); code != 0 {
		t.Fatalf("second prove: exit %d\n%s\n%s", code, out, errs)
	}
	v2 := verifiedBundle(t, root, "0010", head)
	if !reflect.DeepEqual(v.Files, v2.Files) {
		diffFiles(t, v, v2)
	}
	if !reflect.DeepEqual(v.Predicate.WithoutRun(), v2.Predicate.WithoutRun()) {
		t.Errorf("predicates differ beyond run:\n%+v\n%+v", v.Predicate.WithoutRun(), v2.Predicate.WithoutRun())
	}

	// The ledger holds both proves with their tests.
	l, err := ledger.OpenExisting(ledger.DefaultPath(root))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	runs, err := l.History(context.Background(), "TASK-0010", 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != 2 || runs[0].Kind != ledger.KindProve || runs[0].Verdict != "proven" || runs[0].Commit != head || runs[0].Dirty {
		t.Fatalf("ledger runs: %+v", runs)
	}
	if len(runs[0].Tests) != 4 || len(runs[0].Items) != 5 || runs[0].EvidencePath != ".taskproof/evidence/TASK-0010.tar" || !strings.HasPrefix(runs[0].EvidenceDigest, "sha256:") {
		t.Errorf("ledger run: %+v", runs[0])
	}

	// evidence md: the tests of the proof, verified and fresh.
	code, md, errs := proveCLI(t, "evidence", "md", "TASK-0010", "--root", root)
	if code != 0 {
		t.Fatalf("evidence md: exit %d\n%s\n%s", code, md, errs)
	}
	for _, s := range []string{
		"## Evidence (to paste into PR)\n",
		"- **TASK-0010: proven** (5 items: 5 proven)\n",
		"### Tests of proof 1 (`go test -json ./...`)\n\ngotest: 4 test(s): 4 passed, 0 failed, 0 errored, 0 skipped.\n",
		"| TestSub/* | passed | TestSub/small, TestSub/large |\n",
		"- Bundle: `.taskproof/evidence/TASK-0010.tar` `" + v2.Digest + "`\n",
		"- Signed by key `" + v2.KeyID + "`",
	} {
		if !strings.Contains(md, s) {
			t.Errorf("evidence md lacks %q:\n%s", s, md)
		}
	}
	if strings.Contains(md, "Warning") {
		t.Errorf("fresh evidence has a warning:\n%s", md)
	}

	// A change to an allowlisted file makes it stale: md warns, exit 1.
	gittest.WriteFiles(t, root, map[string]string{"fix.go": "package fix\n\n// Add adds.\nfunc Add(a, b int) int { return b + a }\n"})
	code, md, _ = proveCLI(t, "evidence", "md", "TASK-0010", "--root", root)
	if code != 1 || !strings.Contains(md, "> **Warning: this evidence is STALE**") {
		t.Errorf("stale evidence: exit %d\n%s", code, md)
	}
	// A tampered bundle does not verify: md says so, exit 1.
	gittest.Git(t, root, "checkout", "-q", "--", "fix.go")
	bp := proofstate.BundlePath(root, "TASK-0010")
	data, _ := os.ReadFile(bp)
	c, err := evidence.Read(data)
	if err != nil {
		t.Fatal(err)
	}
	tampered := rebuildTar(t, c, func(name string, data []byte) []byte {
		if name == "tests/1.json" {
			return bytes.Replace(data, []byte(`"passed"`), []byte(`"skipped"`), 1)
		}
		return data
	})
	if err := os.WriteFile(bp, tampered, 0o644); err != nil {
		t.Fatal(err)
	}
	code, md, _ = proveCLI(t, "evidence", "md", "TASK-0010", "--root", root)
	if code != 1 || !strings.Contains(md, "> **Warning: this evidence does NOT VERIFY** (invalid)") {
		t.Errorf("tampered evidence: exit %d\n%s", code, md)
	}
	// No bundle at all.
	os.Remove(bp)
	if code, _, errs := proveCLI(t, "evidence", "md", "TASK-0010", "--root", root); code != 1 || !strings.Contains(errs, "no evidence for TASK-0010 at .taskproof/evidence/TASK-0010.tar; run taskproof prove TASK-0010") {
		t.Errorf("no bundle: exit %d, %s", code, errs)
	}
}

// rebuildTar writes a bundle's entries back as a tar with files changed by
// edit, the way an attacker would (statement and envelope untouched).
func rebuildTar(t *testing.T, c *evidence.Contents, edit func(name string, data []byte) []byte) []byte {
	t.Helper()
	dir := t.TempDir()
	write := func(name string, data []byte) {
		p := filepath.Join(dir, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(evidence.EnvelopeEntry, c.EnvelopeJSON)
	write(evidence.StatementEntry, c.StatementJSON)
	for _, f := range c.Files {
		data, err := c.ReadFile(f.Name)
		if err != nil {
			t.Fatal(err)
		}
		write(evidence.FilesPrefix+f.Name, edit(f.Name, data))
	}
	out := filepath.Join(t.TempDir(), "b.tar")
	if _, err := exec.LookPath("tar"); err != nil {
		t.Skip("tar(1) is not installed; this tamper test repacks a bundle with it")
	}
	cmd := exec.Command("tar", "--format=ustar", "-cf", out, "-C", dir, evidence.EnvelopeEntry, evidence.StatementEntry, "files")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("tar: %v %s", err, b)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func diffFiles(t *testing.T, va, vb *evidence.Verified) {
	t.Helper()
	a, b := va.Files, vb.Files
	if len(a) != len(b) {
		t.Errorf("bundle files differ in number: %d and %d", len(a), len(b))
		return
	}
	for i := range a {
		if a[i] != b[i] {
			da, _ := va.ReadFile(a[i].Name)
			db, _ := vb.ReadFile(b[i].Name)
			t.Errorf("bundle file %s differs between two proves of the same commit:\n--- first\n%s\n--- second\n%s", a[i].Name, da, db)
		}
	}
}

// TestProveGoTestsFailing: a failing test fails the command and its
// required test; a required test that does not exist is not_run; exit 1,
// and the failed evidence is written and verifies.
func TestProveGoTestsFailing(t *testing.T) {
	root := goFixture(t, "TestAdd", "TestMissing")
	gittest.WriteFiles(t, root, map[string]string{"bad_test.go": "package fix\n\nimport \"testing\"\n\nfunc TestAddBad(t *testing.T) { t.Fatal(\"boom\") }\n"})
	head := gittest.CommitAll(t, root, "bad")
	code, out, errs := proveCLI(t, "prove", "TASK-0010", "--root", root, "--format", "json")
	if code != 1 {
		t.Fatalf("prove: exit %d, want 1\n%s\n%s", code, out, errs)
	}
	var res prove.Result
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"command go test ./...":      "failed",
		"test TestAdd":               "proven",
		"test TestMissing":           "not_run",
		"scope " + dod.ScopeItem:     "proven",
		"hygiene " + dod.HygieneItem: "proven",
	}
	if got := itemVerdicts(res.Items); !reflect.DeepEqual(got, want) {
		t.Errorf("items %v; want %v", got, want)
	}
	if r := res.Items[0].Reason; r != "failed: TestAddBad (4 passed, 1 failed)" {
		t.Errorf("command reason %q", r)
	}
	if r := res.Items[2].Reason; r != "no test of that name ran in proof 1" {
		t.Errorf("TestMissing reason %q", r)
	}
	v := verifiedBundle(t, root, "0010", head)
	if v.Predicate.Verdict != evidence.Failed {
		t.Errorf("bundle verdict %s", v.Predicate.Verdict)
	}
}

// TestProveZeroTests: a test command that runs no test is a failure.
func TestProveZeroTests(t *testing.T) {
	root := goFixture(t)
	gittest.WriteFiles(t, root, map[string]string{"fix_test.go": "package fix\n"})
	gittest.CommitAll(t, root, "no tests")
	code, out, errs := proveCLI(t, "prove", "TASK-0010", "--root", root)
	if code != 1 || !strings.Contains(out, testout0) {
		t.Errorf("zero tests: exit %d\n%s\n%s", code, out, errs)
	}
}

const testout0 = "no tests ran: zero tests is a failure"

// miniosRepo copies examples/minios (the tracked files) into a fresh git
// repository with the guest prebuilt, so the console of a proof holds no
// build line, and a signing key.
func miniosRepo(t *testing.T) string {
	t.Helper()
	requireQEMUTools(t)
	gittest.Require(t)
	src, err := filepath.Abs("../../examples/minios")
	if err != nil {
		t.Fatal(err)
	}
	root := filepath.Join(t.TempDir(), "minios")
	err = filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() && (rel == "build" || rel == ".taskproof") {
			return filepath.SkipDir
		}
		dst := filepath.Join(root, rel)
		if d.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(dst, data, info.Mode().Perm())
	})
	if err != nil {
		t.Fatal(err)
	}
	gittest.WriteFiles(t, root, map[string]string{".gitignore": "build/\n.taskproof/\n"})
	gittest.Repo(t, root)
	if out, err := exec.Command("bash", filepath.Join(root, "build.sh"), filepath.Join(root, "build"), "pass").CombinedOutput(); err != nil {
		t.Fatalf("build.sh: %v\n%s", err, out)
	}
	writeKeys(t, root)
	return root
}

// TestQEMUProveMinios proves TASK-0001 of examples/minios end to end in
// real QEMU: exit 0, every item proven, the bundle verifies for HEAD, the
// board shows TASK-0001 proven and TASK-0002 (Done without evidence)
// claimed, and the ledger has the prove with its marker times.
func TestQEMUProveMinios(t *testing.T) {
	root := miniosRepo(t)
	head := gittest.Git(t, root, "rev-parse", "HEAD")
	start := time.Now()
	code, out, errs := proveCLI(t, "prove", "TASK-0001", "--root", root)
	t.Logf("prove TASK-0001: exit %d in %v", code, time.Since(start).Round(time.Millisecond))
	if code != 0 {
		t.Fatalf("prove: exit %d\n%s\n%s", code, out, errs)
	}
	for _, m := range miniosRequired {
		if !regexpLine(out, `  proven +marker +`+m+` +seen in the console of proof 1`) {
			t.Errorf("no proven line for %q:\n%s", m, out)
		}
	}
	v := verifiedBundle(t, root, "0001", head)
	if v.Predicate.Verdict != evidence.Proven || len(v.Predicate.Items) != 9 {
		t.Errorf("predicate: %+v", v.Predicate)
	}
	if !bytes.Contains(bundleFile(t, v, "logs/1.log"), []byte("minios: all done")) {
		t.Error("the console log in the bundle lacks the last marker")
	}
	if code, out, errs := proveCLI(t, "evidence", "verify", proofstate.BundlePath(root, "TASK-0001"), "--root", root, "--commit", head); code != 0 {
		t.Errorf("evidence verify: exit %d\n%s\n%s", code, out, errs)
	}
	code, board, errs := proveCLI(t, "board", "--root", root, "--format", "json")
	if code != 0 {
		t.Fatalf("board: exit %d\n%s", code, errs)
	}
	for _, want := range []string{`"id": "TASK-0001"`, `"state": "proven"`, `"state": "claimed"`} {
		if !strings.Contains(board, want) {
			t.Errorf("board lacks %s:\n%s", want, board)
		}
	}
	l, err := ledger.OpenExisting(ledger.DefaultPath(root))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	runs, err := l.History(context.Background(), "TASK-0001", 0)
	if err != nil || len(runs) != 1 {
		t.Fatalf("ledger: %v %+v", err, runs)
	}
	if r := runs[0]; r.Profile != "default" || len(r.Markers) != 6 || !r.Markers[5].Seen || r.Markers[5].AtMS == nil {
		t.Errorf("ledger prove: %+v", r)
	}
}

func regexpLine(text, re string) bool {
	for _, l := range strings.Split(text, "\n") {
		if ok, _ := regexp.MatchString(re, l); ok {
			return true
		}
	}
	return false
}

// TestQEMUProveDeterministic is the acceptance: proving twice on
// the same commit yields identical bundle files and statements except for
// the declared run-specific fields.
func TestQEMUProveDeterministic(t *testing.T) {
	root := miniosRepo(t)
	head := gittest.Git(t, root, "rev-parse", "HEAD")
	var vs []*evidence.Verified
	for i := 0; i < 2; i++ {
		start := time.Now()
		code, out, errs := proveCLI(t, "prove", "TASK-0001", "--root", root)
		t.Logf("prove %d: exit %d in %v", i+1, code, time.Since(start).Round(time.Millisecond))
		if code != 0 {
			t.Fatalf("prove %d: exit %d\n%s\n%s", i+1, code, out, errs)
		}
		vs = append(vs, verifiedBundle(t, root, "0001", head))
	}
	if !reflect.DeepEqual(vs[0].Files, vs[1].Files) {
		diffFiles(t, vs[0], vs[1])
	}
	if !reflect.DeepEqual(vs[0].Predicate.WithoutRun(), vs[1].Predicate.WithoutRun()) {
		t.Errorf("predicates differ beyond run:\n%+v\n%+v", vs[0].Predicate.WithoutRun(), vs[1].Predicate.WithoutRun())
	}
	if vs[0].Predicate.Run.StartedAt == "" || vs[0].Predicate.Run.DurationMS <= 0 || len(vs[0].Predicate.Run.Tools) < 2 {
		t.Errorf("run object not filled: %+v", vs[0].Predicate.Run)
	}
}

// TestQEMUProveFailedEvidence: a task whose proof boots the variant that
// skips the timer check fails, names the missing marker, and still writes
// evidence that verifies and says failed.
func TestQEMUProveFailedEvidence(t *testing.T) {
	root := miniosRepo(t)
	taskPath := filepath.Join(root, "tasks", "TASK-0001-boot-ladder.md")
	data, err := os.ReadFile(taskPath)
	if err != nil {
		t.Fatal(err)
	}
	data = bytes.Replace(data, []byte("-- ./qemu.sh pass`"), []byte("-- ./qemu.sh missing`"), 1)
	if err := os.WriteFile(taskPath, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("bash", filepath.Join(root, "build.sh"), filepath.Join(root, "build"), "missing").CombinedOutput(); err != nil {
		t.Fatalf("build.sh: %v\n%s", err, out)
	}
	head := gittest.CommitAll(t, root, "boot the missing variant")
	code, out, errs := proveCLI(t, "prove", "TASK-0001", "--root", root)
	if code != 1 {
		t.Fatalf("prove: exit %d, want 1\n%s\n%s", code, out, errs)
	}
	if !regexpLine(out, `  failed +marker +minios: timer ready +not seen in the console of proof 1 \((MISSING|ORDER): `) {
		t.Errorf("no failed line for the timer marker:\n%s", out)
	}
	if !regexpLine(out, `  proven +marker +minios: selftest ok +seen in the console of proof 1`) {
		t.Errorf("the markers that appeared are not proven:\n%s", out)
	}
	v := verifiedBundle(t, root, "0001", head)
	if v.Predicate.Verdict != evidence.Failed {
		t.Errorf("verdict %s", v.Predicate.Verdict)
	}
}
