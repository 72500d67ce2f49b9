package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/taskproof/taskproof/internal/atomicfile"
	"github.com/taskproof/taskproof/internal/cli"
	"github.com/taskproof/taskproof/internal/config"
	"github.com/taskproof/taskproof/internal/evidence"
	"github.com/taskproof/taskproof/internal/scaffold"
)

// initOptions are the inputs of `taskproof init`.
type initOptions struct {
	Root string
}

// cmdInit writes the commented default configuration and prints its path.
func cmdInit(ctx context.Context, env *cli.Env, args []string) error {
	o := initOptions{}
	fs := cli.NewFlagSet(env, "init", "init [--root DIR]")
	fs.RootFlag(&o.Root)
	if err := fs.ParseNone(args, "use --root DIR to choose the repository"); err != nil {
		return err
	}
	target := filepath.Join(o.Root, config.FileName)
	if st, err := os.Stat(o.Root); err != nil || !st.IsDir() {
		return cli.Usagef("cannot write %s: the directory does not exist; use --root to point at the repository", target)
	}
	ignoreFile, changed, err := evidence.IgnoreKey(filepath.Join(o.Root, evidence.DefaultPrivateKeyFile))
	if err != nil {
		return cli.Infra(err)
	}
	if changed {
		fmt.Fprintln(env.Stdout, ignoreFile)
	}
	content, groups, err := scaffold.ConfigFileFor(o.Root)
	if err != nil {
		return cli.Infra(err)
	}
	if groups > 0 {
		fmt.Fprintf(env.Stderr, "taskproof init: %d groups read from %s\n", groups, scaffold.HandBoard)
	}
	if err := atomicfile.Create(target, content, 0o644); err != nil {
		if errors.Is(err, os.ErrExist) {
			return cli.Findings(fmt.Errorf("%s already exists; refusing to overwrite it (edit it, or remove it and run init again)", target))
		}
		if errors.Is(err, os.ErrNotExist) {
			return cli.Usagef("cannot write %s: the directory does not exist; use --root to point at the repository", target)
		}
		return cli.Infra(err)
	}
	fmt.Fprintln(env.Stdout, target)
	return nil
}
