package main

import (
	"context"
	"strings"

	"github.com/taskproof/taskproof/internal/proofstate"
	"github.com/taskproof/taskproof/internal/repo"
	"github.com/taskproof/taskproof/internal/trust"
)

// inCI reports whether $CI says the process runs in CI (set, and not
// "false" or "0").
func inCI(env *cliEnv) bool {
	v := strings.ToLower(strings.TrimSpace(env.getenv("CI")))
	return v != "" && v != "false" && v != "0"
}

// loadPolicy reads the trusted signers of r; force is --require-trusted.
func loadPolicy(ctx context.Context, env *cliEnv, r *repo.Repo, force bool) (*trust.Policy, error) {
	return proofstate.LoadPolicy(ctx, r, inCI(env), force)
}

// requireTrustedUsage is the help of --require-trusted.
const requireTrustedUsage = "accept only evidence from a signer of taskproof.toml allowed to set the status (default: in CI when [[signers]] are configured)"
