package main

// Tests of the repository's own public key, .taskproof/signing.pub, and
// of the rest of the trust policy, as `scope` and `status set` see them:
// a change to any of them is a trust change, and a committed local key
// swapped in the work tree is refused.

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/taskproof/taskproof/internal/cli"
	"github.com/taskproof/taskproof/internal/evidence"
	"github.com/taskproof/taskproof/internal/gittest"
)

// commitLocalKey commits s's .taskproof/signing.pub, as a repository
// that pins its own key does.
func commitLocalKey(t *testing.T, s *stRepo) {
	t.Helper()
	gittest.Git(t, s.top, "add", "example/"+evidence.DefaultPublicKeyFile)
	gittest.Git(t, s.top, "commit", "-q", "-m", "pin the local key")
}

// TestStatusSetRefusesSwappedLocalKey: with .taskproof/signing.pub
// committed and no signer required (no CI), evidence signed by the
// committed key sets Done; another key swapped into the work tree (not
// committed) with a bundle signed by it is refused naming the file, and
// so is deleting the pair and running keygen again. A key that was never
// committed pins nothing: its evidence counts, self-signed.
func TestStatusSetRefusesSwappedLocalKey(t *testing.T) {
	s := newStRepo(t)
	commitLocalKey(t, s)
	s.prove(t, s.priv, evidence.Proven, "")
	s.expectSet(t, "Done")
	gittest.WriteFile(t, s.taskPath(), stTask)

	const named = ".taskproof/signing.pub differs from the one committed at HEAD"
	pub2, priv2, err := evidence.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	gittest.WriteFile(t, filepath.Join(s.root, evidence.DefaultPublicKeyFile), string(mustPEM(t, pub2)))
	s.prove(t, priv2, evidence.Proven, "")
	for _, vars := range []map[string]string{nil, {"CI": "true"}} {
		code, _, errs := trustRun(t, vars, "status", "set", "TASK-0001", "Done", "--root", s.root)
		if code != cli.ExitFindings || !strings.Contains(errs, "the public key it would be verified with is not the committed one") || !strings.Contains(errs, named) {
			t.Errorf("swapped signing.pub (CI=%q): exit %d, want 1 naming the key\n%s", vars["CI"], code, errs)
		}
	}
	s.expectFile(t, stTask)

	// Delete the pair, make a new one with keygen, prove with it.
	for _, f := range []string{evidence.DefaultPublicKeyFile, evidence.DefaultKeyPrefix + ".key"} {
		os.Remove(filepath.Join(s.root, f))
	}
	if code, out, errs := trustRun(t, nil, "keygen", "--root", s.root); code != 0 {
		t.Fatalf("keygen: exit %d\n%s\n%s", code, out, errs)
	}
	local, _, err := evidence.LoadSigningKey(func(string) string { return "" }, "", s.root)
	if err != nil {
		t.Fatal(err)
	}
	s.prove(t, local, evidence.Proven, "")
	if code, _, errs := trustRun(t, nil, "status", "set", "TASK-0001", "Done", "--root", s.root); code != cli.ExitFindings || !strings.Contains(errs, named) {
		t.Errorf("pair deleted and made again with keygen: exit %d, want 1 naming the key\n%s", code, errs)
	}
	s.expectFile(t, stTask)

	// Restored: the committed key and its evidence count again.
	gittest.Git(t, s.root, "checkout", "--", evidence.DefaultPublicKeyFile)
	s.prove(t, s.priv, evidence.Proven, "")
	s.expectSet(t, "Done")

	// Never committed: nothing to compare with.
	u := newStRepo(t)
	u.prove(t, u.priv, evidence.Proven, "")
	u.expectSet(t, "Done")
}

// TestScopeReportsLocalKeyAndPolicy: scope reports as a trust change, for
// a task whose own allowlist does not name the file, a change to the
// committed .taskproof/signing.pub (uncommitted, or committed since the
// base), a new one, a signer key kept in .taskproof/, and [trust] of
// taskproof.toml; a task that names the file may change it.
func TestScopeReportsLocalKeyAndPolicy(t *testing.T) {
	s, _ := trustRepo(t)
	commitLocalKey(t, s)
	gittest.WriteFile(t, filepath.Join(s.root, "tasks/TASK-0003-keys.md"),
		"# TASK-0003: Rotate the keys\n\n- Status: Draft\n\n## Touched paths (allowlist)\n\n- `.taskproof/signing.pub`\n- `.taskproof/ci2.pub`\n- `taskproof.toml`\n")
	gittest.Git(t, s.top, "add", "-A")
	gittest.Git(t, s.top, "commit", "-q", "-m", "key task")
	base := gittest.Git(t, s.top, "rev-parse", "HEAD")
	scopeOf := func(id string) (int, string) {
		code, out, errs := trustRun(t, nil, "scope", id, "--base", base, "--root", s.root)
		return code, out + errs
	}
	if code, out := scopeOf("TASK-0001"); code != 0 {
		t.Fatalf("no change: exit %d\n%s", code, out)
	}
	pub2, _, err := evidence.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	pemOf := string(mustPEM(t, pub2))
	expect := func(what, file string) {
		t.Helper()
		code, out := scopeOf("TASK-0001")
		if code != cli.ExitFindings || !strings.Contains(out, file) || !strings.Contains(out, "changes who may make tasks Done") {
			t.Errorf("%s, TASK-0001: exit %d, want 1 naming %s as a trust change\n%s", what, code, file, out)
		}
		if code, out := scopeOf("TASK-0003"); code != 0 {
			t.Errorf("%s, TASK-0003 (which names it): exit %d\n%s", what, code, out)
		}
	}
	reset := func() {
		gittest.Git(t, s.top, "reset", "-q", "--hard", base)
	}

	keyFile := filepath.Join(s.root, evidence.DefaultPublicKeyFile)
	gittest.WriteFile(t, keyFile, pemOf)
	expect("signing.pub swapped, not committed", evidence.DefaultPublicKeyFile)
	gittest.Git(t, s.top, "commit", "-q", "-am", "swap the key")
	expect("signing.pub swapped and committed", evidence.DefaultPublicKeyFile)
	reset()

	if err := os.Remove(keyFile); err != nil {
		t.Fatal(err)
	}
	expect("signing.pub deleted", evidence.DefaultPublicKeyFile)
	reset()

	// A first local key, where the base has none, pins one: no trust
	// change (a fresh keygen before the key is committed must prove).
	gittest.Git(t, s.top, "rm", "-q", "--cached", "example/"+evidence.DefaultPublicKeyFile)
	gittest.Git(t, s.top, "commit", "-q", "-m", "unpin")
	noKey := gittest.Git(t, s.top, "rev-parse", "HEAD")
	if code, out, errs := trustRun(t, nil, "scope", "TASK-0001", "--base", noKey, "--root", s.root); code != 0 {
		t.Errorf("a new, uncommitted signing.pub where the base has none: exit %d\n%s%s", code, out, errs)
	}
	gittest.Git(t, s.top, "add", "example/"+evidence.DefaultPublicKeyFile)
	gittest.Git(t, s.top, "commit", "-q", "-m", "pin again")
	if code, out, errs := trustRun(t, nil, "scope", "TASK-0001", "--base", noKey, "--root", s.root); code != 0 {
		t.Errorf("a first committed signing.pub: exit %d\n%s%s", code, out, errs)
	}
	reset()

	toml, err := os.ReadFile(filepath.Join(s.root, "taskproof.toml"))
	if err != nil {
		t.Fatal(err)
	}
	gittest.WriteFile(t, filepath.Join(s.root, "taskproof.toml"), string(toml)+"\n[trust]\nrequire = \"never\"\n")
	expect("[trust] require changed", "taskproof.toml")
	reset()

	// A signer whose key is kept in .taskproof/: added (the policy and
	// the new key file), then the key alone swapped.
	gittest.WriteFile(t, filepath.Join(s.root, ".taskproof/ci2.pub"), pemOf)
	gittest.WriteFile(t, filepath.Join(s.root, "taskproof.toml"), string(toml)+"\n[[signers]]\nname = \"ci2\"\nkey = \".taskproof/ci2.pub\"\nmay = [\"Done\"]\n")
	expect("signer in .taskproof/ added", ".taskproof/ci2.pub")
	gittest.Git(t, s.top, "add", "-A")
	gittest.Git(t, s.top, "commit", "-q", "-m", "second signer")
	base = gittest.Git(t, s.top, "rev-parse", "HEAD")
	pub3, _, err := evidence.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	gittest.WriteFile(t, filepath.Join(s.root, ".taskproof/ci2.pub"), string(mustPEM(t, pub3)))
	expect("signer key in .taskproof/ swapped", ".taskproof/ci2.pub")
}
