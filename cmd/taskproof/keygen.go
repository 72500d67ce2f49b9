package main

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/taskproof/taskproof/internal/cli"
	"github.com/taskproof/taskproof/internal/evidence"
)

// keygenOptions are the inputs of `taskproof keygen`.
type keygenOptions struct {
	Root string
	Out  string // PREFIX; "" = ROOT/.taskproof/signing
}

func cmdKeygen(ctx context.Context, env *cli.Env, args []string) error {
	o := keygenOptions{}
	fs := cli.NewFlagSet(env, "keygen", "keygen [--out PREFIX] [--root DIR]")
	fs.RootFlag(&o.Root)
	fs.StringVar(&o.Out, "out", "", "write `PREFIX`.key and PREFIX.pub (default .taskproof/signing under --root)")
	if err := fs.ParseNone(args, "keygen takes no arguments (use --out PREFIX)"); err != nil {
		return err
	}
	return runKeygen(ctx, o, env)
}

// runKeygen writes a new key pair, never replacing an existing file.
func runKeygen(ctx context.Context, o keygenOptions, env *cli.Env) error {
	prefix := o.Out
	if prefix == "" {
		prefix = filepath.Join(o.Root, evidence.DefaultKeyPrefix)
	}
	if strings.HasSuffix(prefix, "/") || strings.HasSuffix(prefix, string(filepath.Separator)) {
		return cli.Usagef("--out %q is a directory; give a prefix such as %s", prefix, filepath.Join(prefix, "signing"))
	}
	if ext := filepath.Ext(prefix); ext == ".key" || ext == ".pub" {
		return cli.Usagef("--out takes a prefix without %s: --out %s writes %s.key and %s.pub",
			ext, strings.TrimSuffix(prefix, ext), strings.TrimSuffix(prefix, ext), strings.TrimSuffix(prefix, ext))
	}
	kp, err := evidence.WriteKeyPair(prefix)
	if errors.Is(err, evidence.ErrKeyExists) {
		return cli.Findings(err)
	}
	if err != nil {
		return cli.Infra(err)
	}
	keyPath, pubPath, ignoreFile := kp.Key, kp.Pub, kp.Ignore
	fmt.Fprintf(env.Stdout, "private key: %s (mode 0600; keep it secret, never commit it)\n", keyPath)
	fmt.Fprintf(env.Stdout, "public key:  %s (commit it; evidence verify reads it)\n", pubPath)
	fmt.Fprintf(env.Stdout, "ignored:     %s lists %s, so git add -A leaves the private key out\n", ignoreFile, filepath.Base(keyPath))
	fmt.Fprintf(env.Stdout, "key id:      %s\n", kp.ID)
	return nil
}
