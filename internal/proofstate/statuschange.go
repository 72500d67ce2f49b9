package proofstate

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"github.com/taskproof/taskproof/internal/repo"
	"github.com/taskproof/taskproof/internal/scope"
	"github.com/taskproof/taskproof/internal/task"
	"github.com/taskproof/taskproof/internal/trust"
)

// StatusRequest is a status change as typed: 'taskproof status set'.
type StatusRequest struct {
	Task   string // id, or a path to a task file
	Status string // a status of the vocabulary, or an alias
	By     string // successor of a Superseded task, "" for the recorded one
	// Policy loads the trust policy (LoadPolicy); called only for a status
	// that needs evidence.
	Policy func() (*trust.Policy, error)
}

// StatusChange is the status line of a task set anew: what 'status set'
// writes and says.
type StatusChange struct {
	Doc   *task.Document
	Path  string // the task file
	From  string // the status before, "(empty)" when there was none
	Value string // the status value set
	Src   []byte // the task file as it is
	Out   []byte // the task file with the new status line
	// Proof is the evidence that allows Done or In Review, nil for any
	// other status.
	Proof *Assessment
}

// Unchanged reports whether the task file already says Value.
func (c *StatusChange) Unchanged() bool { return bytes.Equal(c.Out, c.Src) }

// Text is what 'status set' says once the change is written: the status
// before and after (or that it already was), and the evidence that
// allowed it with its signer.
func (c *StatusChange) Text() []byte {
	var b bytes.Buffer
	d := c.Doc
	if c.Unchanged() {
		fmt.Fprintf(&b, "%s: status is already %q (%s:%d); nothing written\n", d.ID, c.Value, d.Path, d.Status.Line)
	} else {
		fmt.Fprintf(&b, "%s: status %q -> %q (%s:%d)\n", d.ID, c.From, c.Value, d.Path, d.Status.Line)
	}
	if p := c.Proof; p != nil {
		fmt.Fprintf(&b, "proven by %s (commit %s, %s)\n", p.Bundle, scope.ShortHash(p.Commit), p.Digest)
		if p.Signer != nil {
			fmt.Fprintf(&b, "signed by %s\n", p.Signer)
		}
	}
	return b.Bytes()
}

// ChangeStatus decides the status change q asks for in r: the status
// must be in the configured vocabulary, Done and In Review need evidence
// that RequireEvidence accepts under the trust policy, Superseded needs
// a successor (SupersededStatus). Nothing is written; an error says why
// not (ErrRefused when the evidence or successor is missing).
func ChangeStatus(ctx context.Context, r *repo.Repo, q StatusRequest) (*StatusChange, error) {
	_, cfg, err := r.TasksAndConfig()
	if err != nil {
		return nil, err
	}
	want, ok := CanonicalStatus(q.Status, cfg.Status.Vocabulary, cfg.Status.Aliases)
	if !ok {
		return nil, fmt.Errorf("unknown status %q; use one of: %s", q.Status, strings.Join(cfg.Status.Vocabulary, ", "))
	}
	doc, err := r.Task(q.Task)
	if err != nil {
		return nil, err
	}
	src, err := r.Source(doc)
	if err != nil {
		return nil, err
	}
	if q.By != "" && want != "Superseded" {
		return nil, fmt.Errorf("--by names the successor of a Superseded task; it does not apply to %s", want)
	}
	c := &StatusChange{Doc: doc, Path: r.File(doc), From: doc.Status.Raw, Value: want, Src: src}
	if c.From == "" {
		c.From = "(empty)"
	}
	switch want {
	case "Done", "In Review":
		pol, err := q.Policy()
		if err != nil {
			return nil, err
		}
		a, err := RequireEvidence(ctx, r, doc, src, want, pol)
		if err != nil {
			return nil, err
		}
		c.Proof = &a
	case "Superseded":
		if c.Value, err = SupersededStatus(r, doc, want, q.By); err != nil {
			return nil, err
		}
	}
	if c.Out, err = SetStatus(src, doc, c.Value); err != nil {
		return nil, err
	}
	return c, nil
}
