package prove

import (
	"context"
	"errors"
	"path/filepath"

	"github.com/taskproof/taskproof/internal/atomicfile"
	"github.com/taskproof/taskproof/internal/repo"
	"github.com/taskproof/taskproof/internal/tasklock"
)

// Selection is which tasks a many-task plan proves: every task of the
// repository, the tasks the change against the base touches, or the
// tasks Names names (ids or task files).
type Selection struct {
	All     bool
	Changed bool
	Names   []string
}

// PlanSelected plans the tasks sel selects in r, bound to the work tree:
// the plan of 'prove --all|--changed|ID...', of 'plan' and of 'evidence
// collect'. An unreadable task or configuration fails before any git work.
func PlanSelected(ctx context.Context, r *repo.Repo, o Options, sel Selection) (*Plan, error) {
	if _, _, err := r.TasksAndConfig(); err != nil {
		return nil, err
	}
	names := sel.Names
	var err error
	switch {
	case sel.All:
		names, err = AllTasks(r)
	case sel.Changed:
		names, err = ChangedTasks(ctx, r, o)
	}
	if err != nil {
		return nil, err
	}
	p, err := NewAll(r, o, names...)
	if err != nil {
		return nil, err
	}
	if err := p.Bind(ctx); err != nil {
		return nil, err
	}
	return p, nil
}

// Lock takes the one-prover-per-task locks of every task p proves (see
// tasklock) for the prover argv: another prover of one of them makes Lock
// fail at once, an error wrapping ErrInfra, or with wait, wait for it
// after calling waiting with why. Holding them, it removes the temporary
// files writers killed mid-write left in the tasks directory.
func (p *Plan) Lock(ctx context.Context, argv []string, wait bool, waiting func(error)) (*tasklock.Lock, error) {
	ids := make([]string, 0, len(p.Tasks))
	for _, tp := range p.Tasks {
		ids = append(ids, string(tp.Doc.ID))
	}
	l, err := tasklock.Acquire(ctx, p.Repo.Root, ids, argv, false)
	if errors.Is(err, tasklock.ErrHeld) && wait {
		waiting(err)
		l, err = tasklock.Acquire(ctx, p.Repo.Root, ids, argv, true)
	}
	if err != nil {
		return nil, &kindError{ErrInfra, err}
	}
	if cfg, err := p.Repo.Config(); err == nil && cfg.Tasks.Dir != "" {
		_, _ = atomicfile.SweepStale(filepath.Join(p.Repo.Root, cfg.Tasks.Dir))
	}
	return l, nil
}
