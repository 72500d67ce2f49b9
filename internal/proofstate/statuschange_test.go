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
	"github.com/taskproof/taskproof/internal/trust"
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
		r := repo.Open(root)
		q.Task = "TASK-0001"
		q.Policy = func() (*trust.Policy, error) { return LoadPolicy(t.Context(), r, false, false) }
		return ChangeStatus(t.Context(), r, q)
	}

	c, err := change(StatusRequest{Status: "draft"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Value != "Draft" || c.From != "In Progress" || c.Proof != nil || c.Unchanged() ||
		!strings.Contains(string(c.Out), "status: Draft\n") || string(c.Src) != string(before) || c.Path != filepath.Join(root, "tasks/TASK-0001-boot.md") {
		t.Errorf("Draft: %+v", c)
	}
	if want := "TASK-0001: status \"In Progress\" -> \"Draft\" (tasks/TASK-0001-boot.md:3)\n"; string(c.Text()) != want {
		t.Errorf("Draft: says %q, want %q", c.Text(), want)
	}
	c, err = change(StatusRequest{Status: "In Progress"})
	if err != nil || !c.Unchanged() {
		t.Fatalf("the status it has: %+v, %v", c, err)
	}
	if want := "TASK-0001: status is already \"In Progress\" (tasks/TASK-0001-boot.md:3); nothing written\n"; string(c.Text()) != want {
		t.Errorf("unchanged: says %q, want %q", c.Text(), want)
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
		t.Fatalf("Done with evidence: %+v", c)
	}
	if text := string(c.Text()); !strings.Contains(text, `-> "Done"`) || !strings.Contains(text, "\nproven by .taskproof/evidence/TASK-0001.tar (commit ") {
		t.Errorf("Done: says %q", text)
	}
	if after, _ := os.ReadFile(filepath.Join(root, "tasks/TASK-0001-boot.md")); string(after) != string(before) {
		t.Error("ChangeStatus wrote the task file")
	}
}
