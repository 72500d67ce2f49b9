package proofstate

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/taskproof/taskproof/internal/board"
	"github.com/taskproof/taskproof/internal/config"
	"github.com/taskproof/taskproof/internal/repo"
	"github.com/taskproof/taskproof/internal/task"
)

// PolicyOptions say how strictly the trust policy applies: CI is whether
// the process runs in CI ($CI set), RequireTrusted is --require-trusted
// (see LoadPolicy).
type PolicyOptions struct {
	CI, RequireTrusted bool
}

// assessor is an Assessor of r's tasks under r's trust policy, verifying
// with the repository's own public key (the committed one, LocalKey)
// where no trusted signer's applies.
func assessor(ctx context.Context, r *repo.Repo, po PolicyOptions) (*Assessor, bool, error) {
	as, _, err := RepoAssessor(ctx, r)
	if err != nil {
		return nil, false, err
	}
	pol, err := LoadPolicy(ctx, r, po.CI, po.RequireTrusted)
	if err != nil {
		return nil, false, err
	}
	return as.WithPolicy(pol, ""), len(pol.Signers) > 0, nil
}

// Board is the status board of r: its tasks in the groups of its
// taskproof.toml, each counted proven by its evidence as the trust policy
// judges it. With [[signers]] configured a task's summary also says who
// signed its evidence; without, every bundle is self-signed and it would
// say nothing.
func Board(ctx context.Context, r *repo.Repo, po PolicyOptions) (*board.Board, error) {
	docs, cfg, err := r.TasksAndConfig()
	if err != nil {
		return nil, err
	}
	specs, err := board.GroupsFromConfig(cfg.Groups)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(r.Root, config.FileName), err)
	}
	as, signers, err := assessor(ctx, r, po)
	if err != nil {
		return nil, err
	}
	return board.BuildWithProof(docs, specs, func(d *task.Document) board.Proof {
		a := as.Assess(d, nil)
		summary := a.Summary
		if signers && a.Signer != nil {
			summary += "; " + a.Signer.Summary("Done")
		}
		return board.Proof{State: string(a.State), Summary: summary, Claims: a.Claims}
	}), nil
}

// Show is every task of r that arg names (an id, more than one when ids
// are duplicated, or a task file) with its evidence state; no such task
// wraps repo.ErrNoTask.
func Show(ctx context.Context, r *repo.Repo, arg string, po PolicyOptions) ([]ShownDoc, error) {
	docs, err := r.Lookup(arg)
	if err != nil {
		return nil, err
	}
	as, _, err := assessor(ctx, r, po)
	if err != nil {
		return nil, err
	}
	shown := make([]ShownDoc, len(docs))
	for i, d := range docs {
		shown[i] = ShownDoc{Document: d, Proof: as.Assess(d, nil)}
	}
	return shown, nil
}
