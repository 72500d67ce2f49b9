package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/taskproof/taskproof/internal/atomicfile"
	"github.com/taskproof/taskproof/internal/evidence"
)

// keygenOptions are the inputs of `taskproof keygen`.
type keygenOptions struct {
	Root string
	Out  string // PREFIX; "" = ROOT/.taskproof/signing
}

func cmdKeygen(ctx context.Context, env *cliEnv, args []string) error {
	o := keygenOptions{}
	fs := newFlagSet(env, "keygen", "keygen [--out PREFIX] [--root DIR]")
	fs.rootFlag(&o.Root)
	fs.StringVar(&o.Out, "out", "", "write `PREFIX`.key and PREFIX.pub (default .taskproof/signing under --root)")
	if err := fs.parseNone(args, "keygen takes no arguments (use --out PREFIX)"); err != nil {
		return err
	}
	return runKeygen(ctx, o, env)
}

// runKeygen writes a new key pair, never replacing an existing file.
func runKeygen(ctx context.Context, o keygenOptions, env *cliEnv) error {
	prefix := o.Out
	if prefix == "" {
		prefix = filepath.Join(o.Root, evidence.DefaultKeyPrefix)
	}
	if strings.HasSuffix(prefix, "/") || strings.HasSuffix(prefix, string(filepath.Separator)) {
		return usagef("--out %q is a directory; give a prefix such as %s", prefix, filepath.Join(prefix, "signing"))
	}
	if ext := filepath.Ext(prefix); ext == ".key" || ext == ".pub" {
		return usagef("--out takes a prefix without %s: --out %s writes %s.key and %s.pub",
			ext, strings.TrimSuffix(prefix, ext), strings.TrimSuffix(prefix, ext), strings.TrimSuffix(prefix, ext))
	}
	keyPath, pubPath := prefix+".key", prefix+".pub"
	for _, p := range []string{keyPath, pubPath} {
		if _, err := os.Lstat(p); err == nil {
			return keygenExistsError(p, keyPath, pubPath)
		}
	}
	if err := os.MkdirAll(filepath.Dir(prefix), 0o700); err != nil {
		return infra(fmt.Errorf("create key directory: %w", err))
	}
	pub, priv, err := evidence.GenerateKey()
	if err != nil {
		return infra(err)
	}
	privPEM, err := evidence.MarshalPrivateKey(priv)
	if err != nil {
		return infra(err)
	}
	pubPEM, err := evidence.MarshalPublicKey(pub)
	if err != nil {
		return infra(err)
	}
	if err := atomicfile.Create(keyPath, privPEM, 0o600); err != nil {
		if errors.Is(err, os.ErrExist) {
			return keygenExistsError(keyPath, keyPath, pubPath)
		}
		return infra(err)
	}
	if err := atomicfile.Create(pubPath, pubPEM, 0o644); err != nil {
		// Leave no half pair behind: the private key is useless without it.
		os.Remove(keyPath)
		if errors.Is(err, os.ErrExist) {
			return keygenExistsError(pubPath, keyPath, pubPath)
		}
		return infra(err)
	}
	ignoreFile, _, err := evidence.IgnoreKey(keyPath)
	if err != nil {
		return infra(fmt.Errorf("wrote %s but could not make git ignore it: %w; add /%s to %s by hand", keyPath, err, filepath.Base(keyPath), ignoreFile))
	}
	fmt.Fprintf(env.stdout, "private key: %s (mode 0600; keep it secret, never commit it)\n", keyPath)
	fmt.Fprintf(env.stdout, "public key:  %s (commit it; evidence verify reads it)\n", pubPath)
	fmt.Fprintf(env.stdout, "ignored:     %s lists %s, so git add -A leaves the private key out\n", ignoreFile, filepath.Base(keyPath))
	fmt.Fprintf(env.stdout, "key id:      %s\n", evidence.KeyID(pub))
	return nil
}

// keygenExistsError refuses to replace a key file, saying how to proceed.
func keygenExistsError(existing, keyPath, pubPath string) error {
	return findings(fmt.Errorf(
		"%s already exists; refusing to overwrite it (evidence signed with the old key would no longer verify). "+
			"Keep the existing pair, pass --out PREFIX for a new one, or delete %s and %s first to replace it",
		existing, keyPath, pubPath))
}
