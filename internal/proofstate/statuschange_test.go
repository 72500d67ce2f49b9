package proofstate

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/taskproof/taskproof/internal/evidence"
	"github.com/taskproof/taskproof/internal/gittest"
	"github.com/taskproof/taskproof/internal/repo"
)

// TestChangeStatus decides status changes of the fixture task without
// writing anything: a plain one, the refusals, and Done with evidence
// signed by the committed key.
func TestChangeStatus(t *testing.T) {
	top, root := fixtureRepo(t)
	before, err := os.ReadFile(filepath.Join(root, "tasks/TASK-0001-boot.md"))
	if err != nil {
		t.Fatal(err)
	}
	change := func(q StatusRequest) (*StatusChange, error) {
		q.Task = "TASK-0001"
		return ChangeStatus(t.Context(), repo.Open(root), q)
	}

	c, err := change(StatusRequest{Status: "draft"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Value != "Draft" || c.From != "In Progress" || c.Proof != nil || c.Unchanged() ||
		!strings.Contains(string(c.Out), "status: Draft\n") || string(c.Src) != string(before) || c.Path != filepath.Join(root, "tasks/TASK-0001-boot.md") {
		t.Errorf("Draft: %+v", c)
	}
	if c, err := change(StatusRequest{Status: "In Progress"}); err != nil || !c.Unchanged() {
		t.Errorf("the status it has: %+v, %v", c, err)
	}
	for _, tt := range []struct {
		q       StatusRequest
		want    string
		refused bool
	}{
		{StatusRequest{Status: "Finished-ish"}, `unknown status "Finished-ish"; use one of: `, false},
		{StatusRequest{Status: "Draft", By: "TASK-0002"}, "--by names the successor of a Superseded task; it does not apply to Draft", false},
		{StatusRequest{Status: "Superseded"}, "TASK-0001 cannot be set to Superseded without a successor", true},
		{StatusRequest{Status: "Done"}, "TASK-0001 cannot be set to Done: its evidence cannot be verified", true},
	} {
		_, err := change(tt.q)
		if err == nil || !strings.HasPrefix(err.Error(), tt.want) || errors.Is(err, ErrRefused) != tt.refused {
			t.Errorf("%+v: err = %v, want %q (refused %v)", tt.q, err, tt.want, tt.refused)
		}
	}

	pub, priv := testKey(t)
	pem, err := evidence.MarshalPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	gittest.WriteFiles(t, root, map[string]string{evidence.DefaultPublicKeyFile: string(pem)})
	gittest.Git(t, top, "add", "-A")
	gittest.Git(t, top, "commit", "-q", "-m", "public key")
	r, doc := openRepo(t, root)
	writeBundle(t, r, doc, priv, evidence.Proven)
	c, err = change(StatusRequest{Status: "Done"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Value != "Done" || c.Proof == nil || c.Proof.State != Proven || c.Proof.KeyID != evidence.KeyID(pub) {
		t.Errorf("Done with evidence: %+v", c)
	}
	if after, _ := os.ReadFile(filepath.Join(root, "tasks/TASK-0001-boot.md")); string(after) != string(before) {
		t.Error("ChangeStatus wrote the task file")
	}
}
