package evidence

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/taskproof/taskproof/internal/atomicfile"
)

// ErrKeyExists says a file of a new key pair exists already; a key pair
// is never replaced.
var ErrKeyExists = errors.New("key file exists")

// KeyPair is where WriteKeyPair wrote a new pair.
type KeyPair struct {
	Key, Pub string // the private and the public key file
	Ignore   string // the .gitignore that lists the private key
	ID       string // the key id (KeyID)
}

// WriteKeyPair generates a key pair and writes prefix.key (mode 0600) and
// prefix.pub, each created, never replaced: an existing file is an error
// wrapping ErrKeyExists and leaves nothing written. The private key is
// then listed in the .gitignore beside it.
func WriteKeyPair(prefix string) (KeyPair, error) {
	kp := KeyPair{Key: prefix + ".key", Pub: prefix + ".pub"}
	exists := func(existing string) error {
		return keyExistsError(fmt.Sprintf("%s already exists; refusing to overwrite it (evidence signed with the old key would no longer verify). "+
			"Keep the existing pair, pass --out PREFIX for a new one, or delete %s and %s first to replace it",
			existing, kp.Key, kp.Pub))
	}
	for _, p := range []string{kp.Key, kp.Pub} {
		if _, err := os.Lstat(p); err == nil {
			return kp, exists(p)
		}
	}
	if err := os.MkdirAll(filepath.Dir(prefix), 0o700); err != nil {
		return kp, fmt.Errorf("create key directory: %w", err)
	}
	pub, priv, err := GenerateKey()
	if err != nil {
		return kp, err
	}
	privPEM, err := MarshalPrivateKey(priv)
	if err != nil {
		return kp, err
	}
	pubPEM, err := MarshalPublicKey(pub)
	if err != nil {
		return kp, err
	}
	if err := atomicfile.Create(kp.Key, privPEM, 0o600); err != nil {
		if errors.Is(err, os.ErrExist) {
			return kp, exists(kp.Key)
		}
		return kp, err
	}
	if err := atomicfile.Create(kp.Pub, pubPEM, 0o644); err != nil {
		// Leave no half pair behind: the private key is useless without it.
		os.Remove(kp.Key)
		if errors.Is(err, os.ErrExist) {
			return kp, exists(kp.Pub)
		}
		return kp, err
	}
	kp.ID = KeyID(pub)
	if kp.Ignore, _, err = IgnoreKey(kp.Key); err != nil {
		return kp, fmt.Errorf("wrote %s but could not make git ignore it: %w; add /%s to %s by hand", kp.Key, err, filepath.Base(kp.Key), kp.Ignore)
	}
	return kp, nil
}

// keyExistsError is the message of an ErrKeyExists error, alone.
type keyExistsError string

func (e keyExistsError) Error() string        { return string(e) }
func (e keyExistsError) Is(target error) bool { return target == ErrKeyExists }

// KeyPrefix is the prefix a new key pair is written to: out (--out), or
// the repository root's DefaultKeyPrefix when out is "". A directory or a
// name ending in .key or .pub is an error that shows the prefix meant.
func KeyPrefix(out, root string) (string, error) {
	prefix := out
	if prefix == "" {
		prefix = filepath.Join(root, DefaultKeyPrefix)
	}
	if strings.HasSuffix(prefix, "/") || strings.HasSuffix(prefix, string(filepath.Separator)) {
		return "", fmt.Errorf("--out %q is a directory; give a prefix such as %s", prefix, filepath.Join(prefix, "signing"))
	}
	if ext := filepath.Ext(prefix); ext == ".key" || ext == ".pub" {
		base := strings.TrimSuffix(prefix, ext)
		return "", fmt.Errorf("--out takes a prefix without %s: --out %s writes %s.key and %s.pub", ext, base, base, base)
	}
	return prefix, nil
}
