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
	"github.com/taskproof/taskproof/internal/task"
)

// fixtureTask is a task whose allowlist allows src/ and notes.md but denies
// src/vendor/.
const fixtureTask = `---
title: TASK-0001 Boot
status: In Progress
---

## Stop conditions (Definition of Done)

- **Proof (QEMU)**:
  - Command(s):
    - ` + "`taskproof run -- ./qemu.sh pass`" + `
  - Required markers:
    - ` + "`boot: ok`" + `

## Touched paths (allowlist)

- ` + "`src/`" + `
- ` + "`notes.md`" + `
- Out-of-allowlist:
  - ` + "`src/vendor/`" + `
`

const fixtureContract = `[contract]
version = 1
default_profile = "default"
phases = ["boot"]

[phase.boot]
order = "strict"

[[marker]]
text = "boot: ok"
phase = "boot"
`

// fixtureRepo makes a git work tree whose taskproof root is top/sub (like
// examples/minios inside the taskproof repository), commits it and
// returns (top, root).
func fixtureRepo(t testing.TB) (string, string) {
	t.Helper()
	top := t.TempDir()
	gittest.Git(t, top, "init", "-q", "-b", "main")
	root := filepath.Join(top, "sub")
	gittest.WriteFiles(t, top, map[string]string{
		"outside.txt": "not under the root\n",
		".gitignore":  "*.o\n",
	})
	gittest.WriteFiles(t, root, map[string]string{
		"tasks/TASK-0001-boot.md": fixtureTask,
		"tasks/BOARD.md":          "# board\n",
		"proof/contract.toml":     fixtureContract,
		"src/boot.s":              "nop\n",
		"src/vendor/lib.s":        "vendored\n",
		"notes.md":                "notes\n",
		"other.md":                "not allowlisted\n",
	})
	gittest.Git(t, top, "add", "-A")
	gittest.Git(t, top, "commit", "-q", "-m", "init")
	return top, root
}

func openRepo(t testing.TB, root string) (*repo.Repo, *task.Document) {
	t.Helper()
	r := repo.Open(root)
	docs, err := r.Find("TASK-0001")
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) != 1 {
		t.Fatalf("want one TASK-0001, got %d", len(docs))
	}
	return r, docs[0]
}

// testKey is a fresh key pair.
func testKey(t testing.TB) (ed25519.PublicKey, ed25519.PrivateKey) {
	t.Helper()
	pub, priv, err := evidence.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	return pub, priv
}

// writeBundle builds a real bundle for doc whose predicate matches the
// repository's current inputs, with the given verdict, and writes it to
// the bundle path.
func writeBundle(t testing.TB, r *repo.Repo, doc *task.Document, priv ed25519.PrivateKey, verdict string) []byte {
	t.Helper()
	cur, _, err := Inputs(t.Context(), r, doc, nil)
	if err != nil {
		t.Fatal(err)
	}
	commit := cur.Commit
	if commit == "" {
		commit = strings.Repeat("0", 40)
	}
	item := evidence.Item{Item: "boot: ok", Kind: evidence.KindMarker, Verdict: verdict}
	if verdict != evidence.Proven {
		item.Reason = "marker missing"
	}
	pred := evidence.Predicate{
		TaskID: string(doc.ID), Commit: commit, ContractHash: cur.ContractHash,
		AllowlistHash: cur.AllowlistHash, StopConditionsHash: cur.StopConditionsHash,
		Verdict: verdict, Items: []evidence.Item{item},
	}
	b, err := evidence.Build([]evidence.File{{Name: "qemu.log", Data: []byte("boot: ok\n")}}, pred, priv)
	if err != nil {
		t.Fatal(err)
	}
	p := BundlePath(r.Root, doc.ID)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return b
}
