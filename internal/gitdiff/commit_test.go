package gitdiff

import (
	"context"
	"errors"
	"os/exec"
	"strings"
	"testing"
)

func TestResolveCommit(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	dir := t.TempDir()
	git := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false"}, args...)...)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	git("init", "-q", "-b", "main")
	git("commit", "-q", "--allow-empty", "-m", "one")
	first := git("rev-parse", "HEAD")
	git("tag", "v1")
	git("commit", "-q", "--allow-empty", "-m", "two")
	head := git("rev-parse", "HEAD")
	ctx := context.Background()
	r, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	for rev, want := range map[string]string{"HEAD": head, "main": head, "v1": first, "HEAD~1": first, first[:10]: first, head: head} {
		got, err := r.ResolveCommit(ctx, rev)
		if err != nil || got != want {
			t.Errorf("ResolveCommit(%q) = %q, %v; want %q", rev, got, err, want)
		}
	}
	for _, rev := range []string{"nope", "--all", "", "HEAD^{tree}x"} {
		if _, err := r.ResolveCommit(ctx, rev); !errors.Is(err, ErrUnknownRev) {
			t.Errorf("ResolveCommit(%q): err %v, want ErrUnknownRev", rev, err)
		}
	}
}
