package gitdiff

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// ErrNoCommit says a commit is not in the repository.
var ErrNoCommit = errors.New("commit not in the repository")

// Worktree checks commit out in a new detached git worktree of the
// repository holding root and returns root's place inside it and the
// function that removes the worktree. An error says what to do: a root
// outside git is bad input, a commit not in the repository wraps
// ErrNoCommit, a failure of the environment wraps ErrGit.
func Worktree(ctx context.Context, root, commit string) (string, func() error, error) {
	git := func(dir string, args ...string) (string, error) {
		cmd := exec.CommandContext(ctx, "git", append([]string{"-C", dir}, args...)...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			return "", fmt.Errorf("git %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
		}
		return strings.TrimSpace(string(out)), nil
	}
	top, err := git(root, "rev-parse", "--show-toplevel")
	if err != nil {
		return "", nil, fmt.Errorf("%s is not in a git work tree; recheck checks the bundle's commit out: %w", root, err)
	}
	if _, err := git(top, "cat-file", "-e", commit+"^{commit}"); err != nil {
		return "", nil, envErr(ErrNoCommit, "the bundle's commit %s is not in this repository; fetch it, then recheck", commit)
	}
	absRoot, _ := filepath.Abs(root)
	if real, err := filepath.EvalSymlinks(absRoot); err == nil {
		absRoot = real
	}
	rel, err := filepath.Rel(top, absRoot)
	if err != nil || strings.HasPrefix(rel, "..") {
		return "", nil, fmt.Errorf("%s is not below the work tree's top %s", root, top)
	}
	tmp, err := os.MkdirTemp("", "taskproof-recheck-")
	if err != nil {
		return "", nil, &envError{kind: ErrGit, msg: err.Error()}
	}
	wt := filepath.Join(tmp, "tree")
	cleanup := func() error {
		_, err := git(top, "worktree", "remove", "--force", wt)
		if rerr := os.RemoveAll(tmp); err == nil && rerr != nil {
			err = rerr
		}
		_, _ = git(top, "worktree", "prune")
		return err
	}
	if _, err := git(top, "worktree", "add", "--detach", "--quiet", wt, commit); err != nil {
		return "", nil, errors.Join(err, cleanup())
	}
	return filepath.Join(wt, rel), cleanup, nil
}
