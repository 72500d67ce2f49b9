package proofstate

import (
	"crypto/ed25519"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/taskproof/taskproof/internal/evidence"
	"github.com/taskproof/taskproof/internal/repo"
	"github.com/taskproof/taskproof/internal/trust"
)

// OpenBundle opens the bundle at path within the limits of r's
// taskproof.toml ([evidence]). A file that cannot be opened is err; a
// bundle that cannot be read comes back as the *evidence.VerifyError in
// bad, for the caller to report.
func OpenBundle(r *repo.Repo, path string) (b *evidence.Bundle, bad error, err error) {
	cfg, err := r.Config()
	if err != nil {
		return nil, nil, err
	}
	b, err = evidence.OpenFile(path, evidence.LimitsOf(cfg.Evidence))
	if err != nil && evidence.Problems(err) == nil {
		return nil, nil, fmt.Errorf("read bundle: %w", err)
	}
	return b, err, nil
}

// PubPath is the public key file given (--pub), or else the repository
// root's default one.
func PubPath(given, root string) string {
	if given != "" {
		return given
	}
	return filepath.Join(root, evidence.DefaultPublicKeyFile)
}

// ReadPub reads the public key to verify with (see PubPath), explaining
// how to give one when the default is missing.
func ReadPub(given, root string) (ed25519.PublicKey, error) {
	path := PubPath(given, root)
	key, err := evidence.ReadPublicKeyFile(path)
	if err != nil {
		if given == "" && errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("no public key at %s; pass --pub KEYFILE (the signer's .pub file) or run 'taskproof keygen' to make the repository's pair", path)
		}
		return nil, err
	}
	return key, nil
}

// TrustedKey is the key of the trusted signer that bundle's envelope
// names, when no key file was given; nil otherwise (verify with the given
// key or the repository's own).
func TrustedKey(bundle *evidence.Bundle, pol *trust.Policy, given string) ed25519.PublicKey {
	if given != "" || bundle == nil {
		return nil
	}
	return pol.KeyFor(bundle.ClaimedKeyIDs())
}

// VerifyKey is the key to verify bundle with: the trusted signer's key
// its envelope names when no key file was given (TrustedKey), else the
// key file given or the repository root's default one (ReadPub).
func VerifyKey(bundle *evidence.Bundle, pol *trust.Policy, given, root string) (ed25519.PublicKey, error) {
	if pub := TrustedKey(bundle, pol, given); pub != nil {
		return pub, nil
	}
	return ReadPub(given, root)
}
