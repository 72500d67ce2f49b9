package proofstate

import (
	"crypto/ed25519"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/taskproof/taskproof/internal/evidence"
	"github.com/taskproof/taskproof/internal/gittest"
	"github.com/taskproof/taskproof/internal/repo"
)

// TestBoardAndShow: the board and show judge a task by its evidence under
// the repository's key; --require-trusted without signers is refused.
func TestBoardAndShow(t *testing.T) {
	_, root := fixtureRepo(t)
	r, doc := openRepo(t, root)
	pub, priv := testKey(t)
	writeBundle(t, r, doc, priv, evidence.Proven)

	b, err := Board(t.Context(), r, PolicyOptions{})
	if err != nil || *b.All.Proven != 0 {
		t.Fatalf("no key yet: %v, %+v", err, b)
	}
	data, err := evidence.MarshalPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(root, evidence.DefaultPublicKeyFile)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	r, _ = openRepo(t, root)
	if b, err = Board(t.Context(), r, PolicyOptions{}); err != nil || *b.All.Proven != 1 || b.All.Total != 1 {
		t.Errorf("with the key: %v, %+v", err, b.All)
	}
	shown, err := Show(t.Context(), r, "TASK-0001", PolicyOptions{})
	if err != nil || len(shown) != 1 || shown[0].Proof.State != Proven {
		t.Errorf("show: %v, %+v", err, shown)
	}
	if _, err := Show(t.Context(), r, "TASK-0404", PolicyOptions{}); !errors.Is(err, repo.ErrNoTask) {
		t.Errorf("show of no task: %v", err)
	}
	for name, f := range map[string]func() error{
		"board": func() error { _, err := Board(t.Context(), r, PolicyOptions{RequireTrusted: true}); return err },
		"show": func() error {
			_, err := Show(t.Context(), r, "TASK-0001", PolicyOptions{RequireTrusted: true})
			return err
		},
	} {
		if err := f(); err == nil || !strings.Contains(err.Error(), "names no [[signers]]") {
			t.Errorf("%s requiring a trusted signer without signers: %v", name, err)
		}
	}
}

// TestCollectRefusal: only where the policy is required must the
// collecting key be a signer allowed to make tasks Done.
func TestCollectRefusal(t *testing.T) {
	top, root := fixtureRepo(t)
	ci, _ := testKey(t)
	dev, _ := testKey(t)
	files := map[string]string{"taskproof.toml": "[[signers]]\nname = \"ci\"\nkey = \"keys/ci.pub\"\nmay = [\"Done\"]\n\n" +
		"[[signers]]\nname = \"dev\"\nkey = \"keys/dev.pub\"\nmay = [\"In Review\"]\n"}
	for name, k := range map[string]ed25519.PublicKey{"keys/ci.pub": ci, "keys/dev.pub": dev} {
		data, err := evidence.MarshalPublicKey(k)
		if err != nil {
			t.Fatal(err)
		}
		files[name] = string(data)
	}
	gittest.WriteFiles(t, root, files)
	gittest.Git(t, top, "add", "-A")
	gittest.Git(t, top, "commit", "-q", "-m", "signers")
	stranger, _ := testKey(t)
	for _, c := range []struct {
		inCI    bool
		key     ed25519.PublicKey
		refused bool
	}{{true, ci, false}, {true, dev, true}, {true, stranger, true}, {false, dev, false}, {false, stranger, false}} {
		why, err := CollectRefusal(t.Context(), repo.Open(root), c.inCI, c.key)
		if err != nil || (why != "") != c.refused {
			t.Errorf("ci %v, key %s: refusal %q, %v; want refused %v", c.inCI, evidence.KeyID(c.key), why, err, c.refused)
		}
	}
}

// TestBoardRefusesSwappedLocalKey: once HEAD has .taskproof/signing.pub,
// the board, show and the assessor behind the dashboard and evidence md
// verify only with that key. A key swapped in the work tree, with a
// bundle re-signed by it, shows as not proven, naming the swap, and
// status set refuses as before.
func TestBoardRefusesSwappedLocalKey(t *testing.T) {
	top, root := fixtureRepo(t)
	writeKey := func(pub ed25519.PublicKey) {
		t.Helper()
		data, err := evidence.MarshalPublicKey(pub)
		if err != nil {
			t.Fatal(err)
		}
		gittest.WriteFiles(t, root, map[string]string{evidence.DefaultPublicKeyFile: string(data)})
	}
	committed, priv := testKey(t)
	writeKey(committed)
	gittest.Git(t, top, "add", "-A")
	gittest.Git(t, top, "commit", "-q", "-m", "key")
	r, doc := openRepo(t, root)
	writeBundle(t, r, doc, priv, evidence.Proven)
	if b, err := Board(t.Context(), r, PolicyOptions{}); err != nil || *b.All.Proven != 1 {
		t.Fatalf("with the committed key: %v, %+v", err, b)
	}

	swapped, forger := testKey(t)
	writeKey(swapped)
	r, doc = openRepo(t, root)
	writeBundle(t, r, doc, forger, evidence.Proven)
	pub, refused, err := LocalKey(t.Context(), root)
	if err != nil || pub != nil || !strings.Contains(refused, "differs from the one committed at HEAD") {
		t.Fatalf("LocalKey = %v, %q, %v; want no key and the reason", pub, refused, err)
	}
	b, err := Board(t.Context(), r, PolicyOptions{})
	if err != nil || *b.All.Proven != 0 {
		t.Errorf("with a swapped key and a bundle it signed: %v, %+v; want nothing proven", err, b.All)
	}
	shown, err := Show(t.Context(), r, "TASK-0001", PolicyOptions{})
	if err != nil || len(shown) != 1 {
		t.Fatalf("show: %v, %+v", err, shown)
	}
	a := shown[0].Proof
	if a.State == Proven || !strings.Contains(strings.Join(a.Reasons, "\n"), "differs from the one committed at HEAD") ||
		a.Summary != "bundle present, but the public key is not the committed one" {
		t.Errorf("show with a swapped key: %s %q %q", a.State, a.Reasons, a.Summary)
	}
	as, why, err := RepoAssessor(t.Context(), r)
	if err != nil || why != refused || as.HasKey() {
		t.Fatalf("RepoAssessor: %v, %q, key %v; want the refusal and no key", err, why, as.HasKey())
	}
	if got := as.Assess(doc, nil); got.State == Proven {
		t.Errorf("assessor with the refused key: %s", got.State)
	}
}
