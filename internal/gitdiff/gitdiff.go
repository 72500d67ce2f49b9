// Package gitdiff runs the real git CLI to learn what a change touched: the
// state of the work tree (HEAD, branch, upstream, changed and untracked
// files), the merge base of a base revision and HEAD, the name-status of
// the work tree against it (renames detected), and the unified diff of the
// added lines. It is the only code in taskproof that runs git, every
// command under the caller's context; diffs are parsed by internal/scope.
package gitdiff

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/taskproof/taskproof/internal/scope"
)

// Errors of the environment; every error this package returns for these
// conditions wraps one of them, with a message naming the fix.
var (
	ErrNoGit      = errors.New("git not found")
	ErrNotRepo    = errors.New("not a git repository")
	ErrUnknownRev = errors.New("unknown revision")
	ErrGit        = errors.New("git failed")
)

// Repo is a git work tree.
type Repo struct {
	// Top is the absolute path of the work tree's top level; every path
	// this package returns is relative to it, slash-separated.
	Top string
	// Head is the full id of HEAD when the repository was opened, "" before
	// the first commit.
	Head string
	git  string
}

// Open finds git and the work tree containing dir, and reads HEAD, in one
// git process.
func Open(ctx context.Context, dir string) (*Repo, error) {
	git, err := exec.LookPath("git")
	if err != nil {
		return nil, envErr(ErrNoGit, "git not found on PATH: install git (the scope and hygiene checks run the git CLI)")
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	if st, err := os.Stat(abs); err != nil || !st.IsDir() {
		return nil, envErr(ErrNotRepo, "%s is not a directory; pass --root with the repository's directory", dir)
	}
	r := &Repo{Top: abs, git: git}
	// rev-parse prints the top level first and then HEAD; before the
	// first commit it prints the top level and exits 1.
	out, err := r.run(ctx, "rev-parse", "--show-toplevel", "--verify", "--quiet", "HEAD^{commit}")
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if err != nil && !(exited(err) && exitCode(err) == 1 && len(lines) == 1 && lines[0] != "") {
		var ge *gitError
		if errors.As(err, &ge) && strings.Contains(ge.stderr, "not a git repository") {
			return nil, envErr(ErrNotRepo, "not a git repository: %s (or any parent); run 'git init' there, or pass --root with a git work tree", dir)
		}
		if errors.As(err, &ge) && strings.Contains(ge.stderr, "must be run in a work tree") {
			return nil, envErr(ErrNotRepo, "%s has no work tree (a bare repository?); run taskproof in a checkout", dir)
		}
		return nil, err
	}
	if lines[0] == "" {
		return nil, envErr(ErrNotRepo, "%s has no work tree (a bare repository?); run taskproof in a checkout", dir)
	}
	r.Top = filepath.Clean(lines[0])
	if err == nil && len(lines) > 1 {
		r.Head = strings.TrimSpace(lines[1])
	}
	return r, nil
}

// Base is the resolved base of a comparison.
type Base struct {
	// Rev is the revision as given, or as chosen when none was given.
	Rev string `json:"rev"`
	// How says how Rev was chosen ("given", "upstream", "main", "master",
	// "HEAD", "empty tree").
	How string `json:"how"`
	// MergeBase is the commit (or the empty tree) the work tree is
	// compared with.
	MergeBase string `json:"merge_base"`
}

// ResolveBase picks the base and computes the merge base with HEAD (as
// Open read it). With rev "", the base is the upstream of the current
// branch if it has one, else main, else master, else HEAD itself (only
// uncommitted changes count). In a repository without commits everything
// is new: the base is the empty tree.
func (r *Repo) ResolveBase(ctx context.Context, rev string) (Base, error) {
	if r.Head == "" {
		if rev != "" {
			return Base{}, envErr(ErrUnknownRev, "HEAD has no commit yet, so there is no merge base with '%s'; commit first, or omit --base to compare with the empty tree", rev)
		}
		empty, err := r.run(ctx, "hash-object", "-t", "tree", os.DevNull)
		if err != nil {
			return Base{}, err
		}
		t := strings.TrimSpace(string(empty))
		return Base{Rev: t, How: "empty tree", MergeBase: t}, nil
	}
	b := Base{Rev: rev, How: "given"}
	if rev == "" {
		var err error
		if b, err = r.defaultBase(ctx); err != nil {
			return Base{}, err
		}
	}
	unknown := envErr(ErrUnknownRev, "unknown base revision '%s': fetch it or pass --base with an existing commit", b.Rev)
	if strings.HasPrefix(b.Rev, "-") {
		return Base{}, unknown
	}
	if b.How == "HEAD" {
		b.MergeBase = r.Head
		return b, nil
	}
	// merge-base exits 1 when the two share no history and 128 when the
	// revision does not name a commit.
	out, err := r.run(ctx, "merge-base", "--end-of-options", b.Rev, "HEAD")
	mb := strings.TrimSpace(string(out))
	switch {
	case err != nil && exitCode(err) == 128:
		return Base{}, unknown
	case err != nil && !exited(err):
		return Base{}, err
	case err != nil || mb == "":
		return Base{}, envErr(ErrUnknownRev, "base revision '%s' and HEAD have no common ancestor; pass --base with a commit this branch grew from", b.Rev)
	}
	b.MergeBase = mb
	return b, nil
}

// defaultBase chooses the base when none was given, from one listing of
// the local branches: the current one ("*") with its upstream, and
// whether main and master exist. An upstream whose ref is gone is no base.
func (r *Repo) defaultBase(ctx context.Context) (Base, error) {
	out, err := r.run(ctx, "for-each-ref", "--format=%(HEAD)%00%(refname)%00%(upstream:short)%00%(upstream:track)", "refs/heads")
	if err != nil {
		return Base{}, err
	}
	have := map[string]bool{}
	upstream := ""
	for _, line := range strings.Split(string(out), "\n") {
		f := strings.Split(line, "\x00")
		if len(f) != 4 {
			continue
		}
		have[strings.TrimPrefix(f[1], "refs/heads/")] = true
		if f[0] == "*" && f[2] != "" && f[3] != "[gone]" {
			upstream = f[2]
		}
	}
	if upstream != "" {
		return Base{Rev: upstream, How: "upstream"}, nil
	}
	for _, b := range []string{"main", "master"} {
		if have[b] {
			return Base{Rev: b, How: b}, nil
		}
	}
	return Base{Rev: "HEAD", How: "HEAD"}, nil
}

// Changes lists the files touched between the merge base and the work
// tree (staged and unstaged, renames detected) plus the untracked files
// (from Status), sorted by path.
func (r *Repo) Changes(ctx context.Context, mergeBase string, untracked []string) ([]scope.Change, error) {
	out, err := r.run(ctx, "diff", "--name-status", "-z", "-M", "--no-ext-diff", "--end-of-options", mergeBase, "--")
	if err != nil {
		return nil, err
	}
	cs, err := scope.ParseNameStatus(out)
	if err != nil {
		return nil, fmt.Errorf("%w: parse git diff --name-status: %v", ErrGit, err)
	}
	cs = append(cs, scope.Untracked(untracked)...)
	scope.SortChanges(cs)
	return cs, nil
}

// MaxUntrackedBytes caps how much of an untracked file is read as added
// lines; larger files are skipped (and reported).
const MaxUntrackedBytes = 1 << 20

// Patch is the added-line view of a change.
type Patch struct {
	Files []scope.FileDiff
	// Skipped names untracked files whose content was not read, with why.
	Skipped []string
}

// Patch returns the unified diff (3 lines of context) of the work tree
// against the merge base, plus every untracked text file (from Status) as
// all-added. Rust files get git's rust function-name heading, so hunk
// headers name the enclosing fn.
func (r *Repo) Patch(ctx context.Context, mergeBase string, untracked []string) (*Patch, error) {
	attrs, err := os.CreateTemp("", "taskproof-attributes-*")
	if err != nil {
		return nil, fmt.Errorf("%w: create temporary attributes file: %v", ErrGit, err)
	}
	defer os.Remove(attrs.Name())
	_, werr := io.WriteString(attrs, "*.rs diff=rust\n")
	if cerr := attrs.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		return nil, fmt.Errorf("%w: write temporary attributes file: %v", ErrGit, werr)
	}
	out, err := r.run(ctx, "-c", "core.attributesFile="+attrs.Name(), "-c", "core.quotePath=false",
		"diff", "-U3", "--no-color", "--no-ext-diff", "--no-textconv", "-M",
		"--src-prefix=a/", "--dst-prefix=b/", "--end-of-options", mergeBase, "--")
	if err != nil {
		return nil, err
	}
	files, err := scope.ParseUnifiedDiff(out)
	if err != nil {
		return nil, fmt.Errorf("%w: parse git diff: %v", ErrGit, err)
	}
	p := &Patch{Files: files}
	for _, u := range untracked {
		full := filepath.Join(r.Top, filepath.FromSlash(u))
		st, err := os.Lstat(full)
		switch {
		case err != nil:
			p.Skipped = append(p.Skipped, u+": "+err.Error())
			continue
		case !st.Mode().IsRegular():
			p.Skipped = append(p.Skipped, u+": not a regular file")
			continue
		case st.Size() > MaxUntrackedBytes:
			p.Skipped = append(p.Skipped, fmt.Sprintf("%s: %d bytes, over the %d-byte limit", u, st.Size(), MaxUntrackedBytes))
			continue
		}
		data, err := os.ReadFile(full)
		if err != nil {
			p.Skipped = append(p.Skipped, u+": "+err.Error())
			continue
		}
		if bytes.IndexByte(data[:min(len(data), 8000)], 0) >= 0 {
			p.Files = append(p.Files, scope.FileDiff{Path: u, Binary: true})
			continue
		}
		p.Files = append(p.Files, scope.WholeFile(u, data))
	}
	return p, nil
}

// envError is an environment error whose message stands alone; it
// matches its sentinel with errors.Is.
type envError struct {
	kind error
	msg  string
}

func (e *envError) Error() string { return e.msg }
func (e *envError) Unwrap() error { return e.kind }

func envErr(kind error, format string, a ...any) error {
	return &envError{kind: kind, msg: fmt.Sprintf(format, a...)}
}

// gitError is a failed git command with its stderr.
type gitError struct {
	args   []string
	stderr string
	err    error
}

func (e *gitError) Error() string {
	msg := strings.TrimSpace(e.stderr)
	if msg == "" {
		msg = e.err.Error()
	}
	return fmt.Sprintf("git %s: %s", strings.Join(e.args, " "), firstLine(msg))
}

func (e *gitError) Unwrap() error { return ErrGit }

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// run runs git in the work tree under ctx with a stable, non-interactive
// environment: C locale messages, no pager, no prompts, and no optional
// index lock (a read-only check must not contend with a concurrent git).
// When ctx ends first the error is ctx's.
func (r *Repo) run(ctx context.Context, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, r.git, args...)
	cmd.Dir = r.Top
	cmd.Env = append(os.Environ(), "LC_ALL=C", "LANG=C", "GIT_PAGER=cat", "GIT_TERMINAL_PROMPT=0", "GIT_OPTIONAL_LOCKS=0")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("git %s: %w", args[0], ctx.Err())
		}
		return stdout.Bytes(), &gitError{args: args, stderr: stderr.String(), err: err}
	}
	return stdout.Bytes(), nil
}

// Version is the first line of `git --version` of the git binary this
// repository runs.
func (r *Repo) Version(ctx context.Context) (string, error) {
	out, err := r.run(ctx, "--version")
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(firstLine(string(out))), nil
}

// Files lists the tracked files and the untracked files that are not
// ignored under dir (inside the work tree), relative to dir,
// slash-separated, without duplicates.
func (r *Repo) Files(ctx context.Context, dir string) ([]string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	out, err := r.run(ctx, "-C", abs, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
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

// IsAncestor reports whether commit is head or one of its ancestors. A
// commit unknown to this repository is not an ancestor.
func (r *Repo) IsAncestor(ctx context.Context, commit, head string) (bool, error) {
	if commit == "" || strings.HasPrefix(commit, "-") {
		return false, nil
	}
	_, err := r.run(ctx, "merge-base", "--is-ancestor", "--end-of-options", commit, head)
	if err == nil {
		return true, nil
	}
	if exited(err) {
		// 1: not an ancestor; 128: unknown object. Both mean "not head's".
		return false, nil
	}
	return false, err
}

// exited reports whether err is git having run and exited non-zero (as
// opposed to git failing to start).
func exited(err error) bool {
	var ge *gitError
	var ee *exec.ExitError
	return errors.As(err, &ge) && errors.As(ge.err, &ee)
}

// exitCode is the status git exited with, -1 when it did not exit.
func exitCode(err error) int {
	var ge *gitError
	var ee *exec.ExitError
	if errors.As(err, &ge) && errors.As(ge.err, &ee) {
		return ee.ExitCode()
	}
	return -1
}
