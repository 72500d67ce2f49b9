package prove

import (
	"context"
	"errors"
	"path/filepath"
	"sort"
	"strings"

	"github.com/taskproof/taskproof/internal/dod"
	"github.com/taskproof/taskproof/internal/proofstate"
	"github.com/taskproof/taskproof/internal/repo"
	"github.com/taskproof/taskproof/internal/task"
)

// Left is a task a many-task plan leaves out, and why.
type Left struct {
	Task *task.Document
	// NoProof is true when the task lists no proof command: nothing to
	// prove, which is not an error of the task.
	NoProof bool
	Err     error
}

// NewAll plans the tasks named by args and leaves out, with the reason,
// the ones that cannot run (a refused Definition of Done, an undeclared
// marker), so that one task does not stop the proof of the others.
func NewAll(r *repo.Repo, o Options, args ...string) (*Plan, error) {
	return plan(r, o, args, func(p *Plan, arg string, err error) error {
		var refused *RefusedError
		if errors.As(err, &refused) {
			noProof := len(refused.Problems) == 1 && refused.Problems[0].Rule == dod.RuleNoProof
			p.Left = append(p.Left, Left{Task: refused.Task, NoProof: noProof, Err: err})
			return nil
		}
		doc, derr := r.Task(arg)
		if derr != nil {
			return err // the task itself does not resolve
		}
		p.Left = append(p.Left, Left{Task: doc, Err: err})
		return nil
	})
}

// AllTasks names every task of the repository, in file order.
func AllTasks(r *repo.Repo) ([]string, error) {
	docs, err := r.Tasks()
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(docs))
	for _, d := range docs {
		out = append(out, d.Path)
	}
	return out, nil
}

// ChangedTasks names the tasks a change against base touches: a changed
// file their allowlist covers, their own file, the contract (for a task
// that requires markers or runs a QEMU command), or a file their proof
// commands name. The change is git's view of base...work tree, untracked
// files included.
func ChangedTasks(ctx context.Context, r *repo.Repo, o Options) ([]string, error) {
	c, err := r.Change(ctx, o.Base)
	if err != nil {
		return nil, err
	}
	changes, err := c.Files(ctx)
	if err != nil {
		return nil, err
	}
	changed := map[string]bool{}
	var paths []string
	for _, ch := range changes {
		for _, p := range []string{ch.Path, ch.OldPath} {
			if p != "" && !changed[p] {
				changed[p] = true
				paths = append(paths, p)
			}
		}
	}
	sort.Strings(paths)
	docs, err := r.Tasks()
	if err != nil {
		return nil, err
	}
	cfg, err := r.Config()
	if err != nil {
		return nil, err
	}
	contract := filepath.ToSlash(filepath.Clean(cfg.Proof.Contract))
	var out []string
	for _, d := range docs {
		if touches(r, d, paths, changed, contract, cfg.Proof.Canonical) {
			out = append(out, d.Path)
		}
	}
	return out, nil
}

func touches(r *repo.Repo, d *task.Document, paths []string, changed map[string]bool, contract string, canonical []string) bool {
	if changed[filepath.ToSlash(d.Path)] || len(proofstate.AllowlistedPaths(d, paths, nil)) > 0 {
		return true
	}
	plan, _ := dod.NewPlan(d, canonical)
	if plan == nil {
		return false
	}
	usesContract := len(plan.Markers) > 0
	for _, s := range plan.Steps {
		usesContract = usesContract || s.Runner != dod.RunnerTests
		for _, name := range commandFiles(r, &Step{Step: s}) {
			if changed[name] {
				return true
			}
		}
	}
	if usesContract && changed[contract] {
		return true
	}
	// A contract split over files ([include]) lives under its directory.
	if usesContract {
		dir := filepath.ToSlash(filepath.Dir(contract)) + "/"
		for _, p := range paths {
			if dir != "./" && strings.HasPrefix(p, dir) {
				return true
			}
		}
	}
	return false
}
