package proofstate

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"

	"github.com/taskproof/taskproof/internal/scope"
)

// gitTree runs the git CLI in the repository root (which may be a
// subdirectory of the work tree: git then lists paths relative to it).
type gitTree struct {
	dir string
	git string
}

// openGit returns the git work tree containing dir, or nil when git is not
// installed or dir is not inside a work tree (the caller then walks the
// directory instead).
func openGit(dir string) (*gitTree, error) {
	bin, err := exec.LookPath("git")
	if err != nil {
		return nil, nil
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return nil, fmt.Errorf("%s is not a directory; pass --root with the repository's directory", dir)
	}
	g := &gitTree{dir: dir, git: bin}
	out, err := g.run("rev-parse", "--is-inside-work-tree")
	if err != nil || strings.TrimSpace(string(out)) != "true" {
		return nil, nil
	}
	return g, nil
}

// head is the full id of HEAD, "" before the first commit.
func (g *gitTree) head() (string, error) {
	out, err := g.run("rev-parse", "--verify", "--quiet", "HEAD^{commit}")
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return "", nil // no commit yet
		}
		return "", err
	}
	return strings.TrimSpace(string(out)), nil
}

// files lists tracked files and untracked files that are not ignored,
// under the root, relative to it.
func (g *gitTree) files() ([]string, error) {
	out, err := g.run("ls-files", "-z", "--cached", "--others", "--exclude-standard")
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var paths []string
	for _, p := range scope.ParseNULList(out) {
		if !seen[p] {
			seen[p] = true
			paths = append(paths, p)
		}
	}
	return paths, nil
}

// isAncestor reports whether commit is an ancestor of (or equal to) head.
// A commit unknown to this repository is not an ancestor.
func (g *gitTree) isAncestor(commit, head string) (bool, error) {
	if strings.HasPrefix(commit, "-") || commit == "" {
		return false, nil
	}
	_, err := g.run("merge-base", "--is-ancestor", "--end-of-options", commit, head)
	if err == nil {
		return true, nil
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		// 1: not an ancestor; 128: unknown object. Both mean "not HEAD's".
		return false, nil
	}
	return false, err
}

// run runs git with a stable, non-interactive environment and no optional
// locks (a read-only look must not contend with a concurrent git).
func (g *gitTree) run(args ...string) ([]byte, error) {
	cmd := exec.Command(g.git, args...)
	cmd.Dir = g.dir
	cmd.Env = append(os.Environ(), "LC_ALL=C", "LANG=C", "GIT_PAGER=cat", "GIT_TERMINAL_PROMPT=0", "GIT_OPTIONAL_LOCKS=0")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return stdout.Bytes(), &gitErr{args: args, stderr: strings.TrimSpace(stderr.String()), exit: ee}
		}
		return nil, fmt.Errorf("git %s: %w", strings.Join(args, " "), err)
	}
	return stdout.Bytes(), nil
}

// gitErr is a git command that ran and failed; it unwraps to the
// *exec.ExitError.
type gitErr struct {
	args   []string
	stderr string
	exit   *exec.ExitError
}

func (e *gitErr) Error() string {
	msg := e.stderr
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		msg = msg[:i]
	}
	if msg == "" {
		msg = e.exit.Error()
	}
	return fmt.Sprintf("git %s: %s", strings.Join(e.args, " "), msg)
}

func (e *gitErr) Unwrap() error { return e.exit }
