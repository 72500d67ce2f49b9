package proofstate

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/taskproof/taskproof/internal/repo"
	"github.com/taskproof/taskproof/internal/scope"
	"github.com/taskproof/taskproof/internal/task"
	"github.com/taskproof/taskproof/internal/trust"
)

// ErrRefused is a status change the evidence (or the lack of a
// successor) does not allow.
var ErrRefused = errors.New("status change refused")

// refusal is a refused status change, with the reasons, one a line.
type refusal struct{ msg string }

func (e *refusal) Error() string        { return e.msg }
func (e *refusal) Is(target error) bool { return target == ErrRefused }

// RequireEvidence returns the task's evidence when it allows the status
// want (Done, In Review), or an error matching ErrRefused naming exactly
// what is missing. src is the task file's content. pol (nil: none) names
// the trusted signers; when it is required, only evidence from a signer
// allowed to set want counts.
func RequireEvidence(ctx context.Context, r *repo.Repo, doc *task.Document, src []byte, want string, pol *trust.Policy) (Assessment, error) {
	refuse := func(why string, reasons []string) error {
		var b strings.Builder
		fmt.Fprintf(&b, "%s cannot be set to %s: %s", doc.ID, want, why)
		for _, s := range reasons {
			b.WriteString("\n  - " + s)
		}
		return &refusal{b.String()}
	}
	if doc.ID == "" {
		return Assessment{}, refuse("the task has no id, so it can have no evidence", nil)
	}
	pub, refused, err := LocalKey(ctx, r.Root)
	if err != nil {
		return Assessment{}, err
	}
	if refused != "" {
		return Assessment{}, refuse("the public key it would be verified with is not the committed one", []string{refused})
	}
	if pub == nil && (pol == nil || len(pol.Signers) == 0) {
		return Assessment{}, refuse("its evidence cannot be verified", []string{NoPublicKeyReason})
	}
	as := NewAssessor(ctx, r, pub).WithPolicy(pol, want)
	// Judge the evidence alone: the header's current claim is what is
	// being decided.
	unclaimed := *doc
	unclaimed.Status.Class = ""
	a := as.Assess(&unclaimed, src)
	switch a.State {
	case Proven:
	case Unproven, Claimed:
		if a.Signer != nil { // verified, proven, but its signer may not set want
			return a, refuse("the evidence is not from a trusted signer", a.Reasons)
		}
		return a, refuse("no evidence", a.Reasons)
	case Stale:
		return a, refuse("the evidence is stale", a.Reasons)
	case Failed:
		return a, refuse("the proof failed", a.Reasons)
	default:
		return a, refuse("the evidence is invalid", append(a.Reasons, "run taskproof prove "+string(doc.ID)+" to replace it"))
	}
	snap, err := as.Snapshot()
	if err != nil {
		return a, err
	}
	ok, err := snap.IsAncestor(a.Commit)
	if err != nil {
		return a, refuse("the evidence cannot be tied to this repository's history", []string{err.Error()})
	}
	if !ok {
		return a, refuse("the evidence is for another history", []string{fmt.Sprintf(
			"%s was made on commit %s, which is neither HEAD (%s) nor one of its ancestors; run taskproof prove %s",
			a.Bundle, scope.ShortHash(a.Commit), scope.ShortHash(snap.Commit()), doc.ID)})
	}
	return a, nil
}

// SupersededStatus returns the status value that makes doc Superseded:
// with by (a task id as typed) "Superseded by BY", else the successor the
// task records. Without one it is an error matching ErrRefused; a bad by
// is an error naming it.
func SupersededStatus(r *repo.Repo, doc *task.Document, canonical, by string) (string, error) {
	if by != "" {
		id, ok := task.ParseID(by)
		if !ok {
			return "", fmt.Errorf("--by %q is not a task id; expected TASK-NNNN or TASK-NNNNB", by)
		}
		if id == doc.ID {
			return "", fmt.Errorf("--by %s: a task cannot supersede itself", id)
		}
		if docs, _ := r.Find(id); len(docs) == 0 {
			cfg, _ := r.Config()
			return "", fmt.Errorf("--by %s: no such task in %s; create the successor first (taskproof new)", id, filepath.Join(r.Root, cfg.Tasks.Dir))
		}
		return SupersededValue(canonical, []task.ID{id}), nil
	}
	ids, fromStatus := Successors(doc)
	switch {
	case len(ids) == 0:
		return "", &refusal{fmt.Sprintf("%s cannot be set to %s without a successor: pass --by TASK-ID, or record it in the header (superseded-by: TASK-ID)", doc.ID, canonical)}
	case fromStatus:
		// The ids live in the status value being replaced: keep them.
		return SupersededValue(canonical, ids), nil
	}
	return canonical, nil
}
