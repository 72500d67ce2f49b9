package repo

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"sort"
	"strings"

	"github.com/taskproof/taskproof/internal/gitdiff"
	"github.com/taskproof/taskproof/internal/scope"
)

// statePrefix is StateDir as a path prefix.
const statePrefix = StateDir + "/"

// Git returns the git work tree holding the root, opened once (one git
// process, which also reads HEAD). Its errors wrap gitdiff's sentinels
// (no git, not a repository).
func (r *Repo) Git(ctx context.Context) (*gitdiff.Repo, error) {
	if r.git == nil {
		r.git = &gitState{change: map[string]*Change{}}
		r.git.g, r.git.err = gitdiff.Open(ctx, r.Root)
		if r.git.err == nil {
			r.git.prefix, r.git.err = rootPrefix(r.git.g.Top, r.Root)
		}
	}
	if r.git.err != nil {
		return nil, r.git.err
	}
	return r.git.g, nil
}

// InGit reports whether the root is in a git work tree; an error is a git
// failure other than "no git" or "not a repository".
func (r *Repo) InGit(ctx context.Context) (bool, error) {
	_, err := r.Git(ctx)
	if errors.Is(err, gitdiff.ErrNoGit) || errors.Is(err, gitdiff.ErrNotRepo) {
		return false, nil
	}
	return err == nil, err
}

// Head is HEAD when the repository was first asked about git, "" before
// the first commit.
func (r *Repo) Head(ctx context.Context) (string, error) {
	g, err := r.Git(ctx)
	if err != nil {
		return "", err
	}
	return g.Head, nil
}

// Status is the state of the work tree the first time it is asked for,
// then kept: ask for it after whatever may change the tree (a proof run).
func (r *Repo) Status(ctx context.Context) (*gitdiff.Status, error) {
	g, err := r.Git(ctx)
	if err != nil {
		return nil, err
	}
	if r.git.status == nil {
		if r.git.status, err = g.Status(ctx); err != nil {
			return nil, err
		}
	}
	return r.git.status, nil
}

// WorkTree is the commit the work tree is on and whether it has changes
// under the root (taskproof's own state directory left out), as Status
// saw it: for the run history, where a dirty tree's runs are not compared.
// Outside git, or before the first commit, the commit is "".
func (r *Repo) WorkTree(ctx context.Context) (commit string, dirty bool) {
	g, err := r.Git(ctx)
	if err != nil {
		return "", false
	}
	st, err := r.Status(ctx)
	if err != nil {
		return g.Head, g.Head != "" // unknown: never count it as clean
	}
	if st.Head == "" {
		return "", false
	}
	for _, p := range append(append([]string{}, st.Changed...), st.Untracked...) {
		if rel, in := rootRel(r.git.prefix, p); in && !strings.HasPrefix(rel, statePrefix) {
			return st.Head, true
		}
	}
	return st.Head, false
}

// Files lists the files under the root, root-relative and slash-separated,
// sorted, taskproof's state directory left out: in git the tracked files
// and the untracked ones that are not ignored, else every file (a walk
// that skips .git). It is listed once.
func (r *Repo) Files(ctx context.Context) ([]string, error) {
	in, err := r.InGit(ctx)
	if err != nil {
		return nil, err
	}
	if r.git.files != nil {
		return r.git.files, nil
	}
	var paths []string
	if in {
		paths, err = r.git.g.Files(ctx, r.Root)
	} else {
		paths, err = walkFiles(r.Root)
	}
	if err != nil {
		return nil, err
	}
	kept := make([]string, 0, len(paths))
	for _, p := range paths {
		if p != StateDir && !strings.HasPrefix(p, statePrefix) {
			kept = append(kept, p)
		}
	}
	sort.Strings(kept)
	r.git.files = kept
	return kept, nil
}

// Change is the work tree against the merge base of a base revision and
// HEAD, restated relative to the root: changes outside the root belong to
// other projects of the work tree and are left out, and so is the root's
// state directory.
type Change struct {
	Base gitdiff.Base
	r    *Repo

	files   []scope.Change
	state   []scope.Change // Files' changes under the state directory
	patch   []scope.FileDiff
	skipped []string
	patched bool
}

// Change resolves base ("" chooses one; see gitdiff.Repo.ResolveBase)
// against HEAD, once per base. What it lists is the work tree at the
// moment of its first Files or Patch call (the moment of Status): resolve
// early to fail before work, list after the work that may change the tree.
func (r *Repo) Change(ctx context.Context, base string) (*Change, error) {
	g, err := r.Git(ctx)
	if err != nil {
		return nil, err
	}
	if c, ok := r.git.change[base]; ok {
		return c, nil
	}
	b, err := g.ResolveBase(ctx, base)
	if err != nil {
		return nil, err
	}
	c := &Change{Base: b, r: r}
	r.git.change[base] = c
	return c, nil
}

// Files lists the touched files (git's name-status with renames, plus the
// untracked files), root-relative; a rename across the root's edge keeps
// its outside side as a ../ path.
func (c *Change) Files(ctx context.Context) ([]scope.Change, error) {
	if c.files != nil {
		return c.files, nil
	}
	gs := c.r.git
	st, err := c.r.Status(ctx)
	if err != nil {
		return nil, err
	}
	changes, err := gs.g.Changes(ctx, c.Base.MergeBase, st.Untracked)
	if err != nil {
		return nil, err
	}
	out := make([]scope.Change, 0, len(changes))
	for _, ch := range changes {
		p, in := rootRel(gs.prefix, ch.Path)
		op, oldIn := "", false
		if ch.OldPath != "" {
			op, oldIn = rootRel(gs.prefix, ch.OldPath)
		}
		keepNew := in && !strings.HasPrefix(p, statePrefix)
		keepOld := ch.OldPath != "" && oldIn && !strings.HasPrefix(op, statePrefix)
		ch.Path, ch.OldPath = p, op
		if !keepNew && !keepOld {
			if in && strings.HasPrefix(p, statePrefix) {
				c.state = append(c.state, ch)
			}
			continue
		}
		out = append(out, ch)
	}
	c.files = out
	return out, nil
}

// StateFiles lists the touched files under taskproof's state directory,
// which Files leaves out, root-relative: the keys among them decide whose
// evidence counts.
func (c *Change) StateFiles(ctx context.Context) ([]scope.Change, error) {
	if _, err := c.Files(ctx); err != nil {
		return nil, err
	}
	return c.state, nil
}

// Patch is the unified diff of the change, root-relative as Files, and
// the untracked files whose content was not read ("path: why").
func (c *Change) Patch(ctx context.Context) ([]scope.FileDiff, []string, error) {
	if c.patched {
		return c.patch, c.skipped, nil
	}
	gs := c.r.git
	st, err := c.r.Status(ctx)
	if err != nil {
		return nil, nil, err
	}
	p, err := gs.g.Patch(ctx, c.Base.MergeBase, st.Untracked)
	if err != nil {
		return nil, nil, err
	}
	files := make([]scope.FileDiff, 0, len(p.Files))
	for _, f := range p.Files {
		np, in := "", false
		if f.Path != "" {
			np, in = rootRel(gs.prefix, f.Path)
		}
		op, oldIn := "", false
		if f.OldPath != "" {
			op, oldIn = rootRel(gs.prefix, f.OldPath)
		}
		keep := (in && !strings.HasPrefix(np, statePrefix)) || (f.Path == "" && oldIn && !strings.HasPrefix(op, statePrefix))
		if !keep {
			continue
		}
		f.Path, f.OldPath = np, op
		files = append(files, f)
	}
	skipped := []string{}
	for _, s := range p.Skipped {
		if rel, in := rootRel(gs.prefix, s); in && !strings.HasPrefix(rel, statePrefix) {
			skipped = append(skipped, rel)
		}
	}
	c.patch, c.skipped, c.patched = files, skipped, true
	return files, skipped, nil
}

// Untracked lists the untracked files under the root, root-relative, as
// Status saw them.
func (r *Repo) Untracked(ctx context.Context) ([]string, error) {
	st, err := r.Status(ctx)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, p := range st.Untracked {
		if rel, in := rootRel(r.git.prefix, p); in && !strings.HasPrefix(rel, statePrefix) {
			out = append(out, rel)
		}
	}
	return out, nil
}

// rootRel makes a path relative to the git top relative to the root at
// prefix. A path outside the root becomes "../"-relative, which no
// allowlist item matches; inside reports which it was.
func rootRel(prefix, p string) (rel string, inside bool) {
	if strings.HasPrefix(p, prefix) {
		return strings.TrimPrefix(p, prefix), true
	}
	return strings.Repeat("../", strings.Count(prefix, "/")) + p, false
}

// rootPrefix is root's path inside the git work tree ("" at the top,
// "sub/dir/" below it).
func rootPrefix(top, root string) (string, error) {
	a, err := filepath.Abs(root)
	if err != nil {
		return "", err
	}
	if e, err := filepath.EvalSymlinks(a); err == nil {
		a = e
	}
	if e, err := filepath.EvalSymlinks(top); err == nil {
		top = e
	}
	rel, err := filepath.Rel(top, a)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", inputErr(gitdiff.ErrGit, "root %s is outside the git work tree %s", root, top)
	}
	if rel == "." {
		return "", nil
	}
	return filepath.ToSlash(rel) + "/", nil
}

// walkFiles lists the files under root outside git, skipping .git and
// the state directory.
func walkFiles(root string) ([]string, error) {
	var out []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, rerr := filepath.Rel(root, p)
		if rerr != nil {
			return rerr
		}
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if rel != "." && (d.Name() == ".git" || rel == StateDir) {
				return filepath.SkipDir
			}
			return nil
		}
		if d.Type().IsRegular() || d.Type()&fs.ModeSymlink != 0 {
			out = append(out, rel)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list files under %s: %w", root, err)
	}
	return out, nil
}
