package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestInstalledVersion builds taskproof the way `go install
// ./cmd/taskproof` does (no -ldflags) from a copy of the working tree
// committed to a fresh repository, and checks --version reports that
// revision rather than "dev". A fresh repository, because Go stamps VCS
// information only in a plain checkout (not a git worktree).
func TestInstalledVersion(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	top, err := exec.Command("git", "rev-parse", "--show-toplevel").Output()
	if err != nil {
		t.Skipf("not in a git checkout: %v", err)
	}
	root := strings.TrimSpace(string(top))
	files, err := exec.Command("git", "-C", root, "ls-files", "-z", "--cached", "--others", "--exclude-standard").Output()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	for _, f := range strings.Split(strings.TrimRight(string(files), "\x00"), "\x00") {
		if strings.Contains(f, "testdata/") {
			continue // not needed to build, and the largest part
		}
		data, err := os.ReadFile(filepath.Join(root, f))
		if os.IsNotExist(err) {
			continue // deleted in the working tree
		}
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(src, filepath.FromSlash(f))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	git := func(args ...string) string {
		cmd := exec.Command("git", append([]string{"-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false"}, args...)...)
		cmd.Dir = src
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	git("init", "-q")
	git("add", "-A")
	git("commit", "-q", "-m", "snapshot")
	rev := git("rev-parse", "HEAD")
	bin := filepath.Join(dir, "taskproof")
	cmd := exec.Command("go", "build", "-buildvcs=true", "-o", bin, "./cmd/taskproof")
	cmd.Dir = src
	cmd.Env = append(os.Environ(), "GOFLAGS=")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out, err := exec.Command(bin, "--version").Output()
	if err != nil {
		t.Fatal(err)
	}
	got := strings.TrimSpace(string(out))
	// Go 1.24+ stamps a pseudo-version (v0.0.0-TIME-REV12); older
	// toolchains leave "(devel)" and cli.ResolveVersion says devel-REV12.
	if !strings.HasPrefix(got, "taskproof ") || !strings.HasSuffix(got, rev[:12]) {
		t.Fatalf("--version = %q, want a version ending in the revision %s", got, rev[:12])
	}
}
