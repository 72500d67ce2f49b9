package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/taskproof/taskproof/internal/cli"
	"github.com/taskproof/taskproof/internal/evidence"
	"github.com/taskproof/taskproof/internal/gittest"
)

// TestBoardAndShowProofStates runs board and show over a real git
// repository with real bundles: proven, then stale after an allowlisted
// change (which also makes the committed board stale), invalid with
// another key, and claimed without a public key.
func TestBoardAndShowProofStates(t *testing.T) {
	s := newStRepo(t)
	board := func(args ...string) (int, string, string) {
		return stRun(append([]string{"board", "--root", s.root}, args...)...)
	}
	show := func(args ...string) string {
		t.Helper()
		code, out, errOut := stRun(append([]string{"show", "TASK-0001", "--root", s.root}, args...)...)
		if code != 0 {
			t.Fatalf("show: exit %d: %s", code, errOut)
		}
		return out
	}
	must := func(what, text string, res ...string) {
		t.Helper()
		for _, re := range res {
			if !regexp.MustCompile(re).MatchString(text) {
				t.Errorf("%s lacks %s:\n%s", what, re, text)
			}
		}
	}

	// Proven while In Progress; then Done through status set.
	s.prove(t, s.priv, evidence.Proven, "")
	must("show", show(), `(?m)^  proof +proven  \.taskproof/evidence/TASK-0001\.tar, commit [0-9a-f]{12}, sha256:[0-9a-f]{64}$`)
	s.expectSet(t, "Done")
	code, out, errOut := board()
	if code != 0 {
		t.Fatalf("board: %d %s", code, errOut)
	}
	must("board", out,
		`(?m)^\| \*\*All tasks\*\* \| 1 / 2 \| 50% \| 1 \|$`,
		`(?m)^\| \[TASK-0001\]\(TASK-0001-boot\.md\) \| Boot \| Done \| proven \|$`,
		`(?m)^## Claimed without proof \(0\)$`)
	if code, out, errOut := board("--write"); code != 0 || !strings.Contains(out, "1 of 2 tasks Done, 1 proven, 0 claimed without proof") {
		t.Fatalf("board --write: %d %s %s", code, out, errOut)
	}
	if code, _, _ := board("--check"); code != 0 {
		t.Fatal("board --check right after --write is not current")
	}
	// Writing the board does not make the evidence stale.
	must("show", show(), `(?m)^  proof +proven`)

	// An allowlisted change: stale everywhere, and the board is stale.
	gittest.WriteFile(t, filepath.Join(s.root, "src/boot.s"), "hlt\n")
	must("show", show(), `(?m)^  proof +stale  `, `(?m)^ +- allowlisted paths changed since the evidence \(hash sha256:[0-9a-f]+… → sha256:[0-9a-f]+…\)$`)
	code, out, _ = board("--check")
	if code != cli.ExitFindings {
		t.Fatalf("board --check after the evidence went stale: exit %d, want 1\n%s", code, out)
	}
	must("board --check diff", out,
		`(?m)^-\| \[TASK-0001\]\(TASK-0001-boot\.md\) \| Boot \| Done \| proven \|$`,
		`(?m)^\+\| \[TASK-0001\]\(TASK-0001-boot\.md\) \| Boot \| Done \| stale \| changed since the proof: allowlisted paths \|$`)
	// A second allowlisted edit keeps the (regenerated) board current: it
	// shows states and their causes, not hashes.
	board("--write")
	gittest.WriteFile(t, filepath.Join(s.root, "src/boot.s"), "cli\nhlt\n")
	if code, out, _ := board("--check"); code != 0 {
		t.Fatalf("board --check after another edit of the same cause: exit %d\n%s", code, out)
	}

	// Another key's bundle: invalid.
	_, other, _ := evidence.GenerateKey()
	s.prove(t, other, evidence.Proven, "")
	must("show", show(), `(?m)^  proof +invalid$`, `(?m)^ +- \.taskproof/evidence/TASK-0001\.tar does not verify: signed by key`)
	_, out, _ = board()
	must("board", out, `(?m)^\| \[TASK-0001\]\(TASK-0001-boot\.md\) \| Boot \| Done \| invalid \| bundle does not verify: wrong_key \|$`)

	// No public key: claimed, with the fix.
	os.Remove(filepath.Join(s.root, evidence.DefaultPublicKeyFile))
	must("show", show(), `(?m)^  proof +claimed$`, `(?m)^ +- \.taskproof/evidence/TASK-0001\.tar cannot be verified: no public key at \.taskproof/signing\.pub; run taskproof keygen$`)
	js := show("--format", "json")
	must("show json", js, `"state": "claimed"`, `"summary": "bundle present, but no public key to verify it"`, `"claims": true`)

	// A public key file that is not a key is an error naming it.
	gittest.WriteFile(t, filepath.Join(s.root, evidence.DefaultPublicKeyFile), "not a key\n")
	if code, _, errOut := board(); code != cli.ExitUsage || !strings.Contains(errOut, ".taskproof/signing.pub") {
		t.Fatalf("board with a bad key file: exit %d, %s", code, errOut)
	}
}
