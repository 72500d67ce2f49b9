package main

import (
	"context"

	"github.com/taskproof/taskproof/internal/cli"
	"github.com/taskproof/taskproof/internal/proofstate"
	"github.com/taskproof/taskproof/internal/repo"
	"github.com/taskproof/taskproof/internal/trust"
)

// loadPolicy reads the trusted signers of r; force is --require-trusted.
func loadPolicy(ctx context.Context, env *cli.Env, r *repo.Repo, force bool) (*trust.Policy, error) {
	return proofstate.LoadPolicy(ctx, r, cli.InCI(env), force)
}

// requireTrustedUsage is the help of --require-trusted.
const requireTrustedUsage = "accept only evidence from a signer of taskproof.toml allowed to set the status (default: in CI when [[signers]] are configured)"
