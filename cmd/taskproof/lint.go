package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/taskproof/taskproof/internal/cli"
	"github.com/taskproof/taskproof/internal/config"
	"github.com/taskproof/taskproof/internal/lint"
	"github.com/taskproof/taskproof/internal/repo"
	"github.com/taskproof/taskproof/internal/sarif"
	"github.com/taskproof/taskproof/internal/task"
)

// lintOptions are the inputs of `taskproof lint`.
type lintOptions struct {
	Root string
	findingFlags
	Rules bool     // document the rules instead of linting
	Files []string // task files to check; empty means every task
}

func cmdLint(ctx context.Context, env *cli.Env, args []string) error {
	o := lintOptions{}
	fs := cli.NewFlagSet(env, "lint", "lint [FILES...] [--root DIR] [--format text|json|sarif|github|gitlab] [--rules] [--exit-zero]")
	fs.RootFlag(&o.Root)
	o.register(fs)
	fs.BoolVar(&o.Rules, "rules", false, "print the documented rules and exit")
	pos, err := fs.Parse(args)
	if err != nil {
		return err
	}
	if !o.Rules {
		if err := o.resolve(env, fs); err != nil {
			return err
		}
	}
	o.Files = pos
	return runLint(ctx, o, env)
}

// runLint lints the repository (or the given files) and writes the
// findings. It returns an cli.ErrFindings error when there are
// error-severity findings.
func runLint(ctx context.Context, o lintOptions, env *cli.Env) error {
	if err := cli.CheckFormat(o.Format, findingFormats...); err != nil {
		return err
	}
	if o.Rules {
		switch o.Format {
		case "json":
			return lint.WriteRulesJSON(env.Stdout)
		case "sarif", "github", "gitlab":
			return cli.Usagef("--rules prints text or json; the SARIF output already carries the rules")
		}
		return lint.WriteRulesText(env.Stdout)
	}
	r, cfg, all, err := openTasks(env, o.Root)
	if err != nil {
		return err
	}
	// byPath finds a document's source for the text-based rules.
	byPath := make(map[string]*task.Document, len(all))
	for _, d := range all {
		byPath[d.Path] = d
	}
	docs := all
	if len(o.Files) > 0 {
		docs = nil
		for _, f := range o.Files {
			p, err := r.ResolveFile(f)
			if err != nil {
				return err
			}
			d, err := r.ParseFile(p)
			if err != nil {
				return err
			}
			byPath[d.Path] = d
			docs = append(docs, d)
		}
	}
	lenv := lint.Env{
		PathExists: func(p string) bool {
			fp := filepath.FromSlash(p)
			if !filepath.IsAbs(fp) {
				fp = filepath.Join(r.Root, fp)
			}
			_, err := os.Stat(fp)
			return err == nil
		},
		Vocabulary:     cfg.Status.Vocabulary,
		Aliases:        cfg.Status.Aliases,
		DeclaredMarker: declaredMarkers(env, r),
		CanonicalProof: canonicalProof(r, cfg),
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
	ds := lint.Check(docs, lenv)
	l := sarif.Log{Prefix: cli.RepoPrefix(r.Root), Category: "lint", Rules: lint.SARIFRules(), Results: lint.SARIFResults(ds)}
	text := func() []byte {
		var b bytes.Buffer
		lint.WriteText(&b, ds)
		return b.Bytes()
	}
	rep := lint.Report{Files: len(docs), Diagnostics: ds, Counts: lint.Count(ds)}
	if rep.Diagnostics == nil {
		rep.Diagnostics = []lint.Diagnostic{}
	}
	err = o.write(env, l, rep, text, rep.Counts.Error > 0)
	fmt.Fprintf(env.Stderr, "taskproof lint: %s\n", lint.Summary(len(docs), ds))
	return err
}

// canonicalProof is the canonical-harness list for non-canonical-proof:
// only a repository's own taskproof.toml makes that list a decision; the
// built-in default would flag every repository's own harness.
func canonicalProof(r *repo.Repo, cfg *config.Config) []string {
	if !r.HasConfig() {
		return nil
	}
	return cfg.Proof.Canonical
}

// declaredMarkers returns the marker contract's "is this marker declared"
// test for the undeclared-marker rule, or nil when the repository has no
// contract file (the rule then does not run). A contract that exists but
// does not load is reported on stderr and the rule is skipped: lint checks
// tasks; `taskproof contract lint` is where the contract's own errors belong.
func declaredMarkers(env *cli.Env, r *repo.Repo) func(string) bool {
	c, err := r.Contract()
	if errors.Is(err, repo.ErrNoContract) {
		return nil
	}
	if err != nil {
		fmt.Fprintf(env.Stderr, "taskproof lint: warning: undeclared-marker skipped: %v (run 'taskproof contract lint')\n", err)
		return nil
	}
	return c.Declares
}
