package main

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"

	"github.com/taskproof/taskproof/internal/cli"
	"github.com/taskproof/taskproof/internal/evidence"
)

// keygenOptions are the inputs of `taskproof keygen`.
type keygenOptions struct {
	Root string
	Out  string // PREFIX; "" = ROOT/.taskproof/signing
}

// cmdKeygen writes a new key pair, never replacing an existing file.
func cmdKeygen(ctx context.Context, env *cli.Env, args []string) error {
	o := keygenOptions{}
	fs := cli.NewFlagSet(env, "keygen", "keygen [--out PREFIX] [--root DIR]")
	fs.RootFlag(&o.Root)
	fs.StringVar(&o.Out, "out", "", "write `PREFIX`.key and PREFIX.pub (default .taskproof/signing under --root)")
	if err := fs.ParseNone(args, "keygen takes no arguments (use --out PREFIX)"); err != nil {
		return err
	}
	prefix, err := evidence.KeyPrefix(o.Out, o.Root)
	if err != nil {
		return cli.Usagef("%v", err)
	}
	kp, err := evidence.WriteKeyPair(prefix)
	if errors.Is(err, evidence.ErrKeyExists) {
		return cli.Findings(err)
	}
	if err != nil {
		return cli.Infra(err)
	}
	fmt.Fprintf(env.Stdout, "private key: %s (mode 0600; keep it secret, never commit it)\n", kp.Key)
	fmt.Fprintf(env.Stdout, "public key:  %s (commit it; evidence verify reads it)\n", kp.Pub)
	fmt.Fprintf(env.Stdout, "ignored:     %s lists %s, so git add -A leaves the private key out\n", kp.Ignore, filepath.Base(kp.Key))
	fmt.Fprintf(env.Stdout, "key id:      %s\n", kp.ID)
	return nil
}
