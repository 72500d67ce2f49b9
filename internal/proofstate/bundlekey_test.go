package proofstate

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/taskproof/taskproof/internal/evidence"
	"github.com/taskproof/taskproof/internal/trust"
)

func TestVerifyKey(t *testing.T) {
	root := t.TempDir()
	pol := &trust.Policy{}
	if _, err := VerifyKey(nil, pol, "", root); err == nil || !strings.Contains(err.Error(), "pass --pub KEYFILE") {
		t.Errorf("no key anywhere: %v, want the fix named", err)
	}
	kp, err := evidence.WriteKeyPair(filepath.Join(root, evidence.DefaultKeyPrefix))
	if err != nil {
		t.Fatal(err)
	}
	pub, err := VerifyKey(nil, pol, "", root)
	if err != nil || evidence.KeyID(pub) != kp.ID {
		t.Errorf("the repository's default key: %v, id %s want %s", err, evidence.KeyID(pub), kp.ID)
	}
	if _, err := VerifyKey(nil, pol, filepath.Join(root, "other.pub"), root); err == nil || strings.Contains(err.Error(), "pass --pub") {
		t.Errorf("a missing --pub file: %v, want the read error itself", err)
	}
	if got := PubPath("", root); got != filepath.Join(root, evidence.DefaultPublicKeyFile) {
		t.Errorf("PubPath default %s", got)
	}
}
