package proofstate

import (
	"errors"

	"github.com/taskproof/taskproof/internal/gitdiff"
)

// openGit returns the git work tree containing dir, or nil when git is not
// installed or dir is not inside a work tree (the caller then walks the
// directory instead).
func openGit(dir string) (*gitdiff.Repo, error) {
	g, err := gitdiff.Open(dir)
	if errors.Is(err, gitdiff.ErrNoGit) || errors.Is(err, gitdiff.ErrNotRepo) {
		return nil, nil
	}
	return g, err
}
