package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
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

func cmdInit(ctx context.Context, env *cli.Env, args []string) error {
	o := initOptions{}
	fs := cli.NewFlagSet(env, "init", "init [--root DIR]")
	fs.RootFlag(&o.Root)
	if err := fs.ParseNone(args, "use --root DIR to choose the repository"); err != nil {
		return err
	}
	return runInit(ctx, o, env)
}

// runInit writes the commented default configuration and prints its path.
func runInit(ctx context.Context, o initOptions, env *cli.Env) error {
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
	content, err := initConfig(o.Root, env)
	if err != nil {
		return err
	}
	if err := atomicfile.Create(target, content, 0o644); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return cli.Findings(fmt.Errorf("%s already exists; refusing to overwrite it (edit it, or remove it and run init again)", target))
		}
		if errors.Is(err, fs.ErrNotExist) {
			return cli.Usagef("cannot write %s: the directory does not exist; use --root to point at the repository", target)
		}
		return cli.Infra(err)
	}
	fmt.Fprintln(env.Stdout, target)
	return nil
}

// handBoard is the hand-written board init reads groups from, relative to
// the repository root (the default tasks directory, as there is no
// configuration yet).
const handBoard = "tasks/STATUS-BOARD.md"

// initConfig is the configuration file to write: the defaults, with the
// groups of an existing hand-written board pre-filled.
func initConfig(root string, env *cli.Env) ([]byte, error) {
	src, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(handBoard)))
	if errors.Is(err, fs.ErrNotExist) {
		return scaffold.ConfigFile(), nil
	}
	if err != nil {
		return nil, cli.Infra(fmt.Errorf("read %s: %w", handBoard, err))
	}
	content, groups := scaffold.ConfigFileFromBoard(src, handBoard)
	if groups > 0 {
		fmt.Fprintf(env.Stderr, "taskproof init: %d groups read from %s\n", groups, handBoard)
	}
	return content, nil
}
