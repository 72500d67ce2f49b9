package repo

import (
	"errors"
	"os"
	"path/filepath"

	"github.com/taskproof/taskproof/internal/lint"
	"github.com/taskproof/taskproof/internal/task"
)

// LintEnv is what the lint rules need of r beyond the documents they
// check: which paths exist, the status vocabulary, the markers the
// contract declares, the canonical harnesses, each document's source and
// every task. extra are documents parsed outside the task list (files
// given by path) whose source the rules may ask for.
//
// skipped is why undeclared-marker cannot run although r has a contract:
// the contract does not load. The rule is then off, as without a
// contract; `taskproof contract lint` reports the contract's own errors.
func (r *Repo) LintEnv(extra ...*task.Document) (env lint.Env, skipped, err error) {
	all, cfg, err := r.TasksAndConfig()
	if err != nil {
		return lint.Env{}, nil, err
	}
	byPath := make(map[string]*task.Document, len(all)+len(extra))
	for _, d := range append(append([]*task.Document{}, all...), extra...) {
		byPath[d.Path] = d
	}
	env = lint.Env{
		PathExists: func(p string) bool {
			fp := filepath.FromSlash(p)
			if !filepath.IsAbs(fp) {
				fp = filepath.Join(r.Root, fp)
			}
			_, err := os.Stat(fp)
			return err == nil
		},
		Vocabulary: cfg.Status.Vocabulary,
		Aliases:    cfg.Status.Aliases,
		Source: func(p string) []byte {
			d, ok := byPath[p]
			if !ok {
				return nil
			}
			b, err := r.Source(d)
			if err != nil {
				return nil
			}
			return b
		},
		Repo: all,
	}
	// Only a repository's own taskproof.toml makes the canonical-harness
	// list a decision: the built-in default would flag every repository's
	// own harness.
	if r.HasConfig() {
		env.CanonicalProof = cfg.Proof.Canonical
	}
	c, err := r.Contract()
	switch {
	case errors.Is(err, ErrNoContract):
	case err != nil:
		skipped = err
	default:
		env.DeclaredMarker = c.Declares
	}
	return env, skipped, nil
}

// Lint checks the task files files (every task when there are none)
// against the template's rules; skipped is as for LintEnv.
func (r *Repo) Lint(files []string) (rep lint.Report, skipped, err error) {
	docs, err := r.Tasks()
	if err != nil {
		return lint.Report{}, nil, err
	}
	if len(files) > 0 {
		docs = nil
		for _, f := range files {
			p, err := r.ResolveFile(f)
			if err != nil {
				return lint.Report{}, nil, err
			}
			d, err := r.ParseFile(p)
			if err != nil {
				return lint.Report{}, nil, err
			}
			docs = append(docs, d)
		}
	}
	env, skipped, err := r.LintEnv(docs...)
	if err != nil {
		return lint.Report{}, nil, err
	}
	ds := lint.Check(docs, env)
	if ds == nil {
		ds = []lint.Diagnostic{}
	}
	return lint.Report{Files: len(docs), Diagnostics: ds, Counts: lint.Count(ds)}, skipped, nil
}
