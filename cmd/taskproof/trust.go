package main

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"strings"

	"github.com/taskproof/taskproof/internal/cli"
	"github.com/taskproof/taskproof/internal/evidence"
	"github.com/taskproof/taskproof/internal/proofstate"
	"github.com/taskproof/taskproof/internal/repo"
	"github.com/taskproof/taskproof/internal/trust"
)

// inCI reports whether $CI says the process runs in CI (set, and not
// "false" or "0").
func inCI(env *cli.Env) bool {
	v := strings.ToLower(strings.TrimSpace(env.Getenv("CI")))
	return v != "" && v != "false" && v != "0"
}

// loadPolicy reads the trusted signers of r; force is --require-trusted.
func loadPolicy(ctx context.Context, env *cli.Env, r *repo.Repo, force bool) (*trust.Policy, error) {
	return proofstate.LoadPolicy(ctx, r, inCI(env), force)
}

// requireTrustedUsage is the help of --require-trusted.
const requireTrustedUsage = "accept only evidence from a signer of taskproof.toml allowed to set the status (default: in CI when [[signers]] are configured)"

// collectTrusted refuses, where the policy is required, to collect lanes
// with a key whose signer may not make tasks Done: collect only accepts
// lane results signed by its own key, so that key must be a trusted one.
func collectTrusted(ctx context.Context, env *cli.Env, root string, pub ed25519.PublicKey, keySource string) error {
	pol, err := loadPolicy(ctx, env, repo.Open(root), false)
	if err != nil {
		return err
	}
	if !pol.Required {
		return nil
	}
	if why := pol.Refusal(pol.Judge(evidence.KeyID(pub)), "Done"); why != "" {
		return cli.Findings(fmt.Errorf("the lanes cannot be collected with the key from %s: %s", keySource, why))
	}
	return nil
}
