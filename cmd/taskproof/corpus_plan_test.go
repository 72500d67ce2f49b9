package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/taskproof/taskproof/internal/gittest"
	"github.com/taskproof/taskproof/internal/prove"
	"github.com/taskproof/taskproof/internal/testcorpus"
)

// copyTree copies the regular files under src to dst.
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.Walk(src, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if info.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestCorpusProvePlan plans a proof of every upstream task against the
// upstream proof manifest, without running anything: the tasks that name
// the same QEMU run (command, environment, profile) share it, every run
// has its own id, and every task left out says why in one of three ways.
func TestCorpusProvePlan(t *testing.T) {
	corpus := testcorpus.Dir(t)
	gittest.Require(t)
	root := t.TempDir()
	copyTree(t, filepath.Join(corpus, "tasks"), filepath.Join(root, "tasks"))
	copyTree(t, filepath.Join(corpus, "proof-manifest-head"), filepath.Join(root, "proof-manifest-head"))
	gittest.WriteFiles(t, root, map[string]string{"taskproof.toml": `[proof]
contract = "proof-manifest-head/manifest.toml"
canonical = ["./scripts/qemu-test.sh*", "cargo test *", "just test*", "make test*"]
`})
	gittest.Repo(t, root)
	code, out, errs := proveCLI(t, "prove", "--all", "--dry-run", "--format", "json", "--root", root)
	if code != 0 {
		t.Fatalf("prove --all --dry-run: exit %d\n%s", code, errs)
	}
	var v prove.PlanView
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatal(err)
	}
	if v.Tasks == 0 || len(v.Runs) == 0 || v.Tasks+len(v.Left) < 350 {
		t.Fatalf("plan of %d tasks, %d runs, %d left out", v.Tasks, len(v.Runs), len(v.Left))
	}
	ids := map[string]bool{}
	served := 0
	var qemu *prove.RunView
	for i, r := range v.Runs {
		if ids[r.ID] {
			t.Errorf("run id %s twice", r.ID)
		}
		ids[r.ID] = true
		served += len(r.Tasks)
		if r.Command == "RUN_UNTIL_MARKER=1 RUN_TIMEOUT=90s ./scripts/qemu-test.sh" && r.Profile == "full" {
			qemu = &v.Runs[i]
		}
	}
	if served <= len(v.Runs) {
		t.Errorf("no run is shared: %d runs serve %d task proofs", len(v.Runs), served)
	}
	if qemu == nil || len(qemu.Tasks) < 5 || qemu.Tasks[0] != "TASK-0001" {
		t.Errorf("the full-profile QEMU run: %+v", qemu)
	}
	why := regexp.MustCompile(`^(no proof command|refused: line \d+: .+|tasks/TASK-[^:]+:\d+: required marker ".+" is not declared in the marker contract .+)$`)
	for _, l := range v.Left {
		if !why.MatchString(l.Reason) {
			t.Errorf("%s left out for an unclassified reason: %s", l.Task, l.Reason)
		}
	}
	t.Logf("corpus: %d tasks planned in %d runs (%d task proofs), %d left out", v.Tasks, len(v.Runs), served, len(v.Left))
	if strings.Contains(errs, "panic") {
		t.Error(errs)
	}
}
