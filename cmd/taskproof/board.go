package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/taskproof/taskproof/internal/atomicfile"
	"github.com/taskproof/taskproof/internal/board"
	"github.com/taskproof/taskproof/internal/cli"
	"github.com/taskproof/taskproof/internal/config"
	"github.com/taskproof/taskproof/internal/proofstate"
)

// boardOptions are the inputs of `taskproof board`.
type boardOptions struct {
	Root   string
	Format string // markdown or json
	// RequireTrusted counts as proven only evidence from a trusted signer
	// allowed to set Done.
	RequireTrusted bool
	Write          bool
	Check          bool
	Out            string // board file; "" means [tasks] board under Root
}

// cmdBoard renders the board of the repository at o.Root and prints,
// writes or checks it.
func cmdBoard(ctx context.Context, env *cli.Env, args []string) error {
	o := boardOptions{}
	fs := cli.NewFlagSet(env, "board", "board [--root DIR] [--format markdown|json] [--write | --check] [--out FILE]")
	fs.RootFlag(&o.Root)
	fs.FormatFlag(&o.Format, "markdown", "json")
	fs.BoolVar(&o.Write, "write", false, "write the board file atomically")
	fs.BoolVar(&o.Check, "check", false, "exit 1 with a diff when the board file is stale")
	fs.BoolVar(&o.RequireTrusted, "require-trusted", false, requireTrustedUsage)
	fs.StringVar(&o.Out, "out", "", "board `FILE` (default: [tasks] board of taskproof.toml under --root)")
	if err := fs.ParseNone(args, "board takes no arguments"); err != nil {
		return err
	}
	if o.Write && o.Check {
		return cli.Usagef("--write and --check exclude each other; use --write to regenerate, --check in CI")
	}
	r := openRepo(env, o.Root)
	b, err := proofstate.Board(ctx, r, proofstate.PolicyOptions{CI: cli.InCI(env), RequireTrusted: o.RequireTrusted})
	if err != nil {
		return err
	}
	cfg, err := r.Config()
	if err != nil {
		return err
	}
	out := o.Out
	if out == "" {
		out = filepath.Join(r.Root, filepath.FromSlash(cfg.Tasks.Board))
	}
	rel := r.Rel(out)
	for _, g := range b.Groups {
		for _, id := range g.Missing {
			fmt.Fprintf(env.Stderr, "taskproof board: warning: group %q lists %s, which has no task file; it is not counted (fix [[groups]] in %s)\n", g.Name, id, config.FileName)
		}
	}
	var data []byte
	if o.Format == "json" {
		data = cli.WithSchemaVersion(b.JSON())
	} else {
		data = b.Markdown(rel)
	}
	switch {
	case o.Write:
		if err := atomicfile.Write(out, data, 0o644); err != nil {
			return cli.Infra(err)
		}
		fmt.Fprintf(env.Stdout, "wrote %s (%d groups, %d of %d tasks Done, %d proven, %d claimed without proof)\n", rel, len(b.Groups), b.All.Done, b.All.Total, *b.All.Proven, len(b.Claimed))
		return nil
	case o.Check:
		return checkBoard(env, out, rel, data)
	}
	return cli.Write(env.Stdout, data)
}

// checkBoard compares the committed board at path with data.
func checkBoard(env *cli.Env, path, rel string, data []byte) error {
	committed, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return cli.Findings(fmt.Errorf("%s does not exist; run 'taskproof board --write' and commit it", rel))
	}
	if err != nil {
		return fmt.Errorf("read %s: %w", rel, err)
	}
	diff := board.StaleDiff(rel, committed, data)
	if diff == "" {
		fmt.Fprintf(env.Stdout, "%s is current\n", rel)
		return nil
	}
	fmt.Fprint(env.Stdout, diff)
	return cli.Findings(fmt.Errorf("%s is stale: it differs from the task headers (diff above); run 'taskproof board --write' and commit the result", rel))
}
