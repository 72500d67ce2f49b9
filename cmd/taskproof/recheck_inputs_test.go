package main

// Tests of `evidence recheck` comparing files/inputs.json: the digests of
// the files the proof commands ran or booted, recorded by prove in the
// work tree, against the ones the re-run used in its clean worktree.

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/taskproof/taskproof/internal/cli"
	"github.com/taskproof/taskproof/internal/evidence"
	"github.com/taskproof/taskproof/internal/gittest"
	"github.com/taskproof/taskproof/internal/proofstate"
)

// forgeInputs rewrites the task bundle at path with the digest of input
// p in its inputs.json replaced by sum, re-signed with the work tree's
// key, and returns the digest it replaced.
func forgeInputs(t *testing.T, root, path, p, sum string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var was string
	forged := rebuild(t, root, data, func(*evidence.Predicate) {}, func(name string, d []byte) []byte {
		if name != evidence.InputsName {
			return d
		}
		var in evidence.Inputs
		if err := json.Unmarshal(d, &in); err != nil {
			t.Fatal(err)
		}
		for i := range in.Files {
			if in.Files[i].Path == p {
				was, in.Files[i].SHA256 = in.Files[i].SHA256, sum
			}
		}
		out, err := json.Marshal(in)
		if err != nil {
			t.Fatal(err)
		}
		return out
	})
	if was == "" {
		t.Fatalf("the bundle's inputs.json has no %s", p)
	}
	gittest.WriteFile(t, path, string(forged))
	return was
}

// TestRecheckInputsGoTests: [proof] inputs of a `go test` proof bind the
// tracked sources and an ignored data file. A bundle made while the
// ignored file existed (the clean worktree does not have it) disagrees,
// naming the input as missing, not skipping it; without it the genuine
// bundle agrees; the genuine bundle with one digest of its inputs.json
// edited and re-signed with the work tree's key verifies, and recheck
// names the input with both digests.
func TestRecheckInputsGoTests(t *testing.T) {
	root := goFixture(t, "TestAdd")
	gittest.WriteFiles(t, root, map[string]string{
		"taskproof.toml": "[proof]\ninputs = [\"*.go\", \"data/*.bin\"]\n",
		".gitignore":     ".taskproof/\ndata/\n",
	})
	gittest.CommitAll(t, root, "bind the proof inputs")
	gittest.WriteFile(t, filepath.Join(root, "data/extra.bin"), "left over from a local build\n")
	bundle := proofstate.BundlePath(root, "TASK-0010")
	if code, out, errs := proveCLI(t, "prove", "TASK-0010", "--root", root); code != 0 {
		t.Fatalf("prove: exit %d\n%s\n%s", code, out, errs)
	}
	code, out, errs := proveCLI(t, "evidence", "recheck", bundle, "--root", root)
	if code != cli.ExitFindings || !strings.Contains(out, "DISAGREES") ||
		!strings.Contains(out, "input data/extra.bin: the bundle says sha256:") ||
		!strings.Contains(out, "the re-run did not have it: git does not track it at the bundle's commit") {
		t.Errorf("recheck with an ignored input the clean worktree lacks: exit %d, want 1 naming data/extra.bin\n%s\n%s", code, out, errs)
	}
	if strings.Contains(out, "input fix.go") {
		t.Errorf("a tracked input that is the same named as a difference:\n%s", out)
	}
	assertNoWorktrees(t, root)

	if err := os.RemoveAll(filepath.Join(root, "data")); err != nil {
		t.Fatal(err)
	}
	if code, out, errs := proveCLI(t, "prove", "TASK-0010", "--root", root); code != 0 {
		t.Fatalf("prove without the data file: exit %d\n%s\n%s", code, out, errs)
	}
	if code, out, errs := proveCLI(t, "evidence", "recheck", bundle, "--root", root); code != 0 || !strings.HasPrefix(out, "agrees: ") {
		t.Fatalf("recheck of the genuine bundle: exit %d\n%s\n%s", code, out, errs)
	}

	forgedSum := strings.Repeat("0f", 32)
	real := forgeInputs(t, root, bundle, "fix.go", forgedSum)
	if code, out, errs := proveCLI(t, "evidence", "verify", bundle, "--root", root); code != 0 {
		t.Fatalf("the forged bundle does not verify with the work tree's key (so the test forged nothing): exit %d\n%s\n%s", code, out, errs)
	}
	code, out, errs = proveCLI(t, "evidence", "recheck", bundle, "--root", root, "--format", "json")
	var rep recheckReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("recheck --format json: %v\n%s\n%s", err, out, errs)
	}
	var lines []string
	for _, m := range rep.Mismatches {
		lines = append(lines, m.String())
	}
	want := "input fix.go: the bundle says sha256:" + forgedSum + ", the re-run used sha256:" + real
	if code != cli.ExitFindings || rep.Agree || len(lines) != 1 || !strings.HasPrefix(lines[0], want) {
		t.Errorf("recheck of the forged inputs.json: exit %d, %q, want 1 and only %q\n%s", code, lines, want, errs)
	}
	assertNoWorktrees(t, root)
}

// TestQEMURecheckInputs: in real QEMU, minios' TASK-0001 boots the
// ignored build/minios-pass.elf. (1) The work tree holds every variant
// (./build.sh) and a tampered pass image that still boots and passes:
// recheck, whose clean worktree builds only the pass image from the
// commit's source, names the tampered image with both digests and every
// other variant as missing, exit 1. (2) A genuine bundle (the image built
// by the proof) with the image's digest in inputs.json replaced by the
// tampered one's and re-signed with the work tree's key is caught the
// same way.
func TestQEMURecheckInputs(t *testing.T) {
	root := miniosRepo(t)
	build := filepath.Join(root, "build")
	if out, err := exec.Command("bash", filepath.Join(root, "build.sh"), build).CombinedOutput(); err != nil {
		t.Fatalf("build.sh: %v\n%s", err, out)
	}
	image := filepath.Join(build, "minios-pass.elf")
	genuineSum, err := evidence.HashInput(image)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(image, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write([]byte("tampered")); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	tamperedSum, err := evidence.HashInput(image)
	if err != nil {
		t.Fatal(err)
	}
	bundle := proofstate.BundlePath(root, "TASK-0001")
	if code, out, errs := proveCLI(t, "prove", "TASK-0001", "--root", root); code != 0 {
		t.Fatalf("prove with the tampered image (it still boots the whole ladder): exit %d\n%s\n%s", code, out, errs)
	}
	code, out, errs := proveCLI(t, "evidence", "recheck", bundle, "--root", root)
	t.Logf("recheck with the tampered image: exit %d\n%s", code, out)
	want := "input build/minios-pass.elf: the bundle says sha256:" + tamperedSum + ", the re-run used sha256:" + genuineSum
	if code != cli.ExitFindings || !strings.Contains(out, want) {
		t.Errorf("recheck of a proof that booted a tampered image: exit %d, want 1 with %q\n%s\n%s", code, want, out, errs)
	}
	for _, v := range []string{"fail", "glued", "hang", "linger", "missing", "panic"} {
		if !strings.Contains(out, "input build/minios-"+v+".elf: the bundle says sha256:") || !strings.Contains(out, "the re-run did not have it") {
			t.Errorf("the %s image, which the clean worktree does not have, is not named as missing\n%s", v, out)
		}
	}
	if strings.Contains(out, "marker ") {
		t.Errorf("the tampered image passes: no marker may differ\n%s", out)
	}
	assertNoWorktrees(t, root)

	// The proof builds its own image: the genuine bundle, then forged.
	if err := os.RemoveAll(build); err != nil {
		t.Fatal(err)
	}
	// --force: the cached run of the same commit would not build it.
	if code, out, errs := proveCLI(t, "prove", "TASK-0001", "--force", "--root", root); code != 0 {
		t.Fatalf("prove building the image: exit %d\n%s\n%s", code, out, errs)
	}
	if got := forgeInputs(t, root, bundle, "build/minios-pass.elf", tamperedSum); got != genuineSum {
		t.Fatalf("the image the proof built has sha256 %s, want the reproducible %s", got, genuineSum)
	}
	code, out, errs = proveCLI(t, "evidence", "recheck", bundle, "--root", root)
	want = "input build/minios-pass.elf: the bundle says sha256:" + tamperedSum + ", the re-run used sha256:" + genuineSum
	if code != cli.ExitFindings || !strings.Contains(out, want) || strings.Count(out, "\n  - ") != 1 {
		t.Errorf("recheck of the forged inputs.json: exit %d, want 1 with only %q\n%s\n%s", code, want, out, errs)
	}
	assertNoWorktrees(t, root)
}
