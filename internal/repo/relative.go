package repo

import (
	"context"
	"path/filepath"
	"strings"
)

// RelativeTo makes file (as the user opens it from the working directory)
// relative to the directory top, slash-separated; a file outside top
// stays as given.
func RelativeTo(top, file string) string {
	abs, err := filepath.Abs(file)
	if err != nil {
		return filepath.ToSlash(file)
	}
	// git prints the top level with symlinks resolved.
	if r, err := filepath.EvalSymlinks(abs); err == nil {
		abs = r
	}
	if t, err := filepath.EvalSymlinks(top); err == nil {
		top = t
	}
	rel, err := filepath.Rel(top, abs)
	if err != nil || strings.HasPrefix(rel, "..") {
		return filepath.ToSlash(file)
	}
	return filepath.ToSlash(rel)
}

// Top is the top level of the git work tree holding the root, or the root
// itself (absolute) outside git.
func (r *Repo) Top(ctx context.Context) string {
	if g, err := r.Git(ctx); err == nil {
		return g.Top
	}
	return abs(r.Root)
}
