package main

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/taskproof/taskproof/internal/evidence"
	"github.com/taskproof/taskproof/internal/repo"
	"github.com/taskproof/taskproof/internal/trust"
)

// openEvidenceBundle opens a bundle within the limits of taskproof.toml
// at root ([evidence]). A file that cannot be opened is a usage error
// (exit 2); a bundle that cannot be read comes back as the
// *evidence.VerifyError in bad, for the caller to report.
func openEvidenceBundle(path, root string) (b *evidence.Bundle, bad error, err error) {
	cfg, err := repo.Open(root).Config()
	if err != nil {
		return nil, nil, err
	}
	b, err = evidence.OpenFile(path, evidence.LimitsOf(cfg.Evidence))
	if err != nil && evidence.Problems(err) == nil {
		return nil, nil, fmt.Errorf("read bundle: %w", err)
	}
	return b, err, nil
}

// evidencePubPath is --pub, or the repository's default public key.
func evidencePubPath(pub, root string) string {
	if pub != "" {
		return pub
	}
	return filepath.Join(root, evidence.DefaultPublicKeyFile)
}

// readEvidencePub reads the public key to verify with, explaining how to
// give one when the default is missing.
func readEvidencePub(pub, root string) (ed25519.PublicKey, error) {
	path := evidencePubPath(pub, root)
	key, err := evidence.ReadPublicKeyFile(path)
	if err != nil {
		if pub == "" && errors.Is(err, os.ErrNotExist) {
			return nil, usagef("no public key at %s; pass --pub KEYFILE (the signer's .pub file) or run 'taskproof keygen' to make the repository's pair", path)
		}
		return nil, err
	}
	return key, nil
}

// trustedKey is the trusted signer's key that bundle's envelope names,
// when no --pub was given; nil otherwise (verify with --pub or the
// repository's own key).
func trustedKey(bundle *evidence.Bundle, pol *trust.Policy, pubFlag string) ed25519.PublicKey {
	if pubFlag != "" || bundle == nil {
		return nil
	}
	return pol.KeyFor(bundle.ClaimedKeyIDs())
}

// ---- evidence verify ----

// evidenceOptions are the inputs of `taskproof evidence verify` and
// `evidence show`.
type evidenceOptions struct {
	Root   string
	Format string // text or json
	Bundle string
	Pub    string // public key file; "" = ROOT/.taskproof/signing.pub (show: when it exists)
	Commit string // verify: required commit; "" = any
}

func cmdEvidenceVerify(ctx context.Context, env *cliEnv, args []string) error {
	o := evidenceOptions{}
	fs := newFlagSet(env, "evidence verify", "evidence verify BUNDLE|TASK-ID [--pub KEYFILE] [--commit REV] [--root DIR] [--format text|json]")
	fs.rootFlag(&o.Root)
	fs.formatFlag(&o.Format, "text", "json")
	fs.StringVar(&o.Pub, "pub", "", "public key `KEYFILE` (default .taskproof/signing.pub under --root)")
	fs.StringVar(&o.Commit, "commit", "", "require evidence for the commit `REV` names (a hash, HEAD, a branch or tag)")
	pos, err := fs.parse(args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("want exactly one argument, the bundle file or task; usage: taskproof evidence verify BUNDLE|TASK-ID [--pub KEYFILE]")
	}
	if o.Bundle, err = bundleArg(env, o.Root, pos[0]); err != nil {
		return err
	}
	if o.Commit, err = commitArg(ctx, env, o.Root, o.Commit); err != nil {
		return err
	}
	return runEvidenceVerify(ctx, o, env)
}

// runEvidenceVerify verifies o.Bundle and reports the outcome.
func runEvidenceVerify(ctx context.Context, o evidenceOptions, env *cliEnv) error {
	if err := checkFormat(o.Format, "text", "json"); err != nil {
		return err
	}
	bundle, bad, err := openEvidenceBundle(o.Bundle, o.Root)
	if err != nil {
		return err
	}
	pol, err := loadPolicy(ctx, env, repo.Open(o.Root), false)
	if err != nil {
		return err
	}
	pub := trustedKey(bundle, pol, o.Pub)
	if pub == nil {
		if pub, err = readEvidencePub(o.Pub, o.Root); err != nil {
			return err
		}
	}
	res, err := evidence.NewVerifyReport(o.Bundle, bundle, bad, pub, evidence.VerifyOptions{Commit: o.Commit})
	if err != nil {
		return err
	}
	if res.Valid {
		j := pol.Judge(res.KeyID)
		res.SignedBy = &j
	}
	if o.Format != "json" && !res.Valid {
		for _, p := range res.Problems {
			fmt.Fprintf(env.stderr, "taskproof evidence verify: %s: INVALID (%s): %s\n", o.Bundle, p.Reason, p.Message)
		}
	}
	if err := writeOutput(env.stdout, o.Format, res, res.Text); err != nil {
		return err
	}
	if !res.Valid {
		return silent(errFindings)
	}
	return nil
}

// ---- evidence show ----

func cmdEvidenceShow(ctx context.Context, env *cliEnv, args []string) error {
	o := evidenceOptions{}
	fs := newFlagSet(env, "evidence show", "evidence show BUNDLE|TASK-ID [--pub KEYFILE] [--root DIR] [--format text|json]")
	fs.rootFlag(&o.Root)
	fs.formatFlag(&o.Format, "text", "json")
	fs.StringVar(&o.Pub, "pub", "", "check the signature with public key `KEYFILE` (default .taskproof/signing.pub under --root, if present)")
	pos, err := fs.parse(args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("want exactly one argument, the bundle file or task; usage: taskproof evidence show BUNDLE|TASK-ID")
	}
	if o.Bundle, err = bundleArg(env, o.Root, pos[0]); err != nil {
		return err
	}
	return runEvidenceShow(ctx, o, env)
}

// runEvidenceShow prints a bundle, verifying it when a key is available.
func runEvidenceShow(ctx context.Context, o evidenceOptions, env *cliEnv) error {
	if err := checkFormat(o.Format, "text", "json"); err != nil {
		return err
	}
	bundle, bad, err := openEvidenceBundle(o.Bundle, o.Root)
	if err != nil {
		return err
	}
	if bad != nil {
		return fmt.Errorf("%s: %w", o.Bundle, bad)
	}
	pol, err := loadPolicy(ctx, env, repo.Open(o.Root), false)
	if err != nil {
		return err
	}
	keyPath := evidencePubPath(o.Pub, o.Root)
	pub := trustedKey(bundle, pol, o.Pub)
	if s, ok := pol.Signer(evidence.KeyID(pub)); ok && pub != nil {
		keyPath = filepath.Join(o.Root, filepath.FromSlash(s.KeyFile))
	} else if _, statErr := os.Stat(keyPath); o.Pub != "" || statErr == nil {
		if pub, err = readEvidencePub(o.Pub, o.Root); err != nil {
			return err
		}
	}
	res, err := evidence.NewShowReport(o.Bundle, bundle, pub, keyPath)
	if err != nil {
		return err
	}
	if res.Signature.Status == "valid" {
		j := pol.Judge(res.Signature.KeyID)
		res.SignedBy = &j
	}
	if err := writeOutput(env.stdout, o.Format, res, res.Text); err != nil {
		return err
	}
	if res.Signature.Status == "invalid" {
		return silent(errFindings)
	}
	return nil
}
