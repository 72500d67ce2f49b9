package gitdiff

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/taskproof/taskproof/internal/gittest"
)

func TestWorktree(t *testing.T) {
	gittest.Require(t)
	gittest.Isolate(t)
	top := t.TempDir()
	gittest.WriteFiles(t, top, map[string]string{"sub/a.txt": "one\n"})
	first := gittest.Repo(t, top)
	gittest.WriteFile(t, filepath.Join(top, "sub", "a.txt"), "two\n")
	gittest.CommitAll(t, top, "two")
	ctx := context.Background()

	dir, remove, err := Worktree(ctx, filepath.Join(top, "sub"), first)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := os.ReadFile(filepath.Join(dir, "a.txt")); err != nil || string(got) != "one\n" {
		t.Errorf("the worktree's sub/a.txt = %q, %v; want the first commit's", got, err)
	}
	if err := remove(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the worktree is still there after remove: %v", err)
	}

	if _, _, err := Worktree(ctx, top, "0123456789abcdef0123456789abcdef01234567"); !errors.Is(err, ErrNoCommit) {
		t.Errorf("unknown commit: err = %v, want ErrNoCommit", err)
	}
	if _, _, err := Worktree(ctx, t.TempDir(), first); err == nil || errors.Is(err, ErrNoCommit) {
		t.Errorf("outside git: err = %v, want a not-in-git error", err)
	}
}
