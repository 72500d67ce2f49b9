package prove

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/taskproof/taskproof/internal/evidence"
	"github.com/taskproof/taskproof/internal/proofstate"
	"github.com/taskproof/taskproof/internal/repo"
	"github.com/taskproof/taskproof/internal/task"
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

// EvidenceSection is a task's evidence as the Markdown section to paste
// into a pull request.
type EvidenceSection struct {
	Markdown []byte
	// Unread names the bundle files this version cannot read, left out of
	// the section; nil when every file was shown.
	Unread error
	// Proven says the evidence proves the task as it is now (verified and
	// fresh).
	Proven bool
}

// EvidenceMarkdown renders the evidence of doc in r, assessed against
// the repository now, with the last tail lines of each console log. A
// task without an id, or without a bundle (wrapping ErrNotProven), is an
// error.
func EvidenceMarkdown(ctx context.Context, r *repo.Repo, doc *task.Document, tail int) (*EvidenceSection, error) {
	if doc.ID == "" {
		return nil, fmt.Errorf("%s has no task id; its evidence is named by the id", doc.Path)
	}
	rel := proofstate.BundleRel(doc.ID)
	path := proofstate.BundlePath(r.Root, doc.ID)
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return nil, &kindError{ErrNotProven, fmt.Errorf("no evidence for %s at %s; run taskproof prove %s", doc.ID, rel, doc.ID)}
	}
	as, _, err := proofstate.RepoAssessor(ctx, r)
	if err != nil {
		return nil, err
	}
	a := as.Assess(doc, nil)
	in, err := NewMarkdownInput(r, a, rel, path, tail)
	if err != nil {
		return nil, err
	}
	md, problems := Markdown(in)
	sec := &EvidenceSection{Markdown: md, Proven: a.State == proofstate.Proven}
	if len(problems) > 0 {
		sec.Unread = fmt.Errorf("%s: %w", rel, errors.Join(problems...))
	}
	return sec, nil
}
