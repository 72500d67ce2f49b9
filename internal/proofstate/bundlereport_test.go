package proofstate

import (
	"crypto/ed25519"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/taskproof/taskproof/internal/evidence"
	"github.com/taskproof/taskproof/internal/gittest"
	"github.com/taskproof/taskproof/internal/repo"
)

// TestFindBundle: a task id or task file names the task's bundle; a file
// is itself; a task without evidence and a name that is neither say so.
func TestFindBundle(t *testing.T) {
	_, root := fixtureRepo(t)
	r, doc := openRepo(t, root)
	if _, err := FindBundle(r, "TASK-0001"); err == nil || !strings.Contains(err.Error(), "has no evidence yet") {
		t.Errorf("no bundle yet: %v", err)
	}
	_, priv := testKey(t)
	writeBundle(t, r, doc, priv, evidence.Proven)
	want := BundlePath(root, "TASK-0001")
	for _, arg := range []string{"TASK-0001", filepath.Join(root, "tasks/TASK-0001-boot.md"), want} {
		if got, err := FindBundle(r, arg); err != nil || got != want {
			t.Errorf("FindBundle(%s) = %q, %v; want %q", arg, got, err, want)
		}
	}
	if got, err := FindBundle(r, "missing/x.tar"); err != nil || got != "missing/x.tar" {
		t.Errorf("a bundle path is given as is, for opening to fail on: %q, %v", got, err)
	}
	if _, err := FindBundle(r, "TASK-0404"); err == nil || !strings.Contains(err.Error(), "neither a bundle file nor a task of") {
		t.Errorf("unknown task: %v", err)
	}
}

// TestRequiredCommit: hashes pass as given, revisions resolve through git,
// and a revision outside git or unknown to it is an error.
func TestRequiredCommit(t *testing.T) {
	top, root := fixtureRepo(t)
	r, _ := openRepo(t, root)
	head := strings.TrimSpace(gittest.Git(t, top, "rev-parse", "HEAD"))
	for rev, want := range map[string]string{"": "", "abcd1234": "abcd1234", "HEAD": head, "main": head} {
		if got, err := RequiredCommit(t.Context(), r, rev); err != nil || got != want {
			t.Errorf("RequiredCommit(%q) = %q, %v; want %q", rev, got, err, want)
		}
	}
	if _, err := RequiredCommit(t.Context(), r, "no-such-branch"); err == nil || !strings.HasPrefix(err.Error(), "--commit no-such-branch: ") {
		t.Errorf("unknown revision: %v", err)
	}
	outside := repo.Open(t.TempDir())
	if _, err := RequiredCommit(t.Context(), outside, "HEAD"); err == nil || !strings.Contains(err.Error(), "needs git") {
		t.Errorf("outside git: %v", err)
	}
}

// TestVerifyAndShowBundle: the repository's key verifies a bundle it
// signed; another key finds it invalid; show without any key reports the
// signature unchecked, and with a key file given that is missing fails.
func TestVerifyAndShowBundle(t *testing.T) {
	_, root := fixtureRepo(t)
	r, doc := openRepo(t, root)
	pub, priv := testKey(t)
	writeBundle(t, r, doc, priv, evidence.Proven)
	path := BundlePath(root, doc.ID)
	show, err := ShowBundle(t.Context(), r, false, path, "")
	if err != nil || show.Signature.Status == "valid" || show.Signature.Status == "invalid" || show.Predicate.TaskID != "TASK-0001" {
		t.Fatalf("show without a key: %+v, %v", show, err)
	}
	if _, err := VerifyBundle(t.Context(), r, false, path, "", evidence.VerifyOptions{}); err == nil || !strings.Contains(err.Error(), "no public key at") {
		t.Errorf("verify without a key: %v", err)
	}
	if _, err := ShowBundle(t.Context(), r, false, path, filepath.Join(root, "nope.pub")); err == nil {
		t.Error("show with a missing --pub file succeeded")
	}
	writePub := func(name string, key ed25519.PublicKey) string {
		p := filepath.Join(root, name)
		data, err := evidence.MarshalPublicKey(key)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	writePub(evidence.DefaultPublicKeyFile, pub)
	other, _ := testKey(t)
	otherFile := writePub("other.pub", other)
	for _, c := range []struct {
		pubFile string
		valid   bool
	}{{"", true}, {otherFile, false}} {
		res, err := VerifyBundle(t.Context(), r, false, path, c.pubFile, evidence.VerifyOptions{})
		if err != nil || res.Valid != c.valid || (res.SignedBy != nil) != c.valid {
			t.Errorf("verify with %q: %+v, %v; want valid %v, judged when valid", c.pubFile, res, err, c.valid)
		}
		show, err := ShowBundle(t.Context(), r, false, path, c.pubFile)
		if err != nil || (show.Signature.Status == "valid") != c.valid || (show.SignedBy != nil) != c.valid {
			t.Errorf("show with %q: %+v, %v", c.pubFile, show.Signature, err)
		}
	}
}
