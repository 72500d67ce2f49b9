package main

// Tests of the trust model (issue 15): named signers in taskproof.toml,
// self-signed evidence refused where a trusted signer is required, and
// `evidence recheck` re-running a bundle's proof to catch a forgery made
// with the work tree's own key.

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/taskproof/taskproof/internal/cli"
	"github.com/taskproof/taskproof/internal/evidence"
	"github.com/taskproof/taskproof/internal/gittest"
	"github.com/taskproof/taskproof/internal/ledger"
	"github.com/taskproof/taskproof/internal/proofstate"
	"github.com/taskproof/taskproof/internal/task"
)

// trustRun runs taskproof in process with the given environment on top of
// the process's (CI unset unless given, no signing key unless given).
func trustRun(t *testing.T, vars map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	env := &cli.Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb,
		Getenv: func(k string) string {
			if v, ok := vars[k]; ok {
				return v
			}
			switch k {
			case "CI", evidence.EnvSigningKey, evidence.EnvSigningKeyFile, "GITHUB_STEP_SUMMARY":
				return ""
			}
			return os.Getenv(k)
		}}
	code := runMain(context.Background(), env, args)
	return code, out.String(), errb.String()
}

// ciKey makes the CI signer's pair: the public key committed at
// keys/ci.pub under root, the private key's PEM text returned (it never
// touches the work tree, as in CI where it is a secret).
func ciKey(t *testing.T, root string) (ed25519.PublicKey, string) {
	t.Helper()
	pub, priv, err := evidence.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	pp, err := evidence.MarshalPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	kp, err := evidence.MarshalPrivateKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	gittest.WriteFile(t, filepath.Join(root, "keys/ci.pub"), string(pp))
	return pub, string(kp)
}

// signersTOML is the policy of the tests: ci may make tasks Done or In
// Review; the local key is not a signer.
const signersTOML = `
[[signers]]
name = "ci"
key = "keys/ci.pub"
may = ["Done", "In Review"]
`

// forge rewrites the task's bundle as an agent with the work tree would:
// every item and the verdict flipped to proven, the missing markers
// appended to the console log (and its trace), the digests recomputed by
// building it again, and signed with the work tree's private key.
func forge(t *testing.T, root string, id task.ID, missing []string) {
	t.Helper()
	path := proofstate.BundlePath(root, id)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	forged := rebuild(t, root, data, func(pred *evidence.Predicate) {
		pred.Verdict = evidence.Proven
		for i := range pred.Items {
			pred.Items[i].Verdict, pred.Items[i].Reason = evidence.Proven, ""
		}
	}, func(name string, d []byte) []byte {
		for _, m := range missing {
			switch name {
			case evidence.LogName(1):
				d = append(d, []byte(m+"\n")...)
			case evidence.MarkersName(1):
				line, _ := json.Marshal(evidence.MarkerLine{Marker: m, Kind: "required", Phase: "boot", Line: 999})
				d = append(d, append(line, '\n')...)
			}
		}
		return d
	})
	if err := os.WriteFile(path, forged, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestQEMURecheckForgedBundle is the acceptance in real QEMU: CI
// (a key from the environment, listed as signer "ci") proves minios'
// TASK-0001; the bundle verifies as ci's, status set Done accepts it in
// CI, and recheck re-runs it in a clean worktree and agrees. Then the
// proof fails (the guest that skips the timer), and its bundle is forged
// with the work tree's key: verify says self-signed, CI=true status set
// Done refuses it naming the signer, recheck exits 1 naming the timer
// marker. Both rechecks are in the ledger.
func TestQEMURecheckForgedBundle(t *testing.T) {
	root := miniosRepo(t)
	_, ciPEM := ciKey(t, root)
	cfg, err := os.ReadFile(filepath.Join(root, "taskproof.toml"))
	if err != nil {
		t.Fatal(err)
	}
	gittest.WriteFile(t, filepath.Join(root, "taskproof.toml"), string(cfg)+signersTOML)
	head := gittest.CommitAll(t, root, "trust ci")
	ci := map[string]string{"CI": "true", evidence.EnvSigningKey: ciPEM}
	bundle := proofstate.BundlePath(root, "TASK-0001")

	// The acceptance: recheck within twice the time of the original
	// proof, no allowance added. Both are measured here, in the same test,
	// pair by pair (a prove --force that really boots, then its recheck,
	// which also builds the guest in its clean worktree); the machine is
	// shared, so load noise can slow one side of a pair: up to 3 pairs
	// are made and one must be within 2×. Every ratio is logged.
	var ratios []float64
	for pair := 1; pair <= 3; pair++ {
		start := time.Now()
		if code, out, errs := trustRun(t, ci, "prove", "TASK-0001", "--force", "--root", root); code != 0 {
			t.Fatalf("prove as ci: exit %d\n%s\n%s", code, out, errs)
		}
		proveTime := time.Since(start)
		code, out, errs := trustRun(t, ci, "evidence", "verify", bundle, "--root", root, "--commit", head)
		if code != 0 || !strings.Contains(out, "signer:  ci (trusted signer, may set Done, In Review)") {
			t.Errorf("verify of ci's bundle: exit %d\n%s\n%s", code, out, errs)
		}
		start = time.Now()
		code, out, errs = trustRun(t, ci, "evidence", "recheck", bundle, "--root", root)
		recheckTime := time.Since(start)
		if code != 0 || !strings.HasPrefix(out, "agrees: ") {
			t.Fatalf("recheck of the genuine bundle: exit %d\n%s\n%s", code, out, errs)
		}
		ratio := recheckTime.Seconds() / proveTime.Seconds()
		ratios = append(ratios, ratio)
		t.Logf("pair %d: prove %v, recheck %v, ratio recheck/prove %.2f", pair, proveTime.Round(time.Millisecond), recheckTime.Round(time.Millisecond), ratio)
		if ratio <= 2 {
			break
		}
	}
	if last := ratios[len(ratios)-1]; last > 2 {
		t.Errorf("recheck took more than twice the proof's time in each of %d pairs (ratios %.2f)", len(ratios), ratios)
	}
	assertNoWorktrees(t, root)

	// The failing guest, proven locally with the work tree's key.
	taskPath := filepath.Join(root, "tasks", "TASK-0001-boot-ladder.md")
	data, err := os.ReadFile(taskPath)
	if err != nil {
		t.Fatal(err)
	}
	gittest.WriteFile(t, taskPath, string(bytes.Replace(data, []byte("-- ./qemu.sh pass`"), []byte("-- ./qemu.sh missing`"), 1)))
	gittest.CommitAll(t, root, "boot the missing variant")
	if code, out, errs := trustRun(t, map[string]string{"CI": "true"}, "prove", "TASK-0001", "--root", root); code != 1 {
		t.Fatalf("prove of the missing variant: exit %d, want 1\n%s\n%s", code, out, errs)
	}
	forge(t, root, "TASK-0001", []string{"minios: timer ready"})

	code, out, errs := trustRun(t, nil, "evidence", "verify", bundle, "--root", root, "--format", "json")
	var vr struct {
		Valid    bool
		Verdict  string
		SignedBy evidence.SignerJudgement `json:"signed_by"`
	}
	if err := json.Unmarshal([]byte(out), &vr); err != nil || code != 0 || !vr.Valid || vr.Verdict != evidence.Proven || vr.SignedBy.Trusted || vr.SignedBy.Signer != "self-signed" {
		t.Errorf("verify of the forged bundle: exit %d, %+v (%v)\n%s\n%s", code, vr, err, out, errs)
	}
	code, _, errs = trustRun(t, map[string]string{"CI": "true"}, "status", "set", "TASK-0001", "Done", "--root", root)
	if code != 1 || !strings.Contains(errs, "not from a trusted signer") || !strings.Contains(errs, "self-signed key") || !strings.Contains(errs, "have ci prove the task") {
		t.Errorf("CI=true status set Done with the forged bundle: exit %d, want 1 naming the self-signed key and ci\n%s", code, errs)
	}
	// Outside CI the policy is not required: the same bundle is accepted,
	// and says who signed it.
	code, out, errs = trustRun(t, nil, "status", "set", "TASK-0001", "In Review", "--root", root)
	if code != 0 || !strings.Contains(out, "signed by self-signed") {
		t.Errorf("status set outside CI: exit %d\n%s\n%s", code, out, errs)
	}
	gittest.Git(t, root, "checkout", "--", "tasks")

	code, out, errs = trustRun(t, nil, "evidence", "recheck", bundle, "--root", root)
	t.Logf("recheck of the forged bundle: exit %d\n%s", code, out)
	if code != 1 || !strings.Contains(out, "DISAGREES") ||
		!strings.Contains(out, "marker minios: timer ready: the bundle says proven, the re-run failed") {
		t.Errorf("recheck of the forged bundle: exit %d, want 1 naming the timer marker\n%s\n%s", code, out, errs)
	}
	assertNoWorktrees(t, root)

	l, err := ledger.OpenExisting(ledger.DefaultPath(root))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	runs, err := l.History(context.Background(), "TASK-0001", 0)
	if err != nil {
		t.Fatal(err)
	}
	var rechecks []string
	for _, r := range runs {
		if len(r.Command) > 2 && r.Command[1] == "evidence" && r.Command[2] == "recheck" {
			rechecks = append(rechecks, r.Verdict)
		}
	}
	want := []string{evidence.Failed}
	for range ratios {
		want = append(want, evidence.Proven)
	}
	if strings.Join(rechecks, " ") != strings.Join(want, " ") {
		t.Errorf("ledger rechecks (newest first) = %v, want %v", rechecks, want)
	}
}

// assertNoWorktrees checks recheck removed its temporary worktree.
func assertNoWorktrees(t *testing.T, root string) {
	t.Helper()
	out, err := exec.Command("git", "-C", root, "worktree", "list", "--porcelain").Output()
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(out), "worktree "); n != 1 {
		t.Errorf("%d worktrees after recheck, want 1 (recheck must remove its own):\n%s", n, out)
	}
}

// trustRepo is stRepo with signer "ci" (keys/ci.pub, committed) in its
// taskproof.toml; the private key stays in memory, as a CI secret.
func trustRepo(t *testing.T) (*stRepo, ed25519.PrivateKey) {
	t.Helper()
	s := newStRepo(t)
	pub, priv, err := evidence.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	gittest.WriteFile(t, filepath.Join(s.root, "keys/ci.pub"), string(mustPEM(t, pub)))
	gittest.WriteFile(t, filepath.Join(s.root, "taskproof.toml"), signersTOML)
	gittest.Git(t, s.top, "add", "example/keys", "example/taskproof.toml")
	gittest.Git(t, s.top, "commit", "-q", "-m", "trust ci")
	return s, priv
}

// TestTrustPolicyStatusSet: with signer ci, CI=true status set Done (and
// --require-trusted outside CI) accepts only ci's evidence, for its own
// task and commit; the work tree's key is self-signed; the board and show
// say who signed; a ci key swapped in the work tree is refused.
func TestTrustPolicyStatusSet(t *testing.T) {
	s, ciPriv := trustRepo(t)
	ci := map[string]string{"CI": "true"}
	set := func(vars map[string]string, extra ...string) (int, string, string) {
		return trustRun(t, vars, append([]string{"status", "set", "TASK-0001", "Done", "--root", s.root}, extra...)...)
	}

	s.prove(t, s.priv, evidence.Proven, "") // the work tree's own key
	for _, c := range []struct {
		name  string
		vars  map[string]string
		extra []string
	}{{"CI=true", ci, nil}, {"--require-trusted", nil, []string{"--require-trusted"}}} {
		code, _, errs := set(c.vars, c.extra...)
		if code != cli.ExitFindings || !strings.Contains(errs, "TASK-0001 cannot be set to Done: the evidence is not from a trusted signer") ||
			!strings.Contains(errs, "self-signed key "+evidence.KeyID(s.pub)[:12]) || !strings.Contains(errs, "have ci prove the task") {
			t.Errorf("%s, self-signed evidence: exit %d, want 1 naming the key and the fix\n%s", c.name, code, errs)
		}
	}
	code, board, _ := trustRun(t, ci, "board", "--root", s.root, "--format", "json")
	if code != 0 || strings.Contains(board, `"state": "proven"`) || !strings.Contains(board, "proven, but not by a trusted signer; self-signed") {
		t.Errorf("CI board with self-signed evidence: exit %d\n%s", code, board)
	}
	// Where the policy is not required, self-signed evidence counts, and
	// show says whose it is.
	code, out, _ := trustRun(t, nil, "show", "TASK-0001", "--root", s.root)
	if code != 0 || !strings.Contains(out, "signed by  self-signed (key "+evidence.KeyID(s.pub)[:12]) {
		t.Errorf("show outside CI: exit %d\n%s", code, out)
	}

	s.prove(t, ciPriv, evidence.Proven, "")
	code, out, errs := set(ci)
	if code != 0 || !strings.Contains(out, "signed by ci (trusted signer, may set Done, In Review)") {
		t.Fatalf("CI=true status set Done with ci's evidence: exit %d\n%s\n%s", code, out, errs)
	}
	code, board, _ = trustRun(t, ci, "board", "--root", s.root, "--format", "json")
	if code != 0 || !strings.Contains(board, `"state": "proven"`) || !strings.Contains(board, "verified, inputs unchanged; signed by ci, trusted for Done") {
		t.Errorf("CI board with ci's evidence: exit %d\n%s", code, board)
	}
	gittest.WriteFile(t, s.taskPath(), stTask)

	// ci's signature does not make a bundle count for another commit.
	s.prove(t, ciPriv, evidence.Proven, strings.Repeat("ab", 20))
	if code, _, errs := set(ci); code != cli.ExitFindings || !strings.Contains(errs, "the evidence is for another history") {
		t.Errorf("ci's bundle for another commit: exit %d\n%s", code, errs)
	}

	// A ci key swapped in the work tree (not committed), and a bundle
	// signed with its private key: refused before any evidence is read.
	pub2, priv2, err := evidence.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	gittest.WriteFile(t, filepath.Join(s.root, "keys/ci.pub"), string(mustPEM(t, pub2)))
	s.prove(t, priv2, evidence.Proven, "")
	for _, vars := range []map[string]string{ci, nil} {
		code, _, errs := set(vars)
		if code == 0 || !strings.Contains(errs, `signer "ci": key keys/ci.pub is not the committed one`) {
			t.Errorf("swapped ci key (CI=%q): exit %d, want a refusal naming the key\n%s", vars["CI"], code, errs)
		}
	}
	s.expectFile(t, stTask)
}

// TestScopeReportsTrustChanges: a change to a trusted key or the
// [[signers]] of taskproof.toml is a scope
// violation for a task whose own allowlist does not name the file, even
// when [scope] always_allow lists it; a task that names it may.
func TestScopeReportsTrustChanges(t *testing.T) {
	s, _ := trustRepo(t)
	gittest.WriteFile(t, filepath.Join(s.root, "tasks/TASK-0003-trust.md"),
		"# TASK-0003: Rotate the CI key\n\n- Status: Draft\n\n## Touched paths (allowlist)\n\n- `keys/ci.pub`\n- `taskproof.toml`\n")
	toml := "[scope]\nalways_allow = [\"taskproof.toml\", \"keys/**\"]\n" + signersTOML
	gittest.WriteFile(t, filepath.Join(s.root, "taskproof.toml"), toml)
	gittest.Git(t, s.top, "add", "-A")
	gittest.Git(t, s.top, "commit", "-q", "-m", "trust task")
	base := gittest.Git(t, s.top, "rev-parse", "HEAD")
	scopeOf := func(id string) (int, string) {
		code, out, errs := trustRun(t, nil, "scope", id, "--base", base, "--root", s.root)
		return code, out + errs
	}
	// A harmless edit of taskproof.toml (always_allow lists it) is no
	// trust change.
	gittest.WriteFile(t, filepath.Join(s.root, "taskproof.toml"), "# tuned\n"+toml)
	if code, out := scopeOf("TASK-0001"); strings.Contains(out, "who may make tasks Done") {
		t.Errorf("a comment in taskproof.toml reported as a trust change: exit %d\n%s", code, out)
	}
	pub2, _, _ := evidence.GenerateKey()
	for _, c := range []struct{ name, file, data string }{
		{"ci key", "keys/ci.pub", string(mustPEM(t, pub2))},
		{"policy", "taskproof.toml", strings.Replace(toml, `may = ["Done", "In Review"]`, `may = ["In Review"]`, 1)},
	} {
		gittest.Git(t, s.top, "checkout", "-q", "--", ".")
		gittest.WriteFile(t, filepath.Join(s.root, c.file), c.data)
		code, out := scopeOf("TASK-0001")
		if code != cli.ExitFindings || !strings.Contains(out, c.file) || !strings.Contains(out, "changes who may make tasks Done") {
			t.Errorf("%s changed, TASK-0001: exit %d, want 1 naming %s as a trust change\n%s", c.name, code, c.file, out)
		}
		if code, out := scopeOf("TASK-0003"); code != 0 {
			t.Errorf("%s changed, TASK-0003 (which names it): exit %d\n%s", c.name, code, out)
		}
	}
}

// TestCollectNeedsTrustedKey: in CI with signers configured, collect
// refuses to accept lanes with a key whose signer may not make tasks Done
// (here the work tree's), naming it; ci's key gets past the check.
func TestCollectNeedsTrustedKey(t *testing.T) {
	s, ciPriv := trustRepo(t)
	pemOf := func(k ed25519.PrivateKey) string {
		b, err := evidence.MarshalPrivateKey(k)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	lanes := t.TempDir()
	code, _, errs := trustRun(t, map[string]string{"CI": "true", evidence.EnvSigningKey: pemOf(s.priv)}, "evidence", "collect", lanes, "--root", s.root)
	if code != cli.ExitFindings || !strings.Contains(errs, "cannot be collected with the key from $TASKPROOF_SIGNING_KEY") || !strings.Contains(errs, "self-signed key") {
		t.Errorf("collect with the work tree's key in CI: exit %d, want 1\n%s", code, errs)
	}
	_, _, errs = trustRun(t, map[string]string{"CI": "true", evidence.EnvSigningKey: pemOf(ciPriv)}, "evidence", "collect", lanes, "--root", s.root)
	if strings.Contains(errs, "cannot be collected with the key") {
		t.Errorf("collect with ci's key refused as untrusted:\n%s", errs)
	}
}

// TestQEMUStaleWhenGuestImageSwapped: the guest image minios boots lives
// in the ignored build/; prove records its digest ([proof] inputs), and
// replacing it after the proof (with the variant that skips the timer)
// makes the evidence stale, so status set Done refuses it.
func TestQEMUStaleWhenGuestImageSwapped(t *testing.T) {
	root := miniosRepo(t)
	if code, out, errs := proveCLI(t, "prove", "TASK-0001", "--root", root); code != 0 {
		t.Fatalf("prove: exit %d\n%s\n%s", code, out, errs)
	}
	v := verifiedBundle(t, root, "0001", "")
	var in evidence.Inputs
	if err := json.Unmarshal(bundleFile(t, v, evidence.InputsName), &in); err != nil {
		t.Fatal(err)
	}
	recorded := map[string]bool{}
	for _, f := range in.Files {
		recorded[f.Path] = f.SHA256 != ""
	}
	if !recorded["build/minios-pass.elf"] || !recorded["qemu.sh"] {
		t.Fatalf("inputs.json lacks the booted image or the script: %+v", in.Files)
	}
	if code, out, _ := proveCLI(t, "show", "TASK-0001", "--root", root); code != 0 || !strings.Contains(out, "proven") {
		t.Fatalf("show before the swap: exit %d\n%s", code, out)
	}
	other := t.TempDir()
	if out, err := exec.Command("bash", filepath.Join(root, "build.sh"), other, "missing").CombinedOutput(); err != nil {
		t.Fatalf("build.sh: %v\n%s", err, out)
	}
	img, err := os.ReadFile(filepath.Join(other, "minios-missing.elf"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "build", "minios-pass.elf"), img, 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, _ := proveCLI(t, "show", "TASK-0001", "--root", root)
	if code != 0 || !strings.Contains(out, "stale") || !strings.Contains(out, "proof input build/minios-pass.elf changed since the proof") {
		t.Errorf("show after swapping the guest image: exit %d, want stale naming the image\n%s", code, out)
	}
	code, _, errs := proveCLI(t, "status", "set", "TASK-0001", "Done", "--root", root)
	if code != cli.ExitFindings || !strings.Contains(errs, "the evidence is stale") || !strings.Contains(errs, "build/minios-pass.elf") {
		t.Errorf("status set Done after the swap: exit %d\n%s", code, errs)
	}
	// The run cache keys on the declared inputs too: a prove after the
	// swap boots the swapped image (which misses a marker) instead of
	// reusing the verdict of the genuine one.
	code, out, errs = proveCLI(t, "prove", "TASK-0001", "--root", root)
	if code != cli.ExitFindings || strings.Contains(out+errs, "cached") {
		t.Errorf("prove after swapping the guest image: exit %d, want 1 from a new boot, not a cached pass\n%s\n%s", code, out, errs)
	}
}

// rebuild rebuilds bundle data with the predicate and files edited
// (editFile nil: files kept), recomputing every digest, and signs it with
// the work tree's key, as an agent with the tree could.
func rebuild(t *testing.T, root string, data []byte, edit func(*evidence.Predicate), editFile func(name string, data []byte) []byte) []byte {
	t.Helper()
	c, err := evidence.Read(data)
	if err != nil {
		t.Fatal(err)
	}
	pred := c.Statement.Predicate
	edit(&pred)
	var files []evidence.File
	for _, f := range c.Files {
		d, err := c.ReadFile(f.Name)
		if err != nil {
			t.Fatal(err)
		}
		if editFile != nil {
			d = editFile(f.Name, d)
		}
		files = append(files, evidence.File{Name: f.Name, Data: d})
	}
	local, _, err := evidence.LoadSigningKey(func(string) string { return "" }, "", root)
	if err != nil {
		t.Fatal(err)
	}
	b, err := evidence.Build(files, pred, local)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestRecheckGoTests: recheck of a `go test` proof agrees for the genuine
// bundle; a failed proof with its items flipped is named by its test
// item; a genuine bundle moved onto another commit (its commit rewritten,
// re-signed) is named by the inputs that commit does not have.
func TestRecheckGoTests(t *testing.T) {
	root := goFixture(t, "TestAdd")
	bundle := proofstate.BundlePath(root, "TASK-0010")
	if code, out, errs := proveCLI(t, "prove", "TASK-0010", "--root", root); code != 0 {
		t.Fatalf("prove: exit %d\n%s\n%s", code, out, errs)
	}
	genuine, err := os.ReadFile(bundle)
	if err != nil {
		t.Fatal(err)
	}
	if code, out, errs := proveCLI(t, "evidence", "recheck", bundle, "--root", root); code != 0 || !strings.HasPrefix(out, "agrees: ") {
		t.Fatalf("recheck of the genuine bundle: exit %d\n%s\n%s", code, out, errs)
	}
	assertNoWorktrees(t, root)

	gittest.WriteFile(t, filepath.Join(root, "fix.go"), "package fix\n\n// Add adds.\nfunc Add(a, b int) int { return a - b }\n")
	head := gittest.CommitAll(t, root, "break Add")
	if code, out, errs := proveCLI(t, "prove", "TASK-0010", "--root", root); code != 1 {
		t.Fatalf("prove of the broken Add: exit %d, want 1\n%s\n%s", code, out, errs)
	}
	failed, err := os.ReadFile(bundle)
	if err != nil {
		t.Fatal(err)
	}
	gittest.WriteFile(t, bundle, string(rebuild(t, root, failed, func(p *evidence.Predicate) {
		p.Verdict = evidence.Proven
		for i := range p.Items {
			p.Items[i].Verdict, p.Items[i].Reason = evidence.Proven, ""
		}
	}, nil)))
	code, out, errs := proveCLI(t, "evidence", "recheck", bundle, "--root", root, "--format", "json")
	var rep recheckReport
	err = json.Unmarshal([]byte(out), &rep)
	named := map[string]string{}
	for _, m := range rep.Mismatches {
		named[m.What] = m.Claim + " → " + m.Rerun
	}
	if err != nil || code != 1 || rep.Agree || named["test TestAdd"] != "proven → failed" || named["command go test ./..."] != "proven → failed" ||
		rep.SignedBy == nil || rep.SignedBy.Trusted {
		t.Errorf("recheck of the flipped bundle: exit %d, %v, want the test and the command named\n%s\n%s", code, err, out, errs)
	}

	gittest.WriteFile(t, bundle, string(rebuild(t, root, genuine, func(p *evidence.Predicate) { p.Commit = head }, nil)))
	code, out, errs = proveCLI(t, "evidence", "recheck", bundle, "--root", root)
	if code != 1 || !strings.Contains(out, "inputs: allowlisted files: the bundle says sha256:") || !strings.Contains(out, "the bundle was not made from its commit's tree") {
		t.Errorf("recheck of the transplanted bundle: exit %d\n%s\n%s", code, out, errs)
	}

	// A config.json that does not decode is named, not read as "no steps".
	gittest.WriteFile(t, bundle, string(rebuild(t, root, genuine, func(*evidence.Predicate) {}, func(name string, data []byte) []byte {
		if name == evidence.ConfigName {
			return []byte("{\"steps\": [")
		}
		return data
	})))
	code, out, errs = proveCLI(t, "evidence", "recheck", bundle, "--root", root)
	if code != 1 || !strings.Contains(out, "files/config.json: the bundle says undecodable JSON") {
		t.Errorf("recheck of a bundle whose config.json does not decode: exit %d\n%s\n%s", code, out, errs)
	}
	assertNoWorktrees(t, root)
}
