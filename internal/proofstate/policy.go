package proofstate

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/taskproof/taskproof/internal/config"
	"github.com/taskproof/taskproof/internal/evidence"
	"github.com/taskproof/taskproof/internal/repo"
	"github.com/taskproof/taskproof/internal/trust"
)

// LoadPolicy reads the trusted signers of r's taskproof.toml and their key
// files. ci is whether the process runs in CI ($CI set); force requires
// a trusted signer whatever the configuration says (--require-trusted).
// In a git work tree every signer's key file must be the committed one:
// a key swapped in the work tree (changed, or never committed) is an
// error, so a trusted key is changed only by a commit, which scope sees.
func LoadPolicy(ctx context.Context, r *repo.Repo, ci, force bool) (*trust.Policy, error) {
	cfg, err := r.Config()
	if err != nil {
		return nil, err
	}
	inGit, _ := r.InGit(ctx)
	keys := map[string][]byte{}
	for _, s := range cfg.Signers {
		data, err := r.ReadFile(r.Path(s.Key))
		if err != nil {
			return nil, fmt.Errorf("%s: signer %q: %w (commit its public key there, or fix key =)", config.FileName, s.Name, err)
		}
		if inGit {
			if err := checkCommitted(ctx, r.Root, s.Key); err != nil {
				return nil, fmt.Errorf("%s: signer %q: key %s %w", config.FileName, s.Name, s.Key, err)
			}
		}
		keys[s.Key] = data
	}
	p, err := trust.New(cfg, keys, force || cfg.TrustRequired(ci))
	if err != nil {
		return nil, err
	}
	if p.Required && len(p.Signers) == 0 {
		return nil, fmt.Errorf("a trusted signer is required, but %s names no [[signers]]; add one (name, key, may = [\"Done\", \"In Review\"]) for the key CI signs with", config.FileName)
	}
	return p, nil
}

// errUncommittedKey: the key file differs from HEAD's, or HEAD has none.
var errUncommittedKey = errors.New("is not the committed one: a trusted key changes only through a commit (git checkout it, or commit the change in a task that allows it)")

// checkCommitted fails unless path (root-relative) is tracked and equal to
// its content at HEAD.
func checkCommitted(ctx context.Context, root, path string) error {
	rel := filepath.ToSlash(path)
	if err := exec.CommandContext(ctx, "git", "-C", root, "ls-files", "--error-unmatch", "--", rel).Run(); err != nil {
		return errUncommittedKey
	}
	if err := exec.CommandContext(ctx, "git", "-C", root, "diff", "--quiet", "HEAD", "--", rel).Run(); err != nil {
		return errUncommittedKey
	}
	return nil
}

// verifyKey picks the key to verify b with: the trusted signer's key the
// envelope names, else the repository's own public key (nil: none).
func verifyKey(b *evidence.Bundle, p *trust.Policy, local ed25519.PublicKey) ed25519.PublicKey {
	if k := p.KeyFor(b.ClaimedKeyIDs()); k != nil {
		return k
	}
	return local
}

// localKeySwapped says why the repository's own public key
// (.taskproof/signing.pub under root) may not be used: HEAD has it and
// the work tree's differs (swapped, or the pair deleted and made again
// with keygen). "" when it is HEAD's, or when HEAD has none (nothing
// pins it: such evidence counts only where no signer is required).
func localKeySwapped(ctx context.Context, root string) string {
	rel := evidence.DefaultPublicKeyFile
	committed, err := exec.CommandContext(ctx, "git", "-C", root, "show", "HEAD:./"+rel).Output()
	if err != nil {
		return ""
	}
	now, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(rel)))
	if err == nil && bytes.Equal(now, committed) {
		return ""
	}
	return fmt.Sprintf("%s differs from the one committed at HEAD: evidence counts only with the committed key (git checkout -- %s, or commit the new key in a task whose allowlist names it)", rel, rel)
}

// CollectRefusal says why, where r's trust policy is required, CI lanes'
// results may not be collected with the key pub: collect accepts only
// lane results signed by its own key, so that key's signer must be one
// allowed to make tasks Done. "" when it may. ci is as for LoadPolicy.
func CollectRefusal(ctx context.Context, r *repo.Repo, ci bool, pub ed25519.PublicKey) (string, error) {
	pol, err := LoadPolicy(ctx, r, ci, false)
	if err != nil || !pol.Required {
		return "", err
	}
	return pol.Refusal(pol.Judge(evidence.KeyID(pub)), "Done"), nil
}
