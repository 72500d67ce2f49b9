package prove

import (
	"fmt"

	"github.com/taskproof/taskproof/internal/evidence"
	"github.com/taskproof/taskproof/internal/proofstate"
	"github.com/taskproof/taskproof/internal/repo"
)

// NewMarkdownInput is what Markdown renders of the task bundle at rel in
// r, assessed as a: the verified bundle, or else what the bundle claims,
// read within the same limits. A bundle that cannot be read wraps
// ErrNotProven.
func NewMarkdownInput(r *repo.Repo, a proofstate.Assessment, rel, path string, tail int) (MarkdownInput, error) {
	in := MarkdownInput{Bundle: rel, Assessment: a, Tail: tail}
	if v := a.Verified; v != nil {
		in.Digest, in.Predicate, in.Open = v.Digest, v.Predicate, v.Open
		return in, nil
	}
	b, err := evidence.OpenFile(path, proofstate.BundleLimits(r))
	var c *evidence.Contents
	if err == nil {
		c, err = b.Contents()
	}
	if err != nil {
		return in, &kindError{ErrNotProven, fmt.Errorf("%s is not a readable bundle: %w", rel, err)}
	}
	in.Digest, in.Predicate, in.Open = b.Digest, c.Statement.Predicate, b.Open
	return in, nil
}
